#!/usr/bin/env bash
# Runs the whole test suite: finds a JDK >= 21, installs Debian's Chromium for the browser test when
# it is missing (needs root or sudo), then `./mvnw verify` (unit, API, WebSocket, UI and browser tests).
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=DeploymentApiTest
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "Installing Debian's chromium for the browser tests..."
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# Engine tuning that must be set before the JVM starts (docs/ARCHITECTURE.md, "Engine settings"):
# big batches lose time in glibc malloc, and spinning OpenMP threads starve each other on shared cores.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec ./mvnw -B verify "$@"
