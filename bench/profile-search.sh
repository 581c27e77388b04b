#!/usr/bin/env bash
# A CPU profile of werkbank's search path under load: `perf record` on the server while
# wrk rotates the 800+ evaluation queries through the JSON API (the workload of
# bench/perf.sh). Prints the hottest functions (self time) and writes the full report.
#
# Builds the `profiling` profile (release optimisation, symbols kept) once.
# Usage: bench/profile-search.sh [SET=large]
# env: DURATION=10 WORK=/tmp/perf SHARED=<repo>/../shared SKIP_BUILD=1 TOP=40
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
# shellcheck source=/dev/null
. "$SHARED/bench/lib.sh"
. "$ROOT/bench/common.sh"
SET=${1:-large}
TOP=${TOP:-40}
OUT="$WORK/werkbank"
mkdir -p "$OUT"
ensure_apt wrk wrk curl curl perf linux-perf
ensure_corpus
if [ ! -f "$WORK/eval/queries_desc.tsv" ]; then
  bash "$SHARED/eval/make-corpus.sh" "$WORK/eval" >&2
fi
python3 "$ROOT/bench/queries.py" "$WORK/eval" "$OUT/search-paths" "$OUT/tantivy-paths" >/dev/null
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/profiling/werkbank"
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --profile profiling --locked --quiet) >&2
fi

PORT=$(free_port 18580)
RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --reload false --search-rate 0 --search-cache false --content "$WORK/corpus/$SET/docs" \
  > "$OUT/profile-server.log" 2>&1 &
WPID=$!; track "$WPID"
wait_http "http://127.0.0.1:$PORT/api/v1/search?q=Datei" 60 || { log "werkbank did not start"; exit 1; }
wait_merged "$PORT"
DURATION=3 run_wrk "http://127.0.0.1:$PORT/" "$OUT/search-paths" >/dev/null   # warm-up

perf record -F 499 -g -p "$WPID" -o "$OUT/search.perf.data" -- sleep "$DURATION" 2>/dev/null &
PERF=$!; track "$PERF"
line=$(run_wrk "http://127.0.0.1:$PORT/" "$OUT/search-paths")
wait "$PERF" 2>/dev/null || true
cleanup
log "load during the profile: $line"
perf report -i "$OUT/search.perf.data" --stdio --no-children --sort symbol 2>/dev/null \
  > "$OUT/search.perf.txt"
echo "=== hottest functions (self time), search on set=$SET; full report: $OUT/search.perf.txt"
grep -E '^ +[0-9.]+%' "$OUT/search.perf.txt" | head -n "$TOP"
