// Keyboard only: the search suggestions (a combobox fed by /api/v1/suggest) can be
// used with the arrow keys and Enter.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, guardedContext, launch } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('Vorschläge: Pfeiltasten wählen, Enter öffnet', async (t) => {
  const probe = await fetch(BASE + '/api/v1/suggest?q=pruef');
  if (probe.status === 404) {
    t.skip('/api/v1/suggest gibt es in diesem Stand noch nicht (404): Vorschläge ungetestet');
    return;
  }
  assert.equal(probe.status, 200);
  const { context, external } = await guardedContext(browser);
  const page = await context.newPage();
  await page.goto(BASE + '/');
  // Tab to the start page's search box like a keyboard user would.
  let found = false;
  for (let i = 0; i < 30 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.id === 'start-suche');
  }
  assert.ok(found, 'das Suchfeld ist mit Tab erreichbar');
  const input = page.locator('#start-suche');
  assert.equal(await input.getAttribute('role'), 'combobox');
  await page.keyboard.type('pruef', { delay: 50 });
  const listId = await input.getAttribute('aria-controls');
  assert.ok(listId, 'aria-controls nennt die Liste');
  const list = page.locator('#' + listId);
  await list.locator('[role=option]').first().waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await list.getAttribute('role'), 'listbox');
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowDown');
  const active = await input.getAttribute('aria-activedescendant');
  assert.ok(active, 'ArrowDown macht einen Vorschlag aktiv');
  const option = page.locator('#' + active);
  assert.equal(await option.getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await input.getAttribute('aria-activedescendant'), active, 'ArrowUp geht zurück');
  const chosen = (await option.textContent()).trim();
  const before = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== before), page.keyboard.press('Enter')]);
  const url = new URL(page.url());
  const opened = url.pathname.startsWith('/suche')
    ? url.searchParams.get('q') === chosen
    : (await page.locator('h1').textContent()).trim().length > 0;
  assert.ok(opened, `Enter öffnet den Vorschlag „${chosen}“ (${page.url()})`);
  assert.deepEqual(external, []);
  await context.close();
});

test('Escape schließt die Vorschläge, der Text bleibt', async (t) => {
  const probe = await fetch(BASE + '/api/v1/suggest?q=pruef');
  if (probe.status === 404) {
    t.skip('/api/v1/suggest gibt es in diesem Stand noch nicht (404)');
    return;
  }
  const { context } = await guardedContext(browser);
  const page = await context.newPage();
  await page.goto(BASE + '/');
  await page.focus('#kopf-suche');
  await page.keyboard.type('pruef', { delay: 50 });
  const input = page.locator('#kopf-suche');
  const list = page.locator('#' + await input.getAttribute('aria-controls'));
  await list.locator('[role=option]').first().waitFor({ state: 'visible', timeout: 5000 });
  await page.keyboard.press('Escape');
  await list.locator('[role=option]').first().waitFor({ state: 'hidden', timeout: 5000 });
  assert.equal(await input.inputValue(), 'pruef');
  await context.close();
});
