//! Response headers shared by every public response, and the stylesheet.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// No script at all, nothing from another origin, no framing.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

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
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
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

/// The files under `/static/`: (name stem, extension, content type, bytes).
/// Each is served under a name carrying a hash of its content, so it can be
/// cached for a year and a change of content is a change of address.
const ASSETS: &[(&str, &str, &str, &str)] = &[
    ("site", "css", "text/css; charset=utf-8", sitrep_render::CSS),
    ("icon", "svg", "image/svg+xml", sitrep_render::ICON),
    (
        "workspace",
        "css",
        "text/css; charset=utf-8",
        sitrep_render::WORKSPACE_CSS,
    ),
];

static ASSET_NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|(stem, ext, _, body)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut h);
            format!("{stem}-{:012x}.{ext}", h.finish() & 0xffff_ffff_ffff)
        })
        .collect()
});

/// The address of a static file by its stem (`"site"`, `"icon"`).
pub fn asset_href(stem: &str) -> String {
    ASSETS
        .iter()
        .zip(ASSET_NAMES.iter())
        .find(|((s, ..), _)| *s == stem)
        .map(|(_, name)| format!("/static/{name}"))
        .unwrap_or_default()
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let Some(((_, _, content_type, body), _)) = ASSETS
        .iter()
        .zip(ASSET_NAMES.iter())
        .find(|(_, name)| **name == file)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        *body,
    )
        .into_response()
}
