//! `Store::reachable`, which the outage gate's check relies on: it must
//! open a fresh connection, so that it tells a database that refuses new
//! connections from one whose pool still holds old ones.

use std::time::{Duration, Instant};

use sitrep_store::testing::{TestDb, with_database};
use sqlx::{Connection, Executor};

#[tokio::test]
async fn a_fresh_connection_finds_the_database_and_a_refusal_is_seen_at_once() {
    let db = TestDb::new().await.unwrap();
    assert!(db.store.reachable(Duration::from_secs(2)).await);
    if TestDb::backend_name() != "PostgreSQL" {
        return;
    }
    // The pool keeps its connection; new ones are refused.
    let name = db.url.rsplit('/').next().unwrap().to_owned();
    let mut admin = sqlx::AnyConnection::connect(&with_database(&db.url, "postgres"))
        .await
        .unwrap();
    let allow =
        |on: bool| sqlx::AssertSqlSafe(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {on}"));
    admin.execute(allow(false)).await.unwrap();
    let start = Instant::now();
    let found = db.store.reachable(Duration::from_secs(2)).await;
    let took = start.elapsed();
    admin.execute(allow(true)).await.unwrap();
    assert!(!found);
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(db.store.reachable(Duration::from_secs(2)).await);
}
