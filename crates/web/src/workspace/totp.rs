//! Setting up the second factor, and the admin's rule that all staff use one.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sitrep_core::Action;

use super::session::REQUIRE_TOTP;
use super::{Posted, Staff, account_data, error_response, forbidden, page};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

/// The account page in the middle of setting up: the new secret shown, a
/// code asked for.
fn setup_page(
    app: &AppState,
    staff: &Staff,
    secret: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let issuer = app.i18n.t(app.default_lang(), "ws-name");
    let mut data = account_data(app, staff, None, error);
    let grouped: Vec<String> = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    data["totp_setup"] = json!({
        "secret": secret,
        "grouped": grouped.join(" "),
        "uri": sitrep_auth::totp_uri(secret, &staff.user.email, &issuer),
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_account.html",
        &app.i18n.t(lang, "ws-nav-account"),
        data,
    );
    *res.status_mut() = status;
    res
}

/// `action=start` shows a new secret; `enable` checks a code against it
/// and keeps it; `disable` needs a current code.
pub async fn account_totp(State(app): App, Posted(staff, f): Posted) -> Response {
    let lang = staff.user.ui_lang;
    let now = app.now();
    match field(&f, "action") {
        "start" => setup_page(
            &app,
            &staff,
            &sitrep_auth::new_totp_secret(),
            None,
            StatusCode::OK,
        ),
        "enable" => {
            let secret = field(&f, "secret");
            let step = sitrep_auth::check_totp(secret, field(&f, "code"), now);
            let Some(step) = step else {
                return setup_page(
                    &app,
                    &staff,
                    secret,
                    Some(app.i18n.t(lang, "ws-code-wrong")),
                    StatusCode::BAD_REQUEST,
                );
            };
            if let Err(e) = app.store.set_totp(staff.user.id, Some(secret)).await {
                return error_response(&app, Some(&staff), e.into()).await;
            }
            // The code just typed is spent.
            let _ = app.store.accept_totp_step(staff.user.id, step).await;
            let _ = app
                .store
                .audit(
                    Some(&staff.user),
                    "totp-enabled",
                    &staff.user.email,
                    "",
                    now,
                )
                .await;
            Redirect::to("/workspace/account").into_response()
        }
        "disable" => {
            let ok = staff
                .user
                .totp_secret
                .as_deref()
                .and_then(|s| sitrep_auth::check_totp(s, field(&f, "code"), now))
                .is_some();
            if !ok {
                let data =
                    account_data(&app, &staff, None, Some(app.i18n.t(lang, "ws-code-wrong")));
                let mut res = page(
                    &app,
                    Some(&staff),
                    lang,
                    "ws_account.html",
                    &app.i18n.t(lang, "ws-nav-account"),
                    data,
                );
                *res.status_mut() = StatusCode::BAD_REQUEST;
                return res;
            }
            if let Err(e) = app.store.set_totp(staff.user.id, None).await {
                return error_response(&app, Some(&staff), e.into()).await;
            }
            let _ = app
                .store
                .audit(
                    Some(&staff.user),
                    "totp-disabled",
                    &staff.user.email,
                    "",
                    now,
                )
                .await;
            Redirect::to("/workspace/account").into_response()
        }
        _ => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The admin's settings form: whether all staff must use a second factor.
pub async fn settings(State(app): App, Posted(staff, f): Posted) -> Response {
    if !staff.user.role.may(Action::ManageStaff) {
        return forbidden(&app, &staff);
    }
    let on = field(&f, "require_totp") == "1";
    let now = app.now();
    if let Err(e) = app
        .store
        .set_setting(REQUIRE_TOTP, if on { "1" } else { "0" })
        .await
    {
        return error_response(&app, Some(&staff), e.into()).await;
    }
    let _ = app
        .store
        .audit(
            Some(&staff.user),
            "setting-changed",
            REQUIRE_TOTP,
            if on { "1" } else { "0" },
            now,
        )
        .await;
    Redirect::to("/workspace/staff").into_response()
}
