//! Storage of the site's content, behind one interface for both backends.
//!
//! Architecture invariants:
//! - This is the only crate that speaks SQL. The SQL is written once, in the
//!   dialect SQLite and PostgreSQL share (`$1` placeholders, `RETURNING`,
//!   BIGINT seconds for times, ISO text for days), and runs through sqlx's
//!   `Any` driver on whichever backend the URL names.
//! - Public surfaces read content only through [`Public`], whose every query
//!   carries the one visibility rule ([`visible!`]): a version is public when
//!   it is published, its publication time has come, and its edition is out
//!   on the web. Nothing else in the workspace can see a draft.

mod catalog;
mod changes;
mod copy;
mod deliveries;
mod desk;
mod forecasts;
mod indexing;
mod lists;
mod media;
mod migrate;
mod public;
mod requests;
mod staff;
mod subscribers;
pub mod testing;
mod tokens;
mod webhooks;
mod write;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use catalog::{Assessment, Author, Catalog, Likelihood, Trend};
pub use changes::{CHANNEL, Changes};
pub use copy::{BackupFacts, Cell, CopyProgress, Snapshot, TableShape, export_shapes};
pub use deliveries::{Claimed, Outcome, Reported, SendCurve, SendFigures};
pub use desk::{DeskCommentary, DeskEdition, DeskVersion, Revision, SaveOutcome, VersionEdit};
pub use forecasts::{ForecastSet, Statement, StatementEdit};
pub use indexing::IndexRow;
pub use lists::{DeskPage, DeskPageVersion, NamedList};
pub use media::Media;
pub use migrate::schema_version;
pub use public::{
    EditionRow, MarkRow, Only, PageRow, Public, VersionFilter, VersionOrder, VersionRow,
};
pub use requests::{AnalysisRequest, NewRequest, RequestEvent, RequestState};
pub use staff::{AuditEntry, NewUser, Session, User, normalize_email};
pub use subscribers::{OutboxMessage, Subscriber, SubscriberFilter, SubscriberStatus};
pub use tokens::{ApiToken, TokenHolder};
pub use webhooks::{Attempt, DueDelivery, EVENTS, Flip, Webhook, WebhookDelivery};
pub use write::{NewCommentary, NewEdition, NewVersion, Writer};

/// Ids for an `IN (…)` list, at most [`IN_LIST`] at a time. They are
/// integers, so they are written into the statement as such: nothing a
/// reader typed can reach it.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// How many ids one `IN (…)` list holds.
pub(crate) const IN_LIST: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0} is already taken")]
    Duplicate(String),
    #[error("the destination already has content; copy only into an empty database")]
    NotEmpty,
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: std::sync::Arc<str>,
    changes: Changes,
}

impl Store {
    /// Connects to the database a URL names (`sqlite:` or `postgres:`).
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let connect_error = |e: sqlx::Error| StoreError::Connect {
            url: redact(url),
            reason: describe_connect_error(&e),
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(connect_error)?
            .log_statements(tracing::log::LevelFilter::Trace);
        // One direct attempt first: the pool would retry until its timeout
        // and report only that, losing the reason (refused, auth, no such
        // database) that the operator needs.
        {
            use sqlx::Connection;
            let probe = sqlx::AnyConnection::connect_with(&options)
                .await
                .map_err(connect_error)?;
            let _ = probe.close().await;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // A database that is down makes requests fail fast (503), not hang.
            .acquire_timeout(Duration::from_secs(3))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed while one writer writes;
                        // NORMAL sync is durable across application crashes.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            // A connection must come back with no transaction open. When
            // SQLite meets a full disk it rolls the transaction back by
            // itself; sqlx's ROLLBACK then fails and its count of open
            // transactions stays at one, so the connection's next
            // transaction would open a savepoint, "commit" by releasing it,
            // and leave its writes uncommitted: a save acknowledged and
            // lost (the disk-full test in tests/faults.rs found this). Such
            // a connection is closed instead, which ends whatever it held.
            .after_release(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Connection;
                    if !conn.is_in_transaction() {
                        return Ok(true);
                    }
                    // A dropped transaction's rollback may still be queued.
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Store {
            pool,
            backend,
            url: url.into(),
            changes: Changes::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The change counter this node's caches follow.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Starts following writes made by other processes (other nodes on
    /// PostgreSQL, other commands on an SQLite file). Needs a Tokio runtime.
    pub fn watch_changes(&self) {
        changes::spawn_watcher(self.url.to_string(), self.backend, self.changes.clone());
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(&self.pool, self.backend, &self.url).await
    }

    /// The read side that public pages, feeds and the API use, as of `now`.
    pub fn public(&self, now: sitrep_core::Timestamp) -> Public<'_> {
        Public::new(&self.pool, now)
    }

    /// Trends, assessments and authors: the small reference lists every page uses.
    pub async fn catalog(&self) -> Result<Catalog> {
        catalog::load(&self.pool).await
    }

    /// Starts a write transaction.
    pub async fn writer(&self) -> Result<Writer> {
        // On SQLite a write transaction takes the write lock when it
        // begins. A deferred one that reads first and then writes cannot
        // wait for the lock (its snapshot may be stale): when another
        // connection or process (a `sitrep send` beside `serve`) had
        // written meanwhile, it failed at once with "database is locked"
        // (found by bench/soak.sh). Begun IMMEDIATE, it waits its turn,
        // up to the busy timeout.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Writer::new(tx, self.backend, self.changes.clone()))
    }

    /// Whether the database answers a fresh connection within `within`,
    /// outside the pool: a pool whose connections are all busy, or still
    /// dead from before a restart, says nothing about that.
    pub async fn reachable(&self, within: Duration) -> bool {
        use sqlx::Connection;
        let Ok(options) = AnyConnectOptions::from_str(&self.url) else {
            return false;
        };
        let check = async {
            let mut conn = sqlx::AnyConnection::connect_with(&options).await?;
            conn.ping().await?;
            conn.close().await
        };
        matches!(tokio::time::timeout(within, check).await, Ok(Ok(())))
    }

    /// Whether the site has any edition at all (published or not).
    pub async fn has_content(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM editions")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl StoreError {
    /// Whether the database could not be reached (down, restarting, pool
    /// exhausted) or had no room to write (a full disk), as opposed to a
    /// query that failed: the former is worth a 503 and a retry.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Sqlx(e) => {
                matches!(
                    e,
                    sqlx::Error::Io(_)
                        | sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::WorkerCrashed
                        | sqlx::Error::Tls(_)
                ) || matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")))
                    || self.is_full()
                    || self.is_busy()
            }
            StoreError::Connect { .. } => true,
            _ => false,
        }
    }

    /// Whether SQLite gave up waiting for another writer (SQLITE_BUSY and
    /// its extended codes, after the busy timeout).
    /// Whether the database could not be reached at all (down,
    /// restarting, no connection to be had), unlike a full disk or a busy
    /// SQLite file, which still answer.
    pub fn is_unreachable(&self) -> bool {
        self.is_unavailable() && !self.is_full() && !self.is_busy()
    }

    pub fn is_busy(&self) -> bool {
        let StoreError::Sqlx(sqlx::Error::Database(db)) = self else {
            return false;
        };
        // SQLite's codes are numbers under 10,000; PostgreSQL's, five
        // characters.
        db.code()
            .filter(|c| c.len() < 5)
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| c & 0xff == 5)
    }

    /// Whether the database refused a write for want of room: SQLite's
    /// SQLITE_FULL (13, which it reports for ENOSPC), PostgreSQL's
    /// `disk_full` (53100). The transaction was rolled back; nothing
    /// written before it is harmed.
    pub fn is_full(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(db))
            if db.code().is_some_and(|c| c == "13" || c == "53100"))
    }
}

/// A one-line reason a connection failed, naming what to check.
fn describe_connect_error(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "nothing accepts connections there (is the database server running, on that host and port?)".into()
        }
        sqlx::Error::Io(io) => format!("network error: {io} (check the host name and port)"),
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28P01") => "password authentication failed (check the user and password)".into(),
            Some("28000") => format!("the server refused the login: {}", db.message()),
            Some("3D000") => format!("{} (create it first, e.g. with createdb)", db.message()),
            _ => db.message().to_owned(),
        },
        sqlx::Error::PoolTimedOut => "timed out (is the host reachable?)".into(),
        sqlx::Error::Configuration(c) => format!("the URL is not valid: {c}"),
        other => other.to_string(),
    }
}

/// Hides a password in a database URL before it reaches a message or a log.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_leave_in_messages() {
        assert_eq!(
            super::redact("postgres://app:s3cret@db:5432/site"),
            "postgres://app:***@db:5432/site"
        );
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
