# Helpers that bench/perf.sh and bench/profile-search.sh share; sourced after the
# shared bench/lib.sh.

# wait_merged PORT: waits (at most 60 s) until the werkbank on PORT searches one
# segment. An index built at the start is merged beside the first requests
# (`SearchIndex::warm`), and the loads are to measure the merged one.
wait_merged() {
  local _
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$1/metrics" | grep -qx 'werkbank_search_segments 1' && return 0
    sleep 0.5
  done
  log "werkbank on port $1 still searches several segments after 60 s"
}
