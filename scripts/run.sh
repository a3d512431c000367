#!/usr/bin/env bash
# Runs Modelport: builds it if needed (JDK found by scripts/jdk.sh, Maven fetched by ./mvnw), then
# starts the packaged service on BACKEND_PORT (default 8000) with the settings in .env.
#   scripts/run.sh            build if sources changed, then run
#   scripts/run.sh --dev      Quarkus dev mode with live reload (UI on Vite with hot reload)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# Engine tuning that must be set before the JVM starts (docs/ARCHITECTURE.md, "Engine settings"):
# big batches lose time in glibc malloc, and spinning OpenMP threads starve each other on shared cores.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if [ "${1:-}" = "--dev" ]; then
  exec ./mvnw -B quarkus:dev
fi
JAR=target/quarkus-app/quarkus-run.jar
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src -newer "$JAR" -not -path '*/node_modules/*' -print -quit)" ]; then
  ./mvnw -B -q package -DskipTests
fi
exec "$JAVA_HOME/bin/java" -Dai.djl.offline=true ${JAVA_OPTS:-} -jar "$JAR"
