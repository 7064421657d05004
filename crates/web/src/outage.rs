//! While PostgreSQL is away, requests are refused at once with a 503
//! instead of each waiting out the pool's three seconds for a connection.
//!
//! The first requests to find the database unreachable wait that long and
//! say so: their responses carry [`Away`], which shuts this gate. From
//! then on every request that would need the database is refused at once,
//! and one task (the check) opens a fresh connection, outside the pool,
//! every half second; the first that succeeds opens the gate again. No
//! request is let through to find out: a page that happened not to need
//! the database would open the gate on a database still down, and one that
//! needs it would wait out the pool. Kept pages (answered by the cache in
//! front of this) and the static files never reach this guard.
//!
//! Only PostgreSQL is watched: an SQLite file cannot go away, and its
//! pool's waits mean a busy node, which refusing would not help.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sitrep_store::Backend;

/// Marks a response given because the database could not be reached.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Away;

/// Marks `response` with [`Away`] when it was given because the database
/// could not be reached (`StoreError::is_unreachable`,
/// `PageError::is_database_away`); every handler that answers a store
/// error passes through here.
pub(crate) fn mark(response: &mut Response, away: bool) {
    if away {
        response.extensions_mut().insert(Away);
    }
}

use crate::{AppState, PageError};

/// How long the check waits between tries.
const CHECK_EVERY: Duration = Duration::from_millis(500);
/// How long one try may take: a host that drops packets never refuses.
const CHECK_WITHIN: Duration = Duration::from_secs(2);

pub struct Outage {
    watched: bool,
    /// The gate's state in one word: how many times it has opened (the
    /// period), shifted left by one, and the low bit set while it is
    /// shut. A request carries the period it was let through in; what it
    /// finds counts only in that period. A render that waited out the pool
    /// can end, failed, after the database is back and the gate open
    /// again, and must not shut it on that stale news.
    state: AtomicU64,
}

const SHUT: u64 = 1;

/// What the gate says to one request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Admit {
    /// Goes through, in this period.
    Go(u64),
    Refuse,
}

impl Outage {
    pub fn new(backend: Backend) -> Outage {
        Outage {
            watched: backend == Backend::Postgres,
            state: AtomicU64::new(0),
        }
    }

    fn admit(&self) -> Admit {
        let state = self.state.load(Ordering::Acquire);
        if state & SHUT != 0 {
            Admit::Refuse
        } else {
            Admit::Go(state >> 1)
        }
    }

    /// Records that a request let through in `period` could not reach the
    /// database. Returns whether this shut the gate, which the caller then
    /// follows with a check: the one that shuts it starts the only check.
    fn noticed(&self, period: u64) -> bool {
        self.watched
            && self
                .state
                .compare_exchange(
                    period << 1,
                    period << 1 | SHUT,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }

    /// Opens the gate after a check found the database, for a new period.
    fn reopen(&self) {
        let state = self.state.load(Ordering::Acquire);
        debug_assert!(state & SHUT != 0);
        self.state.store(((state >> 1) + 1) << 1, Ordering::Release);
    }

    /// Whether the node currently takes the database to be away.
    #[cfg(test)]
    fn is_away(&self) -> bool {
        self.state.load(Ordering::Acquire) & SHUT != 0
    }
}

/// The check, run by whoever shut the gate: a fresh connection every half
/// second until one succeeds, then the gate opens.
async fn check(app: Arc<AppState>) {
    tracing::warn!("the database cannot be reached; refusing what needs it until it answers");
    loop {
        if app.store.reachable(CHECK_WITHIN).await {
            break;
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
    app.outage.reopen();
    tracing::info!("the database is reachable again");
}

/// The gate, as a layer over every route.
pub(crate) async fn guard(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/static/") {
        return next.run(req).await;
    }
    let admitted = app.outage.admit();
    let mut response = if admitted == Admit::Refuse {
        refuse(&app, req.uri().path()).await
    } else {
        next.run(req).await
    };
    // Every 503 says when to come back, whichever handler gave it: this is
    // the one place that says so.
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static("5"));
    }
    // A refusal is marked too; only what was let through found anything.
    if let Admit::Go(period) = admitted
        && response.extensions().get::<Away>().is_some()
        && app.outage.noticed(period)
    {
        tokio::spawn(check(app.clone()));
    }
    response
}

/// The 503 a refused request gets: JSON for the APIs, else the site's
/// "back in a moment" page in the language the address names.
async fn refuse(app: &AppState, path: &str) -> Response {
    if path.starts_with("/api/") || path.contains("/ghost/api/") {
        return crate::api::failed(PageError::DatabaseAway);
    }
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let lang = crate::pages::site_lang(app, first).unwrap_or_else(|| app.default_lang());
    crate::pages::error_page(app, lang, PageError::DatabaseAway).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shut_by_the_first_notice_and_open_in_a_new_period() {
        let o = Outage::new(Backend::Postgres);
        assert_eq!(o.admit(), Admit::Go(0));
        // Of several requests that found the database away, only the first
        // shuts the gate (and starts the one check).
        assert!(o.noticed(0));
        assert!(!o.noticed(0));
        assert!(o.is_away());
        assert_eq!(o.admit(), Admit::Refuse);
        o.reopen();
        assert!(!o.is_away());
        assert_eq!(o.admit(), Admit::Go(1));
    }

    #[test]
    fn news_from_an_earlier_period_does_not_shut_the_gate() {
        let o = Outage::new(Backend::Postgres);
        // A request let through before the outage is still waiting for
        // the database when the gate shuts and opens again.
        let Admit::Go(early) = o.admit() else {
            panic!("refused")
        };
        assert!(o.noticed(early));
        o.reopen();
        // It then ends, failed: stale.
        assert!(!o.noticed(early));
        assert!(!o.is_away());
        // What a request let through now finds still counts.
        let Admit::Go(now) = o.admit() else {
            panic!("refused")
        };
        assert!(o.noticed(now));
        assert!(o.is_away());
    }

    #[test]
    fn sqlite_is_not_watched() {
        let o = Outage::new(Backend::Sqlite);
        assert!(!o.noticed(0));
        assert_eq!(o.admit(), Admit::Go(0));
    }
}
