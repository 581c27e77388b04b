// Offline on the phone: save a trade, go offline, open its documents; then change the
// content, go online again: the new version is shown, and the stored copies are
// replaced by it (no stale material after an update). Runs against the server on a
// temporary copy of content/ that this test edits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EDIT_BASE, EDIT_CONTENT, launch, text } from './lib.mjs';

const TRADE = 'tischler';
const EDITED = 'tischler/holzkunde-grundlagen.md';
const EDITED_URL = '/tischler/holzkunde-grundlagen';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function contentVersion() {
  const health = await (await fetch(EDIT_BASE + '/healthz')).json();
  return health.content_version;
}

async function waitFor(what, check, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('Zeit abgelaufen: ' + what);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('Gewerk speichern, offline lesen, Aktualisierung ersetzt die Kopien', { timeout: 120000 }, async (t) => {
  if (!EDIT_BASE || !EDIT_CONTENT) {
    t.skip('kein Server auf einer Kopie der Inhalte (run.sh startet ihn)');
    return;
  }
  const context = await browser.newContext({ locale: 'de-DE' });
  const external = [];
  context.on('request', (r) => { if (new URL(r.url()).hostname !== '127.0.0.1') external.push(r.url()); });
  const page = await context.newPage();
  await page.goto(EDIT_BASE + `/${TRADE}/`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const box = page.locator('#offline-speichern');
  await box.waitFor({ state: 'visible' });
  await box.locator('[data-offline-save]').click();
  const status = box.locator('.offline-status');
  await waitFor('Speichern fertig', async () => /^Gespeichert: \d+ Dateien/.test(await status.textContent()));
  const done = await status.textContent();
  assert.match(done, /belegt auf dem Gerät \d/, 'der belegte Speicher wird genannt: ' + done);
  assert.equal(await box.locator('progress').isHidden(), true);
  assert.equal(await box.locator('[data-offline-remove]').isVisible(), true);

  const bundle = await (await fetch(EDIT_BASE + `/api/v1/offline/${TRADE}`)).json();
  assert.ok(bundle.pages.includes(EDITED_URL));
  assert.ok(bundle.files.length >= 1, 'Anhänge gehören dazu');
  await page.goto(EDIT_BASE + EDITED_URL);
  const oldTitle = await text(page, 'h1');

  await context.setOffline(true);
  for (const path of bundle.pages.slice(0, 6).concat([EDITED_URL])) {
    const response = await page.goto(EDIT_BASE + path);
    assert.equal(response.status(), 200, path);
    assert.notEqual(await text(page, 'h1'), 'Keine Verbindung', `${path} ist gespeichert`);
  }
  const image = await page.evaluate(async (url) => (await fetch(url)).status, bundle.files[0]);
  assert.equal(image, 200, 'Anhang offline');
  // Not saved and never visited: the offline page explains what is there.
  await page.goto(EDIT_BASE + '/baecker/gesellenpruefung');
  assert.equal(await text(page, 'h1'), 'Keine Verbindung');
  await page.locator('#offline-liste li').first().waitFor();
  assert.match(await text(page, '#offline-liste'), /Tischler/);
  assert.equal(await page.locator('#offline-nichts').isHidden(), true);

  // A new content version: the title of a saved document changes.
  await context.setOffline(false);
  const before = await contentVersion();
  const file = join(EDIT_CONTENT, EDITED);
  const source = await readFile(file, 'utf8');
  const newTitle = 'Holzkunde – neue Fassung ' + Date.now();
  await writeFile(file, source.replace(/^title: .*$/m, `title: "${newTitle}"`));
  await waitFor('neue Inhaltsversion', async () => (await contentVersion()) !== before);

  await page.goto(EDIT_BASE + EDITED_URL);
  assert.equal(await text(page, 'h1'), newTitle, 'online: die neue Fassung');
  assert.notEqual(newTitle, oldTitle);
  // The browser installs the new service worker, which stores the saved trade anew.
  const newVersion = await waitFor('neuer Service Worker', async () => {
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r && r.update())).catch(() => {});
    const names = await page.evaluate(() => caches.keys());
    return names.includes(bundle.cache) ? false : names.find((n) => n.startsWith('werkbank-saved-'));
  }, 40000);
  assert.notEqual(newVersion, bundle.cache);

  await context.setOffline(true);
  await page.goto(EDIT_BASE + EDITED_URL);
  assert.equal(await text(page, 'h1'), newTitle, 'offline: die gespeicherte Kopie ist die neue Fassung');
  await context.setOffline(false);
  await writeFile(file, source);
  assert.deepEqual(external, []);
  await context.close();
});
