#!/usr/bin/env bash
# Runs one benchmark (tests tagged "benchmark", excluded from scripts/test.sh) and prints its table.
#   scripts/bench.sh download | minilm | runtime | encoders | decoders | seq2seq | load | generate | soak
# load: BENCH_SECONDS=30 scripts/bench.sh load   sets the seconds per level (default 10)
# runtime: builds the NDArray runtime of commit c03b3cd (the last one before runtime v2) once into
#   target/bench-baseline and compares it with today's in one process; BENCH_ROUNDS=5 for more rounds
# generate: BENCH_DTYPE=bfloat16 scripts/bench.sh generate   runs the decoder in another precision
# decoders: decode tokens/s of each decoder architecture (Llama, Qwen3, Gemma 2, Gemma 3, Phi-3) at one small
#   shape, float32 and bfloat16; BENCH_ONLY=Gemma2ForCausalLM,Phi3ForCausalLM picks some, BENCH_ROUNDS sets rounds
# seq2seq: encoder-decoders at t5-small and bart-base shapes: encoder ms and decode tokens/s (1 sequence, 4 beams),
#   float32 and bfloat16; BENCH_ONLY=t5-small or bart-base picks one, BENCH_ROUNDS sets rounds
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# Engine tuning that must be set before the JVM starts (docs/ARCHITECTURE.md, "Engine settings"):
# big batches lose time in glibc malloc, and spinning OpenMP threads starve each other on shared cores.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
extra=()
case "${1:-}" in
  download) test=DownloadBenchmark ;;
  minilm) test=MiniLmBenchmark ;;
  runtime)
    test=RuntimeComparisonBenchmark
    baseline_commit=c03b3cd
    base=target/bench-baseline
    if [ ! -f "$base/target/classes/dev/modelport/runtime/DjlModelRuntime.class" ]; then
      if ! git cat-file -e "$baseline_commit^{commit}" 2>/dev/null; then
        echo "The baseline commit $baseline_commit is not in this clone (a shallow clone?); fetch the history first." >&2
        exit 1
      fi
      echo "Building the baseline runtime (commit $baseline_commit) in $base ..."
      rm -rf "$base" && mkdir -p "$base"
      git archive "$baseline_commit" | tar -x -C "$base"
      (cd "$base" && ./mvnw -B -q compile -Dquarkus.quinoa=false)
    fi
    extra=("-Dbench.baseline=$PWD/$base/target/classes") ;;
  encoders) test=EncoderArchitecturesBenchmark ;;  # BENCH_ROUNDS, BENCH_THREADS, BENCH_ONLY=mpnet|modernbert|deberta|bert
  decoders) test=DecoderArchitecturesBenchmark ;;
  seq2seq) test=Seq2SeqBenchmark ;;
  load) test=ServingLoadBenchmark ;;
  generate) test=GenerationBenchmark ;;
  soak) exec scripts/soak.sh ;;  # against the packaged service as a process; SOAK_* knobs in scripts/soak.sh
  *) echo "usage: scripts/bench.sh download|minilm|runtime|encoders|decoders|seq2seq|load|generate|soak" >&2; exit 2 ;;
esac
exec ./mvnw -B -q test -Dquarkus.quinoa=false -DexcludedTestGroups=none -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false "${extra[@]}"
