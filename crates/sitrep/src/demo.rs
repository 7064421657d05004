//! The demo site: an invented country's weekly briefing in three languages,
//! written for sitrep and compiled into the binary.
//!
//! Dates are placed relative to the day the demo is created, so the newest
//! edition is always last week's, one commentary is always scheduled for a
//! few days ahead and one is a draft.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, anyhow, bail};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use sitrep_core::{EditionWeek, Lang, Slug, Status, Timestamp};
use sitrep_store::{NewCommentary, NewEdition, NewVersion, Store};

const SITE: &str = include_str!("../demo/site.toml");
const EDITIONS: &[&str] = &[
    include_str!("../demo/editions/01.toml"),
    include_str!("../demo/editions/02.toml"),
    include_str!("../demo/editions/03.toml"),
    include_str!("../demo/editions/04.toml"),
];

const FORECASTS: &str = include_str!("../demo/forecasts.toml");

/// Images the demo's texts show, written `media:NAME` in their Markdown
/// and stored through the same cleaning as an upload.
const MEDIA: &[(&str, &[u8])] = &[(
    "fuel-prices.png",
    include_bytes!("../demo/media/fuel-prices.png"),
)];

type PerLang<T> = BTreeMap<String, T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Site {
    name: PerLang<String>,
    tagline: PerLang<String>,
    publisher: PerLang<String>,
    assessments: Vec<DemoAssessment>,
    trends: Vec<DemoTrend>,
    authors: Vec<DemoAuthor>,
    pages: Vec<DemoPage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAssessment {
    key: String,
    tone: i64,
    label: PerLang<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTrend {
    slug: Slug,
    name: PerLang<String>,
    description: PerLang<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAuthor {
    slug: Slug,
    name: PerLang<String>,
    bio: PerLang<String>,
}

#[derive(Deserialize)]
struct DemoPage {
    slug: Slug,
    #[serde(flatten)]
    versions: PerLang<PageText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageText {
    title: String,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoForecasts {
    sets: Vec<DemoSet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSet {
    slug: Slug,
    /// Unpublished when absent.
    published_days_ago: Option<i64>,
    title: PerLang<String>,
    intro: PerLang<String>,
    statements: Vec<DemoStatement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoStatement {
    trend: String,
    likelihood: String,
    due_in_days: i64,
    outcome: Option<String>,
    text: PerLang<String>,
    #[serde(default)]
    note: PerLang<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoEdition {
    number: i64,
    weeks_ago: i64,
    commentaries: Vec<DemoCommentary>,
}

#[derive(Deserialize)]
struct DemoCommentary {
    trend: String,
    assessment: String,
    authors: Vec<String>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    publish_in_days: Option<i64>,
    #[serde(flatten)]
    versions: PerLang<VersionText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionText {
    slug: Slug,
    title: String,
    lead: String,
    body: String,
}

/// The demo's staff logins: (email, role, name, author slug). They share
/// [`DEMO_PASSWORD`]; a demo listens on 127.0.0.1 only by default.
pub const DEMO_LOGINS: &[(&str, sitrep_core::Role, &str, Option<&str>)] = &[
    (
        "admin@varesia.example",
        sitrep_core::Role::Admin,
        "Demo Admin",
        None,
    ),
    (
        "editor@varesia.example",
        sitrep_core::Role::Editor,
        "Demo Editor",
        None,
    ),
    (
        "author@varesia.example",
        sitrep_core::Role::Author,
        "Hanna Lis",
        Some("hanna-lis"),
    ),
    (
        "translator@varesia.example",
        sitrep_core::Role::Translator,
        "Demo Translator",
        None,
    ),
];

pub const DEMO_PASSWORD: &str = "varesia-demo";

/// Creates the demo's staff accounts.
/// Two analysis requests in the workspace inbox: one just in, one an
/// analyst is working on.
async fn add_requests(store: &Store, now: Timestamp) -> anyhow::Result<()> {
    let catalog = store.catalog().await?;
    let trend = |slug: &str| catalog.trend_by_slug(slug).map(|t| t.id);
    let users = store.users().await?;
    let analyst = users.iter().find(|u| u.role == sitrep_core::Role::Author);
    let editor = users.iter().find(|u| u.role == sitrep_core::Role::Editor);
    let mut w = store.writer().await?;
    w.add_request(
        &sitrep_store::NewRequest {
            name: "Jonas Berg",
            email: "jonas.berg@newsdesk.example",
            organisation: "Nordic Newsdesk",
            trend_id: trend("foreign-policy"),
            question: "How likely is Varesia to reopen the northern border crossings before the winter, and what would the government ask for in return?",
            lang: lang_of("en")?,
        },
        now - 2 * 3600,
    )
    .await?;
    let id = w
        .add_request(
            &sitrep_store::NewRequest {
                name: "Марына Ліс",
                email: "maryna@fond.example",
                organisation: "",
                trend_id: trend("society"),
                question: "Ці ёсць даныя пра тое, колькі настаўнікаў звольнілася пасля летніх праверак?",
                lang: lang_of("be")?,
            },
            now - 3 * 86_400,
        )
        .await?;
    w.set_request_state(id, sitrep_store::RequestState::Accepted, now - 2 * 86_400)
        .await?;
    w.add_request_event(
        id,
        editor.map(|u| u.id),
        "state",
        "accepted",
        now - 2 * 86_400,
    )
    .await?;
    if let Some(a) = analyst {
        w.assign_request(id, Some(a.id), now - 2 * 86_400).await?;
        w.add_request_event(
            id,
            editor.map(|u| u.id),
            "assign",
            &a.name,
            now - 2 * 86_400,
        )
        .await?;
    }
    w.add_request_event(
        id,
        analyst.map(|u| u.id),
        "note",
        "Regional education offices publish staffing figures each quarter; the autumn figures are due next week.",
        now - 86_400,
    )
    .await?;
    w.commit().await?;
    Ok(())
}

async fn add_logins(store: &Store, default_lang: Lang, now: Timestamp) -> anyhow::Result<()> {
    let hash = sitrep_auth::hash_password(DEMO_PASSWORD)?;
    let authors = store.catalog().await?.authors;
    for (email, role, name, author) in DEMO_LOGINS {
        let author_id =
            author.and_then(|slug| authors.iter().find(|a| a.slug == slug).map(|a| a.id));
        let user = sitrep_store::NewUser {
            email,
            name,
            role: *role,
            password_hash: &hash,
            ui_lang: default_lang,
            author_id,
        };
        store.create_user(&user, now).await?;
    }
    Ok(())
}

/// What the demo loader wrote, for the start-up message.
#[derive(Debug, Default)]
pub struct Loaded {
    pub editions: usize,
    pub commentaries: usize,
    pub versions: usize,
}

/// The Sunday that ends the last full Monday–Sunday week before `today`.
pub fn last_full_week_end(today: Date) -> Date {
    let back = match today.weekday() {
        Weekday::Sunday => 7,
        other => i64::from(other.to_monday_zero_offset()) + 1,
    };
    today - back.days()
}

/// The demo's forecast sets, dated from `today`.
async fn write_forecasts(
    w: &mut sitrep_store::Writer,
    forecasts: &DemoForecasts,
    now: Timestamp,
    today: Date,
    trends: &HashMap<String, i64>,
    likelihoods: &HashMap<String, (i64, i64)>,
) -> anyhow::Result<()> {
    for set in &forecasts.sets {
        let id = w.add_forecast_set(set.slug.as_str(), now).await?;
        let titles: Vec<(Lang, &str, &str)> = set
            .title
            .iter()
            .map(|(code, title)| {
                let intro = set.intro.get(code).map(String::as_str).unwrap_or("");
                Ok((lang_of(code)?, title.as_str(), intro))
            })
            .collect::<anyhow::Result<_>>()?;
        let published = set.published_days_ago.map(|d| now - d * 86_400);
        w.set_forecast_set(id, published, &titles, now).await?;
        for (position, s) in set.statements.iter().enumerate() {
            let trend_id = *trends
                .get(&s.trend)
                .ok_or_else(|| anyhow!("demo: unknown trend {}", s.trend))?;
            let (likelihood_id, percent) = *likelihoods
                .get(&s.likelihood)
                .ok_or_else(|| anyhow!("demo: unknown likelihood {}", s.likelihood))?;
            let due = (today + s.due_in_days.days()).to_string();
            let statement = w
                .save_statement(
                    id,
                    None,
                    &sitrep_store::StatementEdit {
                        trend_id,
                        likelihood_id,
                        percent,
                        due_on: &due,
                        position: position as i64,
                        texts: &texts(&s.text)?,
                    },
                    now,
                )
                .await?;
            if let Some(outcome) = &s.outcome {
                let outcome = sitrep_core::forecast::Outcome::parse(outcome)
                    .ok_or_else(|| anyhow!("demo: unknown outcome {outcome}"))?;
                w.resolve_statement(statement, Some(outcome), &texts(&s.note)?, None, now)
                    .await?;
            }
        }
    }
    Ok(())
}

fn lang_of(code: &str) -> anyhow::Result<Lang> {
    Lang::parse(code).map_err(|e| anyhow!("demo content: {e}"))
}

fn texts(map: &PerLang<String>) -> anyhow::Result<Vec<(Lang, &str)>> {
    map.iter()
        .map(|(k, v)| Ok((lang_of(k)?, v.as_str())))
        .collect()
}

/// Writes the demo content into an empty store, in one transaction, and
/// the demo's staff accounts.
pub async fn load(store: &Store, now: Timestamp) -> anyhow::Result<Loaded> {
    load_scaled(store, now, 0, &|_, _| {}).await
}

/// The demo, preceded by `extra` generated commentaries (about nineteen an
/// edition, one edition a week, going back in time): a large site for
/// benchmarks. The generated texts recombine the demo's own paragraphs, so
/// each language's vocabulary is real and translations stay aligned.
/// `progress` hears (written, extra).
pub async fn load_scaled(
    store: &Store,
    now: Timestamp,
    extra: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Loaded> {
    let editions_before = extra.div_ceil(PER_GENERATED_EDITION) as i64;
    let mut loaded = load_content(store, now, editions_before).await?;
    if extra > 0 {
        let more = generate(store, now, extra, progress).await?;
        loaded.editions += more.editions;
        loaded.commentaries += more.commentaries;
        loaded.versions += more.versions;
    }
    let default_lang = Lang::parse("be").map_err(|e| anyhow!("{e}"))?;
    add_logins(store, default_lang, now).await?;
    add_requests(store, now).await?;
    Ok(loaded)
}

async fn load_content(
    store: &Store,
    now: Timestamp,
    editions_before: i64,
) -> anyhow::Result<Loaded> {
    let site: Site = toml::from_str(SITE).context("demo/site.toml")?;
    let editions: Vec<DemoEdition> = EDITIONS
        .iter()
        .enumerate()
        .map(|(i, src)| toml::from_str(src).with_context(|| format!("demo edition file {}", i + 1)))
        .collect::<anyhow::Result<_>>()?;

    let today = jiff::Timestamp::from_second(now)?
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let latest_end = last_full_week_end(today);

    let forecasts: DemoForecasts = toml::from_str(FORECASTS).context("demo/forecasts.toml")?;
    let demo_langs: Vec<Lang> = site
        .name
        .keys()
        .map(|c| lang_of(c))
        .collect::<anyhow::Result<_>>()?;
    // The likelihood scale is the one every new site gets.
    crate::seed_scales(store, &demo_langs).await?;
    let likelihoods: HashMap<String, (i64, i64)> = store
        .catalog()
        .await?
        .likelihoods
        .iter()
        .map(|l| (l.key.clone(), (l.id, l.percent)))
        .collect();

    let mut w = store.writer().await?;
    for (key, map) in [
        ("name", &site.name),
        ("tagline", &site.tagline),
        ("publisher", &site.publisher),
    ] {
        for (lang, value) in texts(map)? {
            w.site_text(key, lang, value).await?;
        }
    }
    let mut assessments = HashMap::new();
    for (i, a) in site.assessments.iter().enumerate() {
        let id = w
            .assessment(&a.key, i as i64, a.tone, &texts(&a.label)?)
            .await?;
        assessments.insert(a.key.clone(), id);
    }
    let mut trends = HashMap::new();
    for (i, t) in site.trends.iter().enumerate() {
        let names: Vec<(Lang, &str, &str)> = t
            .name
            .iter()
            .map(|(code, name)| {
                let description = t.description.get(code).map(String::as_str).unwrap_or("");
                Ok((lang_of(code)?, name.as_str(), description))
            })
            .collect::<anyhow::Result<_>>()?;
        trends.insert(
            t.slug.as_str().to_owned(),
            w.trend(&t.slug, i as i64, &names).await?,
        );
    }
    let mut authors = HashMap::new();
    for a in &site.authors {
        let names: Vec<(Lang, &str, &str)> = a
            .name
            .iter()
            .map(|(code, name)| {
                let bio = a.bio.get(code).map(String::as_str).unwrap_or("");
                Ok((lang_of(code)?, name.as_str(), bio))
            })
            .collect::<anyhow::Result<_>>()?;
        authors.insert(a.slug.as_str().to_owned(), w.author(&a.slug, &names).await?);
    }
    write_forecasts(&mut w, &forecasts, now, today, &trends, &likelihoods).await?;
    // `media:NAME` in a text → the stored image's address.
    let mut addresses = Vec::new();
    for (name, bytes) in MEDIA {
        let c = sitrep_core::image::clean(bytes).map_err(|e| anyhow!("demo image {name}: {e}"))?;
        addresses.push((format!("(media:{name})"), format!("(/media/{})", c.hash)));
        let media = sitrep_store::Media {
            hash: c.hash,
            content_type: c.content_type,
            width: c.width,
            height: c.height,
            bytes: c.bytes,
        };
        w.add_media(&media, None, now).await?;
    }
    let with_media = |body: &str| {
        addresses
            .iter()
            .fold(body.to_owned(), |b, (from, to)| b.replace(from, to))
    };
    let month_ago = now - 30 * 86_400;
    for (i, p) in site.pages.iter().enumerate() {
        let versions: Vec<_> = p
            .versions
            .iter()
            .map(|(code, text)| {
                Ok((
                    lang_of(code)?,
                    text.title.as_str(),
                    text.body.as_str(),
                    Status::Published,
                    Some(month_ago),
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        w.page(&p.slug, i as i64, &versions, now).await?;
    }

    let mut loaded = Loaded::default();
    for e in &editions {
        let end = latest_end - (7 * e.weeks_ago).days();
        let week = EditionWeek::new(end - 6.days(), end)?;
        // Out on the web the Monday after the week at 09:00 UTC, by email a
        // day earlier; never later than an hour ago, so the newest edition
        // is visible however early today the demo starts.
        let monday_nine = (end + 1.days())
            .at(9, 0, 0, 0)
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)?
            .timestamp()
            .as_second();
        let web_at = monday_nine.min(now - 3600);
        let edition_id = w
            .edition(
                &NewEdition {
                    number: e.number + editions_before,
                    week,
                    email_at: Some(web_at - 86_400),
                    web_at: Some(web_at),
                },
                now,
            )
            .await?;
        loaded.editions += 1;
        for (position, c) in e.commentaries.iter().enumerate() {
            let trend_id = *trends
                .get(&c.trend)
                .ok_or_else(|| anyhow!("demo: unknown trend {}", c.trend))?;
            let assessment_id = *assessments
                .get(&c.assessment)
                .ok_or_else(|| anyhow!("demo: unknown assessment {}", c.assessment))?;
            let author_ids: Vec<i64> = c
                .authors
                .iter()
                .map(|a| {
                    authors
                        .get(a)
                        .copied()
                        .ok_or_else(|| anyhow!("demo: unknown author {a}"))
                })
                .collect::<anyhow::Result<_>>()?;
            let commentary_id = w
                .commentary(
                    &NewCommentary {
                        edition_id,
                        trend_id,
                        assessment_id,
                        position: position as i64,
                        authors: &author_ids,
                    },
                    now,
                )
                .await?;
            loaded.commentaries += 1;
            let status = c.status.unwrap_or(Status::Published);
            let published_at = match (status, c.publish_in_days) {
                (Status::Draft | Status::Review | Status::Approved, _) => None,
                (Status::Published, Some(days)) => Some(now + days * 86_400),
                (Status::Published, None) => Some(web_at),
            };
            if c.versions.is_empty() {
                bail!(
                    "demo: a commentary of edition {} has no language version",
                    e.number
                );
            }
            // The demo's stories were written in Belarusian and translated.
            let original = c
                .versions
                .keys()
                .find(|k| *k == "be")
                .or(c.versions.keys().next())
                .cloned();
            for (code, v) in &c.versions {
                w.version(
                    &NewVersion {
                        commentary_id,
                        lang: lang_of(code)?,
                        slug: &v.slug,
                        title: &v.title,
                        lead: &v.lead,
                        body: &with_media(&v.body),
                        status,
                        published_at,
                    },
                    now,
                )
                .await?;
                loaded.versions += 1;
                if let Some(original) = original.as_deref().filter(|o| *o != code) {
                    w.mark_translation(commentary_id, lang_of(code)?, lang_of(original)?)
                        .await?;
                }
            }
        }
    }
    w.commit().await?;
    Ok(loaded)
}

const PER_GENERATED_EDITION: usize = 19;

/// A small deterministic generator (xorshift64*), so a scaled site is the
/// same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Writes `extra` commentaries into editions 1.., the weeks before the
/// demo's own (which `load_content` numbered after them).
async fn generate(
    store: &Store,
    now: Timestamp,
    extra: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<Loaded> {
    let editions: Vec<DemoEdition> = EDITIONS
        .iter()
        .map(|src| toml::from_str(src).context("demo edition file"))
        .collect::<anyhow::Result<_>>()?;
    // The demo's fully translated stories are the material.
    let sources: Vec<&DemoCommentary> = editions
        .iter()
        .flat_map(|e| &e.commentaries)
        .filter(|c| c.versions.len() == 3 && c.status.is_none() && c.publish_in_days.is_none())
        .collect();
    anyhow::ensure!(!sources.is_empty(), "the demo has no stories to recombine");
    let catalog = store.catalog().await?;
    let oldest_demo = editions.iter().map(|e| e.weeks_ago).max().unwrap_or(0);
    let today = jiff::Timestamp::from_second(now)?
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let latest_end = last_full_week_end(today);
    let count = extra.div_ceil(PER_GENERATED_EDITION);
    let mut dice = Dice(0x5eed_1234_abcd_0001);
    let mut loaded = Loaded::default();
    let mut written = 0;
    let mut w = store.writer().await?;
    for n in 1..=count {
        // Commit in slices, so memory stays flat and progress is real.
        if n % 25 == 0 {
            w.commit().await?;
            progress(written, extra);
            w = store.writer().await?;
        }
        // Edition 1 is the oldest; the last generated one is the week
        // before the demo's first.
        let weeks_ago = oldest_demo + (count - n + 1) as i64;
        let end = latest_end - (7 * weeks_ago).days();
        let week = EditionWeek::new(end - 6.days(), end)?;
        let web_at = (end + 1.days())
            .at(9, 0, 0, 0)
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)?
            .timestamp()
            .as_second();
        let edition_id = w
            .edition(
                &NewEdition {
                    number: n as i64,
                    week,
                    // An archive: these went out long before the site had
                    // subscribers, so no send starts for them.
                    email_at: None,
                    web_at: Some(web_at),
                },
                now,
            )
            .await?;
        loaded.editions += 1;
        let here = PER_GENERATED_EDITION.min(extra - written);
        for position in 0..here {
            let story = sources[dice.below(sources.len())];
            let others = [
                sources[dice.below(sources.len())],
                sources[dice.below(sources.len())],
            ];
            let trend = &catalog.trends[dice.below(catalog.trends.len())];
            let assessment = &catalog.assessments[dice.below(catalog.assessments.len())];
            let author = &catalog.authors[dice.below(catalog.authors.len())];
            let commentary_id = w
                .commentary(
                    &NewCommentary {
                        edition_id,
                        trend_id: trend.id,
                        assessment_id: assessment.id,
                        position: position as i64,
                        authors: &[author.id],
                    },
                    now,
                )
                .await?;
            loaded.commentaries += 1;
            // The same paragraph picks in every language, so the versions
            // remain translations of each other.
            let picks: Vec<(usize, usize)> =
                (0..3).map(|_| (dice.below(2), dice.below(8))).collect();
            for (code, v) in &story.versions {
                let mut body: Vec<&str> = paragraphs(&v.body);
                for (other, at) in &picks {
                    if let Some(text) = others[*other].versions.get(code) {
                        let from = paragraphs(&text.body);
                        if let Some(p) = from.get(at % from.len().max(1)) {
                            body.push(p);
                        }
                    }
                }
                let slug = Slug::parse(&format!("{}-{}", v.slug.as_str(), written + 1))?;
                w.version(
                    &NewVersion {
                        commentary_id,
                        lang: lang_of(code)?,
                        slug: &slug,
                        title: &format!("{} ({})", v.title, written + 1),
                        lead: &v.lead,
                        body: &body.join("\n\n"),
                        status: Status::Published,
                        published_at: Some(web_at),
                    },
                    now,
                )
                .await?;
                loaded.versions += 1;
            }
            written += 1;
        }
    }
    w.commit().await?;
    progress(written, extra);
    Ok(loaded)
}

fn paragraphs(body: &str) -> Vec<&str> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_end_on_the_sunday_before_today() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        // Saturday 2026-11-28 → Sunday 2026-11-22.
        assert_eq!(last_full_week_end(d("2026-11-28")), d("2026-11-22"));
        // Sunday itself is not over yet → the Sunday before.
        assert_eq!(last_full_week_end(d("2026-11-29")), d("2026-11-22"));
        // Monday → yesterday.
        assert_eq!(last_full_week_end(d("2026-11-30")), d("2026-11-29"));
    }

    #[test]
    fn demo_files_parse() {
        toml::from_str::<Site>(SITE).unwrap();
        for src in EDITIONS {
            let e: DemoEdition = toml::from_str(src).unwrap();
            assert!((1..=4).contains(&e.number));
            assert!(
                (4..=6).contains(&e.commentaries.len()),
                "edition {}",
                e.number
            );
        }
    }
}
