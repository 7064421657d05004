//! Response headers shared by every public response, and the stylesheet.

use std::hash::{Hash, Hasher};

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// No script at all, nothing from another origin, no framing.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A letter shown in the browser: styled as mail clients style it, with
/// the style in the letter itself; still no script and nothing from
/// another origin.
pub const LETTER_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
    form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// A newsletter letter as a page of its own (the web view readers open from
/// the letter, the workspace's preview): never stored by a cache.
pub fn letter_page(html: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, LETTER_CSP),
        ],
        html,
    )
        .into_response()
}

/// HSTS for a site served over HTTPS: browsers that have seen it once go
/// to HTTPS by themselves for a year (subdomains are the operator's to
/// decide; they are left out).
const HSTS: &str = "max-age=31536000";

pub async fn security_headers(
    State(app): State<Arc<crate::AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let is_workspace = req.uri().path().starts_with("/workspace");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if app.public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    // A response that brings its own (a letter shown in the browser) keeps it.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Public pages tell other sites nothing of where readers come from; the
    // workspace keeps same-origin referrers so browsers send a real Origin.
    let policy = if is_workspace {
        "same-origin"
    } else {
        "no-referrer"
    };
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static(policy));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    res
}

/// Remembers the language of the page a reader reads, so that `/` brings
/// them back to it. The cookie holds only a language code, derived from the
/// address, so a cached copy of the header is right for every reader.
pub async fn remember_language(
    State(app): State<Arc<crate::AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let lang = path_lang(&app, req.uri().path());
    let current = crate::pages::cookie_lang(req.headers());
    let mut res = next.run(req).await;
    if let Some(lang) = lang
        && res.status() == StatusCode::OK
        && current.as_deref() != Some(lang.as_str())
        && let Some(v) = lang_cookie(&app, lang)
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The site language an address starts with, if any.
pub fn path_lang(app: &crate::AppState, path: &str) -> Option<sitrep_core::Lang> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    sitrep_core::Lang::parse(first)
        .ok()
        .filter(|l| app.langs().contains(l))
}

/// The `Set-Cookie` value that remembers `lang`.
pub fn lang_cookie(app: &crate::AppState, lang: sitrep_core::Lang) -> Option<HeaderValue> {
    let secure = if app.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={lang}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        crate::LANG_COOKIE
    ))
    .ok()
}

/// The files under `/static/`: the stylesheets and the icon. Each is
/// served under a name carrying a hash of its content, so it can be cached
/// for a year and a change of content (a new version, a theme's
/// stylesheet) is a change of address; each is kept with its gzip and
/// brotli forms, made once at start.
pub struct Assets {
    files: Vec<Asset>,
}

struct Asset {
    stem: &'static str,
    name: String,
    content_type: &'static str,
    plain: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Assets {
    /// The files, with `stylesheet` as the public one.
    pub fn new(stylesheet: &str) -> Assets {
        let files = [
            ("site", "css", "text/css; charset=utf-8", stylesheet),
            ("icon", "svg", "image/svg+xml", sitrep_render::ICON),
            (
                "workspace",
                "css",
                "text/css; charset=utf-8",
                sitrep_render::WORKSPACE_CSS,
            ),
        ]
        .into_iter()
        .map(|(stem, ext, content_type, body)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut h);
            Asset {
                stem,
                name: format!("{stem}-{:012x}.{ext}", h.finish() & 0xffff_ffff_ffff),
                content_type,
                plain: Bytes::copy_from_slice(body.as_bytes()),
                gzip: crate::cache::gzip(body.as_bytes()),
                brotli: crate::cache::brotli(body.as_bytes()),
            }
        })
        .collect();
        Assets { files }
    }

    /// The address of a file by its stem (`"site"`, `"icon"`).
    pub fn href(&self, stem: &str) -> String {
        self.files
            .iter()
            .find(|f| f.stem == stem)
            .map(|f| format!("/static/{}", f.name))
            .unwrap_or_default()
    }

    /// The file named `name`, in the coding the request accepts.
    fn respond(&self, name: &str, request: &HeaderMap) -> Response {
        let Some(f) = self.files.iter().find(|f| f.name == name) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let (coding, body) = match crate::cache::Coding::accepted(request) {
            crate::cache::Coding::Brotli if f.brotli.is_some() => (Some("br"), f.brotli.clone()),
            crate::cache::Coding::Brotli | crate::cache::Coding::Gzip if f.gzip.is_some() => {
                (Some("gzip"), f.gzip.clone())
            }
            _ => (None, None),
        };
        let mut res = body.unwrap_or_else(|| f.plain.clone()).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(f.content_type),
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if let Some(coding) = coding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        res
    }
}

/// `/favicon.ico`, which browsers ask for on pages that name no icon (a
/// letter shown in the browser): the site's icon, as SVG.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        sitrep_render::ICON,
    )
        .into_response()
}

/// `GET /static/{file}`.
pub async fn asset(
    State(app): State<Arc<crate::AppState>>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Response {
    app.assets.respond(&file, &request)
}
