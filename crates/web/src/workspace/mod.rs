//! The editorial workspace at `/workspace`: sign-in, the week's dashboard,
//! writing, translating and the workflow, staff and the audit log.
//!
//! Architecture invariants:
//! - Every handler takes a [`Staff`] (a live session) except the login
//!   form, and asks [`sitrep_core::Role::may`] before doing anything; the
//!   route table test walks every route as every role.
//! - Every POST checks the session's CSRF token (constant-time) and the
//!   request's `Origin`.
//! - A failed save re-renders the form with everything that was typed.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

mod api;
mod charts;
mod delivery;
pub(crate) mod editions;
pub(crate) mod editor;
mod forecasts;
#[doc(hidden)]
pub mod fuzzing;
mod lists;
mod outbox;
mod requests;
mod session;
pub mod subscribers;
mod totp;
mod upload;
mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use sitrep_core::{Action, Lang, Role};
use sitrep_i18n::Arg;
use sitrep_store::NewUser;

use crate::{AppState, PageError};
pub use editor::datetime;
pub use session::{Staff, client_address};

type App = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/workspace",
            get(|| async { Redirect::permanent("/workspace/") }),
        )
        .route("/workspace/", get(dashboard))
        .route("/workspace/login", get(login_form).post(login))
        .route("/workspace/login/code", get(code_form).post(code))
        .route("/workspace/account/totp", post(totp::account_totp))
        .route("/workspace/settings", post(totp::settings))
        .route("/workspace/logout", post(logout))
        .route("/workspace/logout-everywhere", post(logout_everywhere))
        .route("/workspace/account", get(account).post(account_save))
        .route("/workspace/staff", get(staff_list).post(staff_add))
        .route("/workspace/staff/{id}", post(staff_access))
        .route("/workspace/audit", get(audit))
        .merge(editor::router())
        .merge(editions::router())
        .merge(delivery::router())
        .merge(charts::router())
        .merge(forecasts::router())
        .merge(requests::router())
        .merge(lists::router())
        .merge(upload::router())
        .merge(outbox::router())
        .merge(subscribers::router())
        .merge(api::router())
}

/// Renders a workspace template for a signed-in staff member.
pub(crate) fn page(
    app: &AppState,
    staff: Option<&Staff>,
    lang: Lang,
    template: &str,
    title: &str,
    data: Value,
) -> Response {
    let nav: Vec<Value> = match staff {
        Some(s) => {
            let mut items =
                vec![json!({"href": "/workspace/", "label": app.i18n.t(lang, "ws-nav-dashboard")})];
            items.push(json!({"href": "/workspace/barometer", "label": app.i18n.t(lang, "ws-nav-barometer")}));
            if s.user.role.may(Action::ManageEditions) || s.user.role == Role::Author {
                items.push(json!({"href": "/workspace/requests", "label": app.i18n.t(lang, "ws-nav-requests")}));
            }
            if s.user.role.may(Action::ManageEditions) {
                items.push(json!({"href": "/workspace/editions", "label": app.i18n.t(lang, "ws-nav-editions")}));
                items.push(json!({"href": "/workspace/outbox", "label": app.i18n.t(lang, "ws-nav-outbox")}));
                items.push(json!({"href": "/workspace/forecasts", "label": app.i18n.t(lang, "ws-nav-forecasts")}));
                items.push(json!({"href": "/workspace/subscribers", "label": app.i18n.t(lang, "ws-nav-subscribers")}));
            }
            if s.user.role.may(Action::ManageContentLists) {
                for (href, id) in [
                    ("/workspace/trends", "ws-nav-trends"),
                    ("/workspace/assessments", "ws-nav-assessments"),
                    ("/workspace/likelihoods", "ws-nav-likelihoods"),
                    ("/workspace/authors", "ws-nav-authors"),
                    ("/workspace/pages", "ws-nav-pages"),
                    ("/workspace/languages", "ws-nav-languages"),
                ] {
                    items.push(json!({"href": href, "label": app.i18n.t(lang, id)}));
                }
            }
            if s.user.role.may(Action::CreateCommentary) {
                items.push(json!({"href": "/workspace/commentaries/new", "label": app.i18n.t(lang, "ws-nav-new")}));
            }
            if s.user.role.may(Action::ManageStaff) {
                items.push(
                    json!({"href": "/workspace/staff", "label": app.i18n.t(lang, "ws-nav-staff")}),
                );
                items.push(
                    json!({"href": "/workspace/audit", "label": app.i18n.t(lang, "ws-nav-audit")}),
                );
            }
            items.push(json!({"href": "/workspace/api", "label": app.i18n.t(lang, "ws-nav-api")}));
            items.push(
                json!({"href": "/workspace/account", "label": app.i18n.t(lang, "ws-nav-account")}),
            );
            items
        }
        None => Vec::new(),
    };
    let ctx = json!({
        "title": title,
        "css_href": app.asset("workspace"),
        "icon_href": app.asset("icon"),
        "user": staff.map(|s| json!({"name": s.user.name, "email": s.user.email, "role": app.i18n.t(lang, &format!("ws-role-{}", s.user.role.as_str()))})),
        "csrf": staff.map(|s| s.csrf.clone()),
        "nav": nav,
        "page": data,
    });
    match app.renderer.render_page(template, lang, &ctx) {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "workspace page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                app.i18n.t(lang, "server-error-body"),
            )
                .into_response()
        }
    }
}

/// A short page that says why something cannot be done.
pub(crate) fn message(
    app: &AppState,
    staff: Option<&Staff>,
    status: StatusCode,
    title_id: &str,
    text: &str,
) -> Response {
    let lang = staff.map_or(app.default_lang(), |s| s.user.ui_lang);
    let title = app.i18n.t(lang, title_id);
    let mut res = page(
        app,
        staff,
        lang,
        "ws_message.html",
        &title,
        json!({"text": text}),
    );
    *res.status_mut() = status;
    res
}

pub(crate) fn forbidden(app: &AppState, staff: &Staff) -> Response {
    let lang = staff.user.ui_lang;
    message(
        app,
        Some(staff),
        StatusCode::FORBIDDEN,
        "ws-forbidden-title",
        &app.i18n.t(lang, "ws-forbidden-body"),
    )
}

pub(crate) fn not_found(app: &AppState, staff: &Staff) -> Response {
    let lang = staff.user.ui_lang;
    message(
        app,
        Some(staff),
        StatusCode::NOT_FOUND,
        "not-found-title",
        &app.i18n.t(lang, "not-found-body"),
    )
}

pub(crate) fn bad_form(app: &AppState, staff: Option<&Staff>, e: &FormRejection) -> Response {
    let lang = staff.map_or(app.default_lang(), |s| s.user.ui_lang);
    let text = app
        .i18n
        .t_args(lang, "ws-bad-form", &[("reason", Arg::Str(&e.body_text()))]);
    message(app, staff, e.status(), "bad-request-title", &text)
}

pub(crate) async fn error_response(
    app: &AppState,
    staff: Option<&Staff>,
    e: PageError,
) -> Response {
    let lang = staff.map_or(app.default_lang(), |s| s.user.ui_lang);
    tracing::error!(error = %e, "workspace request failed");
    let (title, text) = if matches!(&e, PageError::Store(s) if s.is_unavailable()) {
        ("unavailable-title", "unavailable-body")
    } else {
        ("server-error-title", "server-error-body")
    };
    let mut response = message(app, staff, e.status(), title, &app.i18n.t(lang, text));
    crate::outage::mark(&mut response, e.is_database_away());
    response
}

/// After a write: back to `to` (303) when it went through, else the error
/// page.
pub(crate) async fn written(
    app: &AppState,
    staff: &Staff,
    result: Result<(), sitrep_store::StoreError>,
    to: &str,
) -> Response {
    match result {
        Ok(()) => Redirect::to(to).into_response(),
        Err(e) => error_response(app, Some(staff), e.into()).await,
    }
}

/// A form post from a signed-in staff member whose CSRF token and origin
/// have been checked: the one door for form bodies read field by field
/// (names may repeat). Must be a handler's last argument.
pub(crate) struct Posted(pub Staff, pub Vec<(String, String)>);

impl axum::extract::FromRequest<Arc<AppState>> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Arc<AppState>) -> Result<Posted, Response> {
        let (mut parts, body) = req.into_parts();
        let staff = <Staff as axum::extract::FromRequestParts<Arc<AppState>>>::from_request_parts(
            &mut parts, app,
        )
        .await?;
        let bytes = match axum::body::to_bytes(body, 2 * 1024 * 1024).await {
            Ok(b) => b,
            Err(_) => {
                let lang = staff.user.ui_lang;
                let text =
                    app.i18n
                        .t_args(lang, "ws-bad-form", &[("reason", Arg::Str("too large"))]);
                return Err(message(
                    app,
                    Some(&staff),
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "bad-request-title",
                    &text,
                ));
            }
        };
        let fields = crate::form::fields(&bytes);
        check_post(
            app,
            &staff,
            &parts.headers,
            crate::form::field(&fields, "csrf"),
        )?;
        Ok(Posted(staff, fields))
    }
}

/// Refuses a POST whose CSRF token or origin is wrong.
pub(crate) fn check_post(
    app: &AppState,
    staff: &Staff,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(), Response> {
    if session::same_origin(app, headers) && sitrep_auth::same_secret(csrf, &staff.csrf) {
        Ok(())
    } else {
        let lang = staff.user.ui_lang;
        Err(message(
            app,
            Some(staff),
            StatusCode::FORBIDDEN,
            "ws-forbidden-title",
            &app.i18n.t(lang, "ws-csrf-failed"),
        ))
    }
}

/// What waits for this staff member outside the week's edition: new
/// requests and forecasts due (editors), requests assigned (analysts).
async fn waiting(app: &AppState, staff: &Staff) -> Result<Vec<Value>, PageError> {
    use sitrep_store::RequestState;
    let lang = staff.user.ui_lang;
    let mut items = Vec::new();
    let mut add = |id: &str, count: u64, href: &str| {
        if count > 0 {
            let label = app
                .i18n
                .t_args(lang, id, &[("count", (count as i64).into())]);
            items.push(json!({"label": label, "href": href}));
        }
    };
    if staff.user.role.may(Action::ManageEditions) {
        let (_, new) = app
            .store
            .desk_requests(Some(RequestState::New), None, 0, 0)
            .await?;
        add("ws-waiting-requests", new, "/workspace/requests?state=new");
        let today = app.today();
        let due = app.store.desk_statements(None, Some(&today)).await?.len();
        add("ws-waiting-due", due as u64, "/workspace/forecasts");
    } else if staff.user.role == Role::Author {
        let (_, mine) = app
            .store
            .desk_requests(Some(RequestState::Accepted), Some(staff.user.id), 0, 0)
            .await?;
        add("ws-waiting-assigned", mine, "/workspace/requests");
    }
    Ok(items)
}

async fn dashboard(State(app): App, staff: Staff) -> Response {
    let data = match editor::dashboard_data(&app, &staff).await {
        Ok(mut data) => waiting(&app, &staff).await.map(|w| {
            data["waiting"] = json!(w);
            data
        }),
        Err(e) => Err(e),
    };
    match data {
        Ok(data) => {
            let lang = staff.user.ui_lang;
            page(
                &app,
                Some(&staff),
                lang,
                "ws_dashboard.html",
                &app.i18n.t(lang, "ws-nav-dashboard"),
                data,
            )
        }
        Err(e) => error_response(&app, Some(&staff), e).await,
    }
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    email: String,
    password: String,
}

async fn login_form(State(app): App, headers: HeaderMap) -> Response {
    let lang = crate::pages::reader_lang(&app, &headers);
    page(
        &app,
        None,
        lang,
        "ws_login.html",
        &app.i18n.t(lang, "ws-login-title"),
        json!({"email": "", "error": null}),
    )
}

async fn login(State(app): App, req: Request) -> Response {
    let headers = req.headers().clone();
    let lang = crate::pages::reader_lang(&app, &headers);
    let address =
        session::client_address(&headers, req.extensions().get::<ConnectInfo<SocketAddr>>());
    let form: Result<Form<LoginForm>, FormRejection> = Form::from_request(req, &app).await;
    let Ok(Form(form)) = form else {
        return page(
            &app,
            None,
            lang,
            "ws_login.html",
            &app.i18n.t(lang, "ws-login-title"),
            json!({"email": "", "error": app.i18n.t(lang, "ws-login-failed")}),
        );
    };
    let retry = |key: &str| {
        let mut res = page(
            &app,
            None,
            lang,
            "ws_login.html",
            &app.i18n.t(lang, "ws-login-title"),
            json!({"email": form.email, "error": app.i18n.t(lang, key)}),
        );
        *res.status_mut() = if key == "ws-login-throttled" {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNAUTHORIZED
        };
        res
    };
    if !session::same_origin(&app, &headers) {
        return retry("ws-csrf-failed");
    }
    let now = app.now();
    match session::throttled(&app, &form.email, &address, now).await {
        Ok(true) => {
            let _ = app
                .store
                .audit(
                    None,
                    "login-throttled",
                    &sitrep_store::normalize_email(&form.email),
                    &address,
                    now,
                )
                .await;
            return retry("ws-login-throttled");
        }
        Ok(false) => {}
        Err(e) => return error_response(&app, None, e.into()).await,
    }
    let user = match app.store.user_by_email(&form.email).await {
        Ok(u) => u,
        Err(e) => return error_response(&app, None, e.into()).await,
    };
    // Verify against a decoy when there is no such account, so the answer
    // takes as long either way.
    let hash = user
        .as_ref()
        .map_or(sitrep_auth::decoy_hash(), |u| u.password_hash.as_str())
        .to_owned();
    let password = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || sitrep_auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            let since = now - session::FAILURE_WINDOW;
            let _ = app
                .store
                .record_login_failure(&session::account_key(&form.email), now, since)
                .await;
            let _ = app
                .store
                .record_login_failure(&session::address_key(&address), now, since)
                .await;
            let _ = app
                .store
                .audit(
                    None,
                    "login-failed",
                    &sitrep_store::normalize_email(&form.email),
                    &address,
                    now,
                )
                .await;
            return retry("ws-login-failed");
        }
    };
    let token = sitrep_auth::new_token();
    let csrf = sitrep_auth::new_token();
    let token_hash = sitrep_auth::token_hash(&token);
    // With a second factor, the password opens only a short pending
    // session that can do nothing but enter the code.
    let two_step = user.totp_secret.is_some();
    let lasts = if two_step {
        session::PENDING_SECONDS
    } else {
        session::IDLE_SECONDS
    };
    if let Err(e) = app
        .store
        .create_session(&token_hash, user.id, &csrf, now, now + lasts, !two_step)
        .await
    {
        return error_response(&app, None, e.into()).await;
    }
    let next = if two_step {
        let _ = app
            .store
            .audit(Some(&user), "login-password", &user.email, &address, now)
            .await;
        "/workspace/login/code"
    } else {
        let _ = app
            .store
            .clear_login_failures(&session::account_key(&form.email))
            .await;
        let _ = app
            .store
            .audit(Some(&user), "login", &user.email, &address, now)
            .await;
        "/workspace/"
    };
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session::session_cookie(&app, Some(&token)),
    );
    res
}

async fn code_form(State(app): App, pending: session::PendingStaff) -> Response {
    let lang = pending.0.user.ui_lang;
    page(
        &app,
        None,
        lang,
        "ws_code.html",
        &app.i18n.t(lang, "ws-code-title"),
        json!({"csrf": pending.0.csrf, "error": null}),
    )
}

#[derive(Deserialize)]
pub(super) struct CodeForm {
    csrf: String,
    code: String,
}

async fn code(State(app): App, pending: session::PendingStaff, req: Request) -> Response {
    let staff = pending.0;
    let lang = staff.user.ui_lang;
    let headers = req.headers().clone();
    let address =
        session::client_address(&headers, req.extensions().get::<ConnectInfo<SocketAddr>>());
    let form: Result<Form<CodeForm>, FormRejection> = Form::from_request(req, &app).await;
    let retry = |key: &str, status: StatusCode| {
        let mut res = page(
            &app,
            None,
            lang,
            "ws_code.html",
            &app.i18n.t(lang, "ws-code-title"),
            json!({"csrf": staff.csrf, "error": app.i18n.t(lang, key)}),
        );
        *res.status_mut() = status;
        res
    };
    let Ok(Form(form)) = form else {
        return retry("ws-code-wrong", StatusCode::UNAUTHORIZED);
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let now = app.now();
    match session::throttled(&app, &staff.user.email, &address, now).await {
        Ok(true) => return retry("ws-login-throttled", StatusCode::TOO_MANY_REQUESTS),
        Ok(false) => {}
        Err(e) => return error_response(&app, None, e.into()).await,
    }
    let step = staff
        .user
        .totp_secret
        .as_deref()
        .and_then(|secret| sitrep_auth::check_totp(secret, &form.code, now));
    let accepted = match step {
        Some(step) => app
            .store
            .accept_totp_step(staff.user.id, step)
            .await
            .unwrap_or(false),
        None => false,
    };
    if !accepted {
        let since = now - session::FAILURE_WINDOW;
        let _ = app
            .store
            .record_login_failure(&session::account_key(&staff.user.email), now, since)
            .await;
        let _ = app
            .store
            .audit(
                Some(&staff.user),
                "login-code-failed",
                &staff.user.email,
                &address,
                now,
            )
            .await;
        return retry("ws-code-wrong", StatusCode::UNAUTHORIZED);
    }
    if let Err(e) = app.store.verify_session(&staff.token_hash).await {
        return error_response(&app, None, e.into()).await;
    }
    let _ = app
        .store
        .touch_session(&staff.token_hash, now, now + session::IDLE_SECONDS)
        .await;
    let _ = app
        .store
        .clear_login_failures(&session::account_key(&staff.user.email))
        .await;
    let _ = app
        .store
        .audit(Some(&staff.user), "login", &staff.user.email, &address, now)
        .await;
    Redirect::to("/workspace/").into_response()
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_form(&app, Some(&staff), &form.err().expect("an error"));
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let _ = app.store.delete_session(&staff.token_hash).await;
    let _ = app
        .store
        .audit(
            Some(&staff.user),
            "logout",
            &staff.user.email,
            "",
            app.now(),
        )
        .await;
    let mut res = Redirect::to("/workspace/login").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session::session_cookie(&app, None));
    res
}

async fn logout_everywhere(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_form(&app, Some(&staff), &form.err().expect("an error"));
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let n = app
        .store
        .delete_sessions_of(staff.user.id)
        .await
        .unwrap_or(0);
    let _ = app
        .store
        .audit(
            Some(&staff.user),
            "logout-everywhere",
            &staff.user.email,
            &format!("{n} sessions"),
            app.now(),
        )
        .await;
    let mut res = Redirect::to("/workspace/login").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session::session_cookie(&app, None));
    res
}

pub(crate) fn account_data(
    app: &AppState,
    staff: &Staff,
    notice: Option<String>,
    error: Option<String>,
) -> Value {
    let langs: Vec<Value> = sitrep_i18n::UI_LANGUAGES
        .iter()
        .filter_map(|(code, _)| Lang::parse(code).ok())
        .map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(l), "current": l == staff.user.ui_lang}))
        .collect();
    json!({"langs": langs, "notice": notice, "error": error, "totp_on": staff.user.totp_secret.is_some(), "totp_setup": null})
}

#[derive(Deserialize)]
struct AccountQuery {
    totp: Option<String>,
}

async fn account(
    State(app): App,
    staff: Staff,
    query: Result<axum::extract::Query<AccountQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = staff.user.ui_lang;
    let required = query
        .ok()
        .and_then(|q| q.0.totp)
        .map(|_| app.i18n.t(lang, "ws-totp-required"));
    let data = account_data(&app, &staff, None, required);
    page(
        &app,
        Some(&staff),
        lang,
        "ws_account.html",
        &app.i18n.t(lang, "ws-nav-account"),
        data,
    )
}

#[derive(Deserialize)]
pub(super) struct AccountForm {
    csrf: String,
    ui_lang: Option<String>,
    current_password: Option<String>,
    new_password: Option<String>,
}

async fn account_save(
    State(app): App,
    mut staff: Staff,
    headers: HeaderMap,
    form: Result<Form<AccountForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_form(&app, Some(&staff), &form.err().expect("an error"));
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let now = app.now();
    if let Some(code) = form.ui_lang.as_deref() {
        let known = sitrep_i18n::UI_LANGUAGES.iter().any(|(c, _)| *c == code);
        match Lang::parse(code) {
            Ok(l) if known => {
                if let Err(e) = app.store.set_user_lang(staff.user.id, l).await {
                    return error_response(&app, Some(&staff), e.into()).await;
                }
                staff.user.ui_lang = l;
            }
            _ => {
                let lang = staff.user.ui_lang;
                let data = account_data(
                    &app,
                    &staff,
                    None,
                    Some(app.i18n.t(lang, "ws-unknown-language")),
                );
                let mut res = page(
                    &app,
                    Some(&staff),
                    lang,
                    "ws_account.html",
                    &app.i18n.t(lang, "ws-nav-account"),
                    data,
                );
                *res.status_mut() = StatusCode::BAD_REQUEST;
                return res;
            }
        }
    }
    let lang = staff.user.ui_lang;
    if let (Some(current), Some(new)) = (form.current_password, form.new_password)
        && !new.is_empty()
    {
        let hash = staff.user.password_hash.clone();
        let ok = tokio::task::spawn_blocking(move || sitrep_auth::verify_password(&current, &hash))
            .await
            .unwrap_or(false);
        let outcome = if !ok {
            Err(app.i18n.t(lang, "ws-wrong-password"))
        } else {
            match tokio::task::spawn_blocking(move || sitrep_auth::hash_password(&new)).await {
                Ok(Ok(h)) => Ok(h),
                Ok(Err(e)) => Err(password_error(&app, lang, &e)),
                Err(_) => Err(app.i18n.t(lang, "server-error-body")),
            }
        };
        match outcome {
            Ok(h) => {
                if let Err(e) = app.store.set_password_hash(staff.user.id, &h).await {
                    return error_response(&app, Some(&staff), e.into()).await;
                }
                let _ = app
                    .store
                    .audit(
                        Some(&staff.user),
                        "password-changed",
                        &staff.user.email,
                        "",
                        now,
                    )
                    .await;
            }
            Err(msg) => {
                let data = account_data(&app, &staff, None, Some(msg));
                let mut res = page(
                    &app,
                    Some(&staff),
                    lang,
                    "ws_account.html",
                    &app.i18n.t(lang, "ws-nav-account"),
                    data,
                );
                *res.status_mut() = StatusCode::BAD_REQUEST;
                return res;
            }
        }
    }
    let data = account_data(&app, &staff, Some(app.i18n.t(lang, "ws-saved")), None);
    page(
        &app,
        Some(&staff),
        lang,
        "ws_account.html",
        &app.i18n.t(lang, "ws-nav-account"),
        data,
    )
}

pub(crate) fn password_error(app: &AppState, lang: Lang, e: &sitrep_auth::PasswordError) -> String {
    match e {
        sitrep_auth::PasswordError::TooShort => app.i18n.t_args(
            lang,
            "ws-password-short",
            &[("min", (sitrep_auth::MIN_PASSWORD_CHARS as i64).into())],
        ),
        sitrep_auth::PasswordError::TooLong => app.i18n.t(lang, "ws-password-long"),
        sitrep_auth::PasswordError::Hashing => app.i18n.t(lang, "server-error-body"),
    }
}

async fn staff_page(
    app: &AppState,
    staff: &Staff,
    form: Value,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let users = match app.store.users().await {
        Ok(u) => u,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let users: Vec<Value> = users
        .iter()
        .map(|u| json!({"id": u.id, "email": u.email, "name": u.name, "role": u.role.as_str(), "role_label": app.i18n.t(lang, &format!("ws-role-{}", u.role.as_str())), "disabled": u.disabled, "me": u.id == staff.user.id}))
        .collect();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| json!({"value": r.as_str(), "label": app.i18n.t(lang, &format!("ws-role-{}", r.as_str()))}))
        .collect();
    let require_totp = app
        .store
        .setting(session::REQUIRE_TOTP)
        .await
        .ok()
        .flatten()
        .as_deref()
        == Some("1");
    let data = json!({"users": users, "roles": roles, "form": form, "error": error, "require_totp": require_totp});
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_staff.html",
        &app.i18n.t(lang, "ws-nav-staff"),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn staff_list(State(app): App, staff: Staff) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    staff_page(
        &app,
        &staff,
        json!({"email": "", "name": "", "role": "author"}),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct StaffForm {
    csrf: String,
    email: String,
    name: String,
    role: String,
    password: String,
}

async fn staff_add(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    form: Result<Form<StaffForm>, FormRejection>,
) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let Ok(Form(form)) = form else {
        return bad_form(&app, Some(&staff), &form.err().expect("an error"));
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let typed = json!({"email": form.email, "name": form.name, "role": form.role});
    let email = form.email.trim();
    let error = if !valid_email(email) {
        Some(app.i18n.t(lang, "ws-bad-email"))
    } else if form.name.trim().is_empty() || form.name.chars().count() > 200 {
        Some(app.i18n.t(lang, "ws-bad-name"))
    } else {
        None
    };
    let Some(role) = Role::parse(&form.role) else {
        return staff_page(
            &app,
            &staff,
            typed,
            Some(app.i18n.t(lang, "ws-bad-role")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    if let Some(error) = error {
        return staff_page(&app, &staff, typed, Some(error), StatusCode::BAD_REQUEST).await;
    }
    let password = form.password.clone();
    let hash =
        match tokio::task::spawn_blocking(move || sitrep_auth::hash_password(&password)).await {
            Ok(Ok(h)) => h,
            Ok(Err(e)) => {
                return staff_page(
                    &app,
                    &staff,
                    typed,
                    Some(password_error(&app, lang, &e)),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
            Err(_) => {
                return error_response(&app, Some(&staff), PageError::BadRequest("hashing".into()))
                    .await;
            }
        };
    let new = NewUser {
        email,
        name: form.name.trim(),
        role,
        password_hash: &hash,
        ui_lang: staff.user.ui_lang,
        author_id: None,
    };
    let now = app.now();
    match app.store.create_user(&new, now).await {
        Ok(_) => {
            let _ = app
                .store
                .audit(Some(&staff.user), "staff-added", email, role.as_str(), now)
                .await;
            Redirect::to("/workspace/staff").into_response()
        }
        Err(sitrep_store::StoreError::Duplicate(_)) => {
            staff_page(
                &app,
                &staff,
                typed,
                Some(app.i18n.t(lang, "ws-email-taken")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

#[derive(Deserialize)]
pub(super) struct AccessForm {
    csrf: String,
    role: String,
    #[serde(default)]
    disabled: Option<String>,
}

/// An admin changes someone's role or disables their account.
async fn staff_access(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    form: Result<Form<AccessForm>, FormRejection>,
) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(&app, Some(&staff), &e),
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let users = match app.store.users().await {
        Ok(u) => u,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let target = path
        .ok()
        .and_then(|p| p.0.parse::<i64>().ok())
        .and_then(|id| users.into_iter().find(|u| u.id == id));
    let Some(target) = target else {
        return not_found(&app, &staff);
    };
    let Some(role) = Role::parse(&form.role) else {
        return staff_page(
            &app,
            &staff,
            json!({"email": "", "name": "", "role": "author"}),
            Some(app.i18n.t(lang, "ws-bad-role")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let disabled = form.disabled.as_deref() == Some("1");
    // Someone must always be able to manage staff.
    let loses_admin =
        target.role == Role::Admin && !target.disabled && (role != Role::Admin || disabled);
    if loses_admin && app.store.count_admins().await.unwrap_or(0) <= 1 {
        return staff_page(
            &app,
            &staff,
            json!({"email": "", "name": "", "role": "author"}),
            Some(app.i18n.t(lang, "ws-last-admin")),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let now = app.now();
    if let Err(e) = app.store.set_user_access(target.id, role, disabled).await {
        return error_response(&app, Some(&staff), e.into()).await;
    }
    let detail = format!(
        "{}{}",
        role.as_str(),
        if disabled { ", disabled" } else { "" }
    );
    let _ = app
        .store
        .audit(
            Some(&staff.user),
            "staff-access",
            &target.email,
            &detail,
            now,
        )
        .await;
    Redirect::to("/workspace/staff").into_response()
}

/// Enough of a check to catch typing slips; delivery tells the rest.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || c == '<'
                || c == '>'
                || c == '"'
                || c == ','
                || c == ';'
        })
}

async fn audit(State(app): App, staff: Staff) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let entries = match app.store.audit_log(200, 0).await {
        Ok(e) => e,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| json!({"at": editor::datetime(e.at), "who": e.user_email, "action": e.action, "subject": e.subject, "detail": e.detail}))
        .collect();
    page(
        &app,
        Some(&staff),
        lang,
        "ws_audit.html",
        &app.i18n.t(lang, "ws-nav-audit"),
        json!({"entries": rows}),
    )
}

use axum::extract::FromRequest;
