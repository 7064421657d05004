//! The editors' barometer (every week, published or not) and the
//! assessment scale it draws: steps, their order, tone and labels.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sitrep_core::{Action, Lang, Slug};
use sitrep_render::charts::tone_class;

use super::{Posted, Staff, error_response, forbidden, message, not_found, page};
use crate::barometer::{self, Links};
use crate::form::field;
use crate::pages::Params;
use crate::views::Ctx;
use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

/// Longest label of a step of the scale.
const MAX_LABEL: usize = 200;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/barometer", get(board))
        .route("/workspace/assessments", get(scale_page).post(add_step))
        .route("/workspace/assessments/{id}", post(save_step))
}

/// `GET /workspace/barometer`: the grid with unpublished weeks, each mark
/// opening the commentary in the editor.
async fn board(State(app): App, staff: Staff, params: Params) -> Response {
    if !staff.user.role.may(Action::ReadWorkspace) {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let now = app.now();
    let result = async {
        let Query(pairs) = params.map_err(|e| PageError::BadRequest(e.body_text()))?;
        let period = barometer::period(&pairs)?;
        let ctx = Ctx::desk(&app, lang, now).await?;
        let latest = app.store.desk_latest_week().await?;
        let bounds = period.bounds(latest);
        let marks = app.store.desk_marks(now, bounds.0, bounds.1, None).await?;
        let links = Links {
            commentary: Box::new(|m| {
                format!("/workspace/commentaries/{}/{}", m.commentary_id, m.lang)
            }),
            week: Box::new(|_, id| format!("/workspace/editions/{id}")),
            trend: Box::new(|_| String::new()),
        };
        let chart = barometer::grid(&ctx, &marks, &links);
        let period = barometer::period_view(&ctx, "/workspace/barometer", period, bounds);
        Ok::<_, PageError>(json!({"chart": chart, "period": period}))
    }
    .await;
    match result {
        Ok(data) => page(
            &app,
            Some(&staff),
            lang,
            "ws_barometer.html",
            &app.i18n.t(lang, "ws-nav-barometer"),
            data,
        ),
        Err(PageError::BadPeriod(e)) => message(
            &app,
            Some(&staff),
            StatusCode::BAD_REQUEST,
            "bad-request-title",
            &barometer::period_error(&app, lang, &e),
        ),
        Err(e) => error_response(&app, Some(&staff), e).await,
    }
}

fn allowed(app: &AppState, staff: &Staff) -> Result<(), Response> {
    if staff.user.role.may(Action::ManageContentLists) {
        Ok(())
    } else {
        Err(forbidden(app, staff))
    }
}

const TONES: [i64; 5] = [2, 1, 0, -1, -2];

/// The scale's page; `typed` refills the add form after a refusal.
async fn scale_with(
    app: &AppState,
    staff: &Staff,
    error: Option<String>,
    typed: &[(String, String)],
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let tones = |selected: i64| -> Vec<Value> {
        TONES
            .iter()
            .map(|&t| json!({"value": t, "label": app.i18n.t(lang, &format!("ws-{}", tone_class(t))), "selected": t == selected}))
            .collect()
    };
    let steps: Vec<Value> = catalog
        .assessments
        .iter()
        .map(|a| {
            let labels: Vec<Value> = app
                .langs()
                .iter()
                .map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l), "label": a.labels.get(l).cloned().unwrap_or_default()}))
                .collect();
            json!({"id": a.id, "key": a.key, "position": a.position, "tones": tones(a.tone), "labels": labels, "class": tone_class(a.tone)})
        })
        .collect();
    let typed_tone = field(typed, "tone").parse().unwrap_or(0);
    let new_labels: Vec<Value> = app
        .langs()
        .iter()
        .map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l), "label": field(typed, &format!("label_{l}"))}))
        .collect();
    let data = json!({
        "steps": steps,
        "error": error,
        "new": {"key": field(typed, "key"), "tones": tones(typed_tone), "labels": new_labels,
                "position": field(typed, "position")},
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_assessments.html",
        &app.i18n.t(lang, "ws-nav-assessments"),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn scale_page(State(app): App, staff: Staff) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    scale_with(&app, &staff, None, &[], StatusCode::OK).await
}

/// What a step's form says, checked: position, tone, labels per language.
struct StepForm {
    position: i64,
    tone: i64,
    labels: Vec<(Lang, String)>,
}

fn read_step(app: &AppState, lang: Lang, f: &[(String, String)]) -> Result<StepForm, String> {
    let position = match field(f, "position").trim() {
        "" => 0,
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=1_000).contains(p))
            .ok_or_else(|| app.i18n.t(lang, "ws-bad-position"))?,
    };
    let tone = field(f, "tone")
        .parse::<i64>()
        .ok()
        .filter(|t| TONES.contains(t))
        .ok_or_else(|| app.i18n.t(lang, "ws-bad-tone"))?;
    let mut labels = Vec::new();
    for &l in app.langs().iter() {
        let label = field(f, &format!("label_{l}")).trim().to_owned();
        if label.chars().count() > MAX_LABEL {
            return Err(app.i18n.t_args(
                lang,
                "ws-too-long",
                &[
                    ("field", app.i18n.t(lang, "ws-name-field").as_str().into()),
                    ("max", (MAX_LABEL as i64).into()),
                ],
            ));
        }
        labels.push((l, label));
    }
    if labels.iter().all(|(_, label)| label.is_empty()) {
        return Err(app.i18n.t(lang, "ws-label-missing"));
    }
    Ok(StepForm {
        position,
        tone,
        labels,
    })
}

async fn write_step(
    app: &AppState,
    staff: &Staff,
    key: &str,
    step: &StepForm,
    action: &str,
) -> Result<(), sitrep_store::StoreError> {
    let mut w = app.store.writer().await?;
    let labels: Vec<(Lang, &str)> = step
        .labels
        .iter()
        .map(|(l, label)| (*l, label.as_str()))
        .collect();
    w.assessment(key, step.position, step.tone, &labels).await?;
    w.audit(Some(&staff.user), action, key, "", app.now())
        .await?;
    w.commit().await
}

/// `POST /workspace/assessments`: a new step.
async fn add_step(State(app): App, Posted(staff, f): Posted) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let Ok(key) = Slug::parse(field(&f, "key").trim()) else {
        let msg = app.i18n.t(lang, "ws-bad-slug");
        return scale_with(&app, &staff, Some(msg), &f, StatusCode::BAD_REQUEST).await;
    };
    let step = match read_step(&app, lang, &f) {
        Ok(s) => s,
        Err(msg) => return scale_with(&app, &staff, Some(msg), &f, StatusCode::BAD_REQUEST).await,
    };
    let taken = match app.catalog().await {
        Ok(c) => c.assessments.iter().any(|a| a.key == key.as_str()),
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    if taken {
        let msg = app.i18n.t(lang, "ws-key-taken");
        return scale_with(&app, &staff, Some(msg), &f, StatusCode::CONFLICT).await;
    }
    match write_step(&app, &staff, key.as_str(), &step, "assessment-added").await {
        Ok(()) => Redirect::to("/workspace/assessments").into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// `POST /workspace/assessments/{id}`: a step's order, tone and labels.
async fn save_step(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let step = path
        .ok()
        .and_then(|Path(raw)| raw.parse::<i64>().ok())
        .and_then(|id| catalog.assessment(id));
    let Some(existing) = step else {
        return not_found(&app, &staff);
    };
    let step = match read_step(&app, lang, &f) {
        Ok(s) => s,
        Err(msg) => return scale_with(&app, &staff, Some(msg), &[], StatusCode::BAD_REQUEST).await,
    };
    match write_step(&app, &staff, &existing.key, &step, "assessment-edited").await {
        Ok(()) => Redirect::to("/workspace/assessments").into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}
