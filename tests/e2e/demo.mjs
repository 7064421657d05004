// Browser end-to-end test for a running sitrep site (normally `sitrep demo`).
//
//   node tests/e2e/demo.mjs http://127.0.0.1:PORT
//
// Drives Debian's Chromium through playwright-core and walks the path a reader
// takes: the root address sends them to their language, they open a
// commentary from the front page, then switch that commentary to another
// language. It runs twice: once with JavaScript on, once with it off, to show
// the site works without any script.
//
// Throughout, every request the page makes is recorded; anything addressed to
// another origin is a failure (the site must load nothing from third parties).
// Console errors and uncaught page errors are failures too; a
// Content-Security-Policy violation is reported as a console error.
//
// Output: one `ok - ...` / `not ok - ...` line per check, then a last line
// `N passed, M failed`. Exit code 0 only if every check passed.

import { join } from 'node:path';
import {
  RoundAborted,
  baseFromArgs,
  check,
  checkObservations,
  expectEqual,
  follow,
  htmlLang,
  launch,
  newObservations,
  pathOf,
  report,
  run,
} from './lib.mjs';

// The whole run must finish within this, so it can never hang a CI job.
// SITREP_E2E_TIMEOUT_MS overrides it (e.g. for a slow machine).
const OVERALL_TIMEOUT_MS = 60_000;

const { BASE, ORIGIN } = baseFromArgs('demo.mjs');

// ---------------------------------------------------------------- one round

// A reader's path: / -> /en/ -> first commentary -> same commentary in
// `lang`, reached through the language switcher link named `langName`.
async function round({ label, javaScriptEnabled, lang, langName }, profileDir, contexts) {
  const seen = newObservations();
  const t = (text) => `${label}: ${text}`;

  try {
    const { page } = await launch(profileDir, { javaScriptEnabled }, seen, contexts);

    // The root redirects by Accept-Language; en-US should land on /en/.
    await check(t('GET / loads'), async () => {
      const res = await page.goto(`${BASE}/`, { waitUntil: 'load' });
      return res ? res.ok() || `status ${res.status()}` : 'no response';
    }, { critical: true });
    await check(t('/ redirects to /en/ for Accept-Language en-US'), () => expectEqual(pathOf(page), '/en/'), {
      critical: true,
    });
    await check(t('front page has <html lang="en">'), async () => expectEqual(await htmlLang(page), 'en'));

    // Open the first commentary through its "Read more" link.
    const readMore = page.locator('main a', { hasText: /^\s*Read more/ }).first();
    await check(
      t('front page has a "Read more" link in <main>'),
      async () => (await readMore.count()) > 0 || 'none found',
      { critical: true },
    );
    await check(t('"Read more" opens a page'), () => follow(page, readMore), { critical: true });
    const enPath = pathOf(page);
    await check(t(`commentary is under /en/commentaries/ (${enPath})`), () => enPath.startsWith('/en/commentaries/'), {
      critical: true,
    });
    const enTitle = ((await page.locator('h1').first().textContent().catch(() => null)) ?? '').trim();
    await check(t('commentary has an h1'), () => enTitle !== '' || 'no h1, or it is empty');
    await check(
      t('commentary has an assessment'),
      async () => (await page.locator('.assessment').count()) > 0 || 'no .assessment element',
    );

    // Switch language through the switcher in the masthead.
    const switchLink = page.locator('nav.languages').getByRole('link', { name: langName, exact: true });
    await check(t(`language switcher offers "${langName}"`), async () => expectEqual(await switchLink.count(), 1), {
      critical: true,
    });
    await check(t(`"${langName}" opens a page`), () => follow(page, switchLink), { critical: true });
    const otherPath = pathOf(page);
    await check(t(`translation is under /${lang}/commentaries/ (${otherPath})`), () =>
      otherPath.startsWith(`/${lang}/commentaries/`),
    );
    await check(t(`translation has <html lang="${lang}">`), async () => expectEqual(await htmlLang(page), lang));
    const otherTitle = ((await page.locator('h1').first().textContent().catch(() => null)) ?? '').trim();
    await check(t('translation has its own h1, not the English one'), () =>
      otherTitle === '' ? 'no h1, or it is empty' : otherTitle !== enTitle || `h1 is still "${otherTitle}"`,
    );
    // Same commentary: the switcher on the translation leads back to the
    // exact English page we came from.
    await check(t('translation links "English" back to the same commentary'), async () => {
      const back = page.locator('nav.languages').getByRole('link', { name: 'English', exact: true });
      if ((await back.count()) !== 1) return 'no single "English" link in nav.languages';
      const href = await back.getAttribute('href');
      return expectEqual(new URL(href, page.url()).pathname, enPath);
    });

    // Search from the masthead's box, in the translation's language, with a
    // word in another form than the texts': results come, words marked.
    const word = { be: 'бяспека', ru: 'безопасность', en: 'security' }[lang];
    const box = page.locator('form[role="search"] input[name="q"]').first();
    await check(t('the masthead has a search box'), async () => expectEqual(await box.count(), 1), {
      critical: true,
    });
    await box.fill(word);
    await check(t(`searching "${word}" opens the results`), async () => {
      await Promise.all([page.waitForURL(/\/search\?/), box.press('Enter')]);
      return expectEqual(pathOf(page), `/${lang}/search`);
    }, { critical: true });
    await check(t('results are listed with the words marked'), async () => {
      const hits = await page.locator('.search-hit').count();
      const marks = await page.locator('.search-hit mark').count();
      return (hits > 0 && marks > 0) || `${hits} results, ${marks} marks`;
    });
    const first = page.locator('.search-hit h3 a').first();
    await check(t('the first result opens its commentary'), async () => {
      await follow(page, first);
      return pathOf(page).startsWith(`/${lang}/commentaries/`) || pathOf(page);
    });

    // The barometer, from the menu: an SVG grid whose squares open their
    // commentaries.
    const barometer = page.locator('nav.site-nav a', { hasText: { be: 'Барометр', ru: 'Барометр', en: 'Barometer' }[lang] });
    await check(t('the menu links the barometer'), () => follow(page, barometer.first()));
    await check(t('the barometer draws its grid'), async () => {
      const cells = await page.locator('svg.chart a g.cell').count();
      return cells > 0 || 'no linked cells';
    });
    await check(t('a square of the grid opens its commentary'), async () => {
      await follow(page, page.locator('svg.chart a:has(g.cell)').first());
      return pathOf(page).startsWith(`/${lang}/commentaries/`) || pathOf(page);
    });

    // Request analysis from the footer: fill in the form and send it.
    await check(t('the footer links the request form'), () =>
      follow(page, page.locator('footer a[href$="/request"]').first()),
    );
    await page.fill('#request-name', 'Test Reader');
    await page.fill('#request-email', `reader-${javaScriptEnabled ? 'js' : 'nojs'}@example.org`);
    await page.selectOption('#request-topic', 'economy');
    await page.fill('#request-question', 'What is the outlook for the krona?');
    await check(t('sending the request thanks the reader'), async () => {
      await Promise.all([page.waitForLoadState('load'), page.locator('.request-form button[type="submit"]').click()]);
      return (await page.locator('[role="status"]').count()) === 1 || 'no thanks';
    });
  } catch (err) {
    if (!(err instanceof RoundAborted)) report(false, t('round ran to the end'), err?.stack ?? String(err));
  }

  // What the browser saw along the way, whatever happened above.
  await checkObservations(seen, t, ORIGIN);
}

// ---------------------------------------------------------------- main

async function main(contexts, scratch) {
  await round(
    { label: 'with JS', javaScriptEnabled: true, lang: 'ru', langName: 'Русский' },
    join(scratch, 'profile-js'),
    contexts,
  );
  await round(
    { label: 'without JS', javaScriptEnabled: false, lang: 'be', langName: 'Беларуская' },
    join(scratch, 'profile-nojs'),
    contexts,
  );
}

await run(main, { timeoutMs: OVERALL_TIMEOUT_MS });
