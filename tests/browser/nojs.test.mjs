// Without JavaScript every task works: find a document by search, filter, open it,
// page through results, open the dates, download a file and a calendar entry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, guardedContext, launch, text } from './lib.mjs';

let browser;
let context;
let external;
before(async () => {
  browser = await launch();
  ({ context, external } = await guardedContext(browser, { javaScriptEnabled: false }));
});
after(async () => {
  assert.deepEqual(external, [], 'keine Anfrage an andere Rechner');
  await browser?.close();
});

test('Suchen, filtern, Treffer öffnen – ohne JavaScript', async () => {
  const page = await context.newPage();
  await page.goto(BASE + '/');
  await page.fill('#start-suche', 'Gesellenprüfung');
  await Promise.all([page.waitForURL(/\/suche\?q=/), page.press('#start-suche', 'Enter')]);
  const count = await text(page, '.result-count');
  assert.match(count, /^\d+ Treffer für „Gesellenprüfung“/);
  await page.selectOption('#suche-gewerk', 'tischler');
  await Promise.all([page.waitForURL(/gewerk=tischler/), page.click('.search-form button[type=submit]')]);
  assert.match(await text(page, '.result-count'), /Treffer für „Gesellenprüfung“/);
  const first = page.locator('.results .result h2 a').first();
  const title = (await first.textContent()).trim();
  assert.match(await page.locator('.results .result').first().textContent(), /Tischler/);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/suche')), first.click()]);
  assert.equal(await text(page, 'h1'), title);
  await page.close();
});

test('Blättern durch die Treffer – ohne JavaScript', async () => {
  const page = await context.newPage();
  await page.goto(BASE + '/suche?q=pr%C3%BCfung');
  assert.match(await text(page, '.result-count'), /Seite 1 von (\d+)/);
  const firstOnPageOne = await text(page, '.results .result h2 a');
  await Promise.all([page.waitForURL(/seite=2/), page.click('.pager a[rel=next]')]);
  assert.match(await text(page, '.result-count'), /Seite 2 von/);
  assert.notEqual(await text(page, '.results .result h2 a'), firstOnPageOne);
  assert.equal(await page.getAttribute('.results', 'start'), '11');
  await Promise.all([page.waitForURL((u) => !u.search.includes('seite=2')), page.click('.pager a[rel=prev]')]);
  assert.equal(await text(page, '.results .result h2 a'), firstOnPageOne);
  await page.close();
});

test('Termine öffnen und filtern – ohne JavaScript', async () => {
  const page = await context.newPage();
  await page.goto(BASE + '/');
  await Promise.all([page.waitForURL(/\/termine$/), page.click('.main-nav a[href="/termine"]')]);
  assert.equal(await text(page, 'h1'), 'Termine');
  await page.selectOption('#termine-gewerk', 'tischler');
  await Promise.all([page.waitForURL(/gewerk=tischler/), page.click('.search-form button[type=submit]')]);
  assert.match(await text(page, '.result-count'), /Termine? für Tischler\/in|Keine Termine für Tischler\/in/);
  const ics = await page.locator('a[type="text/calendar"]').first().getAttribute('href');
  const response = await page.request.get(BASE + ics);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), /^BEGIN:VCALENDAR/);
  await page.close();
});

test('Datei herunterladen – ohne JavaScript', async () => {
  const page = await context.newPage();
  await page.goto(BASE + '/pruefungswesen/anmeldung-gesellenpruefung');
  const link = page.locator('.attachments a[download]').first();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /\.pdf$/);
  const path = await download.path();
  assert.ok(path, 'die Datei ist angekommen');
  await page.close();
});

test('Sprache wechseln – ohne JavaScript', async () => {
  const page = await context.newPage();
  await page.goto(BASE + '/tischler/gesellenpruefung');
  await Promise.all([page.waitForURL(/\/en\/tischler\/gesellenpruefung$/), page.click('a.lang-switch')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await text(page, 'a.skip'), 'Skip to content');
  await page.fill('#kopf-suche', 'Holz');
  await Promise.all([page.waitForURL(/\/en\/suche\?q=Holz/), page.press('#kopf-suche', 'Enter')]);
  assert.match(await text(page, '.result-count'), /results? for “Holz”/);
  await Promise.all([page.waitForURL((u) => u.pathname === '/tischler/gesellenpruefung' || u.pathname.startsWith('/suche')), page.click('a.lang-switch')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  await page.close();
});
