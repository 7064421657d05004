//! What every importer produces, and the one writer that puts it into a
//! site: commentaries grouped with their language versions, static pages,
//! images, and what was skipped and why.
//!
//! The writer matches what is already there by natural keys (a trend's or
//! author's slug, an edition's week, a version's language and slug, a
//! page's slug, an image's hash), so running an import again changes
//! nothing. Imported letters are never sent: new editions get no email time.

use std::collections::HashMap;

use sitrep_core::{EditionWeek, Lang, Slug, Status, Timestamp};
use sitrep_store::{NewCommentary, Store, VersionEdit};

use crate::PortError;

/// A trend or author as a source names it: a slug and names per language.
#[derive(Debug, Clone, Default)]
pub struct Named {
    pub slug: String,
    /// (language, name, description or biography).
    pub names: Vec<(Lang, String, String)>,
}

/// One commentary with its language versions.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Where it came from, for the report ("post 12", "en/file.md").
    pub source: String,
    pub trend: Option<Named>,
    /// An assessment key; the scale's neutral step when absent or unknown.
    pub assessment: Option<String>,
    pub authors: Vec<Named>,
    /// The original first.
    pub versions: Vec<DocVersion>,
}

#[derive(Debug, Clone)]
pub struct DocVersion {
    pub lang: Lang,
    pub slug: String,
    pub title: String,
    pub lead: String,
    /// Markdown.
    pub body: String,
    /// Published (from this time, which may be in the future) or a draft
    /// dated by when it was written.
    pub published: bool,
    pub date: Timestamp,
}

/// A static page in its languages: (language, title, Markdown body).
#[derive(Debug, Clone)]
pub struct PageDoc {
    pub source: String,
    pub slug: String,
    pub versions: Vec<(Lang, String, String, bool)>,
}

/// An image found for the content, and the addresses that pointed to it.
#[derive(Debug, Clone)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    pub hash: String,
}

/// Everything an importer read.
#[derive(Debug, Default)]
pub struct Bundle {
    pub docs: Vec<Doc>,
    pub pages: Vec<PageDoc>,
    pub images: Vec<Image>,
    /// (what, why) for each thing the source had that is not imported.
    pub skipped: Vec<(String, String)>,
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub commentaries: u64,
    pub versions: u64,
    pub pages: u64,
    pub images: u64,
    pub trends: u64,
    pub authors: u64,
    pub editions: u64,
    /// Already in the site from an earlier run (or by the same address).
    pub unchanged: u64,
    pub skipped: Vec<(String, String)>,
}

/// A slug from any text: transliterated to ASCII, lowercase, words joined
/// by single hyphens, at most 100 characters. Empty when nothing is left.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if out.len() > Slug::MAX_LEN {
        out.truncate(Slug::MAX_LEN);
        out = out.trim_end_matches('-').to_owned();
    }
    out
}

/// The Monday-to-Sunday week a moment falls in (UTC).
pub(crate) fn week_of(t: Timestamp) -> Option<EditionWeek> {
    let day = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::from_second(t).ok()?)
        .date();
    let monday = day
        .checked_sub(jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset())))
        .ok()?;
    let sunday = monday.checked_add(jiff::Span::new().days(6)).ok()?;
    EditionWeek::new(monday, sunday).ok()
}

/// Writes a bundle into the site, in one transaction per commentary;
/// `progress` hears (done, total) over commentaries and pages.
pub async fn write(
    store: &Store,
    bundle: Bundle,
    site_langs: &[Lang],
    now: Timestamp,
    mut progress: impl FnMut(u64, u64),
) -> Result<Report, PortError> {
    let mut report = Report {
        skipped: bundle.skipped,
        ..Report::default()
    };
    let total = (bundle.docs.len() + bundle.pages.len()) as u64;
    let mut done = 0;

    if !bundle.images.is_empty() {
        let mut w = store.writer().await?;
        for image in &bundle.images {
            if store.media(&image.hash).await?.is_none() {
                report.images += 1;
            }
            let m = sitrep_store::Media {
                hash: image.hash.clone(),
                content_type: image.content_type.clone(),
                width: image.width,
                height: image.height,
                bytes: image.bytes.clone(),
            };
            w.add_media(&m, None, now).await?;
        }
        w.commit().await?;
    }

    let catalog = store.catalog().await?;
    let neutral = catalog
        .assessments
        .iter()
        .find(|a| a.tone == 0)
        .or(catalog.assessments.first())
        .map(|a| a.id)
        .ok_or_else(|| {
            PortError::Bad("the site has no assessment scale; start it once with `sitrep serve` or `sitrep migrate` first".into())
        })?;
    let mut trends: HashMap<String, i64> = catalog
        .trends
        .iter()
        .map(|t| (t.slug.clone(), t.id))
        .collect();
    let mut authors: HashMap<String, i64> = catalog
        .authors
        .iter()
        .map(|a| (a.slug.clone(), a.id))
        .collect();
    let assessments: HashMap<String, i64> = catalog
        .assessments
        .iter()
        .map(|a| (a.key.clone(), a.id))
        .collect();
    let mut editions: HashMap<String, (i64, i64)> = store
        .desk_editions()
        .await?
        .into_iter()
        .map(|e| (e.week_start.clone(), (e.id, e.number)))
        .collect();
    let mut next_number = editions.values().map(|(_, n)| *n).max().unwrap_or(0) + 1;
    let mut next_trend_position = catalog.trends.len() as i64;
    let mut existing = store.version_slugs().await?;
    // Addresses this run took, to tell a clash from an earlier run's work.
    let mut taken_now: std::collections::HashSet<(String, String)> = Default::default();

    // Oldest first, so editions are numbered in the order of their weeks.
    let mut docs = bundle.docs;
    docs.sort_by_key(|d| d.versions.first().map_or(0, |v| v.date));
    for doc in docs {
        done += 1;
        progress(done, total);
        let versions: Vec<&DocVersion> = doc
            .versions
            .iter()
            .filter(|v| {
                let served = site_langs.contains(&v.lang);
                if !served {
                    report.skipped.push((
                        format!("{} ({})", doc.source, v.lang),
                        format!("the site has no language {}", v.lang),
                    ));
                }
                served
            })
            .collect();
        let Some(original) = versions.first() else {
            continue;
        };
        let keys: Vec<(String, String)> = versions
            .iter()
            .map(|v| (v.lang.to_string(), v.slug.clone()))
            .collect();
        if let Some(clash) = keys.iter().find(|k| taken_now.contains(*k)) {
            report.skipped.push((
                doc.source.clone(),
                format!(
                    "its {} address \"{}\" is already another imported commentary's",
                    clash.0, clash.1
                ),
            ));
            continue;
        }
        if keys.iter().any(|k| existing.contains(k)) {
            report.unchanged += 1;
            continue;
        }
        let mut bad = None;
        let mut slugs = Vec::new();
        for v in &versions {
            match Slug::parse(&v.slug) {
                Ok(s) if !v.title.trim().is_empty() => slugs.push(s),
                Ok(_) => bad = Some("it has no title".to_owned()),
                Err(e) => bad = Some(format!("its address \"{}\" is not usable: {e}", v.slug)),
            }
        }
        if let Some(why) = bad {
            report.skipped.push((doc.source.clone(), why));
            continue;
        }
        let Some(week) = week_of(original.date) else {
            report
                .skipped
                .push((doc.source.clone(), "its date is out of range".into()));
            continue;
        };
        let mut w = store.writer().await?;
        // The trend and authors, made when new.
        let trend = doc
            .trend
            .clone()
            .filter(|t| Slug::parse(&t.slug).is_ok())
            .unwrap_or_else(|| Named {
                slug: "imported".into(),
                names: site_langs
                    .iter()
                    .map(|l| (*l, "Imported".to_owned(), String::new()))
                    .collect(),
            });
        let trend_id = match trends.get(&trend.slug) {
            Some(id) => *id,
            None => {
                let slug = Slug::parse(&trend.slug)
                    .map_err(|e| PortError::Bad(format!("the trend \"{}\": {e}", trend.slug)))?;
                let names = named(&trend, site_langs);
                let names: Vec<(Lang, &str, &str)> = names
                    .iter()
                    .map(|(l, n, d)| (*l, n.as_str(), d.as_str()))
                    .collect();
                let id = w.trend(&slug, next_trend_position, &names).await?;
                next_trend_position += 1;
                report.trends += 1;
                trends.insert(trend.slug.clone(), id);
                id
            }
        };
        let mut author_ids = Vec::new();
        for a in &doc.authors {
            let id = match authors.get(&a.slug) {
                Some(id) => *id,
                None => {
                    let Ok(slug) = Slug::parse(&a.slug) else {
                        continue;
                    };
                    let names = named(a, site_langs);
                    let names: Vec<(Lang, &str, &str)> = names
                        .iter()
                        .map(|(l, n, d)| (*l, n.as_str(), d.as_str()))
                        .collect();
                    let id = w.author(&slug, &names).await?;
                    report.authors += 1;
                    authors.insert(a.slug.clone(), id);
                    id
                }
            };
            if !author_ids.contains(&id) {
                author_ids.push(id);
            }
        }
        let published_at = versions
            .iter()
            .filter(|v| v.published)
            .map(|v| v.date)
            .min();
        let week_start = week.start().to_string();
        let edition_id = match editions.get(&week_start) {
            Some((id, _)) => *id,
            None => {
                let id = w
                    .edition(
                        &sitrep_store::NewEdition {
                            number: next_number,
                            week,
                            email_at: None,
                            web_at: Some(published_at.unwrap_or(original.date)),
                        },
                        now,
                    )
                    .await?;
                editions.insert(week_start, (id, next_number));
                next_number += 1;
                report.editions += 1;
                id
            }
        };
        let assessment_id = doc
            .assessment
            .as_ref()
            .and_then(|k| assessments.get(k).copied())
            .unwrap_or(neutral);
        let position = store.desk_commentaries(Some(edition_id)).await?.len() as i64;
        let id = w
            .commentary(
                &NewCommentary {
                    edition_id,
                    trend_id,
                    assessment_id,
                    position,
                    authors: &author_ids,
                },
                now,
            )
            .await?;
        for (v, slug) in versions.iter().zip(&slugs) {
            let edit = VersionEdit {
                slug,
                title: v.title.trim(),
                lead: v.lead.trim(),
                body: &v.body,
            };
            let source = (v.lang != original.lang).then_some(original.lang);
            w.add_version(id, v.lang, &edit, source, None, now).await?;
            if v.published {
                w.set_version_status(id, v.lang, Status::Published, Some(v.date), now)
                    .await?;
            }
            report.versions += 1;
        }
        w.commit().await?;
        for k in keys {
            existing.insert(k.clone());
            taken_now.insert(k);
        }
        report.commentaries += 1;
    }

    let known_pages = store.desk_pages().await?;
    let mut position = known_pages.len() as i64;
    for page in bundle.pages {
        done += 1;
        progress(done, total);
        if known_pages.iter().any(|p| p.slug == page.slug) {
            report.unchanged += 1;
            continue;
        }
        let Ok(slug) = Slug::parse(&page.slug) else {
            report.skipped.push((
                page.source.clone(),
                format!("its address \"{}\" is not usable", page.slug),
            ));
            continue;
        };
        let versions: Vec<(Lang, &str, &str, Status, Option<Timestamp>)> = page
            .versions
            .iter()
            .filter(|(l, ..)| site_langs.contains(l))
            .map(|(l, title, body, published)| {
                if *published {
                    (
                        *l,
                        title.as_str(),
                        body.as_str(),
                        Status::Published,
                        Some(now),
                    )
                } else {
                    (*l, title.as_str(), body.as_str(), Status::Draft, None)
                }
            })
            .collect();
        if versions.is_empty() {
            report.skipped.push((
                page.source.clone(),
                "none of its languages is the site's".into(),
            ));
            continue;
        }
        let mut w = store.writer().await?;
        w.page(&slug, position, &versions, now).await?;
        w.commit().await?;
        position += 1;
        report.pages += 1;
    }
    Ok(report)
}

/// Names in the site's languages: the source's, else its first for all.
pub(crate) fn named(n: &Named, site_langs: &[Lang]) -> Vec<(Lang, String, String)> {
    let fallback = n.names.first().cloned();
    site_langs
        .iter()
        .filter_map(|l| {
            n.names
                .iter()
                .find(|(nl, ..)| nl == l)
                .map(|(_, name, text)| (*l, name.clone(), text.clone()))
                .or_else(|| fallback.clone().map(|(_, name, text)| (*l, name, text)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_any_text() {
        assert_eq!(slugify("Замарожаныя цэны"), "zamarozhanyia-tseny");
        assert_eq!(slugify("Цены — вверх!"), "tseny-vverkh");
        assert_eq!(slugify("  Hello,  World  "), "hello-world");
        assert_eq!(slugify("!!!"), "");
        assert!(slugify(&"слова ".repeat(40)).len() <= Slug::MAX_LEN);
        assert!(Slug::parse(&slugify(&"слова ".repeat(40))).is_ok());
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        // 2024-03-06 is a Wednesday.
        let w = week_of(1_709_719_200).unwrap();
        assert_eq!(w.start().to_string(), "2024-03-04");
        assert_eq!(w.end().to_string(), "2024-03-10");
        // A Monday is its own week's start.
        let w = week_of(1_709_510_400).unwrap();
        assert_eq!(w.start().to_string(), "2024-03-04");
    }
}
