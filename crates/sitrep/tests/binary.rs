//! The `sitrep` binary as a user runs it.

mod common;

use common::process::{BinSite, Server, http_get, read_response, sitrep};

#[test]
fn every_subcommand_has_help() {
    for sub in [&[][..], &["serve"], &["demo"], &["migrate"]] {
        let out = sitrep().args(sub).arg("--help").output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{sub:?}: {text}");
        assert!(text.contains("Usage:"), "{sub:?}: {text}");
        if !sub.is_empty() {
            assert!(text.contains("--data"), "{sub:?}: {text}");
        }
    }
    let out = sitrep().args(["demo", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--listen") && text.contains("--reset"),
        "{text}"
    );
}

#[test]
fn demo_serves_a_site_on_sqlite_in_wal_mode() {
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    assert!(
        server.stdout_head.contains("Demo site written"),
        "{}",
        server.stdout_head
    );
    let (status, head) = http_get(server.port(), "/", "Accept-Language: ru\r\n");
    assert_eq!(status, 302, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("location: /ru/"),
        "{head}"
    );
    let (status, page) = http_get(server.port(), "/ru/", "");
    assert_eq!(status, 200);
    assert!(page.contains("Ситуация в Варесии"), "{page}");
    if site.database_url.is_none() {
        // SQLite records WAL mode in the file header (bytes 18 and 19 are 2).
        let header = std::fs::read(site.data().join("sitrep.db")).unwrap();
        assert_eq!(&header[18..20], &[2, 2], "not in WAL mode");
    }
}

#[test]
fn demo_keeps_an_existing_site_unless_reset() {
    let site = BinSite::new();
    let run = |args: &[&str]| {
        let out = site.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(&["demo", "--no-serve"]).contains("Demo site written"));
    assert!(run(&["demo", "--no-serve"]).contains("left as it is"));
    assert!(run(&["demo", "--no-serve", "--reset"]).contains("Demo site written"));
}

#[test]
fn serve_reads_a_config_file_and_environment() {
    let site = BinSite::new();
    std::fs::create_dir_all(site.data()).unwrap();
    std::fs::write(
        site.data().join("sitrep.toml"),
        "languages = [\"en\", \"ru\"]\n",
    )
    .unwrap();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let server = Server::start(&site, &["serve"]);
    let (status, head) = http_get(server.port(), "/", "");
    assert_eq!(status, 302);
    assert!(
        head.to_ascii_lowercase().contains("location: /en/"),
        "{head}"
    );
    // Belarusian is not among this site's languages.
    assert_eq!(http_get(server.port(), "/be/", "").0, 404);
    // A second server on the same address is refused, not let in to share
    // the first one's readers.
    let listen = format!("127.0.0.1:{}", server.port());
    let mut second = site
        .cmd()
        .args(["serve", "--listen", &listen])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if start.elapsed().as_secs() > 30 {
            second.kill().unwrap();
            panic!("a second server started on {listen}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut second.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains(&format!("cannot listen on {listen}")), "{err}");
    drop(server);

    let out = site
        .cmd()
        .arg("migrate")
        .env("SITREP_DEFAULT_LANGUAGE", "de")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("default language de"), "{err}");
}

#[test]
fn bad_settings_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "languages = \"en\"\n").unwrap();
    let out = sitrep()
        .args(["migrate", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("not valid"),
        "{err}"
    );

    let out = sitrep()
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));

    // Mail settings: each refused in one line that names it, and a
    // password in a bad relay address is not repeated.
    for (var, value, names) in [
        ("SITREP_SMTP_URL", "http://mail.example.org", "smtp_url"),
        (
            "SITREP_SMTP_URL",
            "smtps://news:hunter2@mail.example.org:99999",
            "smtp_url",
        ),
        ("SITREP_SMTP_CONNECTIONS", "0", "smtp_connections"),
        ("SITREP_SMTP_CONNECTIONS", "many", "SITREP_SMTP_CONNECTIONS"),
        ("SITREP_SMTP_RATE", "-5", "smtp_rate"),
        ("SITREP_SMTP_RATE", "fast", "SITREP_SMTP_RATE"),
        ("SITREP_SMTP_TIMEOUT", "0", "SITREP_SMTP_TIMEOUT"),
        ("SITREP_DELIVERY_LEASE", "2m", "SITREP_DELIVERY_LEASE"),
        ("SITREP_RETRY_AFTER", "-1", "SITREP_RETRY_AFTER"),
    ] {
        let out = sitrep()
            .env("SITREP_DATA", dir.path())
            .env(var, value)
            .arg("migrate")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{var}={value}");
        assert!(err.contains(names), "{var}={value}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

/// Runs `sitrep migrate` against `url`; returns its stderr after checking
/// it failed cleanly with a single error line.
fn migrate_fails(url: &str) -> String {
    let out = sitrep()
        .args(["migrate", "--database-url", url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{url}: {err}");
    assert!(!err.contains("panicked"), "{url}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{url}: {err}");
    assert!(err.starts_with("error: "), "{url}: {err}");
    err
}

#[test]
fn a_wrong_database_url_gets_a_one_line_error_without_secrets() {
    let err = migrate_fails("postgres://app:s3cretpw@127.0.0.1:1/site");
    assert!(err.contains("nothing accepts connections"), "{err}");
    assert!(!err.contains("s3cretpw"), "{err}");
    let err = migrate_fails("mysql://root@127.0.0.1/site");
    assert!(err.contains("unsupported database URL"), "{err}");
    let err = migrate_fails("postgres://[oops");
    assert!(
        err.contains("cannot connect") || err.contains("not valid"),
        "{err}"
    );

    // Against a real server, when the tests have one.
    let Ok(server) = std::env::var(sitrep_store::testing::TEST_DATABASE_URL) else {
        eprintln!("SKIPPED the PostgreSQL cases: SITREP_TEST_DATABASE_URL is not set");
        return;
    };
    let missing = sitrep_store::testing::with_database(&server, "sitrep_no_such_database");
    let err = migrate_fails(&missing);
    assert!(
        err.contains("does not exist") && err.contains("createdb"),
        "{err}"
    );
    let stranger = missing.replacen("://postgres@", "://sitrep_no_such_role@", 1);
    let err = migrate_fails(&stranger);
    assert!(err.contains("sitrep_no_such_role"), "{err}");
}

#[test]
fn two_nodes_migrating_at_once_both_succeed() {
    let site = BinSite::new();
    // Spawned together, so they race for the schema.
    let children: Vec<_> = (0..3)
        .map(|_| {
            site.cmd()
                .arg("migrate")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    }
    // And the site works on the schema they made.
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn user_add_reads_the_password_from_stdin_never_an_argument() {
    use std::io::Write;
    let site = BinSite::new();
    let add = |email: &str, role: &str, password: &str| {
        let mut child = site
            .cmd()
            .args(["user", "add", "--email", email, "--role", role])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = add("chief@example.org", "admin", "a long admin password");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Added chief@example.org as admin"));
    let out = add("chief@example.org", "admin", "a long admin password");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already taken"));
    let out = add("second@example.org", "admin", "short");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"),
        "{out:?}"
    );
    let out = add("third@example.org", "overlord", "a long admin password");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown role"),
        "{out:?}"
    );
    let out = add("not-an-email", "editor", "a long admin password");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not an email address"),
        "{out:?}"
    );
    let out = sitrep().args(["user", "add", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--email") && !help.contains("--password"),
        "{help}"
    );
}

#[test]
fn send_refuses_an_edition_that_does_not_exist_and_sends_nothing_to_no_one() {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = site.cmd().args(["send", "99"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("there is no edition number 99") && err.trim().lines().count() == 1,
        "{err}"
    );
    let out = site.cmd().args(["send", "abc"]).output().unwrap();
    assert!(!out.status.success());
    // The demo has no subscribers: the send finishes at once, with nothing sent.
    let out = site.cmd().args(["send", "4"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 sent, 0 failed (0 bounced), of 0"),
        "{out:?}"
    );
}

#[test]
fn dkim_and_import_commands_refuse_bad_input_in_one_line() {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let fails = |args: &[&str], says: &str| {
        let out = site.cmd().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    };
    fails(
        &["dkim", "generate", "--algorithm", "dsa"],
        "unknown algorithm",
    );
    fails(
        &[
            "dkim",
            "generate",
            "--selector",
            "bad selector",
            "--domain",
            "example.org",
        ],
        "DNS names",
    );
    fails(
        &["subscribers", "import", "/nonexistent/readers.csv"],
        "cannot read",
    );
    let dir = tempfile::tempdir().unwrap();
    let no_consent = dir.path().join("list.csv");
    std::fs::write(&no_consent, "email\na@example.org\n").unwrap();
    fails(
        &["subscribers", "import", no_consent.to_str().unwrap()],
        "no `consent` column",
    );
    // Without a key, `show` says how to make one; `remove` is harmless.
    let out = site.cmd().args(["dkim", "show"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("sitrep dkim generate"));
    assert!(
        site.cmd()
            .args(["dkim", "remove"])
            .output()
            .unwrap()
            .status
            .success()
    );
}

#[test]
fn large_kept_pages_go_out_whole_and_alike_on_one_connection() {
    use std::io::{Read, Write};
    let site = BinSite::new();
    // A generated site's feed carries thirty full texts: large enough for
    // the serving threads to send it from the page cache's file.
    let server = Server::start(&site, &["demo", "--scale", "40"]);
    let path = "/en/feed.xml";
    let get = |coding: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: {coding}\r\n\r\n")
    };
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    // The first answer is rendered; the rest come from the cache, all
    // asked for at once so responses queue up behind each other.
    write!(s, "{}", get("identity")).unwrap();
    let (head, rendered) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        rendered.len() >= sitrep_web::serving::SENDABLE_FROM,
        "the feed is only {} bytes",
        rendered.len()
    );
    // Whole, from its first byte to its last.
    let text = String::from_utf8(rendered.clone()).expect("UTF-8");
    assert!(text.starts_with("<?xml"), "{}", &text[..80]);
    assert!(
        text.trim_end().ends_with("</rss>"),
        "{}",
        &text[text.len() - 80..]
    );
    // A new connection: the first went to hyper at its first request (a
    // render); this one's are answered by the serving threads' own loop.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let burst = [
        get("identity"),
        get("gzip"),
        get("identity"),
        format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        get("identity"),
    ]
    .concat();
    s.write_all(burst.as_bytes()).unwrap();
    for (i, kind) in ["identity", "gzip", "identity", "head", "identity"]
        .into_iter()
        .enumerate()
    {
        let (head, body) = read_response(&mut s, kind == "head");
        assert!(head.starts_with("HTTP/1.1 200"), "{i}: {head}");
        let body = match kind {
            "gzip" => {
                assert!(head.to_ascii_lowercase().contains("content-encoding: gzip"));
                let mut plain = Vec::new();
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut plain)
                    .unwrap();
                plain
            }
            "head" => {
                let len = format!("content-length: {}", rendered.len());
                assert!(head.to_ascii_lowercase().contains(&len), "{head}");
                continue;
            }
            _ => body,
        };
        assert!(
            body == rendered,
            "response {i} ({kind}) differs from the rendered feed"
        );
    }
    // On Linux those bodies lie in a file with no name in the data folder,
    // mapped into the server.
    if cfg!(target_os = "linux") {
        let maps = std::fs::read_to_string(format!("/proc/{}/maps", server.child.id())).unwrap();
        let data = site.data().canonicalize().unwrap();
        assert!(
            maps.lines()
                .any(|l| l.contains(&format!("{}/#", data.display())) && l.ends_with("(deleted)")),
            "no kept pages' file from {} is mapped:\n{maps}",
            data.display()
        );
    }
}
