//! The response cache: kept pages are the rendered bytes in every coding,
//! with strong tags and 304s, and no reader sees a page from before a
//! publish, an unpublish or a scheduled publication.

mod common;

use std::io::Read;

use common::{NOW, Site};
use http::{HeaderMap, Method, StatusCode};

const EDITOR: &str = "editor@varesia.example";
const SLUG: &str = "the-central-bank-buys-time";

struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn raw(site: &Site, method: Method, path: &str, headers: &[(&str, &str)]) -> Raw {
    let (status, headers, body) = site.request(method, path, headers).await;
    Raw {
        status,
        headers,
        body,
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).expect("valid brotli");
    out
}

#[tokio::test]
async fn kept_pages_are_the_rendered_bytes_in_every_coding_with_tags_and_304s() {
    let site = Site::demo().await;
    let path = format!("/en/commentaries/{SLUG}/");
    let get = |headers: &'static [(&'static str, &'static str)]| {
        let (site, path) = (&site, path.clone());
        async move { raw(site, Method::GET, &path, headers).await }
    };

    let first = get(&[]).await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = first.header("etag").to_owned();
    assert!(
        tag.len() == 34 && tag.starts_with('"') && tag.ends_with('"'),
        "a strong tag: {tag}"
    );
    assert_eq!(first.header("vary"), "Accept-Encoding");
    assert!(
        first
            .header("content-security-policy")
            .contains("default-src 'none'")
    );
    assert_eq!(first.header("content-encoding"), "");
    let (entries, bytes) = site.state.pages.usage();
    assert!(entries >= 1 && bytes > first.body.len() as u64);

    // The kept copy is the same bytes, headers included.
    let again = get(&[]).await;
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("etag"), tag);
    assert_eq!(
        again.header("content-type"),
        "text/html; charset=utf-8",
        "{:?}",
        again.headers
    );
    assert_eq!(again.header("referrer-policy"), "no-referrer");

    // Each coding: its own tag, the same text once decoded.
    let gz = get(&[("accept-encoding", "gzip, deflate")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert_eq!(gz.header("etag"), format!("{}-gz\"", &tag[..33]));
    assert!(gz.body.len() < first.body.len() / 2);
    assert_eq!(gunzip(&gz.body), first.body);
    let br = get(&[("accept-encoding", "gzip, deflate, br, zstd")]).await;
    assert_eq!(br.header("content-encoding"), "br");
    assert_eq!(br.header("etag"), format!("{}-br\"", &tag[..33]));
    assert_eq!(unbrotli(&br.body), first.body);
    let refused = get(&[("accept-encoding", "br;q=0, gzip;q=0")]).await;
    assert_eq!(refused.header("content-encoding"), "");
    assert_eq!(refused.body, first.body);

    // Conditional requests: any of the page's tags, weak or strong, is a 304
    // with no body; another tag is the page.
    for inm in [
        tag.clone(),
        format!("W/{tag}"),
        gz.header("etag").to_owned(),
        format!("\"nope\", {}", br.header("etag")),
        "*".to_owned(),
    ] {
        let res = raw(&site, Method::GET, &path, &[("if-none-match", &inm)]).await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED, "{inm}");
        assert!(res.body.is_empty());
        assert_eq!(res.header("etag"), tag);
    }
    for inm in ["\"nope\"", "garbage", &tag[..20]] {
        let res = raw(&site, Method::GET, &path, &[("if-none-match", inm)]).await;
        assert_eq!(res.status, StatusCode::OK, "{inm}");
        assert_eq!(res.body, first.body);
    }

    // A HEAD that misses is answered by the page itself and keeps nothing;
    // the GET after it is kept.
    let head = raw(&site, Method::HEAD, "/en/trends/", &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty() && head.header("etag").is_empty());
    let get = raw(&site, Method::GET, "/en/trends/", &[]).await;
    assert!(!get.header("etag").is_empty());

    // HEAD: the headers alone.
    let head = raw(&site, Method::HEAD, &path, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.header("etag"), tag);
    assert!(head.body.is_empty());

    // Feeds and sitemaps are kept too; what carries a reader's session or
    // form, errors and redirects are not.
    for kept in [
        "/en/feed.xml",
        "/en/feed.json",
        "/sitemap.xml",
        "/en/",
        "/en/search?q=bank",
    ] {
        let res = raw(&site, Method::GET, kept, &[]).await;
        assert_eq!(res.status, StatusCode::OK, "{kept}");
        assert!(!res.header("etag").is_empty(), "{kept} has no tag");
    }
    for passed in [
        "/en/subscribe",
        "/en/request",
        "/workspace/login",
        "/en/no-such-page/",
        "/en/editions/?page=0",
        "/",
        "/en",
    ] {
        let res = raw(&site, Method::GET, passed, &[("accept-encoding", "gzip")]).await;
        assert!(res.header("etag").is_empty(), "{passed} was kept");
        assert_eq!(res.header("content-encoding"), "", "{passed}");
    }
    // The language cookie still follows the address on a kept page.
    let res = raw(&site, Method::GET, &path, &[("cookie", "sitrep_lang=be")]).await;
    assert!(res.header("set-cookie").starts_with("sitrep_lang=en"));
    let res = raw(&site, Method::GET, &path, &[("cookie", "sitrep_lang=en")]).await;
    assert_eq!(res.header("set-cookie"), "");
}

/// The pages that show the English version of the central bank piece.
const SHOWN_ON: &[&str] = &[
    "/en/editions/2/",
    "/en/feed.xml",
    "/en/feed.json",
    "/en/search?q=central+bank",
];

async fn shown(site: &Site) -> Vec<bool> {
    let mut out = Vec::new();
    for path in SHOWN_ON {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        out.push(page.body.contains(SLUG));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reader_sees_a_page_from_before_a_publish_or_an_unpublish() {
    let site = Site::demo().await;
    let other = Site::on_same(&site).await;
    let page = format!("/en/commentaries/{SLUG}/");
    let editor = site.login(EDITOR).await;
    let id = site.store.public(NOW).find_commentary(SLUG).await.unwrap()[0].0;
    let status = format!("/workspace/commentaries/{id}/en/status");

    for node in [&site, &other] {
        assert_eq!(node.get(&page).await.status, StatusCode::OK);
        assert_eq!(shown(node).await, vec![true; SHOWN_ON.len()]);
        assert!(node.state.pages.usage().0 >= SHOWN_ON.len());
    }

    for (to, expected) in [("draft", false), ("published", true), ("review", false)] {
        let before = other.store.changes().generation();
        let res = editor.post(&site, &status, &[("to", to)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{to}");
        // The node that took the change: the very next request.
        let code = site.get(&page).await.status;
        assert_eq!(code == StatusCode::OK, expected, "{to}: {code}");
        assert_eq!(shown(&site).await, vec![expected; SHOWN_ON.len()], "{to}");
        // The other node: as soon as it has heard of the change (through
        // the database), never a page from before it.
        let start = std::time::Instant::now();
        while other.store.changes().generation() == before {
            assert!(start.elapsed().as_secs() < 10, "the other node never heard");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let code = other.get(&page).await.status;
        assert_eq!(code == StatusCode::OK, expected, "{to} on the other node");
        assert_eq!(shown(&other).await, vec![expected; SHOWN_ON.len()], "{to}");
    }
}

#[tokio::test]
async fn a_scheduled_piece_appears_on_kept_pages_at_its_second() {
    let site = Site::demo().await;
    let slug = "the-army-gets-a-public-order-mandate";
    let id = site.commentary_id(slug).await;
    let editor = site.login(EDITOR).await;
    let res = editor
        .post(
            &site,
            &format!("/workspace/commentaries/{id}/en/status"),
            &[("to", "published"), ("publish_at", "2026-11-29T09:00")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let nine = 1_795_942_800; // 2026-11-29 09:00 UTC
    for path in ["/en/", "/en/feed.xml", "/en/feed.json"] {
        assert!(!site.get(path).await.body.contains(slug), "{path}");
        site.set_now(nine - 1);
        assert!(!site.get(path).await.body.contains(slug), "{path}");
        site.set_now(nine);
        assert!(site.get(path).await.body.contains(slug), "{path}");
        site.set_now(NOW);
    }
}

#[tokio::test]
async fn a_node_without_a_cache_renders_every_request() {
    let site = Site::configured(sitrep_store::testing::TestDb::new().await.unwrap(), |c| {
        c.page_cache_bytes = 0
    })
    .await;
    sitrep::demo::load(&site.store, NOW).await.unwrap();
    let a = site.get("/en/").await;
    let b = site.get_with("/en/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body, b.body);
    assert_eq!(b.header("content-encoding"), "");
    assert_eq!(site.state.pages.usage(), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_sessions_and_the_audit_log_leave_kept_pages_alone() {
    let site = Site::demo().await;
    let other = Site::on_same(&site).await;
    // Let both watchers take their first reading (a change, as far as a
    // starting node knows), as a running node has.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    for node in [&site, &other] {
        assert_eq!(node.get("/en/").await.status, StatusCode::OK);
    }
    let before = [&site, &other].map(|n| (n.store.changes().generation(), n.state.pages.usage()));

    let page = site
        .post(
            "/en/subscribe",
            &[],
            &[("email", "reader@example.org"), ("lang", "en")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let editor = site.login(EDITOR).await;
    assert_eq!(
        editor.get(&site, "/workspace/").await.status,
        StatusCode::OK
    );
    site.store
        .audit(None, "test", "nothing", "public", NOW)
        .await
        .unwrap();
    // Longer than an SQLite node's polling interval.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let after = [&site, &other].map(|n| (n.store.changes().generation(), n.state.pages.usage()));
    assert_eq!(before, after);
    assert!(!outbox_is_empty(&site).await, "the sign-up was written");
}

#[tokio::test]
async fn drafts_leave_kept_pages_alone_and_a_published_text_reaches_readers_at_once() {
    let site = Site::demo().await;
    let other = Site::on_same(&site).await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let page = format!("/en/commentaries/{SLUG}/");
    for node in [&site, &other] {
        assert_eq!(node.get(&page).await.status, StatusCode::OK);
        assert_eq!(shown(node).await, vec![true; SHOWN_ON.len()]);
    }
    let state = |n: &Site| (n.store.changes().generation(), n.state.pages.usage());
    let before = [&site, &other].map(state);

    // A new commentary, saved twice as a draft: on no public page.
    let editor = site.login(EDITOR).await;
    let draft = [
        ("slug", "a-draft-in-progress"),
        ("title", "A draft in progress"),
        ("lead", "Not yet."),
        ("body", "Words."),
    ];
    let mut form = vec![
        ("edition_id", "4"),
        ("trend_id", "3"),
        ("assessment_id", "2"),
        ("lang", "en"),
    ];
    form.extend(draft);
    let res = editor
        .post(&site, "/workspace/commentaries/new", &form)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let edit = res.header("location").split('?').next().unwrap().to_owned();
    let mut form = vec![("base", "1"), ("action", "save")];
    form.extend(draft);
    form[3] = ("title", "A draft, saved again");
    let res = editor.post(&site, &edit, &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        editor
            .get(&site, &edit)
            .await
            .body
            .contains("A draft, saved again"),
        "the draft was saved"
    );
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert_eq!(
        [&site, &other].map(state),
        before,
        "a draft emptied a cache"
    );

    // The published English text, edited: every kept page that shows it
    // changes at the next request, here and on the other node.
    let id = site.commentary_id(SLUG).await;
    let edit = format!("/workspace/commentaries/{id}/en");
    let form = editor.get(&site, &edit).await.body;
    let base = {
        let key = "name=\"base\" value=\"";
        let at = form.find(key).expect("the revision in the form") + key.len();
        form[at..at + form[at..].find('"').unwrap()].to_owned()
    };
    let before = other.store.changes().generation();
    let res = editor
        .post(
            &site,
            &edit,
            &[
                ("base", base.as_str()),
                ("action", "save"),
                ("slug", SLUG),
                ("title", "The central bank buys a little more time"),
                ("lead", "The bank has a little longer."),
                ("body", "A shorter body, all the same."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for path in std::iter::once(page.as_str()).chain(SHOWN_ON[..3].iter().copied()) {
        let body = site.get(path).await.body;
        assert!(body.contains("buys a little more time"), "{path}");
    }
    let start = std::time::Instant::now();
    while other.store.changes().generation() == before {
        assert!(start.elapsed().as_secs() < 10, "the other node never heard");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    for path in std::iter::once(page.as_str()).chain(SHOWN_ON[..3].iter().copied()) {
        let body = other.get(path).await.body;
        assert!(
            body.contains("buys a little more time"),
            "{path} on the other node"
        );
    }
}

async fn outbox_is_empty(site: &Site) -> bool {
    site.store.outbox(10).await.unwrap().is_empty()
}

/// `serve` hands what the cache does not answer to its main runtime; a
/// handler that panics there gives that reader a 500 (and a log line), and
/// the service goes on answering.
#[tokio::test]
async fn a_handler_that_panics_on_the_render_runtime_gives_a_500_and_serving_goes_on() {
    async fn boom() -> &'static str {
        panic!("a handler's bug")
    }
    let site = Site::empty().await;
    let inner = axum::Router::new()
        .route("/boom", axum::routing::get(boom))
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let cached = sitrep_web::cache::Cached::new(site.state.clone(), inner)
        .render_on(tokio::runtime::Handle::current());
    let router = axum::Router::new().fallback_service(cached.shared());
    let res = Site::get_from(&router, "/boom").await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    let res = Site::get_from(&router, "/fine").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "fine");
}
