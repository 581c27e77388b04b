#!/usr/bin/env bash
# Search quality on a real German corpus nobody here wrote: Debian's German man pages.
#
# Builds the release binary, generates the known-item evaluation with the shared
# instruments (../shared/eval), serves the corpus with `werkbank serve --content`, scores the
# three query sets (full summaries, nouns only, nouns with one typo) through the JSON API
# and prints MRR@10, recall@10 and the single-client latency (mean, p95) as a table.
#
# Usage: bench/search-quality.sh [WORK_DIR]     (default: bench/work/eval, reused between runs)
# Needs: cargo, python3; installs man-db, groff-base and bsdextrautils with apt-get if missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVAL=${EVAL_DIR:-$ROOT/../shared/eval}
WORK=${1:-$ROOT/bench/work/eval}
[ -d "$EVAL" ] || { echo "search-quality.sh: evaluation instruments not found at $EVAL (set EVAL_DIR)" >&2; exit 2; }

need=()
for t in man col groff; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing man-db groff-base bsdextrautils (for the corpus)"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends man-db groff-base bsdextrautils >/dev/null
fi

if [ ! -f "$WORK/queries_nouns_typo.tsv" ]; then
  echo "== building the evaluation corpus in $WORK"
  bash "$EVAL/make-corpus.sh" "$WORK" >/dev/null
fi

echo "== building werkbank (release)"
(cd "$ROOT" && cargo build --release --locked --quiet)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/werkbank

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$(mktemp)
RUST_LOG=warn "$BIN" serve --search-rate 0 --search-cache false --content "$WORK/corpus" --bind "127.0.0.1:$PORT" 2>"$LOG" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.1
done

printf '\n%-12s %8s %10s %10s %10s %10s\n' set n MRR@10 recall@10 mean_ms p95_ms
for set in desc nouns nouns_typo; do
  line=$(python3 "$EVAL/score.py" --base "http://127.0.0.1:$PORT" --queries "$WORK/queries_$set.tsv" \
    --runs "$WORK/runs_$set.tsv" | grep '^RESULT')
  val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  printf '%-12s %8s %10s %10s %10s %10s\n' "$set" "$(val n)" "$(val mrr10)" "$(val r10)" "$(val mean_ms)" "$(val p95_ms)"
done
