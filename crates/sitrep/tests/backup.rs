//! `sitrep backup` while the site serves, and `sitrep restore` with its
//! checks, through the real binary: the restored site serves the same pages
//! byte for byte.

mod common;

use common::process::{BinSite, Server, http_get};

/// The body of a GET (headers carry the date, so they are left out).
fn body(port: u16, path: &str) -> String {
    let (status, answer) = http_get(port, path, "");
    assert_eq!(status, 200, "{path}");
    answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

const PAGES: &[&str] = &[
    "/en/",
    "/be/editions/4/",
    "/ru/barometer",
    "/en/track-record/",
    "/api/v1/commentaries?per_page=50",
];

#[test]
fn a_backup_taken_while_serving_restores_the_same_site() {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let file = site.dir.path().join("backup.db");
    let arg = file.to_str().unwrap();
    if site.database_url.is_some() {
        // On PostgreSQL the answer is pg_dump, and it says so.
        let out = site.cmd().args(["backup", arg]).output().unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("pg_dump"),
            "{out:?}"
        );
        return;
    }
    let serve = |site: &BinSite| {
        Server::spawn(
            site.cmd()
                .env("SITREP_PUBLIC_URL", "https://briefing.example")
                .arg("serve"),
        )
    };
    let server = serve(&site);
    let before: Vec<String> = PAGES.iter().map(|p| body(server.port(), p)).collect();

    let out = site.cmd().args(["backup", arg]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("checked") && said.contains("4 editions"),
        "{said}"
    );
    // A second backup never overwrites the first.
    let out = site.cmd().args(["backup", arg]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already"));
    // Nothing is restored under a running site.
    let out = site.cmd().args(["restore", arg]).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stop it first"),
        "{out:?}"
    );
    drop(server);

    // A file that is not a backup is refused, and the site is untouched.
    let junk = site.dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database at all").unwrap();
    let out = site
        .cmd()
        .args(["restore", junk.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a backup sitrep can restore"),
        "{out:?}"
    );

    // The database is lost; the backup brings back the very same site.
    let db = site.data().join("sitrep.db");
    std::fs::write(&db, b"").unwrap();
    let out = site.cmd().args(["restore", arg]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("kept as"),
        "the replaced file is kept: {said}"
    );
    let server = serve(&site);
    for (path, was) in PAGES.iter().zip(&before) {
        assert_eq!(&body(server.port(), path), was, "{path}");
    }
}
