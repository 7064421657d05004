//! A subset of Ghost's Content API (v5 and later), so front ends written for
//! Ghost can read a sitrep site: `posts`, `pages`, `tags`, `authors` and
//! `settings` under `/ghost/api/content/`, with the `key`, `filter`,
//! `include`, `fields`, `formats`, `order`, `limit` and `page` parameters
//! that Ghost's JavaScript client sends.
//!
//! A Ghost site has one language, so each of sitrep's languages is served
//! as its own Ghost site: `/{lang}/ghost/api/content/…` (a client is given
//! `url: "https://example.org/ru"`), and `/ghost/api/content/…` is the
//! default language. Posts are the commentaries' versions in that language
//! (a post's id is its commentary's, the same in every language), tags are
//! trends, authors are authors, pages are static pages.
//!
//! The content is public; the key only says which front end is asking, as
//! in Ghost. The site has one Content API key, shown in the workspace.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sitrep_core::{Lang, Timestamp};
use sitrep_render::{markdown, urls};
use sitrep_store::{Catalog, Only, PageRow, VersionFilter, VersionOrder, VersionRow};

use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

/// The setting that holds the site's Content API key.
pub const KEY_SETTING: &str = "ghost_content_key";

/// Items on a page when the client does not say.
const DEFAULT_LIMIT: u32 = 15;
/// Most items on a page; `limit=all` means this many.
const MAX_LIMIT: u32 = 1000;
/// Most conditions in a filter, and values in one condition.
const MAX_CLAUSES: usize = 20;
const MAX_VALUES: usize = 100;

/// The routes, for the default language and for each language.
pub fn routes() -> axum::Router<Arc<AppState>> {
    axum::Router::new()
        .route("/ghost/api/content/{*rest}", get(default_site))
        .route("/{lang}/ghost/api/content/{*rest}", get(lang_site))
}

/// The site's Content API key (26 hex digits, as Ghost's client checks),
/// made on first use.
pub async fn content_key(app: &AppState) -> Result<String, sitrep_store::StoreError> {
    app.store.setting_or_init(KEY_SETTING, &new_key()).await
}

/// A fresh Content API key.
pub fn new_key() -> String {
    sitrep_auth::new_token()[..26].to_owned()
}

type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

async fn default_site(
    State(app): App,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    params: Params,
) -> Response {
    match path {
        Ok(Path(rest)) => answer(&app, None, &rest, &headers, params).await,
        Err(e) => error(StatusCode::BAD_REQUEST, "BadRequestError", &e.body_text()),
    }
}

async fn lang_site(
    State(app): App,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    params: Params,
) -> Response {
    match path {
        Ok(Path((lang, rest))) => answer(&app, Some(&lang), &rest, &headers, params).await,
        Err(e) => error(StatusCode::BAD_REQUEST, "BadRequestError", &e.body_text()),
    }
}

// ------------------------------------------------------------------ errors

/// Ghost's error shape: the client throws `errors[0]` as an `Error`.
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl Failure {
    fn bad(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::BAD_REQUEST,
            kind: "BadRequestError",
            message: message.into(),
        }
    }

    fn not_found() -> Failure {
        Failure {
            status: StatusCode::NOT_FOUND,
            kind: "NotFoundError",
            message: "Resource not found".into(),
        }
    }
}

impl From<PageError> for Failure {
    fn from(e: PageError) -> Failure {
        match e {
            PageError::NotFound => Failure::not_found(),
            e if e.status().is_client_error() => Failure::bad(e.to_string()),
            e => {
                tracing::error!(error = %e, "a content api call failed");
                Failure {
                    status: e.status(),
                    kind: "InternalServerError",
                    message: "The server could not answer; try again later".into(),
                }
            }
        }
    }
}

impl From<sitrep_store::StoreError> for Failure {
    fn from(e: sitrep_store::StoreError) -> Failure {
        PageError::from(e).into()
    }
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"errors": [{"message": message, "context": null, "type": kind}]});
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

// ------------------------------------------------------------------ options

/// The query parameters every call understands.
struct Options {
    key: Option<String>,
    limit: u32,
    page: u32,
    filter: Vec<Clause>,
    include: Vec<String>,
    fields: Option<Vec<String>>,
    plaintext: bool,
    order: Option<(String, bool)>,
}

fn options(params: Vec<(String, String)>) -> Result<Options, Failure> {
    // The last of a repeated parameter counts.
    let params: HashMap<String, String> = params.into_iter().collect();
    let list = |name: &str| -> Vec<String> {
        params
            .get(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let limit = match params.get("limit").map(|s| s.trim()) {
        None | Some("") => DEFAULT_LIMIT,
        Some("all") => MAX_LIMIT,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(Failure::bad(format!(
                    "limit must be a number from 1 to {MAX_LIMIT}, or all"
                )));
            }
        },
    };
    let page = match params.get("page").map(|s| s.trim()) {
        None | Some("") => 1,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => return Err(Failure::bad("page must be a number from 1 to 100000")),
        },
    };
    let filter = match params.get("filter") {
        Some(f) if !f.trim().is_empty() => parse_filter(f).map_err(Failure::bad)?,
        _ => Vec::new(),
    };
    let order = match params.get("order").map(|s| s.trim()) {
        None | Some("") => None,
        Some(o) => {
            // "published_at desc, id desc": the first key decides.
            let first = o.split(',').next().unwrap_or_default();
            let mut words = first.split_whitespace();
            let field = words.next().unwrap_or_default().to_owned();
            let ascending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => true,
                Some("desc") => false,
                Some(_) => return Err(Failure::bad("order must be a field, then asc or desc")),
            };
            Some((field, ascending))
        }
    };
    let fields = list("fields");
    Ok(Options {
        key: params.get("key").cloned(),
        limit,
        page,
        filter,
        include: list("include"),
        fields: (!fields.is_empty()).then_some(fields),
        plaintext: list("formats").iter().any(|f| f == "plaintext"),
        order,
    })
}

impl Options {
    fn includes(&self, what: &str) -> bool {
        self.include.iter().any(|i| i == what)
    }

    fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }

    /// `meta.pagination`, as Ghost's clients page with it.
    fn pagination(&self, total: u64) -> Value {
        let pages = total.div_ceil(u64::from(self.limit)).max(1);
        let page = u64::from(self.page);
        json!({"pagination": {
            "page": page,
            "limit": self.limit,
            "pages": pages,
            "total": total,
            "next": if page < pages { Some(page + 1) } else { None },
            "prev": if page > 1 { Some(page - 1) } else { None },
        }})
    }
}

// ------------------------------------------------------------------ filter

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Is,
    Less(bool),
    Greater(bool),
}

/// `field:value`, `field:-value`, `field:[a,b]`, `field:>value`; a filter
/// joins clauses with `+` (all must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    field: String,
    keep: bool,
    op: Op,
    values: Vec<String>,
}

/// Parses the subset of Ghost's filter language (NQL) sitrep answers.
fn parse_filter(text: &str) -> Result<Vec<Clause>, String> {
    if text.len() > 4000 {
        return Err("The filter is too long".into());
    }
    let mut clauses = Vec::new();
    let mut rest = text.trim_start();
    loop {
        let colon = rest
            .find(':')
            .ok_or_else(|| format!("Error parsing filter: expected field:value at \"{rest}\""))?;
        let field = rest[..colon].trim();
        if field.is_empty()
            || !field
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(format!("Error parsing filter: \"{field}\" is not a field"));
        }
        rest = rest[colon + 1..].trim_start();
        let mut keep = true;
        if let Some(r) = rest.strip_prefix('-') {
            keep = false;
            rest = r;
        }
        let mut op = Op::Is;
        for (mark, o) in [
            (">=", Op::Greater(true)),
            ("<=", Op::Less(true)),
            (">", Op::Greater(false)),
            ("<", Op::Less(false)),
        ] {
            if let Some(r) = rest.strip_prefix(mark) {
                op = o;
                rest = r;
                break;
            }
        }
        let mut values = Vec::new();
        if let Some(r) = rest.strip_prefix('[') {
            rest = r;
            loop {
                let (v, r) = value(rest.trim_start())?;
                values.push(v);
                rest = r.trim_start();
                if let Some(r) = rest.strip_prefix(',') {
                    rest = r;
                } else if let Some(r) = rest.strip_prefix(']') {
                    rest = r;
                    break;
                } else {
                    return Err("Error parsing filter: a list needs a closing ]".into());
                }
            }
        } else {
            let (v, r) = value(rest)?;
            values.push(v);
            rest = r;
        }
        if values.len() > MAX_VALUES {
            return Err(format!(
                "A filter takes at most {MAX_VALUES} values in a list"
            ));
        }
        clauses.push(Clause {
            field: field.to_owned(),
            keep,
            op,
            values,
        });
        if clauses.len() > MAX_CLAUSES {
            return Err(format!("A filter takes at most {MAX_CLAUSES} conditions"));
        }
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(clauses);
        }
        match rest.chars().next() {
            Some('+') => rest = rest[1..].trim_start(),
            Some(',') => {
                return Err(
                    "sitrep's filters join conditions with + only; for either of two values write field:[a,b]"
                        .into(),
                );
            }
            _ => return Err(format!("Error parsing filter at \"{rest}\"")),
        }
    }
}

/// One value: quoted ('…' or "…", with \ escapes) or bare.
fn value(text: &str) -> Result<(String, &str), String> {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, q @ ('\'' | '"'))) => {
            let mut out = String::new();
            let mut escaped = false;
            for (i, c) in chars {
                if escaped {
                    out.push(c);
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    return Ok((out, &text[i + 1..]));
                } else {
                    out.push(c);
                }
            }
            Err("Error parsing filter: a quoted value is not closed".into())
        }
        _ => {
            let end = text
                .find(|c: char| matches!(c, '+' | ',' | '[' | ']' | '(' | ')') || c.is_whitespace())
                .unwrap_or(text.len());
            if end == 0 {
                return Err(format!(
                    "Error parsing filter: expected a value at \"{text}\""
                ));
            }
            Ok((text[..end].to_owned(), &text[end..]))
        }
    }
}

// ------------------------------------------------------------------ ids

/// Ghost ids are 24 hex digits: here a kind and the row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Post = 1,
    Page = 2,
    Tag = 3,
    Author = 4,
}

fn ghost_id(kind: Kind, id: i64) -> String {
    format!("{:08x}{:016x}", kind as u32, id)
}

fn row_id(kind: Kind, text: &str) -> Option<i64> {
    if text.len() != 24 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let k = u32::from_str_radix(&text[..8], 16).ok()?;
    let id = i64::from_str_radix(&text[8..], 16).ok()?;
    (k == kind as u32).then_some(id)
}

/// A stable UUID for a post, from what it is.
fn uuid(kind: Kind, id: i64, lang: Lang) -> String {
    let d = Sha256::digest(format!("sitrep {} {id} {lang}", kind as u32).as_bytes());
    let h: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-8{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

// ------------------------------------------------------------------ answer

async fn answer(
    app: &AppState,
    lang: Option<&str>,
    rest: &str,
    headers: &HeaderMap,
    params: Params,
) -> Response {
    let result = async {
        let lang = match lang {
            None => app.default_lang(),
            Some(code) => crate::pages::site_lang(app, code).ok_or_else(Failure::not_found)?,
        };
        let Query(params) = params.map_err(|e| Failure::bad(e.body_text()))?;
        let opts = options(params)?;
        let key = content_key(app).await?;
        if !opts
            .key
            .as_deref()
            .is_some_and(|k| sitrep_auth::same_secret(k, &key))
        {
            return Err(Failure {
                status: StatusCode::UNAUTHORIZED,
                kind: "UnauthorizedError",
                message: "Unknown Content API Key".into(),
            });
        }
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        let site = Site {
            app,
            lang,
            catalog: app.catalog().await?,
        };
        match parts.as_slice() {
            ["posts"] => site.posts(&opts, None).await,
            ["posts", "slug", slug] => site.posts(&opts, Some(Find::Slug(slug))).await,
            ["posts", id] => site.posts(&opts, Some(Find::Id(id))).await,
            ["pages"] => site.pages(&opts, None).await,
            ["pages", "slug", slug] => site.pages(&opts, Some(Find::Slug(slug))).await,
            ["pages", id] => site.pages(&opts, Some(Find::Id(id))).await,
            ["tags"] => site.tags(&opts, None).await,
            ["tags", "slug", slug] => site.tags(&opts, Some(Find::Slug(slug))).await,
            ["tags", id] => site.tags(&opts, Some(Find::Id(id))).await,
            ["authors"] => site.authors(&opts, None).await,
            ["authors", "slug", slug] => site.authors(&opts, Some(Find::Slug(slug))).await,
            ["authors", id] => site.authors(&opts, Some(Find::Id(id))).await,
            ["settings"] => Ok(site.settings()),
            // A sitrep site has no paid tiers or newsletters to choose.
            [resource @ ("tiers" | "newsletters")] => {
                Ok(json!({ *resource: [], "meta": opts.pagination(0) }))
            }
            _ => Err(Failure::not_found()),
        }
    }
    .await;
    match result {
        Ok(body) => {
            let mut res = crate::api::json_bytes(headers, body.to_string().into_bytes());
            res.headers_mut()
                .insert("content-version", HeaderValue::from_static("v6.0"));
            res
        }
        Err(f) => error(f.status, f.kind, &f.message),
    }
}

enum Find<'a> {
    Slug(&'a str),
    Id(&'a str),
}

struct Site<'a> {
    app: &'a AppState,
    lang: Lang,
    catalog: Arc<Catalog>,
}

impl Site<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.public_url)
    }

    fn fallbacks(&self) -> Vec<Lang> {
        self.app.fallback_order()
    }

    /// A list answer, or one item for a read (`{posts: [post]}` without
    /// `meta`, which the client unwraps).
    fn list(
        &self,
        resource: &str,
        items: Vec<Value>,
        opts: &Options,
        total: u64,
        read: bool,
    ) -> Result<Value, Failure> {
        let items: Vec<Value> = items.into_iter().map(|i| select(i, opts)).collect();
        if read {
            if items.is_empty() {
                return Err(Failure::not_found());
            }
            return Ok(json!({ resource: items }));
        }
        Ok(json!({ resource: items, "meta": opts.pagination(total) }))
    }

    async fn posts(&self, opts: &Options, find: Option<Find<'_>>) -> Result<Value, Failure> {
        let mut only = Vec::new();
        for clause in &opts.filter {
            if let Some(o) = self.post_condition(clause)? {
                only.push(o);
            }
        }
        let read = find.is_some();
        match find {
            Some(Find::Slug(s)) => only.push((true, Only::Slugs(vec![s.to_owned()]))),
            Some(Find::Id(id)) => only.push((
                true,
                Only::Commentaries(row_id(Kind::Post, id).into_iter().collect()),
            )),
            None => {}
        }
        let order = match &opts.order {
            None => VersionOrder::Newest,
            Some((f, asc)) => match (f.as_str(), asc) {
                ("published_at", false) => VersionOrder::Newest,
                ("published_at", true) => VersionOrder::Oldest,
                ("title", true) => VersionOrder::TitleAsc,
                ("title", false) => VersionOrder::TitleDesc,
                _ => {
                    return Err(Failure::bad(
                        "posts can be ordered by published_at or title",
                    ));
                }
            },
        };
        let filter = VersionFilter {
            lang: self.lang,
            only,
        };
        let public = self.app.store.public(self.app.now());
        let (rows, total) = public
            .filtered_versions(&filter, order, i64::from(opts.limit), opts.offset() as i64)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|v| v.commentary_id).collect();
        let bylines = if opts.includes("authors") {
            public.authors_of(&ids).await?
        } else {
            Vec::new()
        };
        let items = rows.iter().map(|v| self.post(v, &bylines, opts)).collect();
        self.list("posts", items, opts, total, read)
    }

    /// A filter clause as a store condition; `None` when it always holds.
    fn post_condition(&self, c: &Clause) -> Result<Option<(bool, Only)>, Failure> {
        let only = match c.field.as_str() {
            "tag" | "tags" | "tags.slug" | "primary_tag" | "primary_tag.slug" => {
                self.is_only(c)?;
                Only::Trends(
                    c.values
                        .iter()
                        .filter_map(|s| self.catalog.trend_by_slug(s).map(|t| t.id))
                        .collect(),
                )
            }
            "author" | "authors" | "authors.slug" => {
                self.is_only(c)?;
                Only::Authors(self.author_ids(&c.values))
            }
            "primary_author" | "primary_author.slug" => {
                self.is_only(c)?;
                Only::FirstAuthors(self.author_ids(&c.values))
            }
            "slug" => {
                self.is_only(c)?;
                Only::Slugs(c.values.clone())
            }
            "id" => {
                self.is_only(c)?;
                Only::Commentaries(
                    c.values
                        .iter()
                        .filter_map(|v| row_id(Kind::Post, v))
                        .collect(),
                )
            }
            "published_at" => {
                let [v] = c.values.as_slice() else {
                    return Err(Failure::bad("published_at takes one date"));
                };
                let at = moment(v).ok_or_else(|| {
                    Failure::bad(format!(
                        "\"{v}\" is not a date (write 2025-01-31 or 2025-01-31T12:00:00Z)"
                    ))
                })?;
                let (side, or_equal) = match c.op {
                    Op::Is => (Ordering::Equal, true),
                    Op::Less(e) => (Ordering::Less, e),
                    Op::Greater(e) => (Ordering::Greater, e),
                };
                Only::Published(side, or_equal, at)
            }
            _ => {
                return match constant(c, "post") {
                    Ok(true) => Ok(None),
                    Ok(false) => Ok(Some((true, Only::Commentaries(Vec::new())))),
                    Err(f) => Err(f),
                };
            }
        };
        Ok(Some((c.keep, only)))
    }

    fn is_only(&self, c: &Clause) -> Result<(), Failure> {
        if c.op == Op::Is {
            Ok(())
        } else {
            Err(Failure::bad(format!(
                "{} can only be compared for equality",
                c.field
            )))
        }
    }

    fn author_ids(&self, slugs: &[String]) -> Vec<i64> {
        slugs
            .iter()
            .filter_map(|s| {
                self.catalog
                    .authors
                    .iter()
                    .find(|a| &a.slug == s)
                    .map(|a| a.id)
            })
            .collect()
    }

    fn post(&self, v: &VersionRow, bylines: &[(i64, i64)], opts: &Options) -> Value {
        let html = markdown::to_html(&v.body);
        let text = markdown::to_plain_text(&v.body);
        let excerpt = if v.lead.trim().is_empty() {
            text.chars().take(500).collect()
        } else {
            v.lead.clone()
        };
        let mut post = content_item(
            ghost_id(Kind::Post, v.commentary_id),
            uuid(Kind::Post, v.commentary_id, v.lang),
            &v.title,
            &v.slug,
            html,
            &text,
            self.url(&urls::commentary(v.lang, &v.slug)),
            rfc(v.published_at),
            rfc(v.updated_at),
            &excerpt,
            opts.plaintext,
        );
        post.insert(
            "custom_excerpt".into(),
            (!v.lead.trim().is_empty()).then(|| v.lead.clone()).into(),
        );
        if opts.includes("tags") {
            let tags: Vec<Value> = self
                .catalog
                .trend(v.trend_id)
                .map(|t| self.tag(t, None))
                .into_iter()
                .collect();
            post.insert(
                "primary_tag".into(),
                tags.first().cloned().unwrap_or(Value::Null),
            );
            post.insert("tags".into(), Value::Array(tags));
        }
        if opts.includes("authors") {
            let authors: Vec<Value> = bylines
                .iter()
                .filter(|(c, _)| *c == v.commentary_id)
                .filter_map(|(_, a)| self.catalog.author(*a))
                .map(|a| self.author(a, None))
                .collect();
            post.insert(
                "primary_author".into(),
                authors.first().cloned().unwrap_or(Value::Null),
            );
            post.insert("authors".into(), Value::Array(authors));
        }
        Value::Object(post)
    }

    async fn pages(&self, opts: &Options, find: Option<Find<'_>>) -> Result<Value, Failure> {
        let rows = self.app.store.public(self.app.now()).pages(None).await?;
        let items: Vec<Value> = rows
            .iter()
            .filter(|p| p.lang == self.lang)
            .map(|p| self.page(p, opts))
            .collect();
        self.in_memory("pages", items, opts, find, Kind::Page)
    }

    fn page(&self, p: &PageRow, opts: &Options) -> Value {
        let text = markdown::to_plain_text(&p.body);
        let excerpt: String = text.chars().take(500).collect();
        let mut page = content_item(
            ghost_id(Kind::Page, p.id),
            uuid(Kind::Page, p.id, p.lang),
            &p.title,
            &p.slug,
            markdown::to_html(&p.body),
            &text,
            self.url(&urls::page(p.lang, &p.slug)),
            Value::Null,
            Value::Null,
            &excerpt,
            opts.plaintext,
        );
        page.insert("custom_excerpt".into(), Value::Null);
        if opts.includes("tags") {
            page.insert("tags".into(), json!([]));
            page.insert("primary_tag".into(), Value::Null);
        }
        if opts.includes("authors") {
            page.insert("authors".into(), json!([]));
            page.insert("primary_author".into(), Value::Null);
        }
        Value::Object(page)
    }

    async fn tags(&self, opts: &Options, find: Option<Find<'_>>) -> Result<Value, Failure> {
        let counts = self.counts(opts, true).await?;
        let items = self
            .catalog
            .trends
            .iter()
            .map(|t| {
                self.tag(
                    t,
                    counts.as_ref().map(|c| c.get(&t.id).copied().unwrap_or(0)),
                )
            })
            .collect();
        self.in_memory("tags", items, opts, find, Kind::Tag)
    }

    fn tag(&self, t: &sitrep_store::Trend, posts: Option<u64>) -> Value {
        let fallbacks = self.fallbacks();
        let (name, description) = pick(&t.names, self.lang, &fallbacks);
        let mut tag = json!({
            "id": ghost_id(Kind::Tag, t.id),
            "name": name,
            "slug": t.slug,
            "description": non_empty(description),
            "feature_image": null,
            "visibility": "public",
            "og_image": null, "og_title": null, "og_description": null,
            "twitter_image": null, "twitter_title": null, "twitter_description": null,
            "meta_title": null,
            "meta_description": non_empty(description),
            "codeinjection_head": null, "codeinjection_foot": null,
            "canonical_url": null,
            "accent_color": null,
            "url": self.url(&urls::trend(self.lang, &t.slug, 1)),
        });
        if let (Some(n), Some(o)) = (posts, tag.as_object_mut()) {
            o.insert("count".into(), json!({ "posts": n }));
        }
        tag
    }

    async fn authors(&self, opts: &Options, find: Option<Find<'_>>) -> Result<Value, Failure> {
        let counts = self.counts(opts, false).await?;
        let items = self
            .catalog
            .authors
            .iter()
            .map(|a| {
                self.author(
                    a,
                    counts.as_ref().map(|c| c.get(&a.id).copied().unwrap_or(0)),
                )
            })
            .collect();
        self.in_memory("authors", items, opts, find, Kind::Author)
    }

    fn author(&self, a: &sitrep_store::Author, posts: Option<u64>) -> Value {
        let fallbacks = self.fallbacks();
        let (name, bio) = pick(&a.names, self.lang, &fallbacks);
        let mut author = json!({
            "id": ghost_id(Kind::Author, a.id),
            "name": name,
            "slug": a.slug,
            "profile_image": null,
            "cover_image": null,
            "bio": non_empty(bio),
            "website": null,
            "location": null,
            "facebook": null,
            "twitter": null,
            "meta_title": null,
            "meta_description": null,
            // sitrep has no author pages; a search for the name finds their work.
            "url": self.url(&format!("{}?q={}", urls::search(self.lang), urlencoding(name))),
        });
        if let (Some(n), Some(o)) = (posts, author.as_object_mut()) {
            o.insert("count".into(), json!({ "posts": n }));
        }
        author
    }

    /// Public versions in this language per trend (or per author), when
    /// the client asked for `count.posts`.
    async fn counts(
        &self,
        opts: &Options,
        trends: bool,
    ) -> Result<Option<HashMap<i64, u64>>, Failure> {
        if !opts.includes("count.posts") {
            return Ok(None);
        }
        let (t, a) = self
            .app
            .store
            .public(self.app.now())
            .lang_counts(self.lang)
            .await?;
        Ok(Some(if trends { t } else { a }))
    }

    /// Filters, orders and pages a small list built in memory.
    fn in_memory(
        &self,
        resource: &str,
        mut items: Vec<Value>,
        opts: &Options,
        find: Option<Find<'_>>,
        kind: Kind,
    ) -> Result<Value, Failure> {
        for c in &opts.filter {
            if !matches!(c.field.as_str(), "id" | "slug" | "name" | "visibility") {
                if !constant(c, resource)? {
                    items.clear();
                }
                continue;
            }
            items.retain(|i| holds(i, c));
        }
        let read = find.is_some();
        match find {
            Some(Find::Slug(s)) => items.retain(|i| i["slug"] == s),
            Some(Find::Id(id)) => {
                let wanted = row_id(kind, id).map(|n| ghost_id(kind, n));
                items.retain(|i| wanted.as_deref().is_some_and(|w| i["id"] == w));
            }
            None => {}
        }
        if let Some((field, ascending)) = &opts.order {
            if !matches!(field.as_str(), "name" | "slug" | "title" | "id") {
                return Err(Failure::bad(format!(
                    "{resource} can be ordered by name or slug"
                )));
            }
            items.sort_by(|a, b| {
                let o = a[field.as_str()]
                    .as_str()
                    .unwrap_or_default()
                    .cmp(b[field.as_str()].as_str().unwrap_or_default());
                if *ascending { o } else { o.reverse() }
            });
        }
        let total = items.len() as u64;
        let page: Vec<Value> = items
            .into_iter()
            .skip(opts.offset() as usize)
            .take(opts.limit as usize)
            .collect();
        self.list(resource, page, opts, total, read)
    }

    fn settings(&self) -> Value {
        let fallbacks = self.fallbacks();
        let text = |key: &str| self.catalog.text(key, self.lang, &fallbacks);
        let i18n = &self.app.i18n;
        let nav = |id: &str, path: String| json!({"label": i18n.t(self.lang, id), "url": self.url(&path)});
        json!({
            "settings": {
                "title": text("name"),
                "description": text("tagline"),
                "logo": null,
                "icon": self.url(&self.app.asset("icon")),
                "accent_color": null,
                "cover_image": null,
                "facebook": null,
                "twitter": null,
                "lang": self.lang.as_str(),
                "locale": self.lang.as_str(),
                "timezone": "Etc/UTC",
                "codeinjection_head": null,
                "codeinjection_foot": null,
                "navigation": [
                    nav("nav-home", urls::home(self.lang)),
                    nav("nav-editions", urls::editions(self.lang, 1)),
                    nav("nav-trends", urls::trends(self.lang)),
                    nav("nav-barometer", urls::barometer(self.lang)),
                    nav("nav-forecasts", urls::forecasts(self.lang)),
                ],
                "secondary_navigation": [],
                "meta_title": null,
                "meta_description": non_empty(&text("tagline")),
                "og_image": null, "og_title": null, "og_description": null,
                "twitter_image": null, "twitter_title": null, "twitter_description": null,
                "members_support_address": null,
                "url": self.url(&urls::home(self.lang)),
            },
            "meta": {}
        })
    }
}

/// The fields posts and pages share.
#[allow(clippy::too_many_arguments)]
fn content_item(
    id: String,
    uuid: String,
    title: &str,
    slug: &str,
    html: String,
    text: &str,
    url: String,
    published_at: Value,
    updated_at: Value,
    excerpt: &str,
    plaintext: bool,
) -> Map<String, Value> {
    let words = text.split_whitespace().count();
    let mut item = json!({
        "id": id,
        "uuid": uuid,
        "title": title,
        "slug": slug,
        "html": html,
        "comment_id": id,
        "feature_image": null,
        "feature_image_alt": null,
        "feature_image_caption": null,
        "featured": false,
        "visibility": "public",
        "created_at": published_at,
        "updated_at": updated_at,
        "published_at": published_at,
        "codeinjection_head": null,
        "codeinjection_foot": null,
        "custom_template": null,
        "canonical_url": null,
        "url": url,
        "excerpt": excerpt,
        // Ghost's reckoning: 275 words a minute.
        "reading_time": (words as f64 / 275.0).round().max(1.0) as u64,
        "access": true,
        "comments": false,
        "og_image": null, "og_title": null, "og_description": null,
        "twitter_image": null, "twitter_title": null, "twitter_description": null,
        "meta_title": null,
        "meta_description": non_empty(excerpt),
        "email_subject": null,
        "frontmatter": null,
    });
    if plaintext && let Some(o) = item.as_object_mut() {
        o.insert("plaintext".into(), text.into());
    }
    match item {
        Value::Object(o) => o,
        _ => Map::new(),
    }
}

/// Keeps only the asked-for fields (and what `include` added).
fn select(item: Value, opts: &Options) -> Value {
    let (Some(fields), Value::Object(map)) = (&opts.fields, &item) else {
        return item;
    };
    let added = ["tags", "authors", "primary_tag", "primary_author", "count"];
    Value::Object(
        map.iter()
            .filter(|(k, _)| fields.iter().any(|f| f == *k) || added.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// Whether an in-memory item passes a clause on one of its text fields.
fn holds(item: &Value, c: &Clause) -> bool {
    let have = item[c.field.as_str()].as_str().unwrap_or_default();
    let hit = c.values.iter().any(|v| match c.op {
        Op::Is => have == v,
        Op::Less(e) => have < v.as_str() || (e && have == v),
        Op::Greater(e) => have > v.as_str() || (e && have == v),
    });
    hit == c.keep
}

/// A clause on a field that is the same for every item (`featured`,
/// `visibility`, `status`): whether it holds for all of them.
fn constant(c: &Clause, resource: &str) -> Result<bool, Failure> {
    let value = match c.field.as_str() {
        "featured" => "false",
        "visibility" => "public",
        "status" => "published",
        other => {
            return Err(Failure::bad(format!(
                "sitrep cannot filter {resource} by {other}"
            )));
        }
    };
    Ok(c.values.iter().any(|v| v == value) == c.keep)
}

/// A filter's date: RFC 3339, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD` (UTC).
fn moment(text: &str) -> Option<Timestamp> {
    sitrep_core::parse_moment(text)
}

fn rfc(t: Timestamp) -> Value {
    Value::String(crate::views::rfc3339(t))
}

fn non_empty(s: &str) -> Value {
    if s.trim().is_empty() {
        Value::Null
    } else {
        Value::String(s.to_owned())
    }
}

/// The name and text in the language, else the first fallback that has them.
fn pick<'a>(
    names: &'a HashMap<Lang, (String, String)>,
    lang: Lang,
    fallbacks: &[Lang],
) -> (&'a str, &'a str) {
    std::iter::once(&lang)
        .chain(fallbacks)
        .find_map(|l| names.get(l))
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .unwrap_or(("", ""))
}

/// Percent-encodes a query value.
fn urlencoding(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(field: &str, keep: bool, op: Op, values: &[&str]) -> Clause {
        Clause {
            field: field.into(),
            keep,
            op,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn filters_parse() {
        assert_eq!(
            parse_filter("tag:economy").unwrap(),
            vec![clause("tag", true, Op::Is, &["economy"])]
        );
        assert_eq!(
            parse_filter("tags:[economy, 'law-and-order']+id:-0000000100000000000000aa").unwrap(),
            vec![
                clause("tags", true, Op::Is, &["economy", "law-and-order"]),
                clause("id", false, Op::Is, &["0000000100000000000000aa"]),
            ]
        );
        assert_eq!(
            parse_filter("published_at:>='2024-01-01 10:00:00'").unwrap(),
            vec![clause(
                "published_at",
                true,
                Op::Greater(true),
                &["2024-01-01 10:00:00"]
            )]
        );
        assert_eq!(
            parse_filter(r#"title:"it\"s""#).unwrap(),
            vec![clause("title", true, Op::Is, &["it\"s"])]
        );
        for bad in [
            "tag",
            ":x",
            "tag:",
            "tag:[a,b",
            "tag:'open",
            "tag:a,tag:b",
            "tag:a+",
            "(tag:a)",
            "ta g:a",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad} parsed");
        }
        let long = vec!["x"; MAX_VALUES + 1].join(",");
        assert!(parse_filter(&format!("slug:[{long}]")).is_err());
        let many = vec!["slug:a"; MAX_CLAUSES + 1].join("+");
        assert!(parse_filter(&many).is_err());
    }

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = ghost_id(Kind::Post, 4711);
        assert_eq!(id.len(), 24);
        assert_eq!(row_id(Kind::Post, &id), Some(4711));
        assert_eq!(row_id(Kind::Tag, &id), None);
        assert_eq!(row_id(Kind::Post, "zz"), None);
        assert_eq!(row_id(Kind::Post, "0000000100000000000000zz"), None);
        let u = uuid(Kind::Post, 1, Lang::parse("be").unwrap());
        assert_eq!(u.len(), 36);
        assert_ne!(u, uuid(Kind::Post, 1, Lang::parse("ru").unwrap()));
    }

    #[test]
    fn filter_dates() {
        assert_eq!(moment("2024-01-02"), Some(1_704_153_600));
        assert_eq!(moment("2024-01-02 00:00:01"), Some(1_704_153_601));
        assert_eq!(moment("2024-01-02T00:00:02Z"), Some(1_704_153_602));
        assert_eq!(moment("yesterday"), None);
    }

    #[test]
    fn in_memory_clauses() {
        let item = json!({"slug": "b", "id": "x"});
        assert!(holds(&item, &clause("slug", true, Op::Is, &["a", "b"])));
        assert!(!holds(&item, &clause("slug", false, Op::Is, &["b"])));
        assert!(holds(
            &item,
            &clause("slug", true, Op::Greater(false), &["a"])
        ));
        assert!(constant(&clause("featured", true, Op::Is, &["false"]), "tags").unwrap());
        assert!(!constant(&clause("featured", true, Op::Is, &["true"]), "tags").unwrap());
        assert!(constant(&clause("mood", true, Op::Is, &["x"]), "tags").is_err());
    }
}
