#!/usr/bin/env bash
# Abuse test against the release binary, all on 127.0.0.1 and bounded in time:
#  1. wrk, 256 connections for 60 s, mixing pages, assets and searches. Every request
#     claims another client address in X-Forwarded-For (the server trusts 127.0.0.1 as
#     its proxy), so searches really run and the rate limiter's table fills up; a
#     client address that comes round too often gets a deliberate 429.
#     Reports requests/s, latency, socket errors, statuses and RSS before/after.
#  2. slowhttptest slowloris, 1000 connections for 60 s, while a normal client asks
#     for the start page twice a second; reports its slowest answer and failures.
# Installs wrk and slowhttptest with apt-get only when missing.
# Settings: DURATION=60 CONNS=256 SLOW_CONNS=1000.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
CONNS=${CONNS:-256}
SLOW_CONNS=${SLOW_CONNS:-1000}
THREADS=2
# A normal client's answer must come within this many seconds during slowloris.
NORMAL_LIMIT=1

for tool in wrk slowhttptest curl; do
    if ! command -v "$tool" >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    fi
done

cargo build --release --locked --quiet
target=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target/release/werkbank"

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill "$server"
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A free port from the kernel, then the server on it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUST_LOG=error "$bin" serve --bind "127.0.0.1:$port" --trusted-proxy 127.0.0.1 \
    >"$work/server.log" 2>&1 </dev/null &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -fs "$base/healthz" >/dev/null && break
    sleep 0.1
done
rss() { awk '/VmRSS/ { print $2 " KiB" }' "/proc/$server/status"; }

css=$(curl -fs "$base/" | grep -o '/assets/style\.[^"]*' | head -n1)
cat >"$work/paths.txt" <<EOF
/
/tischler/
/baecker/gesellenpruefung
/aktuelles/stoerung-it-systeme
$css
/suche?q=pruefung
/api/v1/search?q=holz
/suche?q=Gesellenpr%C3%BCfung+Termine&jahr=2
/api/v1/search?q=baecker&limit=20
/gibt-es-nicht
EOF

cat >"$work/mix.lua" <<'EOF'
-- Rotates through the paths; each request claims one of 65,536 client addresses.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local threads = {}
local i, n = 0, 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init()
  counts = {}
  math.randomseed(id * 7919 + 1)
end
function request()
  i = i % #paths + 1
  n = n + 1
  local ip = string.format("10.%d.%d.%d", id, math.random(0, 255), math.random(0, 255))
  return wrk.format("GET", paths[i], { ["X-Forwarded-For"] = ip })
end
function response(status)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, c in pairs(t:get("counts")) do total[status] = (total[status] or 0) + c end
  end
  local line = "STATUS"
  for status, c in pairs(total) do line = line .. " " .. status .. "=" .. c end
  print(line)
  local e = summary.errors
  print(string.format("ERRORS connect=%d read=%d write=%d timeout=%d",
    e.connect, e.read, e.write, e.timeout))
  print(string.format("LATENCY p50_ms=%.2f p99_ms=%.2f max_ms=%.2f",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
EOF

echo "== wrk: $CONNS Verbindungen, ${DURATION} s, Seiten und Suchen gemischt"
rss_before=$(rss)
PATHS="$work/paths.txt" timeout $((DURATION + 30)) \
    wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --timeout 10s -s "$work/mix.lua" "$base" |
    tee "$work/wrk.txt"
rss_after=$(rss)
echo "RSS vorher: $rss_before, nachher: $rss_after"

echo "== slowhttptest slowloris: $SLOW_CONNS Verbindungen, ${DURATION} s, daneben ein normaler Client"
# The server cuts each slow connection after 5 s, and slowhttptest stops once all its
# connections are closed, so it is started again until the time is up.
attack_end=$((SECONDS + DURATION))
(
    rounds=0
    while [ "$SECONDS" -lt "$attack_end" ]; do
        timeout $((DURATION + 30)) slowhttptest -H -c "$SLOW_CONNS" -r 200 -i 10 -s 8192 -t GET \
            -u "$base/" -p 3 -l $((attack_end - SECONDS + 1)) >>"$work/slow.txt" 2>&1 || true
        rounds=$((rounds + 1))
    done
    echo "slowloris rounds: $rounds" >>"$work/slow.txt"
) &
slow=$!
sleep 3
: >"$work/normal.txt"
end=$((SECONDS + DURATION - 5))
while [ "$SECONDS" -lt "$end" ]; do
    curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}\n' "$base/" >>"$work/normal.txt" || echo "000 5" >>"$work/normal.txt"
    sleep 0.5
done
wait "$slow" || true
sed 's/\x1b\[[0-9;]*m//g' "$work/slow.txt" |
    grep -E "service available|Test ended|slowloris rounds" | sort | uniq -c || true
rss_slow=$(rss)
normal_ok=0
python3 - "$work/normal.txt" "$NORMAL_LIMIT" <<'EOF' || normal_ok=1
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
limit = float(sys.argv[2])
times = [float(t) for _, t in rows]
failed = sum(1 for code, _ in rows if code != "200")
slow = sum(1 for t in times if t > limit)
print(f"Normaler Client während slowloris: {len(rows)} Anfragen, {failed} fehlgeschlagen, "
      f"{slow} langsamer als {limit:g} s, Median {statistics.median(times) * 1000:.1f} ms, "
      f"langsamste {max(times) * 1000:.1f} ms")
sys.exit(1 if failed or slow else 0)
EOF
echo "RSS nach slowloris: $rss_slow"

# Verdict: no socket errors and nothing but 2xx, 3xx, the deliberate 404 and 429s.
wrk_ok=0
python3 - "$work/wrk.txt" <<'EOF' || wrk_ok=1
import re, sys
text = open(sys.argv[1]).read()
errors = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", re.search(r"^ERRORS.*$", text, re.M).group(0))}
statuses = {int(k): int(v) for k, v in re.findall(r"(\d+)=(\d+)", re.search(r"^STATUS.*$", text, re.M).group(0))}
unexpected = {s: c for s, c in statuses.items() if not (200 <= s < 400 or s in (404, 429))}
print(f"wrk: Socket-Fehler {sum(errors.values())}, Status {dict(sorted(statuses.items()))}, unerwartet {unexpected}")
sys.exit(1 if sum(errors.values()) or unexpected else 0)
EOF
if [ "$wrk_ok" -ne 0 ] || [ "$normal_ok" -ne 0 ]; then
    echo "abuse: FEHLGESCHLAGEN"
    exit 1
fi
echo "abuse: bestanden"
