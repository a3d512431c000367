#!/bin/bash
# Builds the JVM image, runs it with `docker run --read-only -p`, deploys a tiny model from a hub on this
# host and gets an inference: the native libraries were unpacked at image build, none is written at run
# time. Needs a running Docker engine, python3, and a built app:
#   ./mvnw -B package -DskipTests -Dquarkus.quinoa=false   (also compiles the test hub into target/test-classes)
# BASE_IMAGE=eclipse-temurin:25-jre uses a registry's JRE image; left unset, a Debian bookworm base
# (debootstrap) with a jlink runtime of the JDK in JAVA_HOME is built locally, for machines without one.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-modelport:jvm}
HOST_PORT=${HOST_PORT:-18000}
HUB_PORT=${HUB_PORT:-18950}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d)
container=""
pids=()
cleanup() {
  [[ -n $container ]] && { docker logs "$container" > "$work/container.log" 2>&1 || true; docker rm -f -v "$container" >/dev/null 2>&1 || true; }
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  echo "work dir (logs): $work"
}
trap cleanup EXIT
step() { echo "== $*"; }

[[ -f target/quarkus-app/quarkus-run.jar && -d target/test-classes/dev/modelport/it ]] \
  || { echo "build first: ./mvnw -B package -DskipTests -Dquarkus.quinoa=false" >&2; exit 1; }

if [[ -z ${BASE_IMAGE:-} ]]; then
  BASE_IMAGE=modelport-jre:25
  if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    if ! docker image inspect modelport-base:bookworm >/dev/null 2>&1; then
      step "debootstrap bookworm (a few minutes)"
      debootstrap --variant=minbase bookworm "$work/rootfs" > "$work/debootstrap.log"
      tar -C "$work/rootfs" -c . | docker import - modelport-base:bookworm
    fi
    step "jlink a Java runtime from $JAVA_HOME"
    mkdir -p "$work/base"
    "$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.zipfs,jdk.naming.dns \
      --strip-debug --no-man-pages --no-header-files --output "$work/base/jre"
    printf 'FROM modelport-base:bookworm\nCOPY jre /opt/java/openjdk\nENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' \
      > "$work/base/Dockerfile"
    docker build -q -t "$BASE_IMAGE" "$work/base"
  fi
fi

step "docker build ($BASE_IMAGE)"
start=$(date +%s)
docker build -f docker/Dockerfile.jvm --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" . | tail -n 5
echo "built in $(( $(date +%s) - start )) s; image size: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"

# The container reaches the host through the bridge's gateway; the test hub listens on loopback only,
# so a small forwarder listens on the gateway address.
gateway=$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Gateway}}')
# some engines (Debian's docker.io) leave the gateway out of the network's IPAM config
[[ -n $gateway ]] || gateway=$(ip -4 -o addr show docker0 | awk '{split($4, a, "/"); print a[1]}')
step "hub on 127.0.0.1:$HUB_PORT, reachable from containers at $gateway:$HUB_PORT"
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:target/quarkus-app/lib/main/*" \
  dev.modelport.it.SmokeHub "$work/hub" "$HUB_PORT" > "$work/hub.log" 2>&1 &
pids+=($!)
python3 - "$gateway" "$HUB_PORT" > "$work/forward.log" 2>&1 <<'PY' &
import socket, sys, threading
host, port = sys.argv[1], int(sys.argv[2])
def pipe(a, b):
    try:
        while (data := a.recv(65536)):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
server = socket.create_server((host, port), reuse_port=True)
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", port))
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
PY
pids+=($!)

step "native libraries in the image"
docker run --rm --entrypoint /bin/bash "$IMAGE" -c \
  'find "$DJL_CACHE_DIR" \( -name libtorch.so -o -name libtokenizers.so -o -name libjnidispatch.so \) -printf "  %p (%s bytes)\n"'

# A read-only root filesystem: the container may write only to its volumes and a tmpfs /tmp (for the
# JVM), so a native library unpacked into the image's DJL_CACHE_DIR would fail the deployment below.
step "docker run --read-only -p $HOST_PORT:8000"
start=$(date +%s)
container=$(docker run -d --read-only --tmpfs /tmp -p "$HOST_PORT:8000" \
  -e HF_ENDPOINT="http://$gateway:$HUB_PORT" -v modelport-smoke-cache:/data/huggingface_cache "$IMAGE")
base="http://127.0.0.1:$HOST_PORT"
for _ in $(seq 1 120); do
  curl -fsS "$base/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "$base/q/health/ready"; echo
echo "ready in $(( $(date +%s) - start )) s; user in container: $(docker exec "$container" id -un)"

step "deploy smoke-org/tiny-bert-sentiment"
curl -fsS -X POST "$base/api/v1/deploy" -H 'Content-Type: application/json' \
  -d '{"model_id": "smoke-org/tiny-bert-sentiment", "deployment_id": "smoke"}'; echo
status=""
for _ in $(seq 1 120); do
  status=$(curl -fsS "$base/api/v1/deployments/smoke" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  [[ $status == completed || $status == failed ]] && break
  sleep 1
done
echo "status: $status"
[[ $status == completed ]] || { curl -sS "$base/api/v1/deployments/smoke"; echo; exit 1; }

step "inference"
answer=$(curl -fsS -X POST "$base/api/v1/deployments/smoke/inference" -H 'Content-Type: application/json' \
  -d '{"inputs": "I love this product!"}')
echo "$answer"
grep -q '"status":"success"' <<< "$answer"
# the engine and the tokenizer are loaded now; both native libraries must have come from the image
changed=$(docker diff "$container")
echo "changed in the container's filesystem outside its volumes and tmpfs: ${changed:-nothing}"
[[ -z $changed ]] || { echo "the container wrote to its image layer" >&2; exit 1; }
# /tmp is writable: a library unpacked there (JNA does so unless told where its own is) would not show above
in_tmp=$(docker exec "$container" find /tmp -type f \( -name '*.so*' -o -name 'jna*' \))
echo "native libraries written to /tmp: ${in_tmp:-none}"
[[ -z $in_tmp ]] || { echo "a native library was unpacked at run time" >&2; exit 1; }
docker exec "$container" test -s /data/logs/deployment.log && echo "log file written to the /data/logs volume"
step "health check as Docker sees it"
for _ in $(seq 1 25); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$container")
  [[ $health != starting ]] && break
  sleep 3
done
echo "health: $health"
echo "SMOKE TEST PASSED"
