//! Search as readers and operators meet it, through the real router (and,
//! once, the real binary): inflected forms in Belarusian, Russian and
//! English; results that follow publication to the second and on every
//! node; hostile input that gets a localized 400, never a 500; the
//! no-results page and its links to other languages; filters, phrases and
//! paging; the search box on every page; the "similar commentaries" list;
//! and an index that rebuilds itself after damage.
//!
//! Every commentary text here is made up for these tests.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::process::{BinSite, Server, http_get};
use common::{NOW, Page, Site, links};
use http::StatusCode;
use sitrep_core::{Lang, Slug, Status};
use sitrep_i18n::Arg;
use sitrep_store::{NewCommentary, NewVersion};

const LANGS: [&str; 3] = ["be", "ru", "en"];

fn parse_lang(code: &str) -> Lang {
    Lang::parse(code).expect("a language code")
}

/// `text` as a query-string value.
fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn commentary_href(lang: &str, slug: &str) -> String {
    format!("/{lang}/commentaries/{slug}/")
}

/// Text as the templates write it into HTML.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A UI message as the page shows it.
fn message(site: &Site, lang_code: &str, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    html_escape(&site.state.i18n.t_args(parse_lang(lang_code), id, args))
}

/// One language version of a commentary a test adds.
struct Text<'a> {
    lang: &'a str,
    slug: &'a str,
    title: &'a str,
    lead: &'a str,
    body: &'a str,
}

/// Adds a commentary to the demo's latest edition (trend by slug,
/// assessment by key) with `texts`, each published at `published_at`;
/// returns its id.
async fn add(
    site: &Site,
    trend: &str,
    assessment: &str,
    position: i64,
    published_at: i64,
    texts: &[Text<'_>],
) -> i64 {
    let catalog = site.store.catalog().await.expect("catalog");
    let edition = site
        .store
        .public(NOW)
        .latest_edition()
        .await
        .expect("latest edition")
        .expect("the demo has a public edition");
    let mut w = site.store.writer().await.expect("writer");
    let id = w
        .commentary(
            &NewCommentary {
                edition_id: edition.id,
                trend_id: catalog.trend_by_slug(trend).expect("a demo trend").id,
                assessment_id: catalog
                    .assessments
                    .iter()
                    .find(|a| a.key == assessment)
                    .expect("a demo assessment")
                    .id,
                position,
                authors: &[],
            },
            NOW,
        )
        .await
        .expect("commentary");
    for t in texts {
        let slug = Slug::parse(t.slug).expect("a valid slug");
        w.version(
            &NewVersion {
                commentary_id: id,
                lang: parse_lang(t.lang),
                slug: &slug,
                title: t.title,
                lead: t.lead,
                body: t.body,
                status: Status::Published,
                published_at: Some(published_at),
            },
            NOW,
        )
        .await
        .expect("version");
    }
    w.commit().await.expect("commit");
    id
}

/// GETs `/{lang}/search?{query}` and checks it is an HTML page that is not a
/// server error.
async fn search(router: &axum::Router, lang: &str, query: &str) -> Page {
    let path = format!("/{lang}/search?{query}");
    let page = Site::get_from(router, &path).await;
    assert!(
        !page.status.is_server_error(),
        "{path} answered {}: {}",
        page.status,
        page.body
    );
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{path} is not HTML: {}",
        page.header("content-type")
    );
    assert!(page.body.contains("<h1"), "{path} has no heading");
    page
}

/// Polls `check` on the search for `query` until it holds (another node
/// learns of a commit within a moment, not at once).
async fn until(router: &axum::Router, lang: &str, query: &str, check: impl Fn(&Page) -> bool) {
    let start = Instant::now();
    loop {
        let page = search(router, lang, query).await;
        if check(&page) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "/{lang}/search?{query} never changed: {}",
            page.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One result on a search page.
#[derive(Debug)]
struct Hit {
    href: String,
    trend: String,
    assessment: String,
    edition: String,
    html: String,
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

fn hits(body: &str) -> Vec<Hit> {
    body.split("<article class=\"card search-hit\">")
        .skip(1)
        .map(|part| {
            let html = part.split("</article>").next().unwrap_or("").to_owned();
            let field = |start, end| between(&html, start, end).unwrap_or("").to_owned();
            Hit {
                href: field("<a href=\"", "\""),
                trend: field("class=\"trend\" href=\"", "\""),
                // The demo's scale by the tone its class shows.
                assessment: match field("class=\"assessment ", "\"").as_str() {
                    "tone-up1" => "improved",
                    "tone-0" => "unchanged",
                    "tone-down1" => "deteriorated",
                    other => other,
                }
                .to_owned(),
                edition: links(&html)
                    .into_iter()
                    .find(|l| l.contains("/editions/"))
                    .unwrap_or_default(),
                html: html.clone(),
            }
        })
        .collect()
}

fn hrefs(page: &Page) -> Vec<String> {
    hits(&page.body).into_iter().map(|h| h.href).collect()
}

/// The commentaries of a commentary page's "Read more" list, in order.
fn read_more(body: &str) -> Vec<String> {
    let Some(section) = body
        .split("id=\"more-title\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for l in links(section) {
        if l.contains("/commentaries/") && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// The text of the element with id="search-error", if any.
fn search_error(body: &str) -> Option<&str> {
    let rest = body.split("id=\"search-error\"").nth(1)?;
    between(rest, ">", "</p>")
}

/// The value of the search box (`id="search-q"`), as written in the HTML.
fn search_box(body: &str) -> &str {
    body.split("id=\"search-q\"")
        .nth(1)
        .and_then(|rest| between(rest, "value=\"", "\""))
        .unwrap_or("")
}

// ---------------------------------------------------------------------------

#[tokio::test]
async fn inflected_forms_are_found_in_all_three_languages() {
    let site = Site::demo().await;
    add(
        &site,
        "economy",
        "deteriorated",
        100,
        NOW - 60,
        &[
            Text {
                lang: "be",
                slug: "urad-pahrazhae-sanktsyiami-hrushavym-sushylniam",
                title: "Урад пагражае санкцыямі грушавым сушыльням",
                lead: "Гандлёвая палата незадаволеная якасцю сушаных груш.",
                body: "У сярэдзіне ліпеня інспектары абышлі дванаццаць сушыльняў \
                       на поўначы краіны і знайшлі парушэнні ў дзевяці.",
            },
            Text {
                lang: "ru",
                slug: "pravitelstvo-grozit-sanktsiyami-grushevym-sushilnyam",
                title: "Правительство грозит санкциями грушевым сушильням",
                lead: "Торговая палата недовольна качеством сушёных груш.",
                body: "В середине июля инспекторы обошли двенадцать сушилен \
                       на севере страны и нашли нарушения в девяти.",
            },
            Text {
                lang: "en",
                slug: "government-threatens-pear-driers-with-sanctions",
                title: "The government threatens pear driers with sanctions",
                lead: "The chamber of trade is unhappy with the quality of dried pears.",
                body: "In mid-July inspectors visited twelve drying sheds in the \
                       north of the country and found faults in nine.",
            },
        ],
    )
    .await;
    for (lang, query, slug, marked) in [
        (
            "be",
            "ліпень",
            "urad-pahrazhae-sanktsyiami-hrushavym-sushylniam",
            "ліпеня",
        ),
        (
            "be",
            "санкцыі",
            "urad-pahrazhae-sanktsyiami-hrushavym-sushylniam",
            "санкцыямі",
        ),
        (
            "ru",
            "санкции",
            "pravitelstvo-grozit-sanktsiyami-grushevym-sushilnyam",
            "санкциями",
        ),
        (
            "en",
            "sanction",
            "government-threatens-pear-driers-with-sanctions",
            "sanctions",
        ),
    ] {
        let page = search(&site.router, lang, &format!("q={}", enc(query))).await;
        assert_eq!(page.status, StatusCode::OK, "{lang} {query}");
        let href = commentary_href(lang, slug);
        let hit = hits(&page.body)
            .into_iter()
            .find(|h| h.href == href)
            .unwrap_or_else(|| panic!("/{lang}/search?q={query} does not find {href}"));
        assert!(
            hit.html.contains(&format!("<mark>{marked}</mark>")),
            "/{lang}/search?q={query}: the found form {marked} is not marked: {}",
            hit.html
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_follow_publication_to_the_second_on_every_node() {
    let site = Site::demo().await;
    let other = Site::on_same(&site).await;
    // Published now, in another trend, sharing its vocabulary with the
    // scheduled one: its "Read more" list is the "similar" list.
    let companion = "lighthouse-keepers-ask-for-paraffin";
    add(
        &site,
        "society",
        "unchanged",
        100,
        NOW - 60,
        &[Text {
            lang: "en",
            slug: companion,
            title: "Lighthouse keepers ask for paraffin",
            lead: "The keepers of the northern lighthouses say their paraffin runs out by March.",
            body: "Eleven lighthouse keepers signed a letter about paraffin rations, \
                   foghorn repairs and the cost of lamp wicks on the Skellmoor coast.",
        }],
    )
    .await;
    let scheduled = "skellmoor-lighthouse-keepers-stop-work";
    let scheduled_id = add(
        &site,
        "economy",
        "deteriorated",
        101,
        NOW + 600,
        &[Text {
            lang: "en",
            slug: scheduled,
            title: "Skellmoor lighthouse keepers stop work",
            lead: "Without paraffin, the lamps on the Skellmoor coast go dark.",
            body: "The lighthouse keepers of Skellmoor stopped work over paraffin \
                   rations, foghorn repairs and the price of lamp wicks.",
        }],
    )
    .await;
    let href = commentary_href("en", scheduled);
    let query = "q=skellmoor";
    let companion_page = format!("/en/commentaries/{companion}/");
    let nodes = [("first node", &site.router), ("second node", &other.router)];

    // A second before its time: nowhere.
    site.set_now(NOW + 599);
    for (node, router) in nodes {
        let page = search(router, "en", query).await;
        let found = hrefs(&page);
        assert!(
            found.contains(&commentary_href("en", companion)),
            "{node}: the companion is found: {found:?}"
        );
        assert!(
            !found.contains(&href),
            "{node}: a version due at NOW+600 is found at NOW+599"
        );
        let more = read_more(&Site::get_from(router, &companion_page).await.body);
        assert!(
            !more.contains(&href),
            "{node}: an unpublished version is in a similar list: {more:?}"
        );
    }

    // At its moment: everywhere, with no job run.
    site.set_now(NOW + 600);
    for (node, router) in nodes {
        let found = hrefs(&search(router, "en", query).await);
        assert!(
            found.contains(&href),
            "{node}: not found at its publication time: {found:?}"
        );
        let more = read_more(&Site::get_from(router, &companion_page).await.body);
        assert!(
            more.contains(&href),
            "{node}: not among the similar commentaries once published: {more:?}"
        );
    }

    // Withdrawn through the first node: gone from both.
    let mut w = site.store.writer().await.unwrap();
    assert!(
        w.set_version_status(
            scheduled_id,
            parse_lang("en"),
            Status::Draft,
            None,
            NOW + 600
        )
        .await
        .unwrap()
    );
    w.commit().await.unwrap();
    let found = hrefs(&search(&site.router, "en", query).await);
    assert!(
        !found.contains(&href),
        "the node that withdrew it still finds it: {found:?}"
    );
    until(&other.router, "en", query, |p| !hrefs(p).contains(&href)).await;
    for (node, router) in nodes {
        let more = read_more(&Site::get_from(router, &companion_page).await.body);
        assert!(
            !more.contains(&href),
            "{node}: a withdrawn version is in a similar list: {more:?}"
        );
    }
}

#[tokio::test]
async fn hostile_queries_never_break_the_page() {
    let site = Site::demo().await;
    // Query strings as a browser, a bot or an attacker might send them;
    // each is only words to the reader's search.
    let harmless = [
        "q=%22+AND+OR+%28+*",
        "q=title%3Ax",
        "q=version%3A%5B0+TO+9%5D",
        "q=body%3A%7Ba+TO+z%7D",
        "q=%00",
        "q=bank%07",
        "q=%1B%5B31mbank",
        "q=%22bank",
        "q=bank%22%22%22",
        "q=%28%28bank",
        "q=bank%29%29",
        "q=*",
        "q=-",
        "q=%2B-%2B",
        "q=-bank",
        "q=%22%22",
        "q=NOT",
        "q=AND+OR+NOT",
        "q=%5C",
        "q=%27",
        "q=bank~2%5E5",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%F0%9F%98%80",
        "q=%ZZbank",
        "q=bank&q=time",
        "q=bank&unknown=1",
    ];
    for lang in LANGS {
        for query in harmless {
            let page = search(&site.router, lang, query).await;
            assert_eq!(
                page.status,
                StatusCode::OK,
                "/{lang}/search?{query}: {}",
                page.body
            );
            assert!(
                !page.body.contains("<script>alert"),
                "/{lang}/search?{query} echoes markup unescaped"
            );
            assert!(
                page.body.contains("id=\"search-q\""),
                "/{lang}/search?{query} is not the search page"
            );
        }
        // Bytes that are not UTF-8: either read leniently or refused, but
        // always the search page.
        for query in ["q=%C3%28", "q=%FF%FE", "q=bank%C3"] {
            let page = search(&site.router, lang, query).await;
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::BAD_REQUEST,
                "/{lang}/search?{query}: {}",
                page.status
            );
        }
    }
    let page = Site::get_from(&site.router, "/xx/search?q=bank").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "an unknown language");
    assert!(page.body.contains("<h1"), "the 404 is a page");
}

#[tokio::test]
async fn bad_search_input_gets_a_localized_400_and_keeps_the_query() {
    let site = Site::demo().await;
    // 10 KB of words: far over the limit of 500 characters.
    let long = format!("{}lantern", "tumbleweed ".repeat(930));
    assert!(long.len() > 10_000);
    let at_limit = "ж".repeat(500);
    let over_limit = "ж".repeat(501);
    let max_page = i64::from(sitrep_core::PageNumber::MAX);
    for lang in LANGS {
        let too_long = message(&site, lang, "search-too-long", &[("max", Arg::Num(500))]);
        let unknown_filter = message(&site, lang, "search-unknown-filter", &[]);
        let bad_date = message(&site, lang, "search-bad-date", &[]);
        let bad_page = message(
            &site,
            lang,
            "bad-page-number",
            &[("max", Arg::Num(max_page))],
        );
        let cases: [(String, &str, &String); 11] = [
            (format!("q={}", enc(&long)), long.as_str(), &too_long),
            (
                format!("q={}", enc(&over_limit)),
                over_limit.as_str(),
                &too_long,
            ),
            (
                "q=budget&trend=no-such-trend".into(),
                "budget",
                &unknown_filter,
            ),
            (
                "q=budget&assessment=splendid".into(),
                "budget",
                &unknown_filter,
            ),
            ("q=budget&from=2026-13-45".into(), "budget", &bad_date),
            ("q=budget&to=2026-02-30".into(), "budget", &bad_date),
            ("q=budget&from=yesterday".into(), "budget", &bad_date),
            ("q=budget&page=0".into(), "budget", &bad_page),
            ("q=budget&page=abc".into(), "budget", &bad_page),
            ("q=budget&page=-3".into(), "budget", &bad_page),
            ("q=budget&page=1000001".into(), "budget", &bad_page),
        ];
        for (query, typed, expected) in &cases {
            let page = search(&site.router, lang, query).await;
            assert_eq!(
                page.status,
                StatusCode::BAD_REQUEST,
                "/{lang}/search?{}",
                &query[..query.len().min(80)]
            );
            assert_eq!(
                search_error(&page.body),
                Some(expected.as_str()),
                "/{lang}/search?{}: the localized message",
                &query[..query.len().min(80)]
            );
            assert_eq!(
                search_box(&page.body),
                html_escape(typed),
                "/{lang}/search?{}: the typed query is kept in the box",
                &query[..query.len().min(80)]
            );
            assert!(
                hits(&page.body).is_empty(),
                "/{lang}/search?{}: no results beside an error",
                &query[..query.len().min(80)]
            );
        }
        // 500 characters (not bytes) are allowed.
        let page = search(&site.router, lang, &format!("q={}", enc(&at_limit))).await;
        assert_eq!(page.status, StatusCode::OK, "/{lang}: 500 characters");
        assert_eq!(search_error(&page.body), None);
    }
    // The messages really are in the page's language.
    let en = message(&site, "en", "search-too-long", &[("max", Arg::Num(500))]);
    let ru = message(&site, "ru", "search-too-long", &[("max", Arg::Num(500))]);
    let be = message(&site, "be", "search-too-long", &[("max", Arg::Num(500))]);
    assert!(en != ru && ru != be && be != en, "{en} / {ru} / {be}");
    assert!(en.contains("500"), "{en}");
}

#[tokio::test]
async fn no_results_give_tips_and_point_to_other_languages() {
    let site = Site::demo().await;
    // Only in Russian.
    add(
        &site,
        "society",
        "unchanged",
        100,
        NOW - 60,
        &[Text {
            lang: "ru",
            slug: "pasechniki-prosyat-zashchity-ot-shershney",
            title: "Пасечники просят защиты от шершней",
            lead: "Пчеловоды южных районов жалуются на нашествие шершней.",
            body: "Союз пасечников Заречья насчитал за лето сорок разорённых \
                   ульев и просит министерство закупить ловушки.",
        }],
    )
    .await;

    // A word nobody wrote.
    for lang in LANGS {
        let page = search(&site.router, lang, "q=flibbertigrumble").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(hits(&page.body).is_empty(), "{lang}: {}", page.body);
        for id in ["search-nothing", "search-tip-spelling", "search-tip-fewer"] {
            let text = message(&site, lang, id, &[]);
            assert!(page.body.contains(&text), "{lang}: no {id} ({text})");
        }
        let l = links(&page.body);
        assert!(
            l.contains(&format!("/{lang}/trends/")),
            "{lang}: no link to the trends"
        );
        assert!(
            !page.body.contains("hreflang=\"ru\" href=\"/ru/search")
                && !l.iter().any(|h| h.contains("/search?q=flibbertigrumble")),
            "{lang}: other languages are offered though none has the word"
        );
    }

    // A Russian word searched in English (and Belarusian): a link to the
    // same search in Russian.
    let word = "шершней";
    let there = format!("/ru/search?q={}", enc(word));
    for lang in ["en", "be"] {
        let page = search(&site.router, lang, &format!("q={}", enc(word))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(hits(&page.body).is_empty(), "{lang}: {}", page.body);
        assert!(
            page.body
                .contains(&message(&site, lang, "search-nothing", &[])),
            "{lang}: the nothing message"
        );
        let russian = site.state.i18n.endonym(parse_lang("ru"));
        let label = site.state.i18n.t_args(
            parse_lang(lang),
            "search-elsewhere",
            &[("count", Arg::Num(1)), ("language", Arg::Str(&russian))],
        );
        let link = format!(
            "<a href=\"{}\" hreflang=\"ru\">{}</a>",
            html_escape(&there),
            html_escape(&label)
        );
        assert!(
            page.body.contains(&link),
            "/{lang}/search?q={word} does not offer {link}: {}",
            page.body
        );
        let unrelated = if lang == "en" { "be" } else { "en" };
        assert!(
            !links(&page.body).contains(&format!("/{unrelated}/search?q={}", enc(word))),
            "{lang}: offers {unrelated}, which does not have the word"
        );
    }
    // And the link leads to the commentary.
    let page = search(&site.router, "ru", &format!("q={}", enc(word))).await;
    assert!(
        hrefs(&page).contains(&commentary_href(
            "ru",
            "pasechniki-prosyat-zashchity-ot-shershney"
        )),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn filters_narrow_results_and_list_by_date_without_words() {
    let site = Site::demo().await;
    let catalog = site.store.catalog().await.unwrap();
    for (trend, assessment, slug, at) in [
        (
            "economy",
            "improved",
            "moorhen-numbers-lift-fen-tourism",
            NOW - 100,
        ),
        (
            "society",
            "deteriorated",
            "moorhen-nests-lost-to-drainage",
            NOW - 50,
        ),
    ] {
        add(
            &site,
            trend,
            assessment,
            0,
            at,
            &[Text {
                lang: "en",
                slug,
                title: &format!("Moorhen report: {}", slug.replace('-', " ")),
                lead: "Birdwatchers counted moorhens along the fen dykes.",
                body: "Volunteers walked the dykes at dawn and counted moorhen \
                       pairs, reed cutters and anglers.",
            }],
        )
        .await;
    }

    // A trend filter keeps only that trend's results.
    let all = hits(&search(&site.router, "en", "q=moorhen").await.body);
    assert_eq!(all.len(), 2, "{all:?}");
    let page = search(&site.router, "en", "q=moorhen&trend=economy").await;
    let found = hits(&page.body);
    assert_eq!(
        found.iter().map(|h| h.href.as_str()).collect::<Vec<_>>(),
        [commentary_href("en", "moorhen-numbers-lift-fen-tourism")],
        "the economy filter"
    );
    assert!(
        page.body.contains("<option value=\"economy\" selected>"),
        "the chosen trend stays chosen"
    );

    // Without words: every commentary of the trend in the reader's
    // language, each linking to it.
    let public = site.store.public(NOW);
    for (lang, trend) in [("en", "economy"), ("be", "society"), ("ru", "security")] {
        let trend_id = catalog.trend_by_slug(trend).unwrap().id;
        let all = public
            .trend_versions(trend_id, 1000, 0, 0)
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.lang.as_str() == lang)
            .count();
        assert!(all > 0, "{lang} {trend}: the demo has some");
        let page = search(&site.router, lang, &format!("trend={trend}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let count = message(
            &site,
            lang,
            "search-count",
            &[("count", Arg::Num(all as i64))],
        );
        assert!(
            page.body.contains(&count),
            "{lang} {trend}: not all {all} listed ({count})"
        );
        let found = hits(&page.body);
        assert_eq!(found.len(), all.min(10), "{lang} {trend}");
        for h in &found {
            assert_eq!(
                h.trend,
                format!("/{lang}/trends/{trend}/"),
                "{lang}: a result outside {trend}: {}",
                h.href
            );
        }
    }

    // An assessment filter likewise.
    for key in ["improved", "unchanged", "deteriorated"] {
        let found = hits(
            &search(&site.router, "en", &format!("assessment={key}"))
                .await
                .body,
        );
        assert!(!found.is_empty(), "{key}: nothing listed");
        for h in &found {
            assert_eq!(h.assessment, key, "{}", h.href);
        }
    }
    let found = hits(
        &search(&site.router, "en", "q=moorhen&assessment=deteriorated")
            .await
            .body,
    );
    assert_eq!(
        found.iter().map(|h| h.href.as_str()).collect::<Vec<_>>(),
        [commentary_href("en", "moorhen-nests-lost-to-drainage")]
    );

    // A date range: the latest edition's week keeps only that edition;
    // a range after every edition finds nothing, and offers the search
    // without filters.
    let latest = site
        .store
        .public(NOW)
        .latest_edition()
        .await
        .unwrap()
        .unwrap();
    let found = hits(
        &search(
            &site.router,
            "en",
            &format!("from={}&to={}", latest.week_start, latest.week_end),
        )
        .await
        .body,
    );
    assert!(!found.is_empty(), "the latest week lists nothing");
    for h in &found {
        assert_eq!(
            h.edition,
            format!("/en/editions/{}/", latest.number),
            "{}",
            h.href
        );
    }
    // The week's last day still counts; the day after has nothing, as no
    // edition is newer.
    let query = format!("q=moorhen&from={}", latest.week_end);
    let found = hrefs(&search(&site.router, "en", &query).await);
    assert_eq!(found.len(), 2, "from the week's last day: {found:?}");
    let after: jiff::civil::Date = latest.week_end.parse().unwrap();
    let after = after.tomorrow().unwrap();
    let page = search(&site.router, "en", &format!("q=moorhen&from={after}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(hits(&page.body).is_empty(), "from {after}: {}", page.body);
    let page = search(&site.router, "en", "q=moorhen&from=2027-01-01").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(hits(&page.body).is_empty(), "{}", page.body);
    assert!(
        page.body
            .contains(&message(&site, "en", "search-nothing", &[]))
    );
    assert!(
        links(&page.body).contains(&"/en/search?q=moorhen".to_owned()),
        "no link to the search without filters: {}",
        page.body
    );
    let page = search(&site.router, "en", "from=2027-01-01&to=2027-12-31").await;
    assert!(hits(&page.body).is_empty(), "{}", page.body);

    // Without words the list is by date, newest first: the moorhen pieces
    // (published last) lead the society and economy lists.
    let page = search(&site.router, "en", "trend=society").await;
    let found = hrefs(&page);
    assert_eq!(
        found.first(),
        Some(&commentary_href("en", "moorhen-nests-lost-to-drainage")),
        "{found:?}"
    );
    for trend in ["economy", "society"] {
        let trend_id = catalog.trend_by_slug(trend).unwrap().id;
        let page = search(&site.router, "en", &format!("trend={trend}")).await;
        let mut times = Vec::new();
        for href in hrefs(&page) {
            let slug = href.trim_end_matches('/').rsplit('/').next().unwrap();
            let (id, _) = public.find_commentary(slug).await.unwrap()[0];
            let v = public
                .commentary_versions(id)
                .await
                .unwrap()
                .into_iter()
                .find(|v| v.lang.as_str() == "en")
                .unwrap();
            assert_eq!(v.trend_id, trend_id);
            times.push((v.published_at, href));
        }
        assert!(
            times.windows(2).all(|w| w[0].0 >= w[1].0),
            "{trend}: not newest first: {times:?}"
        );
    }
}

#[tokio::test]
async fn a_quoted_phrase_needs_its_words_together_and_in_order() {
    let site = Site::demo().await;
    for (slug, title, body) in [
        (
            "quince-marmalade-exports-double",
            "Quince marmalade exports double",
            "Orchards in the east shipped twice as much quince marmalade as last autumn.",
        ),
        (
            "a-cannery-drops-marmalade",
            "A cannery drops marmalade",
            "The Harrowgate cannery stopped making marmalade. Quince orchards nearby \
             now sell their fruit fresh.",
        ),
        (
            "orchards-plant-more-quince",
            "Orchards plant more quince",
            "Growers planted quince on six hundred hectares, hoping that jam, jelly and \
             eventually marmalade makers will buy the crop.",
        ),
    ] {
        add(
            &site,
            "economy",
            "improved",
            100,
            NOW - 60,
            &[Text {
                lang: "en",
                slug,
                title,
                lead: "Fruit growers adapt to a changing market.",
                body,
            }],
        )
        .await;
    }
    let all = BTreeSet::from([
        commentary_href("en", "quince-marmalade-exports-double"),
        commentary_href("en", "a-cannery-drops-marmalade"),
        commentary_href("en", "orchards-plant-more-quince"),
    ]);
    let found: BTreeSet<String> = hrefs(&search(&site.router, "en", "q=quince+marmalade").await)
        .into_iter()
        .collect();
    assert_eq!(found, all, "both words, anywhere");

    let page = search(
        &site.router,
        "en",
        &format!("q={}", enc("\"quince marmalade\"")),
    )
    .await;
    let found = hits(&page.body);
    assert_eq!(
        found.iter().map(|h| h.href.as_str()).collect::<Vec<_>>(),
        [commentary_href("en", "quince-marmalade-exports-double")],
        "the phrase, as written"
    );
    assert!(
        found[0].html.contains("<mark>quince marmalade</mark>")
            || found[0]
                .html
                .contains("<mark>quince</mark> <mark>marmalade</mark>"),
        "the phrase is marked: {}",
        found[0].html
    );
    // The words adjacent in the other order make another phrase.
    let found = hrefs(
        &search(
            &site.router,
            "en",
            &format!("q={}", enc("\"marmalade quince\"")),
        )
        .await,
    );
    assert_eq!(found, [commentary_href("en", "a-cannery-drops-marmalade")]);

    // A minus sign leaves a word out, as the hint says.
    let found: BTreeSet<String> = hrefs(&search(&site.router, "en", "q=quince+-cannery").await)
        .into_iter()
        .collect();
    assert_eq!(
        found,
        BTreeSet::from([
            commentary_href("en", "quince-marmalade-exports-double"),
            commentary_href("en", "orchards-plant-more-quince"),
        ]),
        "quince -cannery"
    );
    // When no text has every word: those with some of them, with a note.
    let page = search(&site.router, "en", "q=quince+flibbertigrumble").await;
    let found: BTreeSet<String> = hrefs(&page).into_iter().collect();
    assert_eq!(found, all, "any of the words");
    assert!(
        page.body
            .contains(&message(&site, "en", "search-any-words", &[])),
        "the any-words note"
    );
}

#[tokio::test]
async fn results_are_paged_without_repeats() {
    let site = Site::demo().await;
    let rivers = [
        "Alder", "Brook", "Cress", "Dunmore", "Elver", "Fallow", "Gannet", "Hollin", "Ings",
        "Juniper", "Kestle", "Linnet",
    ];
    let mut expected = BTreeSet::new();
    for (i, river) in rivers.iter().enumerate() {
        let slug = format!("heronry-count-on-the-{}", river.to_lowercase());
        let title = format!("Heronry count on the {river}");
        let body = format!(
            "Wardens on the {river} found {} occupied nests in the heronry this spring.",
            10 + i * 3
        );
        add(
            &site,
            "society",
            "unchanged",
            100 + i as i64,
            NOW - 600 + i as i64,
            &[Text {
                lang: "en",
                slug: &slug,
                title: &title,
                lead: "A yearly survey of grey herons.",
                body: &body,
            }],
        )
        .await;
        expected.insert(commentary_href("en", &slug));
    }
    let first = search(&site.router, "en", "q=heronry").await;
    let second = search(&site.router, "en", "q=heronry&page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    let (a, b) = (hrefs(&first), hrefs(&second));
    assert_eq!(a.len(), 10, "ten on the first page: {a:?}");
    assert_eq!(b.len(), 2, "the rest on the second: {b:?}");
    let seen: BTreeSet<String> = a.iter().chain(&b).cloned().collect();
    assert_eq!(seen.len(), 12, "a result repeats across pages: {a:?} {b:?}");
    assert_eq!(seen, expected);
    assert!(
        first
            .body
            .contains("rel=\"next\" href=\"/en/search?q=heronry&amp;page=2\""),
        "page 1 links to page 2: {}",
        first.body
    );
    assert!(
        !first.body.contains("rel=\"prev\""),
        "page 1 has no previous page"
    );
    assert!(
        second
            .body
            .contains("rel=\"prev\" href=\"/en/search?q=heronry\""),
        "page 2 links back to page 1: {}",
        second.body
    );
    assert!(!second.body.contains("rel=\"next\""), "page 2 is the last");
    let summary = message(&site, "en", "search-count", &[("count", Arg::Num(12))]);
    for page in [&first, &second] {
        assert!(page.body.contains(&summary), "the total: {summary}");
    }
    // Beyond the last page: an empty page, not an error.
    let third = search(&site.router, "en", "q=heronry&page=3").await;
    assert_eq!(third.status, StatusCode::OK);
    assert!(hits(&third.body).is_empty());
}

#[tokio::test]
async fn every_page_has_a_search_box_in_its_language() {
    let site = Site::demo().await;
    let pages = site.crawl(&LANGS).await;
    let mut checked = 0;
    for (path, page) in &pages {
        if !page.header("content-type").starts_with("text/html") {
            continue;
        }
        let lang = path.get(1..3).unwrap_or("");
        assert!(
            LANGS.contains(&lang),
            "{path}: a public page outside the languages"
        );
        let form = page
            .body
            .split("<form")
            .skip(1)
            .find(|f| f.contains("role=\"search\""))
            .unwrap_or_else(|| panic!("{path} has no search form"));
        assert!(
            form.contains(&format!("action=\"/{lang}/search\"")),
            "{path}: the search form does not search in {lang}: {form}"
        );
        assert!(form.contains("method=\"get\""), "{path}: {form}");
        assert!(form.contains("name=\"q\""), "{path}: {form}");
        checked += 1;
    }
    assert!(checked > 60, "only {checked} pages crawled");
}

#[tokio::test]
async fn similar_commentaries_are_read_more_first() {
    let site = Site::demo().await;
    // Two pieces on the same story (in different trends), and a newer one
    // in the first one's trend about something else, placed before them.
    let texts = [
        (
            "foreign-policy",
            200,
            NOW - 300,
            "ferry-dispute-over-the-osterlin-strait",
            "Ferry dispute over the Osterlin strait",
            "The Osterlin ferry operators accuse the harbour board of raising \
             pilotage fees, berth charges and ballast inspections for every \
             crossing of the strait.",
        ),
        (
            "economy",
            300,
            NOW - 200,
            "osterlin-ferry-operators-count-the-cost",
            "Osterlin ferry operators count the cost",
            "Higher pilotage fees and berth charges, with ballast inspections on \
             each crossing, have cut the Osterlin ferry operators' margins by a third.",
        ),
        (
            "foreign-policy",
            0,
            NOW - 100,
            "a-new-consulate-opens-in-brenholm",
            "A new consulate opens in Brenholm",
            "The foreign ministry opened a consulate in Brenholm, the first in that \
             region for two decades, staffed by four diplomats.",
        ),
    ];
    for (trend, position, at, slug, title, body) in texts {
        add(
            &site,
            trend,
            "unchanged",
            position,
            at,
            &[Text {
                lang: "en",
                slug,
                title,
                lead: "A short note for this week.",
                body,
            }],
        )
        .await;
    }
    let page = site
        .get("/en/commentaries/ferry-dispute-over-the-osterlin-strait/")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(
            "<h2 id=\"more-title\">{}</h2>",
            message(&site, "en", "similar-title", &[])
        )),
        "the read-more heading"
    );
    let more = read_more(&page.body);
    assert_eq!(
        more.first(),
        Some(&commentary_href(
            "en",
            "osterlin-ferry-operators-count-the-cost"
        )),
        "the similar commentary comes first: {more:?}"
    );
    assert!(
        !more.contains(&commentary_href(
            "en",
            "ferry-dispute-over-the-osterlin-strait"
        )),
        "a commentary is not similar to itself"
    );
    // And the other way round.
    let page = site
        .get("/en/commentaries/osterlin-ferry-operators-count-the-cost/")
        .await;
    assert_eq!(
        read_more(&page.body).first(),
        Some(&commentary_href(
            "en",
            "ferry-dispute-over-the-osterlin-strait"
        ))
    );
}

#[test]
fn a_damaged_index_is_rebuilt_by_the_server_without_fuss() {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "demo: {out:?}");

    let out = site.cmd().arg("reindex").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "reindex: {out:?}");
    let indexed: u64 = between(&stdout, "Indexed ", " ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("reindex says what it did: {stdout}"));
    assert!(indexed > 0, "{stdout}");

    // Garbage where each language index keeps its metadata: bytes that are
    // not text in one, JSON cut short in the others.
    let mut dirs: Vec<_> = std::fs::read_dir(site.data().join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("meta.json").exists())
        .collect();
    dirs.sort();
    for (i, dir) in dirs.iter().enumerate() {
        let garbage: &[u8] = if i == 0 {
            b"\x00\xff\xfe not an index"
        } else {
            b"{\"index_settings\": {\"docstore_compr"
        };
        std::fs::write(dir.join("meta.json"), garbage).unwrap();
    }
    let damaged = dirs.len();
    assert!(damaged >= 3, "one index per language, found {damaged}");

    let server = Server::start(&site, &["serve"]);
    let query = format!("/be/search?q={}", enc("цэнтрабанк"));
    let (status, page) = http_get(server.port(), &query, "");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&commentary_href("be", "tsentrabank-vyihrae-chas")),
        "the rebuilt index finds the demo's commentary: {page}"
    );
    assert!(page.contains("<mark>"), "{page}");

    // While the node runs, the folder is its own: a rebuild by hand is
    // refused with a reason, and the node keeps answering.
    let out = site.cmd().arg("reindex").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "reindex beside a running node: {out:?}"
    );
    assert!(stderr.contains("in use by a running sitrep"), "{stderr}");
    let (status, _) = http_get(server.port(), &query, "");
    assert_eq!(status, 200);
}
