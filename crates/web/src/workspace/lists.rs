//! Editing trends, authors and static pages (editors and admins).

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
use sitrep_core::{Action, Lang, Slug, Status};
use sitrep_store::NamedList;

use super::{Posted, Staff, error_response, forbidden, not_found, page};
use crate::AppState;
use crate::form::field;

type App = State<Arc<AppState>>;

/// Longest name and longest description or bio accepted.
const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 2_000;
const MAX_PAGE_BODY: usize = 200_000;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/workspace/trends",
            get(|s: App, st: Staff| named_list(s, st, NamedList::Trends))
                .post(|s: App, b: Posted| add_named(s, b, NamedList::Trends)),
        )
        .route(
            "/workspace/trends/{id}",
            post(
                |s: App, p: Result<Path<String>, PathRejection>, b: Posted| {
                    save_named(s, p, b, NamedList::Trends)
                },
            ),
        )
        .route(
            "/workspace/authors",
            get(|s: App, st: Staff| named_list(s, st, NamedList::Authors))
                .post(|s: App, b: Posted| add_named(s, b, NamedList::Authors)),
        )
        .route(
            "/workspace/authors/{id}",
            post(
                |s: App, p: Result<Path<String>, PathRejection>, b: Posted| {
                    save_named(s, p, b, NamedList::Authors)
                },
            ),
        )
        .route("/workspace/pages", get(pages).post(add_page))
        .route("/workspace/languages", get(languages).post(save_languages))
        .route(
            "/workspace/pages/{id}/{lang}",
            get(page_form).post(save_page),
        )
}

fn allowed(app: &AppState, staff: &Staff) -> Result<(), Response> {
    if staff.user.role.may(Action::ManageContentLists) {
        Ok(())
    } else {
        Err(forbidden(app, staff))
    }
}

fn list_names(list: NamedList) -> (&'static str, &'static str, &'static str) {
    match list {
        NamedList::Trends => ("trends", "ws-nav-trends", "ws-description"),
        NamedList::Authors => ("authors", "ws-nav-authors", "ws-bio"),
    }
}

async fn list_page(
    app: &AppState,
    staff: &Staff,
    list: NamedList,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let entry = |id: i64, slug: &str, names: &std::collections::HashMap<Lang, (String, String)>| {
        let langs: Vec<Value> = app
            .langs()
            .iter()
            .map(|l| {
                let (name, text) = names.get(l).cloned().unwrap_or_default();
                json!({"code": l.as_str(), "name_label": app.i18n.endonym(*l), "name": name, "text": text})
            })
            .collect();
        json!({"id": id, "slug": slug, "langs": langs})
    };
    let entries: Vec<Value> = match list {
        NamedList::Trends => catalog
            .trends
            .iter()
            .map(|t| entry(t.id, &t.slug, &t.names))
            .collect(),
        NamedList::Authors => catalog
            .authors
            .iter()
            .map(|a| entry(a.id, &a.slug, &a.names))
            .collect(),
    };
    let (path, title_id, text_id) = list_names(list);
    let data = json!({"path": path, "entries": entries, "text_label": app.i18n.t(lang, text_id), "error": error});
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_lists.html",
        &app.i18n.t(lang, title_id),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn named_list(State(app): App, staff: Staff, list: NamedList) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    list_page(&app, &staff, list, None, StatusCode::OK).await
}

async fn add_named(State(app): App, Posted(staff, f): Posted, list: NamedList) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let Ok(slug) = Slug::parse(field(&f, "slug").trim()) else {
        return list_page(
            &app,
            &staff,
            list,
            Some(app.i18n.t(lang, "ws-bad-slug")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let now = app.now();
    let (path, ..) = list_names(list);
    let result = async {
        let mut w = app.store.writer().await?;
        w.add_named(list, &slug).await?;
        w.audit(
            Some(&staff.user),
            &format!("{path}-added"),
            slug.as_str(),
            "",
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/workspace/{path}")).into_response(),
        Err(sitrep_store::StoreError::Duplicate(_)) => {
            list_page(
                &app,
                &staff,
                list,
                Some(app.i18n.t(lang, "ws-slug-taken")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

async fn save_named(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    Posted(staff, f): Posted,
    list: NamedList,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let catalog = match app.catalog().await {
        Ok(c) => c,
        Err(e) => return error_response(&app, Some(&staff), e.into()).await,
    };
    let id = path.ok().and_then(|Path(raw)| raw.parse::<i64>().ok());
    let exists = id.is_some_and(|id| match list {
        NamedList::Trends => catalog.trend(id).is_some(),
        NamedList::Authors => catalog.author(id).is_some(),
    });
    let (Some(id), true) = (id, exists) else {
        return not_found(&app, &staff);
    };
    let lang = staff.user.ui_lang;
    let too_long = app.langs().iter().any(|l| {
        field(&f, &format!("name_{l}")).chars().count() > MAX_NAME
            || field(&f, &format!("text_{l}")).chars().count() > MAX_TEXT
    });
    if too_long {
        let msg = app.i18n.t_args(
            lang,
            "ws-too-long",
            &[
                ("field", app.i18n.t(lang, "ws-name-field").as_str().into()),
                ("max", (MAX_NAME as i64).into()),
            ],
        );
        return list_page(&app, &staff, list, Some(msg), StatusCode::BAD_REQUEST).await;
    }
    let now = app.now();
    let (path, ..) = list_names(list);
    let result = async {
        let mut w = app.store.writer().await?;
        for &l in app.langs().iter() {
            w.set_named(
                list,
                id,
                l,
                field(&f, &format!("name_{l}")),
                field(&f, &format!("text_{l}")),
            )
            .await?;
        }
        w.audit(
            Some(&staff.user),
            &format!("{path}-edited"),
            &id.to_string(),
            "",
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/workspace/{path}")).into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

async fn pages_list(
    app: &AppState,
    staff: &Staff,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let pages = match app.store.desk_pages().await {
        Ok(p) => p,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let rows: Vec<Value> = pages
        .iter()
        .map(|p| {
            let langs: Vec<Value> = app
                .langs()
                .iter()
                .map(|l| {
                    let v = p.versions.iter().find(|v| v.lang == *l);
                    json!({"code": l.as_str(), "href": format!("/workspace/pages/{}/{l}", p.id),
                           "label": v.map_or_else(|| app.i18n.t(lang, "ws-status-missing"), |v| app.i18n.t(lang, &format!("ws-status-{}", v.status.as_str())))})
                })
                .collect();
            json!({"slug": p.slug, "langs": langs})
        })
        .collect();
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_pages.html",
        &app.i18n.t(lang, "ws-nav-pages"),
        json!({"pages": rows, "error": error}),
    );
    *res.status_mut() = status;
    res
}

async fn pages(State(app): App, staff: Staff) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    pages_list(&app, &staff, None, StatusCode::OK).await
}

async fn add_page(State(app): App, Posted(staff, f): Posted) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let Ok(slug) = Slug::parse(field(&f, "slug").trim()) else {
        return pages_list(
            &app,
            &staff,
            Some(app.i18n.t(lang, "ws-bad-slug")),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let now = app.now();
    let result = async {
        let mut w = app.store.writer().await?;
        let id = w.add_page(&slug).await?;
        w.audit(Some(&staff.user), "page-added", slug.as_str(), "", now)
            .await?;
        w.commit().await?;
        Ok::<_, sitrep_store::StoreError>(id)
    }
    .await;
    match result {
        Ok(id) => {
            Redirect::to(&format!("/workspace/pages/{id}/{}", app.default_lang())).into_response()
        }
        Err(sitrep_store::StoreError::Duplicate(_)) => {
            pages_list(
                &app,
                &staff,
                Some(app.i18n.t(lang, "ws-slug-taken")),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

async fn page_target(
    app: &AppState,
    staff: &Staff,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(sitrep_store::DeskPage, Lang), Response> {
    let Ok(Path((raw_id, raw_lang))) = path else {
        return Err(not_found(app, staff));
    };
    let (Ok(id), Some(lang)) = (
        raw_id.parse::<i64>(),
        Lang::parse(&raw_lang)
            .ok()
            .filter(|l| app.langs().contains(l)),
    ) else {
        return Err(not_found(app, staff));
    };
    match app.store.desk_pages().await {
        Ok(pages) => pages
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| (p, lang))
            .ok_or_else(|| not_found(app, staff)),
        Err(e) => Err(error_response(app, Some(staff), e.into()).await),
    }
}

fn page_editor(
    app: &AppState,
    staff: &Staff,
    p: &sitrep_store::DeskPage,
    vlang: Lang,
    typed: Option<(&str, &str, &str)>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let v = p.versions.iter().find(|v| v.lang == vlang);
    let (title, body, state) = match (typed, v) {
        (Some(t), _) => (t.0.to_owned(), t.1.to_owned(), t.2.to_owned()),
        (None, Some(v)) => (
            v.title.clone(),
            v.body.clone(),
            v.status.as_str().to_owned(),
        ),
        (None, None) => (String::new(), String::new(), "draft".to_owned()),
    };
    let data = json!({
        "id": p.id, "slug": p.slug, "lang": vlang.as_str(), "lang_name": app.i18n.endonym(vlang),
        "title": title, "body": body, "published": state == "published",
        "public": format!("/{vlang}/pages/{}/", p.slug),
        "langs": app.langs().iter().map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l), "href": format!("/workspace/pages/{}/{l}", p.id), "current": *l == vlang})).collect::<Vec<_>>(),
        "error": error,
    });
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_page.html",
        &format!("{} · {}", p.slug, app.i18n.endonym(vlang)),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn page_form(
    State(app): App,
    staff: Staff,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    match page_target(&app, &staff, path).await {
        Ok((p, lang)) => page_editor(&app, &staff, &p, lang, None, None, StatusCode::OK),
        Err(r) => r,
    }
}

async fn save_page(
    State(app): App,
    path: Result<Path<(String, String)>, PathRejection>,
    Posted(staff, f): Posted,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let (p, vlang) = match page_target(&app, &staff, path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let lang = staff.user.ui_lang;
    let (title, text) = (field(&f, "title"), field(&f, "body"));
    let status = if field(&f, "published") == "1" {
        Status::Published
    } else {
        Status::Draft
    };
    let typed = Some((title, text, status.as_str()));
    if title.trim().is_empty() {
        return page_editor(
            &app,
            &staff,
            &p,
            vlang,
            typed,
            Some(app.i18n.t(lang, "ws-title-missing")),
            StatusCode::BAD_REQUEST,
        );
    }
    if title.chars().count() > MAX_NAME || text.chars().count() > MAX_PAGE_BODY {
        let msg = app.i18n.t_args(
            lang,
            "ws-too-long",
            &[
                ("field", app.i18n.t(lang, "ws-field-body").as_str().into()),
                ("max", (MAX_PAGE_BODY as i64).into()),
            ],
        );
        return page_editor(
            &app,
            &staff,
            &p,
            vlang,
            typed,
            Some(msg),
            StatusCode::BAD_REQUEST,
        );
    }
    let now = app.now();
    let published_at = (status == Status::Published).then(|| {
        p.versions
            .iter()
            .find(|v| v.lang == vlang)
            .and_then(|v| v.published_at)
            .filter(|t| *t <= now)
            .unwrap_or(now)
    });
    let result = async {
        let mut w = app.store.writer().await?;
        w.set_page_version(p.id, vlang, title.trim(), text, status, published_at, now)
            .await?;
        w.audit(
            Some(&staff.user),
            "page-saved",
            &format!("{}/{vlang}", p.slug),
            status.as_str(),
            now,
        )
        .await?;
        w.commit().await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/workspace/pages/{}/{vlang}", p.id)).into_response(),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

fn languages_page(
    app: &AppState,
    staff: &Staff,
    typed: Option<(&str, &str)>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let langs = app.langs();
    let current: Vec<&str> = langs.iter().map(|l| l.as_str()).collect();
    let (list, default) = match typed {
        Some((l, d)) => (l.to_owned(), d.to_owned()),
        None => (current.join(", "), app.default_lang().to_string()),
    };
    let names: Vec<Value> = langs
        .iter()
        .map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l)}))
        .collect();
    let data = json!({"list": list, "default": default, "names": names, "error": error});
    let mut res = page(
        app,
        Some(staff),
        lang,
        "ws_languages.html",
        &app.i18n.t(lang, "ws-nav-languages"),
        data,
    );
    *res.status_mut() = status;
    res
}

async fn languages(State(app): App, staff: Staff) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let _ = app.catalog().await;
    languages_page(&app, &staff, None, None, StatusCode::OK)
}

async fn save_languages(State(app): App, Posted(staff, f): Posted) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let (list, default) = (field(&f, "languages"), field(&f, "default"));
    let Some(parsed) = crate::SiteLangs::parse(list, default) else {
        return languages_page(
            &app,
            &staff,
            Some((list, default)),
            Some(app.i18n.t(lang, "ws-bad-languages")),
            StatusCode::BAD_REQUEST,
        );
    };
    let codes: Vec<&str> = parsed.list.iter().map(|l| l.as_str()).collect();
    let now = app.now();
    let result = async {
        app.store
            .set_setting(crate::LANGUAGES_SETTING, &codes.join(","))
            .await?;
        app.store
            .set_setting(crate::DEFAULT_LANGUAGE_SETTING, parsed.default.as_str())
            .await?;
        app.store
            .audit(
                Some(&staff.user),
                "languages-changed",
                &codes.join(","),
                parsed.default.as_str(),
                now,
            )
            .await
    }
    .await;
    match result {
        Ok(()) => {
            let _ = app.catalog().await;
            Redirect::to("/workspace/languages").into_response()
        }
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}
