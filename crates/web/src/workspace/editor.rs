//! Writing and translating: the dashboard, the commentary editor, the
//! translation view, workflow changes and revision history.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use sitrep_render::typography::typeset;
use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use sitrep_core::{Action, Lang, Role, Slug, Status, Timestamp};
use sitrep_i18n::Arg;
use sitrep_store::{DeskCommentary, DeskVersion, NewCommentary, SaveOutcome, VersionEdit};

use super::{Staff, bad_form, check_post, error_response, forbidden, not_found, page};
use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

/// Limits on what a version may hold, so one form cannot fill the disk.
pub const MAX_TITLE: usize = 300;
pub const MAX_LEAD: usize = 2_000;
pub const MAX_BODY: usize = 200_000;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/commentaries/new", get(new_form).post(create))
        .route(
            "/workspace/commentaries/{id}/{lang}",
            get(edit_form).post(save),
        )
        .route(
            "/workspace/commentaries/{id}/{lang}/status",
            post(set_status),
        )
        .route("/workspace/commentaries/{id}/{lang}/history", get(history))
        .route("/workspace/commentaries/{id}/{lang}/restore", post(restore))
}

/// "2026-11-28 09:00 UTC".
pub fn datetime(ts: Timestamp) -> String {
    // Seconds only when there are any, as publication times may carry them.
    let format = if ts % 60 == 0 {
        "%Y-%m-%d %H:%M UTC"
    } else {
        "%Y-%m-%d %H:%M:%S UTC"
    };
    jiff::Timestamp::from_second(ts)
        .map(|t| t.strftime(format).to_string())
        .unwrap_or_default()
}

pub(crate) fn is_editor(role: Role) -> bool {
    role.may(Action::SetStatus {
        to: Status::Published,
    })
}

pub(crate) fn own(staff: &Staff, c: &DeskCommentary) -> bool {
    staff.user.author_id.is_some_and(|a| c.authors.contains(&a))
}

/// Whether `staff` may change the text of `v`.
pub(crate) fn can_edit(staff: &Staff, c: &DeskCommentary, v: &DeskVersion) -> bool {
    let role = staff.user.role;
    if is_editor(role) {
        return true;
    }
    let draft = v.status == Status::Draft;
    if v.source_lang.is_none() {
        role.may(Action::EditOriginal {
            own: own(staff, c),
            draft,
        })
    } else {
        role.may(Action::EditTranslation) && draft
    }
}

/// Whether `staff` may move `v` to `to`.
pub(crate) fn can_set_status(
    staff: &Staff,
    c: &DeskCommentary,
    v: &DeskVersion,
    to: Status,
) -> bool {
    let role = staff.user.role;
    role.may(Action::SetStatus { to })
        && (is_editor(role)
            || can_edit(staff, c, v)
            || v.status == Status::Review && own_or_translation(staff, c, v))
}

fn own_or_translation(staff: &Staff, c: &DeskCommentary, v: &DeskVersion) -> bool {
    if v.source_lang.is_none() {
        own(staff, c)
    } else {
        staff.user.role.may(Action::EditTranslation)
    }
}

fn status_label(app: &AppState, lang: Lang, v: &DeskVersion, now: Timestamp) -> String {
    match (v.status, v.published_at) {
        (Status::Published, Some(t)) if t > now => app.i18n.t_args(
            lang,
            "ws-status-scheduled",
            &[("at", Arg::Str(&datetime(t)))],
        ),
        (s, _) => app.i18n.t(lang, &format!("ws-status-{}", s.as_str())),
    }
}

pub async fn dashboard_data(app: &AppState, staff: &Staff) -> Result<Value, PageError> {
    let lang = staff.user.ui_lang;
    let now = app.now();
    let catalog = app.catalog().await?;
    let editions = app.store.desk_editions().await?;
    let Some(current) = editions.first() else {
        return Ok(json!({"edition": null, "commentaries": [], "langs": [], "scheduled": []}));
    };
    let commentaries = app.store.desk_commentaries(Some(current.id)).await?;
    let dates = app.i18n.dates(lang);
    let range = match (current.week_start.parse(), current.week_end.parse(), dates) {
        (Ok(a), Ok(b), Some(d)) => d.range(a, b),
        _ => format!("{} – {}", current.week_start, current.week_end),
    };
    let mut scheduled = Vec::new();
    if let Some(t) = current.web_at.filter(|t| *t > now) {
        scheduled.push(json!({"what": app.i18n.t(lang, "ws-edition-web"), "at": datetime(t)}));
    }
    let rows: Vec<Value> = commentaries
        .iter()
        .map(|c| {
            let (title, title_lang) = c
                .original()
                .map(|v| (v.title.clone(), v.lang.as_str()))
                .unwrap_or_default();
            let trend = catalog
                .trend(c.trend_id)
                .and_then(|t| t.names.get(&lang).or_else(|| t.names.values().next()))
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            let cells: Vec<Value> = app
                .langs()
                .iter()
                .map(|&l| match c.version(l) {
                    Some(v) => {
                        if let (Status::Published, Some(t)) = (v.status, v.published_at)
                            && t > now
                        {
                            scheduled.push(
                                json!({"what": v.title, "lang": l.as_str(), "at": datetime(t)}),
                            );
                        }
                        json!({
                            "lang": l.as_str(),
                            "state": v.status.as_str(),
                            "label": status_label(app, lang, v, now),
                            "outdated": c.is_outdated(v),
                            "href": format!("/workspace/commentaries/{}/{}", c.id, l),
                        })
                    }
                    None => json!({
                        "lang": l.as_str(),
                        "state": "missing",
                        "label": app.i18n.t(lang, "ws-status-missing"),
                        "outdated": false,
                        "href": format!("/workspace/commentaries/{}/{}", c.id, l),
                    }),
                })
                .collect();
            json!({"id": c.id, "title": title, "title_lang": title_lang, "trend": trend, "cells": cells})
        })
        .collect();
    Ok(json!({
        "edition": {"number": current.number, "range": range},
        "commentaries": rows,
        "langs": app.langs().iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "scheduled": scheduled,
    }))
}

/// The choices of the new-commentary form.
async fn choices(app: &AppState, lang: Lang) -> Result<Value, PageError> {
    let catalog = app.catalog().await?;
    let pick = |names: &std::collections::HashMap<Lang, (String, String)>| {
        names
            .get(&lang)
            .or_else(|| names.values().next())
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    };
    let editions: Vec<Value> = app
        .store
        .desk_editions()
        .await?
        .iter()
        .map(|e| json!({"id": e.id, "label": format!("№ {} · {} – {}", e.number, e.week_start, e.week_end)}))
        .collect();
    let mut trends: Vec<Value> = catalog
        .trends
        .iter()
        .map(|t| json!({"id": t.id, "label": pick(&t.names)}))
        .collect();
    app.i18n.sort_by_name(lang, &mut trends, label_of);
    Ok(json!({
        "editions": editions,
        "trends": trends,
        "assessments": catalog.assessments.iter().map(|a| json!({"id": a.id, "label": a.labels.get(&lang).or_else(|| a.labels.values().next()).cloned().unwrap_or_default()})).collect::<Vec<_>>(),
        "langs": app.langs().iter().map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l)})).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, Default)]
pub(super) struct NewForm {
    csrf: String,
    edition_id: String,
    trend_id: String,
    assessment_id: String,
    lang: String,
    slug: String,
    title: String,
    lead: String,
    body: String,
}

async fn new_page(
    app: &AppState,
    staff: &Staff,
    form: &NewForm,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let choices = match choices(app, lang).await {
        Ok(c) => c,
        Err(e) => return error_response(app, Some(staff), e).await,
    };
    let data = json!({
        "choices": choices,
        "form": {"edition_id": form.edition_id, "trend_id": form.trend_id, "assessment_id": form.assessment_id,
                 "lang": if form.lang.is_empty() { app.default_lang().to_string() } else { form.lang.clone() },
                 "slug": form.slug, "title": form.title, "lead": form.lead, "body": form.body},
        "error": error,
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_new.html",
        &app.i18n.t(lang, "ws-nav-new"),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn new_form(State(app): App, staff: Staff) -> Response {
    if !staff.user.role.may(Action::CreateCommentary) {
        return forbidden(&app, &staff);
    }
    new_page(&app, &staff, &NewForm::default(), None, StatusCode::OK).await
}

/// Checks the text fields; the message says what to fix.
pub(crate) fn validate(
    app: &AppState,
    lang: Lang,
    slug: &str,
    title: &str,
    lead: &str,
    body: &str,
) -> Result<Slug, String> {
    let slug = Slug::parse(slug.trim()).map_err(|e| {
        app.i18n
            .t_args(lang, "ws-bad-slug", &[("reason", Arg::Str(&e.to_string()))])
    })?;
    if title.trim().is_empty() {
        return Err(app.i18n.t(lang, "ws-title-missing"));
    }
    let too_long = |field: &str, max: usize| {
        app.i18n.t_args(
            lang,
            "ws-too-long",
            &[
                ("field", Arg::Str(&app.i18n.t(lang, field))),
                ("max", (max as i64).into()),
            ],
        )
    };
    if title.chars().count() > MAX_TITLE {
        return Err(too_long("ws-field-title", MAX_TITLE));
    }
    if lead.chars().count() > MAX_LEAD {
        return Err(too_long("ws-field-lead", MAX_LEAD));
    }
    if body.chars().count() > MAX_BODY {
        return Err(too_long("ws-field-body", MAX_BODY));
    }
    Ok(slug)
}

/// Starts a commentary with its first version (a draft), its author the
/// staff member's profile, with the audit entry (`via` says how, e.g. an
/// API token); returns its id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn start_commentary(
    app: &AppState,
    who: &sitrep_store::User,
    edition_id: i64,
    trend_id: i64,
    assessment_id: i64,
    vlang: Lang,
    edit: &VersionEdit<'_>,
    via: &str,
) -> Result<i64, sitrep_store::StoreError> {
    let now = app.now();
    let authors: Vec<i64> = who.author_id.into_iter().collect();
    let position = app.store.desk_commentaries(Some(edition_id)).await?.len() as i64;
    let mut w = app.store.writer().await?;
    let id = w
        .commentary(
            &NewCommentary {
                edition_id,
                trend_id,
                assessment_id,
                position,
                authors: &authors,
            },
            now,
        )
        .await?;
    w.add_version(id, vlang, edit, None, Some(who.id), now)
        .await?;
    w.audit(
        Some(who),
        "commentary-created",
        &format!("{id}/{vlang}"),
        &format!("{}{via}", edit.title),
        now,
    )
    .await?;
    // A commentary whose only version is a draft shows on no public page:
    // kept pages and the other nodes' caches stay as they are.
    w.commit_bookkeeping().await?;
    Ok(id)
}

/// Saves a version's text over revision `base`, or (without a base, or
/// when the commentary has no such version) starts it as a translation of
/// the original; writes the audit entry and commits only when it saved.
pub(crate) async fn write_version(
    app: &AppState,
    who: &sitrep_store::User,
    c: &DeskCommentary,
    vlang: Lang,
    base: Option<i64>,
    edit: &VersionEdit<'_>,
    via: &str,
) -> Result<SaveOutcome, sitrep_store::StoreError> {
    let now = app.now();
    let mut w = app.store.writer().await?;
    let existing = c.version(vlang);
    let outcome = match (existing, base) {
        (Some(v), Some(base)) => {
            w.save_version(c.id, vlang, base, v.status, edit, Some(who.id), now)
                .await?
        }
        _ => {
            let source = c.original().map(|o| o.lang);
            w.add_version(c.id, vlang, edit, source, Some(who.id), now)
                .await?;
            SaveOutcome::Saved { revision: 1 }
        }
    };
    if let SaveOutcome::Saved { revision } = &outcome {
        let action = if existing.is_some() {
            "version-saved"
        } else {
            "translation-started"
        };
        w.audit(
            Some(who),
            action,
            &format!("{}/{vlang}", c.id),
            &format!("revision {revision}{via}"),
            now,
        )
        .await?;
        // Only a published version's text is on public pages; saving any
        // other (the drafts an author saves again and again) leaves the
        // kept pages of every node alone.
        if existing.is_some_and(|v| v.status == Status::Published) {
            w.commit().await?;
        } else {
            w.commit_bookkeeping().await?;
        }
    }
    Ok(outcome)
}

async fn create(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    form: Result<Form<NewForm>, FormRejection>,
) -> Response {
    if !staff.user.role.may(Action::CreateCommentary) {
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
    let bad = |key: &str| app.i18n.t(lang, key);
    let (Ok(edition_id), Ok(trend_id), Ok(assessment_id)) = (
        form.edition_id.parse::<i64>(),
        form.trend_id.parse::<i64>(),
        form.assessment_id.parse::<i64>(),
    ) else {
        return new_page(
            &app,
            &staff,
            &form,
            Some(bad("ws-pick-all")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let Some(vlang) = Lang::parse(&form.lang)
        .ok()
        .filter(|l| app.langs().contains(l))
    else {
        return new_page(
            &app,
            &staff,
            &form,
            Some(bad("ws-unknown-language")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let slug = match validate(&app, lang, &form.slug, &form.title, &form.lead, &form.body) {
        Ok(s) => s,
        Err(msg) => return new_page(&app, &staff, &form, Some(msg), StatusCode::BAD_REQUEST).await,
    };
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let editions = app.store.desk_editions().await.unwrap_or_default();
    if catalog.trend(trend_id).is_none()
        || catalog.assessment(assessment_id).is_none()
        || !editions.iter().any(|e| e.id == edition_id)
    {
        return new_page(
            &app,
            &staff,
            &form,
            Some(bad("ws-pick-all")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let edit = VersionEdit {
        slug: &slug,
        title: form.title.trim(),
        lead: form.lead.trim(),
        body: &form.body,
    };
    let result = start_commentary(
        &app,
        &staff.user,
        edition_id,
        trend_id,
        assessment_id,
        vlang,
        &edit,
        "",
    )
    .await;
    match result {
        Ok(id) => {
            Redirect::to(&format!("/workspace/commentaries/{id}/{vlang}?saved=1")).into_response()
        }
        Err(sitrep_store::StoreError::Duplicate(_)) => {
            new_page(
                &app,
                &staff,
                &form,
                Some(bad("ws-slug-taken")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// Loads the commentary and language an editor route names.
async fn target(
    app: &AppState,
    staff: &Staff,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(DeskCommentary, Lang), Response> {
    let Ok(Path((raw_id, raw_lang))) = path else {
        return Err(not_found(app, staff));
    };
    let (Ok(id), Some(lang)) = (
        raw_id.parse::<i64>(),
        Lang::parse(&raw_lang)
            .ok()
            .filter(|l| app.langs().contains(l)),
    ) else {
        return Err(not_found(app, staff));
    };
    match app.store.desk_commentary(id).await {
        Ok(Some(c)) => Ok((c, lang)),
        Ok(None) => Err(not_found(app, staff)),
        Err(e) => Err(error_response(app, Some(staff), e.into()).await),
    }
}

/// What the editor page shows: the version (or the typed text), the source
/// beside a translation, a preview, and the actions this person may take.
#[allow(clippy::too_many_arguments)]
async fn editor_page(
    app: &AppState,
    staff: &Staff,
    c: &DeskCommentary,
    vlang: Lang,
    typed: Option<(&str, &str, &str, &str, i64)>,
    notice: Option<String>,
    error: Option<String>,
    conflict: Option<&DeskVersion>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let now = app.now();
    let version = c.version(vlang);
    let original = c.original();
    let source = match version {
        Some(v) => v.source_lang.and_then(|l| c.version(l)),
        None => original,
    };
    let (slug, title, lead, body, base) = match (typed, version) {
        (Some(t), _) => (
            t.0.to_owned(),
            t.1.to_owned(),
            t.2.to_owned(),
            t.3.to_owned(),
            t.4,
        ),
        (None, Some(v)) => (
            v.slug.clone(),
            v.title.clone(),
            v.lead.clone(),
            v.body.clone(),
            v.revision,
        ),
        (None, None) => (
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            0,
        ),
    };
    let editable = match version {
        Some(v) => can_edit(staff, c, v),
        None => staff.user.role.may(Action::EditTranslation),
    };
    let statuses: Vec<Value> = match version {
        Some(v) => Status::ALL
            .iter()
            .filter(|s| **s != v.status && can_set_status(staff, c, v, **s))
            .map(|s| json!({"value": s.as_str(), "label": app.i18n.t(lang, &format!("ws-to-{}", s.as_str()))}))
            .collect(),
        None => Vec::new(),
    };
    let catalog = app.catalog().await.ok();
    let assessment = catalog
        .as_ref()
        .and_then(|cat| cat.assessment(c.assessment_id))
        .map(|a| {
            (
                sitrep_render::charts::tone_class(a.tone),
                a.labels
                    .get(&vlang)
                    .or_else(|| a.labels.values().next())
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let versions: Vec<Value> = app
        .langs()
        .iter()
        .map(|&l| {
            json!({
                "lang": l.as_str(),
                "name": app.i18n.endonym(l),
                "href": format!("/workspace/commentaries/{}/{}", c.id, l),
                "current": l == vlang,
                "label": c.version(l).map_or_else(|| app.i18n.t(lang, "ws-status-missing"), |v| status_label(app, lang, v, now)),
            })
        })
        .collect();
    let facts = if staff.user.role.may(Action::ManageEditions) {
        match facts(app, lang, c).await {
            Ok(f) => Some(f),
            Err(e) => return error_response(app, Some(staff), e).await,
        }
    } else {
        None
    };
    let data = json!({
        "facts": facts,
        "id": c.id,
        "lang": vlang.as_str(),
        "lang_name": app.i18n.endonym(vlang),
        "exists": version.is_some(),
        "editable": editable,
        "status": version.map(|v| status_label(app, lang, v, now)),
        "outdated": version.is_some_and(|v| c.is_outdated(v)),
        "is_translation": version.map_or(source.is_some(), |v| v.source_lang.is_some()),
        "source": source.filter(|s| s.lang != vlang).map(|s| json!({"lang": s.lang.as_str(), "name": app.i18n.endonym(s.lang), "title": s.title, "lead": s.lead, "body": s.body})),
        "form": {"slug": slug, "title": title, "lead": lead, "body": body, "base": base},
        "preview": {"title": typeset(vlang, &title), "lead": typeset(vlang, &lead), "body": body, "assessment": assessment.1, "assessment_tone": assessment.0, "trend": null, "fallback": false, "lang": vlang.as_str()},
        "conflict": conflict.map(|v| json!({"title": v.title, "lead": v.lead, "body": v.body, "revision": v.revision})),
        "statuses": statuses,
        "versions": versions,
        "notice": notice,
        "error": error,
    });
    let mut res = page(app, Some(staff), lang, "ws_edit.html", &title, data);
    *res.status_mut() = status;
    res
}

/// A choice's label, by which the lists of choices are sorted.
fn label_of(choice: &Value) -> &str {
    choice["label"].as_str().unwrap_or_default()
}

/// The story's facts form: every choice, the current ones selected.
async fn facts(app: &AppState, lang: Lang, c: &DeskCommentary) -> Result<Value, PageError> {
    let mut choices = choices(app, lang).await?;
    let catalog = app.catalog().await?;
    let mut authors: Vec<Value> = catalog
        .authors
        .iter()
        .map(|a| {
            let name = a
                .names
                .get(&lang)
                .or_else(|| a.names.values().next())
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            json!({"id": a.id, "label": name, "selected": c.authors.contains(&a.id)})
        })
        .collect();
    app.i18n.sort_by_name(lang, &mut authors, label_of);
    choices["authors"] = Value::Array(authors);
    choices["edition_id"] = json!(c.edition_id);
    choices["trend_id"] = json!(c.trend_id);
    choices["assessment_id"] = json!(c.assessment_id);
    Ok(choices)
}

#[derive(Deserialize)]
struct EditQuery {
    saved: Option<String>,
}

async fn edit_form(
    State(app): App,
    staff: Staff,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<EditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (c, vlang) = match target(&app, &staff, path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let notice = query
        .ok()
        .and_then(|q| q.0.saved)
        .map(|_| app.i18n.t(staff.user.ui_lang, "ws-saved"));
    editor_page(
        &app,
        &staff,
        &c,
        vlang,
        None,
        notice,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct SaveForm {
    csrf: String,
    base: i64,
    slug: String,
    title: String,
    lead: String,
    body: String,
    action: String,
}

async fn save(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<SaveForm>, FormRejection>,
) -> Response {
    let (c, vlang) = match target(&app, &staff, path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(&app, Some(&staff), &e),
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let version = c.version(vlang);
    let allowed = match version {
        Some(v) => can_edit(&staff, &c, v),
        None => staff.user.role.may(Action::EditTranslation),
    };
    let typed = Some((
        form.slug.as_str(),
        form.title.as_str(),
        form.lead.as_str(),
        form.body.as_str(),
        form.base,
    ));
    if form.action == "confirm" {
        let Some(v) = version.filter(|v| v.source_lang.is_some() && allowed) else {
            return forbidden(&app, &staff);
        };
        let now = app.now();
        let done = async {
            let mut w = app.store.writer().await?;
            w.confirm_translation(c.id, vlang).await?;
            w.audit(
                Some(&staff.user),
                "translation-confirmed",
                &format!("{}/{vlang}", c.id),
                &v.title,
                now,
            )
            .await?;
            w.commit().await
        }
        .await;
        return match done {
            Ok(()) => Redirect::to(&format!("/workspace/commentaries/{}/{vlang}?saved=1", c.id))
                .into_response(),
            Err(e) => error_response(&app, Some(&staff), e.into()).await,
        };
    }
    if !allowed {
        return forbidden(&app, &staff);
    }
    if form.action == "preview" {
        return editor_page(
            &app,
            &staff,
            &c,
            vlang,
            typed,
            Some(app.i18n.t(lang, "ws-preview-below")),
            None,
            None,
            StatusCode::OK,
        )
        .await;
    }
    let slug = match validate(&app, lang, &form.slug, &form.title, &form.lead, &form.body) {
        Ok(s) => s,
        Err(msg) => {
            return editor_page(
                &app,
                &staff,
                &c,
                vlang,
                typed,
                None,
                Some(msg),
                None,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let edit = VersionEdit {
        slug: &slug,
        title: form.title.trim(),
        lead: form.lead.trim(),
        body: &form.body,
    };
    let base = version.map(|_| form.base);
    let result = write_version(&app, &staff.user, &c, vlang, base, &edit, "").await;
    match result {
        Ok(SaveOutcome::Saved { .. }) => {
            Redirect::to(&format!("/workspace/commentaries/{}/{vlang}?saved=1", c.id))
                .into_response()
        }
        Ok(SaveOutcome::Conflict { current }) => {
            let msg = app.i18n.t_args(
                lang,
                "ws-conflict",
                &[("revision", current.revision.into())],
            );
            editor_page(
                &app,
                &staff,
                &c,
                vlang,
                typed,
                None,
                Some(msg),
                Some(&current),
                StatusCode::CONFLICT,
            )
            .await
        }
        Ok(SaveOutcome::Missing) => not_found(&app, &staff),
        Err(sitrep_store::StoreError::Duplicate(_)) => {
            editor_page(
                &app,
                &staff,
                &c,
                vlang,
                typed,
                None,
                Some(app.i18n.t(lang, "ws-slug-taken")),
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => {
            // The typed text is shown again with the reason, never lost.
            tracing::error!(error = %e, "save failed");
            let msg = app.i18n.t(
                lang,
                if e.is_unavailable() {
                    "unavailable-body"
                } else {
                    "server-error-body"
                },
            );
            let mut response = editor_page(
                &app,
                &staff,
                &c,
                vlang,
                typed,
                None,
                Some(msg),
                None,
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await;
            crate::outage::mark(&mut response, e.is_unreachable());
            response
        }
    }
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    csrf: String,
    to: String,
    /// `YYYY-MM-DDTHH:MM` in UTC, for publishing; empty means now.
    #[serde(default)]
    publish_at: String,
}

async fn set_status(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let (c, vlang) = match target(&app, &staff, path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(&app, Some(&staff), &e),
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let Some(v) = c.version(vlang) else {
        return not_found(&app, &staff);
    };
    let lang = staff.user.ui_lang;
    let Some(to) = Status::parse(&form.to) else {
        return editor_page(
            &app,
            &staff,
            &c,
            vlang,
            None,
            None,
            Some(app.i18n.t(lang, "ws-bad-status")),
            None,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    if !can_set_status(&staff, &c, v, to) {
        return forbidden(&app, &staff);
    }
    let now = app.now();
    let published_at = match (to, form.publish_at.trim()) {
        (Status::Published, "") => Some(now),
        (Status::Published, raw) => match parse_utc_minute(raw) {
            Some(t) => Some(t),
            None => {
                return editor_page(
                    &app,
                    &staff,
                    &c,
                    vlang,
                    None,
                    None,
                    Some(app.i18n.t(lang, "ws-bad-time")),
                    None,
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        },
        _ => None,
    };
    let done = write_status(&app, &staff.user, c.id, vlang, to, published_at, "").await;
    match done {
        Ok(()) => Redirect::to(&format!("/workspace/commentaries/{}/{vlang}?saved=1", c.id))
            .into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// Moves a version to `to` (published from `published_at`), with the audit
/// entry (`via` says how, e.g. an API token).
pub(crate) async fn write_status(
    app: &AppState,
    who: &sitrep_store::User,
    commentary_id: i64,
    vlang: Lang,
    to: Status,
    published_at: Option<Timestamp>,
    via: &str,
) -> Result<(), sitrep_store::StoreError> {
    let now = app.now();
    let mut w = app.store.writer().await?;
    w.set_version_status(commentary_id, vlang, to, published_at, now)
        .await?;
    let detail = published_at.map(datetime).unwrap_or_default();
    w.audit(
        Some(who),
        &format!("status-{}", to.as_str()),
        &format!("{commentary_id}/{vlang}"),
        &format!("{detail}{via}"),
        now,
    )
    .await?;
    w.commit().await
}

/// `2026-12-01T09:30` or `2026-12-01T09:30:15` (a datetime-local field) as UTC seconds.
pub fn parse_utc_minute(raw: &str) -> Option<Timestamp> {
    let dt: jiff::civil::DateTime = raw.parse().ok()?;
    dt.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

async fn history(
    State(app): App,
    staff: Staff,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (c, vlang) = match target(&app, &staff, path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let Some(v) = c.version(vlang) else {
        return not_found(&app, &staff);
    };
    let lang = staff.user.ui_lang;
    let revisions = match app.store.revisions(v.id).await {
        Ok(r) => r,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let users = app.store.users().await.unwrap_or_default();
    let rows: Vec<Value> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let who = r.saved_by.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name.clone()).unwrap_or_else(|| "—".into());
            // Revisions come newest first; each is compared with the one before it.
            let (title_diff, lead_diff, body_diff) = match revisions.get(i + 1) {
                Some(prev) => (diff(&prev.title, &r.title), diff(&prev.lead, &r.lead), diff(&prev.body, &r.body)),
                None => (diff("", &r.title), diff("", &r.lead), diff("", &r.body)),
            };
            json!({"revision": r.revision, "at": datetime(r.saved_at), "who": who, "title": r.title,
                   "title_diff": title_diff, "lead_diff": lead_diff, "body_diff": body_diff, "current": i == 0})
        })
        .collect();
    let title = app
        .i18n
        .t_args(lang, "ws-history-of", &[("title", Arg::Str(&v.title))]);
    let data = json!({
        "revisions": rows,
        "back": format!("/workspace/commentaries/{}/{vlang}", c.id),
        "restore": can_edit(&staff, &c, v).then(|| format!("/workspace/commentaries/{}/{vlang}/restore", c.id)),
    });
    page(&app, Some(&staff), lang, "ws_history.html", &title, data)
}

/// A word-level diff as runs of unchanged, deleted and inserted text.
fn diff(old: &str, new: &str) -> Vec<Value> {
    let mut runs: Vec<(&'static str, String)> = Vec::new();
    for change in similar::TextDiff::from_words(old, new).iter_all_changes() {
        let op = match change.tag() {
            similar::ChangeTag::Equal => "same",
            similar::ChangeTag::Delete => "del",
            similar::ChangeTag::Insert => "ins",
        };
        match runs.last_mut() {
            Some((last, text)) if *last == op => text.push_str(change.value()),
            _ => runs.push((op, change.value().to_owned())),
        }
    }
    runs.into_iter()
        .map(|(op, text)| json!({"op": op, "text": text}))
        .collect()
}

#[derive(Deserialize)]
pub(super) struct RestoreForm {
    csrf: String,
    revision: i64,
}

/// Saves an earlier revision's text as the newest revision.
async fn restore(
    State(app): App,
    staff: Staff,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<RestoreForm>, FormRejection>,
) -> Response {
    let (c, vlang) = match target(&app, &staff, path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(&app, Some(&staff), &e),
    };
    if let Err(r) = check_post(&app, &staff, &headers, &form.csrf) {
        return r;
    }
    let Some(v) = c.version(vlang) else {
        return not_found(&app, &staff);
    };
    if !can_edit(&staff, &c, v) {
        return forbidden(&app, &staff);
    }
    let revisions = match app.store.revisions(v.id).await {
        Ok(r) => r,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let Some(old) = revisions.iter().find(|r| r.revision == form.revision) else {
        return not_found(&app, &staff);
    };
    let Ok(slug) = Slug::parse(&v.slug) else {
        return not_found(&app, &staff);
    };
    let now = app.now();
    let edit = VersionEdit {
        slug: &slug,
        title: &old.title,
        lead: &old.lead,
        body: &old.body,
    };
    let result = async {
        let mut w = app.store.writer().await?;
        let outcome = w
            .save_version(
                c.id,
                vlang,
                v.revision,
                v.status,
                &edit,
                Some(staff.user.id),
                now,
            )
            .await?;
        if let SaveOutcome::Saved { revision } = outcome {
            w.audit(
                Some(&staff.user),
                "revision-restored",
                &format!("{}/{vlang}", c.id),
                &format!("{} → {revision}", form.revision),
                now,
            )
            .await?;
            w.commit().await?;
        }
        Ok::<_, sitrep_store::StoreError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/workspace/commentaries/{}/{vlang}?saved=1", c.id))
            .into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn publication_times_parse_with_or_without_seconds() {
        assert_eq!(
            super::parse_utc_minute("2026-11-29T09:00"),
            Some(1_795_942_800)
        );
        assert_eq!(
            super::parse_utc_minute("2026-11-29T09:00:05"),
            Some(1_795_942_805)
        );
        for bad in ["", "tomorrow", "2026-13-01T00:00", "2026-11-29 25:00"] {
            assert_eq!(super::parse_utc_minute(bad), None, "{bad}");
        }
    }
}
