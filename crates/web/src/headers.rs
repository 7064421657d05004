//! Response headers shared by every public response, and the stylesheet.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use axum::extract::{Path, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// No script at all, nothing from another origin, no framing.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    res
}

static CSS_FILE: LazyLock<String> = LazyLock::new(|| {
    // Content-addressed, so the file can be cached for a year.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    sitrep_render::CSS.hash(&mut h);
    format!("site-{:012x}.css", h.finish() & 0xffff_ffff_ffff)
});

pub fn css_file_name() -> &'static str {
    &CSS_FILE
}

pub async fn stylesheet(Path(file): Path<String>) -> Response {
    if file != *CSS_FILE {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        sitrep_render::CSS,
    )
        .into_response()
}
