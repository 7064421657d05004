//! PostgreSQL restarted under a running node: the node answers 503 while
//! the database is away and recovers by itself, losing nothing committed.
//!
//! The test starts a private PostgreSQL server (initdb + pg_ctl, as the
//! `postgres` user when run as root) so that it can stop and start it. It
//! runs in the PostgreSQL pass of the suite (SITREP_TEST_DATABASE_URL set);
//! without the server binaries it says so and passes, unless
//! SITREP_REQUIRE_TOOLS=1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{Server, http_get, sitrep};

fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// Runs a PostgreSQL tool, as `postgres` when we are root (the server
/// refuses to run as root).
fn pg(bin: &Path, tool: &str, args: &[&str]) -> std::process::Output {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut cmd = if is_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    };
    cmd.args(args).output().expect("PostgreSQL tool runs")
}

struct PrivateServer {
    bin: PathBuf,
    data: String,
    _dir: tempfile::TempDir,
    port: u16,
}

impl PrivateServer {
    fn new(bin: PathBuf) -> PrivateServer {
        let dir = tempfile::tempdir().unwrap();
        let _ = Command::new("chown")
            .arg("postgres")
            .arg(dir.path())
            .status();
        let data = dir.path().join("data").display().to_string();
        let out = pg(
            &bin,
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "--no-sync"],
        );
        assert!(out.status.success(), "initdb: {out:?}");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = PrivateServer {
            bin,
            data,
            _dir: dir,
            port,
        };
        server.start();
        server
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            Path::new(&self.data).parent().unwrap().display()
        );
        let log = format!("{}/../log", self.data);
        let out = pg(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data, "-o", &opts, "-l", &log, "-w", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {out:?} {:?}",
            std::fs::read_to_string(&log)
        );
    }

    fn stop(&self) {
        let out = pg(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data, "-m", "fast", "-w", "stop"],
        );
        assert!(out.status.success(), "pg_ctl stop: {out:?}");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = pg(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data, "-m", "immediate", "stop"],
        );
    }
}

#[test]
fn a_node_rides_out_a_database_restart() {
    if std::env::var(sitrep_store::testing::TEST_DATABASE_URL).is_err() {
        eprintln!(
            "SKIPPED the database restart test: it runs in the PostgreSQL pass (SITREP_TEST_DATABASE_URL)"
        );
        return;
    }
    let Some(bin) = pg_bin() else {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "PostgreSQL server binaries are missing"
        );
        eprintln!("SKIPPED the database restart test: no /usr/lib/postgresql/*/bin/pg_ctl");
        return;
    };
    let db = PrivateServer::new(bin);
    let data = tempfile::tempdir().unwrap();
    let with_db = |cmd: &mut Command| {
        cmd.env("SITREP_DATABASE_URL", db.url())
            .env("SITREP_DATA", data.path());
    };
    let mut demo = sitrep();
    with_db(&mut demo);
    let out = demo.args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");

    let mut serve = sitrep();
    with_db(&mut serve);
    let node = Server::spawn(serve.arg("serve"));
    let (status, before) = http_get(node.port(), "/en/editions/", "");
    assert_eq!(status, 200);

    db.stop();
    // An address the node has not kept (a kept page may still be served
    // until the node notices the lost connection: nothing can change
    // while the database is away).
    let (status, page) = http_get(node.port(), "/en/trends/", "");
    assert_eq!(status, 503, "{page}");
    let lower = page.to_ascii_lowercase();
    assert!(lower.contains("retry-after: 5"), "{page}");
    assert!(page.contains("Back in a moment"), "{page}");

    db.start();
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let (status, page) = http_get(node.port(), "/en/editions/", "");
        if status == 200 {
            break page;
        }
        assert!(
            Instant::now() < deadline,
            "the node did not recover: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // Everything committed before the restart is still there.
    let body = |p: &str| p.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    assert_eq!(body(&before), body(&after));
}
