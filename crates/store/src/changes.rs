//! How a node learns that content changed, so it can drop what it cached.
//!
//! Every write transaction bumps a local generation counter when it
//! commits. Other processes learn of it through the database itself:
//! on PostgreSQL by `LISTEN`/`NOTIFY` on [`CHANNEL`] (the notification is
//! sent inside the writing transaction, so it arrives only if the write
//! commits); on SQLite, where several processes can share one file (a
//! server and an import run, say), by polling the `content_version`
//! counter that the same transactions move. Bookkeeping commits
//! ([`crate::Writer::commit_bookkeeping`]) and writes outside a `Writer`
//! do neither. No other service is involved.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::Connection;

use crate::Backend;

/// The PostgreSQL notification channel for content changes.
pub const CHANNEL: &str = "sitrep_changes";

/// How often an SQLite node looks for commits by other processes.
const SQLITE_POLL: Duration = Duration::from_millis(250);

/// A counter that moves whenever content may have changed.
#[derive(Clone, Default)]
pub struct Changes {
    generation: Arc<AtomicU64>,
}

impl Changes {
    /// The current generation: anything cached under another is stale.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn bump(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

/// Follows other processes' writes until the process ends.
pub(crate) fn spawn_watcher(url: String, backend: Backend, changes: Changes) {
    tokio::spawn(async move {
        match backend {
            Backend::Postgres => listen_postgres(&url, &changes).await,
            Backend::Sqlite => watch_sqlite(&url, &changes).await,
        }
    });
}

async fn listen_postgres(url: &str, changes: &Changes) {
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect(url).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "cannot listen for changes; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // Whatever happened while we were not listening is unknown.
        changes.bump();
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => changes.bump(),
                // The connection dropped; `try_recv` reconnects next time.
                Ok(None) => {
                    tracing::warn!("lost the change notifications; reconnecting");
                    changes.bump();
                }
                Err(e) => {
                    tracing::warn!(error = %e, "change notifications failed; reconnecting");
                    changes.bump();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

async fn watch_sqlite(url: &str, changes: &Changes) {
    let mut last: Option<i64> = None;
    let mut conn: Option<sqlx::AnyConnection> = None;
    loop {
        if conn.is_none() {
            conn = sqlx::AnyConnection::connect(url).await.ok();
        }
        if let Some(c) = conn.as_mut() {
            match sqlx::query_scalar::<_, i64>("SELECT n FROM content_version")
                .fetch_one(c)
                .await
            {
                Ok(v) => {
                    // The first reading is the baseline; whatever happened
                    // before it (while this node was starting) counts as a
                    // change, as after a lost PostgreSQL connection.
                    if last != Some(v) {
                        changes.bump();
                    }
                    last = Some(v);
                }
                Err(_) => {
                    conn = None;
                    last = None;
                }
            }
        }
        tokio::time::sleep(SQLITE_POLL).await;
    }
}
