//! `sitrep export` and `sitrep import sitrep`: the demo site written to a
//! folder and read back into a new site serves every public page byte for
//! byte; a second import changes nothing; staff passwords stay behind;
//! damaged or hostile folders are refused with nothing written.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::process::BinSite;
use common::{NOW, Site, assert_same_site};
use sitrep_port::PortError;
use sitrep_port::export::{Imported, export, import};
use sitrep_store::testing::TestDb;

const LANGS: [&str; 3] = ["be", "ru", "en"];

fn at() -> jiff::Timestamp {
    jiff::Timestamp::from_second(NOW).unwrap()
}

#[tokio::test]
async fn the_demo_site_round_trips_byte_for_byte() {
    let original = Site::demo().await;
    // An image and a subscriber with a consent record travel too.
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/picture-with-text.png"
    ))
    .unwrap();
    let mut w = original.store.writer().await.unwrap();
    let en = sitrep_core::Lang::parse("en").unwrap();
    w.add_subscriber("reader@example.org", &[en], "asked at the fair", NOW)
        .await
        .unwrap();
    let image = sitrep_store::Media {
        hash: "f".repeat(64),
        content_type: "image/png".into(),
        width: 1,
        height: 1,
        bytes: png.clone(),
    };
    w.add_media(&image, None, NOW).await.unwrap();
    w.commit().await.unwrap();
    let pages = original.crawl(&LANGS).await;
    assert!(pages.len() > 80, "{} pages", pages.len());

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let mut seen = 0;
    let done = export(&original.store, &out, at(), |_, n| seen = n)
        .await
        .unwrap();
    assert_eq!(done.rows, seen);
    assert!(out.join("manifest.json").exists());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "sitrep-export");
    let names: Vec<&str> = manifest["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for t in [
        "commentary_versions",
        "subscribers",
        "settings",
        "forecast_statements",
        "users",
    ] {
        assert!(names.contains(&t), "{t}");
    }
    for t in ["outbox", "audit_log", "api_tokens", "sessions"] {
        assert!(!names.contains(&t), "{t} is left out");
    }
    // No password hash leaves the site.
    let users = std::fs::read_to_string(out.join("tables/users.jsonl")).unwrap();
    assert!(!users.contains("$argon2"), "{users}");
    let subscribers = std::fs::read_to_string(out.join("tables/subscribers.jsonl")).unwrap();
    assert!(subscribers.contains("asked at the fair"), "consent travels");

    let new = Site::on(TestDb::new().await.unwrap()).await;
    let n = import(&new.store, &out, |_, _, _| {}).await.unwrap();
    assert_eq!(n, Imported::Rows(done.rows));
    assert_same_site(&pages, &new.crawl(&LANGS).await, "after the import");
    for path in [
        "/api/v1/commentaries?per_page=100",
        "/api/v1/forecasts",
        "/be/feed.xml",
        "/sitemap.xml",
    ] {
        assert_eq!(
            original.get(path).await.body,
            new.get(path).await.body,
            "{path}"
        );
    }
    assert_eq!(
        new.store.media(&image.hash).await.unwrap().unwrap().bytes,
        png,
        "the image's bytes"
    );
    let rows = new.store.count_rows().await.unwrap();
    assert_eq!(
        import(&new.store, &out, |_, _, _| {}).await.unwrap(),
        Imported::Already,
        "a second run changes nothing"
    );
    assert_eq!(new.store.count_rows().await.unwrap(), rows);
    // Staff are there, and must be given passwords.
    assert!(
        new.try_login("editor@varesia.example", sitrep::demo::DEMO_PASSWORD)
            .await
            .is_err()
    );
    assert!(
        new.store
            .user_by_email("editor@varesia.example")
            .await
            .unwrap()
            .is_some()
    );

    // Another site with content of its own is not overwritten.
    let other = Site::demo().await;
    let before = other.store.count_rows().await.unwrap();
    assert!(matches!(
        import(&other.store, &out, |_, _, _| {}).await,
        Err(PortError::SiteNotEmpty)
    ));
    assert_eq!(other.store.count_rows().await.unwrap(), before);
    // And an export goes only into a new or empty folder.
    assert!(matches!(
        export(&original.store, &out, at(), |_, _| {}).await,
        Err(PortError::NotEmpty(_))
    ));
}

/// Copies an export folder so one file can be damaged.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn damaged_and_hostile_exports_are_refused_with_nothing_written() {
    let original = Site::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    export(&original.store, &good, at(), |_, _| {})
        .await
        .unwrap();
    let manifest = std::fs::read_to_string(good.join("manifest.json")).unwrap();
    let versions = std::fs::read_to_string(good.join("tables/commentary_versions.jsonl")).unwrap();

    type Damage = Box<dyn Fn(&Path)>;
    let m = manifest.clone();
    let v = versions.clone();
    let cases: Vec<(&str, Damage)> = vec![
        (
            "no manifest",
            Box::new(|d: &Path| std::fs::remove_file(d.join("manifest.json")).unwrap()),
        ),
        (
            "not JSON",
            Box::new(|d: &Path| std::fs::write(d.join("manifest.json"), "{").unwrap()),
        ),
        ("another format", {
            let m = m.clone();
            Box::new(move |d: &Path| {
                std::fs::write(
                    d.join("manifest.json"),
                    m.replace("sitrep-export", "wordpress"),
                )
                .unwrap()
            })
        }),
        ("a newer schema", {
            let m = m.clone();
            Box::new(move |d: &Path| {
                let mut j: serde_json::Value = serde_json::from_str(&m).unwrap();
                j["schema"] = 9999.into();
                std::fs::write(d.join("manifest.json"), j.to_string()).unwrap()
            })
        }),
        ("a file outside the folder", {
            let m = m.clone();
            Box::new(move |d: &Path| {
                std::fs::write(
                    d.join("manifest.json"),
                    m.replace("tables/trends.jsonl", "../../../../etc/passwd"),
                )
                .unwrap()
            })
        }),
        ("a row too short", {
            let v = v.clone();
            Box::new(move |d: &Path| {
                let first = v.lines().next().unwrap();
                let short = first.rsplit_once(',').unwrap().0.to_owned() + "]";
                std::fs::write(
                    d.join("tables/commentary_versions.jsonl"),
                    v.replacen(first, &short, 1),
                )
                .unwrap()
            })
        }),
        ("a missing row", {
            let v = v.clone();
            Box::new(move |d: &Path| {
                let rest: Vec<&str> = v.lines().skip(1).collect();
                std::fs::write(d.join("tables/commentary_versions.jsonl"), rest.join("\n")).unwrap()
            })
        }),
        (
            "a text where a number belongs",
            Box::new(|d: &Path| {
                let t = std::fs::read_to_string(d.join("tables/trends.jsonl")).unwrap();
                let first = t.lines().next().unwrap();
                let bad = first.replacen('[', "[\"one\",", 1).replacen(",", "", 0);
                let bad = format!("[\"x\"{}", &bad[bad.find(',').unwrap()..]);
                std::fs::write(d.join("tables/trends.jsonl"), t.replacen(first, &bad, 1)).unwrap()
            }),
        ),
        (
            "a duplicate key",
            Box::new(|d: &Path| {
                let t = std::fs::read_to_string(d.join("tables/trends.jsonl")).unwrap();
                let first = t.lines().next().unwrap().to_owned();
                let mut j: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(d.join("manifest.json")).unwrap(),
                )
                .unwrap();
                for e in j["tables"].as_array_mut().unwrap() {
                    if e["name"] == "trends" {
                        e["rows"] = (e["rows"].as_u64().unwrap() + 1).into();
                    }
                }
                std::fs::write(d.join("manifest.json"), j.to_string()).unwrap();
                std::fs::write(d.join("tables/trends.jsonl"), format!("{t}{first}\n")).unwrap()
            }),
        ),
    ];
    for (what, damage) in cases {
        let bad = dir.path().join(what.replace(' ', "-"));
        copy_dir(&good, &bad);
        damage(&bad);
        let site = Site::empty().await;
        let result = import(&site.store, &bad, |_, _, _| {}).await;
        assert!(result.is_err(), "{what} was accepted");
        assert!(!result.unwrap_err().to_string().is_empty());
        assert_eq!(
            site.store.count_rows().await.unwrap(),
            0,
            "{what}: nothing written"
        );
    }
}

/// The commands as an operator runs them, and the password that follows.
#[test]
fn the_commands_export_import_and_set_a_password() {
    let from = BinSite::new();
    let out = from.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let folder = from.dir.path().join("moving");
    let out = from.cmd().arg("export").arg(&folder).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exported"));

    let to = BinSite::new();
    for expected in ["Imported", "nothing changed"] {
        let out = to
            .cmd()
            .args(["import", "sitrep"])
            .arg(&folder)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains(expected), "{said}");
    }
    let mut child = to
        .cmd()
        .args(["user", "password", "--email", "editor@varesia.example"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a brand new passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = to
        .cmd()
        .args(["import", "sitrep"])
        .arg(from.dir.path().join("nowhere"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("manifest.json"));
}
