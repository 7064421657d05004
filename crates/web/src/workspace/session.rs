//! Who is asking: the staff session behind a request, CSRF checks, and
//! the throttle in front of the login form.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sitrep_core::Timestamp;
use sitrep_store::User;

use crate::AppState;

/// The staff session cookie; scoped to the workspace.
pub const COOKIE: &str = "sitrep_staff";
/// A session lasts this long after its last use.
pub const IDLE_SECONDS: i64 = 12 * 3600;
/// A session waiting for its second factor lasts this long.
pub const PENDING_SECONDS: i64 = 5 * 60;
/// Failed logins allowed per account, and per network address, in a window.
pub const MAX_FAILURES_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW: i64 = 15 * 60;

/// A signed-in staff member. Extracting it from a request that has no live
/// session sends a browser to the login page (or refuses a form post).
pub struct Staff {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
}

/// The setting that makes a second factor compulsory for all staff.
pub const REQUIRE_TOTP: &str = "require_totp";

/// Where someone without a required second factor may still go: to set
/// one up, or to leave.
const SETUP_PATHS: &[&str] = &[
    "/workspace/account",
    "/workspace/account/totp",
    "/workspace/logout",
];

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<AppState>) -> Result<Staff, Response> {
        let (staff, verified) = session_of(parts, app).await?;
        if !verified {
            return Err(away(parts, "/workspace/login/code"));
        }
        if staff.user.totp_secret.is_none() && !SETUP_PATHS.contains(&parts.uri.path()) {
            let required = match app.store.setting(REQUIRE_TOTP).await {
                Ok(v) => v.as_deref() == Some("1"),
                Err(e) => return Err(super::error_response(app, None, e.into()).await),
            };
            if required {
                return Err(away(parts, "/workspace/account?totp=required"));
            }
        }
        Ok(staff)
    }
}

/// A session that has passed its password but still owes its second factor.
pub struct PendingStaff(pub Staff);

impl FromRequestParts<Arc<AppState>> for PendingStaff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<PendingStaff, Response> {
        match session_of(parts, app).await? {
            (staff, false) => Ok(PendingStaff(staff)),
            (_, true) => Err(Redirect::to("/workspace/").into_response()),
        }
    }
}

async fn session_of(parts: &Parts, app: &Arc<AppState>) -> Result<(Staff, bool), Response> {
    let now = app.now();
    let Some(token) = cookie(&parts.headers, COOKIE) else {
        return Err(to_login(parts));
    };
    let token_hash = sitrep_auth::token_hash(&token);
    let session = match app.store.session(&token_hash, now).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(to_login(parts)),
        Err(e) => return Err(super::error_response(app, None, e.into()).await),
    };
    // Slide the expiry forward, at most once a minute per session.
    if session.verified && session.expires_at - now < IDLE_SECONDS - 60 {
        let _ = app
            .store
            .touch_session(&token_hash, now, now + IDLE_SECONDS)
            .await;
    }
    let verified = session.verified;
    Ok((
        Staff {
            user: session.user,
            csrf: session.csrf_token,
            token_hash,
        },
        verified,
    ))
}

/// Sends a browser elsewhere; refuses a form post.
fn away(parts: &Parts, to: &str) -> Response {
    if parts.method == axum::http::Method::GET {
        Redirect::to(to).into_response()
    } else {
        StatusCode::FORBIDDEN.into_response()
    }
}

fn to_login(parts: &Parts) -> Response {
    away(parts, "/workspace/login")
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The Set-Cookie value for a new session token (or, with `None`, one
/// that removes it).
pub fn session_cookie(app: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = if app.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let value = match token {
        Some(t) => format!(
            "{COOKIE}={t}; Path=/workspace; HttpOnly; SameSite=Strict; Max-Age={IDLE_SECONDS}{secure}"
        ),
        None => format!("{COOKIE}=; Path=/workspace; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A form post from another site is refused even before its CSRF token is
/// looked at: browsers say where a post comes from, in `Origin` (or, where
/// a referrer policy hides it as `null`, in `Sec-Fetch-Site`).
pub fn same_origin(app: &AppState, headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Old clients and tools send none; the CSRF token still guards.
        return true;
    };
    if origin == "null" {
        return fetch_site == Some("same-origin");
    }
    if !app.public_url.is_empty() && origin == app.public_url {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host)
}

/// The client's network address: the peer, or, when the peer is a proxy
/// on this machine or network (nginx), the address it forwarded.
pub fn client_address(parts_headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> String {
    let peer_ip = peer.map(|c| c.0.ip());
    let behind_proxy = peer_ip.is_none_or(|ip| match ip {
        std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        std::net::IpAddr::V6(v6) => v6.is_loopback(),
    });
    let forwarded = parts_headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|s| s.trim().to_owned())
        .filter(|s| s.parse::<std::net::IpAddr>().is_ok());
    match (behind_proxy, forwarded, peer_ip) {
        (true, Some(f), _) => f,
        (_, _, Some(ip)) => ip.to_string(),
        _ => "unknown".into(),
    }
}

/// Whether a login for `email` from `address` must wait; the keys it counts under.
pub async fn throttled(
    app: &AppState,
    email: &str,
    address: &str,
    now: Timestamp,
) -> Result<bool, sitrep_store::StoreError> {
    let since = now - FAILURE_WINDOW;
    let account = app.store.login_failures(&account_key(email), since).await?;
    let from = app
        .store
        .login_failures(&address_key(address), since)
        .await?;
    Ok(account >= MAX_FAILURES_ACCOUNT || from >= MAX_FAILURES_ADDRESS)
}

pub fn account_key(email: &str) -> String {
    format!("account:{}", sitrep_store::normalize_email(email))
}

pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}
