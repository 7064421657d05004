//! Webhooks on the workspace's API page (admins only): add one for chosen
//! events, see its secret and recent deliveries, remove it.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use sitrep_core::{Action, Lang};
use sitrep_store::EVENTS;

use super::api::api_page;
use super::{Posted, datetime, forbidden, not_found};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

/// Deliveries listed on the page.
const RECENT: i64 = 20;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/api/webhooks", post(add))
        .route("/workspace/api/webhooks/{id}/delete", post(delete))
}

/// What the API page shows of webhooks.
pub(super) async fn data(app: &AppState, lang: Lang) -> Result<Value, sitrep_store::StoreError> {
    let hooks = app.store.webhooks().await?;
    let deliveries = app.store.recent_webhook_deliveries(RECENT).await?;
    let event_label = |e: &str| app.i18n.t(lang, &format!("ws-webhook-event-{e}"));
    Ok(json!({
        "hooks": hooks.iter().map(|h| json!({
            "id": h.id,
            "url": h.url,
            "secret": h.secret,
            "events": h.events.iter().map(|e| event_label(e)).collect::<Vec<_>>().join(", "),
        })).collect::<Vec<_>>(),
        "events": EVENTS.iter().map(|e| json!({"value": e, "label": event_label(e)})).collect::<Vec<_>>(),
        "deliveries": deliveries.iter().map(|d| {
            let state = if d.delivered_at.is_some() {
                app.i18n.t(lang, "ws-webhook-delivered")
            } else if d.failed_at.is_some() {
                app.i18n.t(lang, "ws-webhook-failed")
            } else {
                app.i18n.t(lang, "ws-webhook-pending")
            };
            json!({
                "at": datetime(d.created_at),
                "event": event_label(&d.event),
                "hook": d.webhook_id,
                "attempts": d.attempts,
                "state": state,
                "status": d.last_status,
            })
        }).collect::<Vec<_>>(),
    }))
}

/// An absolute http(s) address with a host.
pub(super) fn valid_url(raw: &str) -> bool {
    let Some(rest) = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    raw.len() <= 2000
        && !host.is_empty()
        && !host.contains('@')
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
}

async fn add(State(app): App, Posted(staff, f): Posted) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let url = field(&f, "url").trim();
    let events: Vec<&str> = EVENTS
        .iter()
        .copied()
        .filter(|e| f.iter().any(|(k, v)| k == "event" && v == e))
        .collect();
    let problem = if !valid_url(url) {
        Some("ws-webhook-bad-url")
    } else if events.is_empty() {
        Some("ws-webhook-no-events")
    } else {
        None
    };
    if let Some(key) = problem {
        let msg = app.i18n.t(lang, key);
        return api_page(&app, &staff, None, Some(msg), "", StatusCode::BAD_REQUEST).await;
    }
    let now = app.now();
    let result = async {
        let id = app
            .store
            .add_webhook(url, &crate::webhooks::new_secret(), &events, now)
            .await?;
        // The address may carry the receiver's own secret: not logged.
        app.store
            .audit(
                Some(&staff.user),
                "webhook-added",
                &format!("webhook {id}"),
                &events.join(","),
                now,
            )
            .await
    }
    .await;
    super::written(&app, &staff, result, "/workspace/api").await
}

async fn delete(
    State(app): App,
    path: Result<Path<i64>, PathRejection>,
    Posted(staff, _f): Posted,
) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let Ok(Path(id)) = path else {
        return not_found(&app, &staff);
    };
    let now = app.now();
    match app.store.delete_webhook(id).await {
        Ok(true) => {
            let result = app
                .store
                .audit(
                    Some(&staff.user),
                    "webhook-removed",
                    &format!("webhook {id}"),
                    "",
                    now,
                )
                .await;
            super::written(&app, &staff, result, "/workspace/api").await
        }
        Ok(false) => not_found(&app, &staff),
        Err(e) => super::error_response(&app, Some(&staff), e.into()).await,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_web_addresses_take_events() {
        for good in ["https://example.org/hook", "http://127.0.0.1:9000/x?y=1"] {
            assert!(super::valid_url(good), "{good}");
        }
        for bad in [
            "",
            "ftp://example.org/",
            "https://",
            "https:///path",
            "javascript:alert(1)",
            "https://user:pw@example.org/",
            "https://example.org/a b",
            "/relative",
        ] {
            assert!(!super::valid_url(bad), "{bad}");
        }
    }
}
