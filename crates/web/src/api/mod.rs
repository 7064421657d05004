//! The read API at `/api/v1`: editions, commentaries with every public
//! language version, trends, assessments, authors, pages and forecasts, as
//! JSON. Only what readers may see, read through `Public` like the pages.
//!
//! Every answer carries a strong `ETag` (a hash of its bytes) and answers
//! `If-None-Match` with 304, so clients and caches revalidate cheaply; any
//! origin may read it (`Access-Control-Allow-Origin: *`). The OpenAPI
//! document at `/api/v1/openapi.json` is built from these handlers' own
//! annotations (utoipa), so it cannot drift from the routes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sitrep_core::forecast::Outcome;
use sitrep_core::{Lang, Timestamp};
use sitrep_render::{markdown, urls};
use sitrep_store::{EditionRow, VersionRow};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{AppState, PageError};

pub mod write;

type App = State<Arc<AppState>>;

/// Most items on one page of a list.
const MAX_PER_PAGE: u32 = 100;
const DEFAULT_PER_PAGE: u32 = 20;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sitrep read API",
        version = "1",
        description = "Published content of a sitrep site: editions, commentaries in every language, trends, assessments, authors, pages and forecasts."
    ),
    tags((name = "content", description = "What readers can see"),
         (name = "staff", description = "Writing, scheduling and subscribers, with a personal API token made in the workspace under API")),
    modifiers(&TokenScheme)
)]
struct ApiDoc;

/// Declares the bearer token the staff calls take.
struct TokenScheme;

impl utoipa::Modify for TokenScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "token",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("sitrep personal token")
                        .build(),
                ),
            );
    }
}

/// The API's routes, and its OpenAPI document built from them.
pub fn router() -> axum::Router<Arc<AppState>> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(editions, write::create_edition))
        .routes(routes!(edition))
        .routes(routes!(commentaries, write::create_commentary))
        .routes(routes!(commentary))
        .routes(routes!(write::me))
        .routes(routes!(write::desk_commentary))
        .routes(routes!(write::save_version))
        .routes(routes!(write::set_status))
        .routes(routes!(write::schedule_edition))
        .routes(routes!(write::subscribers, write::add_subscriber))
        .routes(routes!(write::erase_subscriber))
        .routes(routes!(trends))
        .routes(routes!(assessments))
        .routes(routes!(authors))
        .routes(routes!(pages))
        .routes(routes!(forecasts))
        .split_for_parts();
    let doc = Arc::new(doc.to_json().unwrap_or_default());
    router.route(
        "/api/v1/openapi.json",
        axum::routing::get(move |headers: HeaderMap| {
            let doc = doc.clone();
            async move { json_bytes(&headers, doc.as_bytes().to_vec()) }
        }),
    )
}

// ------------------------------------------------------------------ answers

/// An error, as every failing call answers.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The HTTP status.
    pub status: u16,
    pub message: String,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = ApiError {
        error: ErrorBody {
            status: status.as_u16(),
            message: message.into(),
        },
    };
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response();
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

pub(crate) fn failed(e: PageError) -> Response {
    let away = e.is_database_away();
    let mut res = match e {
        PageError::NotFound => error(StatusCode::NOT_FOUND, "not found"),
        PageError::BadRequest(m) => error(StatusCode::BAD_REQUEST, m),
        e if e.status().is_client_error() => error(e.status(), e.to_string()),
        e => {
            tracing::error!(error = %e, "api call failed");
            error(e.status(), "the server could not answer; try again later")
        }
    };
    crate::outage::mark(&mut res, away);
    res
}

/// JSON bytes with an ETag; 304 when the client has them already.
pub(crate) fn json_bytes(headers: &HeaderMap, body: Vec<u8>) -> Response {
    let digest = Sha256::digest(&body);
    let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{tag}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            // Weak comparison (RFC 9110): a proxy that compresses may have
            // made the tag weak.
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
        });
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

fn ok<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes(headers, body),
        Err(e) => {
            tracing::error!(error = %e, "an api answer could not be written");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server could not answer",
            )
        }
    }
}

// ------------------------------------------------------------------ shapes

/// Where a list page stands.
#[derive(Serialize, ToSchema)]
pub struct Meta {
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Edition {
    pub number: i64,
    /// First day of the week it covers (YYYY-MM-DD).
    pub week_start: String,
    pub week_end: String,
    /// When it came out on the web (RFC 3339).
    pub published_at: String,
    /// Commentaries readers can see in it.
    pub commentaries: i64,
    /// Its page in the site's default language.
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct EditionList {
    pub data: Vec<Edition>,
    pub meta: Meta,
}

#[derive(Serialize, ToSchema)]
pub struct EditionWithCommentaries {
    pub edition: Edition,
    pub commentaries: Vec<Commentary>,
}

/// A commentary with each language version readers can see.
#[derive(Serialize, ToSchema)]
pub struct Commentary {
    pub id: i64,
    pub edition: i64,
    /// The trend's slug.
    pub trend: String,
    /// The assessment's key.
    pub assessment: String,
    /// Author slugs, in byline order.
    pub authors: Vec<String>,
    pub versions: Vec<Version>,
}

#[derive(Serialize, ToSchema)]
pub struct Version {
    pub lang: String,
    pub slug: String,
    pub title: String,
    pub lead: String,
    /// The text as written (Markdown).
    pub body_markdown: String,
    /// The text as the site shows it (sanitized HTML).
    pub body_html: String,
    pub published_at: String,
    pub updated_at: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct CommentaryList {
    pub data: Vec<Commentary>,
    pub meta: Meta,
}

/// A name and a description (or biography) in one language.
#[derive(Serialize, ToSchema)]
pub struct Named {
    pub name: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct Trend {
    pub slug: String,
    /// By language code.
    pub names: BTreeMap<String, Named>,
}

#[derive(Serialize, ToSchema)]
pub struct TrendList {
    pub data: Vec<Trend>,
}

#[derive(Serialize, ToSchema)]
pub struct Assessment {
    pub key: String,
    /// 2 much better … 0 no change … −2 much worse.
    pub tone: i64,
    pub labels: BTreeMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentList {
    pub data: Vec<Assessment>,
}

#[derive(Serialize, ToSchema)]
pub struct Author {
    pub slug: String,
    pub names: BTreeMap<String, Named>,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorList {
    pub data: Vec<Author>,
}

#[derive(Serialize, ToSchema)]
pub struct Page {
    pub slug: String,
    pub versions: Vec<PageVersion>,
}

#[derive(Serialize, ToSchema)]
pub struct PageVersion {
    pub lang: String,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct PageList {
    pub data: Vec<Page>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastSet {
    pub slug: String,
    pub published_at: String,
    /// Title and introduction by language code.
    pub texts: BTreeMap<String, Named>,
    pub statements: Vec<ForecastStatement>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastStatement {
    pub id: i64,
    pub trend: String,
    /// The likelihood's key, and the probability the statement was made with.
    pub likelihood: String,
    pub percent: i64,
    /// The day it is judged by (YYYY-MM-DD).
    pub due_on: String,
    /// happened, not-happened or unclear; absent until recorded.
    pub outcome: Option<String>,
    /// The statement and the note on its outcome, by language code.
    pub texts: BTreeMap<String, Named>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastList {
    pub data: Vec<ForecastSet>,
}

// ------------------------------------------------------------------ input

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paged {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// Items on a page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentaryQuery {
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
    /// Only commentaries of this trend (its slug); one the site does not
    /// have matches nothing.
    pub trend: Option<String>,
    /// Only commentaries with a version in this language (a code such as
    /// `be`); one the site does not have matches nothing.
    pub lang: Option<String>,
}

/// (page, per page) checked.
fn paging(page: Option<u32>, per_page: Option<u32>) -> Result<(u32, u32), PageError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=10_000).contains(&page) {
        return Err(PageError::BadRequest("page must be 1 to 10000".into()));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(PageError::BadRequest(format!(
            "per_page must be 1 to {MAX_PER_PAGE}"
        )));
    }
    Ok((page, per_page))
}

fn meta(page: u32, per_page: u32, total: u64) -> Meta {
    Meta {
        page,
        per_page,
        total,
        pages: total.div_ceil(u64::from(per_page)) as u32,
    }
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, PageError> {
    q.map(|Query(v)| v)
        .map_err(|e| PageError::BadRequest(e.body_text()))
}

fn rfc3339(t: Timestamp) -> String {
    crate::views::rfc3339(t)
}

// ------------------------------------------------------------------ building

fn edition_out(app: &AppState, e: &EditionRow) -> Edition {
    Edition {
        number: e.number,
        week_start: e.week_start.clone(),
        week_end: e.week_end.clone(),
        published_at: rfc3339(e.web_at),
        commentaries: e.commentaries,
        url: format!(
            "{}{}",
            app.public_url,
            urls::edition(app.default_lang(), e.number)
        ),
    }
}

/// Commentaries from their public versions, in the order of `ids`.
async fn commentaries_of(app: &AppState, ids: &[i64]) -> Result<Vec<Commentary>, PageError> {
    let public = app.store.public(app.now());
    let versions = public.versions_of(ids).await?;
    let bylines = public.authors_of(ids).await?;
    let catalog = app.catalog().await?;
    let mut by_id: HashMap<i64, Vec<&VersionRow>> = HashMap::new();
    for v in &versions {
        by_id.entry(v.commentary_id).or_default().push(v);
    }
    Ok(ids
        .iter()
        .filter_map(|id| {
            let vs = by_id.get(id)?;
            let first = vs.first()?;
            Some(Commentary {
                id: *id,
                edition: first.edition_number,
                trend: catalog
                    .trend(first.trend_id)
                    .map(|t| t.slug.clone())
                    .unwrap_or_default(),
                assessment: catalog
                    .assessment(first.assessment_id)
                    .map(|a| a.key.clone())
                    .unwrap_or_default(),
                authors: bylines
                    .iter()
                    .filter(|(c, _)| c == id)
                    .filter_map(|(_, a)| catalog.author(*a).map(|a| a.slug.clone()))
                    .collect(),
                versions: vs.iter().map(|v| version_out(app, v)).collect(),
            })
        })
        .collect())
}

fn version_out(app: &AppState, v: &VersionRow) -> Version {
    Version {
        lang: v.lang.to_string(),
        slug: v.slug.clone(),
        title: v.title.clone(),
        lead: v.lead.clone(),
        body_markdown: v.body.clone(),
        body_html: markdown::to_html(&v.body),
        published_at: rfc3339(v.published_at),
        updated_at: rfc3339(v.updated_at),
        url: format!("{}{}", app.public_url, urls::commentary(v.lang, &v.slug)),
    }
}

fn named(map: &HashMap<Lang, (String, String)>) -> BTreeMap<String, Named> {
    map.iter()
        .map(|(l, (name, text))| {
            (
                l.to_string(),
                Named {
                    name: name.clone(),
                    text: text.clone(),
                },
            )
        })
        .collect()
}

fn trend_out(t: &sitrep_store::Trend) -> Trend {
    Trend {
        slug: t.slug.clone(),
        names: named(&t.names),
    }
}

fn empty(page: u32, per_page: u32) -> CommentaryList {
    CommentaryList {
        data: Vec::new(),
        meta: meta(page, per_page, 0),
    }
}

// ------------------------------------------------------------------ handlers

/// Editions readers can see, newest first.
#[utoipa::path(get, path = "/api/v1/editions", tag = "content", params(Paged),
    responses((status = 200, body = EditionList), (status = 304, description = "Not modified"),
              (status = 400, body = ApiError)))]
async fn editions(
    State(app): App,
    headers: HeaderMap,
    q: Result<Query<Paged>, QueryRejection>,
) -> Response {
    let result = async {
        let q = query(q)?;
        let (page, per_page) = paging(q.page, q.per_page)?;
        let now = app.now();
        let all = app.memo(now).await?.editions(&app.store).await?;
        let from = (page as usize - 1).saturating_mul(per_page as usize);
        let rows = all.iter().skip(from).take(per_page as usize);
        Ok::<_, PageError>(EditionList {
            data: rows.map(|e| edition_out(&app, e)).collect(),
            meta: meta(page, per_page, all.len() as u64),
        })
    }
    .await;
    match result {
        Ok(v) => ok(&headers, &v),
        Err(e) => failed(e),
    }
}

/// One edition with its commentaries.
#[utoipa::path(get, path = "/api/v1/editions/{number}", tag = "content",
    params(("number" = i64, Path, description = "The edition's number")),
    responses((status = 200, body = EditionWithCommentaries), (status = 304, description = "Not modified"),
              (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn edition(
    State(app): App,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let Path(number) = path.map_err(|e| PageError::BadRequest(e.body_text()))?;
        let public = app.store.public(app.now());
        let e = public.edition(number).await?.ok_or(PageError::NotFound)?;
        let rows = public.edition_versions(e.id).await?;
        let mut ids: Vec<i64> = Vec::new();
        for v in &rows {
            if !ids.contains(&v.commentary_id) {
                ids.push(v.commentary_id);
            }
        }
        Ok::<_, PageError>(EditionWithCommentaries {
            edition: edition_out(&app, &e),
            commentaries: commentaries_of(&app, &ids).await?,
        })
    }
    .await;
    match result {
        Ok(v) => ok(&headers, &v),
        Err(e) => failed(e),
    }
}

/// Commentaries readers can see, newest week first, with every public
/// language version.
#[utoipa::path(get, path = "/api/v1/commentaries", tag = "content", params(CommentaryQuery),
    responses((status = 200, body = CommentaryList), (status = 304, description = "Not modified"),
              (status = 400, body = ApiError)))]
async fn commentaries(
    State(app): App,
    headers: HeaderMap,
    q: Result<Query<CommentaryQuery>, QueryRejection>,
) -> Response {
    let result = async {
        let q = query(q)?;
        let (page, per_page) = paging(q.page, q.per_page)?;
        let catalog = app.catalog().await?;
        // A trend or language the site does not have matches nothing.
        let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        let trend = match given(&q.trend) {
            Some(slug) => match catalog.trend_by_slug(&slug) {
                Some(t) => Some(t.id),
                None => return Ok(empty(page, per_page)),
            },
            None => None,
        };
        let lang = match given(&q.lang) {
            Some(code) => match Lang::parse(&code).ok().filter(|l| app.langs().contains(l)) {
                Some(l) => Some(l),
                None => return Ok(empty(page, per_page)),
            },
            None => None,
        };
        let public = app.store.public(app.now());
        let (ids, total) = public
            .commentary_ids(
                trend,
                lang,
                i64::from(per_page),
                i64::from((page - 1) * per_page),
            )
            .await?;
        Ok::<_, PageError>(CommentaryList {
            data: commentaries_of(&app, &ids).await?,
            meta: meta(page, per_page, total),
        })
    }
    .await;
    match result {
        Ok(v) => ok(&headers, &v),
        Err(e) => failed(e),
    }
}

/// One commentary.
#[utoipa::path(get, path = "/api/v1/commentaries/{id}", tag = "content",
    params(("id" = i64, Path, description = "The commentary's id")),
    responses((status = 200, body = Commentary), (status = 304, description = "Not modified"),
              (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn commentary(
    State(app): App,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let Path(id) = path.map_err(|e| PageError::BadRequest(e.body_text()))?;
        commentaries_of(&app, &[id])
            .await?
            .into_iter()
            .next()
            .ok_or(PageError::NotFound)
    }
    .await;
    match result {
        Ok(v) => ok(&headers, &v),
        Err(e) => failed(e),
    }
}

/// The site's trends, in order.
#[utoipa::path(get, path = "/api/v1/trends", tag = "content",
    responses((status = 200, body = TrendList), (status = 304, description = "Not modified")))]
async fn trends(State(app): App, headers: HeaderMap) -> Response {
    match app.catalog().await {
        Ok(c) => ok(
            &headers,
            &TrendList {
                data: c.trends.iter().map(trend_out).collect(),
            },
        ),
        Err(e) => failed(e.into()),
    }
}

/// The assessment scale, best first.
#[utoipa::path(get, path = "/api/v1/assessments", tag = "content",
    responses((status = 200, body = AssessmentList), (status = 304, description = "Not modified")))]
async fn assessments(State(app): App, headers: HeaderMap) -> Response {
    match app.catalog().await {
        Ok(c) => ok(
            &headers,
            &AssessmentList {
                data: c
                    .assessments
                    .iter()
                    .map(|a| Assessment {
                        key: a.key.clone(),
                        tone: a.tone,
                        labels: a
                            .labels
                            .iter()
                            .map(|(l, s)| (l.to_string(), s.clone()))
                            .collect(),
                    })
                    .collect(),
            },
        ),
        Err(e) => failed(e.into()),
    }
}

/// The authors.
#[utoipa::path(get, path = "/api/v1/authors", tag = "content",
    responses((status = 200, body = AuthorList), (status = 304, description = "Not modified")))]
async fn authors(State(app): App, headers: HeaderMap) -> Response {
    match app.catalog().await {
        Ok(c) => ok(
            &headers,
            &AuthorList {
                data: c
                    .authors
                    .iter()
                    .map(|a| Author {
                        slug: a.slug.clone(),
                        names: named(&a.names),
                    })
                    .collect(),
            },
        ),
        Err(e) => failed(e.into()),
    }
}

/// Static pages with their published versions.
#[utoipa::path(get, path = "/api/v1/pages", tag = "content",
    responses((status = 200, body = PageList), (status = 304, description = "Not modified")))]
async fn pages(State(app): App, headers: HeaderMap) -> Response {
    let result = async {
        let rows = app.store.public(app.now()).pages(None).await?;
        let mut out: Vec<Page> = Vec::new();
        for p in rows {
            let version = PageVersion {
                lang: p.lang.to_string(),
                title: p.title.clone(),
                body_html: markdown::to_html(&p.body),
                body_markdown: p.body,
                url: format!("{}{}", app.public_url, urls::page(p.lang, &p.slug)),
            };
            match out.last_mut() {
                Some(last) if last.slug == p.slug => last.versions.push(version),
                _ => out.push(Page {
                    slug: p.slug,
                    versions: vec![version],
                }),
            }
        }
        Ok::<_, PageError>(PageList { data: out })
    }
    .await;
    match result {
        Ok(v) => ok(&headers, &v),
        Err(e) => failed(e),
    }
}

/// Published forecast sets with their statements and outcomes.
#[utoipa::path(get, path = "/api/v1/forecasts", tag = "content",
    responses((status = 200, body = ForecastList), (status = 304, description = "Not modified")))]
async fn forecasts(State(app): App, headers: HeaderMap) -> Response {
    let result = async {
        let public = app.store.public(app.now());
        let sets = public.forecast_sets().await?;
        let statements = public.forecast_statements(None).await?;
        let catalog = app.catalog().await?;
        let data = sets
            .iter()
            .map(|s| ForecastSet {
                slug: s.slug.clone(),
                published_at: s.published_at.map(rfc3339).unwrap_or_default(),
                texts: named(&s.texts),
                statements: statements
                    .iter()
                    .filter(|f| f.set_id == s.id)
                    .map(|f| ForecastStatement {
                        id: f.id,
                        trend: catalog
                            .trend(f.trend_id)
                            .map(|t| t.slug.clone())
                            .unwrap_or_default(),
                        likelihood: catalog
                            .likelihood(f.likelihood_id)
                            .map(|l| l.key.clone())
                            .unwrap_or_default(),
                        percent: f.percent,
                        due_on: f.due_on.clone(),
                        outcome: f.outcome.map(|o: Outcome| o.as_str().to_owned()),
                        texts: named(&f.texts),
                    })
                    .collect(),
            })
            .collect();
        Ok::<_, PageError>(ForecastList { data })
    }
    .await;
    match result {
        Ok(v) => ok(&headers, &v),
        Err(e) => failed(e),
    }
}
