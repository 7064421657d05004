//! The outbox: mail that was kept instead of sent (the demo, or a site
//! with no relay configured), for editors to read.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use sitrep_core::Action;

use super::editor::datetime;
use super::{Staff, error_response, forbidden, not_found, page};
use crate::AppState;

type App = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/outbox", get(list))
        .route("/workspace/outbox/{id}", get(show))
}

async fn list(State(app): App, staff: Staff) -> Response {
    if !staff.user.role.may(Action::ManageEditions) {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let messages = match app.store.outbox(500).await {
        Ok(m) => m,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let rows: Vec<Value> = messages
        .iter()
        .map(|m| json!({"href": format!("/workspace/outbox/{}", m.id), "at": datetime(m.created_at), "to": m.recipient, "subject": m.subject}))
        .collect();
    let data = json!({"messages": rows, "captures": app.mailer.captures()});
    page(
        &app,
        Some(&staff),
        lang,
        "ws_outbox.html",
        &app.i18n.t(lang, "ws-nav-outbox"),
        data,
    )
}

async fn show(
    State(app): App,
    staff: Staff,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    if !staff.user.role.may(Action::ManageEditions) {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let Some(id) = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok()) else {
        return not_found(&app, &staff);
    };
    let m = match app.store.outbox_message(id).await {
        Ok(Some(m)) => m,
        Ok(None) => return not_found(&app, &staff),
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let data = json!({
        "at": datetime(m.created_at),
        "to": m.recipient,
        "text": m.text,
        "source": String::from_utf8_lossy(&m.message),
    });
    page(
        &app,
        Some(&staff),
        lang,
        "ws_message_view.html",
        &m.subject,
        data,
    )
}
