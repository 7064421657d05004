//! Image upload from the editor.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::json;
use sitrep_core::Action;
use sitrep_i18n::Arg;

use super::{Staff, check_post, error_response, forbidden, message, page};
use crate::AppState;
use crate::media::{MAX_BYTES, MediaError, clean};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/media", post(upload))
        .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))
}

async fn upload(
    State(app): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let role = staff.user.role;
    if !(role.may(Action::CreateCommentary) || role.may(Action::EditTranslation)) {
        return forbidden(&app, &staff);
    }
    let lang = staff.user.ui_lang;
    let (mut csrf, mut file, mut back) = (String::new(), None::<Vec<u8>>, String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let Ok(data) = field.bytes().await else {
                    return too_large_or_bad(&app, &staff);
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
                    "back" => back = String::from_utf8_lossy(&data).into_owned(),
                    "file" => file = Some(data.to_vec()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return too_large_or_bad(&app, &staff),
        }
    }
    if let Err(r) = check_post(&app, &staff, &headers, &csrf) {
        return r;
    }
    // Only a way back into the workspace, never elsewhere.
    let back = if back.starts_with("/workspace/") && !back.contains("//") {
        back
    } else {
        "/workspace/".into()
    };
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return message(
            &app,
            Some(&staff),
            StatusCode::BAD_REQUEST,
            "bad-request-title",
            &app.i18n.t(lang, "ws-upload-missing"),
        );
    };
    let media = match clean(&file) {
        Ok(m) => m,
        Err(e) => {
            let text = match e {
                MediaError::TooLarge => app.i18n.t_args(
                    lang,
                    "ws-upload-too-large",
                    &[("mb", ((MAX_BYTES / 1024 / 1024) as i64).into())],
                ),
                MediaError::NotAnImage => app.i18n.t(lang, "ws-upload-not-image"),
                MediaError::Damaged => app.i18n.t(lang, "ws-upload-damaged"),
            };
            return message(
                &app,
                Some(&staff),
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad-request-title",
                &text,
            );
        }
    };
    let now = app.now();
    let done = async {
        let mut w = app.store.writer().await?;
        w.add_media(&media, Some(staff.user.id), now).await?;
        w.audit(
            Some(&staff.user),
            "image-uploaded",
            &media.hash,
            &format!("{}×{}", media.width, media.height),
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    if let Err(e) = done {
        return error_response(&app, Some(&staff), e.into()).await;
    }
    let src = format!("/media/{}", media.hash);
    let data = json!({
        "src": src,
        "markdown": format!("![]({src})"),
        "width": media.width,
        "height": media.height,
        "back": back,
        "note": app.i18n.t_args(lang, "ws-upload-done", &[("size", Arg::Str(&format!("{}×{}", media.width, media.height)))]),
    });
    page(
        &app,
        Some(&staff),
        lang,
        "ws_uploaded.html",
        &app.i18n.t(lang, "ws-upload"),
        data,
    )
}

fn too_large_or_bad(app: &AppState, staff: &Staff) -> Response {
    let lang = staff.user.ui_lang;
    let text = app.i18n.t_args(
        lang,
        "ws-upload-too-large",
        &[("mb", ((MAX_BYTES / 1024 / 1024) as i64).into())],
    );
    message(
        app,
        Some(staff),
        StatusCode::PAYLOAD_TOO_LARGE,
        "bad-request-title",
        &text,
    )
}
