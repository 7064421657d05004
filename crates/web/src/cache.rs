//! The node's cache of rendered public responses.
//!
//! A public page is a function of the database and the clock (see
//! [`crate::memo`]). A response whose handler marks it [`Keep`] is kept,
//! keyed by its path and query, together with its gzip and brotli forms
//! (made once, when it is kept) and a strong ETag computed from its bytes.
//! It is served from here while the memo it was rendered under still holds:
//! the store's change generation has not moved (on this node, or on any
//! other through the database's notifications) and the clock has not
//! reached the next scheduled publication nor the next UTC midnight
//! (forecast pages call a statement "due" by the date). So a publish, an
//! unpublish or a scheduled piece coming out is seen by the next request.
//!
//! The hit path asks nothing of the database: one atomic load for the
//! generation, the clock, one lookup, a clone of prepared headers. A
//! conditional request whose `If-None-Match` names the entry's tag is
//! answered 304 without rendering. Concurrent misses on one address wait
//! for a single render (a publish empties the cache, and the readers of
//! the home page then wait for one render instead of making sixty-four).
//!
//! It runs before routing and every other layer, and keeps responses with
//! the headers those layers added (the security headers), all but the
//! language cookie, which it adds itself for a reader who lacks it.
//! Addresses are the reader's to choose (any query string makes a new
//! one): quick_cache's S3-FIFO admits new entries on probation, so a flood
//! of one-off addresses does not push out the pages readers keep asking
//! for, and the weight bounds the memory either way.
//! Requests of the static mirror, HEAD requests that miss, anything but
//! GET and HEAD, and responses without [`Keep`] pass through untouched.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use std::convert::Infallible;
use std::task::Poll;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sitrep_core::Timestamp;

use crate::AppState;

/// Marks a response that may be kept: it depends on nothing but its
/// address, the database and the clock (no cookie, no reader's header).
#[derive(Clone, Copy, Debug)]
pub struct Keep;

/// The largest body kept.
const MAX_BODY: usize = 8 << 20;
/// Bodies smaller than this are not compressed.
const MIN_COMPRESS: usize = 256;
/// Bodies this large (the parts of a big site's sitemap) are kept in their
/// compressed forms only, a tenth of the size; the rare client that takes
/// no coding gets the gzip form inflated.
const PACKED_FROM: usize = 1 << 20;
/// brotli's quality: 11 costs tens of milliseconds a page for 3% less.
const BROTLI_QUALITY: u32 = 6;
/// Estimated size of an entry, for the cache's table.
const TYPICAL_ENTRY: u64 = 24 << 10;

/// The response cache of one node.
pub struct PageCache {
    entries: Option<quick_cache::sync::Cache<String, Arc<Entry>, Weight>>,
    /// The generation the cache was last emptied for.
    emptied_for: AtomicU64,
}

#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<String, Arc<Entry>> for Weight {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        (key.len() + entry.size() + 512) as u64
    }
}

/// One kept response in every form it is served in.
struct Entry {
    generation: u64,
    from: Timestamp,
    until: Timestamp,
    status: StatusCode,
    /// The tag's hash, without quotes or suffix.
    tag: String,
    /// The language cookie a reader who lacks it is given with the page
    /// (as `headers::remember_language` does), and its language code.
    cookie: Option<(sitrep_core::Lang, HeaderValue)>,
    /// The plain form; its body is empty when the entry is packed.
    identity: Form,
    gzip: Option<Form>,
    brotli: Option<Form>,
    /// Kept compressed only (see [`PACKED_FROM`]): the plain body is made
    /// from the gzip form when asked for.
    packed: bool,
    /// The plain body's length.
    plain_len: usize,
}

/// A body and the headers it is sent with.
struct Form {
    body: Bytes,
    headers: HeaderMap,
    /// The response's head as the serving threads write it (see
    /// [`crate::front`]): status line and headers with the length, without
    /// the date and the blank line that ends it.
    head: Bytes,
    /// The head of the 304 that answers a request naming this form's tag.
    unchanged: Bytes,
}

/// A kept response for [`crate::front`] to write: [`Reply::head`], then
/// the date, the cookie if any, a blank line and [`Reply::body`]. It
/// borrows from its entry rather than counting references to the bytes,
/// which both serving threads would contend for.
pub(crate) struct Reply {
    entry: Arc<Entry>,
    coding: Coding,
    what: Answered,
    cookie: bool,
    /// A packed entry's plain body, inflated for this request.
    inflated: Option<Bytes>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answered {
    Unchanged,
    Head,
    Full,
}

impl Reply {
    fn form(&self) -> &Form {
        self.entry.form(self.coding)
    }

    /// The status line and headers, with the length; no date.
    pub fn head(&self) -> &[u8] {
        match self.what {
            Answered::Unchanged => &self.form().unchanged,
            Answered::Head | Answered::Full => &self.form().head,
        }
    }

    /// The language cookie to set, if the reader lacks it.
    pub fn cookie(&self) -> Option<&[u8]> {
        if !self.cookie {
            return None;
        }
        self.entry.cookie.as_ref().map(|(_, c)| c.as_bytes())
    }

    pub fn body(&self) -> &[u8] {
        match (self.what, &self.inflated) {
            (Answered::Full, Some(body)) => body,
            (Answered::Full, None) => &self.form().body,
            _ => &[],
        }
    }
}

/// The request headers the cache reads, from hyper's map or from
/// [`crate::front`]'s parse of the request.
pub(crate) trait Asking {
    /// The values of every header called `name`, in order.
    fn values<'s>(&'s self, name: &'s header::HeaderName) -> impl Iterator<Item = &'s [u8]>;
}

impl Asking for HeaderMap {
    fn values<'s>(&'s self, name: &'s header::HeaderName) -> impl Iterator<Item = &'s [u8]> {
        self.get_all(name).iter().map(HeaderValue::as_bytes)
    }
}

impl Asking for [httparse::Header<'_>] {
    fn values<'s>(&'s self, name: &'s header::HeaderName) -> impl Iterator<Item = &'s [u8]> {
        self.iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name.as_str()))
            .map(|h| h.value)
    }
}

/// A header value as text when it is visible ASCII, as hyper's
/// `HeaderValue::to_str` takes it.
pub(crate) fn visible(v: &[u8]) -> Option<&str> {
    v.iter()
        .all(|&b| b == b'\t' || (32..127).contains(&b))
        .then(|| std::str::from_utf8(v).ok())
        .flatten()
}

/// What a kept entry answers: its tag matched, or one of its forms.
enum Choice<'e> {
    Unchanged(&'e Form),
    Full { form: &'e Form, plain: bool },
}

/// What a reader's `Accept-Encoding` lets us send.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl PageCache {
    /// A cache holding up to `bytes` of responses; 0 keeps nothing.
    pub fn new(bytes: u64) -> PageCache {
        let entries = (bytes > 0).then(|| {
            quick_cache::sync::Cache::with_weighter(
                (bytes / TYPICAL_ENTRY).max(16) as usize,
                bytes,
                Weight,
            )
        });
        PageCache {
            entries,
            emptied_for: AtomicU64::new(0),
        }
    }

    /// Forgets every kept response (after a change of how pages are made).
    pub fn clear(&self) {
        if let Some(c) = &self.entries {
            c.clear();
        }
    }

    /// Entries and their summed weight, for tests and the log.
    pub fn usage(&self) -> (usize, u64) {
        self.entries
            .as_ref()
            .map(|c| (c.len(), c.weight()))
            .unwrap_or_default()
    }
}

impl Entry {
    fn size(&self) -> usize {
        [
            Some(&self.identity),
            self.gzip.as_ref(),
            self.brotli.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|f| f.body.len() + f.headers.len() * 64 + f.head.len() + f.unchanged.len())
        .sum()
    }

    fn holds(&self, generation: u64, now: Timestamp) -> bool {
        self.generation == generation && self.from <= now && now < self.until
    }

    fn form(&self, coding: Coding) -> &Form {
        let form = match coding {
            Coding::Brotli => self.brotli.as_ref(),
            Coding::Gzip => self.gzip.as_ref(),
            Coding::Identity => None,
        };
        form.unwrap_or(&self.identity)
    }

    /// The plain body of a packed entry, from its gzip form.
    fn inflated(&self) -> Option<Bytes> {
        use std::io::Read as _;
        let gzip = self.gzip.as_ref()?;
        let mut out = Vec::with_capacity(self.plain_len);
        flate2::read::GzDecoder::new(&gzip.body[..])
            .read_to_end(&mut out)
            .ok()?;
        Some(Bytes::from(out))
    }

    /// Whether `If-None-Match` names one of this entry's tags (the weak
    /// comparison RFC 9110 asks of GET).
    fn matches(&self, if_none_match: &[u8]) -> bool {
        let Some(list) = visible(if_none_match) else {
            return false;
        };
        list.split(',').map(str::trim).any(|t| {
            if t == "*" {
                return true;
            }
            let t = t.strip_prefix("W/").unwrap_or(t);
            t.strip_prefix('"')
                .and_then(|t| t.strip_prefix(self.tag.as_str()))
                .is_some_and(|rest| matches!(rest, "\"" | "-gz\"" | "-br\""))
        })
    }

    fn choose(&self, coding: Coding, asked: &(impl Asking + ?Sized)) -> Choice<'_> {
        let form = self.form(coding);
        if let Some(inm) = asked.values(&header::IF_NONE_MATCH).next()
            && self.matches(inm)
        {
            return Choice::Unchanged(form);
        }
        // The plain form: asked for, or the only one (a small body).
        let plain = std::ptr::eq(form, &self.identity);
        Choice::Full { form, plain }
    }

    /// A form's body as sent; `None` when a packed body cannot be inflated.
    fn body_of(&self, form: &Form, plain: bool) -> Option<Bytes> {
        if plain && self.packed {
            self.inflated()
        } else {
            Some(form.body.clone())
        }
    }

    /// The language cookie to give a reader who lacks it.
    fn cookie_for(&self, asked: &(impl Asking + ?Sized)) -> Option<&HeaderValue> {
        let (lang, cookie) = self.cookie.as_ref()?;
        (crate::pages::cookie_lang(asked).as_deref() != Some(lang.as_str())).then_some(cookie)
    }

    /// The response to a request with these headers; `head`: without the
    /// body (its length still said).
    fn respond(&self, coding: Coding, req_headers: &HeaderMap, head: bool) -> Response {
        let (form, plain) = match self.choose(coding, req_headers) {
            Choice::Unchanged(form) => {
                let mut headers = HeaderMap::with_capacity(4);
                for name in UNCHANGED_HEADERS {
                    if let Some(v) = form.headers.get(&name) {
                        headers.insert(name, v.clone());
                    }
                }
                return (StatusCode::NOT_MODIFIED, headers).into_response();
            }
            Choice::Full { form, plain } => (form, plain),
        };
        let body = if head {
            Body::empty()
        } else {
            match self.body_of(form, plain) {
                Some(body) => Body::from(body),
                None => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        };
        let mut res = Response::new(body);
        *res.status_mut() = self.status;
        *res.headers_mut() = form.headers.clone();
        if head {
            let len = if plain {
                self.plain_len
            } else {
                form.body.len()
            };
            res.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        if let Some(cookie) = self.cookie_for(req_headers) {
            res.headers_mut().append(header::SET_COOKIE, cookie.clone());
        }
        res
    }
}

/// The same answer as [`Entry::respond`], as pre-encoded bytes.
fn reply(
    entry: Arc<Entry>,
    coding: Coding,
    asked: &[httparse::Header<'_>],
    head: bool,
) -> Option<Reply> {
    let (what, inflated) = match entry.choose(coding, asked) {
        Choice::Unchanged(_) => (Answered::Unchanged, None),
        Choice::Full { .. } if head => (Answered::Head, None),
        Choice::Full { plain, .. } if plain && entry.packed => {
            (Answered::Full, Some(entry.inflated()?))
        }
        Choice::Full { .. } => (Answered::Full, None),
    };
    let cookie = what != Answered::Unchanged && entry.cookie_for(asked).is_some();
    Some(Reply {
        entry,
        coding,
        what,
        cookie,
        inflated,
    })
}

/// The headers a 304 repeats from the full response.
const UNCHANGED_HEADERS: [header::HeaderName; 3] =
    [header::ETAG, header::VARY, header::CACHE_CONTROL];

/// A response head as HTTP/1.1 writes it, up to the date: the status line
/// and `headers`, with `len` as the content length if given.
fn encode_head(status: StatusCode, headers: &HeaderMap, len: Option<usize>) -> Bytes {
    let mut out = Vec::with_capacity(64 + headers.len() * 48);
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if let Some(len) = len {
        let _ = write!(out, "content-length: {len}\r\n");
    }
    Bytes::from(out)
}

/// Wraps the site's router: answers from kept responses, and keeps new
/// ones. The hit path runs inside `call`, with no task or routing.
pub struct Cached {
    app: Arc<AppState>,
    inner: axum::Router,
    /// Where requests the cache does not answer are handled, when not on
    /// the thread that took them (see [`Cached::render_on`]).
    renders: Option<tokio::runtime::Handle>,
}

type Answer = std::pin::Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl Cached {
    pub fn new(app: Arc<AppState>, inner: axum::Router) -> Cached {
        Cached {
            app,
            inner,
            renders: None,
        }
    }

    /// Hands every request the cache does not answer (renders, searches,
    /// the workspace, uploads) to `runtime`, so that the thread serving the
    /// connection goes on answering kept pages meanwhile. `sitrep serve`
    /// answers on single-threaded runtimes, one per core; without this,
    /// a render of a sitemap or an import on one of them would hold up
    /// every reader whose connection it serves.
    pub fn render_on(mut self, runtime: tokio::runtime::Handle) -> Cached {
        self.renders = Some(runtime);
        self
    }

    /// The live entry kept for `target` (a path and query), if any.
    fn live(&self, target: &str) -> Option<Arc<Entry>> {
        let entries = self.app.pages.entries.as_ref()?;
        let generation = self.app.store.changes().generation();
        // A plain load first: the swap writes a line every core shares.
        let emptied = &self.app.pages.emptied_for;
        if emptied.load(Ordering::Acquire) != generation
            && emptied.swap(generation, Ordering::AcqRel) != generation
        {
            entries.clear();
            return None;
        }
        let entry = entries.get(target)?;
        entry.holds(generation, self.app.now()).then_some(entry)
    }

    /// A live entry's answer, if there is one.
    fn hit(&self, req: &Request) -> Option<Response> {
        if !eligible(req) {
            return None;
        }
        let entry = self.live(req.uri().path_and_query()?.as_str())?;
        let coding = Coding::accepted(req.headers());
        Some(entry.respond(coding, req.headers(), req.method() == Method::HEAD))
    }

    /// The kept answer to a GET (or, `head`, a HEAD) of `target` with
    /// these headers, as [`Cached::hit`] would give it; for
    /// [`crate::front`], which writes it itself.
    pub(crate) fn reply(
        &self,
        head: bool,
        target: &str,
        asked: &[httparse::Header<'_>],
    ) -> Option<Reply> {
        reply(self.live(target)?, Coding::accepted(asked), asked, head)
    }

    pub(crate) fn answer(&self, req: Request) -> Answer {
        if let Some(res) = self.hit(&req) {
            return Box::pin(std::future::ready(Ok(res)));
        }
        let (app, inner) = (self.app.clone(), self.inner.clone());
        match &self.renders {
            None => Box::pin(async move { Ok(miss(app, inner, req).await) }),
            Some(runtime) => {
                let task = runtime.spawn(miss(app, inner, req));
                Box::pin(async move {
                    // A handler that panicked: axum would have dropped the
                    // connection; a 500 says more.
                    Ok(task.await.unwrap_or_else(|e| {
                        tracing::error!("a request's handler failed: {e}");
                        StatusCode::INTERNAL_SERVER_ERROR.into_response()
                    }))
                })
            }
        }
    }

    /// The service, shared by reference counting (for routers that come
    /// and go, as in tests).
    pub fn shared(self) -> Held<Arc<Cached>> {
        Held(Arc::new(self))
    }

    /// The cache for a server that keeps it for the life of the process:
    /// a reference every connection copies, not an `Arc` two cores would
    /// fight over the counting of.
    pub fn for_process(self) -> &'static Cached {
        Box::leak(Box::new(self))
    }
}

/// A handle on [`Cached`] that serves requests.
#[derive(Clone, Copy)]
pub struct Held<P>(P);

impl<P> tower::Service<Request> for Held<P>
where
    P: std::ops::Deref<Target = Cached> + Clone,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Answer {
        self.0.answer(req)
    }
}

/// Whether the cache may answer a request at all: GET or HEAD, and not
/// the static mirror's (its pages are rendered in mirror mode).
fn eligible(req: &Request) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD)
        && req
            .extensions()
            .get::<crate::mirror::MirrorRequest>()
            .is_none()
}

/// No live entry: render (one request per address at a time), and keep
/// the answer if its handler allows.
async fn miss(app: Arc<AppState>, inner: axum::Router, req: Request) -> Response {
    use tower::ServiceExt as _;
    let pass = |req| async { inner.clone().oneshot(req).await.into_response() };
    let Some(entries) = app.pages.entries.as_ref() else {
        return pass(req).await;
    };
    // A HEAD request that missed is answered without keeping anything.
    if req.method() != Method::GET || !eligible(&req) {
        return pass(req).await;
    }
    let Some(key) = req.uri().path_and_query().map(|p| p.as_str().to_owned()) else {
        return pass(req).await;
    };
    let generation = app.store.changes().generation();
    let now = app.now();
    let coding = Coding::accepted(req.headers());
    // A kept entry may be stale (rendered before a change that came while
    // it was made); it is dropped and the address asked again, a few times
    // at most while content keeps changing.
    for _ in 0..3 {
        match entries.get_value_or_guard_async(key.as_str()).await {
            Ok(entry) if entry.holds(generation, now) => {
                return entry.respond(coding, req.headers(), false);
            }
            Ok(_) => {
                entries.remove(key.as_str());
            }
            Err(guard) => {
                // The stamp is read before rendering, so a change during
                // the render leaves the entry stale, never wrongly fresh.
                let Ok(memo) = app.memo(now).await else {
                    return pass(req).await;
                };
                let until = memo
                    .until()
                    .map_or(next_midnight(now), |u| u.min(next_midnight(now)));
                let headers = req.headers().clone();
                let cookie = crate::headers::path_lang(&app, req.uri().path())
                    .and_then(|l| Some((l, crate::headers::lang_cookie(&app, l)?)));
                let res = pass(req).await;
                if res.status() != StatusCode::OK || res.extensions().get::<Keep>().is_none() {
                    return res;
                }
                let (parts, body) = res.into_parts();
                // A body of unknown or too large a size is sent on as it
                // is, never kept.
                let size = axum::body::HttpBody::size_hint(&body).exact();
                if size.is_none_or(|n| n > MAX_BODY as u64) {
                    return Response::from_parts(parts, body);
                }
                let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                };
                let entry = Arc::new(Entry::make(
                    memo.generation(),
                    memo.from(),
                    until,
                    parts.status,
                    parts.headers,
                    body,
                    cookie,
                ));
                let _ = guard.insert(entry.clone());
                return entry.respond(coding, &headers, false);
            }
        }
    }
    pass(req).await
}

impl Entry {
    fn make(
        generation: u64,
        from: Timestamp,
        until: Timestamp,
        status: StatusCode,
        mut headers: HeaderMap,
        body: Bytes,
        cookie: Option<(sitrep_core::Lang, HeaderValue)>,
    ) -> Entry {
        let digest = Sha256::digest(&body);
        let tag = digest[..16]
            .iter()
            .fold(String::with_capacity(32), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            });
        headers.remove(header::SET_COOKIE);
        headers.remove(header::CONTENT_LENGTH);
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        let plain_len = body.len();
        let form = |suffix: &str, coding: Option<&'static str>, body: Bytes| {
            let mut headers = headers.clone();
            if let Ok(v) = HeaderValue::from_str(&format!("\"{tag}{suffix}\"")) {
                headers.insert(header::ETAG, v);
            }
            if let Some(coding) = coding {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            }
            let len = if coding.is_none() {
                plain_len
            } else {
                body.len()
            };
            let mut repeated = HeaderMap::with_capacity(4);
            for name in UNCHANGED_HEADERS {
                if let Some(v) = headers.get(&name) {
                    repeated.insert(name, v.clone());
                }
            }
            Form {
                head: encode_head(status, &headers, Some(len)),
                unchanged: encode_head(StatusCode::NOT_MODIFIED, &repeated, None),
                body,
                headers,
            }
        };
        let (gzip, brotli) = if body.len() >= MIN_COMPRESS {
            (
                gzip(&body).map(|b| form("-gz", Some("gzip"), b)),
                brotli(&body).map(|b| form("-br", Some("br"), b)),
            )
        } else {
            (None, None)
        };
        let packed = plain_len >= PACKED_FROM && gzip.is_some();
        // A copy of exactly its length (a body rendered into a growing
        // String arrives with up to twice the room, which the cache would
        // hold without counting it), where the kernel can send it from.
        let body = if packed {
            Bytes::new()
        } else {
            crate::serving::keep(&body)
        };
        Entry {
            generation,
            from,
            until,
            status,
            identity: form("", None, body),
            gzip,
            brotli,
            packed,
            plain_len,
            tag,
            cookie,
        }
    }
}

pub(crate) fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::default(),
    );
    enc.write_all(body).ok()?;
    enc.finish().ok().map(|out| crate::serving::keep(&out))
}

pub(crate) fn brotli(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(body.len() / 3);
    // A window no longer than the body (but not under 2^18: smaller ones
    // switch the encoder to a much slower matcher) gives the same bytes as
    // the default 4 MB one and makes pages 25–35% sooner (8–150 KB pages
    // at quality 6: 0.7 → 0.5 ms, 1.5 → 1.2 ms, 4.5 → 3.5 ms).
    let fits = usize::BITS - body.len().saturating_sub(1).leading_zeros();
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        lgwin: fits.clamp(18, 22) as i32,
        size_hint: body.len(),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    Some(crate::serving::keep(&out))
}

/// The first second of the next UTC day.
fn next_midnight(now: Timestamp) -> Timestamp {
    (now.div_euclid(86_400) + 1) * 86_400
}

impl Coding {
    /// The best coding `Accept-Encoding` allows: brotli, then gzip.
    pub(crate) fn accepted(headers: &(impl Asking + ?Sized)) -> Coding {
        let mut best = Coding::Identity;
        for value in headers.values(&header::ACCEPT_ENCODING) {
            let Some(value) = visible(value) else {
                continue;
            };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                if name.eq_ignore_ascii_case("br") {
                    best = Coding::Brotli;
                } else if name.eq_ignore_ascii_case("gzip") && best == Coding::Identity {
                    best = Coding::Gzip;
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        Coding::accepted(&h)
    }

    #[test]
    fn codings_follow_accept_encoding_and_its_refusals() {
        assert_eq!(Coding::accepted(&HeaderMap::new()), Coding::Identity);
        assert_eq!(accept("gzip, deflate"), Coding::Gzip);
        assert_eq!(accept("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(accept("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(accept("GZIP"), Coding::Gzip);
        assert_eq!(accept("gzip;q=0"), Coding::Identity);
        assert_eq!(accept("identity, *;q=0"), Coding::Identity);
        assert_eq!(accept("x-gzip-not, ;;;, q=1"), Coding::Identity);
    }

    #[test]
    fn an_entry_answers_each_coding_with_its_own_tag_and_its_bytes() {
        let body = Bytes::from("<p>Прывітанне, свет</p>".repeat(100));
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let e = Entry::make(3, 10, 20, StatusCode::OK, headers, body.clone(), None);
        assert!(e.holds(3, 10) && e.holds(3, 19));
        assert!(!e.holds(4, 10) && !e.holds(3, 20) && !e.holds(3, 9));
        let tags: Vec<_> = [Coding::Identity, Coding::Gzip, Coding::Brotli]
            .iter()
            .map(|c| e.form(*c).headers[header::ETAG].clone())
            .collect();
        assert_eq!(tags[0].to_str().unwrap(), format!("\"{}\"", e.tag));
        assert_ne!(tags[0], tags[1]);
        assert_ne!(tags[1], tags[2]);
        let mut unzipped = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&e.gzip.as_ref().unwrap().body[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped.as_bytes(), &body[..]);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &e.brotli.as_ref().unwrap().body[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, &body[..]);
        for t in &tags {
            assert!(e.matches(t.as_bytes()));
        }
        assert!(e.matches(b"\"x\", W/\"nope\", *"));
        assert!(!e.matches(b"\"nope\""));
        let almost = HeaderValue::from_str(&format!("\"{}-zz\"", e.tag)).unwrap();
        assert!(!e.matches(almost.as_bytes()));
        assert_eq!(next_midnight(86_400 * 3 + 5), 86_400 * 4);
        assert_eq!(next_midnight(86_400 * 3), 86_400 * 4);
    }

    #[test]
    fn brotli_windows_fit_bodies_of_every_size() {
        // Sizes around the smallest window (2^18) and beyond the largest
        // (2^22), with matches from far back.
        let mut state = 7u64;
        let noise: Vec<u8> = (0..(5 << 20))
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                b'a' + (state >> 59) as u8
            })
            .collect();
        for len in [0, 1, 300, (1 << 18) - 1, (1 << 18) + 1, 3 << 20, 5 << 20] {
            let body: Vec<u8> = noise[..len / 2]
                .iter()
                .chain(&noise[..len - len / 2])
                .copied()
                .collect();
            let packed = brotli(&body).unwrap();
            let mut back = Vec::new();
            brotli::BrotliDecompress(&mut &packed[..], &mut back).unwrap();
            assert_eq!(back, body, "{len} bytes");
        }
    }

    async fn bytes_of(res: Response) -> Bytes {
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_large_body_is_kept_compressed_and_inflated_for_who_takes_no_coding() {
        // Varied lines, as a sitemap's, so that it compresses like one.
        let body: String = (0..40_000)
            .map(|i| format!("<url><loc>https://example.org/en/commentaries/n-{i}/</loc></url>\n"))
            .collect();
        assert!(body.len() >= PACKED_FROM);
        let body = Bytes::from(body);
        let e = Entry::make(
            1,
            0,
            9,
            StatusCode::OK,
            HeaderMap::new(),
            body.clone(),
            None,
        );
        assert!(e.packed && e.identity.body.is_empty());
        assert!(e.size() < body.len() / 4, "kept {} bytes", e.size());
        let none = HeaderMap::new();
        let plain = e.respond(Coding::Identity, &none, false);
        assert_eq!(
            plain.headers()[header::ETAG].to_str().unwrap(),
            format!("\"{}\"", e.tag)
        );
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(bytes_of(plain).await, body);
        let head = e.respond(Coding::Identity, &none, true);
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            body.len().to_string().as_str()
        );
        assert!(bytes_of(head).await.is_empty());
        let zipped = e.respond(Coding::Gzip, &none, false);
        assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(bytes_of(zipped).await, e.gzip.as_ref().unwrap().body);
        let head = e.respond(Coding::Brotli, &none, true);
        let br_len = e.brotli.as_ref().unwrap().body.len();
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            br_len.to_string().as_str()
        );
        // A page-sized body keeps its plain form, exactly as long as it is.
        let small = Entry::make(
            1,
            0,
            9,
            StatusCode::OK,
            HeaderMap::new(),
            body.slice(..20_000),
            None,
        );
        assert!(!small.packed && small.identity.body.len() == 20_000);
    }
}
