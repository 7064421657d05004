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
/// How long a probe holds the gate: longer than it waits for one
/// connection. A probe whose render waits out the pool for several queries
/// can outlast it; the next probe then goes through, and only the newer
/// one's finding counts (see `Outage::probes`).
const PROBE_MS: u64 = 5_000;

pub struct Outage {
    watched: bool,
    epoch: Instant,
    /// Milliseconds since `epoch` (plus one) until which requests are
    /// refused; 0 while the database is reachable.
    refuse_until: AtomicU64,
    /// How many responses have found the database unreachable.
    notices: AtomicU64,
    /// How many probes have begun. A request carries the count it was let
    /// through at, and what it finds counts only while no later probe has
    /// begun: a render that waited out the pool for several queries can
    /// end, failed, after the database is back and a newer probe has found
    /// it, and must not shut the gate again on that stale news.
    probes: AtomicU64,
}

/// What the gate says to one request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Admit {
    /// Goes through, after this many probes.
    Go(u64),
    /// Goes through as the probe with this number, begun when `notices`
    /// stood at `notices`.
    Probe {
        notices: u64,
        probe: u64,
    },
    Refuse,
}

impl Admit {
    /// The probes begun when the request went through.
    fn probes(self) -> Option<u64> {
        match self {
            Admit::Go(probes) => Some(probes),
            Admit::Probe { probe, .. } => Some(probe),
            Admit::Refuse => None,
        }
    }
}

impl Outage {
    pub fn new(backend: Backend) -> Outage {
        Outage {
            watched: backend == Backend::Postgres,
            epoch: Instant::now(),
            refuse_until: AtomicU64::new(0),
            notices: AtomicU64::new(0),
            probes: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - PROBE_MS) + 1
    }

    /// Records that a request let through after `probes` probes could
    /// not reach the database: this starts (or prolongs) the outage, unless
    /// a later probe has begun since.
    fn noticed(&self, probes: u64) {
        if !self.watched || probes < self.probes.load(Ordering::Acquire) {
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
            return Admit::Go(self.probes.load(Ordering::Acquire));
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
            Ok(_) => Admit::Probe {
                notices,
                probe: self.probes.fetch_add(1, Ordering::AcqRel) + 1,
            },
            Err(_) => Admit::Refuse,
        }
    }

    /// After probe number `probe`: back to normal when nothing found the
    /// database away meanwhile, else the next probe in a moment; nothing
    /// when a later probe has begun (this one outlasted its hold on the
    /// gate), which decides instead.
    fn probed(&self, notices_before: u64, probe: u64) {
        if probe != self.probes.load(Ordering::Acquire) {
            return;
        }
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
    if let Some(probes) = admitted.probes()
        && response.extensions().get::<Away>().is_some()
    {
        app.outage.noticed(probes);
    }
    if let Admit::Probe { notices, probe } = admitted {
        app.outage.probed(notices, probe);
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

    /// The next probe, once the refusal window is over.
    fn probe(o: &Outage) -> (u64, u64) {
        o.refuse_until.store(1, Ordering::Release);
        let Admit::Probe { notices, probe } = o.admit() else {
            panic!("no probe")
        };
        (notices, probe)
    }

    #[test]
    fn one_probe_at_a_time_and_back_when_it_finds_the_database() {
        let o = Outage::new(Backend::Postgres);
        assert_eq!(o.admit(), Admit::Go(0));
        o.noticed(0);
        assert!(o.is_away());
        assert_eq!(o.admit(), Admit::Refuse);
        let (notices, n) = probe(&o);
        assert_eq!(o.admit(), Admit::Refuse);
        o.probed(notices, n);
        assert!(!o.is_away());
        assert_eq!(o.admit(), Admit::Go(1));
    }

    #[test]
    fn a_failed_probe_keeps_refusing() {
        let o = Outage::new(Backend::Postgres);
        o.noticed(0);
        let (notices, n) = probe(&o);
        o.noticed(n);
        o.probed(notices, n);
        assert!(o.is_away());
        assert_eq!(o.admit(), Admit::Refuse);
    }

    #[test]
    fn news_older_than_the_latest_probe_does_not_shut_the_gate() {
        let o = Outage::new(Backend::Postgres);
        // A request let through before the outage, and a first probe that
        // outlasts its hold on the gate, still waiting for the database.
        let early = o.admit();
        o.noticed(0);
        let (first_notices, first) = probe(&o);
        // A second probe finds the database back.
        let (notices, second) = probe(&o);
        o.probed(notices, second);
        assert!(!o.is_away());
        // The first probe and the early request then end, failed: stale.
        o.noticed(first);
        o.probed(first_notices, first);
        o.noticed(early.probes().unwrap());
        assert!(!o.is_away());
        assert_eq!(o.admit(), Admit::Go(second));
        // What a request let through now finds still counts.
        o.noticed(second);
        assert!(o.is_away());
    }

    #[test]
    fn sqlite_is_not_watched() {
        let o = Outage::new(Backend::Sqlite);
        o.noticed(0);
        assert_eq!(o.admit(), Admit::Go(0));
    }
}
