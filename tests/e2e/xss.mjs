// Script injection, everywhere at once: the corpus of tests/e2e/payloads.mjs
// (over 200 payloads) goes into every field a reader or a staff member can
// fill, and every page, feed and letter that shows those fields is opened
// in Debian's Chromium.
//
//   node tests/e2e/xss.mjs http://127.0.0.1:PORT     (a fresh `sitrep demo`)
//
// The browser ignores the Content-Security-Policy here (`bypassCSP`), so
// the test holds the escaping and the sanitizer to account on their own:
// the policy is the second wall, not the only one. On every page:
// - no alert/confirm/prompt opens (every payload calls `alert(N)`, so a
//   dialog names the payload that ran);
// - no uncaught page error;
// - the DOM holds no event-handler attribute, no script element but the
//   site's JSON-LD data blocks (which must still parse as JSON), no frame, object, embed or base element, no
//   javascript:/vbscript:/data: address in a link, form or source, and no
//   meta refresh.
//
// How the fields are filled: the forms are posted as the browser would
// post them (the same fields, the session cookie, the CSRF token), through
// Playwright's request API, which shares the browser's cookies; what a
// form answers is shown in the browser just as the server sent it. Fields
// with a length limit get the payloads packed into as many records as it
// takes, so each field holds every payload. Two exceptions, both throttled
// on purpose: the public analysis-request form keeps a few stored requests
// (the rest of the corpus goes through its refusal page, which shows what
// was typed), and the reply subject gets the first few packs.
//
// Mail: the letter of the edition the payloads are in (its preview in the
// workspace, in every language) and the messages the demo keeps in its
// outbox (a test send of that letter, the replies to the requests, the
// notices staff receive), whose HTML part is decoded and opened as a page.
//
// Output: one `ok - ...` / `not ok - ...` line per page, `# ...` notes,
// then `N passed, M failed`. Exit code 0 only if every check passed.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RoundAborted,
  baseFromArgs,
  check,
  expectEqual,
  launch,
  newObservations,
  note,
  run,
} from './lib.mjs';
import { MARKDOWN, PAYLOADS, chars, packed } from './payloads.mjs';

const OVERALL_TIMEOUT_MS = 420_000;
// Where the site under test lives, for `sitrep import` (the Rust test that
// runs this script sets both); without them the import files are skipped.
const SITREP_BIN = process.env.SITREP_E2E_BIN;
const SITREP_DATA = process.env.SITREP_E2E_DATA;
const ADMIN = 'admin@varesia.example';
const PASSWORD = 'varesia-demo';
const LANGS = ['be', 'ru', 'en'];

const { BASE, ORIGIN } = baseFromArgs('xss.mjs');
const url = (path) => `${BASE}${path}`;
const RUN = Date.now().toString(36);

// ---------------------------------------------------------------- checking

// Run in the page: everything in the DOM that could run script.
function dangers() {
  const found = [];
  const addressAttrs = new Set([
    'href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster', 'codebase', 'dynsrc', 'lowsrc',
  ]);
  const compact = (v) => v.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) found.push(`<${tag} ${name}="${a.value.slice(0, 60)}">`);
      if (name === 'srcdoc') found.push(`<${tag} srcdoc>`);
      if (addressAttrs.has(name)) {
        const v = compact(a.value);
        if (v.startsWith('javascript:') || v.startsWith('vbscript:') || v.startsWith('data:')) {
          found.push(`<${tag} ${name}="${a.value.slice(0, 60)}">`);
        }
      }
      if (name === 'style' && /javascript:|expression\(/.test(compact(a.value))) {
        found.push(`<${tag} style="${a.value.slice(0, 60)}">`);
      }
    }
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal'].includes(tag)) {
      found.push(`<${tag}>`);
    }
    if (tag === 'script' && (el.getAttribute('type') ?? '') === 'application/ld+json' && !el.hasAttribute('src')) {
      // The site's structured data: a data block, never run; it must
      // still be the JSON the site wrote.
      try {
        JSON.parse(el.textContent);
      } catch {
        found.push('<script type=application/ld+json> that is not JSON');
      }
    } else if (tag === 'script') {
      const src = el.getAttribute('src');
      if (!src || new URL(src, location.href).origin !== location.origin || el.textContent.trim()) {
        found.push(`<script${src ? ` src=${src.slice(0, 60)}` : ''}>`);
      }
    }
    if (tag === 'meta' && (el.getAttribute('http-equiv') ?? '').toLowerCase() === 'refresh') {
      found.push('<meta http-equiv=refresh>');
    }
  }
  return found;
}

let pagesOpened = 0;

// Opens `target` (a path on the site, or a function that navigates) and
// checks it; `label` names the page in the report.
async function inspect(page, seen, label, target, { status = [200] } = {}) {
  const dialogsBefore = seen.dialogs.length;
  const errorsBefore = seen.pageErrors.length;
  await check(`${label}: no payload runs`, async () => {
    let res;
    if (typeof target === 'function') {
      res = await target();
    } else {
      res = await page.goto(url(target), { waitUntil: 'load' });
    }
    if (res && !status.includes(res.status())) return `answered ${res.status()}`;
    pagesOpened += 1;
    // Let whatever fires on its own (load, toggle, focus, animation) fire.
    await page.waitForTimeout(60);
    const found = await page.evaluate(dangers);
    const problems = [];
    if (found.length) problems.push(`in the DOM:\n${[...new Set(found)].slice(0, 15).join('\n')}`);
    const dialogs = seen.dialogs.slice(dialogsBefore);
    if (dialogs.length) problems.push(`dialogs opened:\n${dialogs.slice(0, 15).join('\n')}`);
    const errors = seen.pageErrors.slice(errorsBefore);
    if (errors.length) problems.push(`page errors:\n${errors.slice(0, 5).join('\n')}`);
    return problems.length === 0 || problems.join('\n');
  });
}

// Shows a response the server gave to a request the test made (a form's
// answer) in the browser, at its own address, with its own headers.
async function showResponse(page, res, address) {
  const body = await res.body();
  const headers = res.headers();
  const at = url(address);
  await page.route(at, (route) => route.fulfill({ status: res.status(), headers, body }), { times: 1 });
  return page.goto(at, { waitUntil: 'load' });
}

// Shows an HTML document (a letter's HTML part) at an address of the site.
async function showHtml(page, html, address) {
  const at = url(address);
  await page.route(at, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), {
    times: 1,
  });
  return page.goto(at, { waitUntil: 'load' });
}

// ---------------------------------------------------------------- posting

// Form fields as ordered [name, value] pairs (names may repeat).
function formBody(fields) {
  const params = new URLSearchParams();
  for (const [k, v] of Array.isArray(fields) ? fields : Object.entries(fields)) params.append(k, v);
  return params.toString();
}

// Posts a form the way a browser does; returns the final response (after
// redirects). Throws on an unexpected status.
async function post(page, path, fields, { status = [200], csrf = true } = {}) {
  const pairs = Array.isArray(fields) ? [...fields] : Object.entries(fields);
  if (csrf) pairs.push(['csrf', await csrfToken(page)]);
  const res = await page.request.post(url(path), {
    data: formBody(pairs),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    maxRedirects: 5,
  });
  if (!status.includes(res.status())) {
    const text = (await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    throw new Error(`POST ${path} answered ${res.status()}: ${text.slice(0, 400)}`);
  }
  return res;
}

async function getText(page, path) {
  const res = await page.request.get(url(path));
  if (!res.ok()) throw new Error(`GET ${path} answered ${res.status()}`);
  return res.text();
}

let token = null;
async function csrfToken(page) {
  if (!token) {
    const html = await getText(page, '/workspace/');
    token = html.match(/name="csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error('no CSRF token on the dashboard');
  }
  return token;
}

// Ids in `html` from addresses like `/workspace/trends/12"`.
const idsIn = (html, prefix) => [...html.matchAll(new RegExp(`${prefix}/(\\d+)"`, 'g'))].map((m) => m[1]);
const newIds = (after, before) => after.filter((id) => !before.includes(id));

// The packs of `limit` characters, one for each of `count` fields side by
// side, spread so that each field over all records holds every payload:
// record r's field f gets pack r * count + f.
function spread(limit, count) {
  const packs = packed(limit);
  const records = Math.ceil(packs.length / count);
  return Array.from({ length: records }, (_, r) =>
    Array.from({ length: count }, (_, f) => packs[(r * count + f) % packs.length]),
  );
}

// ---------------------------------------------------------------- planting

// Everything the payloads are put into, with the addresses that show it.
const planted = {
  trendSlugs: [],
  trendIds: [],
  authorIds: [],
  assessmentIds: [],
  likelihoodIds: [],
  commentaries: [], // { id, slug }
  pageSlugs: [],
  forecastSlugs: [],
  forecastIds: [],
  requestIds: [],
  editionId: null,
  editionNumber: null,
};

async function plantLists(page) {
  // Trends and authors: a name in each language (200 characters) and a
  // description (2000).
  for (const [list, key] of [
    ['trends', 'trendIds'],
    ['authors', 'authorIds'],
  ]) {
    const before = idsIn(await getText(page, `/workspace/${list}`), `/workspace/${list}`);
    const names = spread(200, LANGS.length);
    const texts = spread(2000, LANGS.length);
    for (let r = 0; r < names.length; r += 1) {
      const slug = `x${RUN}-${list}-${r}`;
      await post(page, `/workspace/${list}`, { slug });
      if (list === 'trends') planted.trendSlugs.push(slug);
    }
    const ids = newIds(idsIn(await getText(page, `/workspace/${list}`), `/workspace/${list}`), before);
    if (ids.length !== names.length) throw new Error(`${list}: made ${names.length}, found ${ids.length}`);
    planted[key] = ids;
    for (let r = 0; r < ids.length; r += 1) {
      const fields = [];
      LANGS.forEach((l, f) => {
        fields.push([`name_${l}`, names[r][f]]);
        fields.push([`text_${l}`, texts[r % texts.length][f]]);
      });
      await post(page, `/workspace/${list}/${ids[r]}`, fields);
    }
  }
  // The two scales: a label in each language.
  for (const [kind, key, value] of [
    ['assessments', 'assessmentIds', (r) => String([2, 1, 0, -1, -2][r % 5])],
    ['likelihoods', 'likelihoodIds', (r) => String((r * 7) % 101)],
  ]) {
    const before = idsIn(await getText(page, `/workspace/${kind}`), `/workspace/${kind}`);
    const labels = spread(200, LANGS.length);
    for (let r = 0; r < labels.length; r += 1) {
      const fields = [
        ['key', `x${RUN}-${kind}-${r}`],
        ['position', String(500 + r)],
        ['value', value(r)],
      ];
      LANGS.forEach((l, f) => fields.push([`label_${l}`, labels[r][f]]));
      await post(page, `/workspace/${kind}`, fields);
    }
    planted[key] = newIds(idsIn(await getText(page, `/workspace/${kind}`), `/workspace/${kind}`), before);
    if (planted[key].length !== labels.length) throw new Error(`${kind}: found ${planted[key].length}`);
  }
  // Static pages: their titles are in every public page's menu.
  const titles = spread(200, LANGS.length);
  for (let r = 0; r < titles.length; r += 1) {
    const slug = `x${RUN}-page-${r}`;
    const res = await post(page, '/workspace/pages', { slug });
    const id = res.url().match(/\/workspace\/pages\/(\d+)\//)?.[1];
    if (!id) throw new Error(`no page id in ${res.url()}`);
    for (const [f, l] of LANGS.entries()) {
      await post(page, `/workspace/pages/${id}/${l}`, {
        title: titles[r][f],
        body: r === 0 ? MARKDOWN : titles[r][f],
        published: '1',
      });
    }
    planted.pageSlugs.push(slug);
  }
}

async function plantForecasts(page) {
  const titles = spread(200, LANGS.length);
  const intros = spread(4000, LANGS.length);
  const texts = spread(1000, LANGS.length);
  const notes = spread(2000, LANGS.length);
  for (let r = 0; r < titles.length; r += 1) {
    const slug = `x${RUN}-set-${r}`;
    const res = await post(page, '/workspace/forecasts', { slug });
    const id = res.url().match(/\/workspace\/forecasts\/(\d+)/)?.[1];
    if (!id) throw new Error(`no forecast set id in ${res.url()}`);
    const setFields = (publicFrom) => {
      const fields = [['public_from', publicFrom]];
      LANGS.forEach((l, f) => {
        fields.push([`title_${l}`, titles[r][f]]);
        fields.push([`intro_${l}`, intros[r % intros.length][f]]);
      });
      return fields;
    };
    await post(page, `/workspace/forecasts/${id}`, setFields(''));
    // The first set carries every statement text and outcome note.
    if (r === 0) {
      for (let s = 0; s < Math.max(texts.length, notes.length); s += 1) {
        const fields = [
          ['trend_id', planted.trendIds[s % planted.trendIds.length]],
          ['likelihood_id', planted.likelihoodIds[s % planted.likelihoodIds.length]],
          ['due_on', '2021-03-01'],
          ['position', String(s)],
        ];
        LANGS.forEach((l, f) => fields.push([`text_${l}`, texts[s % texts.length][f]]));
        await post(page, `/workspace/forecasts/${id}/statements`, fields);
      }
      const statementIds = [
        ...new Set(idsIn(await getText(page, `/workspace/forecasts/${id}`), `/workspace/forecasts/${id}/statements`)),
      ];
      for (const [s, sid] of statementIds.entries()) {
        const fields = [['outcome', ['happened', 'not-happened', 'unclear'][s % 3]]];
        LANGS.forEach((l, f) => fields.push([`note_${l}`, notes[s % notes.length][f]]));
        await post(page, `/workspace/forecasts/${id}/statements/${sid}/outcome`, fields);
      }
    }
    await post(page, `/workspace/forecasts/${id}`, setFields('2021-01-01T00:00'));
    planted.forecastSlugs.push(slug);
    planted.forecastIds.push(id);
  }
}

async function plantCommentaries(page) {
  // A new edition of its own, out on the web already.
  const res = await post(page, '/workspace/editions', { week_start: '2020-06-01' });
  planted.editionId = res.url().match(/\/workspace\/editions\/(\d+)/)?.[1];
  if (!planted.editionId) throw new Error(`no edition id in ${res.url()}`);
  await post(page, `/workspace/editions/${planted.editionId}`, {
    email_at: '',
    web_at: '2020-06-08T06:00',
    email_full: '1',
  });

  // Titles (300) and leads (2000) in Belarusian and English; every body
  // holds the whole corpus as Markdown.
  const titles = spread(300, 2);
  const leads = spread(2000, 2);
  for (let r = 0; r < titles.length; r += 1) {
    const slug = `x${RUN}-c-${r}`;
    const created = await post(page, '/workspace/commentaries/new', {
      edition_id: planted.editionId,
      trend_id: planted.trendIds[r % planted.trendIds.length],
      assessment_id: planted.assessmentIds[r % planted.assessmentIds.length],
      lang: 'be',
      slug,
      title: titles[r][0],
      lead: leads[r % leads.length][0],
      body: MARKDOWN,
    });
    const id = created.url().match(/\/workspace\/commentaries\/(\d+)\//)?.[1];
    if (!id) throw new Error(`no commentary id in ${created.url()}`);
    const editPage = await getText(page, `/workspace/commentaries/${id}/en`);
    const base = editPage.match(/name="base" value="([^"]*)"/)?.[1] ?? '';
    await post(page, `/workspace/commentaries/${id}/en`, {
      base,
      slug,
      title: titles[r][1],
      lead: leads[r % leads.length][1],
      body: MARKDOWN,
      action: 'save',
    });
    // Three authors each, so every author's name is on some page.
    const authors = [0, 1, 2].map((k) => planted.authorIds[(r * 3 + k) % planted.authorIds.length]);
    await post(page, `/workspace/commentaries/${id}/facts`, [
      ['edition_id', planted.editionId],
      ['trend_id', planted.trendIds[r % planted.trendIds.length]],
      ['assessment_id', planted.assessmentIds[r % planted.assessmentIds.length]],
      ...authors.map((a) => ['authors', a]),
    ]);
    for (const l of ['be', 'en']) {
      await post(page, `/workspace/commentaries/${id}/${l}/status`, { to: 'published', publish_at: '' });
    }
    planted.commentaries.push({ id, slug });
  }
  const editions = JSON.parse(await getText(page, '/api/v1/editions?per_page=100')).data;
  planted.editionNumber = editions.find((e) => e.week_start === '2020-06-01')?.number;
  if (!planted.editionNumber) throw new Error('the new edition is not public');
  // The order buttons' direction is free text that reaches the audit log.
  for (const dir of packed(2000).slice(0, 8)) {
    await post(page, `/workspace/editions/${planted.editionId}/move`, {
      commentary: planted.commentaries[0].id,
      dir,
    }, { status: [200, 400] });
  }
}

async function plantPeople(page) {
  // Staff names (200 characters each).
  for (const [r, name] of packed(200).entries()) {
    await post(page, '/workspace/staff', {
      email: `x${RUN}-staff-${r}@varesia.example`,
      name,
      role: 'author',
      password: `${RUN}-long-enough-password`,
    });
  }
  // Subscribers added by hand: the consent note has no limit.
  await post(page, '/workspace/subscribers', [
    ['email', `x${RUN}-reader@example.org`],
    ['lang', 'be'],
    ['lang', 'en'],
    ['consent', PAYLOADS.join(' ')],
  ]);
  // A CSV import: a payload as each row's consent, and rows whose address
  // or language is a payload, which the import's notes repeat.
  const quote = (s) => `"${s.replace(/"/g, '""')}"`;
  const rows = ['email,languages,consent'];
  PAYLOADS.forEach((p, i) => {
    rows.push(`x${RUN}-csv-${i}@example.org,be,${quote(p)}`);
    rows.push(`${quote(p)},be,ok`);
    rows.push(`x${RUN}-csv-lang-${i}@example.org,${quote(p)},ok`);
  });
  const imported = await page.request.post(url('/workspace/subscribers/import'), {
    multipart: {
      csrf: await csrfToken(page),
      file: { name: 'readers.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\r\n')) },
    },
    headers: { origin: ORIGIN },
  });
  if (!imported.ok()) throw new Error(`the CSV import answered ${imported.status()}`);
  planted.importAnswer = imported;
  // API token names (100 characters) and webhook addresses.
  for (const name of packed(100)) {
    await post(page, '/workspace/api/tokens', { name, role: 'author' });
  }
  const bare = PAYLOADS.filter((p) => !/\s/.test(p) && chars(p) < 1900);
  for (let i = 0; i < bare.length; i += 20) {
    const hook = `http://127.0.0.1:9/${bare.slice(i, i + 20).join('')}`.slice(0, 2000);
    await post(page, '/workspace/api/webhooks', [['url', hook], ['event', 'edition-sent']], { status: [200, 400] });
  }
}

async function plantRequests(page) {
  // Stored requests: the form allows a few an hour from one network.
  const names = packed(200);
  const questions = packed(10_000);
  const before = idsIn(await getText(page, '/workspace/requests'), '/workspace/requests');
  for (let r = 0; r < 3; r += 1) {
    await post(
      page,
      '/en/request',
      {
        name: names[r],
        email: `x${RUN}-asker-${r}@example.org`,
        organisation: names[names.length - 1 - r],
        topic: planted.trendSlugs[r % planted.trendSlugs.length],
        question: questions[r % questions.length],
        lang: 'en',
        website: '',
      },
      { csrf: false },
    );
  }
  planted.requestIds = newIds(idsIn(await getText(page, '/workspace/requests'), '/workspace/requests'), before);
  // On each: notes (10,000), then a reply (subject 200, body 50,000).
  const subjects = packed(200);
  for (const [r, id] of planted.requestIds.entries()) {
    for (const body of packed(10_000)) await post(page, `/workspace/requests/${id}/note`, { body });
    await post(page, `/workspace/requests/${id}/reply`, { subject: subjects[r], body: MARKDOWN });
  }
}

// Import files (Markdown, WordPress, Ghost) whose every field holds the
// whole corpus, brought in by `sitrep import` beside the running server;
// returns the public addresses of what they made.
async function plantImports(page, scratch) {
  const all = PAYLOADS.join(' ');
  const dir = join(scratch, 'imports');
  const prefix = `x${RUN}-imp`;
  // Markdown with TOML front matter (JSON's string escapes are TOML's).
  mkdirSync(join(dir, 'markdown', 'en'), { recursive: true });
  writeFileSync(
    join(dir, 'markdown', 'en', `${prefix}-md.md`),
    [
      '+++',
      `title = ${JSON.stringify(all)}`,
      `slug = "${prefix}-md"`,
      'date = 2019-03-04T09:00:00Z',
      `trend = "${prefix}-md-trend"`,
      `lead = ${JSON.stringify(all)}`,
      `authors = ["${prefix}-md-author"]`,
      '+++',
      '',
      MARKDOWN,
      '',
    ].join('\n'),
  );
  // A WordPress export: the post's HTML goes through the HTML-to-Markdown
  // conversion. CDATA cannot hold "]]>", so it is split there.
  // XML 1.0 has no place for most control characters either.
  const cdata = (t) =>
    `<![CDATA[${t.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
  const html = PAYLOADS.map((p) => `<p>${p}</p>`).join('\n');
  writeFileSync(
    join(dir, 'wordpress.xml'),
    `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>${cdata(all)}</title>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>${cdata(`${prefix}-wp-author`)}</wp:author_login>
<wp:author_display_name>${cdata(all)}</wp:author_display_name></wp:author>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>${cdata(`${prefix}-wp-trend`)}</wp:category_nicename>
<wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name>${cdata(all)}</wp:cat_name>
<wp:category_description>${cdata(all)}</wp:category_description></wp:category>
<item>
<title>${cdata(all)}</title>
<pubDate>Mon, 11 Mar 2019 10:00:00 +0000</pubDate>
<dc:creator>${cdata(`${prefix}-wp-author`)}</dc:creator>
<content:encoded>${cdata(html)}</content:encoded>
<excerpt:encoded>${cdata(all)}</excerpt:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_date><![CDATA[2019-03-11 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2019-03-11 10:00:00]]></wp:post_date_gmt>
<wp:post_name>${cdata(`${prefix}-wp`)}</wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="${prefix}-wp-trend">${cdata(all)}</category>
</item>
</channel>
</rss>
`,
  );
  // A Ghost export: JSON, with the post's HTML.
  writeFileSync(
    join(dir, 'ghost.json'),
    JSON.stringify({
      db: [
        {
          data: {
            posts: [
              {
                id: 'p1',
                title: all,
                slug: `${prefix}-ghost`,
                html,
                custom_excerpt: all,
                status: 'published',
                published_at: '2019-03-18T09:00:00.000Z',
                visibility: 'public',
              },
            ],
            tags: [{ id: 't1', name: all, slug: `${prefix}-ghost-trend`, description: all, visibility: 'public' }],
            posts_tags: [{ post_id: 'p1', tag_id: 't1' }],
            users: [{ id: 'u1', name: all, slug: `${prefix}-ghost-author`, bio: all }],
            posts_authors: [{ post_id: 'p1', author_id: 'u1' }],
          },
        },
      ],
    }),
  );
  const importer = (...args) =>
    execFileSync(SITREP_BIN, ['import', ...args], {
      env: { ...process.env, SITREP_DATA, SITREP_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  importer('markdown', join(dir, 'markdown'));
  importer('wordpress', join(dir, 'wordpress.xml'));
  importer('ghost', join(dir, 'ghost.json'), '--lang', 'en');
  // What they made, as the public API lists it (the server sees the
  // imports' writes within a moment).
  let found = [];
  for (let i = 0; i < 40 && found.length < 3; i += 1) {
    const list = JSON.parse(await getText(page, '/api/v1/commentaries?per_page=100')).data;
    found = list.flatMap((c) => c.versions).filter((v) => v.slug.startsWith(prefix));
    if (found.length < 3) await page.waitForTimeout(250);
  }
  if (found.length < 3) throw new Error(`imported ${found.length} of 3 commentaries`);
  return found.map((c) => new URL(c.url, BASE).pathname);
}

// ---------------------------------------------------------------- pages

// Decodes the HTML part of a raw message (base64 or quoted-printable).
function htmlPart(raw) {
  const at = raw.search(/content-type: text\/html/i);
  if (at < 0) return null;
  const rest = raw.slice(at);
  const split = rest.search(/\r?\n\r?\n/);
  const head = rest.slice(0, split);
  let body = rest.slice(split).replace(/^\s+/, '');
  const end = body.search(/\r?\n--/);
  if (end >= 0) body = body.slice(0, end);
  if (/transfer-encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/transfer-encoding: quoted-printable/i.test(head)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

async function publicPages(page, seen) {
  for (const l of LANGS) {
    await inspect(page, seen, `/${l}/`, `/${l}/`);
    await inspect(page, seen, `/${l}/editions/${planted.editionNumber}/`, `/${l}/editions/${planted.editionNumber}/`);
    await inspect(page, seen, `/${l}/trends/`, `/${l}/trends/`);
    await inspect(page, seen, `/${l}/barometer`, `/${l}/barometer?weeks=520`);
    await inspect(page, seen, `/${l}/forecasts/`, `/${l}/forecasts/`);
    await inspect(page, seen, `/${l}/track-record/`, `/${l}/track-record/`);
    await inspect(page, seen, `/${l}/request`, `/${l}/request`);
    await inspect(page, seen, `/${l}/search`, `/${l}/search?q=${encodeURIComponent('alert')}`);
  }
  for (const l of ['be', 'en']) {
    for (const c of planted.commentaries) {
      await inspect(page, seen, `/${l}/commentaries/${c.slug}/`, `/${l}/commentaries/${c.slug}/`);
    }
  }
  for (const slug of planted.trendSlugs) await inspect(page, seen, `/en/trends/${slug}/`, `/en/trends/${slug}/`);
  for (const slug of planted.pageSlugs) await inspect(page, seen, `/ru/pages/${slug}/`, `/ru/pages/${slug}/`);
  for (const slug of planted.forecastSlugs) {
    await inspect(page, seen, `/be/forecasts/${slug}/`, `/be/forecasts/${slug}/`);
  }
  // Feeds, as the browser shows them.
  for (const feed of ['/en/feed.xml', '/be/feed.atom', '/feeds/all.atom', `/feeds/trends/${planted.trendSlugs[0]}.xml`]) {
    await inspect(page, seen, feed, feed);
  }
  // Search queries: the query is repeated in the title, the form and links.
  for (const q of packed(500)) {
    await inspect(page, seen, `/en/search?q=(${chars(q)} characters)`, `/en/search?q=${encodeURIComponent(q)}`);
  }
  // Forms that show what was typed when they refuse it: subscription
  // (an address that is no address) and the analysis request (fields too
  // long, or missing).
  for (const email of packed(4000)) {
    await inspect(page, seen, 'subscription refused', async () => {
      const res = await post(page, '/en/subscribe', [['email', email], ['lang', 'en']], { status: [400], csrf: false });
      return showResponse(page, res, '/en/subscribe');
    }, { status: [400] });
  }
  for (const text of packed(4000)) {
    await inspect(page, seen, 'analysis request refused', async () => {
      const res = await post(
        page,
        '/be/request',
        { name: text, email: text, organisation: text, topic: '', question: text, lang: 'be', website: '' },
        { status: [400], csrf: false },
      );
      return showResponse(page, res, '/be/request');
    }, { status: [400] });
  }
}

async function workspacePages(page, seen) {
  const fixed = [
    '/workspace/',
    '/workspace/trends',
    '/workspace/authors',
    '/workspace/assessments',
    '/workspace/likelihoods',
    '/workspace/pages',
    '/workspace/forecasts',
    '/workspace/barometer',
    '/workspace/staff',
    '/workspace/audit',
    '/workspace/subscribers',
    '/workspace/requests',
    '/workspace/outbox',
    '/workspace/api',
    '/workspace/commentaries/new',
    `/workspace/editions/${planted.editionId}`,
  ];
  for (const path of fixed) await inspect(page, seen, path, path);
  for (const c of planted.commentaries.slice(0, 6)) {
    for (const l of ['be', 'en']) {
      await inspect(page, seen, `/workspace/commentaries/${c.id}/${l}`, `/workspace/commentaries/${c.id}/${l}`);
      await inspect(page, seen, `history ${c.id}/${l}`, `/workspace/commentaries/${c.id}/${l}/history`);
    }
  }
  // The preview: what was typed, rendered before it is saved.
  const c = planted.commentaries[0];
  const editPage = await getText(page, `/workspace/commentaries/${c.id}/be`);
  const base = editPage.match(/name="base" value="([^"]*)"/)?.[1] ?? '';
  await inspect(page, seen, 'preview of unsaved text', async () => {
    const res = await post(page, `/workspace/commentaries/${c.id}/be`, {
      base,
      slug: c.slug,
      title: packed(300)[0],
      lead: packed(2000)[0],
      body: MARKDOWN,
      action: 'preview',
    }, { status: [200, 409] });
    return showResponse(page, res, `/workspace/commentaries/${c.id}/be`);
  }, { status: [200, 409] });
  for (const id of planted.forecastIds.slice(0, 3)) {
    await inspect(page, seen, `/workspace/forecasts/${id}`, `/workspace/forecasts/${id}`);
  }
  for (const id of planted.requestIds) {
    await inspect(page, seen, `/workspace/requests/${id}`, `/workspace/requests/${id}`);
  }
  for (const q of packed(2000)) {
    await inspect(page, seen, `/workspace/subscribers?q=(${chars(q)} characters)`, `/workspace/subscribers?q=${encodeURIComponent(q)}`);
  }
  await inspect(page, seen, 'subscriber import notes', () => showResponse(page, planted.importAnswer, '/workspace/subscribers/import'));
}

async function mailPages(page, seen) {
  for (const l of LANGS) {
    const path = `/workspace/editions/${planted.editionId}/letter/${l}`;
    await inspect(page, seen, `letter preview (${l})`, path);
  }
  await post(page, `/workspace/editions/${planted.editionId}/test`, { lang: 'en' });
  // Every message the outbox holds: the test letter, the replies, the
  // notices of new requests.
  const outbox = await getText(page, '/workspace/outbox');
  const ids = [...new Set(idsIn(outbox, '/workspace/outbox'))];
  let letters = 0;
  for (const id of ids) {
    await inspect(page, seen, `/workspace/outbox/${id}`, `/workspace/outbox/${id}`);
    const raw = await page.locator('details pre.ws-source').first().textContent();
    const html = htmlPart(raw ?? '');
    if (!html) continue;
    letters += 1;
    await inspect(page, seen, `the HTML of message ${id}`, () => showHtml(page, html, `/__mail/${id}`));
  }
  note(`${letters} messages of the outbox opened as HTML`);
  await check(`the outbox held messages with HTML to open (${letters})`, () => letters >= 3);
}

// ---------------------------------------------------------------- main

async function main(contexts, scratch) {
  note(`${PAYLOADS.length} payloads, ${chars(PAYLOADS.join(''))} characters`);
  await check('the corpus has at least 200 payloads', () => PAYLOADS.length >= 200);
  const seen = newObservations();
  const { context, page } = await launch(scratch, { bypassCSP: true }, seen, contexts);
  context.setDefaultTimeout(30_000);
  // The checks themselves: raw payloads, as a page that escaped nothing
  // would show them, must be caught by both the DOM check and the dialog
  // watch.
  await check('a page that escapes nothing is caught', async () => {
    const before = seen.dialogs.length;
    await showHtml(page, `<!doctype html><title>raw</title>${PAYLOADS.slice(0, 40).join('\n')}`, '/__raw');
    await page.waitForTimeout(200);
    const found = await page.evaluate(dangers);
    const dialogs = seen.dialogs.splice(before);
    return (found.length >= 20 && dialogs.length > 0) || `found ${found.length} dangers, ${dialogs.length} dialogs`;
  });
  const signedIn = await post(page, '/workspace/login', { email: ADMIN, password: PASSWORD }, { csrf: false });
  await check('the admin is signed in', () => expectEqual(new URL(signedIn.url()).pathname, '/workspace/'), {
    critical: true,
  });

  // A failed sign-in: the address typed is shown again and logged.
  await inspect(page, seen, 'failed sign-in', async () => {
    const res = await page.request.post(url('/workspace/login'), {
      data: formBody({ email: PAYLOADS.join(' '), password: 'wrong' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    });
    return showResponse(page, res, '/workspace/login');
  }, { status: [401, 400] });

  const started = Date.now();
  for (const [what, plant] of [
    ['trends, authors, scales and pages', plantLists],
    ['forecasts', plantForecasts],
    ['commentaries', plantCommentaries],
    ['staff, subscribers, tokens and webhooks', plantPeople],
    ['analysis requests, notes and replies', plantRequests],
  ]) {
    await check(`payloads planted in ${what}`, () => plant(page).then(() => true), { critical: true });
  }
  if (SITREP_BIN && SITREP_DATA) {
    let imported = [];
    await check('payloads imported from Markdown, WordPress and Ghost files', async () => {
      imported = await plantImports(page, scratch);
      return true;
    });
    for (const path of imported) await inspect(page, seen, `imported ${path}`, path);
    for (const l of LANGS) await inspect(page, seen, `/${l}/trends/ after the imports`, `/${l}/trends/`);
  } else {
    note('SITREP_E2E_BIN and SITREP_E2E_DATA are not set: the import files are left out');
  }
  note(`planted in ${((Date.now() - started) / 1000).toFixed(1)} s: ${planted.commentaries.length} commentaries, ` +
    `${planted.trendIds.length} trends, ${planted.forecastIds.length} forecast sets, ${planted.pageSlugs.length} pages`);

  await publicPages(page, seen);
  await workspacePages(page, seen);
  await mailPages(page, seen);
  note(`${pagesOpened} pages opened`);
  await check('no dialog opened anywhere', () => seen.dialogs.length === 0 || seen.dialogs.slice(0, 20).join('\n'));
}

run(async (contexts, scratch) => {
  try {
    await main(contexts, scratch);
  } catch (err) {
    if (!(err instanceof RoundAborted)) throw err;
  }
}, { timeoutMs: OVERALL_TIMEOUT_MS });
