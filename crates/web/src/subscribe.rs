//! The newsletter for readers: subscribe (double opt-in), confirm, manage
//! languages, pause, leave, and the one-click unsubscribe of RFC 8058.
//!
//! The answer to a sign-up is the same whether the address is new, waiting
//! for confirmation or already subscribed, so the form tells no one who is
//! on the list. Links in emails carry signed tokens (see `sitrep_auth`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use sitrep_auth::{Purpose, TokenError};
use sitrep_core::{Lang, Timestamp};
use sitrep_i18n::Arg;
use sitrep_store::SubscriberStatus;

use crate::form::{field, fields};
use crate::pages::SiteLang;
use crate::views::{Ctx, Section};
use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

/// A confirmation link is good for a week.
pub const CONFIRM_MAX_AGE: i64 = 7 * 86_400;
/// Sign-ups per address, and per network address, in an hour.
const PER_EMAIL: i64 = 3;
const PER_NETWORK: i64 = 20;
const WINDOW: i64 = 3600;

/// Renders the newsletter page template with `data`.
async fn show(
    app: &AppState,
    lang: Lang,
    status: StatusCode,
    title_id: &str,
    data: Value,
) -> Response {
    let now = app.now();
    let result = async {
        let ctx = Ctx::load(app, lang, now).await?;
        let title = ctx.t(title_id);
        let mut chrome = ctx.chrome(
            &title,
            "",
            Section::None,
            &|l| format!("/{l}/subscribe"),
            &[],
        );
        chrome.noindex = true;
        let langs: Vec<Value> = app
            .langs()
            .iter()
            .map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l)}))
            .collect();
        let mut page = data;
        page["title"] = json!(title);
        page["langs"] = json!(langs);
        Ok::<_, PageError>(app.renderer.render("subscribe.html", &chrome, &page)?)
    }
    .await;
    crate::pages::private_page(app, lang, status, result).await
}

/// The site's languages ticked in a form (`lang` fields); others are
/// passed over.
pub(crate) fn chosen_langs(f: &[(String, String)], site_langs: &[Lang]) -> Vec<Lang> {
    f.iter()
        .filter(|(k, _)| k == "lang")
        .filter_map(|(_, v)| Lang::parse(v).ok())
        .filter(|l| site_langs.contains(l))
        .collect()
}

/// `GET /{lang}/subscribe`: the form, with the page's language ticked.
pub async fn form(State(app): App, SiteLang(lang): SiteLang) -> Response {
    show(
        &app,
        lang,
        StatusCode::OK,
        "subscribe-title",
        json!({"step": "form", "email": "", "chosen": [lang.as_str()], "error": null}),
    )
    .await
}

/// `POST /{lang}/subscribe`.
pub async fn subscribe(State(app): App, SiteLang(lang): SiteLang, req: Request) -> Response {
    let headers = req.headers().clone();
    let network = crate::workspace::client_address(
        &headers,
        req.extensions().get::<ConnectInfo<SocketAddr>>(),
    );
    let body = match axum::body::to_bytes(req.into_body(), 16 * 1024).await {
        Ok(b) => b,
        Err(_) => return show(&app, lang, StatusCode::PAYLOAD_TOO_LARGE, "subscribe-title", json!({"step": "form", "email": "", "chosen": [], "error": app.i18n.t(lang, "subscribe-bad-email")})).await,
    };
    let f = fields(&body);
    let email = field(&f, "email").trim().to_owned();
    let site_langs = app.langs();
    let chosen = chosen_langs(&f, &site_langs);
    let chosen_codes: Vec<&str> = chosen.iter().map(|l| l.as_str()).collect();
    let retry = |key: &str| json!({"step": "form", "email": email, "chosen": chosen_codes, "error": app.i18n.t(lang, key)});
    if !crate::workspace::valid_email(&email) {
        return show(
            &app,
            lang,
            StatusCode::BAD_REQUEST,
            "subscribe-title",
            retry("subscribe-bad-email"),
        )
        .await;
    }
    if chosen.is_empty() {
        return show(
            &app,
            lang,
            StatusCode::BAD_REQUEST,
            "subscribe-title",
            retry("subscribe-no-language"),
        )
        .await;
    }
    let now = app.now();
    let done = json!({"step": "check-inbox", "email": email});
    // A filled honeypot is a robot: it gets the usual answer and nothing else.
    if !field(&f, "website").is_empty() {
        return show(&app, lang, StatusCode::OK, "subscribe-check-title", done).await;
    }
    let since = now - WINDOW;
    let network_key = format!("subscribe-network:{network}");
    let email_key = format!("subscribe-email:{}", sitrep_store::normalize_email(&email));
    let counted = app.recent_tries(&network_key, &email_key, since).await;
    let (by_network, by_email) = match counted {
        Ok(counts) => counts,
        Err(e) => return not_signed_up(&app, lang, retry, e.into()).await,
    };
    if by_network >= PER_NETWORK {
        return show(
            &app,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "subscribe-title",
            retry("subscribe-too-many"),
        )
        .await;
    }
    // The tries are counted on a best-effort basis, but a database that
    // cannot be reached would make the sign-up wait for it once more.
    for key in [&network_key, &email_key] {
        if let Err(e) = app.store.record_login_failure(key, now, since).await
            && e.is_unreachable()
        {
            return not_signed_up(&app, lang, retry, e.into()).await;
        }
    }
    // Past the per-address limit, nothing more is sent, but the answer is
    // the same: the form must not tell whether an address is known.
    if by_email < PER_EMAIL
        && let Err(e) = sign_up(&app, lang, &email, &chosen, &network, now).await
    {
        return not_signed_up(&app, lang, retry, e).await;
    }
    show(&app, lang, StatusCode::OK, "subscribe-check-title", done).await
}

/// The form again, with the reason, when the sign-up could not be kept;
/// `retry` makes the form's data from a message id.
async fn not_signed_up(
    app: &AppState,
    lang: Lang,
    retry: impl Fn(&str) -> serde_json::Value,
    e: PageError,
) -> Response {
    tracing::error!(error = %e, "sign-up failed");
    let key = if matches!(&e, PageError::Store(s) if s.is_unavailable()) {
        "unavailable-body"
    } else {
        "server-error-body"
    };
    let mut response = show(
        app,
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        "subscribe-title",
        retry(key),
    )
    .await;
    crate::outage::mark(&mut response, e.is_database_away());
    response
}

/// Records the sign-up and sends what fits the address's state.
async fn sign_up(
    app: &AppState,
    lang: Lang,
    email: &str,
    chosen: &[Lang],
    network: &str,
    now: Timestamp,
) -> Result<(), PageError> {
    let consent = format!(
        "form /{lang}/subscribe {} from {network}",
        crate::workspace::datetime(now)
    );
    let existing = app.store.subscriber_by_email(email).await?;
    let (id, send_confirm) = match existing {
        None => {
            let mut w = app.store.writer().await?;
            let id = w.add_subscriber(email, chosen, &consent, now).await?;
            w.commit_bookkeeping().await?;
            (id, true)
        }
        Some(s) => match s.status {
            SubscriberStatus::Pending | SubscriberStatus::Unsubscribed => {
                let mut w = app.store.writer().await?;
                w.set_subscriber_consent(s.id, chosen, &consent, now)
                    .await?;
                w.set_subscriber(s.id, SubscriberStatus::Pending, None, now)
                    .await?;
                w.commit_bookkeeping().await?;
                (s.id, true)
            }
            SubscriberStatus::Active | SubscriberStatus::Paused => (s.id, false),
            // Addresses that bounce or complained get nothing more.
            SubscriberStatus::Bounced | SubscriberStatus::Complained => return Ok(()),
        },
    };
    let secret = app.token_secret().await?;
    let base = app.public_url.clone();
    let (subject_id, body_id, link) = if send_confirm {
        let token = sitrep_auth::sign(&secret, Purpose::Confirm, id, now);
        (
            "email-confirm-subject",
            "email-confirm-body",
            format!("{base}/{lang}/subscribe/confirm?t={token}"),
        )
    } else {
        let token = sitrep_auth::sign(&secret, Purpose::Manage, id, now);
        (
            "email-known-subject",
            "email-known-body",
            format!("{base}/{lang}/subscription?t={token}"),
        )
    };
    let site = crate::notice::site_name(app, lang).await?;
    let subject = app
        .i18n
        .t_args(lang, subject_id, &[("site", Arg::Str(&site))]);
    let intro = app.i18n.t_args(lang, body_id, &[("site", Arg::Str(&site))]);
    let button = app.i18n.t(
        lang,
        if send_confirm {
            "email-confirm-button"
        } else {
            "email-manage-button"
        },
    );
    crate::notice::send(
        app,
        &crate::notice::Notice {
            to: email,
            lang,
            subject: &subject,
            paragraphs: &[intro],
            link: Some((&button, &link)),
        },
        now,
    )
    .await
}

#[derive(Deserialize)]
pub struct TokenQuery {
    t: Option<String>,
}

/// A token from a link; `Err` is the page that says what is wrong with it.
async fn subscriber_from(
    app: &AppState,
    lang: Lang,
    purpose: Purpose,
    token: &str,
    max_age: Option<i64>,
) -> Result<sitrep_store::Subscriber, Response> {
    let now = app.now();
    let secret = match app.token_secret().await {
        Ok(s) => s,
        Err(e) => return Err(crate::pages::error_page(app, lang, e.into()).await),
    };
    let bad = |key: &'static str| async move {
        show(
            app,
            lang,
            StatusCode::BAD_REQUEST,
            "subscribe-link-title",
            json!({"step": "bad-link", "message": app.i18n.t(lang, key)}),
        )
        .await
    };
    let id = match sitrep_auth::verify(&secret, purpose, token, now, max_age) {
        Ok(id) => id,
        Err(TokenError::Expired) => return Err(bad("subscribe-link-expired").await),
        Err(TokenError::Invalid) => return Err(bad("subscribe-link-invalid").await),
    };
    match app.store.subscriber(id).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(bad("subscribe-link-invalid").await),
        Err(e) => Err(crate::pages::error_page(app, lang, e.into()).await),
    }
}

/// `GET /{lang}/subscribe/confirm?t=…`: the double opt-in's second step.
pub async fn confirm(
    State(app): App,
    SiteLang(lang): SiteLang,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let token = query.ok().and_then(|q| q.0.t).unwrap_or_default();
    let s = match subscriber_from(&app, lang, Purpose::Confirm, &token, Some(CONFIRM_MAX_AGE)).await
    {
        Ok(s) => s,
        Err(r) => return r,
    };
    let now = app.now();
    if matches!(
        s.status,
        SubscriberStatus::Pending | SubscriberStatus::Unsubscribed | SubscriberStatus::Paused
    ) {
        let done = async {
            let mut w = app.store.writer().await?;
            w.set_subscriber(s.id, SubscriberStatus::Active, None, now)
                .await?;
            w.commit_bookkeeping().await
        }
        .await;
        if let Err(e) = done {
            return crate::pages::error_page(&app, lang, e.into()).await;
        }
    }
    let manage = match app.token_secret().await {
        Ok(secret) => format!(
            "/{lang}/subscription?t={}",
            sitrep_auth::sign(&secret, Purpose::Manage, s.id, now)
        ),
        Err(e) => return crate::pages::error_page(&app, lang, e.into()).await,
    };
    show(
        &app,
        lang,
        StatusCode::OK,
        "subscribe-confirmed-title",
        json!({"step": "confirmed", "manage": manage}),
    )
    .await
}

/// `GET /{lang}/subscription?t=…`: languages, pause, leave.
pub async fn manage(
    State(app): App,
    SiteLang(lang): SiteLang,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let token = query.ok().and_then(|q| q.0.t).unwrap_or_default();
    let s = match subscriber_from(&app, lang, Purpose::Manage, &token, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    manage_page(&app, lang, &s, &token, None).await
}

async fn manage_page(
    app: &AppState,
    lang: Lang,
    s: &sitrep_store::Subscriber,
    token: &str,
    notice: Option<String>,
) -> Response {
    let chosen: Vec<&str> = s.langs.iter().map(|l| l.as_str()).collect();
    let data = json!({"step": "manage", "token": token, "email": s.email, "chosen": chosen, "status": s.status.as_str(), "notice": notice});
    show(app, lang, StatusCode::OK, "subscribe-manage-title", data).await
}

/// `POST /{lang}/subscription`: save languages, pause, resume or leave.
pub async fn manage_save(State(app): App, SiteLang(lang): SiteLang, body: Bytes) -> Response {
    let f = fields(&body);
    let token = field(&f, "t").to_owned();
    let s = match subscriber_from(&app, lang, Purpose::Manage, &token, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let site_langs = app.langs();
    let chosen = chosen_langs(&f, &site_langs);
    let (status, notice) = match field(&f, "action") {
        "leave" => (SubscriberStatus::Unsubscribed, "subscribe-left"),
        "pause" => (SubscriberStatus::Paused, "subscribe-paused"),
        "resume" => (SubscriberStatus::Active, "subscribe-saved"),
        _ => (s.status, "subscribe-saved"),
    };
    // Bounced or complained addresses stay so: only an editor can undo that.
    let status = if matches!(
        s.status,
        SubscriberStatus::Bounced | SubscriberStatus::Complained
    ) {
        s.status
    } else {
        status
    };
    if chosen.is_empty() && status != SubscriberStatus::Unsubscribed {
        let mut page = manage_page(
            &app,
            lang,
            &s,
            &token,
            Some(app.i18n.t(lang, "subscribe-no-language")),
        )
        .await;
        *page.status_mut() = StatusCode::BAD_REQUEST;
        return page;
    }
    let now = app.now();
    let done = async {
        let mut w = app.store.writer().await?;
        w.set_subscriber(
            s.id,
            status,
            (!chosen.is_empty()).then_some(chosen.as_slice()),
            now,
        )
        .await?;
        w.commit_bookkeeping().await
    }
    .await;
    if let Err(e) = done {
        return crate::pages::error_page(&app, lang, e.into()).await;
    }
    match app.store.subscriber(s.id).await {
        Ok(Some(s)) => manage_page(&app, lang, &s, &token, Some(app.i18n.t(lang, notice))).await,
        _ => crate::pages::error_page(&app, lang, PageError::NotFound).await,
    }
}

/// `POST /unsubscribe?t=…`: RFC 8058 one-click, as mail clients send it
/// (`List-Unsubscribe=One-Click`); no login, no further step.
pub async fn one_click(
    State(app): App,
    headers: HeaderMap,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = crate::pages::reader_lang(&app, &headers);
    let token = query.ok().and_then(|q| q.0.t).unwrap_or_default();
    let s = match subscriber_from(&app, lang, Purpose::Manage, &token, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let now = app.now();
    let done = async {
        let mut w = app.store.writer().await?;
        if !matches!(
            s.status,
            SubscriberStatus::Bounced | SubscriberStatus::Complained
        ) {
            w.set_subscriber(s.id, SubscriberStatus::Unsubscribed, None, now)
                .await?;
        }
        w.commit_bookkeeping().await
    }
    .await;
    match done {
        Ok(()) => {
            show(
                &app,
                lang,
                StatusCode::OK,
                "subscribe-left-title",
                json!({"step": "left"}),
            )
            .await
        }
        Err(e) => crate::pages::error_page(&app, lang, e.into()).await,
    }
}

/// `GET /{lang}/letter/{edition}?t=…`: the letter in the browser, for
/// subscribers, before the edition is on the web.
pub async fn letter(
    State(app): App,
    SiteLang(lang): SiteLang,
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(edition) = path.ok().and_then(|p| p.0.1.parse::<i64>().ok()) else {
        return crate::pages::error_page(&app, lang, PageError::NotFound).await;
    };
    let token = query.ok().and_then(|q| q.0.t).unwrap_or_default();
    let now = app.now();
    let secret = match app.token_secret().await {
        Ok(s) => s,
        Err(e) => return crate::pages::error_page(&app, lang, e.into()).await,
    };
    if sitrep_auth::verify(&secret, Purpose::View, &token, now, None) != Ok(edition) {
        return show(
            &app,
            lang,
            StatusCode::BAD_REQUEST,
            "subscribe-link-title",
            json!({"step": "bad-link", "message": app.i18n.t(lang, "subscribe-link-invalid")}),
        )
        .await;
    }
    match crate::newsletter::letter(&app, edition, lang, now).await {
        Ok(Some(l)) => crate::headers::letter_page(l.html_linking(&format!("/{lang}/subscribe"))),
        Ok(None) => crate::pages::error_page(&app, lang, PageError::NotFound).await,
        Err(e) => crate::pages::error_page(&app, lang, e).await,
    }
}
