//! Subscribers for editors: who is on the list, in which languages; add
//! one, export the list, erase a person completely.

// A ready response is the natural error of a handler step here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use sitrep_core::{Action, Lang};
use sitrep_store::{Subscriber, SubscriberStatus};

use super::editor::datetime;
use super::{Posted, Staff, error_response, forbidden, not_found, page, valid_email};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/subscribers", get(list).post(add))
        .route("/workspace/subscribers.csv", get(export))
        .route("/workspace/subscribers/{id}/erase", post(erase))
}

fn allowed(app: &AppState, staff: &Staff) -> Result<(), Response> {
    if staff.user.role.may(Action::ManageEditions) {
        Ok(())
    } else {
        Err(forbidden(app, staff))
    }
}

#[derive(Deserialize, Default)]
struct Filter {
    status: Option<String>,
    lang: Option<String>,
    q: Option<String>,
}

fn matches(s: &Subscriber, f: &Filter) -> bool {
    let status = f.status.as_deref().and_then(SubscriberStatus::parse);
    let lang = f.lang.as_deref().and_then(|l| Lang::parse(l).ok());
    let q = f.q.as_deref().unwrap_or("").trim().to_lowercase();
    status.is_none_or(|st| s.status == st)
        && lang.is_none_or(|l| s.langs.contains(&l))
        && (q.is_empty() || s.email.contains(&q))
}

async fn list_page(
    app: &AppState,
    staff: &Staff,
    filter: &Filter,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let all = match app.store.subscribers(None).await {
        Ok(s) => s,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let counts: Vec<Value> = app
        .langs()
        .iter()
        .map(|l| {
            let active = all
                .iter()
                .filter(|s| s.status == SubscriberStatus::Active && s.langs.contains(l))
                .count();
            json!({"lang": l.as_str(), "name": app.i18n.endonym(*l), "active": active})
        })
        .collect();
    let shown: Vec<Value> = all
        .iter()
        .filter(|s| matches(s, filter))
        .take(500)
        .map(|s| {
            json!({
                "id": s.id, "email": s.email,
                "langs": s.langs.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", "),
                "status": app.i18n.t(lang, &format!("subscriber-status-{}", s.status.as_str())),
                "consent": s.consent, "since": datetime(s.created_at),
            })
        })
        .collect();
    let statuses: Vec<Value> = SubscriberStatus::ALL
        .iter()
        .map(|st| json!({"value": st.as_str(), "label": app.i18n.t(lang, &format!("subscriber-status-{}", st.as_str()))}))
        .collect();
    let data = json!({
        "counts": counts, "subscribers": shown, "statuses": statuses, "total": all.len(),
        "filter": {"status": filter.status, "lang": filter.lang, "q": filter.q},
        "langs": app.langs().iter().map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l)})).collect::<Vec<_>>(),
        "error": error,
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_subscribers.html",
        &app.i18n.t(lang, "ws-nav-subscribers"),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn list(
    State(app): App,
    staff: Staff,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let filter = filter.map(|q| q.0).unwrap_or_default();
    list_page(&app, &staff, &filter, None, StatusCode::OK).await
}

/// An editor adds someone who asked to be added (the consent note says how).
async fn add(State(app): App, Posted(staff, f): Posted) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let email = field(&f, "email").trim();
    let langs: Vec<Lang> = f
        .iter()
        .filter(|(k, _)| k == "lang")
        .filter_map(|(_, v)| Lang::parse(v).ok())
        .filter(|l| app.langs().contains(l))
        .collect();
    let note = field(&f, "consent").trim();
    let error = if !valid_email(email) {
        Some("subscribe-bad-email")
    } else if langs.is_empty() {
        Some("subscribe-no-language")
    } else if note.is_empty() {
        Some("ws-consent-needed")
    } else {
        None
    };
    if let Some(key) = error {
        return list_page(
            &app,
            &staff,
            &Filter::default(),
            Some(app.i18n.t(lang, key)),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let now = app.now();
    let consent = format!("{note} (added by {} {})", staff.user.email, datetime(now));
    let result = async {
        let mut w = app.store.writer().await?;
        let id = w.add_subscriber(email, &langs, &consent, now).await?;
        w.set_subscriber(id, SubscriberStatus::Active, None, now)
            .await?;
        w.audit(Some(&staff.user), "subscriber-added", email, note, now)
            .await?;
        w.commit().await
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/workspace/subscribers").into_response(),
        Err(sitrep_store::StoreError::Duplicate(_)) => {
            list_page(
                &app,
                &staff,
                &Filter::default(),
                Some(app.i18n.t(lang, "ws-subscriber-exists")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// A CSV cell, quoted when needed, and never read as a formula by a
/// spreadsheet.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

async fn export(State(app): App, staff: Staff) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let all = match app.store.subscribers(None).await {
        Ok(s) => s,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let mut csv = String::from("email,languages,status,consent,created_at,confirmed_at\r\n");
    for s in &all {
        let langs = s
            .langs
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let row = [
            cell(&s.email),
            cell(&langs),
            s.status.as_str().to_owned(),
            cell(&s.consent),
            datetime(s.created_at),
            s.confirmed_at.map(datetime).unwrap_or_default(),
        ];
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    let _ = app
        .store
        .audit(
            Some(&staff.user),
            "subscribers-exported",
            &format!("{} rows", all.len()),
            "",
            app.now(),
        )
        .await;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"subscribers.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response()
}

async fn erase(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, _f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let Some(id) = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok()) else {
        return not_found(&app, &staff);
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        let erased = w.erase_subscriber(id).await?;
        // The log keeps that someone was erased, not who.
        w.audit(
            Some(&staff.user),
            "subscriber-erased",
            &format!("subscriber {id}"),
            "",
            now,
        )
        .await?;
        w.commit().await?;
        Ok::<_, sitrep_store::StoreError>(erased)
    }
    .await;
    match result {
        Ok(Some(_)) => Redirect::to("/workspace/subscribers").into_response(),
        Ok(None) => not_found(&app, &staff),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}
