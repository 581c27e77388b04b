// Shared helpers of the browser tests: the servers run.sh started, one Chromium per
// test file, contexts with the options the tests vary, and a guard that records every
// request that would leave 127.0.0.1.
import { chromium } from 'playwright-core';

/** The server with the embedded demo content. */
export const BASE = process.env.WERKBANK_URL;
/** The server on a temporary copy of content/ that the offline test edits. */
export const EDIT_BASE = process.env.WERKBANK_EDIT_URL;
/** That copy's folder. */
export const EDIT_CONTENT = process.env.WERKBANK_EDIT_CONTENT;

if (!BASE) throw new Error('WERKBANK_URL fehlt: die Tests laufen über tests/browser/run.sh');

/** Chromium's flags: headless, no sandbox (CI runs as root), nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Debian's Chromium, never a downloaded one. Playwright gives every launch a new,
 * temporary profile (its own --user-data-dir), so no state carries over between runs.
 */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** The pages every check visits: [name, German path]. */
export const PAGES = [
  ['Startseite', '/'],
  ['Bereich', '/tischler/'],
  ['Dokument', '/tischler/gesellenpruefung'],
  ['Treffer mit Filtern', '/suche?q=pr%C3%BCfung&gewerk=tischler&art=pruefung'],
  ['keine Treffer', '/suche?q=xylophonwerkstatt'],
  ['Termine', '/termine'],
  ['Hinweise', '/hinweise'],
  ['404', '/gibt-es-nicht'],
];

/** A path in a language: `/en` before it for English. */
export function inLang(lang, path) {
  return lang === 'en' ? '/en' + path : path;
}

/**
 * A new context whose requests to anything but 127.0.0.1 are stopped and recorded in
 * `external`; the tests assert that the list stays empty.
 */
export async function guardedContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'de-DE', ...options });
  const external = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '127.0.0.1';
    if (local || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    external.push(url.href);
    return route.abort();
  });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!['127.0.0.1'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol)) {
      external.push(url.href);
    }
  });
  return { context, external };
}

/** Text of the first element matching `selector`, trimmed. */
export async function text(page, selector) {
  return (await page.locator(selector).first().textContent()).trim();
}
