#!/usr/bin/env bash
# Runs the whole test suite: finds a JDK >= 21, installs Debian's Chromium (browser test), HAProxy
# (multi-replica test) and promtool (metrics lint) when missing (needs root or sudo), then `./mvnw verify`
# (unit, API, WebSocket, UI, browser tests, and the *IT tests that run the packaged service as processes).
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=DeploymentApiTest
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
# Debian packages the tests drive: chromium (browser test), haproxy (the load balancer in front of three
# replicas in it/ReplicasBehindBalancerIT), python3-venv (it/ClientCompatibilityIT's venv of the Python
# clients, installed from the package index; that test is skipped, saying why, without them), prometheus for
# its promtool (api/MetricsExpositionTest lints /q/metrics with `promtool check metrics`).
# Installed when missing; needs root or sudo.
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="$missing haproxy"
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="$missing python3-venv"
command -v promtool >/dev/null 2>&1 || [ -x /usr/bin/promtool ] || missing="$missing prometheus"
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "Installing Debian's$missing for the tests..."
  # shellcheck disable=SC2086  # one word per package
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
# Engine tuning that must be set before the JVM starts (docs/ARCHITECTURE.md, "Engine settings"):
# big batches lose time in glibc malloc, and spinning OpenMP threads starve each other on shared cores.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec ./mvnw -B verify "$@"
