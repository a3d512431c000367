#!/usr/bin/env bash
# The soak run, a command and not part of scripts/test.sh or CI: packages the service, starts it as a real
# process with a hub stand-in serving tiny real models, and runs dev.modelport.soak.SoakIT against it:
# SOAK_CLIENTS clients for SOAK_SECONDS (text classification, embeddings, OpenAI embeddings, text
# generation) while another deployment is deployed and undeployed over and over. It prints a table
# (requests, errors, p50/p90/p99 per request kind, RSS first vs last window, slope), also written to
# target/soak/report.txt, and fails on any error or on RSS growth beyond SOAK_RSS_TOLERANCE_MB.
#   scripts/soak.sh                      # 10 minutes, 32 clients
#   SOAK_SECONDS=90 scripts/soak.sh      # a short proof run
# Knobs (environment, defaults): SOAK_SECONDS=600 SOAK_CLIENTS=32 SOAK_WARMUP_SECONDS=20
#   SOAK_RSS_INTERVAL_SECONDS=2 SOAK_RSS_TOLERANCE_MB=64 SOAK_CHURN_SERVE_SECONDS=5
#   SOAK_JVM_OPTS="-Xms512m -Xmx512m -XX:+AlwaysPreTouch" (the service's JVM: a fixed, pre-touched heap, so
#   RSS growth means native or off-heap growth rather than the heap being sized up)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# Engine tuning that must be set before the JVM starts (docs/ARCHITECTURE.md, "Engine settings"):
# big batches lose time in glibc malloc, and spinning OpenMP threads starve each other on shared cores.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec ./mvnw -B -q verify -Dquarkus.quinoa=false -DexcludedTestGroups=none -Dit.test=SoakIT \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
