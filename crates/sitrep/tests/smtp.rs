//! Mail through a real SMTP server on loopback (Python's aiosmtpd, writing
//! a maildir), read back with Python's own MIME parser.
//!
//! Needs python3 with aiosmtpd; where it is missing the test says so and
//! passes, unless SITREP_REQUIRE_TOOLS=1 (as `.ci/run` sets).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{BinSite, Server};

struct SmtpServer {
    child: Child,
    maildir: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_smtp() -> Option<SmtpServer> {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "python3 with aiosmtpd is missing"
        );
        eprintln!(
            "SKIPPED the SMTP test: python3 with aiosmtpd is not installed (pip install aiosmtpd)"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("aiosmtpd starts");
    let server = SmtpServer {
        child,
        maildir,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(server)
}

/// The delivered messages so far, as Python's email package reads them.
fn messages(maildir: &Path) -> Vec<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/mail/check_message.py");
    let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|f| {
            let out = Command::new("python3")
                .arg(&script)
                .arg(f)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

/// Waits for the first delivered message.
fn first_message(maildir: &Path) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(m) = messages(maildir).into_iter().next() {
            return m;
        }
        assert!(Instant::now() < deadline, "nothing arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_confirmation_reaches_a_real_smtp_server_intact() {
    let Some(smtp) = start_smtp() else { return };
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut cmd = site.cmd();
    cmd.env("SITREP_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port))
        .env(
            "SITREP_MAIL_FROM",
            "Сітуацыя ў Варэсіі <news@varesia.example>",
        )
        .arg("serve");
    let server = Server::spawn(&mut cmd);
    let body = "email=reader%40example.org&lang=be&website=";
    let (status, answer) = common::process::http_post(server.port(), "/be/subscribe", body);
    assert_eq!(status, 200, "{answer}");

    let m = first_message(&smtp.maildir);
    assert_eq!(
        m["subject"], "Пацвердзіце падпіску на «Сітуацыя ў Варэсіі»",
        "{m}"
    );
    assert_eq!(
        m["from"], "Сітуацыя ў Варэсіі <news@varesia.example>",
        "{m}"
    );
    assert_eq!(m["to"], "reader@example.org");
    assert!(m["message_id"].as_str().unwrap().starts_with('<'), "{m}");
    assert!(!m["date"].as_str().unwrap().is_empty());
    assert_eq!(m["content_type"], "multipart/alternative");
    assert_eq!(m["defects"].as_array().unwrap().len(), 0, "{m}");
    let text = m["text"].as_str().unwrap();
    let html = m["html"].as_str().unwrap();
    assert!(text.contains("Пацвердзіць падпіску"), "{text}");
    // The link is absolute, to this server, and works.
    let prefix = format!("http://127.0.0.1:{}/be/subscribe/confirm?t=", server.port());
    assert!(text.contains(&prefix) && html.contains(&prefix), "{text}");
    let link = text[text.find(&prefix).unwrap()..]
        .split_whitespace()
        .next()
        .unwrap();
    let path = link.trim_start_matches(&format!("http://127.0.0.1:{}", server.port()));
    let (status, page) = common::process::http_get(server.port(), path, "");
    assert_eq!(status, 200);
    assert!(page.contains("Вы паспяхова падпісаліся"), "{page}");
}

#[test]
fn sitrep_send_delivers_an_edition_once_to_each_reader_with_list_headers() {
    let Some(smtp) = start_smtp() else { return };
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    // Readers, written straight into the site's database.
    let url = site.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            site.data().join("sitrep.db").display()
        )
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = sitrep_store::Store::connect(&url).await.unwrap();
        let mut w = store.writer().await.unwrap();
        for i in 0..7 {
            let langs = [sitrep_core::Lang::parse(if i % 2 == 0 { "be" } else { "ru" }).unwrap()];
            let id = w
                .add_subscriber(&format!("r{i}@example.org"), &langs, "test", 0)
                .await
                .unwrap();
            w.set_subscriber(id, sitrep_store::SubscriberStatus::Active, None, 0)
                .await
                .unwrap();
        }
        w.commit().await.unwrap();
        store.close().await;
    });
    let send = |smtp_port: u16| {
        site.cmd()
            .env("SITREP_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
            .env(
                "SITREP_MAIL_FROM",
                "Situation in Varesia <news@varesia.example>",
            )
            .env("SITREP_PUBLIC_URL", "https://briefing.example.org")
            .args(["send", "4"])
            .output()
            .unwrap()
    };
    let out = send(smtp.port);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("7 sent, 0 failed, of 7"), "{stdout}");
    // Sending again sends nothing more.
    let again = send(smtp.port);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("sent before"),
        "{again:?}"
    );
    let all = messages(&smtp.maildir);
    assert_eq!(all.len(), 7);
    let m = all.iter().find(|m| m["to"] == "r0@example.org").unwrap();
    assert_eq!(
        m["subject"], "Сітуацыя ў Варэсіі: 16–22 лістапада 2026",
        "{m}"
    );
    assert_eq!(m["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    assert!(
        m["list_unsubscribe"]
            .as_str()
            .unwrap()
            .starts_with("<https://briefing.example.org/unsubscribe?t="),
        "{m}"
    );
    assert_eq!(m["list_id"], "<newsletter.briefing.example.org>");
    assert_eq!(m["defects"].as_array().unwrap().len(), 0);
    assert!(
        m["html"]
            .as_str()
            .unwrap()
            .contains("https://briefing.example.org/be/letter/"),
        "view in browser"
    );
    assert!(
        m["text"]
            .as_str()
            .unwrap()
            .contains("https://briefing.example.org/be/subscription?t="),
        "manage link"
    );
}

#[test]
fn a_node_killed_mid_send_resumes_and_sends_twice_only_what_was_in_flight() {
    let Some(smtp) = start_smtp() else { return };
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    const READERS: usize = 120;
    let url = site.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            site.data().join("sitrep.db").display()
        )
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = rt.block_on(async {
        let store = sitrep_store::Store::connect(&url).await.unwrap();
        let mut w = store.writer().await.unwrap();
        for i in 0..READERS {
            let langs = [sitrep_core::Lang::parse("en").unwrap()];
            let id = w
                .add_subscriber(&format!("k{i}@example.org"), &langs, "test", 0)
                .await
                .unwrap();
            w.set_subscriber(id, sitrep_store::SubscriberStatus::Active, None, 0)
                .await
                .unwrap();
        }
        // Only edition 4 is due by email.
        let now = jiff::Timestamp::now().as_second();
        for e in store.desk_editions().await.unwrap() {
            w.set_edition_times(e.id, (e.number == 4).then_some(now - 5), e.web_at)
                .await
                .unwrap();
        }
        w.commit().await.unwrap();
        store
    });
    let node = || {
        let mut cmd = site.cmd();
        cmd.env("SITREP_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port))
            .env(
                "SITREP_MAIL_FROM",
                "Situation in Varesia <news@varesia.example>",
            )
            .env("SITREP_DELIVERY_LEASE", "3")
            .env("SITREP_LOG", "warn")
            .arg("serve");
        cmd
    };
    let count = || {
        std::fs::read_dir(smtp.maildir.join("new"))
            .map(|d| d.count())
            .unwrap_or(0)
    };

    // The first node starts the send; kill it without warning part-way.
    let mut first = node();
    let mut server = Server::spawn(&mut first);
    let deadline = Instant::now() + Duration::from_secs(60);
    while count() < 25 {
        assert!(Instant::now() < deadline, "the send did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let at_kill = count();
    assert!(
        at_kill < READERS,
        "the send finished before the kill ({at_kill}); make it bigger"
    );

    // A new node resumes it once the dead node's claims run out.
    let mut second = node();
    let restarted = Server::spawn(&mut second);
    let deadline = Instant::now() + Duration::from_secs(90);
    let figures = loop {
        let f = rt.block_on(async {
            let send = store.send_of(4).await.unwrap().expect("a send");
            store.send_figures(send).await.unwrap()
        });
        if f.done() {
            break f;
        }
        assert!(Instant::now() < deadline, "the send never finished: {f:?}");
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(restarted);
    assert_eq!(
        (figures.sent, figures.failed),
        (READERS as i64, 0),
        "{figures:?}"
    );

    // Everyone got it; only what was in flight at the kill may come twice.
    let all = messages(&smtp.maildir);
    let mut per_reader = std::collections::HashMap::new();
    for m in &all {
        *per_reader
            .entry(m["to"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(per_reader.len(), READERS, "someone got nothing");
    let twice = all.len() - READERS;
    assert!(
        twice <= sitrep_web::newsletter::BATCH as usize,
        "{twice} duplicates, more than one batch in flight"
    );
    eprintln!(
        "killed after {at_kill} messages; {} delivered in all; {twice} sent twice",
        all.len()
    );
}
