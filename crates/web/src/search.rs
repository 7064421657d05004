//! Search: keeping this node's index in step with the database, and the
//! reader's search page (`/{lang}/search`), which works without script.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sitrep_core::{Lang, PageNumber, Paging, Timestamp};
use sitrep_i18n::Arg;
use sitrep_render::urls;
use sitrep_render::view::{Choice, ElsewhereLink, Pager, SearchHit, SearchPage, Span};
use sitrep_search::{Doc, LONGEST_QUERY, Search};
use sitrep_store::{IndexRow, StoreError};

use crate::pages::{SiteLang, html};
use crate::views::{Ctx, Section};
use crate::{AppState, PageError};

const PER_PAGE: u32 = 10;
/// Versions read from the database and indexed at a time.
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] sitrep_search::SearchError),
    #[error("the indexing task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Brings the index in step with the database if anything changed since
/// it last was; returns how many versions were (re)indexed or dropped.
/// `progress` hears (done, total) as batches are indexed.
pub async fn sync(
    app: &AppState,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<usize, SyncError> {
    // Nothing changed: no lock, no query (the common case of every search).
    if app.search.is_synced(app.store.changes().generation()) {
        return Ok(0);
    }
    let _one_at_a_time = app.index_lock.lock().await;
    // Read before the database, so a change during the sync leaves the
    // index marked behind rather than wrongly current.
    let generation = app.store.changes().generation();
    if app.search.is_synced(generation) {
        return Ok(0);
    }
    let current: Vec<(u64, u64)> = app
        .store
        .index_stamps()
        .await?
        .into_iter()
        .map(|(v, s)| (v as u64, s))
        .collect();
    let (drop, fetch) = app.search.diff(&current);
    let total = drop.len() + fetch.len();
    if total > 0 {
        progress(0, fetch.len());
    }
    let mut drop = Some(drop);
    let mut done = 0;
    for chunk in fetch.chunks(BATCH) {
        let ids: Vec<i64> = chunk.iter().map(|v| *v as i64).collect();
        let docs: Vec<Doc> = app
            .store
            .index_rows(&ids)
            .await?
            .into_iter()
            .map(doc)
            .collect();
        let search = app.search.clone();
        let remove = drop.take().unwrap_or_default();
        tokio::task::spawn_blocking(move || search.apply(&remove, docs)).await??;
        done += chunk.len();
        progress(done, fetch.len());
    }
    if let Some(remove) = drop.filter(|d| !d.is_empty()) {
        let search = app.search.clone();
        tokio::task::spawn_blocking(move || search.apply(&remove, Vec::new())).await??;
    }
    // A (re)build leaves one segment per batch: merge them at once. A few
    // edits wait for `follow` to merge at a quiet moment.
    if total >= BATCH {
        let search = app.search.clone();
        tokio::task::spawn_blocking(move || search.compact()).await??;
    }
    app.search.set_synced(generation);
    Ok(total)
}

/// Merges the index to one segment per language when edits have left it in
/// pieces and the site has been quiet for `QUIET`: searches wait only if a
/// change arrives during the merge.
/// Returns whether the index is now whole (merged, or nothing to merge).
async fn compact_when_quiet(
    app: &AppState,
    quiet_since: std::time::Instant,
) -> Result<bool, SyncError> {
    const QUIET: std::time::Duration = std::time::Duration::from_secs(5);
    if quiet_since.elapsed() < QUIET {
        return Ok(false);
    }
    let search = app.search.clone();
    let (extra, deleted) = tokio::task::spawn_blocking(move || search.fragmentation()).await??;
    if extra > 0 || deleted > 0 {
        let _one_at_a_time = app.index_lock.lock().await;
        let search = app.search.clone();
        tokio::task::spawn_blocking(move || search.compact()).await??;
    }
    Ok(true)
}

/// [`sync`] for pages: a failure is logged, and the page is shown with the
/// index as it is.
pub async fn catch_up(app: &AppState) {
    if let Err(e) = sync(app, &|_, _| {}).await {
        tracing::warn!(error = %e, "search index not brought up to date");
    }
}

/// Empties the index and builds it again from the database.
pub async fn rebuild(
    app: &AppState,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<usize, SyncError> {
    {
        let _one_at_a_time = app.index_lock.lock().await;
        let search = app.search.clone();
        tokio::task::spawn_blocking(move || search.clear()).await??;
        app.search.forget_sync();
    }
    sync(app, progress).await
}

/// Follows the database until the node stops: every change anywhere (this
/// node's commits, other nodes' through the store's watch) is indexed
/// within a moment.
pub async fn follow(app: Arc<AppState>) {
    let started = std::time::Instant::now();
    let fresh = app.search.fresh();
    let mut first = true;
    let mut quiet_since = std::time::Instant::now();
    // Edits since the last merge.
    let mut dirty = false;
    while !app.stopping() {
        match sync(&app, &|_, _| {}).await {
            Ok(n) if first && fresh => {
                tracing::info!(
                    versions = n,
                    seconds = started.elapsed().as_secs_f32(),
                    "search index built"
                );
                first = false;
            }
            Ok(n) => {
                first = false;
                if n > 0 {
                    quiet_since = std::time::Instant::now();
                    dirty = true;
                } else if dirty {
                    match compact_when_quiet(&app, quiet_since).await {
                        Ok(merged) => dirty = !merged,
                        Err(e) => tracing::warn!(error = %e, "search index not merged; will retry"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "search index not brought up to date; will retry"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn yyyymmdd(day: &str) -> i64 {
    day.replace('-', "").parse().unwrap_or(0)
}

fn doc(row: IndexRow) -> Doc {
    Doc {
        version: row.version as u64,
        commentary: row.commentary as u64,
        lang: row.lang.to_string(),
        trend: row.trend_id as u64,
        assessment: row.assessment_id as u64,
        week_start: yyyymmdd(&row.week_start),
        week_end: yyyymmdd(&row.week_end),
        visible_at: row.visible_at,
        title: row.title,
        lead: row.lead,
        body: sitrep_render::markdown::to_plain_text(&row.body),
        stamp: row.stamp,
    }
}

/// What the reader asked, as typed.
#[derive(Debug, Default)]
struct Asked {
    q: String,
    trend: String,
    assessment: String,
    from: String,
    to: String,
    page: Option<String>,
}

impl Asked {
    fn read(pairs: &[(String, String)]) -> Asked {
        let mut a = Asked::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "q" => &mut a.q,
                "trend" => &mut a.trend,
                "assessment" => &mut a.assessment,
                "from" => &mut a.from,
                "to" => &mut a.to,
                "page" => {
                    a.page = Some(v.clone());
                    continue;
                }
                _ => continue,
            };
            if slot.is_empty() {
                v.trim().clone_into(slot);
            }
        }
        a
    }

    fn filtered(&self) -> bool {
        !(self.trend.is_empty()
            && self.assessment.is_empty()
            && self.from.is_empty()
            && self.to.is_empty())
    }

    /// This search's address at another page, or in another language, or
    /// without its filters.
    fn href(&self, lang: Lang, page: u32, with_filters: bool) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", &self.q);
        if with_filters {
            for (k, v) in [
                ("trend", &self.trend),
                ("assessment", &self.assessment),
                ("from", &self.from),
                ("to", &self.to),
            ] {
                if !v.is_empty() {
                    q.append_pair(k, v);
                }
            }
        }
        if page > 1 {
            q.append_pair("page", &page.to_string());
        }
        format!("{}?{}", urls::search(lang), q.finish())
    }
}

fn date(raw: &str) -> Result<Option<jiff::civil::Date>, ()> {
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<jiff::civil::Date>().map(Some).map_err(|_| ())
}

/// Characters no one types: control characters (other than spaces).
fn strip_controls(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub async fn page(
    State(app): State<Arc<AppState>>,
    SiteLang(lang): SiteLang,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let now = app.now();
    match search_page(&app, lang, now, params).await {
        Ok(r) => r,
        Err(e) => crate::pages::error_page(&app, lang, e).await,
    }
}

async fn search_page(
    app: &AppState,
    lang: Lang,
    now: Timestamp,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(pairs) = params.map_err(|e| PageError::BadRequest(e.body_text()))?;
    let mut asked = Asked::read(&pairs);
    asked.q = strip_controls(&asked.q).trim().to_owned();
    let ctx = Ctx::load(app, lang, now).await?;
    let trend = ctx.catalog.trends.iter().find(|t| t.slug == asked.trend);
    let assessment = ctx
        .catalog
        .assessments
        .iter()
        .find(|a| a.key == asked.assessment);
    let from = date(&asked.from);
    let to = date(&asked.to);
    let page_number = PageNumber::parse(asked.page.as_deref());
    let error = if asked.q.chars().count() > LONGEST_QUERY {
        Some(ctx.t_args("search-too-long", &[("max", (LONGEST_QUERY as i64).into())]))
    } else if (!asked.trend.is_empty() && trend.is_none())
        || (!asked.assessment.is_empty() && assessment.is_none())
    {
        Some(ctx.t("search-unknown-filter"))
    } else if from.is_err() || to.is_err() {
        Some(ctx.t("search-bad-date"))
    } else if page_number.is_err() {
        Some(ctx.t_args(
            "bad-page-number",
            &[("max", i64::from(PageNumber::MAX).into())],
        ))
    } else {
        None
    };
    let mut view = SearchPage {
        q: asked.q.clone(),
        from: asked.from.clone(),
        to: asked.to.clone(),
        trends: ctx
            .catalog
            .trends
            .iter()
            .map(|t| Choice {
                value: t.slug.clone(),
                label: ctx.trend_link(t, None).name,
                selected: t.slug == asked.trend,
            })
            .collect(),
        assessments: ctx
            .catalog
            .assessments
            .iter()
            .map(|a| Choice {
                value: a.key.clone(),
                label: ctx
                    .pick_name(&a.labels)
                    .cloned()
                    .unwrap_or_else(|| a.key.clone()),
                selected: a.key == asked.assessment,
            })
            .collect(),
        filtered: asked.filtered(),
        error,
        asked: !asked.q.trim().is_empty() || asked.filtered(),
        summary: String::new(),
        any_words_note: None,
        hits: Vec::new(),
        pager: Pager {
            label: String::new(),
            newer: None,
            older: None,
        },
        without_filters: None,
        elsewhere: Vec::new(),
    };
    let title = if view.q.trim().is_empty() {
        ctx.t("search-title")
    } else {
        ctx.t_args("search-title-for", &[("q", Arg::Str(view.q.trim()))])
    };
    let status = if view.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    if view.asked && view.error.is_none() {
        // An index a little behind still answers; the pages it leads to
        // are read from the database.
        catch_up(app).await;
        let page = page_number.unwrap_or(PageNumber::FIRST);
        let to_number = |d: Result<Option<jiff::civil::Date>, ()>| {
            d.ok().flatten().map(|d| {
                i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
            })
        };
        let query = sitrep_search::Query {
            lang: lang.as_str(),
            text: &asked.q,
            trend: trend.map(|t| t.id as u64),
            assessment: assessment.map(|a| a.id as u64),
            from: to_number(from),
            to: to_number(to),
            now,
            offset: (page.get().saturating_sub(1) * PER_PAGE) as usize,
            limit: PER_PAGE as usize,
        };
        let search = app.search.clone();
        let results = run(&search, &query)?;
        let paging = Paging::new(page, PER_PAGE, results.total as u64);
        let ids: Vec<i64> = results.hits.iter().map(|h| h.version as i64).collect();
        let rows = app.store.public(now).versions_by_id(&ids).await?;
        for hit in &results.hits {
            let Some(v) = rows
                .iter()
                .find(|v| v.commentary_id == hit.commentary as i64 && v.lang == lang)
            else {
                continue;
            };
            let card = ctx.card(v, false, true);
            let body = sitrep_render::markdown::to_plain_text(&v.body);
            let mut passage = results.passage(&body);
            if passage.is_empty() {
                passage = results.mark(&v.lead);
            }
            view.hits.push(SearchHit {
                title: spans(results.mark(&v.title)),
                href: card.href,
                passage: spans(passage),
                assessment: card.assessment,
                assessment_tone: card.assessment_tone,
                trend: card.trend,
                edition: card.edition,
            });
        }
        view.summary = ctx.t_args("search-count", &[("count", (results.total as i64).into())]);
        if !results.all_words && results.total > 0 {
            view.any_words_note = Some(ctx.t("search-any-words"));
        }
        view.pager = ctx.pager(&paging, |p| asked.href(lang, p, true));
        if results.total == 0 {
            if asked.filtered() && !asked.q.trim().is_empty() {
                view.without_filters = Some(asked.href(lang, 1, false));
            }
            for other in app.langs().iter().copied().filter(|l| *l != lang) {
                let there = sitrep_search::Query {
                    lang: other.as_str(),
                    offset: 0,
                    limit: 1,
                    ..query.clone()
                };
                let n = run(&search, &there)?.total;
                if n > 0 {
                    view.elsewhere.push(ElsewhereLink {
                        lang: other.to_string(),
                        label: ctx.t_args(
                            "search-elsewhere",
                            &[
                                ("count", (n as i64).into()),
                                ("language", Arg::Str(&app.i18n.endonym(other))),
                            ],
                        ),
                        href: asked.href(other, 1, true),
                    });
                }
            }
        }
    }
    let mut chrome = ctx.chrome(&title, "", Section::None, &|l| urls::search(l), &[]);
    // Result pages are for readers, not for search engines' own indexes.
    chrome.noindex = true;
    let body = app.renderer.render("search.html", &chrome, &view)?;
    let mut response = html(body)?;
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response.into_response())
}

fn run(
    search: &Search,
    query: &sitrep_search::Query<'_>,
) -> Result<sitrep_search::Results, PageError> {
    search.search(query).map_err(|e| {
        tracing::error!(error = %e, "search failed");
        PageError::SearchUnavailable
    })
}

fn spans(from: Vec<sitrep_search::Span>) -> Vec<Span> {
    from.into_iter()
        .map(|s| Span {
            text: s.text,
            mark: s.mark,
        })
        .collect()
}
