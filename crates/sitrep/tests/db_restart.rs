//! PostgreSQL restarted under a running node carrying load (readers on
//! every kind of page, sign-ups): the node answers 503 quickly while the
//! database is away and recovers by itself, losing nothing committed.
//!
//! The test starts a private PostgreSQL server (initdb + pg_ctl, as the
//! `postgres` user when run as root) so that it can stop and start it. It
//! runs in the PostgreSQL pass of the suite (SITREP_TEST_DATABASE_URL set);
//! without the server binaries it says so and passes, unless
//! SITREP_REQUIRE_TOOLS=1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::process::{Server, http_get, http_post, sitrep};

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

/// Where the database was when a request was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Up,
    Down,
    Restarting,
    Recovered,
}

/// One answer the load saw.
#[derive(Debug)]
struct Seen {
    /// Where the database was when the request was sent, and when its
    /// answer came.
    phase: Phase,
    ended: Phase,
    path: String,
    status: u16,
    retry_after: bool,
    took: Duration,
    /// For a refusal: whether the page (an error page, or a form shown
    /// again) says to come back soon.
    back_soon: bool,
}

/// Pages of every kind, most of them not kept by the node when the
/// database goes away (only the editions list is read before).
const PATHS: &[&str] = &[
    "/en/editions/",
    "/en/trends/",
    "/be/editions/2/",
    "/ru/barometer",
    "/en/search?q=economy",
    "/en/forecasts/",
    "/api/v1/commentaries?per_page=5",
    "/en/track-record/",
];

/// The load: `readers` threads going round `PATHS` with fresh query
/// strings (so nothing is answered from the node's cache after the first
/// round), and one subscriber every few hundred milliseconds, until `stop`.
fn load(
    port: u16,
    phase: &Arc<Mutex<Phase>>,
    stop: &Arc<AtomicBool>,
    readers: usize,
) -> Vec<std::thread::JoinHandle<Vec<Seen>>> {
    let mut handles = Vec::new();
    for reader in 0..=readers {
        let (phase, stop) = (phase.clone(), stop.clone());
        handles.push(std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                if reader == readers {
                    // Sign-ups, under the limit of 20 an hour per network.
                    std::thread::sleep(Duration::from_millis(1_200));
                }
                let at = *phase.lock().unwrap();
                let start = Instant::now();
                let (path, (status, answer)) = if reader == readers {
                    let path = "/en/subscribe".to_owned();
                    let body = format!("email=load{n}%40example.org&lang=en");
                    (path.clone(), http_post(port, &path, &body))
                } else {
                    let base = PATHS[n % PATHS.len()];
                    let sep = if base.contains('?') { '&' } else { '?' };
                    let path = format!("{base}{sep}r{reader}={n}");
                    (path.clone(), http_get(port, &path, ""))
                };
                seen.push(Seen {
                    phase: at,
                    path,
                    status,
                    retry_after: answer
                        .to_ascii_lowercase()
                        .contains("\r\nretry-after: 5\r\n"),
                    took: start.elapsed(),
                    ended: *phase.lock().unwrap(),
                    back_soon: answer.contains("Please try again in a few seconds."),
                });
            }
            seen
        }));
    }
    handles
}

/// Longer than the pool waits for a connection (3 s), shorter than any
/// client would wait.
const FAIL_FAST: Duration = Duration::from_secs(5);

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

    let phase = Arc::new(Mutex::new(Phase::Up));
    let stop = Arc::new(AtomicBool::new(false));
    let readers = load(node.port(), &phase, &stop, 4);
    let set = |p: Phase| *phase.lock().unwrap() = p;
    std::thread::sleep(Duration::from_secs(2));

    set(Phase::Down);
    db.stop();
    std::thread::sleep(Duration::from_secs(8));

    set(Phase::Restarting);
    db.start();
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let (status, page) = http_get(node.port(), "/en/trends/", "");
        if status == 200 {
            break page;
        }
        assert!(
            Instant::now() < deadline,
            "the node did not recover: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(after);
    set(Phase::Recovered);
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    let seen: Vec<Seen> = readers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();

    // Requests sent and answered wholly before the outage or wholly after
    // recovery: everything answered, nothing refused.
    let steady = |s: &Seen| s.phase == s.ended && matches!(s.phase, Phase::Up | Phase::Recovered);
    let bad: Vec<&Seen> = seen
        .iter()
        .filter(|s| steady(s) && s.status != 200)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // Any that met the outage: a page (kept, or read before the node
    // noticed) or a 503 that says when to come back, in the page's
    // language, and that comes fast: within the pool's wait for a
    // connection, never a hang.
    let met: Vec<&Seen> = seen.iter().filter(|s| !steady(s)).collect();
    let refused: Vec<&Seen> = met.iter().copied().filter(|s| s.status == 503).collect();
    let mut waits: Vec<Duration> = refused.iter().map(|s| s.took).collect();
    waits.sort();
    eprintln!(
        "{} requests met the outage, {} refused; waits: median {:?}, slowest {:?}; {} answered after recovery",
        met.len(),
        refused.len(),
        waits.get(waits.len() / 2).copied().unwrap_or_default(),
        waits.last().copied().unwrap_or_default(),
        seen.iter().filter(|s| s.phase == Phase::Recovered).count(),
    );
    assert!(refused.len() >= 20, "the load barely reached the database");
    for s in &met {
        assert!(s.status == 200 || s.status == 503, "{s:?}");
        assert!(s.took < FAIL_FAST, "not failing fast: {s:?}");
    }
    for s in &refused {
        assert!(s.retry_after, "{s:?}");
        assert!(s.back_soon || !s.path.starts_with("/en/"), "{s:?}");
    }

    // Everything committed before the restart is still there.
    let (status, after) = http_get(node.port(), "/en/editions/", "");
    assert_eq!(status, 200);
    let body = |p: &str| p.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    assert_eq!(body(&before), body(&after));
}
