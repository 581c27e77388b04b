#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of the start
# page, a document and a results page, mobile preset (Lighthouse's default: a mid-range
# phone on a slow 4G connection, simulated), in Debian's Chromium.
#
#   bench/lighthouse.sh            # builds the debug binary unless WERKBANK_BIN is set
#   RUNS=3 bench/lighthouse.sh     # median of three runs per page (default 1)
#
# Prints one line per page and exits 1 if any of the four scores of any page is below
# 95. The results page measured is one for a real query, which search engines may
# index (with a canonical link to its normalised address); thin results pages (no
# hits, later pages, combined filters) carry `noindex` and are not measured here.
set -euo pipefail
cd "$(dirname "$0")/lighthouse"
ROOT="$(cd ../.. && pwd)"
MIN_SCORE=95
RUNS="${RUNS:-1}"

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-copy; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  cp package-lock.json node_modules/.lock-copy
fi

BIN="${WERKBANK_BIN:-}"
if [ -z "$BIN" ]; then
  (cd "$ROOT" && cargo build --quiet --locked)
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/werkbank"
fi

WORK="$(mktemp -d)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$BIN" serve --bind "127.0.0.1:$PORT" --reload false >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.2
done

BASE="http://127.0.0.1:$PORT"
PAGES=("/" "/tischler/gesellenpruefung" "/suche?q=pr%C3%BCfung")
FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
export CHROME_PATH=/usr/bin/chromium

for path in "${PAGES[@]}"; do
  for run in $(seq 1 "$RUNS"); do
    # A German browser: otherwise the start page redirects Lighthouse's en-US to /en/.
    node_modules/.bin/lighthouse "$BASE$path" --quiet --chrome-flags="$FLAGS" \
      --extra-headers='{"Accept-Language":"de-DE,de;q=0.9"}' \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$WORK/report-$(echo "$path" | md5sum | cut -c1-8)-$run.json" \
      --disable-full-page-screenshot >/dev/null 2>>"$WORK/lighthouse.log" || {
        echo "lighthouse scheiterte an $path:" >&2; tail -20 "$WORK/lighthouse.log" >&2; exit 1; }
  done
done

node - "$WORK" "$MIN_SCORE" "${PAGES[@]}" <<'JS'
const fs = require('fs');
const crypto = require('crypto');
const [work, min, ...pages] = process.argv.slice(2);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
let bad = 0;
console.log('Seite'.padEnd(32) + 'Leistung  Barrierefrei  Praxis  SEO');
for (const path of pages) {
  const id = crypto.createHash('md5').update(path + '\n').digest('hex').slice(0, 8);
  const reports = fs.readdirSync(work).filter((f) => f.startsWith(`report-${id}-`))
    .map((f) => JSON.parse(fs.readFileSync(`${work}/${f}`, 'utf8')));
  const score = (c) => Math.round(100 * median(reports.map((r) => r.categories[c].score)));
  const s = { performance: score('performance'), accessibility: score('accessibility'),
    practices: score('best-practices'), seo: score('seo') };
  const ok = [s.performance, s.accessibility, s.practices, s.seo].every((x) => x >= Number(min));
  if (!ok) bad++;
  const failing = Object.values(reports[0].audits)
    .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
    .map((a) => a.id);
  const m = reports[0].audits.metrics?.details?.items?.[0] ?? {};
  console.log(path.padEnd(32) + String(s.performance).padEnd(10) + String(s.accessibility).padEnd(14) +
    String(s.practices).padEnd(8) + s.seo + (ok ? '' : '  < ' + min));
  console.log(`  FCP ${m.firstContentfulPaint} ms, LCP ${m.largestContentfulPaint} ms, TBT ${m.totalBlockingTime} ms, CLS ${m.cumulativeLayoutShift}` +
    (failing.length ? `; unter 0,9: ${failing.join(', ')}` : ''));
}
process.exit(bad ? 1 : 0);
JS
