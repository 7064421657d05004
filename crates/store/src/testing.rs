//! Fresh databases for tests, on the backend the environment names.
//!
//! Without `SITREP_TEST_DATABASE_URL` each test gets an SQLite file in its
//! own temporary folder. With it (`postgres://USER@HOST/ANY`), each test gets
//! its own new database on that server, so tests run in parallel; databases
//! left by test processes that have ended are dropped the next time.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Result, Store};

/// The environment variable naming a PostgreSQL server for the tests.
pub const TEST_DATABASE_URL: &str = "SITREP_TEST_DATABASE_URL";

const PREFIX: &str = "sitrep_t_";

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pub store: Store,
    folder: Option<PathBuf>,
}

impl TestDb {
    /// A new, migrated, empty database on the backend the environment names.
    pub async fn new() -> Result<TestDb> {
        let server = std::env::var(TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.is_empty());
        TestDb::create(server).await
    }

    /// A new, migrated, empty SQLite database, whatever the environment says.
    pub async fn sqlite() -> Result<TestDb> {
        TestDb::create(None).await
    }

    async fn create(server: Option<String>) -> Result<TestDb> {
        sqlx::any::install_default_drivers();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let unique = format!("{}_{n}_{nanos}", std::process::id());
        let (url, folder) = match server {
            Some(server) => (
                create_postgres_database(&server, &format!("{PREFIX}{unique}")).await?,
                None,
            ),
            None => {
                let folder = std::env::temp_dir().join(format!("sitrep-test-{unique}"));
                std::fs::create_dir_all(&folder)
                    .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                (
                    format!("sqlite://{}?mode=rwc", folder.join("sitrep.db").display()),
                    Some(folder),
                )
            }
        };
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(TestDb { url, store, folder })
    }

    /// Another handle on an existing test database (it is cleaned up by
    /// its first owner).
    pub fn attach(url: &str, store: Store) -> TestDb {
        TestDb {
            url: url.to_owned(),
            store,
            folder: None,
        }
    }

    /// Which backend the tests run on, for messages.
    pub fn backend_name() -> &'static str {
        if std::env::var(TEST_DATABASE_URL).is_ok_and(|u| !u.is_empty()) {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(folder) = &self.folder {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// `postgres://u@h:p/x?o` with the database part replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{database}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn create_postgres_database(server: &str, name: &str) -> Result<String> {
    use sqlx::Connection;
    let admin_url = with_database(server, "postgres");
    let mut admin = sqlx::AnyConnection::connect(&admin_url)
        .await
        .map_err(|e| crate::StoreError::Connect {
            url: crate::redact(&admin_url),
            reason: e.to_string(),
        })?;
    // Databases of test processes that have ended.
    let stale: Vec<String> =
        sqlx::query_scalar("SELECT datname::TEXT FROM pg_database WHERE datname LIKE 'sitrep_t_%'")
            .fetch_all(&mut admin)
            .await?;
    for db in stale {
        let pid = db
            .trim_start_matches(PREFIX)
            .split('_')
            .next()
            .unwrap_or("");
        let alive = !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !alive && is_plain_name(&db) {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await;
        }
    }
    if !is_plain_name(name) {
        return Err(crate::StoreError::Corrupt(format!(
            "bad test database name {name}"
        )));
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    Ok(with_database(server, name))
}

fn is_plain_name(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_part_of_a_url_is_replaced() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1/sitrep_test", "x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h:5433?sslmode=disable", "y"),
            "postgres://u:p@h:5433/y?sslmode=disable"
        );
    }
}
