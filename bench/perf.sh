#!/usr/bin/env bash
# werkbank against the anchors, side by side in one run (issue 8):
#   * a document page and a results page from werkbank vs the very same bytes from nginx
#   * werkbank's JSON search (snippets, facets) vs `tantivy serve` on the same corpus,
#     800+ distinct German queries rotated (a handful would let a cache decide)
#   * start-up to the first search answer: embedded demo, the folder cold, the folder
#     again with the index cache filled
#   * peak RSS under the search load, binary size
# Workloads are interleaved REPS times; the table shows medians and ratios.
#
# It uses the shared instruments in ../shared/bench (wrk runner, nginx starter, medians,
# PID tracking, corpus builder, tantivy-cli anchor) and the query sets of ../shared/eval;
# it does not copy them. Loopback only; every server is stopped by its PID.
#
# Usage: bench/perf.sh [SET=large]
# env: CONNS=64 THREADS=2 DURATION=10 REPS=3 WORK=/tmp/perf (see ../shared/bench/lib.sh),
#      SHARED=<repo>/../shared, SKIP_BUILD=1 (use the built binary), BIN=path/to/werkbank
#      TANTIVY=path/to/tantivy, WLS="tantivy_search werkbank_search" (a subset of the
#      workloads), SKIP_STARTUP=1 (no start-up runs), KIWIX=1 (also kiwix-serve's
#      full-text search on the same queries: the shared anchor script installs it and
#      builds the ZIM file on its first run, several minutes for the 10k set)
# Quick check: DURATION=2 REPS=1 bench/perf.sh small
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
# shellcheck source=/dev/null
. "$SHARED/bench/lib.sh"
. "$ROOT/bench/common.sh"
SET=${1:-large}
OUT="$WORK/werkbank"
mkdir -p "$OUT"

ensure_apt nginx nginx-light wrk wrk curl curl python3 python3
ensure_corpus
DOCS="$WORK/corpus/$SET/docs"

# --- queries: the evaluation sets, cleaned to words, deduplicated, shuffled
if [ ! -f "$WORK/eval/queries_desc.tsv" ]; then
  bash "$SHARED/eval/make-corpus.sh" "$WORK/eval" >&2
fi
NQ=$(python3 "$ROOT/bench/queries.py" "$WORK/eval" "$OUT/search-paths" "$OUT/tantivy-paths")
log "$NQ distinct queries"

# --- the release binary
if [ -z "${BIN:-}" ]; then
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/werkbank"
  if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && cargo build --release --locked --quiet) >&2
  fi
fi
[ -x "$BIN" ] || { log "no binary at $BIN"; exit 1; }

# --- the tantivy-cli anchor's index (the shared script installs tantivy-cli and builds it)
TANTIVY=${TANTIVY:-$WORK/tools/bin/tantivy}
if [ ! -f "$WORK/tantivy/idx-$SET/meta.json" ] || [ ! -x "$TANTIVY" ]; then
  log "building the tantivy-cli index with the shared anchor script (a short run)"
  DURATION=1 REPS=1 TANTIVY="$TANTIVY" bash "$SHARED/bench/bench-tantivy.sh" "$SET" >&2
fi

# --- the kiwix-serve anchor's ZIM file (the shared script installs kiwix-tools and builds it)
BOOK="notfall_de_$SET"
ZIM="$WORK/zim/$BOOK.zim"
if [ -n "${KIWIX:-}" ]; then
  if [ ! -f "$ZIM" ] || ! command -v kiwix-serve >/dev/null; then
    log "building the kiwix ZIM file with the shared anchor script (a short run)"
    DURATION=1 REPS=1 bash "$SHARED/bench/bench-kiwix.sh" "$SET" >&2
  fi
  # The same queries in kiwix-serve's search URL.
  sed "s|^/api/?q=\(.*\)&nhits=10\$|/search?content=$BOOK\&pattern=\1\&pageLength=10|" \
    "$OUT/tantivy-paths" > "$OUT/kiwix-paths"
fi

# --- start-up: exec -> first 2xx on a search, REPS times each, interleaved
PORT=$(free_port 18480)
Q1='/api/v1/search?q=Pr%C3%BCfung&limit=10'
CACHE="$OUT/index-cache"
rm -rf "$CACHE"
startup() {  # startup CASE ARGS... -> prints ms
  local line
  line=$(STARTUP_LOG="$OUT/startup-$1.log" RUST_LOG=warn python3 "$ROOT/bench/startup.py" "$PORT" "$Q1" -- \
    "$BIN" serve --bind "127.0.0.1:$PORT" --reload false "${@:2}")
  field "$line" ms
}
declare -A S=()
# Fill the cache once, so that every "cached" run finds it.
[ -n "${SKIP_STARTUP:-}" ] || startup fill --content "$DOCS" --index-cache "$CACHE" >/dev/null
STARTUP_REPS=${SKIP_STARTUP:+0}
for rep in $(seq "${STARTUP_REPS:-$REPS}"); do
  S[embedded]+=" $(startup embedded)"
  S[cold]+=" $(startup cold --content "$DOCS")"
  S[cached]+=" $(startup cached --content "$DOCS" --index-cache "$CACHE")"
  log "start-up rep $rep: embedded${S[embedded]##* } ms, cold${S[cold]##* } ms, cached${S[cached]##* } ms"
done

# --- the servers under load: werkbank (access log off, like nginx), tantivy serve, nginx
# The cache of the latest answers is off: the two wrk threads sometimes ask the same
# rotated queries close together, and the figures are to be the engine's.
RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --reload false --search-rate 0 --search-cache false --content "$DOCS" \
  > "$OUT/werkbank.log" 2>&1 &
WPID=$!; track "$WPID"
wait_http "http://127.0.0.1:$PORT$Q1" 60 || { log "werkbank did not start"; tail "$OUT/werkbank.log" >&2; exit 1; }
wait_merged "$PORT"
TPORT=$(free_port $((PORT + 1)))
"$TANTIVY" serve -i "$WORK/tantivy/idx-$SET" --host 127.0.0.1 -p "$TPORT" > "$OUT/tantivy.log" 2>&1 &
TPID=$!; track "$TPID"
wait_http "http://127.0.0.1:$TPORT/api/?q=Datei&nhits=10" 60 || { log "tantivy serve did not start"; exit 1; }

if [ -n "${KIWIX:-}" ]; then
  KPORT=$(free_port $((TPORT + 2)))
  kiwix-serve --address=127.0.0.1 --port="$KPORT" "$ZIM" > "$OUT/kiwix.log" 2>&1 &
  KPID=$!; track "$KPID"
  wait_http "http://127.0.0.1:$KPORT/" 60 || { log "kiwix-serve did not start"; exit 1; }
fi

# The same pages for nginx: werkbank's HTML of the median-size document and of a results
# page, saved as files.
HTML="$OUT/html"
rm -rf "$HTML"; mkdir -p "$HTML"
DOC=$(cd "$DOCS" && find . -name '*.md' -printf '%s %P\n' | sort -n | awk '{a[NR]=$2} END{print a[int((NR+1)/2)]}')
DOC_URL="/$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1][:-3]))' "$DOC")"
RESULTS_URL='/suche?q=Datei%20%C3%B6ffnen'
curl -fsS -o "$HTML/doc.html" "http://127.0.0.1:$PORT$DOC_URL"
curl -fsS -o "$HTML/results.html" "http://127.0.0.1:$PORT$RESULTS_URL"
cp "$HTML/doc.html" "$HTML/index.html"   # start_nginx probes /
NPORT=$(free_port $((TPORT + 3)))
start_nginx "$HTML" "$NPORT"
log "document $DOC_URL ($(stat -c %s "$HTML/doc.html") bytes), results $RESULTS_URL ($(stat -c %s "$HTML/results.html") bytes)"
RSS_IDLE=$(rss_kb "$WPID")

WLS=${WLS:-"nginx_doc werkbank_doc nginx_results werkbank_results tantivy_search werkbank_search${KIWIX:+ kiwix_search}"}
DURATION=3 run_wrk "http://127.0.0.1:$PORT/" "$OUT/search-paths" >/dev/null   # warm-up
DURATION=3 run_wrk "http://127.0.0.1:$TPORT/" "$OUT/tantivy-paths" >/dev/null
# The peak so far is the start-up's (building the index); from here on the peak of
# the loads is measured: writing 5 to clear_refs resets VmHWM to the current RSS.
RSS_BUILD=$(hwm_kb "$WPID")
echo 5 > "/proc/$WPID/clear_refs"
# werkbank's counters of searches and of those the cache of the latest answers gave:
# with the cache off, none may come from it.
counters() {
  curl -fsS "http://127.0.0.1:$PORT/metrics" |
    awk '$1 == "werkbank_searches_total" {s = $2} $1 == "werkbank_cached_searches_total" {c = $2} END {print s + 0, c + 0}'
}
# The CPU time a server spent per answered request (user and system, its threads and
# its worker processes), read from /proc around each run: steadier on a shared machine
# than requests per second, which also depend on what else runs on the cores.
TICK=$(getconf CLK_TCK)
cpu_ticks() {  # cpu_ticks PID -> utime + stime of PID and its child processes
  local p total=0
  for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
server_of() {  # server_of WORKLOAD -> the PID serving it
  case $1 in
    nginx_*) echo "$NGINX_PID" ;; tantivy_*) echo "$TPID" ;; kiwix_*) echo "$KPID" ;; *) echo "$WPID" ;;
  esac
}
declare -A R=() CACHE_USE=()
for rep in $(seq "$REPS"); do
  for wl in $WLS; do
    read -r searches_before cached_before < <(counters)
    ticks_before=$(cpu_ticks "$(server_of "$wl")")
    case $wl in
      nginx_doc)        line=$(run_wrk "http://127.0.0.1:$NPORT/doc.html") ;;
      werkbank_doc)     line=$(run_wrk "http://127.0.0.1:$PORT$DOC_URL") ;;
      nginx_results)    line=$(run_wrk "http://127.0.0.1:$NPORT/results.html") ;;
      werkbank_results) line=$(run_wrk "http://127.0.0.1:$PORT$RESULTS_URL") ;;
      tantivy_search)   line=$(run_wrk "http://127.0.0.1:$TPORT/" "$OUT/tantivy-paths") ;;
      werkbank_search)  line=$(run_wrk "http://127.0.0.1:$PORT/" "$OUT/search-paths") ;;
      kiwix_search)     line=$(run_wrk "http://127.0.0.1:$KPORT/" "$OUT/kiwix-paths") ;;
    esac
    ticks_after=$(cpu_ticks "$(server_of "$wl")")
    log "rep $rep $wl: $line"
    R[$wl.cpu_us]+=" $(awk -v t=$((ticks_after - ticks_before)) -v hz="$TICK" -v n="$(field "$line" requests)" \
      'BEGIN { if (n + 0 == 0) print "NA"; else printf "%.1f", t * 1e6 / hz / n }')"
    read -r searches_after cached_after < <(counters)
    if [ "$searches_after" != "$searches_before" ]; then
      CACHE_USE[$wl]+=" $((cached_after - cached_before)) of $((searches_after - searches_before))"
    fi
    for k in rps p50_ms p99_ms non2xx; do R[$wl.$k]+=" $(field "$line" "$k")"; done
  done
done
RSS_PEAK=$(hwm_kb "$WPID")
TRSS_PEAK=$(hwm_kb "$TPID")
cleanup

med() { median <<<"${R[$1]}"; }
echo
echo "=== werkbank perf: set=$SET ($(find "$DOCS" -name '*.md' | wc -l) docs), $NQ distinct queries rotated, wrk -t$THREADS -c$CONNS -d${DURATION}s, reps=$REPS (interleaved)"
machine_line
echo "binary: $(stat -c %s "$BIN" | awk '{printf "%.2f MiB", $1/1048576}') ($BIN)"
if [ -z "${SKIP_STARTUP:-}" ]; then
  printf "%-22s %10s %8s   %s\n" "start-up to search" median_ms "" "runs (ms)"
  for c in embedded cold cached; do
    printf "%-22s %10s %8s  %s\n" "$c" "$(median <<<"${S[$c]}")" "" "${S[$c]}"
  done
fi
echo "werkbank RSS: idle $((RSS_IDLE / 1024)) MiB, peak under the loads (VmHWM reset after the warm-up) $((RSS_PEAK / 1024)) MiB, peak of the start-up $((RSS_BUILD / 1024)) MiB; tantivy serve peak $((TRSS_PEAK / 1024)) MiB"
for wl in werkbank_search werkbank_results; do
  [ -n "${CACHE_USE[$wl]:-}" ] && echo "$wl: searches answered from the cache of the latest answers, per rep:${CACHE_USE[$wl]}"
done
printf "%-18s %12s %9s %9s %8s %11s   %s\n" workload rps_median p50_ms p99_ms non2xx cpu_us_req "rps per rep"
for wl in $WLS; do
  printf "%-18s %12s %9s %9s %8s %11s   %s\n" "$wl" "$(med "$wl.rps")" "$(med "$wl.p50_ms")" "$(med "$wl.p99_ms")" \
    "$(tr ' ' '\n' <<<"${R[$wl.non2xx]}" | awk '{s+=$1} END{print s}')" "$(med "$wl.cpu_us")" "${R[$wl.rps]}"
done
# A ratio for each pair of workloads that ran (WLS may name only some).
show_ratio() {
  if [ -n "${R[$1.rps]:-}" ] && [ -n "${R[$2.rps]:-}" ]; then
    printf "ratio %-36s %s\n" "$1/$2:" "$(ratio "$(med "$1.rps")" "$(med "$2.rps")")"
  fi
}
# The server's CPU time per request, the other way round (theirs / ours): above 1
# means werkbank needs less.
show_cpu_ratio() {
  if [ -n "${R[$1.cpu_us]:-}" ] && [ -n "${R[$2.cpu_us]:-}" ]; then
    printf "cpu ratio %-32s %s\n" "$2/$1 (us per request):" "$(ratio "$(med "$2.cpu_us")" "$(med "$1.cpu_us")")"
  fi
}
show_cpu_ratio werkbank_doc nginx_doc
show_cpu_ratio werkbank_search tantivy_search
show_ratio werkbank_doc nginx_doc
show_ratio werkbank_results nginx_results
show_ratio werkbank_search tantivy_search
show_ratio werkbank_search kiwix_search
show_ratio werkbank_search nginx_doc
show_ratio tantivy_search nginx_doc
