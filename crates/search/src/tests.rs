use super::*;

fn doc(version: u64, lang: &str, title: &str, body: &str) -> Doc {
    Doc {
        version,
        commentary: version,
        lang: lang.into(),
        trend: version % 2,
        assessment: 1,
        week_start: 20260706,
        week_end: 20260712,
        visible_at: 100,
        title: title.into(),
        lead: String::new(),
        body: body.into(),
        stamp: version * 7,
    }
}

fn query<'a>(lang: &'a str, text: &'a str) -> Query<'a> {
    Query {
        lang,
        text,
        now: 1_000,
        limit: 10,
        ..Query::default()
    }
}

fn found(search: &Search, q: &Query<'_>) -> Vec<u64> {
    search
        .search(q)
        .expect("search runs")
        .hits
        .iter()
        .map(|h| h.version)
        .collect()
}

fn sample() -> Search {
    let search = Search::open(None);
    search
        .apply(
            &[],
            vec![
                doc(
                    1,
                    "be",
                    "Санкцыі і эканоміка",
                    "У ліпені ўрад абмеркаваў новыя санкцыі.",
                ),
                doc(
                    2,
                    "be",
                    "Выбары",
                    "Кампанія пачалася ў жніўні. Санкцыямі не пагражалі.",
                ),
                doc(3, "be", "Улада і грамадства", "Уладзе давялося адступіць."),
                doc(
                    4,
                    "ru",
                    "Санкции",
                    "В июле правительство обсуждало новые санкции.",
                ),
                doc(5, "ru", "Выборы", "Кампания началась в августе."),
                doc(
                    6,
                    "en",
                    "Sanctions bite",
                    "In July the government discussed new sanctions.",
                ),
                doc(
                    7,
                    "en",
                    "Elections",
                    "The campaign started in August; the sanction was lifted.",
                ),
            ],
        )
        .expect("documents index");
    search
}

#[test]
fn inflected_forms_are_found_in_each_language() {
    let s = sample();
    assert_eq!(found(&s, &query("be", "ліпень")), [1]);
    assert_eq!(found(&s, &query("be", "санкцыі")).len(), 2);
    assert_eq!(found(&s, &query("be", "улада")), [3]);
    assert_eq!(found(&s, &query("ru", "санкциями")), [4]);
    assert_eq!(found(&s, &query("en", "sanction")).len(), 2);
    // Each language has its own index.
    assert!(found(&s, &query("en", "санкции")).is_empty());
}

#[test]
fn titles_rank_first_and_phrases_are_exact() {
    let s = sample();
    assert_eq!(found(&s, &query("en", "sanctions"))[0], 6);
    assert_eq!(found(&s, &query("en", "\"new sanctions\"")), [6]);
    assert!(found(&s, &query("en", "\"sanctions new\"")).is_empty());
    assert_eq!(found(&s, &query("en", "sanction -elections")), [6]);
}

#[test]
fn all_words_first_then_any() {
    let s = sample();
    let r = s.search(&query("en", "government sanctions")).unwrap();
    assert!(r.all_words);
    assert_eq!(r.total, 1);
    let r = s.search(&query("en", "government campaign")).unwrap();
    assert!(!r.all_words);
    assert_eq!(r.total, 2);
}

#[test]
fn nothing_is_found_before_its_time() {
    let s = Search::open(None);
    let mut later = doc(9, "en", "Embargoed", "Embargoed analysis.");
    later.visible_at = 2_000;
    s.apply(&[], vec![later]).unwrap();
    assert!(found(&s, &query("en", "embargoed")).is_empty());
    let q = Query {
        now: 2_000,
        ..query("en", "embargoed")
    };
    assert_eq!(found(&s, &q), [9]);
}

#[test]
fn apply_replaces_and_removes() {
    let s = sample();
    let mut changed = doc(6, "en", "Tariffs", "Nothing about the other word.");
    changed.stamp = 99;
    s.apply(&[], vec![changed]).unwrap();
    assert_eq!(found(&s, &query("en", "tariffs")), [6]);
    assert_eq!(found(&s, &query("en", "sanctions")), [7]);
    s.apply(&[7], Vec::new()).unwrap();
    assert!(found(&s, &query("en", "sanctions")).is_empty());
    let (drop, fetch) = s.diff(&[(6, 99), (8, 1)]);
    assert_eq!(drop, [1, 2, 3, 4, 5]);
    assert_eq!(fetch, [8]);
}

#[test]
fn filters_and_listing_without_words() {
    let s = sample();
    let q = Query {
        trend: Some(0),
        ..query("en", "")
    };
    assert_eq!(found(&s, &q), [6]);
    let q = Query {
        from: Some(20260713),
        ..query("en", "sanctions")
    };
    assert!(found(&s, &q).is_empty());
    let q = Query {
        from: Some(20260710),
        to: Some(20260710),
        ..query("en", "sanctions")
    };
    assert_eq!(found(&s, &q).len(), 2);
}

#[test]
fn hostile_queries_never_fail() {
    let s = sample();
    let long = "sanctions ".repeat(1_000);
    for text in [
        "\" AND OR ( *",
        "title:sanctions",
        "version:[0 TO 99]",
        "\u{0}\u{7}\u{1b}[31m",
        "((((((((",
        "\"",
        "-",
        "*",
        "AND",
        long.as_str(),
        "visible_at:>0",
        "санкцыі^100 ~2",
    ] {
        for lang in ["en", "be", "ru", "xx"] {
            s.search(&query(lang, text))
                .expect("a hostile query still runs");
        }
    }
}

#[test]
fn passages_mark_the_words_found() {
    let s = sample();
    let r = s.search(&query("be", "санкцыі")).unwrap();
    let title = r.mark("Санкцыі і эканоміка");
    assert_eq!(
        title[0],
        Span {
            text: "Санкцыі".into(),
            mark: true
        }
    );
    let passage = r.passage("Кампанія пачалася ў жніўні. Санкцыямі не пагражалі.");
    assert!(
        passage.iter().any(|s| s.mark && s.text == "Санкцыямі"),
        "{passage:?}"
    );
    assert!(r.passage("Нічога падобнага.").is_empty());
}

#[test]
fn similar_finds_related_content() {
    let s = Search::open(None);
    let docs = vec![
        doc(
            1,
            "en",
            "Grain exports",
            "Grain exports fell as the harvest failed and prices of grain rose.",
        ),
        doc(
            2,
            "en",
            "Harvest",
            "The grain harvest failed in the south; exports of grain were halted.",
        ),
        doc(
            3,
            "en",
            "Elections",
            "Voters went to the polls; the election commission counted votes.",
        ),
        doc(
            4,
            "en",
            "Election law",
            "Parliament changed the election law before the votes.",
        ),
        doc(5, "en", "Ports", "New port opened."),
    ];
    s.apply(&[], docs).unwrap();
    let like = s
        .similar(
            "en",
            1,
            1,
            "Grain exports",
            || "Grain exports fell as the harvest failed and prices of grain rose.".to_owned(),
            1_000,
            3,
        )
        .unwrap();
    assert_eq!(like.first(), Some(&2));
    assert!(!like.contains(&1));
}

#[test]
fn an_index_on_disk_survives_reopening_and_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("index");
    {
        let s = Search::open(Some(&root));
        assert!(s.fresh());
        s.apply(&[], vec![doc(6, "en", "Sanctions", "Text.")])
            .unwrap();
    }
    let s = Search::open(Some(&root));
    assert!(!s.fresh());
    assert_eq!(s.diff(&[(6, 42)]), (vec![], vec![]));
    drop(s);
    std::fs::write(root.join("en").join("meta.json"), b"{ not json").unwrap();
    let s = Search::open(Some(&root));
    assert!(s.fresh());
    assert!(s.is_empty());
    s.apply(&[], vec![doc(6, "en", "Sanctions", "Text.")])
        .unwrap();
    assert_eq!(found(&s, &query("en", "sanctions")), [6]);
}

#[test]
fn edits_leave_pieces_that_compact_merges() {
    let s = sample();
    assert_eq!(
        s.fragmentation().unwrap(),
        (0, 0),
        "one segment per language"
    );
    let mut changed = doc(6, "en", "Tariffs", "Other text.");
    changed.stamp = 1;
    s.apply(&[], vec![changed]).unwrap();
    let (extra, deleted) = s.fragmentation().unwrap();
    assert_eq!(
        (extra, deleted),
        (1, 1),
        "a new segment and a deleted document"
    );
    s.compact().unwrap();
    assert_eq!(s.fragmentation().unwrap(), (0, 0));
    assert_eq!(found(&s, &query("en", "tariffs")), [6]);
}

#[test]
fn one_process_per_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("index");
    let first = Search::open(Some(&root));
    assert!(!first.in_memory());
    // A second opener in this process stands for another node.
    let second = Search::open(Some(&root));
    assert!(second.in_memory(), "the folder is taken");
    drop(first);
    let third = Search::open(Some(&root));
    assert!(!third.in_memory(), "free again once the first has gone");
}
