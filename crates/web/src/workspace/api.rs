//! The workspace's API page: personal tokens (made, shown once, revoked),
//! the Content API key for Ghost clients, and (for admins) webhooks.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sitrep_core::{Action, Role};

use super::{Posted, Staff, datetime, error_response, forbidden, not_found, page};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

/// Longest token name.
const MAX_NAME: usize = 100;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/api", get(show))
        .route("/workspace/api/tokens", post(make))
        .route("/workspace/api/tokens/{id}/revoke", post(revoke))
        .route("/workspace/api/content-key", post(new_content_key))
        .merge(super::webhooks::router())
}

/// The page, with a message, a token just made, or the typed form.
pub(super) async fn api_page(
    app: &AppState,
    staff: &Staff,
    made: Option<String>,
    error: Option<String>,
    typed_name: &str,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let admin = staff.user.role.may(Action::ManageStaff);
    let data = async {
        let tokens = app
            .store
            .api_tokens((!admin).then_some(staff.user.id))
            .await?;
        let key = crate::ghost::content_key(app).await?;
        let webhooks = if admin {
            super::webhooks::data(app, lang).await?
        } else {
            Value::Null
        };
        Ok::<_, sitrep_store::StoreError>((tokens, key, webhooks))
    }
    .await;
    let (tokens, key, webhooks) = match data {
        Ok(d) => d,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let role_label = |r: Role| app.i18n.t(lang, &format!("ws-role-{}", r.as_str()));
    let tokens: Vec<Value> = tokens
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "owner": t.user_email,
                "mine": t.user_id == staff.user.id,
                "role": role_label(t.role),
                "created": datetime(t.created_at),
                "used": t.last_used_at.map(datetime),
                "revoked": t.revoked_at.map(datetime),
            })
        })
        .collect();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .filter(|r| staff.user.role.covers(**r))
        .map(
            |r| json!({"value": r.as_str(), "label": role_label(*r), "own": *r == staff.user.role}),
        )
        .collect();
    let other_langs: Vec<String> = app
        .langs()
        .iter()
        .filter(|l| **l != app.default_lang())
        .map(|l| l.to_string())
        .collect();
    let data = json!({
        "tokens": tokens,
        "admin": admin,
        "roles": roles,
        "made": made,
        "error": error,
        "name": typed_name,
        "key": key,
        "key_langs": other_langs,
        "public_url": app.public_url,
        "webhooks": webhooks,
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_api.html",
        &app.i18n.t(lang, "ws-nav-api"),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn show(State(app): App, staff: Staff) -> Response {
    api_page(&app, &staff, None, None, "", StatusCode::OK).await
}

async fn make(State(app): App, Posted(staff, f): Posted) -> Response {
    let lang = staff.user.ui_lang;
    let name = field(&f, "name").trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        let msg = app.i18n.t(lang, "ws-api-token-name-missing");
        return api_page(&app, &staff, None, Some(msg), name, StatusCode::BAD_REQUEST).await;
    }
    let Some(role) = Role::parse(field(&f, "role")) else {
        let msg = app.i18n.t(lang, "ws-bad-role");
        return api_page(&app, &staff, None, Some(msg), name, StatusCode::BAD_REQUEST).await;
    };
    // A token above one's own role is a permission, not a typing, matter.
    if !staff.user.role.covers(role) {
        return forbidden(&app, &staff);
    }
    let (text, hash) = crate::api::write::new_token();
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        let id = w
            .add_api_token(staff.user.id, name, role, &hash, now)
            .await?;
        w.audit(
            Some(&staff.user),
            "api-token-made",
            &format!("token {id}"),
            &format!("{name} · {}", role.as_str()),
            now,
        )
        .await?;
        w.commit_bookkeeping().await
    }
    .await;
    match result {
        // Shown once, on this answer only (no-store), never again.
        Ok(()) => api_page(&app, &staff, Some(text), None, "", StatusCode::OK).await,
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

async fn revoke(
    State(app): App,
    path: Result<Path<i64>, PathRejection>,
    Posted(staff, _f): Posted,
) -> Response {
    let Ok(Path(id)) = path else {
        return not_found(&app, &staff);
    };
    let token = match app.store.api_token(id).await {
        Ok(Some(t)) => t,
        Ok(None) => return not_found(&app, &staff),
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    // Staff revoke their own tokens; admins anyone's.
    if token.user_id != staff.user.id && !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        if w.revoke_api_token(id, now).await? {
            w.audit(
                Some(&staff.user),
                "api-token-revoked",
                &format!("token {id}"),
                &token.name,
                now,
            )
            .await?;
        }
        w.commit_bookkeeping().await
    }
    .await;
    super::written(&app, &staff, result, "/workspace/api").await
}

/// An admin replaces the Content API key (front ends need the new one).
async fn new_content_key(State(app): App, Posted(staff, _f): Posted) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let now = app.now();
    let result = async {
        app.store
            .set_setting(crate::ghost::KEY_SETTING, &crate::ghost::new_key())
            .await?;
        app.store
            .audit(
                Some(&staff.user),
                "content-key-replaced",
                "content api",
                "",
                now,
            )
            .await
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/workspace/api").into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}
