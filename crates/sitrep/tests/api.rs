//! The read API at /api/v1 through the real router on the demo site:
//! shapes, paging and filters, ETag and 304, nothing unpublished, the
//! OpenAPI document matching the routes; and schemathesis (PyPI) run
//! against the real binary with that document.

mod common;

use std::process::Command;

use common::process::{BinSite, Server};
use common::{NOW, Site};
use http::StatusCode;
use serde_json::Value;

async fn json(site: &Site, path: &str) -> (StatusCode, Value, common::Page) {
    let page = site.get(path).await;
    let value = serde_json::from_str(&page.body).unwrap_or(Value::Null);
    (page.status, value, page)
}

#[tokio::test]
async fn editions_and_commentaries_come_with_every_public_version() {
    let site = Site::demo().await;
    let (status, list, page) = json(&site, "/api/v1/editions?per_page=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.header("content-type"), "application/json");
    assert_eq!(page.header("access-control-allow-origin"), "*");
    assert_eq!(list["meta"]["total"], 4);
    assert_eq!(list["meta"]["pages"], 2);
    let numbers: Vec<i64> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [4, 3, 2], "newest first");
    let (_, second, _) = json(&site, "/api/v1/editions?per_page=3&page=2").await;
    assert_eq!(second["data"][0]["number"], 1);
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    // Past the end: an empty page that still says how many there are.
    let (status, past, _) = json(&site, "/api/v1/editions?per_page=3&page=10000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past["data"].as_array().unwrap().len(), 0);
    assert_eq!(past["meta"]["total"], 4);

    let (status, e, _) = json(&site, "/api/v1/editions/4").await;
    assert_eq!(status, StatusCode::OK);
    let commentaries = e["commentaries"].as_array().unwrap();
    assert_eq!(
        commentaries.len(),
        4,
        "the draft and the scheduled one wait"
    );
    for c in commentaries {
        assert!(!c["trend"].as_str().unwrap().is_empty());
        assert!(!c["assessment"].as_str().unwrap().is_empty());
        for v in c["versions"].as_array().unwrap() {
            let html = v["body_html"].as_str().unwrap();
            assert!(!html.contains("<script"), "sanitized");
            assert!(v["url"].as_str().unwrap().contains("/commentaries/"));
        }
    }
    let langs: Vec<&str> = commentaries[0]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["lang"].as_str().unwrap())
        .collect();
    assert!(langs.contains(&"be") && langs.contains(&"en"), "{langs:?}");

    let (_, economy, _) = json(&site, "/api/v1/commentaries?trend=economy&lang=en").await;
    let data = economy["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(data.iter().all(|c| c["trend"] == "economy"));
    let id = data[0]["id"].as_i64().unwrap();
    let (status, one, _) = json(&site, &format!("/api/v1/commentaries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["id"], id);
    for unknown in ["trend=nowhere", "lang=xx", "lang=de"] {
        let (status, v, _) = json(&site, &format!("/api/v1/commentaries?{unknown}")).await;
        assert_eq!(status, StatusCode::OK, "{unknown}");
        assert_eq!(v["meta"]["total"], 0, "{unknown} matches nothing");
    }
    let (_, all, _) = json(&site, "/api/v1/commentaries?per_page=100").await;
    let total = all["meta"]["total"].as_u64().unwrap();
    assert_eq!(all["data"].as_array().unwrap().len() as u64, total);

    for (path, status) in [
        ("/api/v1/editions?page=0", StatusCode::BAD_REQUEST),
        ("/api/v1/editions?per_page=101", StatusCode::BAD_REQUEST),
        ("/api/v1/editions?page=abc", StatusCode::BAD_REQUEST),
        ("/api/v1/editions/99", StatusCode::NOT_FOUND),
        ("/api/v1/commentaries/abc", StatusCode::BAD_REQUEST),
        ("/api/v1/commentaries/999999", StatusCode::NOT_FOUND),
    ] {
        let (got, v, _) = json(&site, path).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(v["error"]["status"], status.as_u16(), "{path}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn answers_carry_etags_and_revalidate_with_304() {
    let site = Site::demo().await;
    let (_, _, first) = json(&site, "/api/v1/commentaries").await;
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let (_, _, again) = json(&site, "/api/v1/commentaries").await;
    assert_eq!(again.header("etag"), etag, "the same bytes, the same tag");
    let not_modified = site
        .get_with("/api/v1/commentaries", &[("if-none-match", &etag)])
        .await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert!(not_modified.body.is_empty());
    assert_eq!(not_modified.header("etag"), etag);
    // A proxy that compresses may have made the tag weak: it still matches.
    let weak = site
        .get_with(
            "/api/v1/commentaries",
            &[("if-none-match", &format!("W/{etag}"))],
        )
        .await;
    assert_eq!(weak.status, StatusCode::NOT_MODIFIED);
    // The scheduled commentary comes out: the list changes, and so its tag.
    site.set_now(NOW + 3 * 86_400 + 60);
    let changed = site
        .get_with("/api/v1/commentaries", &[("if-none-match", &etag)])
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), etag);
}

#[tokio::test]
async fn nothing_unpublished_is_served() {
    let site = Site::demo().await;
    let draft = "armiya-atrymlivae-mandat-na-hramadski-paradak";
    for path in [
        "/api/v1/editions",
        "/api/v1/editions/4",
        "/api/v1/commentaries?per_page=100",
        "/api/v1/trends",
        "/api/v1/assessments",
        "/api/v1/authors",
        "/api/v1/pages",
        "/api/v1/forecasts",
    ] {
        let (status, _, page) = json(&site, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.body.contains(draft), "{path} shows the draft");
        assert!(!page.body.contains("forecast-for-next-year"), "{path}");
    }
    let (_, forecasts, _) = json(&site, "/api/v1/forecasts").await;
    let set = &forecasts["data"][0];
    assert_eq!(set["slug"], "forecast-for-the-year");
    assert_eq!(set["statements"].as_array().unwrap().len(), 8);
    assert!(
        set["statements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["outcome"] == "unclear")
    );
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes() {
    let site = Site::demo().await;
    let (status, doc, _) = json(&site, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/assessments",
            "/api/v1/authors",
            "/api/v1/commentaries",
            "/api/v1/commentaries/{id}",
            "/api/v1/commentaries/{id}/versions/{lang}",
            "/api/v1/commentaries/{id}/versions/{lang}/status",
            "/api/v1/desk/commentaries/{id}",
            "/api/v1/editions",
            "/api/v1/editions/{number}",
            "/api/v1/editions/{number}/schedule",
            "/api/v1/forecasts",
            "/api/v1/me",
            "/api/v1/pages",
            "/api/v1/subscribers",
            "/api/v1/subscribers/{id}",
            "/api/v1/trends",
        ]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    // Every documented operation answers: public reads with 200, staff
    // calls without a token with 401.
    for p in paths {
        let path = p
            .replace("{id}", "1")
            .replace("{number}", "1")
            .replace("{lang}", "en");
        for (method, op) in doc["paths"][p].as_object().unwrap() {
            let expected = if op.get("security").is_some() {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            let page = site
                .send(
                    &method.to_uppercase(),
                    &path,
                    &[],
                    "{}".into(),
                    "application/json",
                )
                .await;
            assert_eq!(page.status, expected, "{method} {path}");
        }
    }
}

fn schemathesis() -> Option<Command> {
    let found = Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "schemathesis is missing (pip install schemathesis)"
        );
        eprintln!("SKIPPED the schemathesis run: it is not installed (pip install schemathesis)");
        return None;
    }
    Some(Command::new("schemathesis"))
}

#[test]
// One worker: with two, hypothesis's lambda introspection can race with
// itself ("AST constructor recursion depth mismatch"), a tool error that is
// not a finding.
fn schemathesis_finds_no_failures_against_the_running_binary() {
    let Some(mut st) = schemathesis() else { return };
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let server = Server::start(&site, &["serve"]);
    let url = format!("http://127.0.0.1:{}/api/v1/openapi.json", server.port());
    let out = st
        .args(["run", &url])
        .args(["--max-examples", "25", "--workers", "1", "--seed", "1"])
        .args(["--phases", "coverage,fuzzing", "--max-time", "40"])
        .args(["--generation-database", "none", "--request-timeout", "10"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
