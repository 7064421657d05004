//! The serving threads' connections: kept pages answered by our own small
//! HTTP/1.1 loop, everything else by hyper.
//!
//! A reader's GET of a kept page needs little of HTTP: a request line, a
//! few headers to read, and a prepared head and body to write. hyper does
//! it correctly for every request, and pays for that on each one: on 2
//! cores, a bare axum handler returning a 17 KB body from memory served
//! 0.91–1.0 times nginx's rate, and a loop parsing with `httparse` and
//! writing a prepared answer 1.18 times, with a p99 of 1.5–1.8 ms against
//! hyper's 6.6–7.8 ms (wrk, 64 connections, measured side by side).
//!
//! So each connection starts here. A request that arrives whole, is a GET
//! or HEAD of HTTP/1.1 with no body and nothing asking for more than
//! keep-alive, and has a live entry in the page cache, is answered from
//! the entry's pre-encoded head ([`crate::cache::Cached::reply`]: the same
//! decision as the cache's answer through hyper). At the first request
//! that is anything else (a miss, a form, a partial or malformed request,
//! HTTP/1.0, `Connection: close`), the connection and the bytes read so
//! far go to hyper for the rest of its life, where every rule and limit
//! of the router applies. A connection never serves a request both ways.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::sync::Notify;

use crate::cache::Cached;
use crate::serving::Stream;

/// A connection with no request under way is closed after this long
/// (nginx's `keepalive_timeout` is 75 s).
const IDLE: Duration = Duration::from_secs(75);
/// How long hyper waits for a request's head once it has the connection.
const HEAD_WAIT: Duration = Duration::from_secs(30);
/// Headers a request answered here may have; more go to hyper.
const MAX_HEADERS: usize = 48;
/// Room for requests read at once (pipelined ones included).
const READ_ROOM: usize = 8 << 10;

/// Serves one listener until `stop` completes, then lets the connections
/// finish the request each has under way (idle ones close at once) and
/// returns when all have.
pub async fn serve(
    listener: tokio::net::TcpListener,
    site: &'static Cached,
    stop: impl Future<Output = ()>,
) {
    let closing = Arc::new(Closing::default());
    let mut live = tokio::task::JoinSet::new();
    let mut stop = pin!(stop);
    loop {
        tokio::select! {
            biased;
            () = &mut stop => break,
            Some(ended) = live.join_next(), if !live.is_empty() => {
                if let Err(e) = ended {
                    tracing::error!("a connection's task failed: {e}");
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    // Responses go out whole; Nagle's delay would only hold
                    // back their tail.
                    let _ = tcp.set_nodelay(true);
                    let io = crate::serving::stream(tcp);
                    live.spawn(connection(io, peer, site, closing.clone()));
                }
                // A connection reset before it was taken is that client's
                // affair; anything else (out of descriptors, mostly) passes
                // with time, so wait a little rather than spin.
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
                Err(e) => {
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            },
        }
    }
    closing.flag.store(true, Ordering::Release);
    closing.notify.notify_waiters();
    while live.join_next().await.is_some() {}
}

/// The stop, as the connections of one thread see it.
#[derive(Default)]
struct Closing {
    flag: AtomicBool,
    notify: Notify,
}

impl Closing {
    fn closed(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
}

/// What to do with the requests read so far.
enum Next {
    /// All answered; read more.
    Read,
    /// Hand the connection to hyper from this byte of the buffer on.
    HandOver(usize),
}

async fn connection(io: Stream, peer: SocketAddr, site: &'static Cached, closing: Arc<Closing>) {
    if let Some((io, read)) = kept_pages(io, site, &closing).await {
        hand_over(io, read, peer, site, closing).await;
    }
}

/// Answers the connection's requests while the cache can; at the first
/// it cannot, gives back the connection and what was read of it.
async fn kept_pages(mut io: Stream, site: &Cached, closing: &Closing) -> Option<(Stream, Vec<u8>)> {
    let mut buf = Vec::with_capacity(READ_ROOM);
    let mut tail = Vec::with_capacity(256);
    let idle = tokio::time::sleep(IDLE);
    let mut idle = pin!(idle);
    let stopped = closing.notify.notified();
    let mut stopped = pin!(stopped);
    stopped.as_mut().enable();
    loop {
        if closing.closed() {
            return None;
        }
        buf.clear();
        let read = tokio::select! {
            biased;
            read = io.read_buf(&mut buf) => read,
            () = &mut stopped => return None,
            () = &mut idle => return None,
        };
        match read {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        match answer(site, &buf, &mut tail, &mut io).await {
            Ok(Next::Read) => {}
            Ok(Next::HandOver(from)) => {
                buf.drain(..from);
                return Some((io, buf));
            }
            Err(_) => return None,
        }
        // The flush is where the thread may let others run (see
        // `serving::turn_taken`).
        io.flush().await.ok()?;
        // Pushed back at most once a second: moving a timer has a cost.
        let now = tokio::time::Instant::now();
        if idle.deadline() < now + IDLE - Duration::from_secs(1) {
            idle.as_mut().reset(now + IDLE);
        }
    }
}

/// Answers the whole requests at the start of `buf` that the cache can.
/// Each response is written as it stands in the cache, with no copy:
/// its head, a few bytes made here (`tail`: the date, the cookie, the
/// blank line) and its body, in one vectored write.
async fn answer(
    site: &Cached,
    buf: &[u8],
    tail: &mut Vec<u8>,
    io: &mut Stream,
) -> io::Result<Next> {
    let mut at = 0;
    while at < buf.len() {
        let Some((used, reply)) = kept(site, &buf[at..]) else {
            return Ok(Next::HandOver(at));
        };
        tail.clear();
        tail.extend_from_slice(b"date: ");
        date(|d| tail.extend_from_slice(d));
        tail.extend_from_slice(b"\r\n");
        if let Some(cookie) = reply.cookie() {
            tail.extend_from_slice(b"set-cookie: ");
            tail.extend_from_slice(cookie);
            tail.extend_from_slice(b"\r\n");
        }
        tail.extend_from_slice(b"\r\n");
        send(io, [reply.head(), tail, reply.body()]).await?;
        at += used;
    }
    Ok(Next::Read)
}

/// The cache's answer to the request at the start of `bytes` and the
/// request's length, when the request is whole and one answered here.
fn kept(site: &Cached, bytes: &[u8]) -> Option<(usize, crate::cache::Reply)> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(used) = req.parse(bytes).ok()? else {
        return None;
    };
    let head = match req.method? {
        "GET" => false,
        "HEAD" => true,
        _ => return None,
    };
    let target = req.path?;
    if req.version? != 1 || !target.starts_with('/') {
        return None;
    }
    let plain = req.headers.iter().all(|h| {
        let name = h.name;
        if name.eq_ignore_ascii_case("connection") {
            crate::cache::visible(h.value)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("keep-alive"))
        } else {
            !["content-length", "transfer-encoding", "expect", "upgrade"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n))
        }
    });
    if !plain {
        return None;
    }
    site.reply(head, target, req.headers)
        .map(|reply| (used, reply))
}

/// Writes `parts` whole, in order. A body kept in the page cache's file
/// goes out from there (see `serving::Stream`).
async fn send(io: &mut Stream, mut parts: [&[u8]; 3]) -> io::Result<()> {
    while parts.iter().any(|p| !p.is_empty()) {
        let mut n = io.write_vectored(&parts.map(IoSlice::new)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        for part in &mut parts {
            let done = n.min(part.len());
            *part = &part[done..];
            n -= done;
        }
    }
    Ok(())
}

/// Calls `f` with the current date as HTTP writes it, made once a second
/// on each thread.
fn date(f: impl FnOnce(&[u8])) {
    use std::cell::RefCell;
    use std::time::{SystemTime, UNIX_EPOCH};
    thread_local! {
        static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    DATE.with_borrow_mut(|(at, text)| {
        if *at != second {
            *at = second;
            *text = httpdate::fmt_http_date(now);
        }
        f(text.as_bytes());
    });
}

/// Serves the rest of a connection with hyper, starting with `read` (bytes
/// already taken from it).
async fn hand_over(
    io: Stream,
    read: Vec<u8>,
    peer: SocketAddr,
    site: &'static Cached,
    closing: Arc<Closing>,
) {
    let io = hyper_util::rt::TokioIo::new(Rewind { read, at: 0, io });
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut req = req.map(axum::body::Body::new);
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        site.answer(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEAD_WAIT);
    let conn = builder.serve_connection(io, service).with_upgrades();
    let mut conn = pin!(conn);
    let stopped = closing.notify.notified();
    let mut stopped = pin!(stopped);
    stopped.as_mut().enable();
    if closing.closed() {
        conn.as_mut().graceful_shutdown();
    }
    let ended = tokio::select! {
        ended = conn.as_mut() => ended,
        () = stopped => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!("connection from {peer} ended: {e}");
    }
}

/// A connection with bytes already read from it put back in front.
struct Rewind {
    read: Vec<u8>,
    at: usize,
    io: Stream,
}

impl AsyncRead for Rewind {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.at < this.read.len() {
            let n = buf.remaining().min(this.read.len() - this.at);
            buf.put_slice(&this.read[this.at..this.at + n]);
            this.at += n;
            if this.at == this.read.len() {
                this.read = Vec::new();
                this.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
