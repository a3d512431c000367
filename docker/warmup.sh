#!/bin/bash
# Image build step. usage: warmup.sh COMMAND... (the command that starts the service)
# Starts the service once and asks for /api/v1/system, which loads the PyTorch engine and so unpacks
# libtorch into DJL_CACHE_DIR; then stops it and removes what the run left in /data.
set -euo pipefail
here=$(dirname "$0")
"$@" &
pid=$!
ok=0
for _ in $(seq 1 180); do
  if "$here/healthcheck.sh" /api/v1/system 2>/dev/null; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" || true
if [[ $ok != 1 ]]; then
  echo "warm-up failed: the service did not answer /api/v1/system" >&2
  cat "$LOG_DIR"/deployment.log >&2 || true
  exit 1
fi
find "$DJL_CACHE_DIR" -name 'libtorch*.so*' | grep -q . || { echo "no libtorch under $DJL_CACHE_DIR" >&2; exit 1; }
rm -rf "${HF_HUB_CACHE:?}"/* "${MODEL_STORAGE_PATH:?}"/* "${LOG_DIR:?}"/*
du -sh "$DJL_CACHE_DIR"
