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

impl SmtpServer {
    /// Messages delivered so far.
    fn count(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new"))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Waits (a minute at most) until `n` messages have arrived.
    fn wait_for(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.count() < n {
            assert!(Instant::now() < deadline, "the send did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Makes edition 4 the only one due by email, as of now.
async fn only_edition_4_due(store: &sitrep_store::Store) {
    let now = jiff::Timestamp::now().as_second();
    let mut w = store.writer().await.unwrap();
    for e in store.desk_editions().await.unwrap() {
        w.set_edition_times(e.id, (e.number == 4).then_some(now - 5), e.web_at)
            .await
            .unwrap();
    }
    w.commit().await.unwrap();
}

fn tools_present() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd, dkim, nacl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "python3 with aiosmtpd, dkimpy and pynacl is missing"
        );
        eprintln!(
            "SKIPPED the SMTP test: python3 with aiosmtpd, dkimpy and pynacl is not installed (pip install aiosmtpd dkimpy pynacl)"
        );
    }
    ok
}

/// Our SMTP server (tests/mail/smtp_server.py) on a free port, with extra
/// options such as --cert/--key (STARTTLS) and --user/--password (AUTH).
fn start_server(options: &[&str]) -> Option<SmtpServer> {
    if !tools_present() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/mail/smtp_server.py");
    let child = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(&maildir)
        .args(options)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the SMTP server starts");
    let server = SmtpServer {
        child,
        maildir,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the SMTP server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(server)
}

fn start_smtp() -> Option<SmtpServer> {
    start_server(&[])
}

/// The delivered messages so far, as Python's email package reads them.
fn messages(maildir: &Path) -> Vec<serde_json::Value> {
    checked_messages(maildir, None)
}

/// The delivered messages, with their DKIM signature verified by dkimpy
/// against `record` (the TXT record's value).
fn checked_messages(maildir: &Path, record: Option<&str>) -> Vec<serde_json::Value> {
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
                .args(record)
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
fn an_analysis_request_is_acknowledged_and_announced_through_a_real_smtp_server() {
    let Some(smtp) = start_smtp() else { return };
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut cmd = site.cmd();
    cmd.env("SITREP_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port))
        .arg("serve");
    let server = Server::spawn(&mut cmd);
    let body = "name=Alena&email=alena%40example.org&organisation=&topic=economy\
                &question=Will+the+krona+fall%3F&lang=ru&website=";
    let (status, answer) = common::process::http_post(server.port(), "/en/request", body);
    assert_eq!(status, 200, "{answer}");
    // The acknowledgement, and a notice to each of the demo's editor and admin.
    smtp.wait_for(3);
    let all = messages(&smtp.maildir);
    assert_eq!(all.len(), 3, "{all:?}");
    for m in &all {
        assert_eq!(m["defects"].as_array().unwrap().len(), 0, "{m}");
        assert_eq!(m["content_type"], "multipart/alternative", "{m}");
    }
    let ack = all
        .iter()
        .find(|m| m["to"] == "alena@example.org")
        .expect("the acknowledgement");
    assert!(
        ack["subject"]
            .as_str()
            .unwrap()
            .starts_with("Мы получили ваш запрос"),
        "{ack}"
    );
    let mut staff: Vec<&str> = all
        .iter()
        .filter_map(|m| m["to"].as_str())
        .filter(|to| *to != "alena@example.org")
        .collect();
    staff.sort();
    assert_eq!(staff, ["admin@varesia.example", "editor@varesia.example"]);
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
    assert!(
        stdout.contains("7 sent, 0 failed (0 bounced), of 7"),
        "{stdout}"
    );
    // Sending again sends nothing more.
    let again = send(smtp.port);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("sent before"),
        "{again:?}"
    );
    let all = messages(&smtp.maildir);
    assert_eq!(all.len(), 7);
    let m = all.iter().find(|m| m["to"] == "r0@example.org").unwrap();
    // The demo dates its latest edition to the last full week before today.
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let end = sitrep::demo::last_full_week_end(today);
    let week = sitrep_i18n::DateFormats::new(sitrep_core::Lang::parse("be").unwrap())
        .unwrap()
        .range(end - jiff::ToSpan::days(6), end);
    assert_eq!(m["subject"], format!("Сітуацыя ў Варэсіі: {week}"), "{m}");
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
        w.commit().await.unwrap();
        only_edition_4_due(&store).await;
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
    let count = || smtp.count();

    // The first node starts the send; kill it without warning part-way.
    let mut first = node();
    let mut server = Server::spawn(&mut first);
    smtp.wait_for(25);
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

/// Runs `f` with a store open on the site's database.
fn with_store<T>(site: &BinSite, f: impl AsyncFnOnce(&sitrep_store::Store) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = sitrep_store::Store::connect(&site.url()).await.unwrap();
        let out = f(&store).await;
        store.close().await;
        out
    })
}

/// A demo site with readers imported through `sitrep subscribers import`.
fn site_with_readers(csv: &str) -> BinSite {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut cmd = site.cmd();
    cmd.args(["subscribers", "import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), csv.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    site
}

fn send_to(site: &BinSite, relay: &str, extra: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = site.cmd();
    cmd.env("SITREP_SMTP_URL", relay)
        .env(
            "SITREP_MAIL_FROM",
            "Situation in Varesia <news@varesia.example>",
        )
        .env("SITREP_PUBLIC_URL", "https://briefing.example.org");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.args(["send", "4"]).output().unwrap()
}

#[test]
fn dkim_signatures_verify_with_an_independent_implementation() {
    for algorithm in ["ed25519", "rsa"] {
        let Some(smtp) = start_smtp() else { return };
        let site = site_with_readers(
            "email,languages,consent\nr1@example.org,ru,asked at a conference 2026-10-01\nr2@example.org,en be,asked by letter\n",
        );
        let out = site
            .cmd()
            .args([
                "dkim",
                "generate",
                "--algorithm",
                algorithm,
                "--selector",
                "s2026",
                "--domain",
                "varesia.example",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            stdout.contains("s2026._domainkey.varesia.example"),
            "{stdout}"
        );
        let record = stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("Value: "))
            .expect("the record's value")
            .to_owned();
        assert!(record.contains(&format!("k={algorithm}")), "{record}");
        // A second key is not made by accident.
        let again = site
            .cmd()
            .args(["dkim", "generate", "--algorithm", algorithm])
            .output()
            .unwrap();
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

        let out = send_to(&site, &format!("smtp://127.0.0.1:{}", smtp.port), &[]);
        assert!(out.status.success(), "{out:?}");
        let all = checked_messages(&smtp.maildir, Some(&record));
        assert_eq!(all.len(), 3, "{algorithm}");
        for m in &all {
            assert_eq!(m["dkim_ok"], true, "{algorithm}: {m}");
            let sig = m["dkim_signature"].as_str().unwrap();
            assert!(sig.contains(&format!("a={algorithm}-sha256")), "{sig}");
            assert!(
                sig.contains("list-unsubscribe-post"),
                "RFC 8058 wants it signed: {sig}"
            );
            assert!(sig.contains("content-type"), "how the body is read: {sig}");
        }
        // The check can fail: one changed byte in the body, and it does.
        let file = std::fs::read_dir(smtp.maildir.join("new"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = std::fs::read_to_string(&file).unwrap();
        let at = text
            .rfind("</html>")
            .map(|i| i - 10)
            .unwrap_or(text.len() - 20);
        let mut tampered = text.clone().into_bytes();
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        std::fs::write(&file, tampered).unwrap();
        let all = checked_messages(&smtp.maildir, Some(&record));
        assert_eq!(
            all.iter().filter(|m| m["dkim_ok"] == false).count(),
            1,
            "{algorithm}"
        );
    }
}

#[test]
fn refused_addresses_bounce_and_busy_ones_are_tried_again() {
    let Some(smtp) = start_smtp() else { return };
    let site = site_with_readers(
        "email,languages,consent\nok@example.org,en,form\nrefused@example.org,en,form\nlater@example.org,en,form\nfull@example.org,en,form\nspam@example.org,en,form\n",
    );
    let out = send_to(
        &site,
        &format!("smtp://127.0.0.1:{}", smtp.port),
        &[("SITREP_RETRY_AFTER", "1")],
    );
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2 sent, 3 failed (2 bounced), of 5"),
        "{stdout}"
    );
    let mut to: Vec<String> = messages(&smtp.maildir)
        .iter()
        .map(|m| m["envelope_to"].as_str().unwrap().to_owned())
        .collect();
    to.sort();
    assert_eq!(to, ["later@example.org", "ok@example.org"]);
    // Refused at the address, or for a full mailbox: bounced. Refused as
    // spam: that letter failed, the reader stays.
    with_store(&site, async |store| {
        for (who, status) in [
            ("refused@example.org", "bounced"),
            ("full@example.org", "bounced"),
            ("spam@example.org", "active"),
            ("later@example.org", "active"),
        ] {
            let s = store.subscriber_by_email(who).await.unwrap().unwrap();
            assert_eq!(s.status.as_str(), status, "{who}");
        }
    });
}

#[test]
fn a_relay_that_stalls_or_cuts_the_connection_mid_message_loses_and_doubles_nothing() {
    let Some(smtp) = start_smtp() else { return };
    let mut csv = String::from("email,languages,consent\n");
    let mut want = Vec::new();
    for who in ["hang", "drop", "a", "b", "c", "d", "e", "f", "g", "h"] {
        csv.push_str(&format!("{who}@example.org,en,form\n"));
        want.push(format!("{who}@example.org"));
    }
    let site = site_with_readers(&csv);
    let started = Instant::now();
    let out = send_to(
        &site,
        &format!("smtp://127.0.0.1:{}", smtp.port),
        &[("SITREP_RETRY_AFTER", "1"), ("SITREP_SMTP_TIMEOUT", "2")],
    );
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The relay stalled once (given up after 2 s) and cut once; both
    // letters went again a second later and arrived.
    assert!(
        stdout.contains("10 sent, 0 failed (0 bounced), of 10"),
        "{stdout}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    // Each reader has exactly one copy: the relay kept neither broken try.
    let mut to: Vec<String> = messages(&smtp.maildir)
        .iter()
        .map(|m| m["envelope_to"].as_str().unwrap().to_owned())
        .collect();
    to.sort();
    want.sort();
    assert_eq!(to, want);
}

#[test]
fn a_relay_with_starttls_and_a_password_is_reached_safely() {
    // A private authority and the relay's certificate signed by it.
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    std::fs::write(
        p("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let steps: [Vec<String>; 3] = [
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=Test CA",
        ]
        .map(String::from)
        .into_iter()
        .chain(["-keyout".into(), p("ca.key"), "-out".into(), p("ca.pem")])
        .collect(),
        [
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
        ]
        .map(String::from)
        .into_iter()
        .chain(["-keyout".into(), p("key.pem"), "-out".into(), p("leaf.csr")])
        .collect(),
        ["x509", "-req", "-days", "1", "-set_serial", "2"]
            .map(String::from)
            .into_iter()
            .chain([
                "-in".into(),
                p("leaf.csr"),
                "-CA".into(),
                p("ca.pem"),
                "-CAkey".into(),
                p("ca.key"),
                "-extfile".into(),
                p("leaf.ext"),
                "-out".into(),
                p("cert.pem"),
            ])
            .collect(),
    ];
    for args in &steps {
        let made = Command::new("openssl").args(args).output();
        if !made.as_ref().is_ok_and(|o| o.status.success()) {
            assert!(
                std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "openssl could not make a certificate: {made:?}"
            );
            eprintln!("SKIPPED the STARTTLS test: openssl could not make a certificate");
            return;
        }
    }
    let (cert, key, ca) = (p("cert.pem"), p("key.pem"), p("ca.pem"));
    let (c, k) = (cert.as_str(), key.as_str());
    let Some(smtp) = start_server(&[
        "--cert",
        c,
        "--key",
        k,
        "--user",
        "news",
        "--password",
        "s3cr:et",
    ]) else {
        return;
    };
    let site = site_with_readers("email,languages,consent\nr1@example.org,en,form\n");
    // The password, percent-encoded in the URL, never shows in the output.
    let relay = format!("smtp+starttls://news:s3cr%3Aet@localhost:{}", smtp.port);
    let out = send_to(&site, &relay, &[("SITREP_SMTP_CA_FILE", &ca)]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 sent, 0 failed"),
        "{out:?}"
    );
    assert_eq!(messages(&smtp.maildir).len(), 1);
    // Without the certificate's authority the relay is not trusted, and
    // nothing is sent in the clear.
    let site = site_with_readers("email,languages,consent\nr2@example.org,en,form\n");
    let mut cmd = site.cmd();
    cmd.env("SITREP_SMTP_URL", &relay)
        .env("SITREP_MAIL_FROM", "News <news@varesia.example>")
        .env("SITREP_LOG", "warn")
        .args(["send", "4"]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("s3cr"), "{err}");
    assert_eq!(messages(&smtp.maildir).len(), 1, "nothing more arrived");
}

#[test]
fn bounce_and_complaint_reports_stop_the_mail_to_an_address() {
    let Some(smtp) = start_smtp() else { return };
    let site = site_with_readers(
        "email,languages,consent\ngone@example.org,en,form\nangry@example.org,en,form\nhidden@example.org,en,form\nsafe@example.org,en,form\n",
    );
    let out = send_to(
        &site,
        &format!("smtp://127.0.0.1:{}", smtp.port),
        &[("SITREP_RETURN_PATH", "news-bounces@varesia.example")],
    );
    assert!(out.status.success(), "{out:?}");
    let all = messages(&smtp.maildir);
    // Reports come back to the return path, not to the From address.
    assert!(
        all.iter()
            .all(|m| m["envelope_from"] == "news-bounces@varesia.example"),
        "{all:?}"
    );
    let unsubscribe_of = |who: &str| {
        all.iter().find(|m| m["envelope_to"] == who).unwrap()["list_unsubscribe"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let ingest = |report: String| {
        let mut child = site
            .cmd()
            .args(["mail", "ingest"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), report.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // A DSN for `rcpt` with `status`, returning the headers of a letter
    // with `link` (or none).
    let dsn = |rcpt: &str, status: &str, link: Option<&str>| {
        let returned = match link {
            Some(l) => format!(
                "--x\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: news@varesia.example\r\nTo: {rcpt}\r\nList-Unsubscribe: {l}\r\n\r\n"
            ),
            None => String::new(),
        };
        format!(
            "From: MAILER-DAEMON@mx.example.org\r\nTo: news-bounces@varesia.example\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\r\n\r\n\
--x\r\nContent-Type: text/plain\r\n\r\nUndelivered.\r\n\
--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n\
Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: {status}\r\n{returned}--x--\r\n"
        )
    };
    // Forged: a DSN anyone could write, naming a reader, is not believed.
    let said = ingest(dsn("safe@example.org", "5.1.1", None));
    assert!(said.contains("ignored"), "{said}");
    // Another reader's letter returned for this address: not believed.
    let said = ingest(dsn(
        "safe@example.org",
        "5.1.1",
        Some(&unsubscribe_of("gone@example.org")),
    ));
    assert!(said.contains("ignored"), "{said}");
    // A policy refusal is no bounce.
    let said = ingest(dsn(
        "Gone@example.org",
        "5.7.1",
        Some(&unsubscribe_of("gone@example.org")),
    ));
    assert!(said.contains("nothing to do"), "{said}");
    // The real thing.
    let said = ingest(dsn(
        "Gone@example.org",
        "5.1.1",
        Some(&unsubscribe_of("gone@example.org")),
    ));
    assert!(said.contains("bounced: gone@example.org"), "{said}");
    // A complaint naming the address, and one where the provider hid it:
    // the returned link names the reader either way.
    let arf = |to: &str, link: &str| {
        format!(
            "From: fbl@isp.example\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"y\"\r\n\r\n\
--y\r\nContent-Type: text/plain\r\n\r\nComplaint.\r\n\
--y\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\
--y\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: news@varesia.example\r\nTo: {to}\r\nList-Unsubscribe: {link}\r\n\r\n--y--\r\n"
        )
    };
    let said = ingest(arf(
        "angry@example.org",
        &unsubscribe_of("angry@example.org"),
    ));
    assert!(said.contains("complained: angry@example.org"), "{said}");
    let said = ingest(arf(
        "redacted@isp.example",
        &unsubscribe_of("hidden@example.org"),
    ));
    assert!(said.contains("complained: hidden@example.org"), "{said}");
    let said = ingest(arf(
        "safe@example.org",
        "<https://x.example/unsubscribe?t=forged.token>",
    ));
    assert!(said.contains("ignored"), "{said}");
    // Junk and nothing are ignored, not bounced back to whoever sent them.
    assert!(ingest("Subject: hello\r\n\r\nJust a letter.\r\n".into()).contains("ignored"));
    assert!(ingest(String::new()).contains("ignored"));

    // The figures count them.
    with_store(&site, async |store| {
        let send = store.send_of(4).await.unwrap().unwrap();
        let f = store.send_figures(send).await.unwrap();
        assert_eq!((f.sent, f.bounced, f.complained), (4, 1, 2), "{f:?}");
        for (who, status) in [
            ("gone@example.org", "bounced"),
            ("angry@example.org", "complained"),
            ("hidden@example.org", "complained"),
            ("safe@example.org", "active"),
        ] {
            let s = store.subscriber_by_email(who).await.unwrap().unwrap();
            assert_eq!(s.status.as_str(), status);
        }
    });
}

#[test]
fn the_rate_limit_holds_a_send_back() {
    let Some(smtp) = start_smtp() else { return };
    let mut csv = String::from("email,consent\n");
    for i in 0..12 {
        csv.push_str(&format!("slow{i}@example.org,form\n"));
    }
    let site = site_with_readers(&csv);
    let started = Instant::now();
    let out = send_to(
        &site,
        &format!("smtp://127.0.0.1:{}", smtp.port),
        &[("SITREP_SMTP_RATE", "10"), ("SITREP_SMTP_CONNECTIONS", "3")],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("12 sent"),
        "{out:?}"
    );
    // Twelve messages at ten a second cannot take less than 1.1 s.
    assert!(
        started.elapsed() >= Duration::from_millis(1100),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(messages(&smtp.maildir).len(), 12);
}

#[test]
fn a_node_stopped_mid_send_finishes_what_is_on_its_way_and_writes_it_down() {
    let Some(smtp) = start_smtp() else { return };
    let mut csv = String::from("email,consent\n");
    for i in 0..300 {
        csv.push_str(&format!("term{i}@example.org,form\n"));
    }
    let site = site_with_readers(&csv);
    with_store(&site, async |store| only_edition_4_due(store).await);
    let mut cmd = site.cmd();
    cmd.env("SITREP_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port))
        .env("SITREP_MAIL_FROM", "News <news@varesia.example>")
        .env("SITREP_SMTP_RATE", "100")
        .env("SITREP_LOG", "warn")
        .arg("serve");
    let mut server = Server::spawn(&mut cmd);
    smtp.wait_for(20);
    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let arrived = smtp.count();
    assert!(
        arrived < 300,
        "the send finished before the stop; make it bigger"
    );
    // Every message that left was written down as sent: a restart sends
    // none of them again.
    with_store(&site, async |store| {
        let send = store.send_of(4).await.unwrap().expect("a send");
        let f = store.send_figures(send).await.unwrap();
        assert_eq!(f.sent as usize, arrived, "{f:?}");
    });
}
