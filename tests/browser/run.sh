#!/usr/bin/env bash
# Browser tests for werkbank: accessibility (axe-core), use without JavaScript,
# keyboard, offline (service worker), requests, page weight, print and English UI,
# in Debian's Chromium driven by playwright-core (which never downloads a browser here).
#
# Installs what is missing (chromium via apt-get, the npm packages via `npm ci`),
# builds the debug binary unless WERKBANK_BIN names one, starts two servers on free
# loopback ports (the embedded content, and a temporary copy of content/ that the
# offline test edits), runs `node --test`, stops the servers and prints
# "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
  echo "== chromium fehlt: apt-get install chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  echo "== node fehlt: apt-get install nodejs npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-copy; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  cp package-lock.json node_modules/.lock-copy
fi

BIN="${WERKBANK_BIN:-}"
if [ -z "$BIN" ]; then
  echo "== cargo build"
  (cd "$ROOT" && cargo build --quiet --locked)
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/werkbank"
fi

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_for() {
  local url="$1" log="$2"
  for _ in $(seq 1 300); do
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$url"; then
      return 0
    fi
    sleep 0.2
  done
  echo "Server unter $url antwortet nicht:" >&2
  cat "$log" >&2
  exit 1
}

cp -r "$ROOT/content" "$WORK/content"
PORT="$(free_port)"
"$BIN" serve --bind "127.0.0.1:$PORT" --reload false >"$WORK/embedded.log" 2>&1 &
PIDS+=($!)
EDIT_PORT="$(free_port)"
"$BIN" serve --bind "127.0.0.1:$EDIT_PORT" --content "$WORK/content" >"$WORK/edit.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/healthz" "$WORK/embedded.log"
wait_for "http://127.0.0.1:$EDIT_PORT/healthz" "$WORK/edit.log"

export WERKBANK_URL="http://127.0.0.1:$PORT"
export WERKBANK_EDIT_URL="http://127.0.0.1:$EDIT_PORT"
export WERKBANK_EDIT_CONTENT="$WORK/content"

FILES=("$@")
if [ ${#FILES[@]} -eq 0 ]; then FILES=(*.test.mjs); fi
set +e
node --test --test-concurrency=1 --test-reporter=spec "${FILES[@]}" 2>&1 | tee "$WORK/out.txt"
STATUS=${PIPESTATUS[0]}
set -e
PASSED=$(grep -E '^ℹ pass ' "$WORK/out.txt" | awk '{print $3}' | tail -1)
FAILED=$(grep -E '^ℹ fail ' "$WORK/out.txt" | awk '{print $3}' | tail -1)
SKIPPED=$(grep -E '^ℹ skipped ' "$WORK/out.txt" | awk '{print $3}' | tail -1)
echo "${PASSED:-0} passed, ${FAILED:-0} failed, ${SKIPPED:-0} skipped"
if [ "$STATUS" -ne 0 ] || [ "${FAILED:-0}" != "0" ] || [ "${PASSED:-0}" = "0" ]; then
  exit 1
fi
