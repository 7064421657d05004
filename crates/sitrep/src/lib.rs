//! The `sitrep` binary's library half: configuration, the demo content and
//! the wiring of store, languages, templates and routers into one server.
//! `main.rs` only parses the command line and calls in here, so tests can
//! build exactly what the binary runs.

pub mod config;
pub mod demo;

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use sitrep_store::Store;
use sitrep_web::{AppState, Clock};

use crate::config::Config;

/// Opens the configured database (creating the data folder and an SQLite
/// file as needed) and applies migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data)
            .with_context(|| format!("cannot create the data folder {}", config.data.display()))?;
    }
    let store = Store::connect(&config.database_url).await?;
    store
        .migrate()
        .await
        .context("cannot bring the database schema up to date")?;
    Ok(store)
}

/// The assessment scale (improved, unchanged, deteriorated) and the
/// likelihood scale forecasts are made on, written into a site that has
/// none, labelled in each of `langs` (English where a language has no UI
/// strings). Editors change both in the workspace.
pub async fn seed_scales(store: &Store, langs: &[sitrep_core::Lang]) -> anyhow::Result<()> {
    const ASSESSMENTS: [(&str, i64); 3] = [("improved", 1), ("unchanged", 0), ("deteriorated", -1)];
    const LIKELIHOODS: [(&str, i64); 5] = [
        ("almost-certain", 95),
        ("likely", 75),
        ("even-chance", 50),
        ("unlikely", 25),
        ("remote", 5),
    ];
    let catalog = store.catalog().await?;
    if !catalog.assessments.is_empty() && !catalog.likelihoods.is_empty() {
        return Ok(());
    }
    let i18n = sitrep_i18n::I18n::new(langs)?;
    let labels = |id: String| -> Vec<(sitrep_core::Lang, String)> {
        langs.iter().map(|l| (*l, i18n.t(*l, &id))).collect()
    };
    let mut w = store.writer().await?;
    if catalog.assessments.is_empty() {
        for (i, (key, tone)) in ASSESSMENTS.into_iter().enumerate() {
            let l = labels(format!("scale-{key}"));
            let l: Vec<_> = l.iter().map(|(lang, s)| (*lang, s.as_str())).collect();
            w.assessment(key, i as i64, tone, &l).await?;
        }
    }
    if catalog.likelihoods.is_empty() {
        for (i, (key, percent)) in LIKELIHOODS.into_iter().enumerate() {
            let l = labels(format!("likelihood-{key}"));
            let l: Vec<_> = l.iter().map(|(lang, s)| (*lang, s.as_str())).collect();
            w.likelihood(key, percent, i as i64, &l).await?;
        }
    }
    w.commit().await?;
    Ok(())
}

/// The shared state of one node. Starts following changes made by other
/// nodes, so it must be called inside the Tokio runtime. Its search index
/// catches up when a page needs it; a serving node also runs
/// [`sitrep_web::search::follow`] to keep it current in the background.
pub fn state(store: Store, config: &Config, clock: Clock) -> anyhow::Result<Arc<AppState>> {
    store.watch_changes();
    let mail = sitrep_web::MailSettings {
        from: &config.mail_from,
        return_path: config.return_path.as_deref(),
        relay: config.relay.as_ref(),
        connections: config.smtp_connections,
        rate: config.smtp_rate,
    };
    let mut state = AppState::new(
        store,
        config.languages.clone(),
        config.default_language,
        &config.public_url,
        clock,
        mail,
    )?
    .with_search_index(&config.index)
    .with_page_cache(config.page_cache_bytes);
    if let Some(dir) = &config.theme {
        let theme = read_theme(dir)?;
        tracing::info!("theme from {}: {}", dir.display(), theme.summary());
        state = state
            .with_theme(&theme)
            .with_context(|| format!("the theme in {} cannot be used", dir.display()))?;
    }
    Ok(Arc::new(state))
}

/// Where a theme keeps its templates, and its stylesheet's name.
const THEME_TEMPLATES: &str = "templates";
const THEME_STYLESHEET: &str = "site.css";

/// Reads a theme folder: every `.html` and `.txt` file in its `templates/`
/// (replacing the built-in template of the same name, or included by
/// one), and its `site.css`.
pub fn read_theme(dir: &Path) -> anyhow::Result<sitrep_render::Theme> {
    if !dir.is_dir() {
        bail!("the theme folder {} does not exist", dir.display());
    }
    let mut theme = sitrep_render::Theme::default();
    let templates = dir.join(THEME_TEMPLATES);
    if templates.is_dir() {
        let entries = std::fs::read_dir(&templates)
            .with_context(|| format!("cannot read {}", templates.display()))?;
        for entry in entries {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if !path.is_file() || !(name.ends_with(".html") || name.ends_with(".txt")) {
                continue;
            }
            let source = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {} (is it UTF-8?)", path.display()))?;
            theme.templates.push((name.to_owned(), source));
        }
        theme.templates.sort();
    }
    let css = dir.join(THEME_STYLESHEET);
    if css.is_file() {
        theme.stylesheet = Some(
            std::fs::read_to_string(&css)
                .with_context(|| format!("cannot read {} (is it UTF-8?)", css.display()))?,
        );
    }
    if theme.templates.is_empty() && theme.stylesheet.is_none() {
        bail!(
            "the theme folder {} holds neither {THEME_TEMPLATES}/*.html nor {THEME_STYLESHEET}",
            dir.display()
        );
    }
    Ok(theme)
}

/// Writes the built-in templates and stylesheet into `dir`, laid out as a
/// theme, for an operator to start from. Refuses to overwrite a file.
pub fn write_theme(dir: &Path) -> anyhow::Result<usize> {
    let templates = dir.join(THEME_TEMPLATES);
    std::fs::create_dir_all(&templates)
        .with_context(|| format!("cannot create {}", templates.display()))?;
    let files = sitrep_render::builtin_templates()
        .map(|(name, source)| (templates.join(name), source))
        .chain([(dir.join(THEME_STYLESHEET), sitrep_render::CSS)]);
    let mut written = 0;
    for (path, content) in files {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        std::io::Write::write_all(&mut file, content.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        written += 1;
    }
    Ok(written)
}

/// The whole application as one axum router.
pub fn app(store: Store, config: &Config, clock: Clock) -> anyhow::Result<axum::Router> {
    Ok(sitrep_web::router(state(store, config, clock)?))
}

/// Runs the newsletter's delivery engine on this node until
/// `AppState::stop`: every node does, and the queue keeps them from sending
/// twice. Await the handle after stopping to let messages on their way
/// finish and be written down.
pub fn spawn_delivery(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Claims still running at start may be a stopped node's: their
        // recipients may get the letter twice, at most this many.
        if let Ok(n) = state.store.in_flight(state.now()).await
            && n > 0
        {
            tracing::warn!(
                in_flight = n,
                "{n} deliveries were in flight, claimed by a node that may have stopped; they will be retried when their claim runs out, so at most {n} recipients may get this letter twice"
            );
        }
        while !state.stopping() {
            if let Err(e) = sitrep_web::newsletter::tick(&state).await {
                tracing::warn!(error = %e, "newsletter delivery round failed");
            }
            // Two seconds between rounds, cut short by a shutdown.
            for _ in 0..20 {
                if state.stopping() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    })
}

/// The sockets `serve` accepts on: one per serving thread, all bound to
/// one address with `SO_REUSEPORT`, so the kernel spreads connections
/// among them (port 0 picks a free port, shared by all).
pub struct Listeners(Vec<std::net::TcpListener>);

impl Listeners {
    pub fn bind(addr: std::net::SocketAddr, count: usize) -> std::io::Result<Listeners> {
        let one = |addr: std::net::SocketAddr| -> std::io::Result<std::net::TcpListener> {
            let socket = socket2::Socket::new(
                socket2::Domain::for_address(addr),
                socket2::Type::STREAM,
                Some(socket2::Protocol::TCP),
            )?;
            socket.set_reuse_address(true)?;
            socket.set_reuse_port(true)?;
            socket.set_nonblocking(true)?;
            socket.bind(&addr.into())?;
            socket.listen(4096)?;
            Ok(socket.into())
        };
        // Another program on the address (another sitrep included, whose
        // sockets would otherwise take in ours and share its readers with
        // us) is an error: a socket without SO_REUSEPORT cannot bind where
        // any listener is.
        if addr.port() != 0 {
            drop(std::net::TcpListener::bind(addr)?);
        }
        let first = one(addr)?;
        let addr = first.local_addr()?;
        let mut all = vec![first];
        for _ in 1..count.max(1) {
            all.push(one(addr)?);
        }
        Ok(Listeners(all))
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0[0].local_addr()
    }
}

/// How many threads serve HTTP: one per core.
pub fn serving_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Serves `site` until Ctrl-C or SIGTERM: one thread per listener, each
/// with a single-threaded runtime of its own, as nginx runs a worker per
/// core. A connection then lives on one thread from accept to close, with
/// no hand-over between threads (measured here on a cached page: 1.2 to
/// 1.25 times the requests a second of one shared work-stealing runtime).
/// The serving threads answer from the page cache and hand every other
/// request to the caller's runtime (see `Cached::render_on`), which also
/// keeps the background work (deliveries, the search index, change
/// notices) and waits for the signal.
pub async fn serve(listeners: Listeners, site: sitrep_web::cache::Cached) -> anyhow::Result<()> {
    // Renders and everything else the cache does not answer run on the
    // caller's runtime, whose workers share them.
    let site = site
        .render_on(tokio::runtime::Handle::current())
        .for_process();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (ended, mut endings) = tokio::sync::mpsc::unbounded_channel();
    let threads = listeners.0.len();
    for (i, listener) in listeners.0.into_iter().enumerate() {
        let (mut stopped, ended) = (stopped.clone(), ended.clone());
        std::thread::Builder::new()
            .name(format!("sitrep-http-{i}"))
            .spawn(move || {
                let result = (|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(async move {
                        let listener = tokio::net::TcpListener::from_std(listener)?;
                        sitrep_web::front::serve(listener, site, async move {
                            let _ = stopped.wait_for(|s| *s).await;
                        })
                        .await;
                        Ok(())
                    })
                })();
                let _ = ended.send(result);
            })
            .context("cannot start a serving thread")?;
    }
    drop(ended);
    let mut results = Vec::new();
    tokio::select! {
        () = shutdown_signal() => {},
        first = endings.recv() => {
            tracing::error!("a serving thread stopped");
            results.extend(first);
        }
    }
    let _ = stop.send(true);
    while results.len() < threads {
        match endings.recv().await {
            Some(r) => results.push(r),
            None => break,
        }
    }
    results
        .into_iter()
        .collect::<std::io::Result<()>>()
        .context("the server stopped with an error")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
