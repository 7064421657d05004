//! The editors' barometer (every week, published or not) and the two
//! scales: the assessment scale it draws (steps, their order, tone and
//! labels) and the likelihood scale forecasts are made on (steps with a
//! probability).

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sitrep_core::{Action, Lang, Slug};
use sitrep_render::charts::tone_class;

use super::{Posted, Staff, error_response, forbidden, message, not_found, page, written};
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
        .route(
            "/workspace/assessments",
            get(|s: App, st: Staff| scale_page(s, st, Kind::Assessments))
                .post(|s: App, b: Posted| add_step(s, b, Kind::Assessments)),
        )
        .route(
            "/workspace/assessments/{id}",
            post(
                |s: App, p: Result<Path<String>, PathRejection>, b: Posted| {
                    save_step(s, p, b, Kind::Assessments)
                },
            ),
        )
        .route(
            "/workspace/likelihoods",
            get(|s: App, st: Staff| scale_page(s, st, Kind::Likelihoods))
                .post(|s: App, b: Posted| add_step(s, b, Kind::Likelihoods)),
        )
        .route(
            "/workspace/likelihoods/{id}",
            post(
                |s: App, p: Result<Path<String>, PathRejection>, b: Posted| {
                    save_step(s, p, b, Kind::Likelihoods)
                },
            ),
        )
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

/// Which scale a page edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Assessments,
    Likelihoods,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Assessments => "assessments",
            Kind::Likelihoods => "likelihoods",
        }
    }
}

const TONES: [i64; 5] = [2, 1, 0, -1, -2];

/// A step as the page shows it: id, key, position, value (tone or
/// percent) and labels per language.
struct Step<'c> {
    id: i64,
    key: &'c str,
    position: i64,
    value: i64,
    labels: &'c std::collections::HashMap<Lang, String>,
}

fn steps(catalog: &sitrep_store::Catalog, kind: Kind) -> Vec<Step<'_>> {
    match kind {
        Kind::Assessments => catalog
            .assessments
            .iter()
            .map(|a| Step {
                id: a.id,
                key: &a.key,
                position: a.position,
                value: a.tone,
                labels: &a.labels,
            })
            .collect(),
        Kind::Likelihoods => catalog
            .likelihoods
            .iter()
            .map(|l| Step {
                id: l.id,
                key: &l.key,
                position: l.position,
                value: l.percent,
                labels: &l.labels,
            })
            .collect(),
    }
}

/// The scale's page; `typed` refills the add form after a refusal.
async fn scale_with(
    app: &AppState,
    staff: &Staff,
    kind: Kind,
    error: Option<String>,
    typed: &[(String, String)],
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let tones = |selected: &str| -> Vec<Value> {
        TONES
            .iter()
            .map(|&t| json!({"value": t, "label": app.i18n.t(lang, &format!("ws-{}", tone_class(t))), "selected": t.to_string() == selected}))
            .collect()
    };
    let labels = |get: &dyn Fn(Lang) -> String| -> Vec<Value> {
        app.langs()
            .iter()
            .map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l), "label": get(*l)}))
            .collect()
    };
    let rows: Vec<Value> = steps(&catalog, kind)
        .iter()
        .map(|s| {
            json!({"id": s.id, "key": s.key, "position": s.position, "value": s.value,
                   "tones": tones(&s.value.to_string()),
                   "labels": labels(&|l| s.labels.get(&l).cloned().unwrap_or_default())})
        })
        .collect();
    let value = field(typed, "value");
    let data = json!({
        "kind": kind.path(),
        "intro": app.i18n.t(lang, &format!("ws-{}-intro", kind.path())),
        "steps": rows,
        "error": error,
        "new": {"key": field(typed, "key"), "value": value, "tones": tones(if value.is_empty() { "0" } else { value }),
                "labels": labels(&|l| field(typed, &format!("label_{l}")).to_owned()),
                "position": field(typed, "position")},
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_scale.html",
        &app.i18n.t(lang, &format!("ws-nav-{}", kind.path())),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn scale_page(State(app): App, staff: Staff, kind: Kind) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    scale_with(&app, &staff, kind, None, &[], StatusCode::OK).await
}

/// What a step's form says, checked: position, value, labels per language.
struct StepForm {
    position: i64,
    value: i64,
    labels: Vec<(Lang, String)>,
}

fn read_step(
    app: &AppState,
    lang: Lang,
    kind: Kind,
    f: &[(String, String)],
) -> Result<StepForm, String> {
    let position = match field(f, "position").trim() {
        "" => 0,
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=1_000).contains(p))
            .ok_or_else(|| app.i18n.t(lang, "ws-bad-position"))?,
    };
    let value = field(f, "value").trim().parse::<i64>().ok();
    let value = match kind {
        Kind::Assessments => value
            .filter(|t| TONES.contains(t))
            .ok_or_else(|| app.i18n.t(lang, "ws-bad-tone"))?,
        Kind::Likelihoods => value
            .filter(|p| (0..=100).contains(p))
            .ok_or_else(|| app.i18n.t(lang, "ws-bad-percent"))?,
    };
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
        value,
        labels,
    })
}

async fn write_step(
    app: &AppState,
    staff: &Staff,
    kind: Kind,
    key: &str,
    step: &StepForm,
    edited: bool,
) -> Result<(), sitrep_store::StoreError> {
    let mut w = app.store.writer().await?;
    let labels: Vec<(Lang, &str)> = step
        .labels
        .iter()
        .map(|(l, label)| (*l, label.as_str()))
        .collect();
    match kind {
        Kind::Assessments => {
            w.assessment(key, step.position, step.value, &labels)
                .await?
        }
        Kind::Likelihoods => {
            w.likelihood(key, step.value, step.position, &labels)
                .await?
        }
    };
    let action = format!(
        "{}-{}",
        kind.path().trim_end_matches('s'),
        if edited { "edited" } else { "added" }
    );
    w.audit(Some(&staff.user), &action, key, "", app.now())
        .await?;
    w.commit().await
}

/// `POST /workspace/{assessments,likelihoods}`: a new step.
async fn add_step(State(app): App, Posted(staff, f): Posted, kind: Kind) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let refuse = |msg: String, status| scale_with(&app, &staff, kind, Some(msg), &f, status);
    let Ok(key) = Slug::parse(field(&f, "key").trim()) else {
        return refuse(app.i18n.t(lang, "ws-bad-slug"), StatusCode::BAD_REQUEST).await;
    };
    let step = match read_step(&app, lang, kind, &f) {
        Ok(s) => s,
        Err(msg) => return refuse(msg, StatusCode::BAD_REQUEST).await,
    };
    let taken = match app.catalog().await {
        Ok(c) => steps(&c, kind).iter().any(|s| s.key == key.as_str()),
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    if taken {
        return refuse(app.i18n.t(lang, "ws-key-taken"), StatusCode::CONFLICT).await;
    }
    let result = write_step(&app, &staff, kind, key.as_str(), &step, false).await;
    written(&app, &staff, result, &format!("/workspace/{}", kind.path())).await
}

/// `POST /workspace/{assessments,likelihoods}/{id}`: a step's order,
/// value and labels.
async fn save_step(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
    kind: Kind,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let id = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok());
    let Some(key) = steps(&catalog, kind)
        .iter()
        .find(|s| Some(s.id) == id)
        .map(|s| s.key.to_owned())
    else {
        return not_found(&app, &staff);
    };
    let step = match read_step(&app, lang, kind, &f) {
        Ok(s) => s,
        Err(msg) => {
            return scale_with(&app, &staff, kind, Some(msg), &[], StatusCode::BAD_REQUEST).await;
        }
    };
    let result = write_step(&app, &staff, kind, &key, &step, true).await;
    written(&app, &staff, result, &format!("/workspace/{}", kind.path())).await
}
