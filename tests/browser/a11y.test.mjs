// Accessibility (WCAG 2.1 AA / BITV 2.0): axe-core on every kind of page, in light and
// dark scheme, more contrast and English; landmarks, headings, skip link, focus, and
// the 320 px viewport (= 400 % zoom of a 1280 px window) without horizontal scrolling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE, PAGES, guardedContext, inLang, launch } from './lib.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const VARIANTS = [
  { name: 'hell', lang: 'de', colorScheme: 'light' },
  { name: 'dunkel', lang: 'de', colorScheme: 'dark' },
  { name: 'mehr Kontrast', lang: 'de', colorScheme: 'light', contrast: 'more' },
  { name: 'englisch', lang: 'en', colorScheme: 'light' },
  { name: 'englisch dunkel', lang: 'en', colorScheme: 'dark' },
];

for (const variant of VARIANTS) {
  describe(`axe-core (${variant.name})`, () => {
    for (const [name, path] of PAGES) {
      test(`${name}: keine Verstöße`, async () => {
        const { context, external } = await guardedContext(browser, { colorScheme: variant.colorScheme, contrast: variant.contrast });
        const page = await context.newPage();
        const response = await page.goto(BASE + inLang(variant.lang, path));
        assert.ok(response.status() === 200 || (name === '404' && response.status() === 404), `Status ${response.status()}`);
        const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
        const summary = results.violations.map((v) =>
          `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' – ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    ')}`);
        assert.deepEqual(summary, [], summary.join('\n'));
        assert.ok(results.passes.length > 10, 'axe hat geprüft');
        assert.equal(await page.getAttribute('html', 'lang'), variant.lang);
        assert.deepEqual(external, []);
        await context.close();
      });
    }
  });
}

describe('Struktur', () => {
  for (const [name, path] of PAGES) {
    test(`${name}: Landmarken, eine h1, Überschriften ohne Sprünge`, async () => {
      const { context } = await guardedContext(browser);
      const page = await context.newPage();
      await page.goto(BASE + path);
      assert.equal(await page.locator('h1').count(), 1, 'genau eine h1');
      assert.equal(await page.locator('main#inhalt').count(), 1, 'main');
      assert.equal(await page.locator('body > header').count(), 1, 'banner');
      assert.equal(await page.locator('body > footer').count(), 1, 'contentinfo');
      assert.ok(await page.locator('nav[aria-label]').count() >= 1, 'benannte Navigation');
      const levels = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) =>
        hs.filter((h) => h.offsetParent !== null || getComputedStyle(h).position === 'fixed').map((h) => Number(h.tagName[1])));
      assert.equal(levels[0], 1, 'die erste Überschrift ist die h1');
      for (let i = 1; i < levels.length; i++) {
        assert.ok(levels[i] <= levels[i - 1] + 1, `Sprung von h${levels[i - 1]} auf h${levels[i]}`);
      }
      const unlabelled = await page.locator('input:not([type=hidden]), select, textarea').evaluateAll((els) =>
        els.filter((el) => !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')).map((el) => el.outerHTML));
      assert.deepEqual(unlabelled, [], 'jedes Feld hat ein Label');
      await context.close();
    });
  }

  test('Sprunglink: erstes Tab-Ziel, sichtbar, führt zum Inhalt', async () => {
    const { context } = await guardedContext(browser);
    const page = await context.newPage();
    await page.goto(BASE + '/tischler/gesellenpruefung');
    await page.keyboard.press('Tab');
    const skip = page.locator('a.skip');
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
    const box = await skip.boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 20, 'im Bild, wenn fokussiert');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'inhalt');
    await context.close();
  });

  for (const scheme of ['light', 'dark']) {
    test(`sichtbarer Fokus (${scheme})`, async () => {
      const { context } = await guardedContext(browser, { colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(BASE + '/');
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        const outline = await page.evaluate(() => {
          const s = getComputedStyle(document.activeElement);
          return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
        });
        assert.notEqual(outline.style, 'none', `Tab ${i + 1}: Umriss`);
        assert.ok(outline.width >= 2, `Tab ${i + 1}: Umriss ${outline.width}px`);
      }
      await context.close();
    });
  }

  test('Inhalte auf englischen Seiten sind als Deutsch ausgezeichnet', async () => {
    const { context } = await guardedContext(browser);
    const page = await context.newPage();
    await page.goto(BASE + '/en/tischler/gesellenpruefung');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getAttribute('article h1', 'lang'), 'de');
    assert.equal(await page.getAttribute('.prose', 'lang'), 'de');
    assert.equal(await page.locator('a.skip').textContent(), 'Skip to content');
    await context.close();
  });

  test('Bewegung: mit prefers-reduced-motion keine Übergänge oder Animationen', async () => {
    const { context } = await guardedContext(browser, { reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(BASE + '/');
    const moving = await page.evaluate(() => [...document.querySelectorAll('*')].filter((el) => {
      const s = getComputedStyle(el);
      return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0;
    }).length);
    assert.equal(moving, 0);
    await context.close();
  });
});

describe('320 px breit (Handy, 400 % Zoom)', () => {
  for (const lang of ['de', 'en']) {
    for (const [name, path] of PAGES) {
      test(`${name} (${lang}): kein waagerechtes Scrollen`, async () => {
        const { context } = await guardedContext(browser, { viewport: { width: 320, height: 640 } });
        const page = await context.newPage();
        await page.goto(BASE + inLang(lang, path));
        const { scroll, client, wide } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          wide: [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 &&
              !el.closest('.prose table, .prose pre, .visually-hidden, .skip'))
            .slice(0, 3).map((el) => el.outerHTML.slice(0, 120)),
        }));
        assert.ok(scroll <= client, `scrollWidth ${scroll} > ${client}: ${wide.join(' | ')}`);
        await context.close();
      });
    }
  }
});
