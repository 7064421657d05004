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

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// The whole run must finish within this, so it can never hang a CI job.
// SITREP_E2E_TIMEOUT_MS overrides it (e.g. for a slow machine).
const OVERALL_TIMEOUT_MS = Number(process.env.SITREP_E2E_TIMEOUT_MS) || 60_000;
// Per action / navigation; well below the overall limit.
const STEP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------- arguments

const baseArg = process.argv[2];
if (!baseArg) {
  console.error('usage: node tests/e2e/demo.mjs BASE_URL   (e.g. http://127.0.0.1:8080)');
  process.exit(2);
}
let base;
try {
  base = new URL(baseArg);
} catch {
  console.error(`not a URL: ${baseArg}`);
  process.exit(2);
}
const ORIGIN = base.origin;
// BASE_URL without a trailing slash, so BASE + '/en/' is well formed.
const BASE = baseArg.replace(/\/+$/, '');

// ---------------------------------------------------------------- reporting

// If whoever reads our output goes away (e.g. `| head`), keep going so the
// browser and the profile directory are still cleaned up.
process.stdout.on('error', () => {});

let passed = 0;
let failed = 0;
// Set once the run is over (finished or timed out). After that no browser
// may start, and whatever abandoned steps still report while their browser
// is closed under them is noise, not results.
let stopped = false;

function report(ok, description, detail) {
  if (stopped) return ok;
  if (ok) {
    passed += 1;
    console.log(`ok - ${description}`);
  } else {
    failed += 1;
    console.log(`not ok - ${description}`);
    if (detail) {
      // Playwright's call logs carry terminal colour codes; keep the text.
      const plain = String(detail).replace(/\x1b\[[0-9;]*m/g, '');
      for (const line of plain.split('\n')) if (line.trim()) console.log(`#   ${line}`);
    }
  }
  return ok;
}

// Thrown when a step that later steps depend on fails: the rest of that
// round is skipped (its failure has already been reported).
class RoundAborted extends Error {}

// Runs one check. `fn` returns either true/false or a string explaining the
// failure (anything else truthy counts as a pass); a throw is a failure whose
// message becomes the detail. With `critical`, a failure ends the round.
async function check(description, fn, { critical = false } = {}) {
  let ok;
  let detail;
  try {
    const result = await fn();
    if (typeof result === 'string') {
      ok = false;
      detail = result;
    } else {
      ok = result !== false;
    }
  } catch (err) {
    ok = false;
    detail = err?.message ?? String(err);
  }
  report(ok, description, detail);
  if (!ok && critical) throw new RoundAborted(description);
  return ok;
}

// Compares two values, giving a readable reason when they differ.
function expectEqual(actual, expected) {
  return actual === expected ? true : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

// ---------------------------------------------------------------- browser

// Everything a round observed besides what it asserts directly.
function newObservations() {
  return { requests: [], badStatus: [], consoleErrors: [], pageErrors: [] };
}

// Attaches the listeners that feed `seen` to one page.
function watchPage(page, seen) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    seen.consoleErrors.push(`${msg.text()} (${msg.location()?.url ?? '?'})`);
  });
  page.on('pageerror', (err) => seen.pageErrors.push(err?.message ?? String(err)));
}

// Starts Chromium on the given (fresh) profile directory with the listeners
// in place, and adds it to `contexts` so it gets closed at the end. Returns
// the context and its first page.
async function launch(profileDir, { javaScriptEnabled }, seen, contexts) {
  if (stopped) throw new Error('run already stopped');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'en-US', // also sets Accept-Language, which the root redirect uses
    javaScriptEnabled,
  });
  // A launch that finishes after the deadline closes itself at once.
  if (stopped) {
    await context.close().catch(() => {});
    throw new Error('run already stopped');
  }
  contexts.push(context);
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);

  // Every request made by any page of this context, same-origin or not.
  context.on('request', (req) => seen.requests.push(req.url()));
  context.on('response', (res) => {
    if (res.status() >= 400) seen.badStatus.push(`${res.status()} ${res.url()}`);
  });
  context.on('page', (p) => watchPage(p, seen));
  for (const p of context.pages()) watchPage(p, seen);

  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

// The origin of a URL string, or the string itself when it has none
// (data:, blob: and the like report the origin "null").
function originOf(url) {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? url.slice(0, 40) : origin;
  } catch {
    return url;
  }
}

// Clicks `link` and waits until the page has loaded the address it points to.
async function follow(page, link) {
  const href = await link.getAttribute('href');
  if (!href) throw new Error('link has no href');
  const target = new URL(href, page.url()).href;
  await link.click();
  await page.waitForURL(target, { waitUntil: 'load' });
}

const pathOf = (page) => new URL(page.url()).pathname;
const htmlLang = (page) => page.locator('html').getAttribute('lang');

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
  } catch (err) {
    if (!(err instanceof RoundAborted)) report(false, t('round ran to the end'), err?.stack ?? String(err));
  }

  // What the browser saw along the way, whatever happened above.
  await check(t(`all requests stay on ${ORIGIN} (${seen.requests.length} seen)`), () => {
    if (seen.requests.length === 0) return 'no requests recorded at all';
    const foreign = seen.requests.filter((u) => originOf(u) !== ORIGIN);
    return foreign.length === 0 || `other origins:\n${foreign.join('\n')}`;
  });
  await check(t('no response had an error status'), () =>
    seen.badStatus.length === 0 || seen.badStatus.join('\n'),
  );
  await check(t('no console errors (CSP violations included)'), () =>
    seen.consoleErrors.length === 0 || seen.consoleErrors.join('\n'),
  );
  await check(t('no uncaught page errors'), () => seen.pageErrors.length === 0 || seen.pageErrors.join('\n'));
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

const scratch = mkdtempSync(join(tmpdir(), 'sitrep-e2e-'));
const contexts = [];
let timer;
try {
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), OVERALL_TIMEOUT_MS);
  });
  const outcome = await Promise.race([main(contexts, scratch).then(() => 'done'), timeout]);
  if (outcome === 'timeout') report(false, `whole run finished within ${OVERALL_TIMEOUT_MS / 1000} s`);
} catch (err) {
  report(false, 'test run did not crash', err?.stack ?? String(err));
} finally {
  stopped = true;
  clearTimeout(timer);
  // Should closing itself get stuck, leave anyway after a few seconds.
  setTimeout(() => {
    console.log('# browser did not close in time; exiting');
    process.exit(1);
  }, 10_000).unref();
  for (const context of contexts) await context.close().catch(() => {});
  try {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    console.log(`# could not remove ${scratch}: ${err.message}`);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
