//! The barometer: every trend week by week on `/{lang}/barometer`, a
//! trend's own chart on its page, the editors' grid with unpublished weeks,
//! and the configurable assessment scale, through the real router on the
//! demo site.

mod common;

use common::{NOW, Site};
use http::StatusCode;

/// The chart's linked marks: (address, classes), in drawing order.
fn marks(html: &str) -> Vec<(String, String)> {
    let Some(start) = html.find("<svg class=\"chart\" xmlns") else {
        return Vec::new();
    };
    let end = start + html[start..].find("</svg>").expect("the chart is closed");
    html[start..end]
        .split("<a href=\"")
        .skip(1)
        .filter_map(|part| {
            let (href, rest) = part.split_once('"')?;
            let class = rest.strip_prefix("><g class=\"")?.split('"').next()?;
            Some((href.replace("&amp;", "&"), class.to_owned()))
        })
        .collect()
}

/// The rows of the chart's table (after its header row).
fn table_rows(html: &str) -> usize {
    let Some(start) = html.find("<table class=\"data-table\">") else {
        return 0;
    };
    let end = start + html[start..].find("</table>").expect("the table is closed");
    html[start..end].matches("<tr><th scope=\"row\">").count()
}

/// How many commentaries readers can see in the newest `n` editions.
async fn public_commentaries(site: &Site, n: usize) -> usize {
    let editions = site.store.public(NOW).editions().await.unwrap();
    editions
        .iter()
        .take(n)
        .map(|e| e.commentaries as usize)
        .sum()
}

#[tokio::test]
async fn the_barometer_shows_every_public_commentary_by_trend_and_week() {
    let site = Site::demo().await;
    for (lang, title, legend) in [
        ("en", "<h1>Barometer</h1>", "The situation has deteriorated"),
        ("ru", "<h1>Барометр</h1>", "Ситуация ухудшилась"),
        ("be", "<h1>Барометр</h1>", "Сітуацыя пагоршылася"),
    ] {
        let page = site.get(&format!("/{lang}/barometer")).await;
        assert_eq!(page.status, StatusCode::OK, "{lang}");
        let body = &page.body;
        assert!(body.contains(title), "{lang}");
        assert!(body.contains(legend), "{lang}: the legend names the scale");
        assert!(
            body.contains("<title id=\"barometer-title\">")
                && body.contains("<desc id=\"barometer-desc\">")
                && body.contains("aria-labelledby=\"barometer-title barometer-desc\""),
            "{lang}: the chart has a title and a description"
        );
        assert!(
            !body.contains("<script>") && !body.contains("style=\""),
            "{lang}"
        );
        let marks = marks(body);
        // A mark for each commentary of the four editions readers can see (in
        // the newest, a draft and a scheduled one wait).
        assert_eq!(
            marks.len(),
            public_commentaries(&site, 4).await,
            "{lang}: {marks:?}"
        );
        assert_eq!(table_rows(body), 4, "{lang}: a table row per week");
        for (href, class) in &marks {
            assert!(
                href.starts_with(&format!("/{lang}/commentaries/")),
                "{lang}: {href}"
            );
            assert!(class.starts_with("cell tone-"), "{class}");
            assert!(!class.contains("draft"), "{lang}: nothing hollow in public");
            let target = site.get(href).await;
            assert_eq!(target.status, StatusCode::OK, "{href}");
            // The table links to the same commentary.
            assert!(
                body.matches(&format!("href=\"{href}\"")).count() >= 2,
                "{href}"
            );
        }
        // Each mark says its assessment in words, not only by colour.
        assert!(body.contains("cell tone-down1\"><title>"), "{lang}");
    }
}

#[tokio::test]
async fn a_scheduled_commentary_joins_the_barometer_at_its_moment() {
    let site = Site::demo().await;
    let before = marks(&site.get("/en/barometer").await.body);
    site.set_now(NOW + 3 * 86_400 + 60);
    let after = marks(&site.get("/en/barometer").await.body);
    assert_eq!(after.len(), before.len() + 1);
    let draft = site.login("editor@varesia.example").await;
    let page = draft.get(&site, "/workspace/barometer").await;
    assert_eq!(page.status, StatusCode::OK);
    // The editors see all six commentaries of the newest week, the draft
    // hollow and opening in the editor.
    let desk = marks(&page.body);
    assert_eq!(desk.len(), before.len() + 2, "{desk:?}");
    let hollow: Vec<_> = desk.iter().filter(|(_, c)| c.contains("draft")).collect();
    assert_eq!(hollow.len(), 1, "{hollow:?}");
    assert!(hollow[0].0.starts_with("/workspace/commentaries/"));
    assert_eq!(draft.get(&site, &hollow[0].0).await.status, StatusCode::OK);
    assert!(page.body.contains("not published"));
}

#[tokio::test]
async fn periods_come_from_the_address_and_bad_ones_are_explained() {
    let site = Site::demo().await;
    let one = site.get("/en/barometer?weeks=1").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        marks(&one.body).len(),
        public_commentaries(&site, 1).await,
        "the newest week only"
    );
    assert!(one.body.contains("One week: November 16 – 22, 2026."));
    let two = site
        .get("/en/barometer?from=2026-11-09&to=2026-11-15")
        .await;
    let second = public_commentaries(&site, 2).await - public_commentaries(&site, 1).await;
    assert_eq!(
        marks(&two.body).len(),
        second,
        "the week that starts on the 9th"
    );
    assert!(
        two.body.contains("value=\"2026-11-09\""),
        "the form shows the period"
    );
    let open_end = site.get("/en/barometer?from=2026-11-09").await;
    assert_eq!(
        marks(&open_end.body).len(),
        public_commentaries(&site, 2).await
    );
    let all = site.get("/en/barometer?weeks=all").await;
    assert_eq!(marks(&all.body).len(), public_commentaries(&site, 4).await);
    assert!(all.body.contains("aria-current=\"page\">All weeks"));
    let none = site.get("/en/barometer?from=2030-01-01").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("Nothing was published in this period."));
    assert!(marks(&none.body).is_empty());

    for (query, en, be) in [
        ("weeks=0", "between 1 and 1044", "ад 1 да 1044"),
        ("weeks=twelve", "between 1 and 1044", "ад 1 да 1044"),
        (
            "weeks=99999999999999999999",
            "between 1 and 1044",
            "ад 1 да 1044",
        ),
        ("from=2026-13-01", "year-month-day", "год-месяц-дзень"),
        ("from=%3Cscript%3E", "year-month-day", "год-месяц-дзень"),
        (
            "from=2026-11-20&to=2026-11-01",
            "ends before it starts",
            "заканчваецца раней",
        ),
    ] {
        let page = site.get(&format!("/en/barometer?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.body.contains(en), "{query}: {}", page.body);
        assert!(!page.body.contains("<script>"), "{query}");
        let page = site.get(&format!("/be/barometer?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.body.contains(be), "{query}");
    }
    assert_eq!(
        site.get("/xx/barometer").await.status,
        StatusCode::NOT_FOUND
    );
    let trend = site.get("/en/trends/economy/?weeks=-3").await;
    assert_eq!(trend.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_trend_page_charts_that_trend_week_by_week() {
    let site = Site::demo().await;
    let page = site.get("/en/trends/economy/").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<h2 id=\"trend-chart-heading\">Week by week</h2>"));
    assert!(
        body.contains("<title id=\"trend-chart-title\">Assessments of Economy by week</title>")
    );
    let marks = marks(body);
    assert_eq!(marks.len(), 4, "one economy commentary a week: {marks:?}");
    for (href, class) in &marks {
        assert!(class.starts_with("point tone-"), "{class}");
        let target = site.get(href).await;
        assert!(
            target.body.contains("Economy"),
            "{href} is about the economy"
        );
    }
    // Marks in consecutive weeks are joined.
    assert!(body.contains("<polyline points=\""));
    assert_eq!(table_rows(body), 4);
    // Later pages of the list carry no chart; a period narrows it.
    let one = site.get("/en/trends/economy/?weeks=1").await;
    assert_eq!(self::marks(&one.body).len(), 1);
}

#[tokio::test]
async fn editors_shape_the_scale_and_the_charts_follow() {
    let site = Site::demo().await;
    let admin = site.login("admin@varesia.example").await;
    let page = admin.get(&site, "/workspace/assessments").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<code>improved</code>"));

    // Bad input is refused with the reason, and what was typed stays.
    for (fields, status, reason) in [
        (
            vec![
                ("key", "Much Worse"),
                ("value", "-2"),
                ("label_en", "Much worse"),
            ],
            StatusCode::BAD_REQUEST,
            "lowercase Latin letters",
        ),
        (
            vec![
                ("key", "much-worse"),
                ("value", "-7"),
                ("label_en", "Much worse"),
            ],
            StatusCode::BAD_REQUEST,
            "Choose one of the tones",
        ),
        (
            vec![("key", "much-worse"), ("value", "-2")],
            StatusCode::BAD_REQUEST,
            "at least one language",
        ),
        (
            vec![
                ("key", "much-worse"),
                ("value", "-2"),
                ("position", "x"),
                ("label_en", "Much worse"),
            ],
            StatusCode::BAD_REQUEST,
            "whole number",
        ),
        (
            vec![
                ("key", "improved"),
                ("value", "1"),
                ("label_en", "Better <b>still</b>"),
            ],
            StatusCode::CONFLICT,
            "already has this key",
        ),
    ] {
        let page = admin.post(&site, "/workspace/assessments", &fields).await;
        assert_eq!(page.status, status, "{fields:?}");
        assert!(page.body.contains(reason), "{fields:?}");
        if let Some((_, label)) = fields.iter().find(|(k, _)| *k == "label_en") {
            let shown = label.replace('<', "&lt;").replace('>', "&gt;");
            assert!(page.body.contains(&shown), "{fields:?} keeps the label");
        }
    }
    let huge = "x".repeat(300);
    let page = admin
        .post(
            &site,
            "/workspace/assessments",
            &[("key", "huge"), ("value", "0"), ("label_en", &huge)],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);

    let page = admin
        .post(
            &site,
            "/workspace/assessments",
            &[
                ("key", "much-worse"),
                ("value", "-2"),
                ("position", "9"),
                ("label_en", "Much worse"),
                ("label_ru", "Намного хуже"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let public = site.get("/en/barometer").await;
    assert!(
        public.body.contains("Much worse"),
        "the legend has the new step"
    );
    let be = site.get("/be/barometer").await;
    assert!(
        be.body.contains("Намного хуже"),
        "a missing label falls back"
    );

    // Renaming a step and changing its tone redraws the marks.
    let catalog = site.state.catalog().await.unwrap();
    let improved = catalog
        .assessments
        .iter()
        .find(|a| a.key == "improved")
        .unwrap();
    let page = admin
        .post(
            &site,
            &format!("/workspace/assessments/{}", improved.id),
            &[
                ("position", "0"),
                ("value", "2"),
                ("label_en", "Much better"),
                ("label_ru", ""),
                ("label_be", "Значна лепш"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let public = site.get("/en/barometer").await;
    assert!(public.body.contains("Much better"));
    assert!(
        marks(&public.body)
            .iter()
            .any(|(_, c)| c == "cell tone-up2")
    );
    assert!(
        !marks(&public.body)
            .iter()
            .any(|(_, c)| c == "cell tone-up1")
    );

    // Only those who manage the lists may change the scale; anyone on the
    // staff may look at the barometer.
    let translator = site.login("translator@varesia.example").await;
    let page = translator
        .post(
            &site,
            "/workspace/assessments",
            &[("key", "x"), ("value", "0"), ("label_en", "X")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        translator.get(&site, "/workspace/barometer").await.status,
        StatusCode::OK
    );
    let unknown = admin
        .post(
            &site,
            "/workspace/assessments/9999",
            &[("value", "0"), ("label_en", "X")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        site.get("/workspace/barometer").await.status,
        StatusCode::SEE_OTHER
    );
}
