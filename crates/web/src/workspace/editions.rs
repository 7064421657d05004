//! The edition builder: create the week's edition, order its commentaries,
//! set when it goes out by email and on the web; and a commentary's facts.

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
use sitrep_core::{Action, EditionWeek, Lang};

use super::editor::{datetime, parse_utc_minute};
use super::{Posted, Staff, error_response, forbidden, message, not_found, page};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/workspace/editions", get(list).post(create))
        .route("/workspace/editions/{id}", get(builder).post(save_times))
        .route("/workspace/editions/{id}/move", post(move_commentary))
        .route(
            "/workspace/editions/{id}/letter/{lang}",
            get(letter_preview),
        )
        .route("/workspace/editions/{id}/test", post(send_test))
        .route("/workspace/commentaries/{id}/facts", post(save_facts))
}

fn allowed(app: &AppState, staff: &Staff) -> Result<(), Response> {
    if staff.user.role.may(Action::ManageEditions) {
        Ok(())
    } else {
        Err(forbidden(app, staff))
    }
}

async fn list_page(
    app: &AppState,
    staff: &Staff,
    error: Option<String>,
    typed: &str,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let editions = match app.store.desk_editions().await {
        Ok(e) => e,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let rows: Vec<Value> = editions
        .iter()
        .map(|e| {
            json!({
                "href": format!("/workspace/editions/{}", e.id),
                "number": e.number,
                "range": range(app, lang, &e.week_start, &e.week_end),
                "web_at": e.web_at.map(datetime),
            })
        })
        .collect();
    let data = json!({"editions": rows, "error": error, "typed": typed});
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_editions.html",
        &app.i18n.t(lang, "ws-nav-editions"),
        data,
    );
    *res.status_mut() = status;
    res
}

fn range(app: &AppState, lang: Lang, start: &str, end: &str) -> String {
    match (start.parse(), end.parse(), app.i18n.dates(lang)) {
        (Ok(a), Ok(b), Some(d)) => d.range(a, b),
        _ => format!("{start} – {end}"),
    }
}

async fn list(State(app): App, staff: Staff) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    list_page(&app, &staff, None, "", StatusCode::OK).await
}

/// Makes the next edition (numbered after the highest) for a week, with
/// its audit entry (`via` says how); returns its id and number.
pub(crate) async fn make_edition(
    app: &AppState,
    who: &sitrep_store::User,
    week: EditionWeek,
    typed: &str,
    via: &str,
) -> Result<(i64, i64), sitrep_store::StoreError> {
    let now = app.now();
    let number = app
        .store
        .desk_editions()
        .await?
        .iter()
        .map(|e| e.number)
        .max()
        .unwrap_or(0)
        + 1;
    let mut w = app.store.writer().await?;
    let id = w
        .edition(
            &sitrep_store::NewEdition {
                number,
                week,
                email_at: None,
                web_at: None,
            },
            now,
        )
        .await?;
    w.audit(
        Some(who),
        "edition-created",
        &format!("edition {number}"),
        &format!("{typed}{via}"),
        now,
    )
    .await?;
    w.commit().await?;
    Ok((id, number))
}

async fn create(State(app): App, Posted(staff, f): Posted) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let typed = field(&f, "week_start");
    let week = typed.parse::<jiff::civil::Date>().ok().and_then(|start| {
        EditionWeek::new(start, start.checked_add(jiff::Span::new().days(6)).ok()?).ok()
    });
    let Some(week) = week else {
        return list_page(
            &app,
            &staff,
            Some(app.i18n.t(lang, "ws-bad-date")),
            typed,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let result = make_edition(&app, &staff.user, week, typed, "")
        .await
        .map(|(id, _)| id);
    match result {
        Ok(id) => Redirect::to(&format!("/workspace/editions/{id}")).into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

pub(super) async fn edition_id(
    app: &AppState,
    staff: &Staff,
    path: Result<Path<String>, PathRejection>,
) -> Result<sitrep_store::DeskEdition, Response> {
    let id = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok());
    let editions = app
        .store
        .desk_editions()
        .await
        .map_err(|_| not_found(app, staff))?;
    id.and_then(|id| editions.into_iter().find(|e| e.id == id))
        .ok_or_else(|| not_found(app, staff))
}

async fn builder_page(
    app: &AppState,
    staff: &Staff,
    e: &sitrep_store::DeskEdition,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let commentaries = match app.store.desk_commentaries(Some(e.id)).await {
        Ok(c) => c,
        Err(err) => return error_response(app, Some(staff), err.into()).await,
    };
    let rows: Vec<Value> = commentaries
        .iter()
        .map(|c| {
            let v = c.version(lang).or_else(|| c.original());
            json!({"id": c.id, "title": v.map(|v| v.title.clone()).unwrap_or_default(),
                   "href": format!("/workspace/commentaries/{}/{}", c.id, v.map_or(app.default_lang(), |v| v.lang))})
        })
        .collect();
    let local = |t: Option<i64>| {
        t.and_then(|t| jiff::Timestamp::from_second(t).ok())
            .map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    let figures = match app.store.send_of(e.id).await {
        Ok(Some(send)) => app.store.send_figures(send).await.ok().map(
            |f| json!({"total": f.total, "queued": f.queued, "sent": f.sent, "failed": f.failed}),
        ),
        _ => None,
    };
    let letters: Vec<Value> = app
        .langs()
        .iter()
        .map(|l| json!({"lang": l.as_str(), "name": app.i18n.endonym(*l), "href": format!("/workspace/editions/{}/letter/{l}", e.id)}))
        .collect();
    let data = json!({
        "figures": figures,
        "letters": letters,
        "notice": null,
        "id": e.id,
        "number": e.number,
        "range": range(app, lang, &e.week_start, &e.week_end),
        "commentaries": rows,
        "web_at": local(e.web_at),
        "email_full": e.email_full,
        "email_at": local(e.email_at),
        "error": error,
    });
    let title = app
        .i18n
        .t_args(lang, "edition-number", &[("number", e.number.into())]);
    let mut res = page(app, Some(staff), lang, "ws_edition.html", &title, data);
    *res.status_mut() = status;
    res
}

async fn builder(
    State(app): App,
    staff: Staff,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    match edition_id(&app, &staff, path).await {
        Ok(e) => builder_page(&app, &staff, &e, None, StatusCode::OK).await,
        Err(r) => r,
    }
}

async fn save_times(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let e = match edition_id(&app, &staff, path).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let lang = staff.user.ui_lang;
    let time = |name: &str| match field(&f, name).trim() {
        "" => Ok(None),
        raw => parse_utc_minute(raw).map(Some).ok_or(()),
    };
    let (Ok(email_at), Ok(web_at)) = (time("email_at"), time("web_at")) else {
        return builder_page(
            &app,
            &staff,
            &e,
            Some(app.i18n.t(lang, "ws-bad-time")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let now = app.now();
    let done = async {
        let mut w = app.store.writer().await?;
        w.set_edition_times(e.id, email_at, web_at).await?;
        w.set_edition_email_full(e.id, field(&f, "email_full") == "1")
            .await?;
        let detail = format!(
            "web {} · email {}",
            web_at.map(datetime).unwrap_or_default(),
            email_at.map(datetime).unwrap_or_default()
        );
        w.audit(
            Some(&staff.user),
            "edition-scheduled",
            &format!("edition {}", e.number),
            &detail,
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    match done {
        Ok(()) => Redirect::to(&format!("/workspace/editions/{}", e.id)).into_response(),
        Err(err) => error_response(&app, Some(&staff), err.into()).await,
    }
}

async fn move_commentary(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let e = match edition_id(&app, &staff, path).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Ok(id) = field(&f, "commentary").parse::<i64>() else {
        return not_found(&app, &staff);
    };
    let now = app.now();
    let done = async {
        let mut order: Vec<i64> = app
            .store
            .desk_commentaries(Some(e.id))
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        if let Some(i) = order.iter().position(|c| *c == id) {
            match field(&f, "dir") {
                "up" if i > 0 => order.swap(i, i - 1),
                "down" if i + 1 < order.len() => order.swap(i, i + 1),
                _ => {}
            }
        }
        let mut w = app.store.writer().await?;
        w.order_commentaries(e.id, &order).await?;
        w.audit(
            Some(&staff.user),
            "edition-reordered",
            &format!("edition {}", e.number),
            &format!("{id} {}", field(&f, "dir")),
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    match done {
        Ok(()) => Redirect::to(&format!("/workspace/editions/{}", e.id)).into_response(),
        Err(err) => error_response(&app, Some(&staff), err.into()).await,
    }
}

async fn save_facts(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let Some(id) = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok()) else {
        return not_found(&app, &staff);
    };
    let c = match app.store.desk_commentary(id).await {
        Ok(Some(c)) => c,
        Ok(None) => return not_found(&app, &staff),
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let lang = staff.user.ui_lang;
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let editions = app.store.desk_editions().await.unwrap_or_default();
    let num = |name: &str| field(&f, name).parse::<i64>().ok();
    let authors: Vec<i64> = f
        .iter()
        .filter(|(k, _)| k == "authors")
        .filter_map(|(_, v)| v.parse::<i64>().ok())
        .filter(|a| catalog.author(*a).is_some())
        .collect();
    let (Some(edition_id), Some(trend_id), Some(assessment_id)) = (
        num("edition_id").filter(|e| editions.iter().any(|x| x.id == *e)),
        num("trend_id").filter(|t| catalog.trend(*t).is_some()),
        num("assessment_id").filter(|a| catalog.assessment(*a).is_some()),
    ) else {
        return message(
            &app,
            Some(&staff),
            StatusCode::BAD_REQUEST,
            "bad-request-title",
            &app.i18n.t(lang, "ws-pick-all"),
        );
    };
    let now = app.now();
    let done = async {
        let mut w = app.store.writer().await?;
        w.update_commentary(c.id, edition_id, trend_id, assessment_id, &authors)
            .await?;
        w.audit(
            Some(&staff.user),
            "commentary-facts",
            &c.id.to_string(),
            "",
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    let back = c.original().map_or(app.default_lang(), |v| v.lang);
    match done {
        Ok(()) => Redirect::to(&format!("/workspace/commentaries/{}/{back}?saved=1", c.id))
            .into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// `GET /workspace/editions/{id}/letter/{lang}`: the letter as subscribers
/// will get it (links not personalised).
async fn letter_preview(
    State(app): App,
    staff: Staff,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let Ok(Path((raw_id, raw_lang))) = path else {
        return not_found(&app, &staff);
    };
    let (Ok(id), Some(lang)) = (
        raw_id.parse::<i64>(),
        Lang::parse(&raw_lang)
            .ok()
            .filter(|l| app.langs().contains(l)),
    ) else {
        return not_found(&app, &staff);
    };
    match crate::newsletter::letter(&app, id, lang, app.now()).await {
        Ok(Some(l)) => crate::headers::letter_page(
            l.html_linking(&format!("{}/{lang}/subscription", app.public_url)),
        ),
        Ok(None) => {
            let lang = staff.user.ui_lang;
            message(
                &app,
                Some(&staff),
                StatusCode::NOT_FOUND,
                "not-found-title",
                &app.i18n.t(lang, "ws-letter-empty"),
            )
        }
        Err(e) => error_response(&app, Some(&staff), e).await,
    }
}

/// `POST /workspace/editions/{id}/test`: the letter in one language, to
/// the editor's own address.
async fn send_test(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let e = match edition_id(&app, &staff, path).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(lang) = Lang::parse(field(&f, "lang"))
        .ok()
        .filter(|l| app.langs().contains(l))
    else {
        return not_found(&app, &staff);
    };
    let now = app.now();
    let result = async {
        let Some(letter) = crate::newsletter::letter(&app, e.id, lang, now).await? else {
            return Ok(false);
        };
        let secret = app.token_secret().await?;
        let (content, headers) = letter.personal(&app, &secret, 0, lang, now);
        let subject = format!("[TEST] {}", letter.subject);
        let out = sitrep_mail::Outgoing {
            to: &staff.user.email,
            subject: &subject,
            content,
            headers,
        };
        app.mailer
            .send(&out, now)
            .await
            .map_err(|e| crate::PageError::BadRequest(e.to_string()))?;
        let _ = app
            .store
            .audit(
                Some(&staff.user),
                "letter-test-sent",
                &format!("edition {}", e.number),
                lang.as_str(),
                now,
            )
            .await;
        Ok::<bool, crate::PageError>(true)
    }
    .await;
    match result {
        Ok(true) => Redirect::to(&format!("/workspace/editions/{}", e.id)).into_response(),
        Ok(false) => {
            let ui = staff.user.ui_lang;
            message(
                &app,
                Some(&staff),
                StatusCode::NOT_FOUND,
                "not-found-title",
                &app.i18n.t(ui, "ws-letter-empty"),
            )
        }
        Err(err) => error_response(&app, Some(&staff), err).await,
    }
}
