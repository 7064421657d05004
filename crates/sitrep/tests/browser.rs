//! The browser test: Debian's Chromium, driven by npm playwright-core,
//! reads the demo site as a person would (tests/e2e/demo.mjs), works in
//! the workspace (workspace.mjs), meets script payloads everywhere
//! (xss.mjs), and checks every page type with axe-core, the keyboard and
//! the Nu HTML Checker (a11y.mjs).
//!
//! It needs node, /usr/bin/chromium and `npm ci` in tests/e2e. Where they
//! are missing the test says what it skipped and passes, unless
//! SITREP_REQUIRE_TOOLS=1 (as `.ci/run` sets), where it fails.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::process::{BinSite, Server};

fn missing() -> Option<String> {
    let e2e = e2e_dir();
    if !PathBuf::from("/usr/bin/chromium").exists() {
        return Some("/usr/bin/chromium is not installed (apt-get install chromium)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !e2e.join("node_modules/playwright-core").exists() {
        return Some(format!(
            "playwright-core is not installed (run npm ci in {})",
            e2e.display()
        ));
    }
    None
}

fn e2e_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e")
}

/// Runs one script of tests/e2e against a fresh demo server.
fn run_script(script: &str) {
    if let Some(why) = missing() {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "the browser test cannot run: {why}"
        );
        eprintln!("SKIPPED browser test {script}: {why}");
        return;
    }
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    let out = Command::new("node")
        .arg(e2e_dir().join(script))
        .arg(&server.base)
        // For scripts that also bring files in with `sitrep import`.
        .env("SITREP_E2E_BIN", env!("CARGO_BIN_EXE_sitrep"))
        .env("SITREP_E2E_DATA", site.data())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn a_reader_follows_read_more_and_switches_language_in_chromium() {
    run_script("demo.mjs");
}

/// Log in, write, translate, schedule, see it appear at its time; script
/// payloads typed into every field never run.
#[test]
fn the_week_in_the_workspace_in_chromium() {
    run_script("workspace.mjs");
}

/// Over 200 script-injection payloads in every field readers and staff
/// fill, opened in Chromium (CSP bypassed) on every page, feed and letter
/// that shows them: none runs, none reaches the DOM as markup.
///
/// What it tests (escaping, the sanitizer) does not depend on the database,
/// so the PostgreSQL pass of the suite leaves it to the SQLite pass.
#[test]
fn script_payloads_never_run_anywhere_in_chromium() {
    if std::env::var(sitrep_store::testing::TEST_DATABASE_URL).is_ok() {
        eprintln!("SKIPPED xss.mjs in the PostgreSQL pass: it runs in the SQLite pass");
        return;
    }
    run_script("xss.mjs");
}

/// Every public page type in every language and the workspace's pages:
/// no WCAG 2.2 A/AA violation found by axe-core in the light or the dark
/// scheme, languages marked, focus visible, the workspace usable with the
/// keyboard alone, and no error from the Nu HTML Checker (which needs Java).
///
/// Like the payloads, nothing here depends on the database: the
/// PostgreSQL pass leaves it to the SQLite pass.
#[test]
fn every_page_type_is_accessible_and_valid_in_chromium() {
    if std::env::var(sitrep_store::testing::TEST_DATABASE_URL).is_ok() {
        eprintln!("SKIPPED a11y.mjs in the PostgreSQL pass: it runs in the SQLite pass");
        return;
    }
    if Command::new("java").arg("-version").output().is_err() {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "the accessibility test cannot run: java is not installed"
        );
        eprintln!("SKIPPED a11y.mjs: java is not installed (apt-get install default-jre-headless)");
        return;
    }
    run_script("a11y.mjs");
}
