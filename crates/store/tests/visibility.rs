//! The visibility rule, checked on every read of `Public` against a real
//! SQLite file: only published versions whose time has come, in editions
//! out on the web, are ever returned.

use sitrep_core::{EditionWeek, Lang, Slug, Status, Timestamp};
use sitrep_store::testing::TestDb;
use sitrep_store::{NewCommentary, NewEdition, NewVersion, Store, Writer};

const NOW: Timestamp = 1_800_000_000;

struct Fixture {
    _db: TestDb,
    store: Store,
    trend: i64,
}

async fn fixture() -> Fixture {
    let db = TestDb::new().await.unwrap();
    let store = db.store.clone();
    // Migrating twice is harmless.
    store.migrate().await.unwrap();
    let mut w = store.writer().await.unwrap();
    let en = Lang::parse("en").unwrap();
    let trend = w
        .trend(&Slug::parse("t").unwrap(), 0, &[(en, "T", "")])
        .await
        .unwrap();
    w.assessment("a", 0, 0, &[(en, "A")]).await.unwrap();
    w.commit().await.unwrap();
    Fixture {
        _db: db,
        store,
        trend,
    }
}

/// Adds edition `n`, of the `n`th week from 4 January 2027.
async fn edition(w: &mut Writer, n: i64, web_at: Option<Timestamp>) -> i64 {
    let start: jiff::civil::Date = "2027-01-04".parse().unwrap();
    let start = start + jiff::Span::new().days(7 * n);
    let week = EditionWeek::new(start, start + jiff::Span::new().days(6)).unwrap();
    let edition = NewEdition {
        number: n,
        week,
        email_at: None,
        web_at,
    };
    w.edition(&edition, NOW).await.unwrap()
}

/// Adds commentary `c`'s version in `lang`.
async fn version(
    w: &mut Writer,
    c: i64,
    lang: Lang,
    slug: &str,
    status: Status,
    published_at: Option<Timestamp>,
) {
    let slug = Slug::parse(slug).unwrap();
    let v = NewVersion {
        commentary_id: c,
        lang,
        slug: &slug,
        title: "t",
        lead: "l",
        body: "b",
        status,
        published_at,
    };
    w.version(&v, NOW).await.unwrap();
}

/// Adds an edition (week `n`) with one English commentary version.
async fn add(
    f: &Fixture,
    n: i64,
    web_at: Option<Timestamp>,
    status: Status,
    published_at: Option<Timestamp>,
) -> i64 {
    let assessment = f.store.catalog().await.unwrap().assessments[0].id;
    let mut w = f.store.writer().await.unwrap();
    let e = edition(&mut w, n, web_at).await;
    let c = w
        .commentary(
            &NewCommentary {
                edition_id: e,
                trend_id: f.trend,
                assessment_id: assessment,
                position: 0,
                authors: &[],
            },
            NOW,
        )
        .await
        .unwrap();
    let en = Lang::parse("en").unwrap();
    version(&mut w, c, en, &format!("s{n}"), status, published_at).await;
    w.commit().await.unwrap();
    c
}

/// Everything `Public` can say about commentary `c` of edition `n`.
async fn seen(store: &Store, n: i64, c: i64) -> Vec<&'static str> {
    let p = store.public(NOW);
    let mut seen = Vec::new();
    if p.edition(n).await.unwrap().is_some() {
        seen.push("edition");
    }
    if p.editions().await.unwrap().iter().any(|e| e.number == n) {
        seen.push("editions");
    }
    if p.latest_edition()
        .await
        .unwrap()
        .is_some_and(|e| e.number == n)
    {
        seen.push("latest");
    }
    if !p.commentary_versions(c).await.unwrap().is_empty() {
        seen.push("versions");
    }
    if !p
        .find_commentary(&format!("s{n}"))
        .await
        .unwrap()
        .is_empty()
    {
        seen.push("slug");
    }
    let trend = store.catalog().await.unwrap().trends[0].id;
    if p.trend_versions(trend, 100, 0, 0)
        .await
        .unwrap()
        .iter()
        .any(|v| v.commentary_id == c)
    {
        seen.push("trend");
    }
    seen
}

#[tokio::test]
async fn only_published_versions_of_editions_on_the_web_are_public() {
    let f = fixture().await;
    let cases = [
        (1, Some(NOW - 10), Status::Published, Some(NOW - 10), true),
        (2, Some(NOW - 10), Status::Draft, None, false),
        (3, Some(NOW - 10), Status::Draft, Some(NOW - 10), false),
        (4, Some(NOW - 10), Status::Published, Some(NOW + 10), false),
        (5, Some(NOW - 10), Status::Published, None, false),
        (6, Some(NOW + 10), Status::Published, Some(NOW - 10), false),
        (7, None, Status::Published, Some(NOW - 10), false),
    ];
    let mut ids = Vec::new();
    for (n, web_at, status, published_at, _) in cases {
        ids.push(add(&f, n, web_at, status, published_at).await);
    }
    for ((n, _, status, published_at, public), c) in cases.iter().zip(ids) {
        let seen = seen(&f.store, *n, c).await;
        if *public {
            assert_eq!(
                seen,
                ["edition", "editions", "latest", "versions", "slug", "trend"],
                "case {n}"
            );
        } else {
            assert!(
                seen.is_empty(),
                "case {n} ({status:?}, {published_at:?}) seen in {seen:?}"
            );
        }
    }
    let p = f.store.public(NOW);
    assert_eq!(p.editions().await.unwrap().len(), 1);
    assert_eq!(p.count_trend(f.trend).await.unwrap(), 1);
    assert_eq!(p.latest_edition().await.unwrap().map(|e| e.number), Some(1));
    // Later, the scheduled ones come out.
    let later = f.store.public(NOW + 20);
    assert_eq!(later.editions().await.unwrap().len(), 3);
}

#[tokio::test]
async fn slugs_are_unique_per_language() {
    let f = fixture().await;
    add(&f, 1, Some(NOW), Status::Published, Some(NOW)).await;
    let mut w = f.store.writer().await.unwrap();
    let catalog = f.store.catalog().await.unwrap();
    let week = EditionWeek::parse("2027-03-01", "2027-03-07").unwrap();
    let e = w
        .edition(
            &NewEdition {
                number: 50,
                week,
                email_at: None,
                web_at: None,
            },
            NOW,
        )
        .await
        .unwrap();
    let c = w
        .commentary(
            &NewCommentary {
                edition_id: e,
                trend_id: f.trend,
                assessment_id: catalog.assessments[0].id,
                position: 0,
                authors: &[],
            },
            NOW,
        )
        .await
        .unwrap();
    let slug = Slug::parse("s1").unwrap();
    let v = NewVersion {
        commentary_id: c,
        lang: Lang::parse("en").unwrap(),
        slug: &slug,
        title: "t",
        lead: "",
        body: "",
        status: Status::Draft,
        published_at: None,
    };
    assert!(
        w.version(&v, NOW).await.is_err(),
        "a second en version took slug s1"
    );
}

#[tokio::test]
async fn feeds_take_the_newest_by_the_later_time_as_a_full_sort_would() {
    // `latest_versions` picks from two index walks instead of sorting
    // every public version: on a site full of ties, late translations,
    // unpublished and scheduled versions, it must give what sorting all of
    // them gives, for every language, trend and length.
    let f = fixture().await;
    let assessment = f.store.catalog().await.unwrap().assessments[0].id;
    let langs = [Lang::parse("en").unwrap(), Lang::parse("be").unwrap()];
    let mut w = f.store.writer().await.unwrap();
    let other = w
        .trend(&Slug::parse("u").unwrap(), 1, &[(langs[0], "U", "")])
        .await
        .unwrap();
    let mut seed = 7u64;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for n in 1..=14 {
        // Few distinct times, so that many versions tie.
        let web_at = match next(6) {
            0 => None,
            1 => Some(NOW + 50),
            k => Some(NOW - 100 * k as i64),
        };
        let e = edition(&mut w, n, web_at).await;
        for position in 0..3 {
            let c = w
                .commentary(
                    &NewCommentary {
                        edition_id: e,
                        trend_id: if next(2) == 0 { f.trend } else { other },
                        assessment_id: assessment,
                        position,
                        authors: &[],
                    },
                    NOW,
                )
                .await
                .unwrap();
            for lang in langs {
                let (status, published_at) = match next(8) {
                    0 => (Status::Draft, None),
                    1 => (Status::Published, Some(NOW + 20)),
                    k => (Status::Published, Some(NOW - 150 * (k as i64 - 2))),
                };
                let slug = format!("s{n}-{position}-{}", lang.as_str());
                version(&mut w, c, lang, &slug, status, published_at).await;
            }
        }
    }
    w.commit().await.unwrap();
    let p = f.store.public(NOW);
    let mut all = p.all_versions().await.unwrap();
    assert!(all.len() > 20, "{} public versions", all.len());
    // The later time first, then the newer commentary, then the version.
    all.sort_by_key(|v| {
        (
            std::cmp::Reverse(v.published_at),
            std::cmp::Reverse(v.commentary_id),
            v.id,
        )
    });
    for lang in [None, Some(langs[0]), Some(langs[1])] {
        for trend in [None, Some(f.trend), Some(other)] {
            for limit in [1, 2, 5, 9, 30, 200] {
                let got: Vec<i64> = p
                    .latest_versions(lang, trend, limit)
                    .await
                    .unwrap()
                    .iter()
                    .map(|v| v.id)
                    .collect();
                let want: Vec<i64> = all
                    .iter()
                    .filter(|v| lang.is_none_or(|l| v.lang == l))
                    .filter(|v| trend.is_none_or(|t| v.trend_id == t))
                    .take(limit as usize)
                    .map(|v| v.id)
                    .collect();
                assert_eq!(got, want, "{lang:?}, trend {trend:?}, {limit}");
            }
        }
    }
}
