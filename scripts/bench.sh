#!/usr/bin/env bash
# Runs one benchmark (tests tagged "benchmark", excluded from scripts/test.sh) and prints its table.
#   scripts/bench.sh download | minilm | generate
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
case "${1:-}" in
  download) test=DownloadBenchmark ;;
  minilm) test=MiniLmBenchmark ;;
  generate) test=GenerationBenchmark ;;
  *) echo "usage: scripts/bench.sh download|minilm|generate" >&2; exit 2 ;;
esac
exec ./mvnw -B -q test -Dquarkus.quinoa=false -DexcludedTestGroups=none -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false
