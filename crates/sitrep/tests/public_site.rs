//! The public site, driven through the real router on a real SQLite file.

mod common;

use common::{NOW, Site, links};
use http::StatusCode;
use sitrep_core::{EditionWeek, Lang, Slug, Status};
use sitrep_store::{NewCommentary, NewEdition, NewVersion};

const LANGS: [&str; 3] = ["be", "ru", "en"];
const DRAFT_SLUGS: [&str; 3] = [
    "armiya-atrymlivae-mandat-na-hramadski-paradak",
    "armiya-poluchaet-mandat-na-obshchestvennyj-poryadok",
    "the-army-gets-a-public-order-mandate",
];
const SCHEDULED_SLUGS: [&str; 3] = [
    "vera-halina-robits-stauku-na-myastsovykh-kandydatau",
    "vera-galina-delaet-stavku-na-mestnykh-kandidatov",
    "vera-halina-bets-on-local-candidates",
];
/// Words of the draft's and the scheduled commentary's titles (en, ru, be).
const UNPUBLISHED_TITLES: [&str; 6] = [
    "public order&quot; mandate",
    "bets on local candidates",
    "мандат на «общественный порядок»",
    "делает ставку на местных кандидатов",
    "мандат на «грамадскі парадак»",
    "робіць стаўку на мясцовых кандыдатаў",
];
const ONLY_BE_RU_SLUG: &str = "zamarozhanyya-tseny-pustyya-zaprauki";

#[tokio::test]
async fn every_linked_page_in_every_language_answers() {
    let site = Site::demo().await;
    let pages = site.crawl(&LANGS).await;
    for lang in LANGS {
        for kind in [
            "/",
            "/editions/",
            "/editions/1/",
            "/editions/4/",
            "/trends/",
            "/trends/economy/",
            "/pages/about/",
            "/pages/projects/",
        ] {
            let path = format!("/{lang}{kind}");
            assert!(
                pages.contains_key(&path),
                "{path} is not linked from the site"
            );
        }
        let commentaries = pages
            .keys()
            .filter(|p| p.starts_with(&format!("/{lang}/commentaries/")))
            .count();
        // 18 public commentaries; in English one of them is shown in fallback.
        assert_eq!(commentaries, 18, "{lang}");
    }
    for (path, page) in pages.iter().filter(|(p, _)| !p.contains("/feed.")) {
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.is_html(), "{path}");
        let lang = &path[1..3];
        assert!(
            page.body.contains(&format!("<html lang=\"{lang}\">")),
            "{path} lacks its lang attribute"
        );
        assert!(page.body.contains("hreflang="), "{path} has no alternates");
    }
}

#[tokio::test]
async fn drafts_and_scheduled_versions_appear_nowhere() {
    let site = Site::demo().await;
    let pages = site.crawl(&LANGS).await;
    for (path, page) in &pages {
        for slug in DRAFT_SLUGS.iter().chain(&SCHEDULED_SLUGS) {
            assert!(
                !page.body.contains(slug),
                "{path} links to unpublished {slug}"
            );
        }
        for title in UNPUBLISHED_TITLES {
            assert!(
                !page.body.contains(title),
                "{path} shows an unpublished title ({title})"
            );
        }
    }
    for lang in LANGS {
        for slug in DRAFT_SLUGS.iter().chain(&SCHEDULED_SLUGS) {
            let page = site.get(&format!("/{lang}/commentaries/{slug}/")).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{lang} {slug}");
        }
    }
    // The latest edition counts only what is public: 6 written, 4 out.
    let home = site.get("/ru/").await;
    assert!(home.body.contains("4 комментария"), "{}", home.body);
    let security = site.get("/en/trends/security/").await;
    assert!(
        security.body.contains("2 commentaries"),
        "{}",
        security.body
    );
}

#[tokio::test]
async fn a_scheduled_version_appears_when_its_time_comes() {
    let site = Site::demo().await;
    let path = format!("/en/commentaries/{}/", SCHEDULED_SLUGS[2]);
    assert_eq!(site.get(&path).await.status, StatusCode::NOT_FOUND);
    site.set_now(NOW + 3 * 86_400 + 1);
    let page = site.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(site.get("/en/").await.body.contains(SCHEDULED_SLUGS[2]));
    assert!(site.get("/ru/").await.body.contains("5 комментариев"));
}

#[tokio::test]
async fn a_missing_translation_falls_back_with_a_visible_note() {
    let site = Site::demo().await;
    let page = site
        .get(&format!("/en/commentaries/{ONLY_BE_RU_SLUG}/"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("has not been translated into English yet. It is shown in Belarusian."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<article class=\"commentary\" lang=\"be\">")
    );
    assert!(page.body.contains("<html lang=\"en\">"));
    // The canonical address is the Belarusian original's.
    assert!(page.body.contains(&format!(
        "rel=\"canonical\" href=\"/be/commentaries/{ONLY_BE_RU_SLUG}/\""
    )));
    // No alternate claims an English version.
    assert!(!page.body.contains("hreflang=\"en\" href"), "{}", page.body);
    // Lists say so too.
    let home = site.get("/en/").await;
    assert!(home.body.contains("in Belarusian"), "{}", home.body);
}

#[tokio::test]
async fn the_language_switcher_keeps_the_reader_on_the_same_commentary() {
    let site = Site::demo().await;
    let page = site
        .get("/en/commentaries/the-central-bank-buys-time/")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for (lang, slug) in [
        ("be", "tsentrabank-vyihrae-chas"),
        ("ru", "tsentrobank-vyigryvaet-vremya"),
    ] {
        let href = format!("/{lang}/commentaries/{slug}/");
        assert!(
            page.body.contains(&format!(
                "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\">"
            )),
            "{lang}"
        );
        assert!(
            page.body.contains(&format!(
                "<a href=\"{href}\" hreflang=\"{lang}\" lang=\"{lang}\">"
            )),
            "{lang}"
        );
        assert_eq!(site.get(&href).await.status, StatusCode::OK);
    }
    // Another language's slug under /en/ leads to the English version.
    let moved = site.get("/en/commentaries/tsentrabank-vyihrae-chas/").await;
    assert_eq!(moved.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        moved.header("location"),
        "/en/commentaries/the-central-bank-buys-time/"
    );
}

#[tokio::test]
async fn commentary_page_shows_what_readers_expect() {
    let site = Site::demo().await;
    let page = site.get("/be/commentaries/tsentrabank-vyihrae-chas/").await;
    let b = &page.body;
    assert!(b.contains("Сітуацыя не змянілася"), "assessment line");
    assert!(b.contains("<p class=\"lead\"><strong>"), "bold lead");
    assert!(b.contains("<table>"), "the body's table");
    assert!(b.contains("Эканоміка"), "trend");
    assert!(b.contains("/be/editions/2/"), "edition link");
    assert!(b.contains("Апублікавана "), "publication date");
    assert!(b.contains("Падобныя каментарыі"), "read more");
    let more = b
        .split("id=\"more-title\"")
        .nth(1)
        .expect("a read-more list");
    assert!(
        more.matches("/be/commentaries/").count() >= 2,
        "others listed"
    );
    assert!(
        !more.contains("/be/commentaries/tsentrabank-vyihrae-chas/"),
        "not itself"
    );
    assert!(
        b.contains("<dt>Аўтар</dt>") || b.contains("<dt>Аўтары</dt>"),
        "authors"
    );
}

#[tokio::test]
async fn root_chooses_cookie_then_accept_language_then_default() {
    let site = Site::demo().await;
    let to = |p: common::Page| (p.status, p.header("location").to_owned());
    assert_eq!(to(site.get("/").await), (StatusCode::FOUND, "/be/".into()));
    assert_eq!(
        to(site
            .get_with("/", &[("accept-language", "en-GB,en;q=0.9")])
            .await)
        .1,
        "/en/"
    );
    assert_eq!(
        to(site
            .get_with("/", &[("accept-language", "de, ru;q=0.5")])
            .await)
        .1,
        "/ru/"
    );
    assert_eq!(
        to(site
            .get_with(
                "/",
                &[("accept-language", "en"), ("cookie", "a=b; sitrep_lang=ru")]
            )
            .await)
        .1,
        "/ru/"
    );
    // Reading a page remembers its language; a page in the remembered
    // language does not set the cookie again.
    let page = site.get("/ru/trends/").await;
    assert!(
        page.header("set-cookie")
            .starts_with("sitrep_lang=ru; Path=/;"),
        "{:?}",
        page.headers
    );
    assert!(
        site.get_with("/ru/", &[("cookie", "sitrep_lang=ru")])
            .await
            .header("set-cookie")
            .is_empty()
    );
    assert!(
        site.get("/ru/nothing-here/")
            .await
            .header("set-cookie")
            .is_empty()
    );
    // A cookie naming no site language is ignored.
    assert_eq!(
        to(site
            .get_with(
                "/",
                &[("cookie", "sitrep_lang=xx"), ("accept-language", "en")]
            )
            .await)
        .1,
        "/en/"
    );
}

#[tokio::test]
async fn bad_page_numbers_get_a_clear_localized_400() {
    let site = Site::demo().await;
    let expected = [
        ("be", "Нумар старонкі мусіць быць цэлым лікам"),
        ("ru", "Номер страницы должен быть целым числом"),
        ("en", "The page number must be a whole number"),
    ];
    for (lang, message) in expected {
        for bad in ["-1", "abc", "99999999999", "0", "1e3", "%00", "%FF%FE"] {
            for base in ["editions/", "trends/economy/"] {
                let page = site.get(&format!("/{lang}/{base}?page={bad}")).await;
                assert_eq!(page.status, StatusCode::BAD_REQUEST, "{lang} {base} {bad}");
                assert!(
                    page.body.contains(message) || bad.starts_with('%'),
                    "{lang} {bad}: {}",
                    page.body
                );
                assert!(page.body.contains(&format!("<html lang=\"{lang}\">")));
            }
        }
        // Past the last page is a page that does not exist.
        assert_eq!(
            site.get(&format!("/{lang}/editions/?page=2")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn unknown_addresses_get_a_localized_404_never_a_500() {
    let site = Site::demo().await;
    let probes = [
        ("/xx/", "Старонку не знойдзена"),
        ("/de/editions/", "Старонку не знойдзена"),
        ("/en/editions/999/", "Page not found"),
        ("/en/editions/-3/", "Page not found"),
        ("/en/editions/99999999999999999999999/", "Page not found"),
        ("/ru/commentaries/no-such-thing/", "Страница не найдена"),
        ("/ru/commentaries/..%2F..%2Fetc/", "Страница не найдена"),
        ("/ru/commentaries/%D0%B0/", "Страница не найдена"),
        ("/en/trends/nope/", "Page not found"),
        ("/en/pages/nope/", "Page not found"),
        ("/en/pages/%00/", "Page not found"),
        ("/en/a/b/c/d/", "Page not found"),
        ("/static/evil.css", ""),
    ];
    for (path, text) in probes {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains(text), "{path}: {}", page.body);
    }
    let long = format!("/en/commentaries/{}/", "a".repeat(5000));
    assert_eq!(site.get(&long).await.status, StatusCode::NOT_FOUND);
    // Missing trailing slash: a redirect within the site, never elsewhere.
    let page = site.get("/en/trends").await;
    assert_eq!(page.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(page.header("location"), "/en/trends/");
    let page = site.get("//evil.example").await;
    assert!(!page.header("location").starts_with("//"), "open redirect");
}

#[tokio::test]
async fn dates_and_plurals_are_right_on_the_pages() {
    let site = Site::empty().await;
    let mut w = site.store.writer().await.unwrap();
    let l = |c: &str| Lang::parse(c).unwrap();
    let trend = w
        .trend(
            &Slug::parse("economy").unwrap(),
            0,
            &[(l("en"), "Economy", "")],
        )
        .await
        .unwrap();
    let assessment = w
        .assessment(
            "unchanged",
            0,
            0,
            &[(l("en"), "The situation has not changed")],
        )
        .await
        .unwrap();
    let week = EditionWeek::parse("2017-07-03", "2017-07-09").unwrap();
    let edition = w
        .edition(
            &NewEdition {
                number: 1,
                week,
                email_at: None,
                web_at: Some(NOW - 10),
            },
            NOW,
        )
        .await
        .unwrap();
    for i in 0..21 {
        let c = w
            .commentary(
                &NewCommentary {
                    edition_id: edition,
                    trend_id: trend,
                    assessment_id: assessment,
                    position: i,
                    authors: &[],
                },
                NOW,
            )
            .await
            .unwrap();
        for lang in LANGS {
            let slug = Slug::parse(&format!("c{i}-{lang}")).unwrap();
            let v = NewVersion {
                commentary_id: c,
                lang: l(lang),
                slug: &slug,
                title: "T",
                lead: "L",
                body: "B",
                status: Status::Published,
                published_at: Some(NOW - 10),
            };
            w.version(&v, NOW).await.unwrap();
        }
    }
    w.commit().await.unwrap();
    for (lang, range, count) in [
        ("be", "3–9 ліпеня 2017", "21 каментарый"),
        ("ru", "3–9 июля 2017", "21 комментарий"),
        ("en", "July 3 – 9, 2017", "21 commentaries"),
    ] {
        let page = site.get(&format!("/{lang}/editions/1/")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(range), "{lang}: {range}");
        assert!(page.body.contains(count), "{lang}: {count}");
        assert!(!page.body.contains("M07"), "{lang}: raw month code");
    }
}

#[tokio::test]
async fn hostile_markdown_in_a_stored_body_renders_inert() {
    let site = Site::demo().await;
    let mut w = site.store.writer().await.unwrap();
    let l = Lang::parse("en").unwrap();
    let catalog = site.store.catalog().await.unwrap();
    let week = EditionWeek::parse("2026-11-23", "2026-11-29").unwrap();
    let edition = w
        .edition(
            &NewEdition {
                number: 99,
                week,
                email_at: None,
                web_at: Some(NOW - 5),
            },
            NOW,
        )
        .await
        .unwrap();
    let c = w
        .commentary(
            &NewCommentary {
                edition_id: edition,
                trend_id: catalog.trends[0].id,
                assessment_id: catalog.assessments[0].id,
                position: 0,
                authors: &[],
            },
            NOW,
        )
        .await
        .unwrap();
    let slug = Slug::parse("hostile").unwrap();
    let body = "Hello <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)> \
                <iframe src=\"https://evil.example/\"></iframe> ![p](https://tracker.example/p.gif) \
                <a href=\"https://example.org\" onclick=\"alert(4)\">ok</a>";
    let v = NewVersion {
        commentary_id: c,
        lang: l,
        slug: &slug,
        title: "<script>alert('title')</script>",
        lead: "\"><img src=x onerror=alert(5)>",
        body,
        status: Status::Published,
        published_at: Some(NOW - 5),
    };
    w.version(&v, NOW).await.unwrap();
    w.commit().await.unwrap();
    for path in [
        "/en/commentaries/hostile/",
        "/en/",
        "/en/editions/99/",
        "/en/trends/",
    ] {
        let page = site.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let b = page.body_without_json_ld().to_ascii_lowercase();
        for bad in [
            "<script",
            "href=\"javascript",
            "<img src=x",
            "onerror=\"",
            "onclick=\"",
            "<iframe",
            "tracker.example",
            "evil.example",
        ] {
            assert!(!b.contains(bad), "{path} contains {bad}");
        }
    }
    let page = site.get("/en/commentaries/hostile/").await;
    // Shown as text (in English typography's quotes).
    assert!(
        page.body
            .contains("&lt;script&gt;alert(‘title’)&lt;/script&gt;"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn every_page_forbids_script_and_other_origins() {
    let site = Site::demo().await;
    let pages = site.crawl(&["en"]).await;
    for (path, page) in &pages {
        let csp = page.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(page.header("x-content-type-options"), "nosniff");
        assert_eq!(page.header("referrer-policy"), "no-referrer");
        if !page.is_html() {
            continue; // feeds
        }
        let b = page.body_without_json_ld().to_ascii_lowercase();
        assert!(!b.contains("<script"), "{path} has a script");
        assert!(!b.contains(" style="), "{path} has inline style");
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(
                !b.contains(attr),
                "{path} refers to another origin ({attr})"
            );
        }
    }
}

#[tokio::test]
async fn an_article_page_with_its_stylesheet_stays_under_50_kb() {
    let site = Site::demo().await;
    let pages = site.crawl(&["en"]).await;
    let css_href = links_to_css(&pages["/en/"].body);
    let css = site.get(&css_href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("cache-control").contains("immutable"));
    let largest = pages
        .iter()
        .filter(|(p, _)| p.starts_with("/en/commentaries/"))
        .map(|(_, page)| page.body.len())
        .max()
        .unwrap();
    assert!(
        largest + css.body.len() < 50 * 1024,
        "{largest} + {}",
        css.body.len()
    );
}

fn links_to_css(html: &str) -> String {
    let start = html.find("href=\"/static/").expect("stylesheet link") + 6;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn archive_pages_through_many_editions() {
    let site = Site::demo().await;
    let mut w = site.store.writer().await.unwrap();
    let catalog = site.store.catalog().await.unwrap();
    let en = Lang::parse("en").unwrap();
    for n in 0..30_i64 {
        let start: jiff::civil::Date = "2020-01-06".parse().unwrap();
        let start = start + jiff::Span::new().days(7 * n);
        let week = EditionWeek::new(start, start + jiff::Span::new().days(6)).unwrap();
        let e = w
            .edition(
                &NewEdition {
                    number: 100 + n,
                    week,
                    email_at: None,
                    web_at: Some(NOW - 100),
                },
                NOW,
            )
            .await
            .unwrap();
        let c = w
            .commentary(
                &NewCommentary {
                    edition_id: e,
                    trend_id: catalog.trends[1].id,
                    assessment_id: catalog.assessments[1].id,
                    position: 0,
                    authors: &[],
                },
                NOW,
            )
            .await
            .unwrap();
        let slug = Slug::parse(&format!("old-{n}")).unwrap();
        w.version(
            &NewVersion {
                commentary_id: c,
                lang: en,
                slug: &slug,
                title: "Old",
                lead: "Lead",
                body: "Body",
                status: Status::Published,
                published_at: Some(NOW - 100),
            },
            NOW,
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    let first = site.get("/en/editions/").await;
    assert!(first.body.contains("Page 1 of 2"), "{}", first.body);
    assert!(first.body.contains("href=\"/en/editions/?page=2\""));
    let second = site.get("/en/editions/?page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("Page 2 of 2"));
    assert_eq!(
        links(&second.body)
            .iter()
            .filter(|l| l.starts_with("/en/editions/1"))
            .count(),
        14
    );
    // The newest edition is still the demo's: older weeks sort after it.
    assert!(first.body.contains("/en/editions/4/"));
    let trend = site.get("/ru/trends/foreign-policy/?page=3").await;
    assert_eq!(trend.status, StatusCode::OK);
    assert!(trend.body.contains("Страница 3 из 4"), "{}", trend.body);
}

#[tokio::test]
async fn a_scaled_demo_is_a_bigger_site_in_date_order() {
    let site = Site::empty().await;
    let loaded = sitrep::demo::load_scaled(&site.store, NOW, 40, &|_, _| {})
        .await
        .expect("the scaled demo loads");
    // 40 generated commentaries fill three editions before the demo's four.
    assert_eq!(loaded.editions, 7);
    assert_eq!(loaded.commentaries, 40 + 20);
    let editions = site.store.desk_editions().await.unwrap();
    let mut by_number: Vec<_> = editions
        .iter()
        .map(|e| (e.number, e.week_start.clone()))
        .collect();
    by_number.sort();
    assert!(
        by_number.windows(2).all(|w| w[0].1 < w[1].1),
        "numbers follow the weeks: {by_number:?}"
    );
    for n in 1..=7 {
        let page = site.get(&format!("/ru/editions/{n}/")).await;
        assert_eq!(page.status, StatusCode::OK, "edition {n}");
    }
    let first = site.get("/en/editions/1/").await.body;
    assert!(
        first.matches("class=\"card\"").count() >= 19,
        "a full generated edition"
    );
}

/// The trends index lists names in each language's alphabetical order
/// (ICU collation), not in the editors' order nor by code point.
#[tokio::test]
async fn the_trends_index_is_in_each_languages_alphabetical_order() {
    let site = Site::demo().await;
    for (lang, names) in [
        (
            "be",
            [
                "Бяспека і абарона",
                "Грамадства",
                "Знешняя палітыка",
                "Кіроўная эліта",
                "Эканоміка",
            ],
        ),
        (
            "ru",
            [
                "Безопасность и оборона",
                "Внешняя политика",
                "Общество",
                "Правящая элита",
                "Экономика",
            ],
        ),
        (
            "en",
            [
                "Economy",
                "Foreign policy",
                "Security and defence",
                "Society",
                "The ruling elite",
            ],
        ),
    ] {
        let page = site.get(&format!("/{lang}/trends/")).await;
        assert_eq!(page.status, StatusCode::OK);
        let main = &page.body[page.body.find("<main").unwrap()..];
        let at: Vec<usize> = names
            .iter()
            .map(|n| {
                main.find(n)
                    .unwrap_or_else(|| panic!("{lang}: {n} missing"))
            })
            .collect();
        assert!(at.is_sorted(), "{lang}: {names:?} appear at {at:?}");
    }
}
