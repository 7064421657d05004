//! Moving house: a whole site copied between backends serves the same bytes.

mod common;

use common::process::{BinSite, sitrep};
use common::{Site, assert_same_site};
use sitrep_store::testing::TestDb;

const LANGS: [&str; 3] = ["be", "ru", "en"];

#[tokio::test]
async fn every_public_page_is_byte_identical_after_moving_both_ways() {
    let original = Site::demo().await;
    let pages = original.crawl(&LANGS).await;
    assert!(pages.len() > 80, "{} pages", pages.len());

    // To an SQLite file (from PostgreSQL when the tests run there) ...
    let file = TestDb::sqlite().await.unwrap();
    let copied = original.store.copy_to(&file.store, |_| {}).await.unwrap();
    assert_eq!(copied, original.store.count_rows().await.unwrap());
    let on_file = Site::on(file).await;
    assert_same_site(&pages, &on_file.crawl(&LANGS).await, "to SQLite");

    // ... and back to the tests' backend (PostgreSQL when configured).
    let back = TestDb::new().await.unwrap();
    on_file.store.copy_to(&back.store, |_| {}).await.unwrap();
    let on_back = Site::on(back).await;
    assert_same_site(&pages, &on_back.crawl(&LANGS).await, "and back");

    // New rows after the move get fresh keys, not copied ones.
    let mut w = on_back.store.writer().await.unwrap();
    let slug = sitrep_core::Slug::parse("after-the-move").unwrap();
    let en = sitrep_core::Lang::parse("en").unwrap();
    w.trend(&slug, 9, &[(en, "After", "")])
        .await
        .expect("identity counters moved past copied keys");
    w.commit().await.unwrap();
    let hash = sitrep_auth::hash_password("a long enough password").unwrap();
    let user = sitrep_store::NewUser {
        email: "after@example.org",
        name: "After",
        role: sitrep_core::Role::Editor,
        password_hash: &hash,
        ui_lang: en,
        author_id: None,
    };
    on_back
        .store
        .create_user(&user, 0)
        .await
        .expect("a new staff account after the move");
    on_back
        .store
        .audit(None, "after-the-move", "x", "", 0)
        .await
        .expect("a new audit entry after the move");
}

#[test]
fn the_copy_command_moves_a_site_and_refuses_a_destination_with_content() {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let dest_dir = tempfile::tempdir().unwrap();
    let dest = format!(
        "sqlite://{}?mode=rwc",
        dest_dir.path().join("copy.db").display()
    );

    let out = site.cmd().args(["copy", "--to", &dest]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("Copied ") && stdout.contains(" rows from "),
        "{stdout}"
    );

    let again = site.cmd().args(["copy", "--to", &dest]).output().unwrap();
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already has content"), "{err}");

    let out = sitrep().args(["copy", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--to"));
}
