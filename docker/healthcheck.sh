#!/bin/bash
# usage: healthcheck.sh [PATH]: exit 0 when GET PATH on the service answers 200 (default: liveness).
# Plain bash (/dev/tcp) because slim base images have no curl.
path=${1:-/q/health/live}
exec 3<>"/dev/tcp/127.0.0.1/${BACKEND_PORT:-8000}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
read -r -t 5 status <&3 || exit 1
[[ $status == *" 200 "* ]]
