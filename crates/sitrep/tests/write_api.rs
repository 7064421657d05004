//! Personal API tokens (made in the workspace, shown once, hashed at rest,
//! revocable, never above their owner's role) and the write API they open:
//! editions, commentaries, versions with revision checks, the workflow and
//! scheduling, subscribers; with bad input of every kind.

mod common;

use common::{NOW, Site, Staff};
use http::StatusCode;
use serde_json::{Value, json};

/// Makes a token on the workspace's API page; returns its text.
async fn make_token(site: &Site, staff: &Staff, name: &str, role: &str) -> String {
    let page = staff
        .post(
            site,
            "/workspace/api/tokens",
            &[("name", name), ("role", role)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let start = page
        .body
        .find("value=\"sitrep_")
        .expect("the token is shown")
        + 7;
    let end = start + page.body[start..].find('"').unwrap();
    page.body[start..end].to_owned()
}

async fn call(
    site: &Site,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    let auth = format!("Bearer {token}");
    let page = site
        .send(
            method,
            path,
            &[("authorization", &auth)],
            if body.is_null() {
                String::new()
            } else {
                body.to_string()
            },
            "application/json",
        )
        .await;
    (
        page.status,
        serde_json::from_str(&page.body).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn tokens_are_shown_once_kept_as_hashes_and_revocable() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    let token = make_token(&site, &editor, "newsroom script", "editor").await;
    assert_eq!(token.len(), "sitrep_".len() + 64);
    let (status, me) = call(&site, "GET", "/api/v1/me", &token, Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "editor@varesia.example");
    assert_eq!(me["role"], "editor");
    assert_eq!(me["token"], "newsroom script");

    let page = editor.get(&site, "/workspace/api").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("newsroom script"));
    assert!(!page.body.contains(&token), "never shown again");
    // Only a hash is kept.
    let tokens = site.store.api_tokens(None).await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].last_used_at.is_some());
    assert!(site.store.token_holder(&token).await.unwrap().is_none());

    for bad in [
        "",
        "Bearer",
        "Bearer sitrep_00",
        "Basic abc",
        &format!("bearer {token}x"),
    ] {
        let page = site
            .send(
                "GET",
                "/api/v1/me",
                &[("authorization", bad)],
                String::new(),
                "application/json",
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(page.header("www-authenticate").starts_with("Bearer"));
    }
    let page = site.get("/api/v1/me").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);

    // Someone else cannot revoke it; its owner can.
    let author = site.login("author@varesia.example").await;
    let id = tokens[0].id.to_string();
    let page = author
        .post(&site, &format!("/workspace/api/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = editor
        .post(&site, &format!("/workspace/api/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let (status, _) = call(&site, "GET", "/api/v1/me", &token, Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for path in [
        "/workspace/api/tokens/999999/revoke",
        "/workspace/api/tokens/abc/revoke",
    ] {
        let page = editor.post(&site, path, &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = editor.post(&site, "/workspace/api/content-key", &[]).await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "only admins replace the key"
    );
    let audit = site.store.audit_log(20, 0).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "api-token-revoked"));
}

#[tokio::test]
async fn a_token_never_acts_above_its_owner() {
    let site = Site::demo().await;
    let author = site.login("author@varesia.example").await;
    // An author cannot make an editor's token.
    let page = author
        .post(
            &site,
            "/workspace/api/tokens",
            &[("name", "x"), ("role", "editor")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = author
        .post(
            &site,
            "/workspace/api/tokens",
            &[("name", "x"), ("role", "root")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    for name in ["", &"n".repeat(101)] {
        let page = author
            .post(
                &site,
                "/workspace/api/tokens",
                &[("name", name), ("role", "author")],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
    }
    let author_token = make_token(&site, &author, "drafts", "author").await;
    let (status, _) = call(
        &site,
        "POST",
        "/api/v1/editions",
        &author_token,
        json!({"week_start": "2030-01-07"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "authors do not make editions"
    );
    let (status, _) = call(
        &site,
        "GET",
        "/api/v1/subscribers",
        &author_token,
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An editor's token made with the author role acts as an author.
    let editor = site.login("editor@varesia.example").await;
    let narrow = make_token(&site, &editor, "narrow", "author").await;
    let (status, me) = call(&site, "GET", "/api/v1/me", &narrow, Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "author");
    let (status, _) = call(&site, "GET", "/api/v1/subscribers", &narrow, Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // When the editor is made an author, their editor token stops.
    let wide = make_token(&site, &editor, "wide", "editor").await;
    let admin = site.login("admin@varesia.example").await;
    let users = site.store.users().await.unwrap();
    let editor_id = users
        .iter()
        .find(|u| u.email == "editor@varesia.example")
        .unwrap()
        .id;
    let page = admin
        .post(
            &site,
            &format!("/workspace/staff/{editor_id}"),
            &[("role", "author")],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.status);
    let (status, _) = call(&site, "GET", "/api/v1/me", &wide, Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&site, "GET", "/api/v1/me", &narrow, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "the author token still fits");
    // A disabled account's tokens stop.
    let page = admin
        .post(
            &site,
            &format!("/workspace/staff/{editor_id}"),
            &[("role", "author"), ("disabled", "1")],
        )
        .await;
    assert!(page.status.is_redirection());
    let (status, _) = call(&site, "GET", "/api/v1/me", &narrow, Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_editor_writes_translates_and_schedules_a_week_through_the_api() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    let token = make_token(&site, &editor, "desk", "editor").await;

    let (status, edition) = call(
        &site,
        "POST",
        "/api/v1/editions",
        &token,
        json!({"week_start": "2026-12-07"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{edition}");
    let number = edition["number"].as_i64().unwrap();
    assert_eq!(edition["week_end"], "2026-12-13");
    assert_eq!(edition["web_at"], Value::Null);

    let new = json!({
        "edition": number, "trend": "economy", "assessment": "deteriorated", "lang": "en",
        "slug": "api-written", "title": "Written <b>through</b> the API", "lead": "A lead.",
        "body": "Text with a <script>alert(1)</script> in it.\n\nSecond paragraph."
    });
    let (status, c) = call(&site, "POST", "/api/v1/commentaries", &token, new.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["edition"], number);
    assert_eq!(c["versions"][0]["status"], "draft");
    assert_eq!(c["versions"][0]["revision"], 1);
    let (status, _) = call(&site, "POST", "/api/v1/commentaries", &token, new).await;
    assert_eq!(status, StatusCode::CONFLICT, "the slug is taken");

    let path = format!("/api/v1/commentaries/{id}/versions/en");
    let edit = |revision: Option<i64>| json!({"revision": revision, "slug": "api-written", "title": "Written through the API", "lead": "A lead.", "body": "Better text."});
    let (status, e) = call(&site, "PUT", &path, &token, edit(None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, saved) = call(&site, "PUT", &path, &token, edit(Some(1))).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["versions"][0]["revision"], 2);
    let (status, conflict) = call(&site, "PUT", &path, &token, edit(Some(1))).await;
    assert_eq!(status, StatusCode::CONFLICT, "an old revision is refused");
    assert!(conflict["error"]["message"].as_str().unwrap().contains('2'));

    let ru = json!({"slug": "cherez-api", "title": "Через API", "body": "Текст."});
    let (status, translated) = call(
        &site,
        "PUT",
        &format!("/api/v1/commentaries/{id}/versions/ru"),
        &token,
        ru,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{translated}");
    let ru_version = translated["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["lang"] == "ru")
        .unwrap()
        .clone();
    assert_eq!(ru_version["source_lang"], "en");

    // Published from a time next week, in an edition out on the web then.
    let at = "2026-12-10T08:00:00Z";
    let (status, published) = call(
        &site,
        "PUT",
        &format!("/api/v1/commentaries/{id}/versions/en/status"),
        &token,
        json!({"status": "published", "publish_at": at}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["versions"][0]["publish_at"], at);
    let (status, scheduled) = call(
        &site,
        "PUT",
        &format!("/api/v1/editions/{number}/schedule"),
        &token,
        json!({"web_at": at, "email_at": "2026-12-10T07:00:00Z"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["web_at"], at);
    let public = site.get(&format!("/api/v1/commentaries/{id}")).await;
    assert_eq!(public.status, StatusCode::NOT_FOUND, "not before its time");
    let listed = |body: &str| serde_json::from_str::<Value>(body).unwrap()["meta"]["total"].clone();
    let before = listed(&site.get("/api/v1/editions").await.body);
    site.set_now(1_796_889_600); // 2026-12-10T08:00:00Z
    // The count of listed editions is kept between requests; the clock
    // reaching the edition's time is enough to count it.
    let after = listed(&site.get("/api/v1/editions").await.body);
    assert_eq!(
        after.as_u64(),
        before.as_u64().map(|n| n + 1),
        "{before} then {after}"
    );
    let public = site.get(&format!("/api/v1/commentaries/{id}")).await;
    assert_eq!(public.status, StatusCode::OK);
    let v: Value = serde_json::from_str(&public.body).unwrap();
    assert_eq!(
        v["versions"].as_array().unwrap().len(),
        1,
        "the Russian draft waits"
    );
    let page = site.get("/en/commentaries/api-written/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<script>alert"),
        "the body is sanitized"
    );
    assert!(page.body.contains("Written through the API"));
    site.set_now(NOW);

    let audit = site.store.audit_log(50, 0).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "version-saved" && a.detail.contains("API token \"desk\"")),
        "the log names the token"
    );
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_reason_and_nothing_is_lost() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    let token = make_token(&site, &editor, "desk", "editor").await;
    let before = site.store.desk_commentaries(None).await.unwrap().len();
    let good = json!({"edition": 4, "trend": "economy", "assessment": "improved", "lang": "en", "slug": "fine", "title": "Fine", "body": "Body."});
    let mut cases: Vec<(Value, StatusCode)> = Vec::new();
    for (field, value) in [
        ("edition", json!(999)),
        ("trend", json!("nowhere")),
        ("assessment", json!("ecstatic")),
        ("lang", json!("de")),
        ("lang", json!("<script>")),
        ("slug", json!("Not A Slug!")),
        ("title", json!("")),
        ("title", json!("t".repeat(301))),
    ] {
        let mut v = good.clone();
        v[field] = value;
        cases.push((v, StatusCode::BAD_REQUEST));
    }
    let mut extra = good.clone();
    extra["published"] = json!(true);
    cases.push((extra, StatusCode::UNPROCESSABLE_ENTITY));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("body");
    cases.push((missing, StatusCode::UNPROCESSABLE_ENTITY));
    for (body, expected) in cases {
        let (status, answer) =
            call(&site, "POST", "/api/v1/commentaries", &token, body.clone()).await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(
            !answer["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{body}"
        );
    }
    let auth = format!("Bearer {token}");
    let page = site
        .send(
            "POST",
            "/api/v1/commentaries",
            &[("authorization", &auth)],
            "{not json".into(),
            "application/json",
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = site
        .send(
            "POST",
            "/api/v1/commentaries",
            &[("authorization", &auth)],
            good.to_string(),
            "text/plain",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({"edition": 4, "trend": "economy", "assessment": "improved", "lang": "en", "slug": "huge", "title": "Huge", "body": "x".repeat(3 * 1024 * 1024)});
    let (status, _) = call(&site, "POST", "/api/v1/commentaries", &token, huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = call(
        &site,
        "PUT",
        "/api/v1/commentaries/abc/versions/en",
        &token,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(
        &site,
        "PUT",
        "/api/v1/commentaries/999999/versions/en",
        &token,
        json!({"slug": "a", "title": "a", "body": "a"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &site,
        "PUT",
        "/api/v1/editions/4/schedule",
        &token,
        json!({"web_at": "next tuesday"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(
        &site,
        "POST",
        "/api/v1/editions",
        &token,
        json!({"week_start": "2026-02-30"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        site.store.desk_commentaries(None).await.unwrap().len(),
        before,
        "nothing written"
    );
    // The site still answers.
    assert_eq!(site.get("/en/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn subscribers_are_added_listed_and_erased_with_consent_kept() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    let token = make_token(&site, &editor, "crm sync", "editor").await;
    let new = json!({"email": "Reader@Example.org", "langs": ["be", "en"], "consent": "signed up at the 2026 book fair"});
    let (status, s) = call(&site, "POST", "/api/v1/subscribers", &token, new.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["status"], "active");
    assert!(s["consent"].as_str().unwrap().contains("book fair"));
    assert!(
        s["consent"]
            .as_str()
            .unwrap()
            .contains("editor@varesia.example")
    );
    let (status, _) = call(&site, "POST", "/api/v1/subscribers", &token, new).await;
    assert_eq!(status, StatusCode::CONFLICT);
    for bad in [
        json!({"email": "not-an-address", "langs": ["en"], "consent": "yes"}),
        json!({"email": "a@example.org", "langs": [], "consent": "yes"}),
        json!({"email": "a@example.org", "langs": ["xx"], "consent": "yes"}),
        json!({"email": "a@example.org", "langs": ["en"], "consent": "  "}),
    ] {
        let (status, answer) =
            call(&site, "POST", "/api/v1/subscribers", &token, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
    }
    let (status, list) = call(
        &site,
        "GET",
        "/api/v1/subscribers?status=active&per_page=100",
        &token,
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == s["id"])
    );
    let (status, _) = call(
        &site,
        "GET",
        "/api/v1/subscribers?status=happy",
        &token,
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let path = format!("/api/v1/subscribers/{}", s["id"]);
    let (status, _) = call(&site, "DELETE", &path, &token, Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&site, "DELETE", &path, &token, Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        site.store
            .subscriber_by_email("reader@example.org")
            .await
            .unwrap()
            .is_none()
    );
}

/// A save judged on a draft does not land on a version published since:
/// the editor's publication and a translator's late save cannot cross.
#[tokio::test]
async fn a_save_allowed_on_a_draft_does_not_land_once_it_is_published() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    let token = make_token(&site, &editor, "desk", "editor").await;
    let (_, c) = call(
        &site,
        "POST",
        "/api/v1/commentaries",
        &token,
        json!({"edition": 4, "trend": "economy", "assessment": "improved", "lang": "en",
               "slug": "race", "title": "Race", "body": "First."}),
    )
    .await;
    let id = c["id"].as_i64().unwrap();
    let en = sitrep_core::Lang::parse("en").unwrap();
    // Published after someone loaded it as a draft, at revision 1.
    let mut w = site.store.writer().await.unwrap();
    w.set_version_status(id, en, sitrep_core::Status::Published, Some(NOW), NOW)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let slug = sitrep_core::Slug::parse("race").unwrap();
    let edit = sitrep_store::VersionEdit {
        slug: &slug,
        title: "Race",
        lead: "",
        body: "Overwritten?",
    };
    let mut w = site.store.writer().await.unwrap();
    let late = w
        .save_version(id, en, 1, sitrep_core::Status::Draft, &edit, None, NOW)
        .await
        .unwrap();
    assert!(
        matches!(late, sitrep_store::SaveOutcome::Conflict { .. }),
        "{late:?}"
    );
    drop(w);
    let now = site.store.desk_commentary(id).await.unwrap().unwrap();
    assert_eq!(now.versions[0].body, "First.", "nothing written");
}
