// Accessibility and validity of every page type, in Debian's Chromium.
//
//   node tests/e2e/a11y.mjs http://127.0.0.1:PORT
//
// Against a running `sitrep demo` site:
//
// 1. Finds one page of every public page type in each language by
//    following the site's own links from the front page (commentary,
//    edition, archive, trends, trend, static page, barometer, forecasts,
//    forecast set, track record, search, subscribe, request...), plus the
//    pages no link leads to: a search with and without results, a 404, the
//    subscription form's refusal, a bad confirmation link. Then signs in to
//    the workspace and takes its main pages the same way.
// 2. Runs axe-core on each, for WCAG 2.0–2.2 A and AA, once in the light
//    and once in the dark colour scheme: no violations.
// 3. Checks language marking: the page's `lang` is the address's language,
//    and text in another script or language (Cyrillic on an English page,
//    Russian-only letters on a Belarusian one and the reverse) sits inside
//    an element marked with that language.
// 4. Keyboard: the first Tab reaches a visible skip link, and each focused
//    element is visibly marked (an outline or a ring the unfocused element
//    lacks). A person with only a keyboard signs in, opens a new
//    commentary, fills it in and saves it.
// 5. Light and private: no page carries a script (JSON-LD data aside) or
//    loads a web font; every image has a width, a height and lazy loading.
//    A commentary, opened in a fresh browser, weighs under 30 KB with all
//    it loads, compressed as the browser asks; the dark scheme changes its
//    colours; printed, it is the article alone, black on white, and
//    Chromium prints it to PDF. Nothing is requested from another origin.
// 6. Validity: every page's bytes, as the server sent them, go through the
//    Nu HTML Checker (npm vnu-jar, run with the machine's Java): no errors
//    (and a page with a known error proves the checker looked).
//
// axe is injected as a script, which the site's Content-Security-Policy
// rightly forbids; the browser here bypasses CSP for that (other scripts
// check CSP holds).
//
// Output: `ok - ...` / `not ok - ...` per check, then `N passed, M failed`.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { baseFromArgs, check, checkObservations, expectEqual, launch, newObservations, note, pathOf, run } from './lib.mjs';

const { BASE, ORIGIN } = baseFromArgs('a11y.mjs');
const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');
const ADMIN = 'admin@varesia.example';
const PASSWORD = 'varesia-demo';
const LANGS = ['be', 'ru', 'en'];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
// Pages a language's crawl may open while looking for new page types.
const CRAWL_LIMIT = 80;

// A public path's page type: the language dropped, slugs and numbers
// folded, so /be/trends/economy/ and /be/trends/society/ are one type.
function publicType(path) {
  const parts = path.split('/').filter(Boolean).slice(1);
  if (parts.length === 0) return 'front';
  if (parts.length === 1) return parts[0];
  return `${parts[0]}/item`;
}

function workspaceType(path) {
  return path
    .replace(/\/\d+(?=\/|$)/g, '/N')
    .replace(/\/(be|ru|en)(?=\/|$)/g, '/L');
}

// Opens `path` and returns the response's status.
async function open(page, path) {
  const res = await page.goto(new URL(path, BASE).href, { waitUntil: 'load' });
  return res?.status() ?? 0;
}

// Same-origin links on the page, as paths with their query.
async function linksOn(page) {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
  const out = [];
  for (const href of hrefs) {
    let u;
    try {
      u = new URL(href);
    } catch {
      continue; // mailto: and the like
    }
    if (u.origin !== ORIGIN) continue;
    out.push(u.pathname + u.search);
  }
  return out;
}

// Breadth-first from `start`, keeping the first address of each page type
// that answers with HTML. `accept(path)` says which links to follow.
async function crawl(page, start, typeOf, accept) {
  const found = new Map();
  const queue = [start];
  const seen = new Set(queue);
  let opened = 0;
  while (queue.length > 0 && opened < CRAWL_LIMIT) {
    const path = queue.shift();
    const type = typeOf(path.split('?')[0]);
    if (found.has(type) && type !== typeOf(start)) continue;
    const res = await page.goto(new URL(path, BASE).href, { waitUntil: 'load' });
    opened += 1;
    const html = (res?.headers()['content-type'] ?? '').startsWith('text/html');
    if (!html || res.status() !== 200) continue;
    if (!found.has(type)) found.set(type, path);
    for (const link of await linksOn(page)) {
      if (!seen.has(link) && accept(link)) {
        seen.add(link);
        queue.push(link);
      }
    }
  }
  return found;
}

// axe-core's WCAG violations on the open page, one line each.
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG,
  );
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
        .slice(0, 4)
        .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 2).join('').trim()}`)
        .join('\n    ')}`,
  );
}

// Text in a script or language other than its element's `lang`.
async function misLabelled(page) {
  return page.evaluate(() => {
    const wrong = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('script, style, template')) continue;
      const text = node.textContent;
      const lang = (el.closest('[lang]')?.getAttribute('lang') ?? '').toLowerCase();
      let bad = false;
      if (lang.startsWith('en')) bad = /[\u0400-\u04ff]/.test(text);
      else if (lang.startsWith('be')) bad = /[ИиЩщЪъ]/.test(text);
      else if (lang.startsWith('ru')) bad = /[ІіЎў]/.test(text);
      else bad = lang === '';
      if (bad) wrong.push(`lang="${lang}" on <${el.localName}>: ${text.trim().slice(0, 60)}`);
    }
    return wrong.slice(0, 8);
  });
}

// Whether the focused element looks different from when it is not.
async function focusShows(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing has focus';
    const look = (s) => [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor, s.textDecorationLine].join('|');
    const focused = getComputedStyle(el);
    const outline = focused.outlineStyle !== 'none' && parseFloat(focused.outlineWidth) > 0;
    const ring = focused.boxShadow !== 'none';
    const box = el.getBoundingClientRect();
    const inView = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0;
    const what = `<${el.localName}${el.id ? `#${el.id}` : ''}> "${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 30)}"`;
    if (!inView) return `${what} is focused but not visible`;
    if (!outline && !ring) {
      // Compare with the same element unfocused.
      const before = look(focused);
      el.blur();
      const after = look(getComputedStyle(el));
      el.focus();
      if (before === after) return `${what} shows no sign of focus`;
    }
    return true;
  });
}

// Presses Tab until the focused element matches `selector`.
async function tabTo(page, selector, limit = 120) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  throw new Error(`${limit} presses of Tab never reached ${selector}`);
}

async function pressAndLoad(page, key) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
}

// All the checks on one open page; `saveAs` names its bytes for the
// checker.
async function examine(page, label, path, { lang, html }) {
  await check(`${label}: no script but JSON-LD data, no web fonts`, async () => {
    const found = await page.evaluate(() => ({
      scripts: [...document.scripts].filter((s) => s.type !== 'application/ld+json').map((s) => s.outerHTML.slice(0, 80)),
      fonts: [...document.fonts].map((f) => f.family),
    }));
    if (found.scripts.length > 0) return `scripts: ${found.scripts.join(', ')}`;
    return found.fonts.length === 0 || `font faces: ${found.fonts.join(', ')}`;
  });
  await check(`${label}: images have width, height and lazy loading`, async () => {
    const bad = await page.$$eval('img', (imgs) =>
      imgs
        .filter((i) => !(i.getAttribute('width') && i.getAttribute('height') && i.getAttribute('loading') === 'lazy'))
        .map((i) => i.outerHTML.slice(0, 100)),
    );
    return bad.length === 0 || bad.join('\n');
  });
  await check(`${label}: axe finds no WCAG A/AA violation (light)`, async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    const v = await axeViolations(page);
    return v.length === 0 || v.join('\n');
  });
  await check(`${label}: axe finds no WCAG A/AA violation (dark)`, async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const v = await axeViolations(page);
    await page.emulateMedia({ colorScheme: 'light' });
    return v.length === 0 || v.join('\n');
  });
  await check(`${label}: ${lang ? `<html lang="${lang}">, ` : ''}other languages marked`, async () => {
    const got = await page.locator('html').getAttribute('lang');
    if (lang && got !== lang) return `html lang is ${got}`;
    const wrong = await misLabelled(page);
    return wrong.length === 0 || wrong.join('\n');
  });
  const res = await page.request.get(new URL(path, BASE).href, { failOnStatusCode: false });
  html.push({ label, text: await res.text() });
}

async function main(contexts, scratch) {
  const seen = newObservations();
  const { page } = await launch(join(scratch, 'a11y'), { bypassCSP: true }, seen, contexts);
  const html = [];
  // Addresses opened to see their error pages.
  const meantErrors = new Set();
  // A commentary's address in each language.
  const commentaries = new Map();

  // ---- public pages, every type in every language
  for (const lang of LANGS) {
    const found = await crawl(page, `/${lang}/`, publicType, (p) => {
      const path = p.split('?')[0];
      return path.startsWith(`/${lang}/`) && !/\.(xml|json|svg|png|jpe?g|webp)$/.test(path) && !path.includes('/letter/');
    });
    note(`${lang}: ${found.size} page types found by following links: ${[...found.keys()].join(', ')}`);
    if (found.has('commentaries/item')) commentaries.set(lang, found.get('commentaries/item'));
    await check(`${lang}: the links lead to every main page type`, () => {
      const want = ['front', 'commentaries/item', 'editions', 'editions/item', 'trends', 'trends/item', 'pages/item',
        'barometer', 'forecasts', 'forecasts/item', 'track-record', 'subscribe', 'request'];
      const missing = want.filter((t) => !found.has(t));
      return missing.length === 0 || `not reached: ${missing.join(', ')}`;
    });
    const extra = [
      ['search with results', `/${lang}/search?q=${encodeURIComponent({ be: 'эканоміка', ru: 'экономика', en: 'economy' }[lang])}`],
      ['search without results', `/${lang}/search?q=zzqxjv`],
      ['not found', `/${lang}/commentaries/no-such-commentary/`],
      // The demo's one story with an image; untranslated into English, so
      // the English page shows the Belarusian text, marked as such.
      ['commentary with an image', `/${lang}/commentaries/${lang === 'ru' ? 'zamorozhennye-tseny-pustye-zapravki' : 'zamarozhanyya-tseny-pustyya-zaprauki'}/`],
      ['bad confirmation link', `/${lang}/subscribe/confirm?token=not-a-token`],
    ];
    for (const [type, path] of extra) if (!type.includes('image')) meantErrors.add(new URL(path, BASE).href);
    meantErrors.add(new URL(`/${lang}/subscribe`, BASE).href);
    for (const [type, path] of [...found.entries(), ...extra]) {
      await open(page, path);
      await examine(page, `${lang} ${type} (${path})`, path, { lang, html });
    }
    await check(`${lang}: the story's image arrives at the size its page gave it, with a text alternative`, async () => {
      await open(page, extra.find(([type]) => type.includes('image'))[1]);
      const img = page.locator('article .body img').first();
      await img.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => document.querySelector('article .body img')?.complete);
      const got = await img.evaluate((i) => ({ w: i.getAttribute('width'), h: i.getAttribute('height'), nw: i.naturalWidth, nh: i.naturalHeight, alt: i.alt }));
      if (got.alt.trim().length < 10) return `alt is ${JSON.stringify(got.alt)}`;
      return (got.w === String(got.nw) && got.h === String(got.nh) && got.nw > 0) || JSON.stringify(got);
    });
    await check(`${lang}: on a 320-pixel phone screen the story with its image needs no sideways scrolling`, async () => {
      await page.setViewportSize({ width: 320, height: 640 });
      try {
        await open(page, extra.find(([type]) => type.includes('image'))[1]);
        const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
        return scroll <= width || `${scroll} pixels wide on a ${width}-pixel screen`;
      } finally {
        await page.setViewportSize({ width: 1280, height: 720 });
      }
    });
    await check(`${lang}: commentary text may break long words at the language's hyphens`, async () => {
      await open(page, extra.find(([type]) => type.includes('image'))[1]);
      return expectEqual(await page.locator('article .body p').first().evaluate((p) => getComputedStyle(p).hyphens), 'auto');
    });
    // The subscription form's refusal, as a reader without JS sees it.
    await open(page, `/${lang}/subscribe`);
    await page.fill('#subscribe-email', 'not an address');
    await page.$eval('#subscribe-email', (el) => el.setAttribute('type', 'text'));
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('.subscribe-box form [type=submit]').click()]);
    await examine(page, `${lang} subscription refused`, pathOf(page), { lang, html: [] });
  }

  // ---- light, printable, and following the reader's colour scheme
  for (const lang of LANGS) {
    const article = commentaries.get(lang);
    if (!article) continue;
    // A fresh browser: nothing cached, every resource fetched as a first
    // visit fetches it, compressed as the browser asks.
    const fresh = await launch(join(scratch, `light-${lang}`), {}, newObservations(), contexts);
    const weights = [];
    fresh.page.on('requestfinished', async (req) => {
      const sizes = await req.sizes().catch(() => null);
      if (sizes) weights.push([req.url(), sizes.responseBodySize + sizes.responseHeadersSize]);
    });
    await open(fresh.page, article);
    await fresh.page.waitForLoadState('networkidle');
    await check(`${lang} commentary: under 30 KB compressed with everything it loads`, () => {
      const total = weights.reduce((sum, [, n]) => sum + n, 0);
      note(`${lang} ${article}: ${weights.length} requests, ${total} bytes: ${weights.map(([u, n]) => `${new URL(u).pathname} ${n}`).join(', ')}`);
      return total < 30 * 1024 || `${total} bytes`;
    });
    await check(`${lang} commentary: the dark scheme changes the colours`, async () => {
      const colours = async (scheme) => {
        await fresh.page.emulateMedia({ colorScheme: scheme });
        return fresh.page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color].join(' / '));
      };
      const light = await colours('light');
      const dark = await colours('dark');
      await fresh.page.emulateMedia({ colorScheme: 'light' });
      return light !== dark || `both ${light}`;
    });
    await check(`${lang} commentary: prints the article alone, black on white`, async () => {
      await fresh.page.emulateMedia({ media: 'print' });
      const shown = await fresh.page.evaluate(() => {
        const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
        const hidden = ['.masthead nav', '.site-search', '.sidebar', '.site-footer', '.skip', '.languages']
          .flatMap((sel) => [...document.querySelectorAll(sel)].filter(visible).map(() => sel));
        const body = getComputedStyle(document.body);
        return {
          hidden,
          article: visible(document.querySelector('article h1')) && visible(document.querySelector('article .body')),
          colours: `${body.color} on ${body.backgroundColor}`,
        };
      });
      await fresh.page.emulateMedia({ media: 'screen' });
      if (shown.hidden.length > 0) return `still printed: ${shown.hidden.join(', ')}`;
      if (!shown.article) return 'the article is not printed';
      return shown.colours === 'rgb(0, 0, 0) on rgb(255, 255, 255)' || shown.colours;
    });
    await check(`${lang} commentary: Chromium prints it to PDF`, async () => {
      const pdf = await fresh.page.pdf({ format: 'A4' });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      note(`${lang} commentary prints on ${pages} A4 pages (${pdf.length} bytes of PDF)`);
      return pages >= 1 && pages <= 6 ? true : `${pages} pages`;
    });
  }

  // ---- keyboard on a public page: skip link first, focus always visible
  await open(page, '/en/');
  await check('public: the first Tab reaches the skip link, visible', async () => {
    await page.keyboard.press('Tab');
    const shown = await focusShows(page);
    if (shown !== true) return shown;
    return page.evaluate(() => document.activeElement.matches('a.skip[href="#content"]') || `focused ${document.activeElement.outerHTML.slice(0, 80)}`);
  });
  await check('public: the next 25 Tab stops all show focus', async () => {
    const bad = [];
    for (let i = 0; i < 25; i += 1) {
      await page.keyboard.press('Tab');
      const shown = await focusShows(page);
      if (shown !== true) bad.push(shown);
    }
    return bad.length === 0 || bad.join('\n');
  });

  // ---- the workspace, with the keyboard alone
  await open(page, '/workspace/login');
  await examine(page, 'workspace login', '/workspace/login', { html });
  await check('keyboard: sign in with Tab, typing and Enter', async () => {
    await tabTo(page, '#email');
    await page.keyboard.type(ADMIN);
    await tabTo(page, '#password', 3);
    await page.keyboard.type(PASSWORD);
    await pressAndLoad(page, 'Enter');
    return pathOf(page) === '/workspace/' || `landed on ${pathOf(page)}`;
  }, { critical: true });
  await check('keyboard: reach "new commentary" with Tab and open it with Enter', async () => {
    await tabTo(page, 'a[href="/workspace/commentaries/new"]');
    const shown = await focusShows(page);
    if (shown !== true) return shown;
    await pressAndLoad(page, 'Enter');
    return pathOf(page) === '/workspace/commentaries/new' || `landed on ${pathOf(page)}`;
  });
  await check('keyboard: fill in a commentary and save it with Enter on the button', async () => {
    await tabTo(page, '#slug');
    await page.keyboard.type(`keyboard-only-${Date.now()}`);
    await tabTo(page, '#title', 5);
    await page.keyboard.type('Written without a mouse');
    await tabTo(page, '#body', 5);
    await page.keyboard.type('Every step of this was a key press.');
    await tabTo(page, 'button[name="action"][value="save"], form button[type="submit"]', 10);
    const shown = await focusShows(page);
    if (shown !== true) return shown;
    await pressAndLoad(page, 'Enter');
    const u = new URL(page.url());
    if (/^\/workspace\/commentaries\/\d+\/\w+$/.test(u.pathname)) return true;
    const error = await page.locator('.ws-error').allTextContents();
    return `landed on ${u.pathname}${u.search}: ${error.join(' ')}`;
  });
  const edit = pathOf(page);
  const workspace = await crawl(
    page,
    '/workspace/',
    workspaceType,
    (p) => p.startsWith('/workspace/') && !p.includes('logout') && !/\.[a-z]+$/.test(p.split('?')[0]),
  );
  workspace.set(workspaceType(edit), edit);
  note(`workspace: ${workspace.size} page types: ${[...workspace.keys()].join(', ')}`);
  for (const [type, path] of workspace) {
    await open(page, path);
    await examine(page, `workspace ${type}`, path, { html });
  }

  // The error pages above answer with error statuses, as they should.
  const meant = (line) => [...meantErrors].some((u) => line.includes(u));
  seen.badStatus = seen.badStatus.filter((l) => !meant(l));
  seen.consoleErrors = seen.consoleErrors.filter((l) => !meant(l));
  await checkObservations(seen, (d) => `a11y run: ${d}`, ORIGIN);

  // ---- the Nu HTML Checker on the bytes the server sent
  const dir = join(scratch, 'html');
  mkdirSync(dir);
  const files = html.map(({ label, text }, i) => {
    const file = join(dir, `${String(i).padStart(3, '0')}.html`);
    writeFileSync(file, text);
    return { file, label };
  });
  // A page with a known error proves the checker reads the files.
  const canary = join(dir, 'canary.html');
  writeFileSync(canary, '<!doctype html><html lang="en"><title>canary</title><p><div>unclosed</p>');
  await check(`the Nu HTML Checker finds no error in ${files.length} pages`, () => {
    const res = spawnSync(
      'java',
      ['-jar', VNU, '--errors-only', '--format', 'json', '--exit-zero-always', canary, ...files.map((f) => f.file)],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    if (res.error || res.status !== 0) return `java -jar vnu.jar failed: ${res.error?.message ?? res.stderr}`;
    // The report goes to stderr.
    const all = JSON.parse(res.stderr).messages;
    const messages = all.filter((m) => m.url !== `file:${canary}`);
    if (messages.length === all.length) return 'the checker found nothing wrong with the canary page either';
    const byFile = new Map(files.map((f) => [`file:${f.file}`, f.label]));
    const errors = messages
      .filter((m) => m.type === 'error' || m.subType === 'fatal')
      .map((m) => `${byFile.get(m.url) ?? m.url}, line ${m.lastLine}: ${m.message}\n    ${(m.extract ?? '').replace(/\s+/g, ' ').trim()}`);
    return errors.length === 0 || errors.slice(0, 40).join('\n') + (errors.length > 40 ? `\n... ${errors.length - 40} more` : '');
  });
}

run(main, { timeoutMs: 300_000 });
