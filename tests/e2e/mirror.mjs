// A static mirror read straight from disk (file://) in Chromium, as someone
// would where the site is blocked: the banner says it is a copy, the
// stylesheet applies, a reader goes from the home page to a commentary and
// to its other language, and nothing is fetched from anywhere else.
//
//   node tests/e2e/mirror.mjs MIRROR_DIR

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  check,
  expectEqual,
  follow,
  htmlLang,
  launch,
  newObservations,
  run,
} from './lib.mjs';

const DIR = process.argv[2];
if (!DIR || !existsSync(join(DIR, 'index.html'))) {
  console.error('usage: node tests/e2e/mirror.mjs MIRROR_DIR   (a folder written by sitrep mirror)');
  process.exit(2);
}
const ROOT = pathToFileURL(DIR).href.replace(/\/$/, '');

async function main(contexts, scratch) {
  const seen = newObservations();
  const { page } = await launch(join(scratch, 'mirror'), { javaScriptEnabled: false }, seen, contexts);
  const t = (s) => `mirror: ${s}`;

  await check(t('the root page sends the reader to a language'), async () => {
    await page.goto(`${ROOT}/index.html`, { waitUntil: 'load' });
    await page.waitForURL(/\/be\/index\.html$/, { waitUntil: 'load' });
    return expectEqual(await htmlLang(page), 'be');
  }, { critical: true });

  await check(t('a banner says this is a copy'), async () =>
    (await page.locator('.mirror-banner').count()) === 1 || 'no banner');

  await check(t('the stylesheet applies from disk'), async () => {
    const font = await page.locator('body').evaluate((b) => getComputedStyle(b).marginTop);
    return font === '0px' || `body margin ${font}`;
  });

  await check(t('the home page links to a commentary that opens'), async () => {
    const link = page.locator('main a[href*="commentaries/"]').first();
    await follow(page, link);
    if (!page.url().endsWith('/index.html')) return page.url();
    return (await page.locator('main h1').count()) > 0 || 'no heading';
  }, { critical: true });

  await check(t('the language switcher opens the English version'), async () => {
    const en = page.locator('nav.languages a[hreflang="en"], nav.languages a[lang="en"]').first();
    if ((await en.count()) === 0) return 'no English link';
    await follow(page, en);
    return expectEqual(await htmlLang(page), 'en');
  });

  await check(t('search is a note, not a form'), async () => {
    await page.goto(`${ROOT}/en/search.html`, { waitUntil: 'load' });
    if ((await page.locator('main form').count()) > 0) return 'a form';
    return (await page.getByText('Search works only on the live site').count()) > 0 || 'no note';
  });

  await check(t(`every request stays on disk (${seen.requests.length} seen)`), () => {
    const away = seen.requests.filter((u) => !u.startsWith('file://'));
    return away.length === 0 || away.join('\n');
  });
  await check(t('no console errors'), () => seen.consoleErrors.length === 0 || seen.consoleErrors.join('\n'));
  await check(t('no page errors'), () => seen.pageErrors.length === 0 || seen.pageErrors.join('\n'));
}

await run(main, { timeoutMs: 60_000 });
