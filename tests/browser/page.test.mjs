// What every page carries: no request to another host, fingerprinted assets cached
// for good, page weight, no layout shift, print styles, icons and link previews, and
// the English UI with its language choice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { BASE, PAGES, guardedContext, inLang, launch, text } from './lib.mjs';

/** A document page with its CSS and JS must stay under this, compressed. */
const PAGE_BUDGET_BYTES = 30 * 1024;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('Anfragen', () => {
  for (const lang of ['de', 'en']) {
    test(`keine Anfrage verlässt 127.0.0.1 (${lang}, mit JavaScript)`, async () => {
      const { context, external } = await guardedContext(browser);
      const page = await context.newPage();
      const seen = [];
      page.on('request', (r) => seen.push(r.url()));
      for (const [, path] of PAGES.concat([['Über', '/ueber-dieses-portal'], ['offline', '/offline']])) {
        await page.goto(BASE + inLang(lang, path), { waitUntil: 'networkidle' });
      }
      assert.ok(seen.some((u) => u.includes('/assets/')), 'Styles und Skript geladen');
      assert.deepEqual(external, []);
      await context.close();
    });
  }

  test('Assets: Namen mit Fingerabdruck, Cache-Control immutable', async () => {
    const html = await (await fetch(BASE + '/tischler/gesellenpruefung')).text();
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 4, assets.join(', '));
    for (const asset of assets) {
      assert.match(asset, /\.[0-9a-f]{10}\.[a-z]+$/, asset);
      const response = await fetch(BASE + asset);
      assert.equal(response.status, 200, asset);
      assert.match(response.headers.get('cache-control'), /immutable/, asset);
    }
  });
});

describe('Seitengewicht', () => {
  test(`Dokument mit CSS und JS unter ${PAGE_BUDGET_BYTES / 1024} KB komprimiert`, async () => {
    const path = '/tischler/gesellenpruefung';
    const html = await (await fetch(BASE + path)).text();
    const parts = [['html', Buffer.from(html)]];
    for (const m of html.matchAll(/<(?:link rel="stylesheet" href|script src)="([^"]+)"/g)) {
      parts.push([m[1], Buffer.from(await (await fetch(BASE + m[1])).arrayBuffer())]);
    }
    assert.equal(parts.length, 4, 'HTML, ein Stylesheet, zwei Skripte (Offline-Speichern, Suchvorschläge)');
    const gzip = parts.reduce((n, [, b]) => n + gzipSync(b, { level: 6 }).length, 0);
    const brotli = parts.reduce((n, [, b]) => n + brotliCompressSync(b).length, 0);
    console.log(`# Seitengewicht ${path}: ${parts.map(([n, b]) => `${n} ${b.length} B`).join(', ')}; gzip ${gzip} B, brotli ${brotli} B`);
    assert.ok(gzip < PAGE_BUDGET_BYTES, `gzip ${gzip} B`);
    assert.ok(brotli < PAGE_BUDGET_BYTES, `brotli ${brotli} B`);
  });

  for (const [name, path] of [['Startseite', '/'], ['Dokument', '/tischler/gesellenpruefung'], ['Gewerk', '/tischler/'], ['Treffer', '/suche?q=holz']]) {
    test(`keine Layout-Verschiebung: ${name}`, async () => {
      const { context } = await guardedContext(browser, { viewport: { width: 375, height: 740 } });
      const page = await context.newPage();
      await page.goto(BASE + path, { waitUntil: 'networkidle' });
      await page.waitForTimeout(300);
      const shift = await page.evaluate(() => new Promise((resolve) => {
        let sum = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(sum), 100);
      }));
      assert.equal(shift, 0);
      await context.close();
    });
  }
});

describe('Druck', () => {
  test('ohne Navigation und Banner, mit Adresse, Stand und ausgeschriebenen Links', async () => {
    const { context } = await guardedContext(browser);
    const page = await context.newPage();
    await page.goto(BASE + '/pruefungswesen/anmeldung-gesellenpruefung', { waitUntil: 'networkidle' });
    await page.emulateMedia({ media: 'print' });
    for (const selector of ['.main-nav', '.header-search', '.banner', '.breadcrumbs', '.skip', '.site-footer nav']) {
      const visible = await page.locator(selector).first().isVisible().catch(() => false);
      assert.equal(visible, false, `${selector} ist im Druck versteckt`);
    }
    const info = page.locator('.print-info');
    assert.equal(await info.isVisible(), true);
    const line = await info.textContent();
    assert.match(line, new RegExp(`${BASE.replace(/[.:/]/g, '\\$&')}/pruefungswesen/anmeldung-gesellenpruefung`), line);
    assert.match(line, /Stand: \d{1,2}\. \S+ \d{4}/, line);
    const heading = await page.locator('main h2').first().evaluate((h) => getComputedStyle(h).breakAfter);
    assert.equal(heading, 'avoid');
    const external = await page.evaluate(() => {
      const a = document.querySelector('main a[href^="http"], main a[href^="mailto:"]');
      return a ? getComputedStyle(a, '::after').content : null;
    });
    if (external !== null) assert.match(external, /\(/, 'die Adresse steht hinter dem Link');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000 && pdf.subarray(0, 5).toString() === '%PDF-');
    await context.close();
  });
});

describe('Symbole und Vorschau', () => {
  test('Manifest, Icons, theme-color, Open Graph', async () => {
    const { context } = await guardedContext(browser);
    const page = await context.newPage();
    await page.goto(BASE + '/tischler/gesellenpruefung');
    assert.equal(await page.getAttribute('meta[property="og:title"]', 'content'), await text(page, 'h1'));
    assert.ok((await page.getAttribute('meta[property="og:description"]', 'content')).length > 10);
    assert.match(await page.getAttribute('meta[name="theme-color"]', 'content'), /^#[0-9a-f]{6}$/);
    const manifestUrl = await page.getAttribute('link[rel="manifest"]', 'href');
    const response = await page.request.get(BASE + manifestUrl);
    assert.equal(response.headers()['content-type'], 'application/manifest+json');
    const manifest = await response.json();
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/');
    const sizes = manifest.icons.map((i) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'));
    assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));
    for (const icon of manifest.icons.concat([{ src: await page.getAttribute('link[rel="apple-touch-icon"]', 'href') }])) {
      const r = await page.request.get(BASE + icon.src);
      assert.equal(r.status(), 200, icon.src);
      if (icon.sizes && icon.sizes !== 'any') {
        const buf = await r.body();
        const [w, h] = [buf.readUInt32BE(16), buf.readUInt32BE(20)];
        assert.equal(`${w}x${h}`, icon.sizes, icon.src);
      }
    }
    const favicon = await page.request.get(BASE + await page.getAttribute('link[rel="icon"]', 'href'));
    assert.equal(favicon.status(), 200);
    await context.close();
  });
});

describe('Englische Oberfläche', () => {
  test('Accept-Language: Englisch führt von / nach /en/, Deutsch bleibt', async () => {
    for (const [locale, expected] of [['en-GB', '/en/'], ['de-DE', '/']]) {
      const { context } = await guardedContext(browser, { locale });
      const page = await context.newPage();
      await page.goto(BASE + '/');
      assert.equal(new URL(page.url()).pathname, expected, locale);
      await context.close();
    }
  });

  test('die Wahl bleibt: jeder Link einer englischen Seite bleibt unter /en/', async () => {
    const { context } = await guardedContext(browser, { locale: 'en-GB' });
    const page = await context.newPage();
    for (const path of ['/en/', '/en/tischler/', '/en/tischler/gesellenpruefung', '/en/termine', '/en/suche?q=holz']) {
      await page.goto(BASE + path);
      // Files, feeds and calendars are content, not UI: they keep their one address.
      const german = await page.locator('a[href^="/"]').evaluateAll((as) => as
        .map((a) => a.getAttribute('href'))
        .filter((h) => !h.startsWith('/en/') && h !== '/en')
        .filter((h) => !/\.(ics|xml|pdf|svg|png)$/.test(h.split('?')[0])));
      const switchHref = await page.getAttribute('a.lang-switch', 'href');
      assert.deepEqual(german.filter((h) => h !== switchHref), [], `${path}: nur der Sprachschalter führt zur deutschen Seite`);
      for (const form of await page.locator('form').evaluateAll((fs) => fs.map((f) => f.getAttribute('action')))) {
        assert.match(form, /^\/en\//, `${path}: Formular ${form}`);
      }
    }
    // From an English page, the switch to German is followed and not undone.
    await page.goto(BASE + '/en/');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('a.lang-switch')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await page.click('a.brand');
    assert.equal(new URL(page.url()).pathname, '/', 'die Startseite bleibt deutsch');
    await context.close();
  });
});
