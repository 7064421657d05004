//! The HTTP face of sitrep: axum routers for the public site (and, later,
//! the workspace, API and feeds).
//!
//! Architecture invariants:
//! - Handlers read content only through `Store::public(now)`, so nothing
//!   unpublished can reach a public response.
//! - Bad input never becomes a 500: unknown languages and addresses get a
//!   localized 404, malformed parameters a localized 400.
//! - Public responses carry a strict Content-Security-Policy; pages contain
//!   no script and load nothing from another origin.

pub mod api;
mod barometer;
pub mod cache;
mod discovery;
mod error;
mod forecasts;
mod form;
pub mod front;
pub mod ghost;
mod headers;
pub mod media;
mod memo;
pub mod mirror;
pub mod newsletter;
mod notice;
mod outage;
mod pages;
mod requests;
pub mod search;
pub mod serving;
mod subscribe;
mod views;
pub mod webhooks;
pub mod workspace;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use sitrep_core::{Lang, Timestamp};
use sitrep_i18n::I18n;
use sitrep_render::Renderer;
use sitrep_store::Store;

pub use error::PageError;

/// Where the reader's language preference is remembered.
pub const LANG_COOKIE: &str = "sitrep_lang";

/// The clock the site reads "now" from; tests may fix it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| jiff::Timestamp::now().as_second())
}

/// What every handler shares.
pub struct AppState {
    pub store: Store,
    pub i18n: Arc<I18n>,
    pub renderer: Renderer,
    /// The site's languages (display order) and its default: from the
    /// configuration at start, then from the settings an editor saves,
    /// followed on every node with the catalog.
    site_langs: std::sync::RwLock<SiteLangs>,
    /// Prefix for absolute links (canonical, hreflang), without a trailing
    /// slash; empty means site-relative links.
    pub public_url: String,
    pub clock: Clock,
    /// The files under `/static/` (the theme's stylesheet, if it has one).
    assets: Arc<headers::Assets>,
    css_href: String,
    icon_href: String,
    /// Where email goes: the relay, or the outbox.
    pub mailer: sitrep_mail::Mailer,
    /// Sessions to the relay a node keeps open while a send runs.
    pub connections: usize,
    /// The node's limit on messages a second, if any.
    pub rate: Option<Arc<sitrep_mail::RateLimit>>,
    /// Set when the node is shutting down: sends stop taking new work and
    /// finish what is on its way.
    stopping: std::sync::atomic::AtomicBool,
    /// This node's full-text index and the lock that keeps its syncs in turn.
    pub search: Arc<sitrep_search::Search>,
    index_lock: tokio::sync::Mutex<()>,
    /// Addresses in one sitemap file before `/sitemap.xml` becomes an index.
    sitemap_urls: std::sync::atomic::AtomicUsize,
    /// The reference lists, kept until the store's change generation moves.
    catalog_cache: std::sync::RwLock<Option<(u64, Arc<sitrep_store::Catalog>)>>,
    /// Whether PostgreSQL was just found away (see [`outage`]).
    outage: outage::Outage,
    /// What public pages of this moment share (see [`memo`]).
    memos: memo::Memos,
    /// Rendered public responses (see [`cache`]).
    pub pages: cache::PageCache,
}

/// The default size of a node's response cache.
pub const PAGE_CACHE_BYTES: u64 = 64 << 20;

/// The languages a site publishes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLangs {
    pub list: Arc<Vec<Lang>>,
    pub default: Lang,
}

/// The settings that hold the language list and the default language.
pub const LANGUAGES_SETTING: &str = "languages";
pub const DEFAULT_LANGUAGE_SETTING: &str = "default_language";

impl SiteLangs {
    /// Checks a list and default as an editor typed them.
    pub fn parse(list: &str, default: &str) -> Option<SiteLangs> {
        let mut langs: Vec<Lang> = Vec::new();
        for code in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let lang = Lang::parse(code).ok()?;
            if !langs.contains(&lang) {
                langs.push(lang);
            }
        }
        let default = Lang::parse(default.trim()).ok()?;
        (!langs.is_empty() && langs.len() <= 20 && langs.contains(&default)).then(|| SiteLangs {
            list: Arc::new(langs),
            default,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("the default language {0} is not one of the site's languages")]
    DefaultNotListed(Lang),
    #[error("a site needs at least one language")]
    NoLanguages,
    #[error(transparent)]
    I18n(#[from] sitrep_i18n::I18nError),
    #[error(transparent)]
    Render(#[from] sitrep_render::RenderError),
    #[error(transparent)]
    Mail(#[from] sitrep_mail::MailError),
}

/// How the site sends mail.
pub struct MailSettings<'a> {
    pub from: &'a str,
    /// The envelope sender (where bounces go); `None` for `from`'s address.
    pub return_path: Option<&'a str>,
    /// `None` keeps messages in the outbox (demo mode, or no relay).
    pub relay: Option<&'a sitrep_mail::Relay>,
    /// Sessions to the relay during a send (at least one).
    pub connections: usize,
    /// Messages a second at most; `None` for as fast as the relay takes them.
    pub rate: Option<f64>,
}

impl AppState {
    pub fn new(
        store: Store,
        langs: Vec<Lang>,
        default_lang: Lang,
        public_url: &str,
        clock: Clock,
        mail: MailSettings<'_>,
    ) -> Result<AppState, SetupError> {
        if langs.is_empty() {
            return Err(SetupError::NoLanguages);
        }
        if !langs.contains(&default_lang) {
            return Err(SetupError::DefaultNotListed(default_lang));
        }
        let i18n = Arc::new(I18n::new(&langs)?);
        let renderer = Renderer::new(i18n.clone())?;
        let assets = headers::Assets::new(sitrep_render::CSS);
        let (css_href, icon_href) = (assets.href("site"), assets.href("icon"));
        let mailer =
            sitrep_mail::Mailer::new(mail.from, mail.return_path, mail.relay, store.clone())?;
        let outage = outage::Outage::new(store.backend());
        Ok(AppState {
            store,
            i18n,
            renderer,
            site_langs: std::sync::RwLock::new(SiteLangs {
                list: Arc::new(langs),
                default: default_lang,
            }),
            public_url: public_url.trim_end_matches('/').to_owned(),
            clock,
            assets: Arc::new(assets),
            css_href,
            icon_href,
            catalog_cache: std::sync::RwLock::new(None),
            outage,
            memos: memo::Memos::default(),
            pages: cache::PageCache::new(PAGE_CACHE_BYTES),
            search: Arc::new(sitrep_search::Search::open(None)),
            index_lock: tokio::sync::Mutex::new(()),
            sitemap_urls: std::sync::atomic::AtomicUsize::new(discovery::SITEMAP_URLS),
            stopping: std::sync::atomic::AtomicBool::new(false),
            mailer,
            connections: mail.connections.max(1),
            rate: mail
                .rate
                .filter(|r| *r > 0.0)
                .map(|r| Arc::new(sitrep_mail::RateLimit::new(r))),
        })
    }

    /// Dresses the site in `theme`: its templates in place of the built-in
    /// ones, its stylesheet in place of the public one. Fails, naming the
    /// template, when one does not parse.
    pub fn with_theme(mut self, theme: &sitrep_render::Theme) -> Result<AppState, SetupError> {
        self.renderer = Renderer::themed(self.i18n.clone(), theme)?;
        let assets =
            headers::Assets::new(theme.stylesheet.as_deref().unwrap_or(sitrep_render::CSS));
        self.css_href = assets.href("site");
        self.icon_href = assets.href("icon");
        self.assets = Arc::new(assets);
        Ok(self)
    }

    /// Keeps the search index in `dir` (the default is in memory).
    pub fn with_search_index(mut self, dir: &std::path::Path) -> AppState {
        self.search = Arc::new(sitrep_search::Search::open(Some(dir)));
        self
    }

    /// Keeps up to `bytes` of rendered responses (0: none).
    pub fn with_page_cache(mut self, bytes: u64) -> AppState {
        self.pages = cache::PageCache::new(bytes);
        self
    }

    /// How many addresses one sitemap file holds.
    pub fn sitemap_urls(&self) -> usize {
        self.sitemap_urls
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(1)
    }

    /// Makes sitemaps split sooner (tests of a large site's index).
    pub fn set_sitemap_urls(&self, n: usize) {
        self.sitemap_urls
            .store(n, std::sync::atomic::Ordering::Relaxed);
        self.pages.clear();
    }

    /// Trends, assessments, authors and site texts: from this node's cache
    /// while nothing has changed anywhere, else fresh from the store.
    pub async fn catalog(&self) -> Result<Arc<sitrep_store::Catalog>, sitrep_store::StoreError> {
        // Read the generation before loading, so a change during the load
        // leaves the entry stale rather than wrongly fresh.
        let generation = self.store.changes().generation();
        if let Ok(guard) = self.catalog_cache.read()
            && let Some((g, catalog)) = guard.as_ref()
            && *g == generation
        {
            return Ok(catalog.clone());
        }
        let catalog = Arc::new(self.store.catalog().await?);
        // The language list is a setting too; it moves with the catalog.
        let list = self.store.setting(LANGUAGES_SETTING).await?;
        let default = self.store.setting(DEFAULT_LANGUAGE_SETTING).await?;
        if let (Some(list), Some(default)) = (list, default)
            && let Some(langs) = SiteLangs::parse(&list, &default)
            && let Ok(mut guard) = self.site_langs.write()
        {
            *guard = langs;
        }
        if let Ok(mut guard) = self.catalog_cache.write() {
            *guard = Some((generation, catalog.clone()));
        }
        Ok(catalog)
    }

    /// How often a public form was used since `since` from one network
    /// and for one address (their throttles' counts). A database that is
    /// away is an error here, so the form fails at once rather than after
    /// waiting for it again.
    pub(crate) async fn recent_tries(
        &self,
        network_key: &str,
        email_key: &str,
        since: Timestamp,
    ) -> Result<(i64, i64), sitrep_store::StoreError> {
        Ok((
            self.store.login_failures(network_key, since).await?,
            self.store.login_failures(email_key, since).await?,
        ))
    }

    /// The catalog last loaded, however old: for error pages while the
    /// database is away.
    pub(crate) fn kept_catalog(&self) -> Option<Arc<sitrep_store::Catalog>> {
        self.catalog_cache
            .read()
            .ok()
            .and_then(|g| g.as_ref().map(|(_, c)| c.clone()))
    }

    /// What every public page read at `now` shares: kept while the
    /// database and the clock leave it true.
    pub(crate) async fn memo(
        &self,
        now: Timestamp,
    ) -> Result<Arc<memo::Memo>, sitrep_store::StoreError> {
        self.memos.at(&self.store, now).await
    }

    /// The secret that signs links in emails: made once, kept in the
    /// database so every node signs alike, never logged.
    pub async fn token_secret(&self) -> Result<String, sitrep_store::StoreError> {
        self.store
            .setting_or_init("token_secret", &sitrep_auth::new_token())
            .await
    }

    /// The address of a static file (`"site"`, `"icon"`, `"workspace"`).
    pub fn asset(&self, stem: &str) -> String {
        self.assets.href(stem)
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Today's date in UTC (YYYY-MM-DD), as due dates are written.
    pub fn today(&self) -> String {
        day_of(self.now())
    }

    /// Asks running sends to stop taking new work (at shutdown).
    pub fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The site's languages, in display order.
    pub fn langs(&self) -> Arc<Vec<Lang>> {
        self.site_langs
            .read()
            .map(|g| g.list.clone())
            .unwrap_or_default()
    }

    /// The site's default language.
    pub fn default_lang(&self) -> Lang {
        match self.site_langs.read() {
            Ok(g) => g.default,
            Err(e) => e.into_inner().default,
        }
    }

    /// The languages to fall back to, best first: the default, then the rest.
    pub fn fallback_order(&self) -> Vec<Lang> {
        let default = self.default_lang();
        std::iter::once(default)
            .chain(self.langs().iter().copied().filter(|l| *l != default))
            .collect()
    }
}

/// The public site's router, its response cache in front.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback_service(service(state).shared())
}

/// The site as one service (what [`router`] serves): the response cache
/// in front of every route.
pub fn service(state: Arc<AppState>) -> cache::Cached {
    let site = Router::new()
        .route("/", get(pages::root))
        .route("/static/{file}", get(headers::asset))
        .route("/favicon.ico", get(headers::favicon))
        .route("/media/{file}", get(media::serve))
        .route("/{lang}", get(pages::lang_root))
        .route("/{lang}/", get(pages::home))
        .route("/{lang}/editions/", get(pages::archive))
        .route("/{lang}/editions/{number}/", get(pages::edition))
        .route("/{lang}/commentaries/{slug}/", get(pages::commentary))
        .route("/{lang}/trends/", get(pages::trends))
        .route("/{lang}/trends/{slug}/", get(pages::trend))
        .route("/{lang}/pages/{slug}/", get(pages::static_page))
        .route("/{lang}/search", get(search::page))
        .route("/{lang}/barometer", get(barometer::page))
        .route("/{lang}/forecasts/", get(forecasts::list))
        .route("/{lang}/forecasts/{slug}/", get(forecasts::set))
        .route("/{lang}/track-record/", get(forecasts::track_record))
        .route(
            "/{lang}/request",
            get(requests::form).post(requests::submit),
        )
        .route("/sitemap.xml", get(discovery::sitemap))
        .route("/sitemaps/{file}", get(discovery::sitemap_part))
        .route("/robots.txt", get(discovery::robots))
        .merge(discovery::routes())
        .route(
            "/{lang}/subscribe",
            get(subscribe::form).post(subscribe::subscribe),
        )
        .route("/{lang}/subscribe/confirm", get(subscribe::confirm))
        .route(
            "/{lang}/subscription",
            get(subscribe::manage).post(subscribe::manage_save),
        )
        .route("/unsubscribe", axum::routing::post(subscribe::one_click))
        .route("/{lang}/letter/{edition}", get(subscribe::letter))
        .merge(workspace::router())
        .merge(api::router())
        .merge(ghost::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::remember_language,
        ))
        .layer(axum::middleware::from_fn(mirror::mode))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            outage::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        // Request spans and timings at DEBUG (`SITREP_LOG=tower_http=debug,info`).
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state.clone());
    // The response cache answers before any routing or other layer runs
    // (its kept responses carry the headers those layers added).
    cache::Cached::new(state, site)
}

/// The UTC date of a moment (YYYY-MM-DD).
pub(crate) fn day_of(t: Timestamp) -> String {
    jiff::Timestamp::from_second(t)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
