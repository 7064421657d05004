//! Forecasts in the workspace: sets and their statements, outcomes for
//! what has come due, and the likelihood scale.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sitrep_core::forecast::Outcome;
use sitrep_core::{Action, Lang, Slug};
use sitrep_store::{Catalog, ForecastSet, Statement, StatementEdit, StoreError};

use super::editor::{datetime, parse_utc_minute};
use super::{Posted, Staff, error_response, forbidden, not_found, page, written};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

const MAX_TITLE: usize = 200;
const MAX_INTRO: usize = 4_000;
const MAX_STATEMENT: usize = 1_000;
const MAX_NOTE: usize = 2_000;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/forecasts", get(list).post(create))
        .route("/workspace/forecasts/{id}", get(set_page).post(save_set))
        .route("/workspace/forecasts/{id}/statements", post(add_statement))
        .route(
            "/workspace/forecasts/{id}/statements/{sid}",
            post(save_statement),
        )
        .route(
            "/workspace/forecasts/{id}/statements/{sid}/outcome",
            post(record_outcome),
        )
}

fn allowed(app: &AppState, staff: &Staff) -> Result<(), Response> {
    if staff.user.role.may(Action::ManageEditions) {
        Ok(())
    } else {
        Err(forbidden(app, staff))
    }
}

/// A per-language text in the staff member's language, else any.
fn pick<T>(map: &std::collections::HashMap<Lang, T>, lang: Lang) -> Option<&T> {
    map.get(&lang).or_else(|| {
        let mut langs: Vec<&Lang> = map.keys().collect();
        langs.sort();
        langs.first().and_then(|l| map.get(*l))
    })
}

fn set_title(set: &ForecastSet, lang: Lang) -> String {
    pick(&set.texts, lang)
        .map(|(t, _)| t.clone())
        .unwrap_or_else(|| set.slug.clone())
}

fn statement_row(app: &AppState, catalog: &Catalog, s: &Statement, lang: Lang) -> Value {
    let trend = catalog
        .trend(s.trend_id)
        .and_then(|t| pick(&t.names, lang).map(|(n, _)| n.clone()))
        .unwrap_or_default();
    let likelihood = catalog
        .likelihood(s.likelihood_id)
        .and_then(|l| pick(&l.labels, lang).cloned())
        .unwrap_or_default();
    json!({
        "id": s.id, "set_id": s.set_id,
        "text": pick(&s.texts, lang).map(|(t, _)| t.clone()).unwrap_or_default(),
        "trend": trend, "likelihood": likelihood, "percent": s.percent, "due_on": s.due_on,
        "outcome": s.outcome.map(|o| app.i18n.t(lang, &format!("outcome-{}", o.as_str()))),
    })
}

async fn list_page(app: &AppState, staff: &Staff, error: Option<String>, typed: &str) -> Response {
    let lang = staff.user.ui_lang;
    let loaded = async {
        let sets = app.store.desk_forecast_sets().await?;
        let due = app.store.desk_statements(None, Some(&app.today())).await?;
        let catalog = app.catalog().await?;
        Ok::<_, StoreError>((sets, due, catalog))
    }
    .await;
    let (sets, due, catalog) = match loaded {
        Ok(l) => l,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let now = app.now();
    let sets: Vec<Value> = sets
        .iter()
        .map(|s| {
            json!({"id": s.id, "slug": s.slug, "title": set_title(s, lang),
                   "public": s.published_at.filter(|t| *t <= now).map(datetime),
                   "scheduled": s.published_at.filter(|t| *t > now).map(datetime)})
        })
        .collect();
    let due: Vec<Value> = due
        .iter()
        .map(|s| statement_row(app, &catalog, s, lang))
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_forecasts.html",
        &app.i18n.t(lang, "ws-nav-forecasts"),
        json!({"sets": sets, "due": due, "error": error, "typed": typed}),
    );
    *res.status_mut() = status;
    res
}

async fn list(State(app): App, staff: Staff) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    list_page(&app, &staff, None, "").await
}

async fn create(State(app): App, Posted(staff, f): Posted) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let typed = field(&f, "slug").trim();
    let Ok(slug) = Slug::parse(typed) else {
        return list_page(&app, &staff, Some(app.i18n.t(lang, "ws-bad-slug")), typed).await;
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        let id = w.add_forecast_set(slug.as_str(), now).await?;
        w.audit(
            Some(&staff.user),
            "forecast-set-added",
            slug.as_str(),
            "",
            now,
        )
        .await?;
        w.commit().await?;
        Ok::<_, StoreError>(id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/workspace/forecasts/{id}")).into_response(),
        Err(StoreError::Duplicate(_)) => {
            list_page(
                &app,
                &staff,
                Some(app.i18n.t(lang, "ws-set-slug-taken")),
                typed,
            )
            .await
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// A refusal shown on the set's page: the message, and which form's typed
/// fields to show again ("set", "new", or a statement's id).
struct Refusal<'a> {
    message: String,
    form: String,
    fields: &'a [(String, String)],
}

async fn find_set(app: &AppState, staff: &Staff, id: Option<i64>) -> Result<ForecastSet, Response> {
    let sets = match app.store.desk_forecast_sets().await {
        Ok(s) => s,
        Err(e) => return Err(error_response(app, Some(staff), e.into()).await),
    };
    match id.and_then(|id| sets.into_iter().find(|s| s.id == id)) {
        Some(s) => Ok(s),
        None => Err(not_found(app, staff)),
    }
}

fn one_id(path: Result<Path<String>, PathRejection>) -> Option<i64> {
    path.ok().and_then(|Path(raw)| raw.parse().ok())
}

fn two_ids(path: Result<Path<(String, String)>, PathRejection>) -> Option<(i64, i64)> {
    let Path((a, b)) = path.ok()?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

async fn set_page(
    State(app): App,
    staff: Staff,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    match find_set(&app, &staff, one_id(path)).await {
        Ok(set) => render_set(&app, &staff, &set, None).await,
        Err(r) => r,
    }
}

async fn render_set(
    app: &AppState,
    staff: &Staff,
    set: &ForecastSet,
    refusal: Option<Refusal<'_>>,
) -> Response {
    let lang = staff.user.ui_lang;
    let loaded = async {
        let statements = app.store.desk_statements(Some(set.id), None).await?;
        let catalog = app.catalog().await?;
        Ok::<_, StoreError>((statements, catalog))
    }
    .await;
    let (statements, catalog) = match loaded {
        Ok(l) => l,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let typed_for = |form: &str| {
        refusal
            .as_ref()
            .filter(|r| r.form == form)
            .map(|r| r.fields)
    };
    let langs = app.langs();
    let texts = |stored: &dyn Fn(Lang) -> (String, String),
                 typed: Option<&[(String, String)]>,
                 a: &str,
                 b: &str|
     -> Vec<Value> {
        langs
            .iter()
            .map(|l| {
                let (x, y) = match typed {
                    Some(f) => (
                        field(f, &format!("{a}_{l}")).to_owned(),
                        field(f, &format!("{b}_{l}")).to_owned(),
                    ),
                    None => stored(*l),
                };
                json!({"code": l.as_str(), "name": app.i18n.endonym(*l), a: x, b: y})
            })
            .collect()
    };
    let local = |t: Option<i64>| {
        t.and_then(|t| jiff::Timestamp::from_second(t).ok())
            .map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    let set_typed = typed_for("set");
    let set_form = json!({
        "texts": texts(&|l| set.texts.get(&l).cloned().unwrap_or_default(), set_typed, "title", "intro"),
        "public_from": set_typed.map_or_else(|| local(set.published_at), |f| field(f, "public_from").to_owned()),
    });
    let choices = |trend: &str, likelihood: &str| {
        let trends: Vec<Value> = catalog
            .trends
            .iter()
            .map(|t| json!({"id": t.id, "label": pick(&t.names, lang).map(|(n, _)| n.clone()).unwrap_or_else(|| t.slug.clone()), "selected": t.id.to_string() == trend}))
            .collect();
        let likelihoods: Vec<Value> = catalog
            .likelihoods
            .iter()
            .map(|l| json!({"id": l.id, "label": format!("{} ({} %)", pick(&l.labels, lang).cloned().unwrap_or_else(|| l.key.clone()), l.percent), "selected": l.id.to_string() == likelihood}))
            .collect();
        json!({"trends": trends, "likelihoods": likelihoods})
    };
    let outcomes = |selected: &str| -> Vec<Value> {
        std::iter::once(("", app.i18n.t(lang, "ws-outcome-none")))
            .chain(Outcome::ALL.iter().map(|o| (o.as_str(), app.i18n.t(lang, &format!("outcome-{}", o.as_str())))))
            .map(|(value, label)| json!({"value": value, "label": label, "selected": value == selected}))
            .collect()
    };
    let rows: Vec<Value> = statements
        .iter()
        .map(|s| {
            let typed = typed_for(&s.id.to_string());
            let value = |name: &str, stored: String| typed.map_or(stored, |f| field(f, name).to_owned());
            let outcome = value("outcome", s.outcome.map(Outcome::as_str).unwrap_or("").to_owned());
            let mut row = statement_row(app, &catalog, s, lang);
            row["form"] = json!({
                "choices": choices(&value("trend_id", s.trend_id.to_string()), &value("likelihood_id", s.likelihood_id.to_string())),
                "due_on": value("due_on", s.due_on.clone()),
                "position": value("position", s.position.to_string()),
                "texts": texts(&|l| s.texts.get(&l).cloned().unwrap_or_default(), typed, "text", "note"),
                "outcomes": outcomes(&outcome),
            });
            row
        })
        .collect();
    let new_typed = typed_for("new");
    let new_value = |name: &str| {
        new_typed
            .map(|f| field(f, name).to_owned())
            .unwrap_or_default()
    };
    let new_form = json!({
        "choices": choices(&new_value("trend_id"), &new_value("likelihood_id")),
        "due_on": new_value("due_on"),
        "position": new_value("position"),
        "texts": texts(&|_| Default::default(), new_typed, "text", "note"),
    });
    let status = if refusal.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let now = app.now();
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_forecast_set.html",
        &set_title(set, lang),
        json!({
            "id": set.id, "slug": set.slug,
            "public": set.published_at.is_some_and(|t| t <= now),
            "public_href": format!("/{}/forecasts/{}/", app.default_lang(), set.slug),
            "set": set_form, "statements": rows, "new": new_form,
            "error": refusal.as_ref().map(|r| r.message.clone()),
            "error_form": refusal.as_ref().map(|r| r.form.clone()),
        }),
    );
    *res.status_mut() = status;
    res
}

fn too_long(app: &AppState, lang: Lang, label: &str, max: usize) -> String {
    app.i18n.t_args(
        lang,
        "ws-too-long",
        &[
            ("field", app.i18n.t(lang, label).as_str().into()),
            ("max", (max as i64).into()),
        ],
    )
}

async fn save_set(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let set = match find_set(&app, &staff, one_id(path)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let lang = staff.user.ui_lang;
    let langs = app.langs();
    let check = || -> Result<Option<i64>, String> {
        let mut any = false;
        for l in langs.iter() {
            let title = field(&f, &format!("title_{l}")).trim();
            if title.chars().count() > MAX_TITLE {
                return Err(too_long(&app, lang, "ws-set-title", MAX_TITLE));
            }
            if field(&f, &format!("intro_{l}")).chars().count() > MAX_INTRO {
                return Err(too_long(&app, lang, "ws-set-intro", MAX_INTRO));
            }
            any |= !title.is_empty();
        }
        if !any {
            return Err(app.i18n.t(lang, "ws-set-title-missing"));
        }
        match field(&f, "public_from").trim() {
            "" => Ok(None),
            raw => parse_utc_minute(raw)
                .map(Some)
                .ok_or_else(|| app.i18n.t(lang, "ws-bad-time")),
        }
    };
    let published_at = match check() {
        Ok(p) => p,
        Err(message) => {
            let refusal = Refusal {
                message,
                form: "set".into(),
                fields: &f,
            };
            return render_set(&app, &staff, &set, Some(refusal)).await;
        }
    };
    let texts: Vec<(Lang, &str, &str)> = langs
        .iter()
        .map(|l| {
            (
                *l,
                field(&f, &format!("title_{l}")).trim(),
                field(&f, &format!("intro_{l}")).trim(),
            )
        })
        .collect();
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        w.set_forecast_set(set.id, published_at, &texts, now)
            .await?;
        w.audit(Some(&staff.user), "forecast-set-edited", &set.slug, "", now)
            .await?;
        w.commit().await
    }
    .await;
    written(
        &app,
        &staff,
        result,
        &format!("/workspace/forecasts/{}", set.id),
    )
    .await
}

/// A statement's form, checked.
struct StatementForm<'f> {
    trend_id: i64,
    likelihood_id: i64,
    percent: i64,
    due_on: String,
    position: i64,
    texts: Vec<(Lang, &'f str)>,
}

/// Reads a statement's form; `existing` keeps its probability when the
/// likelihood is unchanged.
fn read_statement<'f>(
    app: &AppState,
    lang: Lang,
    catalog: &Catalog,
    f: &'f [(String, String)],
    existing: Option<&Statement>,
    locked: bool,
) -> Result<StatementForm<'f>, String> {
    let trend = field(f, "trend_id")
        .parse::<i64>()
        .ok()
        .and_then(|id| catalog.trend(id));
    let likelihood = field(f, "likelihood_id")
        .parse::<i64>()
        .ok()
        .and_then(|id| catalog.likelihood(id));
    let (Some(trend), Some(likelihood)) = (trend, likelihood) else {
        return Err(app.i18n.t(lang, "ws-unknown-choice"));
    };
    let due = field(f, "due_on").trim();
    let due = due
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| due.len() == 10)
        .ok_or_else(|| app.i18n.t(lang, "ws-bad-due"))?;
    let position = match field(f, "position").trim() {
        "" => 0,
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=1_000).contains(p))
            .ok_or_else(|| app.i18n.t(lang, "ws-bad-position"))?,
    };
    let mut texts = Vec::new();
    for l in app.langs().iter() {
        let text = field(f, &format!("text_{l}")).trim();
        if text.chars().count() > MAX_STATEMENT {
            return Err(too_long(app, lang, "ws-statement", MAX_STATEMENT));
        }
        texts.push((*l, text));
    }
    if texts.iter().all(|(_, t)| t.is_empty()) {
        return Err(app.i18n.t(lang, "ws-statement-missing"));
    }
    let percent = match existing {
        Some(s) if s.likelihood_id == likelihood.id => s.percent,
        _ => likelihood.percent,
    };
    // Once readers have seen a statement, what it claimed stays as it was:
    // only its wording may still be corrected.
    if let Some(s) = existing.filter(|_| locked)
        && (s.trend_id, s.likelihood_id, s.due_on.clone())
            != (trend.id, likelihood.id, due.to_string())
    {
        return Err(app.i18n.t(lang, "ws-statement-locked"));
    }
    Ok(StatementForm {
        trend_id: trend.id,
        likelihood_id: likelihood.id,
        percent,
        due_on: due.to_string(),
        position,
        texts,
    })
}

async fn add_statement(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    write_statement(app, staff, one_id(path), None, f).await
}

async fn save_statement(
    State(app): App,
    path: Result<Path<(String, String)>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    match two_ids(path) {
        Some((set, id)) => write_statement(app, staff, Some(set), Some(id), f).await,
        None => not_found(&app, &staff),
    }
}

async fn write_statement(
    app: Arc<AppState>,
    staff: Staff,
    set_id: Option<i64>,
    id: Option<i64>,
    f: Vec<(String, String)>,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let set = match find_set(&app, &staff, set_id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let lang = staff.user.ui_lang;
    let loaded = async {
        Ok::<_, StoreError>((
            app.store.desk_statements(Some(set.id), None).await?,
            app.catalog().await?,
        ))
    }
    .await;
    let (statements, catalog) = match loaded {
        Ok(l) => l,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let existing = match id {
        None => None,
        Some(id) => match statements.iter().find(|s| s.id == id) {
            Some(s) => Some(s),
            None => return not_found(&app, &staff),
        },
    };
    let public = set.published_at.is_some_and(|t| t <= app.now());
    let form = match read_statement(&app, lang, &catalog, &f, existing, public) {
        Ok(r) => r,
        Err(message) => {
            let form = id.map_or_else(|| "new".to_owned(), |i| i.to_string());
            let refusal = Refusal {
                message,
                form,
                fields: &f,
            };
            return render_set(&app, &staff, &set, Some(refusal)).await;
        }
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        let sid = w
            .save_statement(
                set.id,
                id,
                &StatementEdit {
                    trend_id: form.trend_id,
                    likelihood_id: form.likelihood_id,
                    percent: form.percent,
                    due_on: &form.due_on,
                    position: form.position,
                    texts: &form.texts,
                },
                now,
            )
            .await?;
        w.audit(
            Some(&staff.user),
            if id.is_some() {
                "forecast-statement-edited"
            } else {
                "forecast-statement-added"
            },
            &sid.to_string(),
            &set.slug,
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    written(
        &app,
        &staff,
        result,
        &format!("/workspace/forecasts/{}", set.id),
    )
    .await
}

async fn record_outcome(
    State(app): App,
    path: Result<Path<(String, String)>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let Some((set_id, id)) = two_ids(path) else {
        return not_found(&app, &staff);
    };
    let set = match find_set(&app, &staff, Some(set_id)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let lang = staff.user.ui_lang;
    let statements = match app.store.desk_statements(Some(set.id), None).await {
        Ok(s) => s,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    if !statements.iter().any(|s| s.id == id) {
        return not_found(&app, &staff);
    }
    let refuse = |message: String| Refusal {
        message,
        form: id.to_string(),
        fields: &f,
    };
    let outcome = match field(&f, "outcome") {
        "" => None,
        raw => match Outcome::parse(raw) {
            Some(o) => Some(o),
            None => {
                let r = refuse(app.i18n.t(lang, "ws-bad-outcome"));
                return render_set(&app, &staff, &set, Some(r)).await;
            }
        },
    };
    // Only the languages the form sent: a post without notes keeps them.
    let notes: Vec<(Lang, &str)> = app
        .langs()
        .iter()
        .filter_map(|l| {
            let name = format!("note_{l}");
            f.iter()
                .any(|(k, _)| *k == name)
                .then(|| (*l, field(&f, &name).trim()))
        })
        .collect();
    if notes.iter().any(|(_, n)| n.chars().count() > MAX_NOTE) {
        let r = refuse(too_long(&app, lang, "ws-outcome-note", MAX_NOTE));
        return render_set(&app, &staff, &set, Some(r)).await;
    }
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        w.resolve_statement(id, outcome, &notes, Some(staff.user.id), now)
            .await?;
        w.audit(
            Some(&staff.user),
            "forecast-outcome",
            &id.to_string(),
            outcome.map_or("", Outcome::as_str),
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    written(
        &app,
        &staff,
        result,
        &format!("/workspace/forecasts/{}", set.id),
    )
    .await
}
