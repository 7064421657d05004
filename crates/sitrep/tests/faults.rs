//! Faults the operator does not choose: `sitrep serve` killed outright in
//! the middle of a stream of saves. Every save it acknowledged is there
//! after a restart, and the database checks out.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::hidden;
use common::process::{BinSite, Server};
use serde_json::{Value, json};

/// One request on its own connection: (status, headers, body); status 0
/// when the server went away before answering in full.
fn call(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new(), String::new());
    };
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    if s.write_all(req.as_bytes()).is_err() {
        return (0, String::new(), String::new());
    }
    let mut out = Vec::new();
    if s.read_to_end(&mut out).is_err() {
        return (0, String::new(), String::new());
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return (0, String::new(), String::new());
    };
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    // A body cut short is no acknowledgement.
    let length = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length:")
            .and_then(|v| v.trim().parse::<usize>().ok())
    });
    if length.is_some_and(|n| n != body.len()) {
        return (0, String::new(), String::new());
    }
    (status, head.to_owned(), body.to_owned())
}

/// Signs the demo editor in through the forms and makes an API token.
fn editor_token(port: u16) -> String {
    let origin = format!("http://127.0.0.1:{port}");
    let form = [
        ("Origin", origin.as_str()),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let (status, head, _) = call(
        port,
        "POST",
        "/workspace/login",
        &form,
        "email=editor%40varesia.example&password=varesia-demo",
    );
    assert!((300..400).contains(&status), "login: {status} {head}");
    let cookie = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, v)| {
            n.eq_ignore_ascii_case("set-cookie") && v.trim().starts_with("sitrep_staff=")
        })
        .map(|(_, v)| v.trim().split(';').next().unwrap().to_owned())
        .expect("a session cookie");
    let (_, _, account) = call(
        port,
        "GET",
        "/workspace/account",
        &[("Cookie", &cookie)],
        "",
    );
    let csrf = hidden(&account, "csrf").expect("a CSRF token");
    let mut with_cookie = form.to_vec();
    with_cookie.push(("Cookie", &cookie));
    let (status, _, page) = call(
        port,
        "POST",
        "/workspace/api/tokens",
        &with_cookie,
        &format!("csrf={csrf}&name=faults&role=editor"),
    );
    assert_eq!(status, 200, "{page}");
    let start = page.find("value=\"sitrep_").expect("the token") + 7;
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_owned()
}

fn api(port: u16, token: &str, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let (status, _, text) = call(port, method, path, &headers, &body);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The demo editor's API token and a new edition for the week starting
/// `week_start`: (token, the edition's number).
fn editor_and_edition(port: u16, week_start: &str) -> (String, i64) {
    let token = editor_token(port);
    let (status, edition) = api(
        port,
        &token,
        "POST",
        "/api/v1/editions",
        &json!({ "week_start": week_start }),
    );
    assert_eq!(status, 201, "{edition}");
    (token, edition["number"].as_i64().unwrap())
}

/// A commentary as the write API's desk shows it: (status, JSON).
fn desk(port: u16, token: &str, id: i64) -> (u16, Value) {
    let path = format!("/api/v1/desk/commentaries/{id}");
    api(port, token, "GET", &path, &Value::Null)
}

/// Asserts that the site's SQLite file passes `PRAGMA integrity_check`.
fn assert_intact(site: &BinSite) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let facts = rt
        .block_on(sitrep_store::Store::check_backup(
            &site.data().join("sitrep.db"),
        ))
        .expect("the database passes PRAGMA integrity_check");
    assert!(facts.editions > 0);
}

/// What the server acknowledged: commentary id → (revision, body).
type Acked = Arc<Mutex<Vec<(i64, i64, String)>>>;

#[test]
fn every_acknowledged_save_survives_a_kill_and_the_database_checks_out() {
    let site = BinSite::new();
    let first = Server::start(&site, &["demo"]);
    let port = first.port();
    let (token, number) = editor_and_edition(port, "2027-03-01");

    // Two writers: each starts commentaries and saves new revisions of
    // them as fast as the server takes them, noting what it acknowledged.
    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (acked, stop, token) = (acked.clone(), stop.clone(), token.clone());
            std::thread::spawn(move || {
                let mut mine: Vec<(i64, i64)> = Vec::new();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let text = format!("Writer {w}, save {n}: a paragraph that must not be lost.");
                    if n % 3 == 1 || mine.is_empty() {
                        let new = json!({
                            "edition": number, "trend": "economy", "assessment": "unchanged",
                            "lang": "en", "slug": format!("kill-{w}-{n}"),
                            "title": format!("Save {n} of writer {w}"), "body": text,
                        });
                        let (status, c) = api(port, &token, "POST", "/api/v1/commentaries", &new);
                        if status == 201 {
                            let id = c["id"].as_i64().unwrap();
                            mine.push((id, 1));
                            acked.lock().unwrap().push((id, 1, text));
                        } else if status == 0 {
                            break;
                        }
                    } else {
                        let (id, revision) = mine[n % mine.len()];
                        let edit = json!({
                            "revision": revision, "slug": format!("kill-{w}-{id}"),
                            "title": format!("Commentary {id}"), "body": text,
                        });
                        let path = format!("/api/v1/commentaries/{id}/versions/en");
                        let (status, c) = api(port, &token, "PUT", &path, &edit);
                        if status == 200 {
                            let revision = c["versions"][0]["revision"].as_i64().unwrap();
                            let i = n % mine.len();
                            mine[i].1 = revision;
                            acked.lock().unwrap().push((id, revision, text));
                        } else if status == 0 {
                            break;
                        }
                    }
                }
            })
        })
        .collect();
    // Let saves pile up, then kill the server without warning.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while acked.lock().unwrap().len() < 60 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut first = first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 20,
        "only {} saves before the kill",
        acked.len()
    );
    let edits = acked.iter().filter(|(_, r, _)| *r > 1).count();
    assert!(edits > 0, "no new revisions among {} saves", acked.len());
    eprintln!(
        "{} saves acknowledged before the kill, {edits} of them new revisions",
        acked.len()
    );

    // Restarted on the same data: the last acknowledged save of each
    // commentary is there, at that revision or a later one (a save may
    // have been written and the answer lost with the process).
    let second = Server::start(&site, &["serve"]);
    let port = second.port();
    let token = token.clone();
    let mut last: std::collections::BTreeMap<i64, (i64, String)> = Default::default();
    for (id, revision, text) in &acked {
        let e = last.entry(*id).or_insert((0, String::new()));
        if *revision >= e.0 {
            *e = (*revision, text.clone());
        }
    }
    for (id, (revision, text)) in &last {
        let (status, c) = desk(port, &token, *id);
        assert_eq!(status, 200, "commentary {id} is gone: {c}");
        let v = &c["versions"][0];
        let got = v["revision"].as_i64().unwrap();
        assert!(
            got >= *revision,
            "commentary {id}: revision {got}, acknowledged {revision}"
        );
        if got == *revision {
            assert_eq!(
                v["body_markdown"].as_str(),
                Some(text.as_str()),
                "commentary {id}"
            );
        }
    }
    drop(second);
    if site.database_url.is_none() {
        assert_intact(&site);
    }
}

/// A small tmpfs mounted on a folder for the life of the value.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    /// `None` where mounting is not allowed (not root, or in a container
    /// without the capability): the caller skips and says so.
    fn mount(at: &std::path::Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_that_loses_nothing() {
    let site = BinSite::new();
    if site.database_url.is_some() {
        eprintln!("skipped: the data folder's disk holds no database on PostgreSQL");
        return;
    }
    let Some(_mounted) = Tmpfs::mount(&site.data(), "8m") else {
        eprintln!("skipped: cannot mount a tmpfs here (the test needs root, as in CI)");
        return;
    };
    let server = Server::start(&site, &["demo"]);
    let port = server.port();
    let (token, number) = editor_and_edition(port, "2027-05-03");
    let save = |n: usize| {
        let new = json!({
            "edition": number, "trend": "economy", "assessment": "unchanged",
            "lang": "en", "slug": format!("full-{n}"), "title": format!("Save {n}"),
            "body": format!("{n} ").repeat(6000),
        });
        let (status, c) = api(port, &token, "POST", "/api/v1/commentaries", &new);
        (status, c["id"].as_i64(), c)
    };
    let mut acked = Vec::new();
    let (status, id, c) = save(0);
    assert_eq!(status, 201, "{c}");
    acked.push(id.unwrap());

    // The disk fills up: a file takes every byte left.
    let filler = site.data().join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 << 10];
        while f.write_all(&chunk).is_ok() {}
        let mut last = vec![0u8; 1];
        while f.write_all(&last).is_ok() {
            last.push(0);
        }
    }
    let mut refused = 0;
    for n in 1..40 {
        let (status, id, c) = save(n);
        match status {
            201 => acked.push(id.unwrap()),
            503 => {
                refused += 1;
                let message = c["error"]["message"].as_str().unwrap_or("");
                assert!(message.contains("try again later"), "{c}");
            }
            // A 404 here was a save acknowledged and then not found: see
            // `after_release` in the store.
            other => panic!("save {n} on a full disk: {other} {c}"),
        }
    }
    assert!(refused > 0, "no save was refused on a full disk");
    // Readers are still served.
    let (status, _, _) = call(port, "GET", "/en/", &[], "");
    assert_eq!(status, 200);

    // Room again: saves go through, with no restart.
    std::fs::remove_file(&filler).unwrap();
    let (status, id, c) = save(100);
    assert_eq!(status, 201, "after the disk was freed: {c}");
    acked.push(id.unwrap());
    for id in &acked {
        let (status, c) = desk(port, &token, *id);
        assert_eq!(status, 200, "commentary {id}: {c}");
    }
    drop(server);
    assert_intact(&site);
    eprintln!(
        "{} saves refused on the full disk, {} acknowledged in all",
        refused,
        acked.len()
    );
}
