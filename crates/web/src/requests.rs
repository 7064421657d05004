//! "Request analysis": the public form at `/{lang}/request`. A request is
//! kept, acknowledged to the requester by email in the language they want
//! the answer in, and announced to the editors by email; the workspace's
//! inbox (`workspace::requests`) is where they work on it.
//!
//! Robots are kept out by a honeypot field and limits per network and per
//! address, with no third-party captcha. A refused form comes back with
//! every field as typed and the reasons in the reader's language.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use sitrep_core::{Action, Lang, Timestamp};
use sitrep_i18n::Arg;
use sitrep_store::NewRequest;

use sitrep_render::urls;

use crate::form::{field, fields};
use crate::notice::{self, Notice};
use crate::pages::SiteLang;
use crate::views::{Ctx, Section};
use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

pub const MAX_NAME: usize = 200;
pub const MAX_QUESTION: usize = 10_000;
/// A form body larger than this is refused before it is read.
const MAX_BODY: usize = 64 * 1024;
/// Requests per network address, and per email address, in an hour.
const PER_NETWORK: i64 = 10;
const PER_EMAIL: i64 = 3;
const WINDOW: i64 = 3600;

/// What the form holds, as typed.
#[derive(Default)]
pub(crate) struct Typed {
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) organisation: String,
    pub(crate) topic: String,
    pub(crate) question: String,
    pub(crate) lang: String,
}

impl Typed {
    pub(crate) fn read(f: &[(String, String)]) -> Typed {
        Typed {
            name: field(f, "name").trim().to_owned(),
            email: field(f, "email").trim().to_owned(),
            organisation: field(f, "organisation").trim().to_owned(),
            topic: field(f, "topic").to_owned(),
            question: field(f, "question").trim().to_owned(),
            lang: field(f, "lang").to_owned(),
        }
    }
}

/// The form again, with what was typed, when the request could not be
/// stored.
async fn not_stored(
    app: &AppState,
    lang: Lang,
    typed: &Typed,
    e: sitrep_store::StoreError,
) -> Response {
    tracing::error!(error = %e, "an analysis request could not be stored");
    let key = if e.is_unavailable() {
        "unavailable-body"
    } else {
        "server-error-body"
    };
    let errors = [app.i18n.t(lang, key)];
    let mut response = show(
        app,
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        typed,
        &errors,
        None,
    )
    .await;
    crate::outage::mark(&mut response, e.is_unreachable());
    response
}

async fn show(
    app: &AppState,
    lang: Lang,
    status: StatusCode,
    typed: &Typed,
    errors: &[String],
    thanks: Option<&str>,
) -> Response {
    let now = app.now();
    let result = async {
        let ctx = Ctx::load(app, lang, now).await?;
        let title = ctx.t(if thanks.is_some() {
            "request-thanks-title"
        } else {
            "request-title"
        });
        let mut chrome = ctx.chrome(
            &title,
            &ctx.t("request-intro"),
            Section::None,
            &|l| urls::request(l),
            &app.langs(),
        );
        chrome.noindex = thanks.is_some() || !errors.is_empty();
        let topics: Vec<Value> = ctx
            .catalog
            .trends
            .iter()
            .map(|t| {
                let name = ctx.trend_link(t, None).name;
                json!({"value": t.slug, "label": name, "selected": t.slug == typed.topic})
            })
            .collect();
        let chosen = if typed.lang.is_empty() {
            lang.as_str()
        } else {
            typed.lang.as_str()
        };
        let langs: Vec<Value> = app
            .langs()
            .iter()
            .map(|l| json!({"value": l.as_str(), "label": app.i18n.endonym(*l), "selected": l.as_str() == chosen}))
            .collect();
        let page = json!({
            "title": title,
            "thanks": thanks.map(|email| ctx.t_args("request-thanks", &[("email", Arg::Str(email))])),
            "errors": errors,
            "form": {"name": typed.name, "email": typed.email, "organisation": typed.organisation,
                     "question": typed.question},
            "topics": topics, "langs": langs,
            "max_name": MAX_NAME, "max_question": MAX_QUESTION,
        });
        Ok::<_, PageError>(app.renderer.render("request.html", &chrome, &page)?)
    }
    .await;
    crate::pages::private_page(app, lang, status, result).await
}

/// `GET /{lang}/request`.
pub async fn form(State(app): App, SiteLang(lang): SiteLang) -> Response {
    show(&app, lang, StatusCode::OK, &Typed::default(), &[], None).await
}

/// `POST /{lang}/request`.
pub async fn submit(State(app): App, SiteLang(lang): SiteLang, req: Request) -> Response {
    let network = crate::workspace::client_address(
        req.headers(),
        req.extensions().get::<ConnectInfo<SocketAddr>>(),
    );
    let Ok(body) = axum::body::to_bytes(req.into_body(), MAX_BODY).await else {
        let errors = [app.i18n.t(lang, "request-too-large")];
        return show(
            &app,
            lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            &Typed::default(),
            &errors,
            None,
        )
        .await;
    };
    let f = fields(&body);
    let typed = Typed::read(&f);
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return crate::pages::error_page(&app, lang, e.into()).await,
    };
    let t = |id: &str| app.i18n.t(lang, id);
    let max = |id: &str, n: usize| app.i18n.t_args(lang, id, &[("max", (n as i64).into())]);
    let mut errors = Vec::new();
    if typed.name.is_empty() || typed.name.chars().count() > MAX_NAME {
        errors.push(max("request-bad-name", MAX_NAME));
    }
    if !crate::workspace::valid_email(&typed.email) {
        errors.push(t("request-bad-email"));
    }
    if typed.organisation.chars().count() > MAX_NAME {
        errors.push(max("request-bad-organisation", MAX_NAME));
    }
    let trend = catalog.trend_by_slug(&typed.topic);
    if !typed.topic.is_empty() && trend.is_none() {
        errors.push(t("request-bad-topic"));
    }
    if typed.question.is_empty() || typed.question.chars().count() > MAX_QUESTION {
        errors.push(max("request-bad-question", MAX_QUESTION));
    }
    let answer_lang = Lang::parse(&typed.lang)
        .ok()
        .filter(|l| app.langs().contains(l));
    if answer_lang.is_none() {
        errors.push(t("request-bad-language"));
    }
    if !errors.is_empty() {
        return show(&app, lang, StatusCode::BAD_REQUEST, &typed, &errors, None).await;
    }
    let answer_lang = answer_lang.unwrap_or(lang);
    let blank = Typed::default();
    let thanks = || show(&app, lang, StatusCode::OK, &blank, &[], Some(&typed.email));
    // A filled honeypot is a robot: it is thanked and nothing is kept.
    if !field(&f, "website").is_empty() {
        return thanks().await;
    }
    let now = app.now();
    let network_key = format!("request-network:{network}");
    let email_key = format!(
        "request-email:{}",
        sitrep_store::normalize_email(&typed.email)
    );
    let since = now - WINDOW;
    let counted = app.recent_tries(&network_key, &email_key, since).await;
    let (by_network, by_email) = match counted {
        Ok(counts) => counts,
        Err(e) => return not_stored(&app, lang, &typed, e).await,
    };
    if by_network >= PER_NETWORK || by_email >= PER_EMAIL {
        let errors = [t("request-too-many")];
        return show(
            &app,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            &typed,
            &errors,
            None,
        )
        .await;
    }
    let _ = app
        .store
        .record_login_failure(&network_key, now, since)
        .await;
    let _ = app.store.record_login_failure(&email_key, now, since).await;
    let new = NewRequest {
        name: &typed.name,
        email: &typed.email,
        organisation: &typed.organisation,
        trend_id: trend.map(|t| t.id),
        question: &typed.question,
        lang: answer_lang,
    };
    let stored = async {
        let mut w = app.store.writer().await?;
        let id = w.add_request(&new, now).await?;
        w.commit_bookkeeping().await?;
        Ok::<_, sitrep_store::StoreError>(id)
    }
    .await;
    let id = match stored {
        Ok(id) => id,
        Err(e) => return not_stored(&app, lang, &typed, e).await,
    };
    // The request is kept: a mail that fails is logged, not lost work.
    if let Err(e) = acknowledge(&app, &typed.email, answer_lang, now).await {
        tracing::warn!(error = %e, request = id, "the acknowledgement could not be sent");
    }
    let topic = trend.map(|t| t.slug.as_str());
    if let Err(e) = tell_editors(&app, id, &typed.name, topic, answer_lang, now).await {
        tracing::warn!(error = %e, request = id, "the editors could not be told of a request");
    }
    thanks().await
}

async fn acknowledge(
    app: &AppState,
    to: &str,
    lang: Lang,
    now: Timestamp,
) -> Result<(), PageError> {
    let site = notice::site_name(app, lang).await?;
    let subject = app
        .i18n
        .t_args(lang, "email-request-subject", &[("site", Arg::Str(&site))]);
    let home = format!("{}/{lang}/", app.public_url);
    let button = app.i18n.t(lang, "email-request-button");
    notice::send(
        app,
        &Notice {
            to,
            lang,
            subject: &subject,
            paragraphs: &[app.i18n.t(lang, "email-request-body")],
            link: Some((&button, &home)),
        },
        now,
    )
    .await
}

/// A short email to every editor and admin, in their workspace language;
/// it names the requester and topic, not the question.
async fn tell_editors(
    app: &AppState,
    id: i64,
    name: &str,
    topic: Option<&str>,
    answer_lang: Lang,
    now: Timestamp,
) -> Result<(), PageError> {
    let catalog = app.catalog().await?;
    let link = format!("{}/workspace/requests/{id}", app.public_url);
    for user in app.store.users().await? {
        if user.disabled || !user.role.may(Action::ManageEditions) {
            continue;
        }
        let lang = user.ui_lang;
        let topic = topic
            .and_then(|slug| catalog.trend_by_slug(slug))
            .and_then(|t| t.names.get(&lang).or_else(|| t.names.values().next()))
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| app.i18n.t(lang, "request-topic-other"));
        let subject = app.i18n.t_args(
            lang,
            "email-request-new-subject",
            &[("topic", Arg::Str(&topic))],
        );
        let body = app.i18n.t_args(
            lang,
            "email-request-new-body",
            &[
                ("name", Arg::Str(name)),
                ("topic", Arg::Str(&topic)),
                ("lang", Arg::Str(&app.i18n.endonym(answer_lang))),
            ],
        );
        let button = app.i18n.t(lang, "email-request-new-button");
        // One address that fails does not keep the others from hearing.
        let sent = notice::send(
            app,
            &Notice {
                to: &user.email,
                lang,
                subject: &subject,
                paragraphs: &[body],
                link: Some((&button, &link)),
            },
            now,
        )
        .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, request = id, user = user.id, "an editor could not be told of a request");
        }
    }
    Ok(())
}
