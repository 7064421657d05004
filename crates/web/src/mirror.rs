//! `sitrep mirror DIR`: the whole public site as static files that work
//! from any host or straight from a folder (`file://`).
//!
//! The mirror is made by asking the site's own router for every page, so
//! its bytes are the site's: from each language's home page, the sitemaps
//! and the feeds, every site-internal link is followed. Pages are rendered
//! in mirror mode (forms that need the live site — search, subscribing,
//! requests, the barometer's date form — become notes pointing to it, and
//! a banner says this is a copy). Links become relative, directory
//! addresses name their `index.html`, and an address with a query gets a
//! file of its own (`editions/index--page-2.html`).

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use crate::AppState;

tokio::task_local! {
    static MIRRORING: bool;
}

/// Whether the page being rendered is for a static mirror.
pub fn active() -> bool {
    MIRRORING.try_with(|m| *m).unwrap_or(false)
}

/// Marks a request as the mirror's own (only code in this process can set
/// it; no header does).
#[derive(Clone, Copy)]
pub struct MirrorRequest;

/// Renders requests marked [`MirrorRequest`] in mirror mode.
pub async fn mode(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.extensions().get::<MirrorRequest>().is_some() {
        MIRRORING.scope(true, next.run(req)).await
    } else {
        next.run(req).await
    }
}

/// What a mirror run wrote.
#[derive(Debug, Default)]
pub struct Mirrored {
    pub pages: u64,
    pub files: u64,
    pub bytes: u64,
    /// Internal links that did not answer 200 (address, status).
    pub broken: Vec<(String, u16)>,
}

#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error("{0} is not empty; mirror into a new folder")]
    NotEmpty(PathBuf),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The file an address is written to, relative to the mirror's root.
pub fn file_for(address: &str) -> String {
    let (path, query) = address.split_once('?').unwrap_or((address, ""));
    let path = path.trim_start_matches('/');
    let (stem, ext) = if path.is_empty() || path.ends_with('/') {
        (format!("{path}index"), ".html".to_owned())
    } else {
        let last = path.rsplit('/').next().unwrap_or(path);
        match last.rfind('.') {
            Some(i) if i > 0 => (
                path[..path.len() - (last.len() - i)].to_owned(),
                last[i..].to_owned(),
            ),
            _ => (path.to_owned(), ".html".to_owned()),
        }
    };
    if query.is_empty() {
        return format!("{stem}{ext}");
    }
    let q: String = query
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '=' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{stem}--{q}{ext}")
}

/// The relative address of file `to` from a page at file `from`.
pub fn relative(from: &str, to: &str) -> String {
    // The folder of `from`, with its final slash.
    let from_dir = from.rfind('/').map_or("", |i| &from[..=i]);
    // The whole folders both start with.
    let mut common = 0;
    for (i, (a, b)) in from_dir.bytes().zip(to.bytes()).enumerate() {
        if a != b {
            break;
        }
        if a == b'/' {
            common = i + 1;
        }
    }
    let ups = from_dir[common..].matches('/').count();
    let rest = &to[common..];
    if ups == 0 && rest.is_empty() {
        return to.rsplit('/').next().unwrap_or_default().to_owned();
    }
    let mut out = String::with_capacity(ups * 3 + rest.len());
    for _ in 0..ups {
        out.push_str("../");
    }
    out.push_str(rest);
    out
}

/// Rewrites the site-internal `href`, `src` and `action` addresses of an
/// HTML page at `file`; returns the page and the addresses it links to.
fn rewrite(html: &str, file: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut found = Vec::new();
    let mut copied = 0;
    // One pass over `="/`, keeping those after href, src or action.
    let mut from = 0;
    while let Some(i) = html[from..].find("=\"/").map(|i| i + from) {
        let start = i + 2;
        from = start;
        let before = &html[..i];
        if !(before.ends_with(" href") || before.ends_with(" src") || before.ends_with(" action")) {
            continue;
        }
        let end = html[start..].find('"').map_or(html.len(), |j| start + j);
        let raw = &html[start..end];
        if raw.starts_with("//") {
            continue;
        }
        out.push_str(&html[copied..start]);
        let decoded = raw.replace("&amp;", "&");
        let (address, fragment) = decoded
            .split_once('#')
            .map_or((decoded.as_str(), ""), |(a, f)| (a, f));
        if !plain(address) {
            // An address that climbs out of the site leads nowhere here.
            out.push('#');
            copied = end;
            from = end;
            continue;
        }
        found.push(address.to_owned());
        out.push_str(&relative(file, &file_for(address)));
        if !fragment.is_empty() {
            out.push('#');
            out.push_str(fragment);
        }
        copied = end;
        from = end;
    }
    out.push_str(&html[copied..]);
    (out, found)
}

/// The site-internal addresses listed in a sitemap.
fn sitemap_locs(xml: &str, public_url: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .filter_map(|u| {
            u.trim()
                .strip_prefix(public_url)
                .map(|p| p.replace("&amp;", "&"))
        })
        .filter(|p| p.starts_with('/'))
        .collect()
}

enum Fetched {
    Page(String, Vec<u8>, bool),
    Moved(String, String),
    Failed(String, u16),
}

async fn fetch(router: axum::Router, address: String) -> Fetched {
    let req = Request::builder()
        .uri(&address)
        .extension(MirrorRequest)
        .body(Body::empty());
    let Ok(req) = req else {
        return Fetched::Failed(address, 400);
    };
    let Ok(res) = router.oneshot(req).await;
    let status = res.status();
    if status.is_redirection() {
        let to = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        return Fetched::Moved(address, to);
    }
    if status != StatusCode::OK {
        return Fetched::Failed(address, status.as_u16());
    }
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    match axum::body::to_bytes(res.into_body(), usize::MAX).await {
        Ok(bytes) => Fetched::Page(address, bytes.to_vec(), html),
        Err(_) => Fetched::Failed(address, 500),
    }
}

/// A page that sends the reader on (a redirect, as a static file can).
fn moved_page(file: &str, target_file: &str) -> String {
    let to = relative(file, target_file);
    format!(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<title>…</title>\n<p><a href=\"{to}\">{to}</a></p>\n"
    )
}

/// Writes the whole public site into `dir` (new or empty); `progress`
/// hears the number of files written.
pub async fn write(
    app: Arc<AppState>,
    dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<Mirrored, MirrorError> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(MirrorError::NotEmpty(dir.to_owned()));
    }
    std::fs::create_dir_all(dir)?;
    let router = crate::router(app.clone());
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut seed = |a: String, queue: &mut VecDeque<String>| {
        if seen.insert(a.clone()) {
            queue.push_back(a);
        }
    };
    seed("/".into(), &mut queue);
    seed("/sitemap.xml".into(), &mut queue);
    seed("/robots.txt".into(), &mut queue);
    for lang in app.langs().iter() {
        seed(format!("/{lang}/"), &mut queue);
    }
    let mut done = Mirrored::default();
    // Each task renders, rewrites and writes its page; this loop only
    // keeps the list of addresses.
    let parallel = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
    let mut running = tokio::task::JoinSet::new();
    let public_url: Arc<str> = app.public_url.clone().into();
    let root: Arc<Path> = dir.into();
    loop {
        while running.len() < parallel
            && let Some(address) = queue.pop_front()
        {
            let (router, public_url, root) = (router.clone(), public_url.clone(), root.clone());
            running.spawn(async move {
                let fetched = fetch(router, address).await;
                store(fetched, &public_url, &root)
            });
        }
        let Some(next) = running.join_next().await else {
            break;
        };
        let Ok(stored) = next else { continue };
        let stored = stored?;
        if let Some(broken) = stored.broken {
            done.broken.push(broken);
        }
        if let Some(bytes) = stored.bytes {
            done.files += 1;
            done.bytes += bytes;
        }
        done.pages += u64::from(stored.page);
        for link in stored.links {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
        progress(done.files);
    }
    done.broken.sort();
    Ok(done)
}

/// Whether an address stays inside the mirror once it is a file name: no
/// `..` or `.` segments, nothing that is not a plain path.
fn plain(address: &str) -> bool {
    let path = address.split(['?', '#']).next().unwrap_or_default();
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.split('/').all(|s| s != ".." && s != ".")
}

/// `/ghost/api/…` or `/{lang}/ghost/api/…`.
fn is_ghost_api(address: &str) -> bool {
    let rest = address.trim_start_matches('/');
    rest.starts_with("ghost/api/")
        || rest
            .split_once('/')
            .is_some_and(|(_, after)| after.starts_with("ghost/api/"))
}

/// What one fetched address left in the mirror.
#[derive(Default)]
struct Stored {
    /// The size of the file written, if one was.
    bytes: Option<u64>,
    /// Whether it was an HTML page.
    page: bool,
    links: Vec<String>,
    broken: Option<(String, u16)>,
}

/// Writes what an address answered (a page with its links made relative,
/// a note for a redirect, any other file as it is) and returns the links
/// to follow.
fn store(fetched: Fetched, public_url: &str, dir: &Path) -> Result<Stored, MirrorError> {
    let mut out = Stored::default();
    match fetched {
        Fetched::Failed(address, status) => out.broken = Some((address, status)),
        Fetched::Moved(address, to) => {
            let to = to.strip_prefix(public_url).unwrap_or(&to).to_owned();
            if to.starts_with('/') && !to.starts_with("//") {
                let file = file_for(&address);
                let page = moved_page(&file, &file_for(&to));
                out.bytes = write_file(dir, &file, page.as_bytes())?;
                out.links.push(to);
            }
        }
        Fetched::Page(address, bytes, html) => {
            let file = file_for(&address);
            if html {
                let text = String::from_utf8_lossy(&bytes);
                let (page, found) = rewrite(&text, &file);
                out.bytes = write_file(dir, &file, page.as_bytes())?;
                out.page = true;
                out.links = found;
            } else {
                if address.ends_with(".xml") && address.contains("sitemap") {
                    out.links = sitemap_locs(&String::from_utf8_lossy(&bytes), public_url);
                }
                out.bytes = write_file(dir, &file, &bytes)?;
            }
        }
    }
    // Only what a reader may see: not the workspace, not the APIs; each
    // address once (a card links its commentary twice).
    let mut once = HashSet::new();
    out.links.retain(|link| {
        plain(link)
            && !link.starts_with("/workspace")
            && !link.starts_with("/api/")
            && !is_ghost_api(link)
            && once.insert(link.clone())
    });
    Ok(out)
}

/// Writes `bytes` to `file` under `dir`; returns the size written, or
/// `None` for a name that would leave the folder.
fn write_file(dir: &Path, file: &str, bytes: &[u8]) -> Result<Option<u64>, MirrorError> {
    let relative = Path::new(file);
    if !relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return Ok(None);
    }
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, bytes)?;
    Ok(Some(bytes.len() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_files() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/be/"), "be/index.html");
        assert_eq!(
            file_for("/be/editions/?page=2"),
            "be/editions/index--page=2.html"
        );
        assert_eq!(file_for("/be/barometer"), "be/barometer.html");
        assert_eq!(
            file_for("/be/barometer?weeks=12"),
            "be/barometer--weeks=12.html"
        );
        assert_eq!(file_for("/be/feed.xml"), "be/feed.xml");
        assert_eq!(file_for("/static/site.1a2b.css"), "static/site.1a2b.css");
        assert_eq!(file_for("/x?a=1&b=../c"), "x--a=1-b=---c.html");
    }

    #[test]
    fn only_plain_addresses_are_followed() {
        assert!(plain("/be/commentaries/x/"));
        assert!(plain("/be/editions/?page=2"));
        for bad in [
            "/be/../../etc/passwd",
            "/./x",
            "//evil/x",
            "be/x",
            "/a\\..\\b",
        ] {
            assert!(!plain(bad), "{bad}");
        }
        assert!(is_ghost_api("/ghost/api/content/posts/"));
        assert!(is_ghost_api("/ru/ghost/api/content/posts/"));
        assert!(!is_ghost_api("/be/commentaries/ghost/"));
    }

    #[test]
    fn links_become_relative() {
        assert_eq!(
            relative("be/index.html", "be/editions/index.html"),
            "editions/index.html"
        );
        assert_eq!(
            relative("be/editions/4/index.html", "static/site.css"),
            "../../../static/site.css"
        );
        assert_eq!(relative("index.html", "be/index.html"), "be/index.html");
        assert_eq!(relative("be/a/index.html", "be/a/index.html"), "index.html");
        // A folder whose name starts like another's is not shared.
        assert_eq!(
            relative("be/trends/index.html", "be/trends-old/index.html"),
            "../trends-old/index.html"
        );
        assert_eq!(
            relative("be/trends-old/x/index.html", "be/trends/index.html"),
            "../../trends/index.html"
        );
        let (html, found) = rewrite(
            r#"<a href="/be/editions/?page=2&amp;x=1#top">x</a><img src="/media/ab.png"><a href="//cdn">y</a><a href="https://e.org/">z</a>"#,
            "be/trends/index.html",
        );
        assert_eq!(
            html,
            r#"<a href="../editions/index--page=2-x=1.html#top">x</a><img src="../../media/ab.png"><a href="//cdn">y</a><a href="https://e.org/">z</a>"#
        );
        assert_eq!(found, ["/be/editions/?page=2&x=1", "/media/ab.png"]);
    }
}
