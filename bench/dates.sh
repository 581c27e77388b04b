#!/usr/bin/env bash
# Median response times of the pages and feeds that are rendered per request
# (start page, /termine, /hinweise, the feeds), against the embedded demo content.
#
# Usage: bench/dates.sh [BINARY] [REQUESTS]
#   BINARY defaults to target/release/werkbank (build it with `cargo build --release`).
# Starts the server on a free loopback port with a fixed --today, sends REQUESTS
# (default 200) sequential GETs per path with curl, prints the median and the 90th
# percentile in milliseconds, and stops the server it started.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-target/release/werkbank}"
requests="${2:-200}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" serve --bind "127.0.0.1:$port" --today 2026-11-26 --workers 1 2>/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done
for path in / /termine "/termine?gewerk=kfz&art=uelu" /hinweise /termine.ics /hinweise.xml; do
  for _ in $(seq 1 "$requests"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$path"
  done | sort -n | awk -v path="$path" '{ t[NR] = $1 * 1000 } END {
    printf "%-32s median %6.2f ms   p90 %6.2f ms   (%d requests)\n", path, t[int((NR + 1) / 2)], t[int(NR * 0.9)], NR }'
done
