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
mod migrate;
mod public;
mod write;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use catalog::{Assessment, Author, Catalog, Trend};
pub use public::{EditionRow, PageRow, Public, VersionRow};
pub use write::{NewCommentary, NewEdition, NewVersion, Writer};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://...")]
    UnsupportedUrl(String),
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
}

impl Store {
    /// Opens (creating if needed) an embedded SQLite database file in WAL mode.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Store::connect(&url).await
    }

    /// Connects to the database a URL names (`sqlite:` or `postgres:`).
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let options =
            AnyConnectOptions::from_str(url)?.log_statements(tracing::log::LevelFilter::Trace);
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
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
            .connect_with(options)
            .await?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(&self.pool, self.backend).await
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
        Ok(Writer::new(self.pool.begin().await?))
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
