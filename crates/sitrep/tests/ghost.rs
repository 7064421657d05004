//! The Ghost-compatible Content API on the demo site: through the real
//! router for shapes, filters, keys and bad input; and through Ghost's own
//! JavaScript client (npm `@tryghost/content-api`) against the real binary.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::process::{BinSite, Server};
use common::{NOW, Site};
use http::StatusCode;
use serde_json::Value;

async fn key(site: &Site) -> String {
    sitrep_web::ghost::content_key(&site.state).await.unwrap()
}

/// GET with the site's key; (status, body as JSON).
async fn ghost(site: &Site, path: &str) -> (StatusCode, Value) {
    let key = key(site).await;
    let sep = if path.contains('?') { '&' } else { '?' };
    // Encode what a URI cannot carry as it is, as a client would.
    let mut uri = String::new();
    for c in format!("{path}{sep}key={key}").chars() {
        match c {
            '[' | ']' | '\'' | '"' | '<' | '>' | ' ' | '(' | ')' => {
                uri.push_str(&format!("%{:02X}", c as u32))
            }
            c => uri.push(c),
        }
    }
    let page = site.get(&uri).await;
    if page.status != StatusCode::NOT_MODIFIED {
        assert_eq!(page.header("content-type"), "application/json", "{path}");
    }
    (
        page.status,
        serde_json::from_str(&page.body).unwrap_or(Value::Null),
    )
}

fn slugs(list: &Value, field: &str) -> Vec<String> {
    list[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} in {list}"))
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_key_is_required_and_checked() {
    let site = Site::demo().await;
    let key = key(&site).await;
    assert_eq!(key.len(), 26);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        key,
        sitrep_web::ghost::content_key(&site.state).await.unwrap(),
        "kept"
    );
    for path in [
        "/ghost/api/content/posts/".to_owned(),
        "/ghost/api/content/posts/?key=".to_owned(),
        "/ghost/api/content/posts/?key=0123456789abcdef0123456789".to_owned(),
        format!("/ghost/api/content/posts/?key={}", &key[..25]),
        format!("/ghost/api/content/settings/?key={key}x"),
    ] {
        let page = site.get(&path).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{path}");
        let body: Value = serde_json::from_str(&page.body).unwrap();
        assert_eq!(body["errors"][0]["type"], "UnauthorizedError");
        assert!(!page.body.contains(&key), "the key is not told");
    }
    // An admin replaces the key: the old one stops, the new one works.
    let admin = site.login("admin@varesia.example").await;
    let page = admin.post(&site, "/workspace/api/content-key", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let new = sitrep_web::ghost::content_key(&site.state).await.unwrap();
    assert_ne!(new, key);
    let old = site
        .get(&format!("/ghost/api/content/settings/?key={key}"))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let fresh = site
        .get(&format!("/ghost/api/content/settings/?key={new}"))
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(
        admin.get(&site, "/workspace/api").await.body.contains(&new),
        "shown on the page"
    );
}

#[tokio::test]
async fn posts_are_one_languages_versions_paged_as_ghost_pages_them() {
    let site = Site::demo().await;
    let (status, all) = ghost(&site, "/ghost/api/content/posts/?limit=all").await;
    assert_eq!(status, StatusCode::OK);
    let total = all["meta"]["pagination"]["total"].as_u64().unwrap();
    // The same count as the read API gives for the default language.
    let api: Value = serde_json::from_str(
        &site
            .get("/api/v1/commentaries?lang=be&per_page=100")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(total, api["meta"]["total"].as_u64().unwrap());
    assert_eq!(all["posts"].as_array().unwrap().len() as u64, total);

    let (_, first) = ghost(&site, "/ghost/api/content/posts/?limit=2").await;
    let p = &first["meta"]["pagination"];
    assert_eq!(p["page"], 1);
    assert_eq!(p["limit"], 2);
    assert_eq!(p["pages"].as_u64().unwrap(), total.div_ceil(2));
    assert_eq!(p["next"], 2);
    assert_eq!(p["prev"], Value::Null);
    let (_, second) = ghost(&site, "/ghost/api/content/posts/?limit=2&page=2").await;
    assert_eq!(second["meta"]["pagination"]["prev"], 1);
    let mut paged = slugs(&first, "posts");
    paged.extend(slugs(&second, "posts"));
    assert_eq!(paged, slugs(&all, "posts")[..4], "pages follow each other");

    let post = &all["posts"][0];
    for field in [
        "id",
        "uuid",
        "title",
        "slug",
        "html",
        "url",
        "excerpt",
        "published_at",
    ] {
        assert!(post[field].is_string(), "{field} in {post}");
    }
    assert_eq!(post["id"].as_str().unwrap().len(), 24);
    assert!(post["url"].as_str().unwrap().contains("/be/commentaries/"));
    assert!(post.get("tags").is_none(), "tags only when included");
    let newest = post["published_at"].as_str().unwrap();
    let oldest = all["posts"][total as usize - 1]["published_at"]
        .as_str()
        .unwrap();
    assert!(newest >= oldest, "newest first");
    for p in all["posts"].as_array().unwrap() {
        assert!(!p["html"].as_str().unwrap().contains("<script"));
    }

    // Each language is its own Ghost site, under its prefix.
    let (status, ru) = ghost(&site, "/ru/ghost/api/content/posts/?include=tags,authors").await;
    assert_eq!(status, StatusCode::OK);
    let post = &ru["posts"][0];
    assert!(post["url"].as_str().unwrap().contains("/ru/commentaries/"));
    assert_eq!(post["primary_tag"], post["tags"][0]);
    assert!(
        post["tags"][0]["url"]
            .as_str()
            .unwrap()
            .contains("/ru/trends/")
    );
    assert!(!post["authors"].as_array().unwrap().is_empty());
    assert_eq!(post["primary_author"], post["authors"][0]);
    let (status, body) = ghost(&site, "/de/ghost/api/content/posts/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errors"][0]["type"], "NotFoundError");
}

#[tokio::test]
async fn reads_by_slug_and_id_answer_one_item_without_meta() {
    let site = Site::demo().await;
    let (_, list) = ghost(&site, "/en/ghost/api/content/posts/?limit=1").await;
    let post = &list["posts"][0];
    let slug = post["slug"].as_str().unwrap();
    let id = post["id"].as_str().unwrap();
    for path in [
        format!("/en/ghost/api/content/posts/slug/{slug}/"),
        format!("/en/ghost/api/content/posts/{id}/"),
        format!("/en/ghost/api/content/posts/{id}"),
    ] {
        let (status, one) = ghost(&site, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(one.get("meta").is_none(), "{path}");
        assert_eq!(one["posts"].as_array().unwrap().len(), 1);
        assert_eq!(one["posts"][0]["id"], id);
    }
    // The same commentary in Belarusian has the same id.
    let (status, be) = ghost(&site, &format!("/be/ghost/api/content/posts/{id}/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(be["posts"][0]["slug"], slug);
    for path in [
        "/en/ghost/api/content/posts/slug/no-such-post/".to_owned(),
        "/en/ghost/api/content/posts/000000000000000000000000/".to_owned(),
        "/en/ghost/api/content/posts/not-an-id/".to_owned(),
        // A tag's id is not a post's.
        format!("/en/ghost/api/content/tags/{id}/"),
        "/en/ghost/api/content/offers/abc/".to_owned(),
        "/en/ghost/api/content/members/".to_owned(),
    ] {
        let (status, body) = ghost(&site, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["errors"][0]["type"], "NotFoundError", "{path}");
    }
    let (status, tag) = ghost(
        &site,
        "/en/ghost/api/content/tags/slug/economy/?include=count.posts",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tag["tags"][0]["slug"], "economy");
    assert!(tag["tags"][0]["count"]["posts"].as_u64().unwrap() > 0);
    let (status, author) = ghost(&site, "/en/ghost/api/content/authors/slug/hanna-lis/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!author["authors"][0]["name"].as_str().unwrap().is_empty());
    let (status, page) = ghost(&site, "/en/ghost/api/content/pages/slug/about/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page["pages"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/en/pages/about/")
    );
}

#[tokio::test]
async fn filters_narrow_posts_as_ghost_themes_use_them() {
    let site = Site::demo().await;
    let base = "/en/ghost/api/content/posts/?limit=all&include=tags,authors";
    let (_, all) = ghost(&site, base).await;
    let posts = all["posts"].as_array().unwrap().clone();
    let count = |v: &Value| v["posts"].as_array().map_or(0, Vec::len);

    let (_, economy) = ghost(&site, &format!("{base}&filter=tag:economy")).await;
    assert!(count(&economy) > 0);
    assert!(
        economy["posts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["primary_tag"]["slug"] == "economy")
    );
    let expected = posts
        .iter()
        .filter(|p| p["primary_tag"]["slug"] == "economy")
        .count();
    assert_eq!(count(&economy), expected);

    let (_, two) = ghost(&site, &format!("{base}&filter=tags:[economy,society]")).await;
    let (_, not_economy) = ghost(&site, &format!("{base}&filter=tag:-economy")).await;
    assert_eq!(count(&economy) + count(&not_economy), posts.len());
    assert!(count(&two) > count(&economy));

    // "More like this": same tag, not this post.
    let first = &economy["posts"][0];
    let filter = format!("tags:economy%2Bid:-{}", first["id"].as_str().unwrap());
    let (_, related) = ghost(&site, &format!("{base}&filter={filter}")).await;
    assert_eq!(count(&related), count(&economy) - 1);

    let (_, by_author) = ghost(&site, &format!("{base}&filter=authors:hanna-lis")).await;
    assert!(count(&by_author) > 0);
    for p in by_author["posts"].as_array().unwrap() {
        let names: Vec<&Value> = p["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["slug"])
            .collect();
        assert!(names.iter().any(|s| *s == "hanna-lis"));
    }
    let (_, primary) = ghost(&site, &format!("{base}&filter=primary_author:hanna-lis")).await;
    assert!(
        primary["posts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["primary_author"]["slug"] == "hanna-lis")
    );

    let slug_a = posts[0]["slug"].as_str().unwrap();
    let slug_b = posts[1]["slug"].as_str().unwrap();
    let (_, pair) = ghost(&site, &format!("{base}&filter=slug:[{slug_a},'{slug_b}']")).await;
    assert_eq!(count(&pair), 2);

    let middle = posts[posts.len() / 2]["published_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, older) = ghost(&site, &format!("{base}&filter=published_at:<'{middle}'")).await;
    let (_, newer) = ghost(&site, &format!("{base}&filter=published_at:>='{middle}'")).await;
    assert_eq!(count(&older) + count(&newer), posts.len());
    assert!(count(&older) > 0 && count(&newer) > 0);

    let (_, featured) = ghost(&site, &format!("{base}&filter=featured:true")).await;
    assert_eq!(count(&featured), 0, "nothing is featured");
    assert_eq!(featured["meta"]["pagination"]["total"], 0);
    let (_, unfeatured) = ghost(
        &site,
        &format!("{base}&filter=featured:false%2Bvisibility:public"),
    )
    .await;
    assert_eq!(count(&unfeatured), posts.len());
    let (_, nowhere) = ghost(&site, &format!("{base}&filter=tag:nowhere")).await;
    assert_eq!(count(&nowhere), 0);
    // Excluding what does not exist excludes nothing (themes hide an
    // internal tag this way).
    let (_, all_but) = ghost(
        &site,
        &format!("{base}&filter=tag:-hash-hidden%2Bid:-not-an-id"),
    )
    .await;
    assert_eq!(count(&all_but), posts.len());

    let (_, by_title) = ghost(
        &site,
        "/en/ghost/api/content/posts/?limit=all&order=title%20asc&fields=title,slug",
    )
    .await;
    let titles: Vec<&str> = by_title["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    assert!(
        by_title["posts"][0].get("html").is_none(),
        "only the fields asked for"
    );

    let (_, plain) = ghost(
        &site,
        "/en/ghost/api/content/posts/?limit=1&formats=html,plaintext",
    )
    .await;
    let text = plain["posts"][0]["plaintext"].as_str().unwrap();
    assert!(!text.contains('<'));

    let (_, tags) = ghost(
        &site,
        "/en/ghost/api/content/tags/?filter=slug:[economy,society]&order=slug%20desc",
    )
    .await;
    assert_eq!(slugs(&tags, "tags"), ["society", "economy"]);
}

#[tokio::test]
async fn bad_parameters_get_a_clear_error_in_ghosts_shape() {
    let site = Site::demo().await;
    for query in [
        "limit=0",
        "limit=-3",
        "limit=1001",
        "limit=lots",
        "page=0",
        "page=x",
        "filter=tag",
        "filter=tag:[a,b",
        "filter=tag:a,tag:b",
        "filter=mood:calm",
        "filter=published_at:>'someday'",
        "filter=tag:>economy",
        "order=colour%20asc",
        "order=title%20sideways",
        "filter=(tag:a)",
    ] {
        let (status, body) = ghost(&site, &format!("/ghost/api/content/posts/?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{query}: {body}");
        assert_eq!(body["errors"][0]["type"], "BadRequestError");
    }
    let huge = format!("filter=slug:[{}]", vec!["x"; 500].join(","));
    let (status, _) = ghost(&site, &format!("/ghost/api/content/posts/?{huge}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let hostile = "filter=slug:%22x%27%3B%20DROP%20TABLE%20commentaries%3B--%22";
    let (status, body) = ghost(&site, &format!("/ghost/api/content/posts/?{hostile}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["meta"]["pagination"]["total"], 0);
    let (_, after) = ghost(&site, "/ghost/api/content/posts/?limit=1").await;
    assert!(
        after["meta"]["pagination"]["total"].as_u64().unwrap() > 0,
        "nothing lost"
    );
}

#[tokio::test]
async fn nothing_unpublished_is_served_and_settings_describe_each_language() {
    let site = Site::demo().await;
    // Before the first edition is out, there is nothing to read.
    site.set_now(NOW - 10 * 365 * 86_400);
    let (_, empty) = ghost(&site, "/ghost/api/content/posts/").await;
    assert_eq!(empty["meta"]["pagination"]["total"], 0);
    assert_eq!(empty["meta"]["pagination"]["pages"], 1);
    site.set_now(NOW);
    let (_, posts) = ghost(&site, "/ghost/api/content/posts/?limit=all").await;
    for p in posts["posts"].as_array().unwrap() {
        let path = p["url"]
            .as_str()
            .unwrap()
            .replace(&site.state.public_url, "");
        assert_eq!(
            site.get(&path).await.status,
            StatusCode::OK,
            "{path} is public"
        );
    }

    for (lang, prefix) in [("be", ""), ("be", "/be"), ("ru", "/ru"), ("en", "/en")] {
        let (status, s) = ghost(&site, &format!("{prefix}/ghost/api/content/settings/")).await;
        assert_eq!(status, StatusCode::OK);
        let s = &s["settings"];
        assert_eq!(s["lang"], lang);
        assert!(!s["title"].as_str().unwrap().is_empty());
        assert!(s["url"].as_str().unwrap().ends_with(&format!("/{lang}/")));
        assert_eq!(s["navigation"].as_array().unwrap().len(), 5);
    }
    let (status, tiers) = ghost(&site, "/ghost/api/content/tiers/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tiers["tiers"], Value::Array(vec![]));
}

// ------------------------------------------------------------------ the JS client

fn e2e_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e")
}

fn missing() -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !e2e_dir()
        .join("node_modules/@tryghost/content-api")
        .exists()
    {
        return Some(format!(
            "@tryghost/content-api is not installed (run npm ci in {})",
            e2e_dir().display()
        ));
    }
    None
}

#[test]
fn ghosts_own_javascript_client_reads_the_site() {
    if let Some(why) = missing() {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "the Ghost client test cannot run: {why}"
        );
        eprintln!("SKIPPED the Ghost client test: {why}");
        return;
    }
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let key = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Content API key for Ghost clients (/ghost/api/content/): "))
        .expect("sitrep demo prints the Content API key")
        .trim()
        .to_owned();
    let server = Server::start(&site, &["serve"]);
    let out = Command::new("node")
        .arg(e2e_dir().join("ghost.mjs"))
        .arg(&server.base)
        .arg(&key)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "ghost.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
