//! Handlers for the public pages.

use sitrep_render::typography::typeset;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use sitrep_core::{Lang, PageNumber, Paging, Timestamp};
use sitrep_i18n::Arg;
use sitrep_render::urls;
use sitrep_render::view::{
    ArchivePage, CommentaryPage, EditionPage, ErrorPage, HomePage, LangLink, StaticPage,
    TrendGroup, TrendPage, TrendsPage,
};

use crate::views::{Ctx, Section};
use crate::{AppState, LANG_COOKIE, PageError};

type App = State<Arc<AppState>>;
pub(crate) type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;
/// `/{lang}/things/{item}/`: the item's segment, if the path decoded.
type Item = Result<Path<(String, String)>, PathRejection>;

/// The site language named by the path's first segment. A path naming
/// none of the site's languages is answered with a 404 page in the
/// reader's language before any handler runs.
pub struct SiteLang(pub Lang);

impl FromRequestParts<Arc<AppState>> for SiteLang {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<SiteLang, Response> {
        // The language list may have changed on another node.
        let _ = app.catalog().await;
        let first = parts
            .uri
            .path()
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        match site_lang(app, first) {
            Some(lang) => Ok(SiteLang(lang)),
            None => {
                Err(error_page(app, reader_lang(app, &parts.headers), PageError::NotFound).await)
            }
        }
    }
}

fn item(path: Item) -> Result<String, PageError> {
    path.map(|Path((_, item))| item)
        .map_err(|_| PageError::NotFound)
}

const EDITIONS_PER_PAGE: u32 = 20;
const TREND_PER_PAGE: u32 = 10;
const READ_MORE: i64 = 4;

/// `/`: sends the reader to their language.
pub async fn root(State(app): App, headers: HeaderMap) -> Response {
    let _ = app.catalog().await;
    let lang = reader_lang(&app, &headers);
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, urls::home(lang)),
            (header::VARY, "Accept-Language, Cookie".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// `/{lang}` without the slash.
pub async fn lang_root(SiteLang(lang): SiteLang) -> Response {
    Redirect::permanent(&urls::home(lang)).into_response()
}

pub async fn home(State(app): App, SiteLang(lang): SiteLang) -> Response {
    let now = app.now();
    finish(&app, lang, home_page(&app, lang, now).await).await
}

async fn home_page(app: &AppState, lang: Lang, now: Timestamp) -> Result<Response, PageError> {
    let ctx = Ctx::load(app, lang, now).await?;
    let public = app.store.public(now);
    let (edition, commentaries) = match &ctx.latest {
        Some(e) => {
            let rows = public.edition_versions(e.id).await?;
            let cards = ctx
                .pick_versions(&rows)
                .into_iter()
                .map(|(v, fb)| ctx.card(v, fb, false))
                .collect();
            (Some(ctx.edition_card(e)), cards)
        }
        None => (None, Vec::new()),
    };
    let trends = ctx
        .catalog
        .trends
        .iter()
        .map(|t| ctx.trend_link(t, None))
        .collect();
    let chrome = ctx.chrome(
        "",
        &ctx.catalog.text("tagline", lang, &app.fallback_order()),
        Section::Home,
        &|l| urls::home(l),
        &app.langs(),
    );
    let page = HomePage {
        edition,
        commentaries,
        trends,
    };
    html(app.renderer.render("home.html", &chrome, &page)?)
}

pub async fn archive(State(app): App, SiteLang(lang): SiteLang, params: Params) -> Response {
    let now = app.now();
    finish(&app, lang, archive_page(&app, lang, now, params).await).await
}

async fn archive_page(
    app: &AppState,
    lang: Lang,
    now: Timestamp,
    params: Params,
) -> Result<Response, PageError> {
    let page = page_number(params)?;
    let all = app.memo(now).await?.editions(&app.store).await?;
    let paging = Paging::new(page, EDITIONS_PER_PAGE, all.len() as u64);
    if paging.is_past_end() {
        return Err(PageError::NotFound);
    }
    let ctx = Ctx::load(app, lang, now).await?;
    let editions = paging
        .slice(&all)
        .iter()
        .map(|e| ctx.edition_card(e))
        .collect();
    let n = paging.page;
    let chrome = ctx.chrome(
        &ctx.t("archive-title"),
        "",
        Section::Editions,
        &|l| urls::editions(l, n),
        &app.langs(),
    );
    let pager = ctx.pager(&paging, |p| urls::editions(lang, p));
    html(
        app.renderer
            .render("archive.html", &chrome, &ArchivePage { editions, pager })?,
    )
}

pub async fn edition(State(app): App, SiteLang(lang): SiteLang, path: Item) -> Response {
    let now = app.now();
    let result = match item(path) {
        Ok(segment) => edition_page(&app, lang, now, &segment).await,
        Err(e) => Err(e),
    };
    finish(&app, lang, result).await
}

async fn edition_page(
    app: &AppState,
    lang: Lang,
    now: Timestamp,
    raw_number: &str,
) -> Result<Response, PageError> {
    // Edition numbers are positive and modest; anything else names nothing.
    let number: i64 = match raw_number.parse() {
        Ok(n) if (1..=i64::from(u32::MAX)).contains(&n) => n,
        _ => return Err(PageError::NotFound),
    };
    let public = app.store.public(now);
    let Some(row) = public.edition(number).await? else {
        return Err(PageError::NotFound);
    };
    let ctx = Ctx::load(app, lang, now).await?;
    let rows = public.edition_versions(row.id).await?;
    let picked = ctx.pick_versions(&rows);
    let groups = ctx
        .catalog
        .trends
        .iter()
        .filter_map(|t| {
            let commentaries: Vec<_> = picked
                .iter()
                .filter(|(v, _)| v.trend_id == t.id)
                .map(|(v, fb)| ctx.card(v, *fb, false))
                .collect();
            (!commentaries.is_empty()).then(|| TrendGroup {
                trend: ctx.trend_link(t, None),
                commentaries,
            })
        })
        .collect();
    let card = ctx.edition_card(&row);
    let title = format!("{} · {}", card.label, card.range);
    let mut chrome = ctx.chrome(
        &title,
        "",
        Section::Editions,
        &|l| urls::edition(l, number),
        &app.langs(),
    );
    let parts: Vec<serde_json::Value> = picked
        .iter()
        .map(|(v, _)| {
            serde_json::json!({
                "@type": "AnalysisNewsArticle",
                "headline": v.title,
                "inLanguage": v.lang.as_str(),
                "url": ctx.url(&urls::commentary(lang, &v.slug)),
            })
        })
        .collect();
    chrome.json_ld = crate::views::json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "PublicationIssue",
        "issueNumber": number,
        "name": title,
        "datePublished": crate::views::rfc3339(row.web_at),
        "url": chrome.canonical,
        "inLanguage": lang.as_str(),
        "isPartOf": {"@type": "Periodical", "name": chrome.site_name, "publisher": ctx.publisher_ld()},
        "hasPart": parts,
    }));
    html(app.renderer.render(
        "edition.html",
        &chrome,
        &EditionPage {
            edition: card,
            groups,
        },
    )?)
}

pub async fn commentary(State(app): App, SiteLang(lang): SiteLang, path: Item) -> Response {
    let now = app.now();
    let result = match item(path) {
        Ok(segment) => commentary_page(&app, lang, now, &segment).await,
        Err(e) => Err(e),
    };
    finish(&app, lang, result).await
}

async fn commentary_page(
    app: &AppState,
    lang: Lang,
    now: Timestamp,
    slug: &str,
) -> Result<Response, PageError> {
    if sitrep_core::Slug::parse(slug).is_err() {
        return Err(PageError::NotFound);
    }
    let memo = app.memo(now).await?;
    let found = memo.find_commentary(&app.store, slug).await?;
    let Some(&(id, _)) = found
        .iter()
        .find(|(_, l)| *l == lang)
        .or_else(|| found.first())
    else {
        return Err(PageError::NotFound);
    };
    let versions = memo.commentary_versions(&app.store, id).await?;
    let ctx = Ctx::load(app, lang, now).await?;
    let refs: Vec<_> = versions.iter().collect();
    let Some((shown, fallback)) = ctx.best(&refs, |v| v.lang) else {
        return Err(PageError::NotFound);
    };
    // One address per commentary and reader language: the slug of the
    // version this reader is shown (their own, or the fallback).
    if shown.slug != slug {
        return Ok(Redirect::permanent(&urls::commentary(lang, &shown.slug)).into_response());
    }
    let card = ctx.card(shown, fallback, true);
    let authors: Vec<String> = memo
        .commentary_authors(&app.store, id)
        .await?
        .into_iter()
        .filter_map(|a| ctx.catalog.author(a))
        .filter_map(|a| ctx.pick_name(&a.names).map(|(name, _)| name.clone()))
        .collect();
    let mut authors = authors;
    app.i18n.sort_by_name(lang, &mut authors, |a| a);
    let more = read_more(app, &ctx, shown).await?;
    let trend_name = card
        .trend
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    // In the site's language order, whatever order the rows came in.
    let translations = app
        .langs()
        .iter()
        .filter_map(|l| versions.iter().find(|v| v.lang == *l))
        .filter(|v| v.lang != shown.lang)
        .map(|v| LangLink {
            lang: v.lang.to_string(),
            name: app.i18n.endonym(v.lang),
            href: urls::commentary(v.lang, &v.slug),
            current: false,
        })
        .collect();
    let fallbacks = app.fallback_order();
    let path_in = |l: Lang| {
        let best = std::iter::once(&l)
            .chain(&fallbacks)
            .find_map(|fl| versions.iter().find(|v| v.lang == *fl))
            .unwrap_or(shown);
        urls::commentary(l, &best.slug)
    };
    let existing: Vec<Lang> = app
        .langs()
        .iter()
        .copied()
        .filter(|l| versions.iter().any(|v| v.lang == *l))
        .collect();
    let mut chrome = ctx.chrome(
        &card.title,
        &excerpt(&card.lead, 200),
        Section::None,
        &path_in,
        &existing,
    );
    if fallback {
        // The text shown lives at its own address in its own language.
        chrome.canonical = format!(
            "{}{}",
            app.public_url,
            urls::commentary(shown.lang, &shown.slug)
        );
    }
    chrome.og_type = "article".into();
    chrome.published = crate::views::rfc3339(shown.published_at);
    chrome.section = trend_name.clone();
    chrome.feeds = crate::discovery::feed_links(
        lang,
        card.trend
            .as_ref()
            .map(|t| (t.slug.as_str(), t.name.as_str())),
        &chrome.site_name,
    );
    chrome.json_ld = crate::views::json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "AnalysisNewsArticle",
        "headline": card.title,
        "description": excerpt(&card.lead, 300),
        "inLanguage": shown.lang.as_str(),
        "datePublished": chrome.published,
        "dateModified": crate::views::rfc3339(shown.updated_at.max(shown.published_at)),
        "url": chrome.canonical,
        "mainEntityOfPage": chrome.canonical,
        "articleSection": trend_name,
        "author": authors.iter().map(|name| serde_json::json!({"@type": "Person", "name": name})).collect::<Vec<_>>(),
        "publisher": ctx.publisher_ld(),
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": shown.edition_number,
            "url": ctx.url(&urls::edition(lang, shown.edition_number)),
        },
    }));
    let page = CommentaryPage {
        body: shown.body.clone(),
        authors_label: ctx.t_args("authors-label", &[("count", (authors.len() as i64).into())]),
        authors,
        published: ctx.t_args(
            "published-on",
            &[("date", Arg::Str(&ctx.date(shown.published_at)))],
        ),
        fallback_note: fallback.then(|| {
            ctx.t_args(
                "translation-missing",
                &[("shown", Arg::Str(shown.lang.as_str()))],
            )
        }),
        translations,
        more_title: ctx.t("similar-title"),
        more,
        card,
    };
    html(app.renderer.render("commentary.html", &chrome, &page)?)
}

/// "Read more": the published commentaries most like this one by content
/// (from the search index), topped up with the newest of its trend.
async fn read_more(
    app: &AppState,
    ctx: &Ctx<'_>,
    shown: &sitrep_store::VersionRow,
) -> Result<Vec<sitrep_render::view::CommentaryCard>, PageError> {
    let memo = app.memo(ctx.now).await?;
    let id = shown.commentary_id;
    // The list follows the database, like the rest of the page.
    crate::search::catch_up(app).await;
    let text = || {
        let body = sitrep_render::markdown::to_plain_text(&shown.body);
        format!("{}\n\n{body}", shown.lead)
    };
    let similar = app
        .search
        .similar(
            shown.lang.as_str(),
            id as u64,
            shown.id as u64,
            &shown.title,
            text,
            ctx.now,
            READ_MORE as usize,
        )
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "similar commentaries not found");
            Vec::new()
        });
    let mut ids: Vec<i64> = similar.iter().map(|c| *c as i64).collect();
    if ids.len() < READ_MORE as usize {
        // Topped up with the newest of its trend.
        let newest = memo.trend(&app.store, shown.trend_id).await?;
        let more: Vec<i64> = newest
            .iter()
            .copied()
            .filter(|c| *c != id && !ids.contains(c))
            .take(READ_MORE as usize)
            .collect();
        ids.extend(more);
    }
    let rows = in_order(memo.cards_of(&app.store, &ids).await?, &ids);
    Ok(ctx
        .pick_versions(&rows)
        .into_iter()
        .take(READ_MORE as usize)
        .map(|(v, fb)| ctx.card(v, fb, false))
        .collect())
}

/// Rows of several commentaries in the order of `ids` (each commentary's
/// versions keep their own order).
fn in_order(mut rows: Vec<sitrep_store::VersionRow>, ids: &[i64]) -> Vec<sitrep_store::VersionRow> {
    rows.sort_by_key(|v| ids.iter().position(|c| *c == v.commentary_id));
    rows
}

pub async fn trends(State(app): App, SiteLang(lang): SiteLang) -> Response {
    let now = app.now();
    finish(&app, lang, trends_page(&app, lang, now).await).await
}

async fn trends_page(app: &AppState, lang: Lang, now: Timestamp) -> Result<Response, PageError> {
    let ctx = Ctx::load(app, lang, now).await?;
    let memo = app.memo(now).await?;
    let mut trends = Vec::new();
    for t in &ctx.catalog.trends {
        let count = memo.trend(&app.store, t.id).await?.len() as u64;
        trends.push(ctx.trend_link(t, Some(count)));
    }
    // An index, in the reader's alphabetical order.
    app.i18n.sort_by_name(lang, &mut trends, |t| &t.name);
    let chrome = ctx.chrome(
        &ctx.t("trends-title"),
        "",
        Section::Trends,
        &|l| urls::trends(l),
        &app.langs(),
    );
    html(
        app.renderer
            .render("trends.html", &chrome, &TrendsPage { trends })?,
    )
}

pub async fn trend(
    State(app): App,
    SiteLang(lang): SiteLang,
    path: Item,
    params: Params,
) -> Response {
    let now = app.now();
    let result = match item(path) {
        Ok(segment) => trend_page(&app, lang, now, &segment, params).await,
        Err(e) => Err(e),
    };
    finish(&app, lang, result).await
}

async fn trend_page(
    app: &AppState,
    lang: Lang,
    now: Timestamp,
    slug: &str,
    params: Params,
) -> Result<Response, PageError> {
    let Query(pairs) = params.map_err(|e| PageError::BadRequest(e.body_text()))?;
    let page = PageNumber::parse(
        pairs
            .iter()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.as_str()),
    )?;
    let period = crate::barometer::period(&pairs)?;
    let ctx = Ctx::load(app, lang, now).await?;
    let Some(t) = ctx.catalog.trend_by_slug(slug) else {
        return Err(PageError::NotFound);
    };
    let memo = app.memo(now).await?;
    let listed = memo.trend(&app.store, t.id).await?;
    let total = listed.len() as u64;
    let paging = Paging::new(page, TREND_PER_PAGE, total);
    if paging.is_past_end() {
        return Err(PageError::NotFound);
    }
    let shown = paging.slice(&listed).to_vec();
    let rows = in_order(memo.cards_of(&app.store, &shown).await?, &shown);
    let commentaries = ctx
        .pick_versions(&rows)
        .into_iter()
        .map(|(v, fb)| ctx.card(v, fb, true))
        .collect();
    // The chart shows on the first page, over the period asked for.
    let (chart, period_view) = if paging.page == 1 {
        let latest = ctx.latest.as_ref().and_then(|e| e.week_start.parse().ok());
        let bounds = period.bounds(latest);
        let marks = memo.marks(&app.store, bounds.0, bounds.1).await?;
        let chart =
            crate::barometer::trend_chart(&ctx, t, &marks, &crate::barometer::Links::public(lang));
        let base = urls::trend(lang, slug, 1);
        (
            Some(chart),
            Some(crate::barometer::period_view(&ctx, &base, period, bounds)),
        )
    } else {
        (None, None)
    };
    let link = ctx.trend_link(t, Some(total));
    let n = paging.page;
    let mut chrome = ctx.chrome(
        &link.name,
        &link.description,
        Section::Trends,
        &|l| urls::trend(l, slug, n),
        &app.langs(),
    );
    chrome.feeds = crate::discovery::feed_links(lang, Some((slug, &link.name)), &chrome.site_name);
    let pager = ctx.pager(&paging, |p| urls::trend(lang, slug, p));
    html(app.renderer.render(
        "trend.html",
        &chrome,
        &TrendPage {
            trend: link,
            commentaries,
            pager,
            chart,
            period: period_view,
        },
    )?)
}

pub async fn static_page(State(app): App, SiteLang(lang): SiteLang, path: Item) -> Response {
    let now = app.now();
    let result = match item(path) {
        Ok(segment) => static_page_inner(&app, lang, now, &segment).await,
        Err(e) => Err(e),
    };
    finish(&app, lang, result).await
}

async fn static_page_inner(
    app: &AppState,
    lang: Lang,
    now: Timestamp,
    slug: &str,
) -> Result<Response, PageError> {
    if sitrep_core::Slug::parse(slug).is_err() {
        return Err(PageError::NotFound);
    }
    let ctx = Ctx::load(app, lang, now).await?;
    let rows: Vec<_> = ctx.pages.iter().filter(|p| p.slug == slug).collect();
    let Some((shown, fallback)) = ctx.best(&rows, |p| p.lang) else {
        return Err(PageError::NotFound);
    };
    let existing: Vec<Lang> = app
        .langs()
        .iter()
        .copied()
        .filter(|l| rows.iter().any(|p| p.lang == *l))
        .collect();
    let title = typeset(shown.lang, &shown.title);
    let chrome = ctx.chrome(
        &title,
        "",
        Section::Page(slug),
        &|l| urls::page(l, slug),
        &existing,
    );
    let page = StaticPage {
        title: title.into_owned(),
        body: shown.body.clone(),
        lang: shown.lang.to_string(),
        fallback_note: fallback.then(|| {
            ctx.t_args(
                "translation-missing",
                &[("shown", Arg::Str(shown.lang.as_str()))],
            )
        }),
    };
    html(app.renderer.render("page.html", &chrome, &page)?)
}

/// The lead (plain text, not Markdown) cut to `max` characters at a word.
fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

/// Anything no route matches.
pub async fn not_found(State(app): App, req: Request) -> Response {
    let uri = req.uri().clone();
    let first = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let lang = site_lang(&app, first).unwrap_or_else(|| reader_lang(&app, req.headers()));
    if let Some(to) = with_trailing_slash(&uri)
        && site_lang(&app, first).is_some()
    {
        return Redirect::permanent(&to).into_response();
    }
    error_page(&app, lang, PageError::NotFound).await
}

/// `/en/trends` → `/en/trends/`, keeping the query; `None` when the path
/// already ends in a slash, names a file, or could leave the site.
fn with_trailing_slash(uri: &Uri) -> Option<String> {
    let path = uri.path();
    let last = path.rsplit('/').next().unwrap_or("");
    if path.ends_with('/') || last.contains('.') || path.starts_with("//") || path.contains('\\') {
        return None;
    }
    Some(match uri.query() {
        Some(q) => format!("{path}/?{q}"),
        None => format!("{path}/"),
    })
}

fn page_number(params: Params) -> Result<PageNumber, PageError> {
    let Query(pairs) = params.map_err(|e| PageError::BadRequest(e.body_text()))?;
    let raw = pairs
        .iter()
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v.as_str());
    Ok(PageNumber::parse(raw)?)
}

/// A language code from the URL, if it is one of the site's.
pub(crate) fn site_lang(app: &AppState, raw: &str) -> Option<Lang> {
    Lang::parse(raw).ok().filter(|l| app.langs().contains(l))
}

/// The reader's language: cookie, then `Accept-Language`, then the default.
pub(crate) fn reader_lang(app: &AppState, headers: &HeaderMap) -> Lang {
    cookie_lang(headers)
        .and_then(|v| site_lang(app, &v))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|h| sitrep_i18n::negotiate(h, &app.langs()))
        })
        .unwrap_or(app.default_lang())
}

/// The language cookie's value, as sent.
pub(crate) fn cookie_lang(headers: &(impl crate::cache::Asking + ?Sized)) -> Option<String> {
    headers
        .values(&header::COOKIE)
        .filter_map(crate::cache::visible)
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// A page for one reader only (a form's answer): never stored by caches;
/// a page that failed to render becomes the error page.
pub(crate) async fn private_page(
    app: &AppState,
    lang: Lang,
    status: StatusCode,
    rendered: Result<String, PageError>,
) -> Response {
    match rendered {
        Ok(html) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response(),
        Err(e) => error_page(app, lang, e).await,
    }
}

pub(crate) fn html(body: String) -> Result<Response, PageError> {
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        axum::Extension(crate::cache::Keep),
        body,
    )
        .into_response())
}

pub(crate) async fn finish(
    app: &AppState,
    lang: Lang,
    result: Result<Response, PageError>,
) -> Response {
    match result {
        Ok(response) => response,
        Err(e) => error_page(app, lang, e).await,
    }
}

/// A localized error page; never fails (a last-resort plain text answer
/// covers a database that is down).
pub(crate) async fn error_page(app: &AppState, lang: Lang, error: PageError) -> Response {
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(error = %error, "page failed");
    }
    let (title_id, message) = match &error {
        PageError::NotFound => ("not-found-title", app.i18n.t(lang, "not-found-body")),
        PageError::BadPageNumber(_) => (
            "bad-request-title",
            app.i18n.t_args(
                lang,
                "bad-page-number",
                &[("max", i64::from(PageNumber::MAX).into())],
            ),
        ),
        PageError::BadPeriod(e) => (
            "bad-request-title",
            crate::barometer::period_error(app, lang, e),
        ),
        PageError::BadRequest(reason) => (
            "bad-request-title",
            app.i18n
                .t_args(lang, "bad-request-body", &[("reason", Arg::Str(reason))]),
        ),
        PageError::Store(e) if e.is_unavailable() => {
            ("unavailable-title", app.i18n.t(lang, "unavailable-body"))
        }
        PageError::DatabaseAway => ("unavailable-title", app.i18n.t(lang, "unavailable-body")),
        PageError::SearchUnavailable => {
            ("unavailable-title", app.i18n.t(lang, "search-unavailable"))
        }
        PageError::Store(_) | PageError::Render(_) => {
            ("server-error-title", app.i18n.t(lang, "server-error-body"))
        }
    };
    let now = app.now();
    let away = error.is_database_away();
    let rendered = async {
        // Without the database (the likely cause of a 5xx) the page is
        // still rendered, only without the menus; when it is known to be
        // away, without asking it again.
        let ctx = if away {
            Ctx::bare(app, lang)
        } else {
            match Ctx::load(app, lang, now).await {
                Ok(ctx) => ctx,
                Err(_) => Ctx::bare(app, lang),
            }
        };
        let title = ctx.t(title_id);
        let mut chrome = ctx.chrome(&title, "", Section::None, &|l| urls::home(l), &[]);
        chrome.noindex = true;
        chrome.canonical = String::new();
        let page = ErrorPage {
            status: status.as_u16(),
            title,
            message: message.clone(),
        };
        app.renderer.render("error.html", &chrome, &page)
    }
    .await;
    let mut response = match rendered {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed");
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                message,
            )
                .into_response()
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    crate::outage::mark(&mut response, away);
    response
}
