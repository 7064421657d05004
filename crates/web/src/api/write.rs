//! The write API: staff act through personal tokens (`Authorization:
//! Bearer sitrep_…`) to create and edit commentaries, move them through the
//! workflow and schedule them, make and schedule editions, and manage
//! subscribers.
//!
//! A token acts with the role it was made with, and with exactly the
//! permissions the workspace gives that role: the same `Role::may` checks,
//! the same validation and the same revision-checked saves. Every write is
//! in the audit log under the token's owner, naming the token.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sitrep_core::{Action, EditionWeek, Lang, Status, Timestamp};
use sitrep_store::{
    DeskCommentary, DeskEdition, SaveOutcome, StoreError, Subscriber, SubscriberFilter,
    SubscriberStatus, User, VersionEdit,
};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, Meta, error, meta, paging, rfc3339};
use crate::workspace::Staff;
use crate::workspace::editions::make_edition;
use crate::workspace::editor::{
    can_edit, can_set_status, start_commentary, validate, write_status, write_version,
};
use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

/// What a token's text starts with, so it is recognisable in a leak scan.
pub const TOKEN_PREFIX: &str = "sitrep_";

/// A new token's text (shown once) and the hash that is kept.
pub fn new_token() -> (String, String) {
    let text = format!("{TOKEN_PREFIX}{}", sitrep_auth::new_token());
    let hash = sitrep_auth::token_hash(&text);
    (text, hash)
}

// ------------------------------------------------------------------ caller

/// The staff member a request's token speaks for, acting with the token's
/// role.
pub struct Caller {
    staff: Staff,
    token_name: String,
}

fn unauthorized(message: &str) -> Response {
    let mut res = error(StatusCode::UNAUTHORIZED, message);
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"sitrep\""),
    );
    res
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Caller, Response> {
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            });
        let Some(token) = given.filter(|t| !t.is_empty()) else {
            return Err(unauthorized(
                "this call needs a personal API token: Authorization: Bearer sitrep_…",
            ));
        };
        let holder = app
            .store
            .token_holder(&sitrep_auth::token_hash(&token))
            .await
            .map_err(|e| super::failed(e.into()))?;
        let Some(holder) = holder else {
            return Err(unauthorized("the token is unknown or has been revoked"));
        };
        if !holder.user.role.covers(holder.token_role) {
            return Err(error(
                StatusCode::FORBIDDEN,
                "the token's role is above its owner's role now; make a new token",
            ));
        }
        let now = app.now();
        if holder.last_used_at.is_none_or(|t| now - t >= 60) {
            // Only a note; a failure here does not refuse the call.
            let _ = app.store.touch_api_token(holder.token_id, now).await;
        }
        let user = User {
            role: holder.token_role,
            ..holder.user
        };
        Ok(Caller {
            staff: Staff {
                user,
                csrf: String::new(),
                token_hash: String::new(),
            },
            token_name: holder.token_name,
        })
    }
}

impl Caller {
    fn lang(&self) -> Lang {
        self.staff.user.ui_lang
    }

    fn may(&self, action: Action) -> Result<(), Response> {
        if self.staff.user.role.may(action) {
            Ok(())
        } else {
            Err(self.forbidden())
        }
    }

    fn forbidden(&self) -> Response {
        error(
            StatusCode::FORBIDDEN,
            format!(
                "a token with the role {} may not do this",
                self.staff.user.role.as_str()
            ),
        )
    }

    /// What the audit log adds to an entry made through the token.
    fn via(&self) -> String {
        format!(" · API token \"{}\"", self.token_name)
    }

    /// Writes the audit entry for a change made through the token.
    async fn audit(
        &self,
        w: &mut sitrep_store::Writer,
        action: &str,
        subject: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let detail = if detail.is_empty() {
            format!("API token \"{}\"", self.token_name)
        } else {
            format!("{detail} · API token \"{}\"", self.token_name)
        };
        w.audit(Some(&self.staff.user), action, subject, &detail, now)
            .await
    }
}

// ------------------------------------------------------------------ shapes

/// Who the token speaks for.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub email: String,
    pub name: String,
    /// The role the token acts with.
    pub role: String,
    /// The token's name.
    pub token: String,
}

/// A commentary as the workspace sees it: every version, in any state.
#[derive(Serialize, ToSchema)]
pub struct DeskCommentaryOut {
    pub id: i64,
    /// The edition's number.
    pub edition: i64,
    pub trend: String,
    pub assessment: String,
    pub authors: Vec<String>,
    pub versions: Vec<DeskVersionOut>,
}

#[derive(Serialize, ToSchema)]
pub struct DeskVersionOut {
    pub lang: String,
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub body_markdown: String,
    /// draft, review, approved or published.
    pub status: String,
    /// Send this back as `revision` when saving.
    pub revision: i64,
    /// When a published version is (or was) made public (RFC 3339).
    pub publish_at: Option<String>,
    /// The language it was translated from; absent for the original.
    pub source_lang: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentaryIn {
    /// The edition's number.
    pub edition: i64,
    /// The trend's slug.
    pub trend: String,
    /// The assessment's key.
    pub assessment: String,
    /// The first version's language.
    pub lang: String,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub lead: String,
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionIn {
    /// The revision the text was based on; required when the version
    /// exists. If someone saved since, nothing is written (409).
    pub revision: Option<i64>,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub lead: String,
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// draft, review, approved or published.
    pub status: String,
    /// For published: when it becomes public (RFC 3339); now when absent.
    pub publish_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeskEditionOut {
    pub number: i64,
    pub week_start: String,
    pub week_end: String,
    /// When the newsletter goes out (RFC 3339), if decided.
    pub email_at: Option<String>,
    /// When it appears on the web (RFC 3339), if decided.
    pub web_at: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEditionIn {
    /// The first day of the week it covers (YYYY-MM-DD).
    pub week_start: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleIn {
    /// When it appears on the web (RFC 3339); null leaves it undecided.
    pub web_at: Option<String>,
    /// When the newsletter goes out (RFC 3339); null leaves it undecided.
    pub email_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SubscriberOut {
    pub id: i64,
    pub email: String,
    pub langs: Vec<String>,
    /// pending, active, unsubscribed, bounced or complained.
    pub status: String,
    /// How and when they agreed.
    pub consent: String,
    pub created_at: String,
    pub confirmed_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SubscriberList {
    pub data: Vec<SubscriberOut>,
    pub meta: Meta,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscriberIn {
    pub email: String,
    /// Language codes of the letters they want.
    pub langs: Vec<String>,
    /// How and when they agreed to receive the newsletter.
    pub consent: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriberQuery {
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
    /// Only subscribers in this state.
    pub status: Option<String>,
}

// ------------------------------------------------------------------ helpers

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Response> {
    b.map(|Json(v)| v)
        .map_err(|e| error(e.status(), e.body_text()))
}

fn bad(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, message)
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found")
}

fn store_failed(e: StoreError) -> Response {
    super::failed(PageError::Store(e))
}

fn created<T: Serialize>(status: StatusCode, v: &T) -> Response {
    (status, Json(v)).into_response()
}

fn moment(raw: &str) -> Option<Timestamp> {
    raw.trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}

fn optional_moment(raw: &Option<String>, what: &str) -> Result<Option<Timestamp>, Response> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => moment(v).map(Some).ok_or_else(|| {
            bad(format!(
                "{what} must be an RFC 3339 time such as 2026-12-01T09:00:00Z"
            ))
        }),
    }
}

fn served_lang(app: &AppState, code: &str) -> Result<Lang, Response> {
    Lang::parse(code.trim())
        .ok()
        .filter(|l| app.langs().contains(l))
        .ok_or_else(|| bad(format!("the site has no language \"{}\"", code.trim())))
}

async fn desk_out(app: &AppState, c: &DeskCommentary) -> Result<DeskCommentaryOut, StoreError> {
    let catalog = app.catalog().await?;
    let editions = app.store.desk_editions().await?;
    Ok(DeskCommentaryOut {
        id: c.id,
        edition: editions
            .iter()
            .find(|e| e.id == c.edition_id)
            .map_or(0, |e| e.number),
        trend: catalog
            .trend(c.trend_id)
            .map(|t| t.slug.clone())
            .unwrap_or_default(),
        assessment: catalog
            .assessment(c.assessment_id)
            .map(|a| a.key.clone())
            .unwrap_or_default(),
        authors: c
            .authors
            .iter()
            .filter_map(|a| catalog.author(*a).map(|a| a.slug.clone()))
            .collect(),
        versions: c
            .versions
            .iter()
            .map(|v| DeskVersionOut {
                lang: v.lang.to_string(),
                slug: v.slug.clone(),
                title: v.title.clone(),
                lead: v.lead.clone(),
                body_markdown: v.body.clone(),
                status: v.status.as_str().to_owned(),
                revision: v.revision,
                publish_at: v.published_at.map(rfc3339),
                source_lang: v.source_lang.map(|l| l.to_string()),
            })
            .collect(),
    })
}

/// The commentary as it is now, as an answer.
async fn commentary_answer(app: &AppState, id: i64, status: StatusCode) -> Response {
    let found = async {
        match app.store.desk_commentary(id).await? {
            Some(c) => desk_out(app, &c).await.map(Some),
            None => Ok(None),
        }
    }
    .await;
    match found {
        Ok(Some(out)) => created(status, &out),
        Ok(None) => not_found(),
        Err(e) => store_failed(e),
    }
}

fn edition_out(e: &DeskEdition) -> DeskEditionOut {
    DeskEditionOut {
        number: e.number,
        week_start: e.week_start.clone(),
        week_end: e.week_end.clone(),
        email_at: e.email_at.map(rfc3339),
        web_at: e.web_at.map(rfc3339),
    }
}

fn subscriber_out(s: &Subscriber) -> SubscriberOut {
    SubscriberOut {
        id: s.id,
        email: s.email.clone(),
        langs: s.langs.iter().map(|l| l.to_string()).collect(),
        status: s.status.as_str().to_owned(),
        consent: s.consent.clone(),
        created_at: rfc3339(s.created_at),
        confirmed_at: s.confirmed_at.map(rfc3339),
    }
}

/// What a call on one version names: the commentary (which must exist),
/// a language of the site, and the body, each checked in that order.
async fn version_call<T>(
    app: &AppState,
    path: Result<Path<(i64, String)>, PathRejection>,
    input: Result<Json<T>, JsonRejection>,
) -> Result<(DeskCommentary, Lang, T), Response> {
    let Ok(Path((id, code))) = path else {
        return Err(bad("the address must name a commentary id and a language"));
    };
    let vlang = served_lang(app, &code)?;
    let c = commentary_of(app, id).await?;
    Ok((c, vlang, body(input)?))
}

async fn commentary_of(app: &AppState, id: i64) -> Result<DeskCommentary, Response> {
    app.store
        .desk_commentary(id)
        .await
        .map_err(store_failed)?
        .ok_or_else(not_found)
}

// ------------------------------------------------------------------ handlers

/// Who the token speaks for, and with which role.
#[utoipa::path(get, path = "/api/v1/me", tag = "staff", security(("token" = [])),
    responses((status = 200, body = Me), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn me(caller: Caller) -> Response {
    let u = &caller.staff.user;
    created(
        StatusCode::OK,
        &Me {
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.as_str().to_owned(),
            token: caller.token_name.clone(),
        },
    )
}

/// One commentary with every version, in any state.
#[utoipa::path(get, path = "/api/v1/desk/commentaries/{id}", tag = "staff", security(("token" = [])),
    params(("id" = i64, Path, description = "The commentary's id")),
    responses((status = 200, body = DeskCommentaryOut), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn desk_commentary(
    State(app): App,
    caller: Caller,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::ReadWorkspace) {
        return r;
    }
    let Ok(Path(id)) = path else {
        return bad("the commentary's id must be a number");
    };
    commentary_answer(&app, id, StatusCode::OK).await
}

/// Starts a commentary with its first version (a draft), as the workspace's
/// "New commentary" does; the token's owner is its author.
#[utoipa::path(post, path = "/api/v1/commentaries", tag = "staff", security(("token" = [])),
    request_body = NewCommentaryIn,
    responses((status = 201, body = DeskCommentaryOut), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 409, body = ApiError), (status = 415, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_commentary(
    State(app): App,
    caller: Caller,
    input: Result<Json<NewCommentaryIn>, JsonRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::CreateCommentary) {
        return r;
    }
    let input = match body(input) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lang = caller.lang();
    let vlang = match served_lang(&app, &input.lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let slug = match validate(
        &app,
        lang,
        &input.slug,
        &input.title,
        &input.lead,
        &input.body,
    ) {
        Ok(s) => s,
        Err(msg) => return bad(msg),
    };
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return store_failed(e),
    };
    let Some(trend) = catalog.trend_by_slug(input.trend.trim()) else {
        return bad(format!("the site has no trend \"{}\"", input.trend.trim()));
    };
    let Some(assessment) = catalog
        .assessments
        .iter()
        .find(|a| a.key == input.assessment.trim())
    else {
        return bad(format!(
            "the scale has no assessment \"{}\"",
            input.assessment.trim()
        ));
    };
    let editions = match app.store.desk_editions().await {
        Ok(e) => e,
        Err(e) => return store_failed(e),
    };
    let Some(edition) = editions.iter().find(|e| e.number == input.edition) else {
        return bad(format!("there is no edition {}", input.edition));
    };
    let edit = VersionEdit {
        slug: &slug,
        title: input.title.trim(),
        lead: input.lead.trim(),
        body: &input.body,
    };
    let result = start_commentary(
        &app,
        &caller.staff.user,
        edition.id,
        trend.id,
        assessment.id,
        vlang,
        &edit,
        &caller.via(),
    )
    .await;
    match result {
        Ok(id) => commentary_answer(&app, id, StatusCode::CREATED).await,
        Err(StoreError::Duplicate(_)) => {
            error(StatusCode::CONFLICT, app.i18n.t(lang, "ws-slug-taken"))
        }
        Err(e) => store_failed(e),
    }
}

/// Saves a version's text over the revision it was based on, or starts a
/// translation in a language the commentary does not have yet.
#[utoipa::path(put, path = "/api/v1/commentaries/{id}/versions/{lang}", tag = "staff", security(("token" = [])),
    params(("id" = i64, Path, description = "The commentary's id"), ("lang" = String, Path, description = "The version's language")),
    request_body = VersionIn,
    responses((status = 200, body = DeskCommentaryOut, description = "Saved"),
              (status = 201, body = DeskCommentaryOut, description = "A new translation"),
              (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 404, body = ApiError), (status = 409, body = ApiError, description = "Saved by someone else since, or the slug is taken"),
              (status = 415, body = ApiError), (status = 422, body = ApiError)))]
pub async fn save_version(
    State(app): App,
    caller: Caller,
    path: Result<Path<(i64, String)>, PathRejection>,
    input: Result<Json<VersionIn>, JsonRejection>,
) -> Response {
    let (c, vlang, input) = match version_call(&app, path, input).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let version = c.version(vlang);
    let allowed = match version {
        Some(v) => can_edit(&caller.staff, &c, v),
        None => caller.staff.user.role.may(Action::EditTranslation),
    };
    if !allowed {
        return caller.forbidden();
    }
    let lang = caller.lang();
    let slug = match validate(
        &app,
        lang,
        &input.slug,
        &input.title,
        &input.lead,
        &input.body,
    ) {
        Ok(s) => s,
        Err(msg) => return bad(msg),
    };
    if version.is_some() && input.revision.is_none() {
        return bad(
            "revision is required: the revision your text is based on (see GET /api/v1/desk/commentaries/{id})",
        );
    }
    let edit = VersionEdit {
        slug: &slug,
        title: input.title.trim(),
        lead: input.lead.trim(),
        body: &input.body,
    };
    let result = write_version(
        &app,
        &caller.staff.user,
        &c,
        vlang,
        input.revision,
        &edit,
        &caller.via(),
    )
    .await;
    match result {
        Ok(SaveOutcome::Saved { .. }) => {
            let status = if version.is_some() {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            commentary_answer(&app, c.id, status).await
        }
        Ok(SaveOutcome::Conflict { current }) => error(
            StatusCode::CONFLICT,
            app.i18n.t_args(
                lang,
                "ws-conflict",
                &[("revision", current.revision.into())],
            ),
        ),
        Ok(SaveOutcome::Missing) => not_found(),
        Err(StoreError::Duplicate(_)) => {
            error(StatusCode::CONFLICT, app.i18n.t(lang, "ws-slug-taken"))
        }
        Err(e) => store_failed(e),
    }
}

/// Moves a version through the workflow; `published` with a future
/// `publish_at` schedules it.
#[utoipa::path(put, path = "/api/v1/commentaries/{id}/versions/{lang}/status", tag = "staff", security(("token" = [])),
    params(("id" = i64, Path, description = "The commentary's id"), ("lang" = String, Path, description = "The version's language")),
    request_body = StatusIn,
    responses((status = 200, body = DeskCommentaryOut), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 415, body = ApiError), (status = 422, body = ApiError)))]
pub async fn set_status(
    State(app): App,
    caller: Caller,
    path: Result<Path<(i64, String)>, PathRejection>,
    input: Result<Json<StatusIn>, JsonRejection>,
) -> Response {
    let (c, vlang, input) = match version_call(&app, path, input).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let Some(v) = c.version(vlang) else {
        return not_found();
    };
    let Some(to) = Status::parse(input.status.trim()) else {
        return bad(app.i18n.t(caller.lang(), "ws-bad-status"));
    };
    if !can_set_status(&caller.staff, &c, v, to) {
        return caller.forbidden();
    }
    let now = app.now();
    let published_at = match (to, optional_moment(&input.publish_at, "publish_at")) {
        (_, Err(r)) => return r,
        (Status::Published, Ok(at)) => Some(at.unwrap_or(now)),
        (_, Ok(_)) => None,
    };
    let done = write_status(
        &app,
        &caller.staff.user,
        c.id,
        vlang,
        to,
        published_at,
        &caller.via(),
    )
    .await;
    match done {
        Ok(()) => commentary_answer(&app, c.id, StatusCode::OK).await,
        Err(e) => store_failed(e),
    }
}

/// Makes the next edition, for the week starting on a day.
#[utoipa::path(post, path = "/api/v1/editions", tag = "staff", security(("token" = [])),
    request_body = NewEditionIn,
    responses((status = 201, body = DeskEditionOut), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 415, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_edition(
    State(app): App,
    caller: Caller,
    input: Result<Json<NewEditionIn>, JsonRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::ManageEditions) {
        return r;
    }
    let input = match body(input) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let week = input
        .week_start
        .trim()
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|start| {
            EditionWeek::new(start, start.checked_add(jiff::Span::new().days(6)).ok()?).ok()
        });
    let Some(week) = week else {
        return bad(app.i18n.t(caller.lang(), "ws-bad-date"));
    };
    let result = make_edition(
        &app,
        &caller.staff.user,
        week,
        input.week_start.trim(),
        &caller.via(),
    )
    .await
    .map(|(_, number)| number);
    match result {
        Ok(number) => edition_answer(&app, number, StatusCode::CREATED).await,
        Err(e) => store_failed(e),
    }
}

async fn edition_answer(app: &AppState, number: i64, status: StatusCode) -> Response {
    match app.store.desk_editions().await {
        Ok(editions) => match editions.iter().find(|e| e.number == number) {
            Some(e) => created(status, &edition_out(e)),
            None => not_found(),
        },
        Err(e) => store_failed(e),
    }
}

/// Sets when an edition goes out by email and appears on the web.
#[utoipa::path(put, path = "/api/v1/editions/{number}/schedule", tag = "staff", security(("token" = [])),
    params(("number" = i64, Path, description = "The edition's number")),
    request_body = ScheduleIn,
    responses((status = 200, body = DeskEditionOut), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 415, body = ApiError), (status = 422, body = ApiError)))]
pub async fn schedule_edition(
    State(app): App,
    caller: Caller,
    path: Result<Path<i64>, PathRejection>,
    input: Result<Json<ScheduleIn>, JsonRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::ManageEditions) {
        return r;
    }
    let Ok(Path(number)) = path else {
        return bad("the edition's number must be a number");
    };
    let input = match body(input) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (web_at, email_at) = match (
        optional_moment(&input.web_at, "web_at"),
        optional_moment(&input.email_at, "email_at"),
    ) {
        (Ok(w), Ok(e)) => (w, e),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let editions = match app.store.desk_editions().await {
        Ok(e) => e,
        Err(e) => return store_failed(e),
    };
    let Some(e) = editions.iter().find(|e| e.number == number) else {
        return not_found();
    };
    let now = app.now();
    let done = async {
        let mut w = app.store.writer().await?;
        w.set_edition_times(e.id, email_at, web_at).await?;
        let detail = format!(
            "web {} · email {}",
            web_at.map(rfc3339).unwrap_or_default(),
            email_at.map(rfc3339).unwrap_or_default()
        );
        caller
            .audit(
                &mut w,
                "edition-scheduled",
                &format!("edition {number}"),
                &detail,
                now,
            )
            .await?;
        w.commit().await
    }
    .await;
    match done {
        Ok(()) => edition_answer(&app, number, StatusCode::OK).await,
        Err(e) => store_failed(e),
    }
}

/// Subscribers, newest first.
#[utoipa::path(get, path = "/api/v1/subscribers", tag = "staff", security(("token" = [])),
    params(SubscriberQuery),
    responses((status = 200, body = SubscriberList), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn subscribers(
    State(app): App,
    caller: Caller,
    q: Result<Query<SubscriberQuery>, QueryRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::ManageEditions) {
        return r;
    }
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => return bad(e.body_text()),
    };
    let (page, per_page) = match paging(q.page, q.per_page) {
        Ok(p) => p,
        Err(e) => return super::failed(e),
    };
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match SubscriberStatus::parse(s) {
            Some(s) => Some(s),
            None => return bad(format!("\"{s}\" is not a subscriber status")),
        },
    };
    let filter = SubscriberFilter {
        status,
        lang: None,
        text: String::new(),
    };
    match app
        .store
        .find_subscribers(
            &filter,
            i64::from(per_page),
            i64::from((page - 1) * per_page),
        )
        .await
    {
        Ok((rows, total)) => created(
            StatusCode::OK,
            &SubscriberList {
                data: rows.iter().map(subscriber_out).collect(),
                meta: meta(page, per_page, total.max(0) as u64),
            },
        ),
        Err(e) => store_failed(e),
    }
}

/// Adds a subscriber who agreed elsewhere (active at once); `consent` says
/// how and when.
#[utoipa::path(post, path = "/api/v1/subscribers", tag = "staff", security(("token" = [])),
    request_body = NewSubscriberIn,
    responses((status = 201, body = SubscriberOut), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 409, body = ApiError), (status = 415, body = ApiError), (status = 422, body = ApiError)))]
pub async fn add_subscriber(
    State(app): App,
    caller: Caller,
    input: Result<Json<NewSubscriberIn>, JsonRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::ManageEditions) {
        return r;
    }
    let input = match body(input) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lang = caller.lang();
    let email = input.email.trim();
    let mut langs = Vec::new();
    for code in &input.langs {
        match served_lang(&app, code) {
            Ok(l) if !langs.contains(&l) => langs.push(l),
            Ok(_) => {}
            Err(r) => return r,
        }
    }
    let note = input.consent.trim();
    let problem = if !crate::workspace::valid_email(email) {
        Some("subscribe-bad-email")
    } else if langs.is_empty() {
        Some("subscribe-no-language")
    } else if note.is_empty() {
        Some("ws-consent-needed")
    } else {
        None
    };
    if let Some(key) = problem {
        return bad(app.i18n.t(lang, key));
    }
    let now = app.now();
    let consent = format!(
        "{note} (added by {} through the API {})",
        caller.staff.user.email,
        rfc3339(now)
    );
    let result = async {
        let mut w = app.store.writer().await?;
        let id = w.add_subscriber(email, &langs, &consent, now).await?;
        w.set_subscriber(id, SubscriberStatus::Active, None, now)
            .await?;
        caller
            .audit(&mut w, "subscriber-added", email, note, now)
            .await?;
        // No public page shows subscribers: kept pages stay.
        w.commit_bookkeeping().await?;
        Ok::<_, StoreError>(id)
    }
    .await;
    match result {
        Ok(id) => match app.store.subscriber(id).await {
            Ok(Some(s)) => created(StatusCode::CREATED, &subscriber_out(&s)),
            Ok(None) => not_found(),
            Err(e) => store_failed(e),
        },
        Err(StoreError::Duplicate(_)) => error(
            StatusCode::CONFLICT,
            app.i18n.t(lang, "ws-subscriber-exists"),
        ),
        Err(e) => store_failed(e),
    }
}

/// Erases a subscriber: the address and everything about them.
#[utoipa::path(delete, path = "/api/v1/subscribers/{id}", tag = "staff", security(("token" = [])),
    params(("id" = i64, Path, description = "The subscriber's id")),
    responses((status = 204, description = "Erased"), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn erase_subscriber(
    State(app): App,
    caller: Caller,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    if let Err(r) = caller.may(Action::ManageEditions) {
        return r;
    }
    let Ok(Path(id)) = path else {
        return bad("the subscriber's id must be a number");
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        let erased = w.erase_subscriber(id).await?;
        if erased.is_some() {
            // The log keeps that someone was erased, not who.
            caller
                .audit(
                    &mut w,
                    "subscriber-erased",
                    &format!("subscriber {id}"),
                    "",
                    now,
                )
                .await?;
            w.commit_bookkeeping().await?;
        }
        Ok::<_, StoreError>(erased)
    }
    .await;
    match result {
        Ok(Some(_)) => StatusCode::NO_CONTENT.into_response(),
        Ok(None) => not_found(),
        Err(e) => store_failed(e),
    }
}
