//! Running the real `sitrep` binary as a child process.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn sitrep() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitrep"));
    // The tests' own environment must not leak settings into the child.
    for (key, _) in std::env::vars() {
        if key.starts_with("SITREP_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("SITREP_LOG", "warn");
    cmd
}

/// A site for the binary: a data folder and, when the tests run on
/// PostgreSQL, a fresh database of its own. `cmd()` points `sitrep` at it
/// through the environment, as an operator might.
pub struct BinSite {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
}

impl BinSite {
    pub fn new() -> BinSite {
        let database_url = std::env::var(sitrep_store::testing::TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.is_empty())
            .map(|_| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let db = sitrep_store::testing::TestDb::new()
                        .await
                        .expect("a test database");
                    db.store.close().await;
                    db.url.clone()
                })
            });
        BinSite {
            dir: tempfile::tempdir().unwrap(),
            database_url,
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The site's database URL, as the binary finds it.
    pub fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data().join("sitrep.db").display()
            )
        })
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = sitrep();
        cmd.env("SITREP_DATA", self.data());
        if let Some(url) = &self.database_url {
            cmd.env("SITREP_DATABASE_URL", url);
        }
        cmd
    }
}

/// A `sitrep demo` or `sitrep serve` child, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub stdout_head: String,
}

impl Server {
    /// Starts `sitrep <args>` with `--listen 127.0.0.1:0` on a fresh test
    /// database and waits for the line that gives its address.
    pub fn start(site: &BinSite, args: &[&str]) -> Server {
        Server::spawn(site.cmd().args(args))
    }

    /// Starts a prepared `sitrep serve` or `sitrep demo` command.
    // The child moves into `Server`, whose `Drop` kills and reaps it.
    #[allow(clippy::zombie_processes)]
    pub fn spawn(cmd: &mut Command) -> Server {
        let mut child = cmd
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sitrep starts");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut head = String::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).unwrap_or(0);
            if n == 0 || Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("sitrep exited before serving: {head}");
            }
            head.push_str(&line);
            if let Some(rest) = line.split("running at ").nth(1) {
                let base = rest
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_owned();
                // Keep draining stdout so the child never blocks on a full pipe.
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut reader, &mut std::io::sink());
                });
                return Server {
                    child,
                    base,
                    stdout_head: head,
                };
            }
        }
    }

    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET over TCP: (status, headers and body as text).
pub fn http_get(port: u16, path: &str, extra: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read response");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// A form POST over TCP: (status, whole response).
pub fn http_post(port: u16, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read response");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// Reads one response off a kept-alive connection: (head, body); with
/// `head_request` (a HEAD, or a request answered 304), no body is read.
pub fn read_response(s: &mut TcpStream, head_request: bool) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).expect("a response head");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .or(head_request.then_some(0))
        .expect("a length");
    let mut body = vec![0; if head_request { 0 } else { len }];
    s.read_exact(&mut body).expect("the whole body");
    (head, body)
}
