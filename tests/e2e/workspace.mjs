// Browser end-to-end test for the editorial workspace of a running sitrep
// site (normally `sitrep demo`, whose staff logins it uses).
//
//   node tests/e2e/workspace.mjs http://127.0.0.1:PORT
//
// Drives Debian's Chromium through playwright-core, in two parts, each in its
// own fresh browser:
//
// 1. The week's work. The author writes a commentary in Belarusian, previews
//    it, saves it and sends it for review; the translator writes the English
//    version beside the Belarusian source; the editor schedules both for a
//    moment a few seconds ahead (UTC, to the second). The public pages must
//    answer 404 until that moment and the commentary from then on; the run
//    prints how long after its time the English page appeared.
//
// 2. Script never runs. Hostile text (script tags, event handlers,
//    javascript: links, an iframe, a template expression) goes into every
//    free-text field: a staff member's name, a sign-in address, a
//    commentary's title, lead and body and its translation's. Then every page
//    that shows them is opened (edit page, preview, history, dashboard,
//    edition builder, staff list, audit log, and once published the public
//    commentary, front and edition pages). On each, the DOM must hold no
//    injected element, event-handler attribute or javascript: address, and
//    `{{7*7}}` must not have become 49.
//
// Throughout, as in demo.mjs: every request is recorded and anything
// addressed to another origin fails; so does any console error (a
// Content-Security-Policy violation, which is what an injected script or
// handler that reached the page would cause, is one), any uncaught page
// error and any alert/confirm/prompt dialog.
//
// The workspace shows itself in Belarusian by default, so everything is
// found by element ids and names, never by visible text.
//
// Output: one `ok - ...` / `not ok - ...` line per check, `# ...` notes, then
// a last line `N passed, M failed`. Exit code 0 only if every check passed.

import { join } from 'node:path';
import {
  RoundAborted,
  baseFromArgs,
  check,
  checkObservations,
  expectEqual,
  htmlLang,
  launch,
  newObservations,
  note,
  pathOf,
  report,
  run,
} from './lib.mjs';

// Text as typed, from text as shown: public pages and previews set text in
// its language's typography (quotes, non-breaking spaces), which is no
// sign of markup getting through.
const asTyped = (text) =>
  text.replace(/\u00a0/g, ' ').replace(/[«»„“”]/g, '"').replace(/[‘’]/g, "'");

// The whole run must finish within this (SITREP_E2E_TIMEOUT_MS overrides it).
const OVERALL_TIMEOUT_MS = 150_000;
// How far ahead the editor schedules publication, and how long after that
// time the public page is still polled (every POLL_EVERY_MS) before giving up.
const PUBLISH_AHEAD_MS = 12_000;
const POLL_LIMIT_MS = 70_000;
const POLL_EVERY_MS = 1_000;
// One poll request; well below the poll interval times a few.
const POLL_REQUEST_TIMEOUT_MS = 5_000;

// The demo's staff (`sitrep demo` prints them).
const DEMO_PASSWORD = 'varesia-demo';
const AUTHOR = 'author@varesia.example';
const EDITOR = 'editor@varesia.example';
const TRANSLATOR = 'translator@varesia.example';
const ADMIN = 'admin@varesia.example';

const { BASE, ORIGIN } = baseFromArgs('workspace.mjs');

// Makes this run's slugs, titles and accounts unique, so the test can run
// again against the same server.
const RUN = Date.now();

// ---------------------------------------------------------------- payloads

// Marks the template expression so the page can be searched for what a
// template engine would have made of it: `tpl49tpl`.
const TEMPLATE = 'tpl{{7*7}}tpl';
const TEMPLATE_EVALUATED = 'tpl49tpl';
const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  '<svg onload=alert(3)>',
  'javascript:alert(4)',
  `'><iframe srcdoc="<script>alert(5)</script>"></iframe>`,
  '<a href="javascript:alert(6)">x</a>',
  TEMPLATE,
];
const ALL_PAYLOADS = PAYLOADS.join(' ');
// Markdown has ways of its own to make a link or an image.
const MARKDOWN_PAYLOADS = [
  '[a link](javascript:alert(7))',
  '<javascript:alert(8)>',
];

// ---------------------------------------------------------------- helpers

const url = (path) => `${BASE}${path}`;

// Seconds, to one decimal.
const secs = (ms) => (ms / 1000).toFixed(1);

// A moment as a datetime-local field with seconds wants it, in UTC:
// `2026-11-28T09:15:30`.
const utcField = (ms) => new Date(ms).toISOString().slice(0, 19);

// What a textarea gives back: the browser sends CRLF line ends.
const lf = (s) => (s ?? '').replace(/\r\n/g, '\n');

// The last main-frame document response each page received, so a form
// submission's outcome (after any redirect) can be told, and the Origin
// header the last form post went with (the workspace refuses a post whose
// Origin is not its own).
const lastDocument = new WeakMap();
const lastPostOrigin = new WeakMap();
function trackDocuments(page) {
  const mine = (req) => {
    try {
      return req.isNavigationRequest() && req.frame() === page.mainFrame();
    } catch {
      return false; // a request without a frame (e.g. a service worker's) is not ours
    }
  };
  page.on('request', (req) => {
    if (req.method() === 'POST' && mine(req)) lastPostOrigin.set(page, req.headerValue('origin').catch(() => null));
  });
  page.on('response', (res) => {
    if (mine(res.request())) lastDocument.set(page, res);
  });
}

// The workspace's error message on the page, if any.
async function pageError(page) {
  const text = await page
    .locator('.ws-error')
    .first()
    .textContent({ timeout: 1_000 })
    .catch(() => null);
  return text ? text.trim() : null;
}

// Loads BASE + path and insists on a successful answer.
async function open(page, path) {
  const res = await page.goto(url(path), { waitUntil: 'load' });
  if (!res) throw new Error(`GET ${path}: no response`);
  if (!res.ok()) throw new Error(`GET ${path} answered ${res.status()}`);
  return res;
}

// Clicks a form's submit button and waits for the page it leads to.
// Returns that page's HTTP status; throws on an error status unless it is
// `expectStatus`, and when the browser refuses to submit (a field fails its
// own validation), saying which field.
async function submit(page, button, { expectStatus } = {}) {
  const invalid = await button.evaluate((b) => {
    const form = b.form;
    if (!form) return 'the button is in no form';
    if (form.checkValidity()) return null;
    return [...form.elements]
      .filter((e) => e.willValidate && !e.validity.valid)
      .map((e) => `#${e.id || e.name}: ${e.validationMessage}`)
      .join('; ');
  });
  if (invalid) throw new Error(`the browser will not submit the form: ${invalid}`);
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  navigated.catch(() => {}); // awaited below; this only keeps a failure from going unhandled
  lastPostOrigin.delete(page);
  await button.click();
  await navigated;
  await page.waitForLoadState('load');
  const status = lastDocument.get(page)?.status() ?? 0;
  if (status === expectStatus) return status;
  if (status === 0 || status >= 400) {
    const message = await pageError(page);
    const origin = await lastPostOrigin.get(page);
    throw new Error(
      `answered ${status} at ${pathOf(page)}${message ? `: ${message}` : ''}` +
        (origin === undefined ? '' : `\n(the browser posted the form with Origin: ${origin ?? '(none)'})`),
    );
  }
  return status;
}

async function signIn(page, email, password = DEMO_PASSWORD) {
  await open(page, '/workspace/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await submit(page, page.locator('form[action="/workspace/login"] [type=submit]'));
  const path = pathOf(page);
  if (path === '/workspace/') return true;
  const message = await pageError(page);
  return `landed on ${path}${message ? `: ${message}` : ''}`;
}

// Signs out through the header's button; then the workspace must ask for a
// sign-in again.
async function signOut(page) {
  await submit(page, page.locator('header form[action="/workspace/logout"] [type=submit]'));
  await open(page, '/workspace/');
  const path = pathOf(page);
  return path === '/workspace/login' || `after signing out, /workspace/ showed ${path}`;
}

// The id of the commentary whose edit page is shown, checking the address
// is /workspace/commentaries/{ID}/{lang}?saved=1.
function savedId(page, lang) {
  const u = new URL(page.url());
  const m = u.pathname.match(new RegExp(`^/workspace/commentaries/(\\d+)/${lang}$`));
  if (!m) throw new Error(`landed on ${u.pathname}${u.search}`);
  if (u.searchParams.get('saved') !== '1') throw new Error(`no ?saved=1 in ${u.pathname}${u.search}`);
  return Number(m[1]);
}

// Moves the shown version along the workflow through the status form.
// `publishAt` (a datetime-local value) only for `published`.
async function setStatus(page, to, publishAt = '') {
  const form = page.locator('form[action$="/status"]');
  const offered = await form.locator('select#to option').evaluateAll((os) => os.map((o) => o.value));
  if (!offered.includes(to)) throw new Error(`select#to offers only ${JSON.stringify(offered)}, not "${to}"`);
  await form.locator('select#to').selectOption(to);
  if (to === 'published') await form.locator('input#publish_at').fill(publishAt);
  await submit(page, form.locator('[type=submit]'));
}

// The dashboard cell for one language version of a commentary: its class
// (state-draft, state-review, ...) and text.
async function dashboardCell(page, id, lang) {
  await open(page, '/workspace/');
  const link = page.locator(`main a[href="/workspace/commentaries/${id}/${lang}"]`);
  if ((await link.count()) !== 1) throw new Error(`the dashboard has no single link to ${id}/${lang}`);
  const cell = link.locator('xpath=ancestor::td[1]');
  return { cls: (await cell.getAttribute('class')) ?? '', text: (await cell.textContent()).trim() };
}

// ---------------------------------------------------------------- part 1

async function weeksWork(profileDir, contexts) {
  const seen = newObservations();
  const t = (text) => `week: ${text}`;
  const beSlug = `e2e-${RUN}`;
  const enSlug = `e2e-${RUN}-week`;
  const beDraftTitle = `E2E ${RUN}: чарнавы загаловак`;
  const beTitle = `E2E ${RUN}: Рада абяцае бюджэт да снежня`;
  const beLead = 'Кароткі лід для праверкі ў браўзеры.';
  const beBody = 'Першы абзац.\n\nДругі абзац з **вылучэннем**.';
  const enTitle = `E2E ${RUN}: The council promises a budget by December`;
  const enLead = 'A short lead for the browser test.';
  const enBody = 'First paragraph.\n\nSecond paragraph with **emphasis**.';

  try {
    const { page } = await launch(profileDir, {}, seen, contexts);
    trackDocuments(page);

    // ---- the author
    await check(t(`author signs in (${AUTHOR})`), () => signIn(page, AUTHOR), { critical: true });
    let id;
    await check(
      t('author creates a Belarusian commentary in the newest edition'),
      async () => {
        await open(page, '/workspace/commentaries/new');
        const newest = await page.locator('#edition_id option').first().getAttribute('value');
        const chosen = await page.locator('#edition_id').inputValue();
        if (chosen !== newest) return `#edition_id starts at ${chosen}, not the first option ${newest}`;
        await page.locator('#trend_id').selectOption({ index: 2 });
        await page.locator('#assessment_id').selectOption({ index: 1 });
        await page.locator('#lang').selectOption('be');
        await page.fill('#slug', beSlug);
        await page.fill('#title', beDraftTitle);
        await page.fill('#lead', beLead);
        await page.fill('#body', beBody);
        await submit(page, page.locator('form[action="/workspace/commentaries/new"] [type=submit]'));
        id = savedId(page, 'be');
        return expectEqual(await page.inputValue('#title'), beDraftTitle);
      },
      { critical: true },
    );
    note(`commentary ${id}: /be/commentaries/${beSlug}/ and /en/commentaries/${enSlug}/`);

    const textForm = page.locator(`form[action="/workspace/commentaries/${id}/be"]`);
    await check(t('preview shows the changed title in the public article'), async () => {
      await page.fill('#title', beTitle);
      await submit(page, textForm.locator('button[name=action][value=preview]'));
      const shown = asTyped((await page.locator('section.ws-preview article.commentary h1').textContent()).trim());
      if (shown !== beTitle) return `preview h1 is ${JSON.stringify(shown)}, expected ${JSON.stringify(beTitle)}`;
      // The form keeps what was typed, so saving saves what was previewed.
      return expectEqual(await page.inputValue('#title'), beTitle);
    });
    await check(
      t('author saves the previewed text'),
      async () => {
        await submit(page, textForm.locator('button[name=action][value=save]'));
        savedId(page, 'be');
        await page.reload({ waitUntil: 'load' });
        return expectEqual(await page.inputValue('#title'), beTitle);
      },
      { critical: true },
    );
    await check(
      t('author sends it for review'),
      async () => {
        await setStatus(page, 'review');
        savedId(page, 'be');
        const cell = await dashboardCell(page, id, 'be');
        return cell.cls.includes('state-review') || `dashboard cell is class="${cell.cls}" (${cell.text})`;
      },
      { critical: true },
    );
    await check(t('author signs out'), () => signOut(page), { critical: true });

    // ---- the translator
    await check(t(`translator signs in (${TRANSLATOR})`), () => signIn(page, TRANSLATOR), { critical: true });
    await check(
      t('the English page shows the Belarusian source beside an empty form'),
      async () => {
        await open(page, `/workspace/commentaries/${id}/en`);
        const source = page.locator('section.ws-source-col');
        if ((await source.count()) === 0) return 'no section.ws-source-col';
        const text = await source.first().innerText();
        if (!text.includes(beTitle)) return `the source column lacks the title ${JSON.stringify(beTitle)}`;
        if (!text.includes('Першы абзац.')) return 'the source column lacks the body';
        return expectEqual(await page.inputValue('#title'), '');
      },
      { critical: true },
    );
    await check(
      t('translator saves the English translation'),
      async () => {
        await page.fill('#slug', enSlug);
        await page.fill('#title', enTitle);
        await page.fill('#lead', enLead);
        await page.fill('#body', enBody);
        await submit(page, page.locator(`form[action="/workspace/commentaries/${id}/en"] button[name=action][value=save]`));
        savedId(page, 'en');
        return expectEqual(await page.inputValue('#title'), enTitle);
      },
      { critical: true },
    );
    await check(t('translator signs out'), () => signOut(page), { critical: true });

    // ---- the editor
    await check(t(`editor signs in (${EDITOR})`), () => signIn(page, EDITOR), { critical: true });
    // A whole second, a little ahead.
    const publishAt = Math.ceil((Date.now() + PUBLISH_AHEAD_MS) / 1000) * 1000;
    const publishField = utcField(publishAt);
    for (const lang of ['be', 'en']) {
      await check(
        t(`editor schedules the ${lang} version for ${publishField} UTC`),
        async () => {
          await open(page, `/workspace/commentaries/${id}/${lang}`);
          await setStatus(page, 'published', publishField);
          savedId(page, lang);
        },
        { critical: true },
      );
    }
    const enPublic = `/en/commentaries/${enSlug}/`;
    const bePublic = `/be/commentaries/${beSlug}/`;
    // Not a second before: straight after scheduling, both are still hidden.
    for (const path of [enPublic, bePublic]) {
      await check(t(`${path} answers 404 before its time`), async () => {
        const res = await page.request.get(url(path), { timeout: POLL_REQUEST_TIMEOUT_MS, maxRedirects: 0 });
        const left = publishAt - Date.now();
        if (left <= 0) return `the check came too late to mean anything (${secs(-left)} s after the time)`;
        return res.status() === 404 || `answered ${res.status()} ${secs(left)} s before its time`;
      });
    }
    await check(t('the dashboard shows both versions scheduled for that minute'), async () => {
      const minute = `${publishField.slice(0, 10)} ${publishField.slice(11, 16)}`;
      for (const lang of ['be', 'en']) {
        const cell = await dashboardCell(page, id, lang);
        if (!cell.text.includes(minute)) return `${lang}: the cell says ${JSON.stringify(cell.text)}, not ${minute}`;
      }
      return true;
    });

    // Poll the English page until it is there, and never before its time.
    let appeared = null;
    await check(
      t(`${enPublic} appears within ${POLL_LIMIT_MS / 1000} s of its time, and not before`),
      async () => {
        const giveUp = publishAt + POLL_LIMIT_MS;
        let last = 'no answer yet';
        let polls = 0;
        while (Date.now() < giveUp) {
          const sent = Date.now();
          polls += 1;
          let res = null;
          try {
            res = await page.request.get(url(enPublic), { timeout: POLL_REQUEST_TIMEOUT_MS, maxRedirects: 0 });
          } catch (err) {
            last = err?.message ?? String(err);
          }
          if (res) {
            last = `${res.status()}`;
            if (res.status() === 200) {
              if (sent < publishAt) return `answered 200 ${secs(publishAt - sent)} s before its time`;
              const body = await res.text();
              if (!body.includes(enTitle)) return 'answered 200 without the English title';
              appeared = sent - publishAt;
              return true;
            }
            if (res.status() !== 404) return `answered ${res.status()} while waiting`;
          }
          await page.waitForTimeout(Math.max(0, sent + POLL_EVERY_MS - Date.now()));
        }
        return `still not there ${secs(Date.now() - publishAt)} s after its time (${polls} polls, last: ${last})`;
      },
      { critical: true },
    );
    report(true, t(`${enPublic} appeared ${secs(appeared)} s after its time (${publishField} UTC)`));

    await check(t('the English page shows its title, in English'), async () => {
      await open(page, enPublic);
      if ((await htmlLang(page)) !== 'en') return `<html lang="${await htmlLang(page)}">`;
      return expectEqual((await page.locator('h1').first().textContent()).trim(), enTitle);
    });
    await check(t('the English page links its Belarusian version'), async () => {
      const be = page.locator('nav.languages a[hreflang="be"]');
      if ((await be.count()) !== 1) return 'no single link with hreflang="be" in nav.languages';
      return expectEqual(new URL(await be.getAttribute('href'), page.url()).pathname, bePublic);
    });
    await check(t(`${bePublic} is published too`), async () => {
      await open(page, bePublic);
      if ((await htmlLang(page)) !== 'be') return `<html lang="${await htmlLang(page)}">`;
      return expectEqual(asTyped((await page.locator('h1').first().textContent()).trim()), beTitle);
    });
  } catch (err) {
    if (!(err instanceof RoundAborted)) report(false, t('part ran to the end'), err?.stack ?? String(err));
  }

  await checkObservations(seen, t, ORIGIN, { dialogs: true });
}

// ---------------------------------------------------------------- part 2

// Looks at the page now shown for anything a payload could have made of it:
// elements that run or embed code, event-handler attributes, javascript:
// addresses, an evaluated template; and for console errors, page errors and
// dialogs since the last look. `visible` lists texts that must appear on the
// page as text.
async function inspect(page, seen, t, what, visible = []) {
  await check(t(`${what}: nothing injected, nothing run`), async () => {
    const found = await page.evaluate(() => {
      const bad = [];
      const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'];
      for (const el of document.querySelectorAll('*')) {
        const tag = el.localName;
        // The page's own schema.org block, a data block that never runs, in
        // <head>, whose text must be JSON and nothing else.
        if (tag === 'script' && el.type === 'application/ld+json' && el.parentElement === document.head
            && !el.nextElementSibling?.matches('script')) {
          try { JSON.parse(el.textContent); continue; } catch { bad.push(`JSON-LD that is not JSON: ${el.textContent.slice(0, 120)}`); }
        }
        if (['script', 'iframe', 'frame', 'object', 'embed', 'base', 'meta'].includes(tag)) {
          // Meta tags belong in <head>; only a refresh or CSP one could be injected mischief.
          if (tag !== 'meta' || el.hasAttribute('http-equiv')) bad.push(el.outerHTML.slice(0, 120));
        }
        for (const a of el.attributes) {
          const name = a.name.toLowerCase();
          if (name.startsWith('on') || name === 'srcdoc') bad.push(`${tag}[${name}="${a.value.slice(0, 60)}"]`);
          if (urlAttrs.includes(name) && /^\s*(javascript|vbscript|data):/i.test(a.value)) {
            bad.push(`${tag}[${name}="${a.value.slice(0, 60)}"]`);
          }
        }
      }
      return { bad, html: document.documentElement.outerHTML, text: document.body.innerText };
    });
    const problems = [...found.bad];
    if (found.html.includes('tpl49tpl')) problems.push('{{7*7}} was evaluated to 49');
    for (const v of visible) {
      if (!asTyped(found.text).includes(v)) problems.push(`the page does not show as text: ${JSON.stringify(v)}`);
    }
    const fresh = (list, key) => {
      const from = seen.cursor[key] ?? 0;
      seen.cursor[key] = list.length;
      return list.slice(from);
    };
    for (const e of fresh(seen.consoleErrors, 'console')) problems.push(`console error: ${e}`);
    for (const e of fresh(seen.pageErrors, 'page')) problems.push(`page error: ${e}`);
    for (const e of fresh(seen.dialogs, 'dialogs')) problems.push(`dialog: ${e}`);
    for (const e of fresh(seen.badStatus, 'status')) problems.push(`error status: ${e}`);
    return problems.length === 0 || problems.join('\n');
  });
}

// Runs `fn`, whose one request answering `status` is expected: takes that
// response and the console error Chromium logs for it out of `seen`.
// Returns whether it was there.
async function expectingStatus(seen, status, fn) {
  const bad = seen.badStatus.length;
  const con = seen.consoleErrors.length;
  await fn();
  const newBad = seen.badStatus.splice(bad);
  const newCon = seen.consoleErrors.splice(con);
  const expected = (e) => e.startsWith(`${status} `);
  seen.badStatus.push(...newBad.filter((e) => !expected(e)));
  seen.consoleErrors.push(...newCon.filter((e) => !e.includes(`status of ${status}`)));
  return newBad.some(expected);
}

async function payloads(profileDir, contexts) {
  const seen = newObservations();
  seen.cursor = {};
  const t = (text) => `payloads: ${text}`;
  const slug = `e2e-xss-${RUN}`;
  const enSlug = `e2e-xss-${RUN}-en`;
  const title = `XSS ${RUN} ${ALL_PAYLOADS}`;
  const lead = `Lead ${ALL_PAYLOADS}`;
  const body = [...PAYLOADS, ...MARKDOWN_PAYLOADS, `- a list item ${ALL_PAYLOADS}`].join('\n\n');
  const enTitle = `XSS-en ${RUN} ${ALL_PAYLOADS}`;
  const enLead = `English lead ${ALL_PAYLOADS}`;
  const enBody = [...MARKDOWN_PAYLOADS, ...PAYLOADS].join('\n\n');
  const staffEmail = `x${RUN}@varesia.example`;
  // The server takes names of up to 200 characters: all payloads, unspaced.
  const staffName = PAYLOADS.join('');
  const staffPassword = 'long-enough-password';
  // Passes the browser's own check of an e-mail address, yet carries quotes
  // and the template; a failed sign-in puts it in the audit log.
  const hostileEmail = `tpl{{7*7}}tpl'${RUN}@varesia.example`;

  try {
    const { page } = await launch(profileDir, {}, seen, contexts);
    trackDocuments(page);
    const look = (what, visible) => inspect(page, seen, t, what, visible);

    // ---- a staff member with a hostile name (admin)
    await check(t(`admin signs in (${ADMIN})`), () => signIn(page, ADMIN), { critical: true });
    const staffAdded = await check(t('admin adds a staff member (editor) with a hostile name'), async () => {
      await open(page, '/workspace/staff');
      const form = page.locator('form[action="/workspace/staff"]');
      await form.locator('#email').fill(staffEmail);
      await form.locator('#name').fill(staffName);
      await form.locator('#role').selectOption('editor');
      await form.locator('#password').fill(staffPassword);
      await submit(page, form.locator('[type=submit]'));
      return pathOf(page) === '/workspace/staff' || `landed on ${pathOf(page)}`;
    });
    await look('staff list', staffAdded ? [staffName] : []);
    await check(t('admin signs out'), () => signOut(page), { critical: true });

    // ---- a failed sign-in with a hostile address
    await check(t('a sign-in with a hostile address fails with 401'), async () => {
      await open(page, '/workspace/login');
      await page.fill('#email', hostileEmail);
      await page.fill('#password', 'not-the-password');
      let status;
      const seen401 = await expectingStatus(seen, 401, async () => {
        status = await submit(page, page.locator('form[action="/workspace/login"] [type=submit]'), {
          expectStatus: 401,
        });
      });
      if (status !== 401) return `answered ${status}`;
      return seen401 || 'the 401 response was not seen';
    });
    await look('login page after the failed sign-in');
    await check(t('the login page gives the hostile address back unchanged'), async () =>
      expectEqual(await page.inputValue('#email'), hostileEmail),
    );

    // ---- a commentary full of payloads (editor)
    await check(t(`editor signs in (${EDITOR})`), () => signIn(page, EDITOR), { critical: true });
    let id;
    let edition;
    await check(
      t('editor creates a commentary with hostile title, lead and body'),
      async () => {
        await open(page, '/workspace/commentaries/new');
        edition = await page.locator('#edition_id').inputValue();
        await page.locator('#lang').selectOption('be');
        await page.fill('#slug', slug);
        await page.fill('#title', title);
        await page.fill('#lead', lead);
        await page.fill('#body', body);
        await submit(page, page.locator('form[action="/workspace/commentaries/new"] [type=submit]'));
        id = savedId(page, 'be');
      },
      { critical: true },
    );
    note(`commentary ${id} in edition ${edition}: /be/commentaries/${slug}/ and /en/commentaries/${enSlug}/`);
    await look('edit page (be)', [title, lead, PAYLOADS[0], TEMPLATE]);
    await check(t('the edit page shows the title as text and gives every field back unchanged'), async () => {
      const h1 = (await page.locator('main h1').first().textContent()).trim();
      if (h1 !== title) return `h1 is ${JSON.stringify(h1)}`;
      for (const [field, want] of [['#title', title], ['#lead', lead], ['#body', body]]) {
        const got = lf(await page.inputValue(field));
        if (got.trim() !== want.trim()) return `${field} is ${JSON.stringify(got)}`;
      }
      return true;
    });

    const textForm = page.locator(`form[action="/workspace/commentaries/${id}/be"]`);
    const body2 = `${body}\n\n> a quote ${ALL_PAYLOADS}`;
    await check(t('preview of a changed body'), async () => {
      await page.fill('#body', body2);
      await submit(page, textForm.locator('button[name=action][value=preview]'));
      const h1 = (await page.locator('section.ws-preview article.commentary h1').textContent()).trim();
      return expectEqual(asTyped(h1), title);
    });
    await look('preview (be)', [title]);
    await check(t('save after preview'), async () => {
      await submit(page, textForm.locator('button[name=action][value=save]'));
      savedId(page, 'be');
    });
    await look('edit page after saving (be)', [title]);

    // ---- its translation, beside the hostile source
    await check(t('the English page opens beside the hostile source'), () =>
      open(page, `/workspace/commentaries/${id}/en`),
    );
    await look('translation page (en, new)', [title]);
    await check(t('editor saves a hostile English translation'), async () => {
      await page.fill('#slug', enSlug);
      await page.fill('#title', enTitle);
      await page.fill('#lead', enLead);
      await page.fill('#body', enBody);
      await submit(page, page.locator(`form[action="/workspace/commentaries/${id}/en"] button[name=action][value=save]`));
      savedId(page, 'en');
    });
    await look('edit page (en)', [enTitle]);
    await check(t('editor signs out'), () => signOut(page), { critical: true });

    // ---- the hostile-named editor saves a revision and publishes
    const publisher = staffAdded ? staffEmail : EDITOR;
    const publisherPassword = staffAdded ? staffPassword : DEMO_PASSWORD;
    await check(t(`${staffAdded ? 'the hostile-named editor' : 'editor'} signs in (${publisher})`), () =>
      signIn(page, publisher, publisherPassword),
      { critical: true },
    );
    await look('dashboard', staffAdded ? [title, staffName] : [title]);
    await check(t('a third revision of the Belarusian text'), async () => {
      await open(page, `/workspace/commentaries/${id}/be`);
      await page.fill('#lead', `${lead} ${PAYLOADS[1]}`);
      await submit(page, textForm.locator('button[name=action][value=save]'));
      savedId(page, 'be');
    });
    for (const lang of ['be', 'en']) {
      await check(t(`history (${lang}) opens`), () => open(page, `/workspace/commentaries/${id}/${lang}/history`));
      const who = staffAdded && lang === 'be' ? [staffName] : [];
      await look(`history (${lang})`, [lang === 'be' ? title : enTitle, ...who]);
    }
    await check(t(`edition builder for edition ${edition} opens`), () => open(page, `/workspace/editions/${edition}`));
    await look(`edition builder (${edition})`, [title]);
    for (const lang of ['be', 'en']) {
      await check(t(`publish the ${lang} version now (empty publish_at)`), async () => {
        await open(page, `/workspace/commentaries/${id}/${lang}`);
        await setStatus(page, 'published', '');
        savedId(page, lang);
      });
      await look(`edit page after publishing (${lang})`, [lang === 'be' ? title : enTitle]);
    }
    await check(t('the dashboard opens after publishing'), () => open(page, '/workspace/'));
    await look('dashboard after publishing', [title]);
    await check(t('publisher signs out'), () => signOut(page), { critical: true });

    // ---- the audit log (admin)
    await check(t(`admin signs in again (${ADMIN})`), () => signIn(page, ADMIN), { critical: true });
    await check(t('audit log opens'), () => open(page, '/workspace/audit'));
    await look('audit log', [title, hostileEmail.toLowerCase()]);
    await check(t('staff list opens again'), () => open(page, '/workspace/staff'));
    await look('staff list, again', staffAdded ? [staffName] : []);

    // ---- the newsletter's list and a send's figures (admin)
    await check(t('admin imports readers from a CSV file, one row refused'), async () => {
      await open(page, '/workspace/subscribers');
      const form = page.locator('form[action="/workspace/subscribers/import"]');
      await form.locator('#import_file').setInputFiles({
        name: 'readers.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('email,languages,consent\nreader.e2e@example.org,be ru,asked at a reading\nnot-an-address,en,x\n'),
      });
      await submit(page, form.locator('[type=submit]'));
      const notes = await page.locator('.ws-notice p').count();
      return notes === 2 || `${notes} notes after the import`;
    });
    await look('subscribers after an import', ['reader.e2e@example.org']);
    await check(t('the delivery page of edition 4 opens'), () => open(page, '/workspace/editions/4/send'));
    await look('delivery page', []);
    await check(t('admin signs out'), () => signOut(page));

    // ---- the public site
    const publicPages = [
      [`/be/commentaries/${slug}/`, title],
      [`/en/commentaries/${enSlug}/`, enTitle],
      ['/be/', title],
      ['/en/', enTitle],
      [`/be/editions/${edition}/`, title],
      [`/en/editions/${edition}/`, enTitle],
    ];
    for (const [path, shown] of publicPages) {
      await check(t(`public ${path} opens`), () => open(page, path));
      await look(`public ${path}`, [shown]);
    }
    await check(t('the public commentary has the hostile title as its h1, as text'), async () => {
      await open(page, `/be/commentaries/${slug}/`);
      return expectEqual(asTyped((await page.locator('h1').first().textContent()).trim()), title);
    });
  } catch (err) {
    if (!(err instanceof RoundAborted)) report(false, t('part ran to the end'), err?.stack ?? String(err));
  }

  await checkObservations(seen, t, ORIGIN, { dialogs: true });
}

// ---------------------------------------------------------------- main

async function main(contexts, scratch) {
  await weeksWork(join(scratch, 'profile-week'), contexts);
  await payloads(join(scratch, 'profile-payloads'), contexts);
}

await run(main, { timeoutMs: OVERALL_TIMEOUT_MS });
