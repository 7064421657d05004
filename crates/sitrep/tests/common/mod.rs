//! A real site for tests: a fresh SQLite file in a temporary folder, the
//! demo content written as of a fixed moment, and the router the binary
//! serves, driven in-process.
#![allow(dead_code)]

pub mod mime;
pub mod process;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use sitrep::config::{Config, SiteArgs};
use sitrep_store::Store;
use sitrep_store::testing::TestDb;
use tower::ServiceExt;

/// 2026-11-28 12:00 UTC, a Saturday: the demo's newest edition is then
/// the week of November 16–22.
pub const NOW: i64 = 1_795_867_200;

pub struct Site {
    pub db: TestDb,
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub config: Config,
    pub clock: Arc<AtomicI64>,
    pub router: axum::Router,
    pub state: Arc<sitrep_web::AppState>,
}

#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Whether this is an HTML page (the crawl also reaches feeds).
    pub fn is_html(&self) -> bool {
        self.header("content-type").starts_with("text/html")
    }

    /// The body without its schema.org JSON-LD block (a data block, never
    /// run), which must parse as JSON: what remains may hold no script.
    pub fn body_without_json_ld(&self) -> String {
        const OPEN: &str = "<script type=\"application/ld+json\">";
        let mut out = self.body.clone();
        while let Some(start) = out.find(OPEN) {
            let from = start + OPEN.len();
            let end = from + out[from..].find("</script>").expect("JSON-LD is closed");
            serde_json::from_str::<serde_json::Value>(&out[from..end]).expect("JSON-LD parses");
            out.replace_range(start..end + "</script>".len(), "");
        }
        out
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Site {
    /// An empty site: schema, no content.
    pub async fn empty() -> Site {
        Site::on(TestDb::new().await.expect("a test database")).await
    }

    /// A site on a given database.
    pub async fn on(db: TestDb) -> Site {
        Site::configured(db, |_| {}).await
    }

    /// A site on a given database, its configuration changed by `configure`.
    pub async fn configured(db: TestDb, configure: impl FnOnce(&mut Config)) -> Site {
        let dir = tempfile::tempdir().expect("temporary folder");
        let site = SiteArgs {
            data: Some(dir.path().join("data")),
            database_url: Some(db.url.clone()),
            config: None,
        };
        let mut config = Config::resolve(&site, None).expect("default config");
        configure(&mut config);
        let store = sitrep::open_store(&config).await.expect("store opens");
        let clock = Arc::new(AtomicI64::new(NOW));
        let c = clock.clone();
        let state = sitrep::state(
            store.clone(),
            &config,
            Arc::new(move || c.load(Ordering::SeqCst)),
        )
        .expect("state");
        let router = sitrep_web::router(state.clone());
        Site {
            state,
            db,
            dir,
            store,
            config,
            clock,
            router,
        }
    }

    /// The demo site as the `demo` command writes it.
    pub async fn demo() -> Site {
        let site = Site::empty().await;
        sitrep::demo::load(&site.store, NOW)
            .await
            .expect("demo content loads");
        site
    }

    /// A second node (own store, state and router) on this site's database.
    pub async fn on_same(site: &Site) -> Site {
        let store = Store::connect(&site.db.url)
            .await
            .expect("second node connects");
        let clock = site.clock.clone();
        let c = clock.clone();
        let dir = tempfile::tempdir().unwrap();
        // Each node keeps its own search index.
        let mut config = site.config.clone();
        config.index = dir.path().join("index");
        let state = sitrep::state(
            store.clone(),
            &config,
            Arc::new(move || c.load(Ordering::SeqCst)),
        )
        .expect("state");
        let router = sitrep_web::router(state.clone());
        let db = TestDb::attach(&site.db.url, store.clone());
        Site {
            db,
            dir,
            store,
            config,
            clock,
            router,
            state,
        }
    }

    /// Runs delivery rounds until one finds nothing to do; returns how many
    /// deliveries were handled.
    pub async fn deliver(&self) -> usize {
        let mut total = 0;
        loop {
            let n = sitrep_web::newsletter::tick(&self.state)
                .await
                .expect("a delivery round");
            if n == 0 {
                return total;
            }
            total += n;
        }
    }

    /// Another node on the same database: its own store (connection pool),
    /// its own caches and router, the same clock.
    pub async fn second_node(&self) -> axum::Router {
        let store = Store::connect(&self.db.url)
            .await
            .expect("second node connects");
        let c = self.clock.clone();
        // Each node keeps its own search index.
        static NODES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let mut config = self.config.clone();
        config.index = self
            .dir
            .path()
            .join(format!("index-{}", NODES.fetch_add(1, Ordering::SeqCst)));
        sitrep::app(store, &config, Arc::new(move || c.load(Ordering::SeqCst))).expect("app")
    }

    /// A GET through any router.
    pub async fn get_from(router: &axum::Router, path: &str) -> Page {
        let res = router
            .clone()
            .oneshot(
                Request::builder()
                    .uri(path)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A commentary's id by the slug of any of its versions, public or not.
    pub async fn commentary_id(&self, slug: &str) -> i64 {
        self.store
            .desk_commentaries(None)
            .await
            .expect("the desk's list")
            .iter()
            .find(|c| c.versions.iter().any(|v| v.slug == slug))
            .map(|c| c.id)
            .unwrap_or_else(|| panic!("no commentary {slug}"))
    }

    pub fn data_dir(&self) -> PathBuf {
        self.config.data.clone()
    }

    pub fn set_now(&self, t: i64) {
        self.clock.store(t, Ordering::SeqCst);
    }

    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// A form POST, as a browser on this site sends it.
    pub async fn post(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            "POST",
            path,
            headers,
            body,
            "application/x-www-form-urlencoded",
        )
        .await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
        content_type: &str,
    ) -> Page {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Signs a staff member in and sets their workspace to English, so
    /// tests can read its messages; panics if that fails.
    pub async fn login(&self, email: &str) -> Staff {
        let staff = self
            .try_login(email, sitrep::demo::DEMO_PASSWORD)
            .await
            .expect("login works");
        let page = staff
            .post(self, "/workspace/account", &[("ui_lang", "en")])
            .await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "switching the workspace to English"
        );
        staff
    }

    pub async fn try_login(&self, email: &str, password: &str) -> Result<Staff, Page> {
        let page = self
            .post(
                "/workspace/login",
                &[],
                &[("email", email), ("password", password)],
            )
            .await;
        let Some(cookie) = page
            .header("set-cookie")
            .split(';')
            .next()
            .filter(|c| c.starts_with("sitrep_staff=") && c.len() > 20)
            .map(str::to_owned)
        else {
            return Err(page);
        };
        let account = self
            .get_with("/workspace/account", &[("cookie", &cookie)])
            .await;
        let csrf = hidden(&account.body, "csrf").expect("a CSRF token on the account page");
        Ok(Staff { cookie, csrf })
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let (status, headers, bytes) = self.request(http::Method::GET, path, headers).await;
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A request without a body; the answer's bytes as they are.
    pub async fn request(
        &self,
        method: http::Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, bytes.to_vec())
    }

    /// Follows every site-internal link from the home pages of `langs`,
    /// following redirects; returns each page reached with its final answer.
    pub async fn crawl(&self, langs: &[&str]) -> BTreeMap<String, Page> {
        let mut todo: Vec<String> = langs.iter().map(|l| format!("/{l}/")).collect();
        let mut seen: BTreeSet<String> = todo.iter().cloned().collect();
        let mut pages = BTreeMap::new();
        while let Some(path) = todo.pop() {
            let page = self.get(&path).await;
            if page.status.is_redirection() {
                let to = page.header("location").to_owned();
                if seen.insert(to.clone()) {
                    todo.push(to);
                }
                continue;
            }
            for link in links(&page.body) {
                if seen.insert(link.clone()) {
                    todo.push(link);
                }
            }
            pages.insert(path, page);
            assert!(pages.len() < 2000, "the crawl does not end");
        }
        pages
    }
}

/// Site-internal `href`s of a page (not stylesheets), without fragments.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("href=\"").skip(1) {
        let Some(end) = part.find('"') else { continue };
        let href = part[..end].replace("&amp;", "&");
        let href = href.split('#').next().unwrap_or("").to_owned();
        if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/static/") {
            out.push(href);
        }
    }
    out
}

/// A signed-in staff member's cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Staff {
    pub cookie: String,
    pub csrf: String,
}

impl Staff {
    pub async fn get(&self, site: &Site, path: &str) -> Page {
        site.get_with(path, &[("cookie", &self.cookie)]).await
    }

    /// POSTs a form with this person's session and CSRF token.
    pub async fn post(&self, site: &Site, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        all.extend_from_slice(fields);
        site.post(path, &[("cookie", &self.cookie)], &all).await
    }
}

/// A multipart upload as a browser sends it.
pub async fn upload_to(
    site: &Site,
    staff: &Staff,
    path: &str,
    csrf: &str,
    filename: &str,
    bytes: &[u8],
) -> Page {
    let boundary = "----sitrep-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf), ("back", "/workspace/")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = http::Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", &staff.cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = tower::ServiceExt::oneshot(site.router.clone(), req)
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The value of a hidden form field.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_owned())
}

/// Two crawls found the same pages with the same answers, byte for byte.
pub fn assert_same_site(
    before: &BTreeMap<String, Page>,
    after: &BTreeMap<String, Page>,
    step: &str,
) {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{step}: other pages"
    );
    for (path, page) in before {
        assert_eq!(page.status, after[path].status, "{step}: {path}");
        if page.body != after[path].body {
            let diff: Vec<_> = page
                .body
                .lines()
                .zip(after[path].body.lines())
                .filter(|(a, b)| a != b)
                .take(3)
                .collect();
            panic!("{step}: {path} differs: {diff:#?}");
        }
    }
}
