// Hostile content in a real browser: every page of tests/fixtures/xss/ (plus its start
// page, search results, error pages and attachments) is opened in headless Chromium.
// A page fails if any script runs (alert/confirm/prompt/print hooks, dialogs, requests
// to /__xss/ or to another host, event-handler attributes or dangerous URLs left in the
// DOM) or if the content security policy had to block anything (a violation means
// something slipped past the sanitizer). A last check proves the hooks work and the
// CSP is a real second line: injected inline code is blocked, and runs without it.
// Usage: node xss.mjs PORT CONTENT_DIR

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Tally } from './lib.mjs';

const port = Number(process.argv[2]);
const contentDir = process.argv[3];
if (!port || !contentDir) {
  console.error('Aufruf: node xss.mjs PORT INHALTSORDNER');
  process.exit(2);
}
const base = `http://127.0.0.1:${port}`;

/** Debian's Chromium; no browser is ever downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Time for late handlers (image errors, timers) after the page settled. */
const SETTLE_MS = 300;

/** Installed in every page before any of its own code: reports instead of running. */
function hooks() {
  const report = (kind, detail) => {
    try {
      window.__xssReport(kind, String(detail));
    } catch {
      // The binding is always there; nothing else to do if it is not.
    }
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = (...args) => report('script', `${name}(${args.join(',')})`);
  }
  document.addEventListener(
    'securitypolicyviolation',
    (e) => report('csp', `${e.violatedDirective} ${e.blockedURI} ${e.disposition}`),
    true,
  );
}

/** In the page after load: static checks, then every element poked. */
async function inspect() {
  const bad = [];
  const OUR_FORMS = ['/suche', '/en/suche', '/termine', '/en/termine'];
  const OUR_LINK_RELS = ['stylesheet', 'icon', 'apple-touch-icon', 'manifest'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(`<${el.localName} ${name}>`);
      if (/^(javascript|data|vbscript):/.test(value) && /^(href|src|action|formaction|data|xlink:href|srcset|poster|background)$/.test(name)) {
        bad.push(`<${el.localName} ${name}="${attr.value.slice(0, 40)}">`);
      }
    }
    const tag = el.localName;
    if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/assets/')) bad.push('<script>');
    // The layout's own forms (search, dates filter, in both UI languages) are ours.
    if (tag === 'form' && !OUR_FORMS.includes(el.getAttribute('action'))) bad.push(`<form action="${el.getAttribute('action')}"> not ours`);
    if (['iframe', 'frame', 'object', 'embed', 'base', 'svg', 'math', 'template', 'style'].includes(tag)) {
      bad.push(`<${tag}>`);
    }
    // The layout links its stylesheet, icons and web app manifest, all from /assets or /,
    // and a results page worth indexing names its own address on this origin as canonical.
    const href = el.getAttribute('href') || '';
    const ours = (OUR_LINK_RELS.includes(el.getAttribute('rel')) && href.startsWith('/'))
      || (el.getAttribute('rel') === 'canonical' && href.startsWith(`${location.origin}/`));
    if (tag === 'link' && !ours) bad.push(`<link rel="${el.getAttribute('rel')}">`);
    if (tag === 'meta' && el.getAttribute('http-equiv')) bad.push('<meta http-equiv>');
  }
  // Poke everything in the content so that surviving handlers would fire.
  document.addEventListener('click', (e) => e.preventDefault(), true);
  for (const el of document.querySelectorAll('main *, header *, .banner *')) {
    for (const type of ['mouseover', 'mouseenter', 'mousedown', 'mouseup', 'click', 'focus', 'toggle', 'animationstart']) {
      el.dispatchEvent(new Event(type, { bubbles: true }));
    }
    if (el.localName === 'details') el.open = !el.open;
    if (typeof el.focus === 'function') el.focus();
  }
  return bad;
}

/** The URLs to open: every document, the start page, searches, errors, attachments. */
function targets() {
  const urls = ['/'];
  for (const name of fs.readdirSync(contentDir).sort()) {
    if (name.endsWith('.md') && name !== '_index.md') urls.push(`/${name.slice(0, -3)}`);
  }
  for (const q of ['alert', 'script', 'onerror', 'javascript', '<script>alert(1)</script>', '"><svg onload=alert(1)>']) {
    urls.push(`/suche?q=${encodeURIComponent(q)}`);
  }
  urls.push(`/suche?q=x&gewerk=${encodeURIComponent('<script>alert(1)</script>')}&jahr=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`);
  urls.push(`/${encodeURIComponent('<script>alert(1)</script>')}`);
  urls.push(`/${encodeURIComponent('"><img src=x onerror=alert(1)>')}`);
  urls.push('/boese.svg', '/boese.html');
  return urls;
}

async function main() {
  const tally = new Tally('xss');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'werkbank-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    // The portal's offline service worker would answer navigations itself, out of
    // reach of the request routing the CSP check below relies on.
    serviceWorkers: 'block',
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: false,
  });
  let events = [];
  await context.exposeBinding('__xssReport', (_source, kind, detail) => events.push(`${kind}: ${detail}`));
  await context.addInitScript(hooks);
  const page = context.pages()[0] || (await context.newPage());
  page.on('dialog', (dialog) => {
    events.push(`dialog: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('request', (request) => {
    const url = request.url();
    if (url.includes('/__xss/')) events.push(`request: ${url}`);
    else if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('about:')) events.push(`foreign request: ${url}`);
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) events.push(`csp console: ${message.text().slice(0, 160)}`);
  });

  const urls = targets();
  for (const url of urls) {
    events = [];
    const issues = [];
    try {
      const response = await page.goto(base + url, { waitUntil: 'load', timeout: 15000 });
      if (response && response.status() >= 500) issues.push(`status ${response.status()}`);
      issues.push(...(await page.evaluate(inspect)));
      await page.waitForTimeout(SETTLE_MS);
    } catch (error) {
      // Attachments that must download abort the navigation; that is the point.
      if (!/Download is starting|ERR_ABORTED/.test(String(error.message))) issues.push(String(error.message).split('\n')[0]);
    }
    issues.push(...events);
    tally.check(url, issues);
  }

  // The second line: inline code injected past the sanitizer must be blocked by the
  // CSP, with the violations seen. Without the CSP header the same code must run,
  // which shows that the hooks above would have noticed.
  const injected = '<script>alert("inline")</script><img src="/gibt-es-nicht.png" onerror="alert(\'handler\')" alt="">';
  for (const withCsp of [true, false]) {
    events = [];
    await page.route(`${base}/script-tag`, async (route) => {
      // Ask for the plain page, so that the body can be changed and handed on as text.
      const response = await route.fetch({ headers: { ...route.request().headers(), 'accept-encoding': 'identity' } });
      const headers = { ...response.headers() };
      if (!withCsp) delete headers['content-security-policy'];
      // The body is handed on decoded and changed: drop the encoding and length of
      // the compressed original.
      delete headers['content-encoding'];
      delete headers['content-length'];
      const body = (await response.text()).replace('</main>', `${injected}</main>`);
      await route.fulfill({ status: response.status(), headers, body });
    });
    await page.goto(`${base}/script-tag`, { waitUntil: 'load' });
    await page.waitForTimeout(SETTLE_MS);
    await page.unroute(`${base}/script-tag`);
    const ran = events.filter((e) => e.startsWith('script') || e.startsWith('dialog'));
    const blocked = events.filter((e) => e.startsWith('csp'));
    if (withCsp) {
      tally.check('CSP blocks injected inline code', [
        ...ran.map((e) => `ran despite CSP: ${e}`),
        ...(blocked.length >= 2 ? [] : [`expected at least 2 CSP violations, saw ${blocked.length}`]),
      ]);
    } else {
      tally.check('hooks notice code that runs (control without CSP)', ran.length >= 2 ? [] : [`expected 2 hooks, saw ${events.join(', ')}`]);
    }
  }

  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`${urls.length} Seiten geöffnet`);
  process.exit(tally.finish());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
