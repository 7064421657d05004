//! Being found: feeds, sitemaps, robots.txt and the structured data in
//! every page's head, read back by parsers that are not ours (Python's
//! feedparser, json with a JSON Feed 1.1 schema, ElementTree; see
//! `tests/feeds/check_feeds.py`) where such a parser exists.

mod common;

use std::path::Path;
use std::process::Command;

use common::{NOW, Site};
use http::StatusCode;
use sitrep_core::{Lang, Slug, Status};
use sitrep_store::testing::TestDb;

const BASE: &str = "https://briefing.example";
const LANGS: [&str; 3] = ["be", "ru", "en"];
const FORMATS: [(&str, &str); 3] = [("xml", "rss"), ("atom", "atom"), ("json", "json")];

/// The demo site, serving as `BASE` (so every address is absolute).
async fn site() -> Site {
    let db = TestDb::new().await.expect("a test database");
    let site = Site::configured(db, |c| c.public_url = BASE.into()).await;
    sitrep::demo::load(&site.store, NOW).await.unwrap();
    site
}

fn lang(code: &str) -> Lang {
    Lang::parse(code).unwrap()
}

fn tools_present() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import feedparser, jsonschema, rfc3339_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "python3 with feedparser, jsonschema and rfc3339-validator is missing"
        );
        eprintln!(
            "SKIPPED the independent feed check: python3 with feedparser, jsonschema and rfc3339-validator is not installed (pip install feedparser jsonschema rfc3339-validator)"
        );
    }
    ok
}

/// Runs the independent checker over (body, kind) pairs; one JSON answer each.
fn check(docs: &[(String, &str)]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let mut args = Vec::new();
    for (i, (body, kind)) in docs.iter().enumerate() {
        let path = dir.path().join(format!("{i}.{kind}"));
        std::fs::write(&path, body).unwrap();
        args.push(format!("{}:{kind}", path.display()));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/feeds/check_feeds.py");
    let out = Command::new("python3")
        .arg(script)
        .args(&args)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "a document did not parse cleanly: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("the checker's JSON"))
        .collect()
}

/// Every feed the demo site has: (address, kind, language if one).
fn every_feed(trends: &[String]) -> Vec<(String, &'static str, Option<&'static str>)> {
    let mut out = Vec::new();
    for (ext, kind) in FORMATS {
        out.push((format!("/feeds/all.{ext}"), kind, None));
        for l in LANGS {
            out.push((format!("/{l}/feed.{ext}"), kind, Some(l)));
            for t in trends {
                out.push((format!("/{l}/trends/{t}/feed.{ext}"), kind, Some(l)));
            }
        }
        for t in trends {
            out.push((format!("/feeds/trends/{t}.{ext}"), kind, None));
        }
    }
    out
}

#[tokio::test]
async fn every_feed_parses_cleanly_with_full_content_authors_and_categories() {
    let site = site().await;
    let trends: Vec<String> = site
        .store
        .catalog()
        .await
        .unwrap()
        .trends
        .iter()
        .map(|t| t.slug.clone())
        .collect();
    let feeds = every_feed(&trends);
    assert_eq!(feeds.len(), 3 * (1 + 3 + 3 * trends.len() + trends.len()));
    let mut docs = Vec::new();
    for (path, kind, _) in &feeds {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let expected = match *kind {
            "rss" => "application/rss+xml",
            "atom" => "application/atom+xml",
            _ => "application/feed+json",
        };
        assert!(page.header("content-type").starts_with(expected), "{path}");
        docs.push((page.body, *kind));
    }
    if !tools_present() {
        return;
    }
    for ((path, kind, lang), feed) in feeds.iter().zip(check(&docs)) {
        let items = feed["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{path} has items");
        if let Some(l) = lang {
            assert_eq!(feed["language"], *l, "{path}");
        }
        for item in items {
            let id = item["id"].as_str().unwrap();
            assert!(
                id.starts_with("urn:sitrep:commentary:"),
                "{path}: stable id {id}"
            );
            let link = item["link"].as_str().unwrap();
            assert!(
                link.starts_with(&format!("{BASE}/")),
                "{path}: absolute {link}"
            );
            if let Some(l) = lang {
                assert!(
                    link.starts_with(&format!("{BASE}/{l}/commentaries/")),
                    "{path}: {link}"
                );
                assert!(id.ends_with(&format!(":{l}")), "{path}: {id}");
            }
            assert!(
                !item["authors"].as_array().unwrap().is_empty(),
                "{path}: authors of {id}"
            );
            assert_eq!(
                item["tags"].as_array().unwrap().len(),
                2,
                "{path}: trend and assessment of {id}"
            );
            let content = item["content"].as_str().unwrap();
            assert!(
                content.contains("<p>") && content.len() > 500,
                "{path}: full text of {id} ({kind})"
            );
            assert!(
                !item["published"].as_str().unwrap().is_empty(),
                "{path}: date of {id}"
            );
        }
    }
}

#[tokio::test]
async fn the_same_item_keeps_its_id_across_feeds_and_formats() {
    let site = site().await;
    let rss = site.get("/en/feed.xml").await.body;
    let atom = site.get("/feeds/all.atom").await.body;
    let json: serde_json::Value =
        serde_json::from_str(&site.get("/en/feed.json").await.body).unwrap();
    let id = json["items"][0]["id"].as_str().unwrap();
    assert!(rss.contains(&format!(">{id}</guid>")), "{id} in RSS");
    assert!(atom.contains(&format!("<id>{id}</id>")), "{id} in Atom");
}

#[tokio::test]
async fn feeds_for_what_does_not_exist_are_not_found() {
    let site = site().await;
    for path in [
        "/xx/feed.xml",
        "/en/trends/no-such-trend/feed.xml",
        "/feeds/trends/no-such-trend.atom",
        "/feeds/trends/economy.txt",
        "/feeds/trends/.xml",
        "/feeds/all.txt",
        "/sitemaps/0.xml",
        "/sitemaps/1.xml",
        "/sitemaps/abc.xml",
    ] {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<h1"), "{path} is a page");
    }
}

/// Adds a commentary to the newest edition with one English version.
async fn add_story(site: &Site, slug: &str, title: &str, status: Status, at: Option<i64>) -> i64 {
    let catalog = site.store.catalog().await.unwrap();
    let edition = site
        .store
        .public(NOW)
        .latest_edition()
        .await
        .unwrap()
        .unwrap();
    let mut w = site.store.writer().await.unwrap();
    let id = w
        .commentary(
            &sitrep_store::NewCommentary {
                edition_id: edition.id,
                trend_id: catalog.trends[0].id,
                assessment_id: catalog.assessments[0].id,
                position: 99,
                authors: &[catalog.authors[0].id],
            },
            NOW,
        )
        .await
        .unwrap();
    w.version(
        &sitrep_store::NewVersion {
            commentary_id: id,
            lang: lang("en"),
            slug: &Slug::parse(slug).unwrap(),
            title,
            lead: "A lead written for this test.",
            body: "A body written for this test, long enough to be a paragraph.",
            status,
            published_at: at,
        },
        NOW,
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    id
}

/// Everything a robot or feed reader can fetch, concatenated.
async fn everything_found(site: &Site) -> String {
    let mut all = String::new();
    for (ext, _) in FORMATS {
        for path in [format!("/en/feed.{ext}"), format!("/feeds/all.{ext}")] {
            all.push_str(&site.get(&path).await.body);
        }
    }
    all.push_str(&site.get("/sitemap.xml").await.body);
    for page in site.crawl(&LANGS).await.values() {
        all.push_str(&page.body);
    }
    all
}

#[tokio::test]
async fn nothing_unpublished_reaches_feeds_sitemaps_or_structured_data() {
    let site = site().await;
    add_story(
        &site,
        "a-draft-nobody-sees",
        "Draft nobody sees",
        Status::Draft,
        None,
    )
    .await;
    add_story(
        &site,
        "an-embargoed-story",
        "Embargoed story",
        Status::Published,
        Some(NOW + 3_600),
    )
    .await;
    let found = everything_found(&site).await;
    for secret in [
        "a-draft-nobody-sees",
        "Draft nobody sees",
        "an-embargoed-story",
        "Embargoed story",
    ] {
        assert!(!found.contains(secret), "{secret} leaked");
    }
    site.set_now(NOW + 3_600);
    let feed = site.get("/en/feed.xml").await.body;
    assert!(feed.contains("Embargoed story"), "in the feed on time");
    let sitemap = site.get("/sitemap.xml").await.body;
    assert!(sitemap.contains(&format!("{BASE}/en/commentaries/an-embargoed-story/")));
    assert!(!sitemap.contains("a-draft-nobody-sees"));
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_with_its_translations() {
    let site = site().await;
    let sitemap = site.get("/sitemap.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(
        sitemap
            .header("content-type")
            .starts_with("application/xml")
    );
    let crawled = site.crawl(&LANGS).await;
    // Every page a reader reaches by links, but the per-reader ones and
    // those in another language's clothes (their canonical is elsewhere).
    let mut expected: Vec<String> = crawled
        .iter()
        .filter(|(path, page)| {
            page.status == StatusCode::OK
                && !path.contains('?')
                && !path.contains("/subscribe")
                && !path.contains("/search")
                && page
                    .body
                    .contains(&format!("rel=\"canonical\" href=\"{BASE}{path}\""))
        })
        .map(|(path, _)| format!("{BASE}{path}"))
        .collect();
    expected.sort();
    assert!(expected.len() > 60, "{} pages", expected.len());
    let body = &sitemap.body;
    for url in &expected {
        assert!(
            body.contains(&format!("<loc>{url}</loc>")),
            "{url} is missing from the sitemap"
        );
    }
    if !tools_present() {
        return;
    }
    let parsed = &check(&[(body.clone(), "sitemap")])[0];
    let urls = parsed["urls"].as_array().unwrap();
    let commentaries: Vec<_> = urls
        .iter()
        .filter(|u| u["loc"].as_str().unwrap().contains("/commentaries/"))
        .collect();
    assert!(!commentaries.is_empty());
    for u in &commentaries {
        let alternates = u["alternates"].as_object().unwrap();
        let loc = u["loc"].as_str().unwrap();
        assert!(alternates.values().any(|h| h == loc), "{loc} lists itself");
        assert!(
            alternates.contains_key("x-default") || alternates.len() <= 1,
            "{loc}"
        );
        assert!(
            !u["lastmod"].as_str().unwrap().is_empty(),
            "{loc} has a date"
        );
        // Each alternate is itself in the sitemap and names the same set.
        for href in alternates.values() {
            assert!(
                urls.iter().any(|o| o["loc"] == *href),
                "{href} (from {loc}) is listed"
            );
        }
    }
}

#[tokio::test]
async fn a_large_sitemap_becomes_an_index_of_parts() {
    let site = site().await;
    let whole = site.get("/sitemap.xml").await.body;
    let count = whole.matches("<url>").count();
    site.state.set_sitemap_urls(25);
    let index = site.get("/sitemap.xml").await;
    assert!(index.body.contains("<sitemapindex"), "{}", index.body);
    let parts = index.body.matches("<sitemap>").count();
    assert_eq!(parts, count.div_ceil(25));
    // Each `<url>` of the whole, alternates and all, in its order.
    let urls = |xml: &str| -> Vec<String> {
        xml.split("<url>")
            .skip(1)
            .map(|u| u.split("</url>").next().unwrap().to_owned())
            .collect()
    };
    let mut again = Vec::new();
    for n in 1..=parts {
        assert!(
            index
                .body
                .contains(&format!("<loc>{BASE}/sitemaps/{n}.xml</loc>"))
        );
        let part = site.get(&format!("/sitemaps/{n}.xml")).await;
        assert_eq!(part.status, StatusCode::OK, "part {n}");
        let found = urls(&part.body);
        assert!(
            found.len() <= 25 && !found.is_empty(),
            "part {n}: {}",
            found.len()
        );
        again.extend(found);
        if tools_present() {
            check(&[(part.body, "sitemap")]);
        }
    }
    assert_eq!(again.len(), count);
    assert_eq!(
        again,
        urls(&whole),
        "the parts hold every address once, in order"
    );
    let past = site.get(&format!("/sitemaps/{}.xml", parts + 1)).await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_the_workspace() {
    let site = site().await;
    let robots = site.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(robots.header("content-type").starts_with("text/plain"));
    assert!(robots.body.contains("User-agent: *"));
    assert!(robots.body.contains("Disallow: /workspace/"));
    assert!(
        robots
            .body
            .contains(&format!("Sitemap: {BASE}/sitemap.xml"))
    );
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD in the head")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

fn meta(html: &str, property: &str) -> Option<String> {
    let key = format!("property=\"{property}\" content=\"");
    let at = html.find(&key)? + key.len();
    Some(html[at..at + html[at..].find('"')?].to_owned())
}

#[tokio::test]
async fn pages_carry_canonical_opengraph_twitter_and_json_ld() {
    let site = site().await;
    let feed: serde_json::Value =
        serde_json::from_str(&site.get("/ru/feed.json").await.body).unwrap();
    let url = feed["items"][0]["url"].as_str().unwrap().to_owned();
    let title = feed["items"][0]["title"].as_str().unwrap().to_owned();
    let page = site.get(url.strip_prefix(BASE).unwrap()).await;
    let html = &page.body;
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
    assert_eq!(meta(html, "og:type").as_deref(), Some("article"));
    assert_eq!(meta(html, "og:url").as_deref(), Some(url.as_str()));
    assert_eq!(meta(html, "og:locale").as_deref(), Some("ru_RU"));
    assert!(meta(html, "article:published_time").is_some());
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    let ld = json_ld(html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "AnalysisNewsArticle");
    assert_eq!(ld["inLanguage"], "ru");
    assert_eq!(ld["url"], url.as_str());
    assert!(!ld["author"].as_array().unwrap().is_empty());
    assert!(title.contains(ld["headline"].as_str().unwrap()) || ld["headline"] == title.as_str());

    let edition = site.get("/en/editions/1/").await.body;
    let ld = json_ld(&edition);
    assert_eq!(ld["@type"], "PublicationIssue");
    assert_eq!(ld["issueNumber"], 1);
    assert!(!ld["hasPart"].as_array().unwrap().is_empty());
    assert_eq!(meta(&edition, "og:type").as_deref(), Some("website"));
}

#[tokio::test]
async fn hostile_titles_cannot_break_out_of_the_json_ld() {
    let site = site().await;
    let title = "</script><script>alert(1)</script> & \"quotes\"";
    add_story(
        &site,
        "hostile-title",
        title,
        Status::Published,
        Some(NOW - 60),
    )
    .await;
    let page = site.get("/en/commentaries/hostile-title/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<script>alert(1)"),
        "raw script in the page"
    );
    assert_eq!(
        page.body.matches("<script").count(),
        1,
        "only the JSON-LD block"
    );
    // What readers see is the title set in English typography.
    let shown = "</script><script>alert(1)</script> & “quotes”";
    assert_eq!(json_ld(&page.body)["headline"], shown);
    for ext in ["xml", "atom"] {
        let feed = site.get(&format!("/en/feed.{ext}")).await.body;
        assert!(
            !feed.contains("<script>alert(1)"),
            "raw script in the {ext} feed"
        );
    }
    // In JSON Feed a title is plain text (readers show it as such); only
    // content_html is HTML, and it is sanitized.
    let json: serde_json::Value =
        serde_json::from_str(&site.get("/en/feed.json").await.body).unwrap();
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == shown)
        .expect("the story is in the feed");
    assert!(!item["content_html"].as_str().unwrap().contains("<script"));
}

#[tokio::test]
async fn every_page_announces_its_feeds() {
    let site = site().await;
    for (path, page) in site.crawl(&LANGS).await {
        if page.status != StatusCode::OK || !page.header("content-type").starts_with("text/html") {
            continue;
        }
        let lang = &path[1..3];
        for (ext, _) in FORMATS {
            assert!(
                page.body.contains(&format!("href=\"/{lang}/feed.{ext}\"")),
                "{path} announces /{lang}/feed.{ext}"
            );
        }
        let path = path.split('?').next().unwrap();
        if path.contains("/trends/") && path.len() > "/xx/trends/".len() {
            let slug = path.trim_end_matches('/').rsplit('/').next().unwrap();
            assert!(
                page.body
                    .contains(&format!("href=\"/{lang}/trends/{slug}/feed.xml\"")),
                "{path} announces its trend's feed"
            );
        }
    }
}
