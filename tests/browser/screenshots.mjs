// Screenshots for looking at the pages (not a test, not committed):
//   WERKBANK_URL=http://127.0.0.1:8080 node tests/browser/screenshots.mjs [out-dir]
// Start page and a document at 375 px and 1280 px, light and dark, German and English,
// plus the print view of a document, into out-dir (default: a folder in the temp dir).
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './lib.mjs';

const out = process.argv[2] || join(tmpdir(), 'werkbank-bilder');
await mkdir(out, { recursive: true });
const base = process.env.WERKBANK_URL;
const pages = [['start', '/'], ['dokument', '/tischler/gesellenpruefung'], ['gewerk', '/tischler/'],
  ['treffer', '/suche?q=pr%C3%BCfung&gewerk=tischler'], ['termine', '/termine']];
const browser = await launch();
try {
  for (const width of [375, 1280]) {
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme, locale: 'de-DE' });
      const page = await context.newPage();
      for (const [name, path] of pages) {
        for (const lang of ['de', 'en']) {
          if (lang === 'en' && (width !== 375 || scheme !== 'light')) continue;
          await page.goto(base + (lang === 'en' ? '/en' + path : path), { waitUntil: 'networkidle' });
          await page.screenshot({ path: join(out, `${name}-${lang}-${width}-${scheme}.png`), fullPage: true });
        }
      }
      await context.close();
    }
  }
  const context = await browser.newContext({ viewport: { width: 800, height: 1100 } });
  const page = await context.newPage();
  await page.goto(base + '/pruefungswesen/anmeldung-gesellenpruefung', { waitUntil: 'networkidle' });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: join(out, 'druck.png'), fullPage: true });
  await context.close();
} finally {
  await browser.close();
}
console.log(out);
