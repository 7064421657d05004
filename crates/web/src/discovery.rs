//! Being found: feeds (RSS, Atom, JSON Feed) for each language, each
//! trend and each pair; sitemaps with `hreflang` alternates; robots.txt.
//! All of it reads through `Public`, so nothing unpublished appears.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sitrep_core::Lang;
use sitrep_render::feeds::{self, Feed, FeedItem};
use sitrep_render::urls;
use sitrep_render::view::FeedLink;
use sitrep_store::{Catalog, Trend};

use crate::pages::{SiteLang, error_page};
use crate::{AppState, PageError};

/// Items in a feed.
const FEED_ITEMS: i64 = 30;
/// `<url>` entries in one sitemap file. The protocol allows 50,000, but
/// with its `hreflang` alternates an entry takes about 650 bytes, so a file
/// of 5,000 stays near 3 MB: small enough for the page cache to keep it
/// compressed, where 40,000 made a 26 MB file rendered afresh for every
/// crawler (and a 70 MB jump in memory while it was).
pub const SITEMAP_URLS: usize = 5_000;

type App = State<Arc<AppState>>;

/// The three formats and their file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    fn ext(self) -> &'static str {
        match self {
            Format::Rss => "xml",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON Feed",
        }
    }
}

/// The address of a feed: of a language (or all), of a trend (or all).
pub fn feed_url(lang: Option<Lang>, trend: Option<&str>, format: Format) -> String {
    let ext = format.ext();
    match (lang, trend) {
        (Some(l), None) => format!("/{l}/feed.{ext}"),
        (Some(l), Some(t)) => format!("/{l}/trends/{t}/feed.{ext}"),
        (None, Some(t)) => format!("/feeds/trends/{t}.{ext}"),
        (None, None) => format!("/feeds/all.{ext}"),
    }
}

/// The `<link rel="alternate">`s for a page's head.
pub fn feed_links(lang: Lang, trend: Option<(&str, &str)>, site_name: &str) -> Vec<FeedLink> {
    let mut out = Vec::new();
    for format in Format::ALL {
        out.push(FeedLink {
            mime: format.mime().to_owned(),
            title: format!("{site_name} ({})", format.label()),
            href: feed_url(Some(lang), None, format),
        });
    }
    if let Some((slug, name)) = trend {
        for format in Format::ALL {
            out.push(FeedLink {
                mime: format.mime().to_owned(),
                title: format!("{site_name}: {name} ({})", format.label()),
                href: feed_url(Some(lang), Some(slug), format),
            });
        }
    }
    out
}

/// `/{lang}/feed.{xml,atom,json}`
pub async fn lang_feed(app: Arc<AppState>, lang: Lang, format: Format) -> Response {
    respond(
        &app,
        lang,
        feed(&app, Some(lang), None, format).await,
        format,
    )
    .await
}

/// `/{lang}/trends/{slug}/feed.{xml,atom,json}`
pub async fn lang_trend_feed(
    app: Arc<AppState>,
    lang: Lang,
    slug: String,
    format: Format,
) -> Response {
    respond(
        &app,
        lang,
        feed(&app, Some(lang), Some(&slug), format).await,
        format,
    )
    .await
}

/// `/feeds/all.{xml,atom,json}`: every language.
pub async fn site_feed(app: Arc<AppState>, format: Format) -> Response {
    let lang = app.default_lang();
    respond(&app, lang, feed(&app, None, None, format).await, format).await
}

/// `/feeds/trends/{slug}.{xml,atom,json}`: one trend in every language.
pub async fn trend_feed(State(app): App, Path(file): Path<String>) -> Response {
    let lang = app.default_lang();
    let found = Format::ALL.into_iter().find_map(|f| {
        file.strip_suffix(&format!(".{}", f.ext()))
            .map(|slug| (slug, f))
    });
    let Some((slug, format)) = found else {
        return error_page(&app, lang, PageError::NotFound).await;
    };
    respond(
        &app,
        lang,
        feed(&app, None, Some(slug), format).await,
        format,
    )
    .await
}

/// The routes of every feed.
pub fn routes() -> axum::Router<Arc<AppState>> {
    use axum::routing::get;
    let mut router = axum::Router::new().route("/feeds/trends/{file}", get(trend_feed));
    for format in Format::ALL {
        let ext = format.ext();
        router = router
            .route(
                &format!("/feeds/all.{ext}"),
                get(move |State(app): App| site_feed(app, format)),
            )
            .route(
                &format!("/{{lang}}/feed.{ext}"),
                get(move |State(app): App, SiteLang(lang): SiteLang| lang_feed(app, lang, format)),
            )
            .route(
                &format!("/{{lang}}/trends/{{slug}}/feed.{ext}"),
                get(
                    move |State(app): App,
                          SiteLang(lang): SiteLang,
                          Path((_, slug)): Path<(String, String)>| {
                        lang_trend_feed(app, lang, slug, format)
                    },
                ),
            );
    }
    router
}

async fn respond(
    app: &AppState,
    lang: Lang,
    result: Result<String, PageError>,
    format: Format,
) -> Response {
    match result {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    format!("{}; charset=utf-8", format.mime()),
                ),
                (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            ],
            axum::Extension(crate::cache::Keep),
            body,
        )
            .into_response(),
        Err(e) => error_page(app, lang, e).await,
    }
}

/// A name from a per-language map: in `lang`, else the site's fallbacks.
fn name_in<'m, T>(names: &'m HashMap<Lang, T>, lang: Lang, fallbacks: &[Lang]) -> Option<&'m T> {
    std::iter::once(&lang)
        .chain(fallbacks)
        .find_map(|l| names.get(l))
        .or_else(|| names.values().next())
}

fn trend_name(t: &Trend, lang: Lang, fallbacks: &[Lang]) -> String {
    name_in(&t.names, lang, fallbacks)
        .map(|(name, _)| name.clone())
        .unwrap_or_else(|| t.slug.clone())
}

async fn feed(
    app: &AppState,
    lang: Option<Lang>,
    trend_slug: Option<&str>,
    format: Format,
) -> Result<String, PageError> {
    let now = app.now();
    let catalog: Arc<Catalog> = app.catalog().await?;
    let fallbacks = app.fallback_order();
    let trend = match trend_slug {
        Some(slug) => Some(catalog.trend_by_slug(slug).ok_or(PageError::NotFound)?),
        None => None,
    };
    let public = app.store.public(now);
    let rows = public
        .latest_versions(lang, trend.map(|t| t.id), FEED_ITEMS)
        .await?;
    let mut ids: Vec<i64> = rows.iter().map(|v| v.commentary_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let bylines = public.authors_of(&ids).await?;
    let absolute = |path: &str| format!("{}{}", app.public_url, path);
    let title_lang = lang.unwrap_or(app.default_lang());
    let site_name = catalog.text("name", title_lang, &fallbacks);
    let items = rows
        .iter()
        .map(|v| {
            let mut categories = Vec::new();
            if let Some(t) = catalog.trend(v.trend_id) {
                categories.push(trend_name(t, v.lang, &fallbacks));
            }
            if let Some(label) = catalog
                .assessment(v.assessment_id)
                .and_then(|a| name_in(&a.labels, v.lang, &fallbacks))
            {
                categories.push(label.clone());
            }
            FeedItem {
                id: format!("urn:sitrep:commentary:{}:{}", v.commentary_id, v.lang),
                url: absolute(&urls::commentary(v.lang, &v.slug)),
                title: sitrep_render::typography::typeset(v.lang, &v.title).into_owned(),
                lead: v.lead.clone(),
                body: v.body.clone(),
                lang: v.lang.to_string(),
                published: v.published_at,
                updated: v.updated_at.max(v.published_at),
                authors: bylines
                    .iter()
                    .filter(|(c, _)| *c == v.commentary_id)
                    .filter_map(|(_, a)| catalog.author(*a))
                    .filter_map(|a| name_in(&a.names, v.lang, &fallbacks).map(|(n, _)| n.clone()))
                    .collect(),
                categories,
            }
        })
        .collect::<Vec<_>>();
    let title = match trend {
        Some(t) => format!("{site_name}: {}", trend_name(t, title_lang, &fallbacks)),
        None => site_name.clone(),
    };
    let home = match (lang, trend) {
        (Some(l), Some(t)) => urls::trend(l, &t.slug, 1),
        (None, Some(t)) => urls::trend(title_lang, &t.slug, 1),
        (Some(l), None) => urls::home(l),
        (None, None) => "/".to_owned(),
    };
    let doc = Feed {
        title,
        description: catalog.text("tagline", title_lang, &fallbacks),
        home_url: absolute(&home),
        feed_url: absolute(&feed_url(lang, trend_slug, format)),
        id: format!(
            "urn:sitrep:feed:{}:{}",
            lang.map(|l| l.to_string()).unwrap_or_else(|| "all".into()),
            trend.map(|t| t.slug.as_str()).unwrap_or("all")
        ),
        lang: lang.map(|l| l.to_string()),
        updated: items.iter().map(|i| i.updated).max().unwrap_or(0),
        items,
    };
    Ok(match format {
        Format::Rss => feeds::rss(&doc),
        Format::Atom => feeds::atom(&doc),
        Format::Json => feeds::json(&doc),
    })
}

/// One `<url>` of a sitemap.
struct Entry {
    loc: String,
    lastmod: Option<i64>,
    /// (hreflang, absolute address), including the entry's own; shared by
    /// the translations of one page.
    alternates: Arc<[(String, String)]>,
}

/// The entries of one sitemap file, and how many there are in all.
struct Entries {
    /// Which entries to make, by their place in the whole list.
    wanted: std::ops::Range<usize>,
    /// Entries counted so far, made or not.
    seen: usize,
    made: Vec<Entry>,
    /// The latest change among all entries, made or not.
    newest: Option<i64>,
}

impl Entries {
    /// Whether any of the next `n` entries is wanted: a large site's
    /// sitemap has tens of thousands, and one file needs a few thousand
    /// of them made.
    fn wants(&self, n: usize) -> bool {
        self.seen < self.wanted.end && self.seen + n > self.wanted.start
    }

    /// Counts one entry, making it if it is wanted.
    fn push(&mut self, entry: impl FnOnce() -> Entry) {
        if self.wanted.contains(&self.seen) {
            self.made.push(entry());
        }
        self.seen += 1;
    }

    /// Counts `n` entries none of which is wanted.
    fn skip(&mut self, n: usize) {
        self.seen += n;
    }

    /// Notes an entry's last change (made or not).
    fn changed(&mut self, lastmod: Option<i64>) {
        self.newest = self.newest.max(lastmod);
    }
}

/// Every public address worth indexing, with its translations, in a fixed
/// order; only those at the `wanted` places are made.
async fn entries(app: &AppState, wanted: std::ops::Range<usize>) -> Result<Entries, PageError> {
    let now = app.now();
    let public = app.store.public(now);
    let catalog = app.catalog().await?;
    let langs = app.langs();
    let default = app.default_lang();
    let absolute = |path: &str| format!("{}{}", app.public_url, path);
    let mut out = Entries {
        wanted,
        seen: 0,
        made: Vec::new(),
        newest: None,
    };
    // Pages every language has: one entry per language, each listing all.
    let mut everywhere = |path: &dyn Fn(Lang) -> String, lastmod: Option<i64>| {
        out.changed(lastmod);
        if !out.wants(langs.len()) {
            out.skip(langs.len());
            return;
        }
        let mut alternates: Vec<(String, String)> = langs
            .iter()
            .map(|l| (l.to_string(), absolute(&path(*l))))
            .collect();
        if langs.len() > 1 {
            alternates.push(("x-default".into(), absolute(&path(default))));
        }
        let alternates: Arc<[(String, String)]> = alternates.into();
        for l in langs.iter() {
            out.push(|| Entry {
                loc: absolute(&path(*l)),
                lastmod,
                alternates: alternates.clone(),
            });
        }
    };
    let latest = public.latest_edition().await?.map(|e| e.web_at);
    everywhere(&|l| urls::home(l), latest);
    everywhere(&|l| urls::editions(l, 1), latest);
    everywhere(&|l| urls::trends(l), None);
    everywhere(&|l| urls::barometer(l), latest);
    everywhere(&|l| urls::request(l), None);
    let sets = public.forecast_sets().await?;
    let newest_set = sets.iter().filter_map(|s| s.published_at).max();
    everywhere(&|l| urls::forecasts(l), newest_set);
    everywhere(&|l| urls::track_record(l), newest_set);
    for set in &sets {
        let changed = set.updated_at.max(set.published_at.unwrap_or(0));
        everywhere(&|l| urls::forecast_set(l, &set.slug), Some(changed));
    }
    for t in &catalog.trends {
        everywhere(&|l| urls::trend(l, &t.slug, 1), None);
    }
    for e in app.memo(now).await?.editions(&app.store).await?.iter() {
        everywhere(&|l| urls::edition(l, e.number), Some(e.web_at));
    }
    // Static pages and commentaries: only the languages they exist in.
    let pages = public.pages(None).await?;
    let mut by_slug: Vec<(&str, Vec<Lang>)> = Vec::new();
    for p in &pages {
        match by_slug.iter_mut().find(|(s, _)| *s == p.slug) {
            Some((_, ls)) => ls.push(p.lang),
            None => by_slug.push((&p.slug, vec![p.lang])),
        }
    }
    for (slug, ls) in by_slug {
        if !out.wants(ls.len()) {
            out.skip(ls.len());
            continue;
        }
        let alternates = translated(
            &ls.iter()
                .map(|l| (*l, urls::page(*l, slug)))
                .collect::<Vec<_>>(),
            default,
            &absolute,
        );
        for l in ls {
            out.push(|| Entry {
                loc: absolute(&urls::page(l, slug)),
                lastmod: None,
                alternates: alternates.clone(),
            });
        }
    }
    let addresses = public.version_addresses().await?;
    for group in addresses.chunk_by(|a, b| a.0 == b.0) {
        out.changed(group.iter().map(|a| a.3).max());
        if !out.wants(group.len()) {
            out.skip(group.len());
            continue;
        }
        let versions: Vec<(Lang, String)> = group
            .iter()
            .map(|(_, l, slug, _)| (*l, urls::commentary(*l, slug)))
            .collect();
        let alternates = translated(&versions, default, &absolute);
        for ((_, l, slug, changed), _) in group.iter().zip(&versions) {
            out.push(|| Entry {
                loc: absolute(&urls::commentary(*l, slug)),
                lastmod: Some(*changed),
                alternates: alternates.clone(),
            });
        }
    }
    Ok(out)
}

/// `hreflang` alternates of an item that exists in some languages.
fn translated(
    versions: &[(Lang, String)],
    default: Lang,
    absolute: &dyn Fn(&str) -> String,
) -> Arc<[(String, String)]> {
    if versions.len() < 2 {
        return Arc::new([]);
    }
    let mut out: Vec<(String, String)> = versions
        .iter()
        .map(|(l, path)| (l.to_string(), absolute(path)))
        .collect();
    if let Some((_, path)) = versions.iter().find(|(l, _)| *l == default) {
        out.push(("x-default".into(), absolute(path)));
    }
    out.into()
}

fn w3c_date(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_default()
}

fn urlset(entries: &[Entry]) -> String {
    // About 650 bytes an entry with three translations.
    let mut s = String::with_capacity(entries.len() * 700 + 256);
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for e in entries {
        s.push_str("<url><loc>");
        s.push_str(&sitrep_render::markdown::escape(&e.loc));
        s.push_str("</loc>");
        if let Some(t) = e.lastmod {
            s.push_str("<lastmod>");
            s.push_str(&w3c_date(t));
            s.push_str("</lastmod>");
        }
        for (lang, href) in e.alternates.iter() {
            s.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            s.push_str(&sitrep_render::markdown::escape(lang));
            s.push_str("\" href=\"");
            s.push_str(&sitrep_render::markdown::escape(href));
            s.push_str("\"/>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        axum::Extension(crate::cache::Keep),
        body,
    )
        .into_response()
}

/// `/sitemap.xml`: the sitemap, or an index of sitemaps when the site has
/// more addresses than one file may hold.
pub async fn sitemap(State(app): App) -> Response {
    let lang = app.default_lang();
    let per_file = app.sitemap_urls();
    let entries = match entries(&app, 0..per_file).await {
        Ok(e) => e,
        Err(e) => return error_page(&app, lang, e).await,
    };
    if entries.seen <= per_file {
        return xml(urlset(&entries.made));
    }
    let files = entries.seen.div_ceil(per_file);
    let newest = entries.newest;
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=files {
        s.push_str("<sitemap><loc>");
        s.push_str(&sitrep_render::markdown::escape(&format!(
            "{}/sitemaps/{n}.xml",
            app.public_url
        )));
        s.push_str("</loc>");
        if let Some(t) = newest {
            s.push_str("<lastmod>");
            s.push_str(&w3c_date(t));
            s.push_str("</lastmod>");
        }
        s.push_str("</sitemap>\n");
    }
    s.push_str("</sitemapindex>\n");
    xml(s)
}

/// `/sitemaps/{n}.xml`: one part of a large site's sitemap.
pub async fn sitemap_part(State(app): App, Path(file): Path<String>) -> Response {
    let lang = app.default_lang();
    let n: Option<usize> = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1);
    let Some(n) = n else {
        return error_page(&app, lang, PageError::NotFound).await;
    };
    let per_file = app.sitemap_urls();
    let first = (n - 1).saturating_mul(per_file);
    let entries = match entries(&app, first..first.saturating_add(per_file)).await {
        Ok(e) => e,
        Err(e) => return error_page(&app, lang, e).await,
    };
    // A small site has one sitemap, at /sitemap.xml.
    if entries.made.is_empty() || entries.seen <= per_file {
        return error_page(&app, lang, PageError::NotFound).await;
    }
    xml(urlset(&entries.made))
}

/// `/robots.txt`: everything public may be crawled but the workspace and
/// the per-reader pages; the sitemap's address when the site knows its own.
pub async fn robots(State(app): App) -> Response {
    let mut s = String::from(
        "User-agent: *\nDisallow: /workspace/\nDisallow: /*/search\nDisallow: /*/subscribe\nDisallow: /*/subscription\nDisallow: /*/letter/\nDisallow: /unsubscribe\n",
    );
    if !app.public_url.is_empty() {
        s.push_str(&format!("\nSitemap: {}/sitemap.xml\n", app.public_url));
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        s,
    )
        .into_response()
}
