//! Forecasts through the real router on the demo site: sets and statements
//! in public, outcomes recorded by editors, the track record's Brier scores
//! against values worked out by hand, and bad input in the workspace.

mod common;

use common::{NOW, Site};
use http::StatusCode;

/// The statements of a public set page: (outcome class, text).
fn statements(html: &str) -> Vec<(String, String)> {
    html.split("<li class=\"statement outcome-")
        .skip(1)
        .map(|part| {
            let class = part.split('"').next().unwrap().to_owned();
            let text = part
                .split("<p class=\"statement-text\"")
                .nth(1)
                .and_then(|p| p.split_once('>'))
                .map(|(_, rest)| rest.split("</p>").next().unwrap().to_owned())
                .unwrap_or_default();
            (class, text)
        })
        .collect()
}

#[tokio::test]
async fn published_sets_show_their_statements_and_outcomes_in_every_language() {
    let site = Site::demo().await;
    let list = site.get("/en/forecasts/").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Forecast for the year"));
    assert!(list.body.contains("8 statements, 5 resolved"));
    assert!(
        !list.body.contains("Forecast for next year"),
        "an unpublished set stays in the workspace"
    );
    assert_eq!(
        site.get("/en/forecasts/forecast-for-next-year/")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for (lang, happened, open) in [
        ("en", "Happened", "Open"),
        ("ru", "Сбылось", "Срок не наступил"),
        ("be", "Спраўдзілася", "Тэрмін не надышоў"),
    ] {
        let page = site
            .get(&format!("/{lang}/forecasts/forecast-for-the-year/"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{lang}");
        let found = statements(&page.body);
        assert_eq!(found.len(), 8, "{lang}");
        let count = |class: &str| found.iter().filter(|(c, _)| c == class).count();
        assert_eq!(count("happened"), 2, "{lang}");
        assert_eq!(count("not-happened"), 2, "{lang}");
        assert_eq!(count("unclear"), 1, "{lang}");
        assert_eq!(count("due"), 1, "{lang}: past due, waiting for the editors");
        assert_eq!(count("open"), 2, "{lang}");
        assert!(
            page.body.contains(happened) && page.body.contains(open),
            "{lang}"
        );
        // Notes come with outcomes only.
        assert_eq!(
            page.body.matches("class=\"outcome-note\"").count(),
            5,
            "{lang}"
        );
    }
    let en = site.get("/en/forecasts/forecast-for-the-year/").await;
    assert!(en.body.contains("Likely (75%)"));
    let ru = site.get("/ru/forecasts/forecast-for-the-year/").await;
    assert!(ru.body.contains("Вероятно (75\u{a0}%)"));
    assert_eq!(
        site.get("/en/forecasts/No%20Such/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get("/xx/forecasts/").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_track_record_scores_match_hand_computed_values() {
    let site = Site::demo().await;
    // The demo's resolved statements, the unclear one left out:
    //   economy  75% happened     (0.75 − 1)² = 0.0625
    //   economy  25% not happened (0.25 − 0)² = 0.0625
    //   elite    95% happened     (0.95 − 1)² = 0.0025
    //   society  75% not happened (0.75 − 0)² = 0.5625
    // Overall (0.0625 + 0.0625 + 0.0025 + 0.5625) / 4 = 0.1725 → 0.173.
    let page = site.get("/en/track-record/").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("Brier score: 0.173, over 4 resolved statements."),
        "{body}"
    );
    for (trend, n, score) in [
        ("The ruling elite", 1, "0.003"),
        ("Economy", 2, "0.063"),
        ("Society", 1, "0.563"),
    ] {
        assert!(
            body.contains(&format!(">{trend}</a></th><td>{n}</td><td>{score}</td>")),
            "{trend} {n} {score}"
        );
    }
    assert!(
        !body.contains(">Foreign policy</a></th>"),
        "its only outcome is unclear"
    );
    // Calibration: 25% → 0 of 1, 75% → 1 of 2, 95% → 1 of 1.
    assert!(body.contains("<title id=\"calibration-title\">Calibration</title>"));
    for said in [
        "Unlikely (25%): 0 of 1 happened",
        "Likely (75%): 1 of 2 happened",
        "Almost certain (95%): 1 of 1 happened",
    ] {
        assert!(body.contains(said), "{said}");
    }
    assert_eq!(body.matches("<g class=\"dot\">").count(), 3);
    let ru = site.get("/ru/track-record/").await;
    assert!(
        ru.body
            .contains("Оценка Брайера: 0,173 по 4 проверенным утверждениям.")
    );
    let be = site.get("/be/track-record/").await;
    assert!(be.body.contains("0,173"));
}

#[tokio::test]
async fn editors_record_what_came_due_and_the_scores_follow() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    let list = editor.get(&site, "/workspace/forecasts").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Due for an outcome"));
    assert!(
        list.body.contains("Compulsory military service"),
        "the past-due statement is listed"
    );
    assert!(list.body.contains("Forecast for next year"));
    let dashboard = editor.get(&site, "/workspace/").await;
    assert!(
        dashboard
            .body
            .contains("One forecast statement is due for its outcome")
    );

    let sets = site.store.desk_forecast_sets().await.unwrap();
    let year = sets
        .iter()
        .find(|s| s.slug == "forecast-for-the-year")
        .unwrap();
    let statements = site
        .store
        .desk_statements(Some(year.id), None)
        .await
        .unwrap();
    let conscription = statements
        .iter()
        .find(|s| s.texts.values().any(|(t, _)| t.contains("eighteen months")))
        .unwrap();
    let outcome_url = format!(
        "/workspace/forecasts/{}/statements/{}/outcome",
        year.id, conscription.id
    );

    // Bad outcomes are refused, with the note kept.
    let page = editor
        .post(
            &site,
            &outcome_url,
            &[
                ("outcome", "probably"),
                ("note_en", "A <b>careful</b> note"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Choose an outcome from the list."));
    assert!(page.body.contains("A &lt;b&gt;careful&lt;/b&gt; note"));
    let huge = "x".repeat(5_000);
    let page = editor
        .post(
            &site,
            &outcome_url,
            &[("outcome", "happened"), ("note_en", &huge)],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);

    // It did not happen, nor did the 5% statement on the embassy (recorded
    // early): with the four above, (0.0625 + 0.0625 + 0.0025 + 0.5625
    // + (0.25 − 0)² + (0.05 − 0)²) / 6 = 0.755 / 6 = 0.12583… → 0.126.
    let page = editor
        .post(
            &site,
            &outcome_url,
            &[
                ("outcome", "not-happened"),
                ("note_en", "Service stays at twelve months."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let embassy = statements
        .iter()
        .find(|s| s.texts.values().any(|(t, _)| t.contains("embassy")))
        .unwrap();
    let page = editor
        .post(
            &site,
            &format!(
                "/workspace/forecasts/{}/statements/{}/outcome",
                year.id, embassy.id
            ),
            &[("outcome", "not-happened")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let record = site.get("/en/track-record/").await;
    assert!(
        record
            .body
            .contains("Brier score: 0.126, over 6 resolved statements."),
        "{}",
        record.body
    );
    let set = site.get("/en/forecasts/forecast-for-the-year/").await;
    assert!(set.body.contains("Service stays at twelve months."));
    let due = editor.get(&site, "/workspace/forecasts").await;
    assert!(due.body.contains("Nothing is due."));

    // The set is public: what a statement claims is fixed, its wording is not.
    let catalog = site.state.catalog().await.unwrap();
    let remote = catalog
        .likelihoods
        .iter()
        .find(|l| l.key == "remote")
        .unwrap();
    let edit_url = format!(
        "/workspace/forecasts/{}/statements/{}",
        year.id, conscription.id
    );
    let trend = conscription.trend_id.to_string();
    let likelihood = conscription.likelihood_id.to_string();
    let remote_id = remote.id.to_string();
    let page = editor
        .post(
            &site,
            &edit_url,
            &[
                ("trend_id", trend.as_str()),
                ("likelihood_id", remote_id.as_str()),
                ("due_on", conscription.due_on.as_str()),
                (
                    "text_en",
                    "Compulsory military service will be extended to eighteen months.",
                ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("can no longer change"));
    let page = editor
        .post(
            &site,
            &edit_url,
            &[
                ("trend_id", trend.as_str()),
                ("likelihood_id", likelihood.as_str()),
                ("due_on", conscription.due_on.as_str()),
                (
                    "text_en",
                    "Compulsory service will be extended to eighteen months.",
                ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // Taking an outcome back returns the statement to the due list.
    let page = editor.post(&site, &outcome_url, &[("outcome", "")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let record = site.get("/en/track-record/").await;
    assert!(record.body.contains("over 5 resolved statements."));
    let kept = site
        .store
        .desk_statements(Some(year.id), None)
        .await
        .unwrap();
    let kept = kept.iter().find(|s| s.id == conscription.id).unwrap();
    assert_eq!(kept.outcome, None);
    assert!(
        kept.texts
            .values()
            .any(|(_, note)| note == "Service stays at twelve months."),
        "taking the outcome back keeps the note"
    );
    let due = editor.get(&site, "/workspace/forecasts").await;
    assert!(due.body.contains("Compulsory service will be extended"));
}

#[tokio::test]
async fn sets_and_statements_are_written_with_clear_refusals() {
    let site = Site::demo().await;
    let editor = site.login("editor@varesia.example").await;
    for slug in ["Bad Slug", "", "<script>"] {
        let page = editor
            .post(&site, "/workspace/forecasts", &[("slug", slug)])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{slug:?}");
        assert!(page.body.contains("lowercase Latin letters"));
    }
    let page = editor
        .post(
            &site,
            "/workspace/forecasts",
            &[("slug", "forecast-for-the-year")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body
            .contains("Another forecast set already has this address.")
    );

    let page = editor
        .post(&site, "/workspace/forecasts", &[("slug", "election-year")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let set_url = page.header("location").to_owned();
    let page = editor
        .post(
            &site,
            &set_url,
            &[("title_en", ""), ("intro_en", "Something")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Give the set a title"));
    assert!(
        page.body.contains(">Something</textarea>"),
        "what was typed stays"
    );
    let page = editor
        .post(
            &site,
            &set_url,
            &[("title_en", "Election year"), ("public_from", "soon")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("value=\"Election year\""));

    let catalog = site.state.catalog().await.unwrap();
    let trend = catalog.trends[0].id.to_string();
    let likely = catalog
        .likelihoods
        .iter()
        .find(|l| l.key == "likely")
        .unwrap();
    let likely_id = likely.id.to_string();
    let add = format!("{set_url}/statements");
    for (fields, reason) in [
        (
            vec![
                ("trend_id", "9999"),
                ("likelihood_id", likely_id.as_str()),
                ("due_on", "2027-06-30"),
                ("text_en", "Kept text"),
            ],
            "Choose a trend and a likelihood",
        ),
        (
            vec![
                ("trend_id", trend.as_str()),
                ("likelihood_id", likely_id.as_str()),
                ("due_on", "30.06.2027"),
                ("text_en", "Kept text"),
            ],
            "year-month-day",
        ),
        (
            vec![
                ("trend_id", trend.as_str()),
                ("likelihood_id", likely_id.as_str()),
                ("due_on", "2027-06-30"),
                ("text_en", "  "),
            ],
            "at least one language",
        ),
    ] {
        let page = editor.post(&site, &add, &fields).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{fields:?}");
        assert!(page.body.contains(reason), "{fields:?}");
        if fields.contains(&("text_en", "Kept text")) {
            assert!(page.body.contains(">Kept text</textarea>"), "{fields:?}");
        }
    }
    let page = editor
        .post(
            &site,
            &add,
            &[
                ("trend_id", trend.as_str()),
                ("likelihood_id", likely_id.as_str()),
                ("due_on", "2027-06-30"),
                (
                    "text_en",
                    "The opposition will be allowed to register candidates.",
                ),
                ("text_be", "Апазіцыі дазволяць рэгістраваць кандыдатаў."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // Not public until its time comes.
    assert_eq!(
        site.get("/en/forecasts/election-year/").await.status,
        StatusCode::NOT_FOUND
    );
    let page = editor
        .post(
            &site,
            &set_url,
            &[
                ("title_en", "Election year"),
                ("title_be", "Год выбараў"),
                ("public_from", "2026-11-28T13:00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        site.get("/en/forecasts/election-year/").await.status,
        StatusCode::NOT_FOUND
    );
    site.set_now(NOW + 3_600);
    let page = site.get("/en/forecasts/election-year/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The opposition will be allowed"));
    // In Russian the set and its statement fall back, marked as such.
    let ru = site.get("/ru/forecasts/election-year/").await;
    assert!(ru.body.contains("lang=\"be\""), "{}", ru.body);

    // The probability is kept with the statement: changing the scale later
    // does not rewrite it.
    let admin = site.login("admin@varesia.example").await;
    let page = admin
        .post(
            &site,
            &format!("/workspace/likelihoods/{}", likely.id),
            &[("value", "70"), ("position", "1"), ("label_en", "Likely")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let set = site.get("/en/forecasts/forecast-for-the-year/").await;
    assert!(set.body.contains("Likely (75%)"));
    for value in ["101", "-5", "seventy"] {
        let page = admin
            .post(
                &site,
                &format!("/workspace/likelihoods/{}", likely.id),
                &[("value", value), ("label_en", "Likely")],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{value}");
        assert!(page.body.contains("whole number from 0 to 100"));
    }
    // Authors and translators cannot touch forecasts.
    let author = site.login("author@varesia.example").await;
    assert_eq!(
        author.get(&site, "/workspace/forecasts").await.status,
        StatusCode::FORBIDDEN
    );
}
