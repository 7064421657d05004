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
use sitrep_i18n::Arg;
use sitrep_store::SubscriberStatus;

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
        .route(
            "/workspace/subscribers/import",
            post(import).layer(axum::extract::DefaultBodyLimit::max(
                IMPORT_MAX_BYTES + 64 * 1024,
            )),
        )
}

/// The largest CSV file the workspace takes (about 400,000 rows).
pub const IMPORT_MAX_BYTES: usize = 20 * 1024 * 1024;

/// An editor uploads a CSV of people who agreed elsewhere.
async fn import(
    State(app): App,
    staff: Staff,
    headers: axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
) -> Response {
    if let Err(r) = allowed(&app, &staff) {
        return r;
    }
    let lang = staff.user.ui_lang;
    let (mut csrf, mut file) = (String::new(), Vec::new());
    let refuse = |key: &str| {
        let text = app.i18n.t_args(
            lang,
            key,
            &[("mb", ((IMPORT_MAX_BYTES / 1024 / 1024) as i64).into())],
        );
        (text, StatusCode::BAD_REQUEST)
    };
    let mut problem = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let Ok(data) = field.bytes().await else {
                    problem = Some(refuse("ws-import-too-large"));
                    break;
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
                    "file" => file = data.to_vec(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                problem = Some(refuse("ws-import-too-large"));
                break;
            }
        }
    }
    if problem.is_none() {
        if let Err(r) = super::check_post(&app, &staff, &headers, &csrf) {
            return r;
        }
        if file.iter().all(u8::is_ascii_whitespace) {
            problem = Some(refuse("ws-import-missing"));
        }
    }
    if let Some((text, status)) = problem {
        return list_page(&app, &staff, &Filter::default(), Some(text), status).await;
    }
    match import_csv(&app, &file, &staff.user.email, app.now()).await {
        Ok(summary) => {
            let mut notes = vec![app.i18n.t_args(
                lang,
                "ws-import-done",
                &[
                    ("added", (summary.added as i64).into()),
                    ("already", (summary.already as i64).into()),
                    ("refused", (summary.rejected.len() as i64).into()),
                ],
            )];
            for (line, p) in summary.rejected.iter().take(50) {
                let line = (*line as i64).into();
                notes.push(match p {
                    RowProblem::BadEmail(v) => app.i18n.t_args(
                        lang,
                        "ws-import-row-email",
                        &[("line", line), ("value", Arg::Str(v))],
                    ),
                    RowProblem::NoConsent => {
                        app.i18n
                            .t_args(lang, "ws-import-row-consent", &[("line", line)])
                    }
                    RowProblem::UnknownLanguage(v) => app.i18n.t_args(
                        lang,
                        "ws-import-row-lang",
                        &[("line", line), ("value", Arg::Str(v))],
                    ),
                    RowProblem::Unreadable(_) => {
                        app.i18n
                            .t_args(lang, "ws-import-row-broken", &[("line", line)])
                    }
                });
            }
            list_page_with(
                &app,
                &staff,
                &Filter::default(),
                None,
                notes,
                StatusCode::OK,
            )
            .await
        }
        Err(e @ (ImportError::NoEmailColumn | ImportError::NoConsentColumn)) => {
            let key = match e {
                ImportError::NoEmailColumn => "ws-import-no-email",
                _ => "ws-import-no-consent",
            };
            let text = app.i18n.t(lang, key);
            list_page(
                &app,
                &staff,
                &Filter::default(),
                Some(text),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(ImportError::Store(e)) => error_response(&app, Some(&staff), e.into()).await,
    }
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
    page: Option<i64>,
}

async fn list_page(
    app: &AppState,
    staff: &Staff,
    filter: &Filter,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    list_page_with(app, staff, filter, error, Vec::new(), status).await
}

/// The list, with notes on what an import did.
async fn list_page_with(
    app: &AppState,
    staff: &Staff,
    filter: &Filter,
    error: Option<String>,
    notes: Vec<String>,
    status: StatusCode,
) -> Response {
    let lang = staff.user.ui_lang;
    let wanted = sitrep_store::SubscriberFilter {
        status: filter.status.as_deref().and_then(SubscriberStatus::parse),
        lang: filter.lang.as_deref().and_then(|l| Lang::parse(l).ok()),
        text: filter.q.clone().unwrap_or_default(),
    };
    let per_page = 200;
    let page_no = filter.page.unwrap_or(1).clamp(1, 100_000);
    let found = async {
        let counts = app.store.active_per_lang(&app.langs()).await?;
        let found = app
            .store
            .find_subscribers(&wanted, per_page, (page_no - 1) * per_page)
            .await?;
        Ok::<_, sitrep_store::StoreError>((counts, found))
    }
    .await;
    let (counts, (shown, total)) = match found {
        Ok(f) => f,
        Err(e) => return error_response(app, Some(staff), e.into()).await,
    };
    let counts: Vec<Value> = counts
        .iter()
        .map(|(l, active)| json!({"lang": l.as_str(), "name": app.i18n.endonym(*l), "active": active}))
        .collect();
    let shown: Vec<Value> = shown
        .iter()
        .map(|s| {
            json!({
                "id": s.id, "email": s.email,
                "langs": s.langs.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", "),
                "status": app.i18n.t(lang, &format!("subscriber-status-{}", s.status.as_str())),
                "consent": s.consent, "since": datetime(s.created_at),
            })
        })
        .collect();
    let pages = (total + per_page - 1) / per_page;
    let link = |n: i64| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("status", &filter.status),
            ("lang", &filter.lang),
            ("q", &filter.q),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.append_pair("page", &n.to_string());
        format!("/workspace/subscribers?{}", q.finish())
    };
    let paging = json!({
        "page": page_no, "pages": pages.max(1), "total": total,
        "prev": (page_no > 1).then(|| link(page_no - 1)),
        "next": (page_no < pages).then(|| link(page_no + 1)),
    });
    let statuses: Vec<Value> = SubscriberStatus::ALL
        .iter()
        .map(|st| json!({"value": st.as_str(), "label": app.i18n.t(lang, &format!("subscriber-status-{}", st.as_str()))}))
        .collect();
    let data = json!({
        "counts": counts, "subscribers": shown, "statuses": statuses, "total": total, "paging": paging,
        "filter": {"status": filter.status, "lang": filter.lang, "q": filter.q},
        "langs": app.langs().iter().map(|l| json!({"code": l.as_str(), "name": app.i18n.endonym(*l)})).collect::<Vec<_>>(),
        "error": error,
        "notes": notes,
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
        w.commit_bookkeeping().await
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
        w.commit_bookkeeping().await?;
        Ok::<_, sitrep_store::StoreError>(erased)
    }
    .await;
    match result {
        Ok(Some(_)) => Redirect::to("/workspace/subscribers").into_response(),
        Ok(None) => not_found(&app, &staff),
        Err(e) => error_response(&app, Some(&staff), e.into()).await,
    }
}

/// What is wrong with one row of an imported list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    BadEmail(String),
    NoConsent,
    UnknownLanguage(String),
    /// The CSV itself is broken at this row (bad quoting, bad UTF-8).
    Unreadable(String),
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub added: u64,
    /// Addresses already on the list, left as they were.
    pub already: u64,
    /// Rows not imported: (line number, why).
    pub rejected: Vec<(u64, RowProblem)>,
}

/// Why a whole file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has no header row naming an `email` column")]
    NoEmailColumn,
    #[error(
        "the file has no `consent` column: each row must say how and when the person agreed to receive the newsletter"
    )]
    NoConsentColumn,
    #[error(transparent)]
    Store(#[from] sitrep_store::StoreError),
}

/// A subscriber to add: address, languages, consent as noted.
pub(crate) type NewSubscriber = (String, Vec<Lang>, String);

/// The rows of a subscriber list worth adding (consent noted with
/// `stamp`), and those refused with why; reads only.
pub(crate) fn read_csv(
    data: &[u8],
    site_langs: &[Lang],
    default: Lang,
    stamp: &str,
) -> Result<(Vec<NewSubscriber>, ImportSummary), ImportError> {
    // Spreadsheets set to Russian or Belarusian save CSV with semicolons:
    // the header row tells which.
    let first_line = data.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let headers = reader
        .byte_headers()
        .map_err(|_| ImportError::NoEmailColumn)?
        .clone();
    let column = |names: &[&str]| {
        headers.iter().position(|h| {
            let h = String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_lowercase();
            names.contains(&h.as_str())
        })
    };
    let email_at = column(&["email", "e-mail", "address"]).ok_or(ImportError::NoEmailColumn)?;
    let consent_at = column(&["consent"]).ok_or(ImportError::NoConsentColumn)?;
    let langs_at = column(&["languages", "language", "langs", "lang"]);
    let mut summary = ImportSummary::default();
    let mut rows: Vec<NewSubscriber> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // The line a record starts on, counted from its byte offset (which,
    // after a CRLF, is that of the LF), going on from the last count.
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let end = (byte as usize + 1).clamp(counted.0, data.len());
        counted.1 += data[counted.0..end].iter().filter(|b| **b == b'\n').count() as u64;
        counted.0 = end;
        counted.1
    };
    for record in reader.byte_records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
                summary
                    .rejected
                    .push((line, RowProblem::Unreadable(e.to_string())));
                continue;
            }
        };
        let line = record.position().map(|p| line_at(p.byte())).unwrap_or(0);
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                .unwrap_or_default()
        };
        let email = get(Some(email_at));
        let consent = get(Some(consent_at));
        if email.is_empty() && consent.is_empty() {
            continue;
        }
        if !valid_email(&email) {
            summary.rejected.push((line, RowProblem::BadEmail(email)));
            continue;
        }
        if consent.is_empty() {
            summary.rejected.push((line, RowProblem::NoConsent));
            continue;
        }
        let mut langs = Vec::new();
        let mut unknown = None;
        for code in get(langs_at)
            .split([' ', ',', ';'])
            .filter(|c| !c.is_empty())
        {
            match Lang::parse(code) {
                Ok(l) if site_langs.contains(&l) => {
                    if !langs.contains(&l) {
                        langs.push(l)
                    }
                }
                _ => unknown = Some(code.to_owned()),
            }
        }
        if let Some(code) = unknown {
            summary
                .rejected
                .push((line, RowProblem::UnknownLanguage(code)));
            continue;
        }
        if langs.is_empty() {
            langs.push(default);
        }
        let key = sitrep_store::normalize_email(&email);
        if !seen.insert(key) {
            summary.already += 1;
            continue;
        }
        rows.push((email, langs, format!("{consent} ({stamp})")));
    }
    Ok((rows, summary))
}

/// Imports subscribers from CSV: a header row with `email` and `consent`
/// columns and, optionally, `languages` (codes separated by spaces or
/// commas; the default language when empty). Good rows are added, active,
/// with their consent recorded; bad rows are listed, not guessed at.
pub async fn import_csv(
    app: &AppState,
    data: &[u8],
    by: &str,
    now: sitrep_core::Timestamp,
) -> Result<ImportSummary, ImportError> {
    let stamp = format!("imported by {by} {}", datetime(now));
    let (rows, mut summary) = read_csv(data, &app.langs(), app.default_lang(), &stamp)?;
    // A transaction per thousand rows: a long import does not hold the
    // write lock (on SQLite, the whole database) from readers signing up
    // or letters going out. Rows already in are skipped, so running it
    // again after a failure part-way is safe.
    let mut added = 0;
    for chunk in rows.chunks(1000) {
        let mut w = app.store.writer().await?;
        added += w.import_subscribers(chunk, now).await?;
        w.commit_bookkeeping().await?;
    }
    let mut w = app.store.writer().await?;
    w.audit(
        None,
        "subscribers-imported",
        &format!("{added} added"),
        &format!(
            "by {by}: {} rows, {} rejected",
            rows.len(),
            summary.rejected.len()
        ),
        now,
    )
    .await?;
    w.commit_bookkeeping().await?;
    summary.added = added;
    summary.already += rows.len() as u64 - added;
    Ok(summary)
}
