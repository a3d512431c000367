#!/usr/bin/env bash
# Runs one benchmark (tests tagged "benchmark", excluded from scripts/test.sh) and prints its table.
#   scripts/bench.sh download | minilm | load | generate | soak
# load: BENCH_SECONDS=30 scripts/bench.sh load   sets the seconds per level (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# Engine tuning that must be set before the JVM starts (docs/ARCHITECTURE.md, "Engine settings"):
# big batches lose time in glibc malloc, and spinning OpenMP threads starve each other on shared cores.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
case "${1:-}" in
  download) test=DownloadBenchmark ;;
  minilm) test=MiniLmBenchmark ;;
  load) test=ServingLoadBenchmark ;;
  generate) test=GenerationBenchmark ;;
  soak) exec scripts/soak.sh ;;  # against the packaged service as a process; SOAK_* knobs in scripts/soak.sh
  *) echo "usage: scripts/bench.sh download|minilm|load|generate|soak" >&2; exit 2 ;;
esac
exec ./mvnw -B -q test -Dquarkus.quinoa=false -DexcludedTestGroups=none -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false
