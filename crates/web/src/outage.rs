//! While PostgreSQL is away, requests are refused at once with a 503
//! instead of each waiting out the pool's three seconds for a connection.
//!
//! The first requests to find the database unreachable wait that long and
//! say so: their responses carry [`Away`], which this guard notes. From
//! then on every request that would need the database is refused at once,
//! except one every few seconds (the probe), which goes through: when it
//! meets no unreachable database, the node is back to normal. Kept pages (answered by the cache in front of
//! this) and the static files never reach this guard.
//!
//! Only PostgreSQL is watched: an SQLite file cannot go away, and its
//! pool's waits mean a busy node, which refusing would not help.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

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

/// How long after the database was last found unreachable requests are
/// refused before the next probe.
const REFUSE_MS: u64 = 1_000;
/// How long a probe holds the gate: longer than it can wait for a
/// connection, so a second probe never overlaps the first.
const PROBE_MS: u64 = 5_000;

pub struct Outage {
    watched: bool,
    epoch: Instant,
    /// Milliseconds since `epoch` (plus one) until which requests are
    /// refused; 0 while the database is reachable.
    refuse_until: AtomicU64,
    /// How many responses have found the database unreachable.
    notices: AtomicU64,
}

/// What the gate says to one request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Admit {
    Go,
    /// Goes through as the probe, begun when `notices` stood at this.
    Probe(u64),
    Refuse,
}

impl Outage {
    pub fn new(backend: Backend) -> Outage {
        Outage {
            watched: backend == Backend::Postgres,
            epoch: Instant::now(),
            refuse_until: AtomicU64::new(0),
            notices: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - PROBE_MS) + 1
    }

    /// Records that a request could not reach the database: this starts
    /// (or prolongs) the outage.
    fn noticed(&self) {
        if !self.watched {
            return;
        }
        self.notices.fetch_add(1, Ordering::AcqRel);
        self.refuse_until
            .fetch_max(self.now() + REFUSE_MS, Ordering::AcqRel);
    }

    /// Whether the node currently takes the database to be away.
    #[cfg(test)]
    fn is_away(&self) -> bool {
        self.refuse_until.load(Ordering::Acquire) != 0
    }

    fn admit(&self) -> Admit {
        let until = self.refuse_until.load(Ordering::Acquire);
        if until == 0 {
            return Admit::Go;
        }
        let now = self.now();
        if now < until {
            return Admit::Refuse;
        }
        let notices = self.notices.load(Ordering::Acquire);
        match self.refuse_until.compare_exchange(
            until,
            now + PROBE_MS,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => Admit::Probe(notices),
            Err(_) => Admit::Refuse,
        }
    }

    /// After the probe: back to normal when nothing found the database
    /// away meanwhile, else the next probe in a moment.
    fn probed(&self, notices_before: u64) {
        let next = if self.notices.load(Ordering::Acquire) == notices_before {
            0
        } else {
            self.now() + REFUSE_MS
        };
        self.refuse_until.store(next, Ordering::Release);
        if next == 0 {
            tracing::info!("the database is reachable again");
        }
    }
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
    if admitted != Admit::Refuse && response.extensions().get::<Away>().is_some() {
        app.outage.noticed();
    }
    if let Admit::Probe(started) = admitted {
        app.outage.probed(started);
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
    fn one_probe_at_a_time_and_back_when_it_finds_the_database() {
        let o = Outage::new(Backend::Postgres);
        assert_eq!(o.admit(), Admit::Go);
        o.noticed();
        assert!(o.is_away());
        assert_eq!(o.admit(), Admit::Refuse);
        // Once the refusal window is over, one request probes.
        o.refuse_until.store(1, Ordering::Release);
        let Admit::Probe(started) = o.admit() else {
            panic!("no probe")
        };
        assert_eq!(o.admit(), Admit::Refuse);
        o.probed(started);
        assert!(!o.is_away());
        assert_eq!(o.admit(), Admit::Go);
    }

    #[test]
    fn a_failed_probe_keeps_refusing() {
        let o = Outage::new(Backend::Postgres);
        o.noticed();
        o.refuse_until.store(1, Ordering::Release);
        let Admit::Probe(started) = o.admit() else {
            panic!("no probe")
        };
        o.noticed();
        o.probed(started);
        assert!(o.is_away());
        assert_eq!(o.admit(), Admit::Refuse);
    }

    #[test]
    fn sqlite_is_not_watched() {
        let o = Outage::new(Backend::Sqlite);
        o.noticed();
        assert_eq!(o.admit(), Admit::Go);
    }
}
