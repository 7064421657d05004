//! The inbox of analysis requests: states (new, accepted, answered,
//! declined), assignment to an analyst, internal notes, and replies sent
//! to the requester by email. Editors and admins see every request; an
//! analyst (author) sees the ones assigned to them.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sitrep_core::{Action, Lang, PageNumber, Paging, Role};
use sitrep_i18n::Arg;
use sitrep_store::{AnalysisRequest, RequestState, StoreError, User};

use super::editor::datetime;
use super::{Posted, Staff, error_response, forbidden, message, not_found, page, written};
use crate::AppState;
use crate::form::field;
use crate::notice::{self, Notice};

type App = State<Arc<AppState>>;

const PER_PAGE: u32 = 30;
const MAX_NOTE: usize = 10_000;
const MAX_SUBJECT: usize = 200;
const MAX_REPLY: usize = 50_000;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/requests", get(inbox))
        .route("/workspace/requests/{id}", get(request_page).post(save))
        .route("/workspace/requests/{id}/note", post(note))
        .route("/workspace/requests/{id}/reply", post(reply))
        .route("/workspace/requests/{id}/erase", post(erase))
}

/// Everyone who may see every request.
fn sees_all(staff: &Staff) -> bool {
    staff.user.role.may(Action::ManageEditions)
}

/// An analyst's own request (an author it is assigned to; one whose role
/// has since changed to translator no longer sees it).
fn assigned_to(staff: &Staff, r: &AnalysisRequest) -> bool {
    staff.user.role == Role::Author && r.assignee_id == Some(staff.user.id)
}

/// Who may be assigned a request: editors, admins and authors.
fn analyst(u: &User) -> bool {
    !u.disabled && matches!(u.role, Role::Admin | Role::Editor | Role::Author)
}

fn state_label(app: &AppState, lang: Lang, s: RequestState) -> String {
    app.i18n
        .t(lang, &format!("ws-request-state-{}", s.as_str()))
}

async fn inbox(
    State(app): App,
    staff: Staff,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !sees_all(&staff) && staff.user.role != Role::Author {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let pairs = query.map(|Query(q)| q).unwrap_or_default();
    let state_raw = field(&pairs, "state");
    let state = RequestState::parse(state_raw);
    // Authors see their own requests only.
    let mine = !sees_all(&staff) || field(&pairs, "mine") == "1";
    let Ok(number) = PageNumber::parse(Some(field(&pairs, "page")).filter(|p| !p.is_empty()))
    else {
        return message(
            &app,
            Some(&staff),
            StatusCode::BAD_REQUEST,
            "bad-request-title",
            &app.i18n.t_args(
                lang,
                "bad-page-number",
                &[("max", i64::from(PageNumber::MAX).into())],
            ),
        );
    };
    let loaded = async {
        let assignee = mine.then_some(staff.user.id);
        let (_, total) = app.store.desk_requests(state, assignee, 0, 0).await?;
        let paging = Paging::new(number, PER_PAGE, total);
        let (rows, _) = app
            .store
            .desk_requests(state, assignee, paging.limit(), paging.offset())
            .await?;
        let counts = app.store.desk_request_counts(assignee).await?;
        let users = app.store.users().await?;
        let catalog = app.catalog().await?;
        Ok::<_, StoreError>((rows, paging, counts, users, catalog))
    }
    .await;
    let (rows, paging, counts, users, catalog) = match loaded {
        Ok(l) => l,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let href = |state: &str, mine: bool, page: u32| {
        let mut q = vec![];
        if !state.is_empty() {
            q.push(format!("state={state}"));
        }
        if mine {
            q.push("mine=1".into());
        }
        if page > 1 {
            q.push(format!("page={page}"));
        }
        if q.is_empty() {
            "/workspace/requests".to_owned()
        } else {
            format!("/workspace/requests?{}", q.join("&"))
        }
    };
    let mut tabs: Vec<Value> = vec![
        json!({"label": app.i18n.t(lang, "ws-request-all"), "href": href("", mine, 1), "current": state.is_none()}),
    ];
    for (s, n) in &counts {
        tabs.push(json!({"label": format!("{} ({n})", state_label(&app, lang, *s)), "href": href(s.as_str(), mine, 1), "current": state == Some(*s)}));
    }
    let requests: Vec<Value> = rows
        .iter()
        .map(|r| summary(&app, lang, r, &users, &catalog))
        .collect();
    page(
        &app,
        Some(&staff),
        lang,
        "ws_requests.html",
        &app.i18n.t(lang, "ws-nav-requests"),
        json!({
            "tabs": tabs, "requests": requests, "sees_all": sees_all(&staff),
            "mine": {"href": href(state.map_or("", RequestState::as_str), !mine, 1), "on": mine},
            "newer": paging.prev().map(|p| href(state_raw, mine, p)),
            "older": paging.next().map(|p| href(state_raw, mine, p)),
        }),
    )
}

fn summary(
    app: &AppState,
    lang: Lang,
    r: &AnalysisRequest,
    users: &[User],
    catalog: &sitrep_store::Catalog,
) -> Value {
    let topic = r
        .trend_id
        .and_then(|id| catalog.trend(id))
        .and_then(|t| t.names.get(&lang).or_else(|| t.names.values().next()))
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| app.i18n.t(lang, "request-topic-other"));
    let first_line: String = r
        .question
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(140)
        .collect();
    json!({
        "id": r.id, "name": r.name, "email": r.email, "organisation": r.organisation,
        "topic": topic, "question": r.question, "excerpt": first_line,
        "lang": app.i18n.endonym(r.lang), "lang_code": r.lang.as_str(),
        "state": state_label(app, lang, r.state), "state_key": r.state.as_str(),
        "assignee": r.assignee_id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name.clone()),
        "received": datetime(r.created_at),
    })
}

/// The request `path` names, if this staff member may work on it.
async fn target(
    app: &AppState,
    staff: &Staff,
    path: Result<Path<String>, PathRejection>,
) -> Result<AnalysisRequest, Response> {
    let id = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok());
    let found = match id {
        Some(id) => app.store.desk_request(id).await,
        None => Ok(None),
    };
    match found {
        Err(e) => Err(error_response(app, Some(staff), e.into()).await),
        Ok(None) => Err(not_found(app, staff)),
        Ok(Some(r)) if sees_all(staff) || assigned_to(staff, &r) => Ok(r),
        Ok(Some(_)) => Err(forbidden(app, staff)),
    }
}

async fn request_page(
    State(app): App,
    staff: Staff,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match target(&app, &staff, path).await {
        Ok(r) => show(&app, &staff, &r, None, &[]).await,
        Err(res) => res,
    }
}

/// The request with its history and forms; `error` and `typed` refill the
/// form that was refused.
async fn show(
    app: &AppState,
    staff: &Staff,
    r: &AnalysisRequest,
    error: Option<(&str, String)>,
    typed: &[(String, String)],
) -> Response {
    let lang = staff.user.ui_lang;
    let loaded = async {
        Ok::<_, StoreError>((
            app.store.desk_request_events(r.id).await?,
            app.store.users().await?,
            app.catalog().await?,
        ))
    }
    .await;
    let (events, users, catalog) = match loaded {
        Ok(l) => l,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let who = |id: Option<i64>| {
        id.and_then(|id| users.iter().find(|u| u.id == id))
            .map_or_else(|| "—".to_owned(), |u| u.name.clone())
    };
    let history: Vec<Value> = events
        .iter()
        .map(|e| {
            let body = match e.kind.as_str() {
                "state" => RequestState::parse(&e.body)
                    .map_or_else(|| e.body.clone(), |s| state_label(app, lang, s)),
                _ => e.body.clone(),
            };
            let heading = app.i18n.t_args(
                lang,
                &format!("ws-request-event-{}", e.kind),
                &[
                    ("who", Arg::Str(&who(e.user_id))),
                    ("state", Arg::Str(&body)),
                    ("name", Arg::Str(&body)),
                ],
            );
            json!({"kind": e.kind, "heading": heading, "body": if matches!(e.kind.as_str(), "note" | "reply") { body } else { String::new() }, "at": datetime(e.created_at)})
        })
        .collect();
    let states: Vec<Value> = RequestState::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": state_label(app, lang, *s), "selected": *s == r.state}))
        .collect();
    let analysts: Vec<Value> = users
        .iter()
        .filter(|u| analyst(u))
        .map(|u| json!({"value": u.id, "label": u.name, "selected": Some(u.id) == r.assignee_id}))
        .collect();
    let site = notice::site_name(app, r.lang).await.unwrap_or_default();
    let default_subject = app.i18n.t_args(
        r.lang,
        "email-request-subject",
        &[("site", Arg::Str(&site))],
    );
    let typed_in = |form: &str, name: &str, default: String| match error {
        Some((f, _)) if f == form => field(typed, name).to_owned(),
        _ => default,
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_request.html",
        &format!("#{} — {}", r.id, r.name),
        json!({
            "r": summary(app, lang, r, &users, &catalog),
            "history": history, "states": states, "analysts": analysts,
            "sees_all": sees_all(staff),
            "error": error.as_ref().map(|(form, text)| json!({"form": form, "text": text})),
            "note": typed_in("note", "body", String::new()),
            "reply": {"subject": typed_in("reply", "subject", default_subject), "body": typed_in("reply", "body", String::new())},
        }),
    );
    *res.status_mut() = status;
    res
}

/// `POST /workspace/requests/{id}`: state and assignee (editors only).
async fn save(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if !sees_all(&staff) {
        return forbidden(&app, &staff);
    }
    let r = match target(&app, &staff, path).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let lang = staff.user.ui_lang;
    let users = match app.store.users().await {
        Ok(u) => u,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let state = RequestState::parse(field(&f, "state"));
    let assignee = match field(&f, "assignee") {
        "" => Ok(None),
        raw => raw
            .parse::<i64>()
            .ok()
            .and_then(|id| users.iter().find(|u| u.id == id && analyst(u)))
            .map(Some)
            .ok_or(()),
    };
    let (Some(state), Ok(assignee)) = (state, assignee) else {
        return show(
            &app,
            &staff,
            &r,
            Some(("save", app.i18n.t(lang, "ws-request-bad-choice"))),
            &f,
        )
        .await;
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        if state != r.state {
            w.set_request_state(r.id, state, now).await?;
            w.add_request_event(r.id, Some(staff.user.id), "state", state.as_str(), now)
                .await?;
        }
        let new_assignee = assignee.map(|u| u.id);
        if new_assignee != r.assignee_id {
            w.assign_request(r.id, new_assignee, now).await?;
            let name =
                assignee.map_or_else(|| app.i18n.t(lang, "ws-request-nobody"), |u| u.name.clone());
            w.add_request_event(r.id, Some(staff.user.id), "assign", &name, now)
                .await?;
        }
        w.commit_bookkeeping().await
    }
    .await;
    // The analyst hears of it (unless they assigned it to themselves).
    if let (Ok(()), Some(u)) = (&result, assignee)
        && Some(u.id) != r.assignee_id
        && u.id != staff.user.id
        && let Err(e) = tell_analyst(&app, &staff, &r, u, now).await
    {
        tracing::warn!(error = %e, request = r.id, "the analyst could not be told");
    }
    written(
        &app,
        &staff,
        result,
        &format!("/workspace/requests/{}", r.id),
    )
    .await
}

/// A short email to an analyst who was just given a request.
async fn tell_analyst(
    app: &AppState,
    staff: &Staff,
    r: &AnalysisRequest,
    to: &User,
    now: i64,
) -> Result<(), crate::PageError> {
    let lang = to.ui_lang;
    let subject = app.i18n.t(lang, "email-request-assigned-subject");
    let body = app.i18n.t_args(
        lang,
        "email-request-assigned-body",
        &[
            ("who", Arg::Str(&staff.user.name)),
            ("name", Arg::Str(&r.name)),
        ],
    );
    let link = format!("{}/workspace/requests/{}", app.public_url, r.id);
    let button = app.i18n.t(lang, "email-request-new-button");
    notice::send(
        app,
        &Notice {
            to: &to.email,
            lang,
            subject: &subject,
            paragraphs: &[body],
            link: Some((&button, &link)),
        },
        now,
    )
    .await
}

fn check_text(app: &AppState, lang: Lang, text: &str, max: usize) -> Result<(), String> {
    if text.trim().is_empty() {
        Err(app.i18n.t(lang, "ws-request-empty"))
    } else if text.chars().count() > max {
        Err(app
            .i18n
            .t_args(lang, "ws-request-too-long", &[("max", (max as i64).into())]))
    } else {
        Ok(())
    }
}

/// `POST /workspace/requests/{id}/note`: an internal note.
async fn note(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    let r = match target(&app, &staff, path).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let lang = staff.user.ui_lang;
    let body = field(&f, "body");
    if let Err(msg) = check_text(&app, lang, body, MAX_NOTE) {
        return show(&app, &staff, &r, Some(("note", msg)), &f).await;
    }
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        w.add_request_event(r.id, Some(staff.user.id), "note", body.trim(), now)
            .await?;
        w.commit_bookkeeping().await
    }
    .await;
    written(
        &app,
        &staff,
        result,
        &format!("/workspace/requests/{}", r.id),
    )
    .await
}

/// `POST /workspace/requests/{id}/reply`: an email to the requester; the
/// request is then answered.
async fn reply(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    let r = match target(&app, &staff, path).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let lang = staff.user.ui_lang;
    let (subject, body) = (field(&f, "subject").trim(), field(&f, "body"));
    let checked = check_text(&app, lang, subject, MAX_SUBJECT)
        .and_then(|()| check_text(&app, lang, body, MAX_REPLY));
    if let Err(msg) = checked {
        return show(&app, &staff, &r, Some(("reply", msg)), &f).await;
    }
    let now = app.now();
    // Browsers send a textarea's lines with CRLF.
    let body = body.replace("\r\n", "\n");
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let sent = notice::send(
        &app,
        &Notice {
            to: &r.email,
            lang: r.lang,
            subject,
            paragraphs: &paragraphs,
            link: None,
        },
        now,
    )
    .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, request = r.id, "a reply could not be sent");
        let msg = app.i18n.t(lang, "unavailable-body");
        return show(&app, &staff, &r, Some(("reply", msg)), &f).await;
    }
    let result = async {
        let mut w = app.store.writer().await?;
        w.add_request_event(r.id, Some(staff.user.id), "reply", body.trim(), now)
            .await?;
        if r.state != RequestState::Answered {
            w.set_request_state(r.id, RequestState::Answered, now)
                .await?;
            w.add_request_event(r.id, Some(staff.user.id), "state", "answered", now)
                .await?;
        }
        w.commit_bookkeeping().await
    }
    .await;
    written(
        &app,
        &staff,
        result,
        &format!("/workspace/requests/{}", r.id),
    )
    .await
}

/// `POST /workspace/requests/{id}/erase`: the request and its history go
/// (editors only); the audit log keeps that it happened, not what it said.
async fn erase(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, _): Posted,
) -> Response {
    if !sees_all(&staff) {
        return forbidden(&app, &staff);
    }
    let r = match target(&app, &staff, path).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        w.delete_request(r.id).await?;
        w.audit(
            Some(&staff.user),
            "request-erased",
            &r.id.to_string(),
            "",
            now,
        )
        .await?;
        w.commit_bookkeeping().await
    }
    .await;
    let lang = staff.user.ui_lang;
    match result {
        Ok(()) => message(
            &app,
            Some(&staff),
            StatusCode::OK,
            "ws-nav-requests",
            &app.i18n.t(lang, "ws-request-erased"),
        ),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}
