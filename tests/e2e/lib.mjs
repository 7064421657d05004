// What the browser end-to-end tests share: how Chromium is started, how
// checks are reported, what every page is watched for, and the run's
// deadline and clean-up.
//
// Each test script is its own process, so the pass/fail counters below are
// per script. A script calls `baseFromArgs`, then `run(main, ...)`, which
// prints the summary line and exits.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Per action / navigation; well below the overall limit.
export const STEP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------- arguments

// BASE_URL from argv[2]: `{ BASE, ORIGIN }`, BASE without a trailing slash
// so BASE + '/en/' is well formed. Exits with status 2 on a bad argument.
export function baseFromArgs(script) {
  const baseArg = process.argv[2];
  if (!baseArg) {
    console.error(`usage: node tests/e2e/${script} BASE_URL   (e.g. http://127.0.0.1:8080)`);
    process.exit(2);
  }
  let base;
  try {
    base = new URL(baseArg);
  } catch {
    console.error(`not a URL: ${baseArg}`);
    process.exit(2);
  }
  return { BASE: baseArg.replace(/\/+$/, ''), ORIGIN: base.origin };
}

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

export const isStopped = () => stopped;

// Comment lines (`# ...`) for what a reader should see but is no check.
export function note(text) {
  if (!stopped) for (const line of String(text).split('\n')) console.log(`# ${line}`);
}

export function report(ok, description, detail) {
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
export class RoundAborted extends Error {}

// Runs one check. `fn` returns either true/false or a string explaining the
// failure (anything else truthy counts as a pass); a throw is a failure whose
// message becomes the detail. With `critical`, a failure ends the round.
export async function check(description, fn, { critical = false } = {}) {
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
export function expectEqual(actual, expected) {
  return actual === expected ? true : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

// ---------------------------------------------------------------- browser

// Everything a round observed besides what it asserts directly.
export function newObservations() {
  return { requests: [], badStatus: [], consoleErrors: [], pageErrors: [], dialogs: [] };
}

// Attaches the listeners that feed `seen` to one page.
export function watchPage(page, seen) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    seen.consoleErrors.push(`${msg.text()} (${msg.location()?.url ?? '?'})`);
  });
  page.on('pageerror', (err) => seen.pageErrors.push(err?.message ?? String(err)));
  // No page of this site may open alert/confirm/prompt. With a listener
  // attached, Playwright leaves the dialog open, so dismiss it here.
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()} (${page.url()})`);
    dialog.dismiss().catch(() => {});
  });
}

// Starts Chromium on the given (fresh) profile directory with the listeners
// in place, and adds it to `contexts` so it gets closed at the end. Returns
// the context and its first page.
export async function launch(
  profileDir,
  { javaScriptEnabled = true, locale = 'en-US', bypassCSP = false },
  seen,
  contexts,
) {
  if (stopped) throw new Error('run already stopped');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale, // also sets Accept-Language, which the root redirect uses
    javaScriptEnabled,
    bypassCSP,
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
export function originOf(url) {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? url.slice(0, 40) : origin;
  } catch {
    return url;
  }
}

// Clicks `link` and waits until the page has loaded the address it points to.
export async function follow(page, link) {
  const href = await link.getAttribute('href');
  if (!href) throw new Error('link has no href');
  const target = new URL(href, page.url()).href;
  await link.click();
  await page.waitForURL(target, { waitUntil: 'load' });
}

export const pathOf = (page) => new URL(page.url()).pathname;
export const htmlLang = (page) => page.locator('html').getAttribute('lang');

// The checks every round ends with: what the browser saw along the way.
// `t` labels a description with the round's name. With `dialogs`, also
// that no alert/confirm/prompt opened.
export async function checkObservations(seen, t, origin, { dialogs = false } = {}) {
  await check(t(`all requests stay on ${origin} (${seen.requests.length} seen)`), () => {
    if (seen.requests.length === 0) return 'no requests recorded at all';
    const foreign = seen.requests.filter((u) => originOf(u) !== origin);
    return foreign.length === 0 || `other origins:\n${foreign.join('\n')}`;
  });
  await check(t('no response had an error status'), () =>
    seen.badStatus.length === 0 || seen.badStatus.join('\n'),
  );
  await check(t('no console errors (CSP violations included)'), () =>
    seen.consoleErrors.length === 0 || seen.consoleErrors.join('\n'),
  );
  await check(t('no uncaught page errors'), () => seen.pageErrors.length === 0 || seen.pageErrors.join('\n'));
  if (dialogs) {
    await check(t('no alert/confirm/prompt dialog opened'), () =>
      seen.dialogs.length === 0 || seen.dialogs.join('\n'),
    );
  }
}

// ---------------------------------------------------------------- main

// Runs `main(contexts, scratch)` within `timeoutMs` (SITREP_E2E_TIMEOUT_MS
// overrides it, e.g. for a slow machine), so it can never hang a CI job.
// `scratch` is a fresh temporary directory for browser profiles; every
// context `main` pushes onto `contexts` is closed at the end, whatever
// happened. Prints the summary line and exits: 0 only if every check passed.
export async function run(main, { timeoutMs }) {
  const overall = Number(process.env.SITREP_E2E_TIMEOUT_MS) || timeoutMs;
  const scratch = mkdtempSync(join(tmpdir(), 'sitrep-e2e-'));
  const contexts = [];
  let timer;
  try {
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), overall);
    });
    const outcome = await Promise.race([main(contexts, scratch).then(() => 'done'), timeout]);
    if (outcome === 'timeout') report(false, `whole run finished within ${overall / 1000} s`);
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
}
