//! A folder of Markdown files into a [`Bundle`]: one folder per language
//! (`DIR/en/*.md`, `DIR/ru/*.md`, …), front matter at the top of each file
//! in TOML (between `+++` lines) or YAML (between `---` lines):
//!
//! ```toml
//! title = "Prices climb again"      # required
//! slug = "prices-climb-again"       # default: the file's name
//! date = 2024-06-03T09:00:00Z       # required
//! trend = "economy"                 # a trend's slug (made if new)
//! assessment = "deteriorated"       # a key of the site's scale
//! authors = ["hanna-lis"]           # authors' slugs (made if new)
//! lead = "One sentence."            # also read as `description` or `summary`
//! draft = false
//! translationKey = "prices-2024-06" # files with the same key (or, without
//!                                   # one, the same file name) are one
//!                                   # commentary in several languages
//! ```
//!
//! Files that cannot be read are listed with the reason, never guessed at.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::{Lang, Timestamp};

use crate::PortError;
use crate::bundle::{Bundle, Doc, DocVersion, Named, slugify};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Front {
    title: Option<String>,
    slug: Option<String>,
    date: Option<Date>,
    trend: Option<String>,
    assessment: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    lead: Option<String>,
    description: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
    translation_key: Option<String>,
    key: Option<String>,
}

/// A date as TOML (a datetime value) or YAML (a string) writes it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Date {
    Toml(toml::value::Datetime),
    Text(String),
}

impl Date {
    fn seconds(&self) -> Option<Timestamp> {
        let text = match self {
            Date::Toml(d) => d.to_string(),
            Date::Text(s) => s.trim().to_owned(),
        };
        sitrep_core::parse_moment(&text)
    }
}

/// Splits front matter from the body: (front matter, is TOML, body).
fn split(text: &str) -> Result<(&str, bool, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (fence, toml) in [("+++", true), ("---", false)] {
        let Some(rest) = text.strip_prefix(fence) else {
            continue;
        };
        let rest = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'))
            .ok_or("the front matter's first line must be only the fence")?;
        let close = [format!("\n{fence}\n"), format!("\n{fence}\r\n")]
            .iter()
            .filter_map(|c| rest.find(c.as_str()).map(|i| (i, c.len())))
            .min()
            .or_else(|| {
                rest.ends_with(&format!("\n{fence}"))
                    .then(|| (rest.len() - fence.len() - 1, fence.len() + 1))
            });
        let Some((at, len)) = close else {
            return Err(format!("the front matter is not closed by a {fence} line"));
        };
        return Ok((&rest[..at], toml, &rest[(at + len).min(rest.len())..]));
    }
    Err("the file does not start with front matter (+++ or ---)".into())
}

/// One file's text (`stem` is its name without `.md`) as a version and its
/// front matter, or why it cannot be taken.
pub(crate) fn parse_file(
    text: &str,
    stem: &str,
    lang: Lang,
) -> Result<(DocVersion, Front), String> {
    let (front, toml, body) = split(text)?;
    let front: Front = if toml {
        toml::from_str(front).map_err(|e| format!("its TOML front matter: {}", e.message()))?
    } else {
        serde_yaml_ng::from_str(front).map_err(|e| format!("its YAML front matter: {e}"))?
    };
    let Some(title) = front.title.clone().filter(|t| !t.trim().is_empty()) else {
        return Err("it has no title".into());
    };
    let Some(date) = front.date.as_ref().and_then(Date::seconds) else {
        return Err("it has no date (such as 2024-06-03T09:00:00Z)".into());
    };
    let version = DocVersion {
        lang,
        slug: slugify(front.slug.as_deref().unwrap_or(stem)),
        title,
        lead: front
            .lead
            .clone()
            .or_else(|| front.description.clone())
            .or_else(|| front.summary.clone())
            .unwrap_or_default(),
        body: body.trim().to_owned(),
        published: !front.draft,
        date,
    };
    Ok((version, front))
}

/// Reads every `*.md` file under `DIR/{lang}/`.
pub fn read(dir: &Path, site_langs: &[Lang]) -> Result<Bundle, PortError> {
    if !dir.is_dir() {
        return Err(PortError::Bad(format!("{} is not a folder", dir.display())));
    }
    let mut bundle = Bundle::default();
    // key → (lang, version, front) in file order.
    let mut groups: BTreeMap<String, Vec<(DocVersion, Front, String)>> = BTreeMap::new();
    let mut folders: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).collect();
    folders.sort_by_key(|e| e.file_name());
    for folder in folders {
        let name = folder.file_name().to_string_lossy().into_owned();
        if !folder.file_type()?.is_dir() {
            continue;
        }
        let lang = match Lang::parse(&name) {
            Ok(l) if site_langs.contains(&l) => l,
            _ => {
                bundle.skipped.push((
                    format!("{name}/"),
                    format!("\"{name}\" is not one of the site's languages"),
                ));
                continue;
            }
        };
        let mut files: Vec<_> = std::fs::read_dir(folder.path())?
            .filter_map(|e| e.ok())
            .collect();
        files.sort_by_key(|e| e.file_name());
        for file in files {
            let file_name = file.file_name().to_string_lossy().into_owned();
            let Some(stem) = file_name.strip_suffix(".md") else {
                continue;
            };
            let source = format!("{name}/{file_name}");
            // Only plain files: a link could point anywhere on the disk.
            if !file.file_type().is_ok_and(|t| t.is_file()) {
                bundle.skipped.push((
                    source,
                    "not a plain file (a link or a folder); only plain files are read".into(),
                ));
                continue;
            }
            let text = match std::fs::read_to_string(file.path()) {
                Ok(t) => t,
                Err(e) => {
                    bundle
                        .skipped
                        .push((source, format!("cannot be read as UTF-8 text: {e}")));
                    continue;
                }
            };
            let (version, front) = match parse_file(&text, stem, lang) {
                Ok(parsed) => parsed,
                Err(why) => {
                    bundle.skipped.push((source, why));
                    continue;
                }
            };
            let key = front
                .translation_key
                .clone()
                .or_else(|| front.key.clone())
                .unwrap_or_else(|| stem.to_owned());
            groups
                .entry(key)
                .or_default()
                .push((version, front, source));
        }
    }
    for (_, members) in groups {
        let mut versions = Vec::new();
        let (mut trend, mut assessment, mut authors) = (None, None, Vec::new());
        let source = members[0].2.clone();
        for (v, f, s) in members {
            if versions.iter().any(|x: &DocVersion| x.lang == v.lang) {
                bundle
                    .skipped
                    .push((s, format!("another file is already its {} version", v.lang)));
                continue;
            }
            trend = trend.or(f.trend.clone());
            assessment = assessment.or(f.assessment.clone());
            if authors.is_empty() {
                authors = f.authors.clone();
            }
            versions.push(v);
        }
        let lang = versions[0].lang;
        bundle.docs.push(Doc {
            source,
            trend: trend.map(|slug| Named {
                names: vec![(lang, slug.clone(), String::new())],
                slug: slugify(&slug),
            }),
            assessment,
            authors: authors
                .iter()
                .map(|a| Named {
                    slug: slugify(a),
                    names: vec![(lang, a.clone(), String::new())],
                })
                .collect(),
            versions,
        });
    }
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_linked_file_is_left_alone_with_a_reason() {
        let text = "+++\ntitle = \"A plain file\"\ndate = 2024-06-24T09:00:00Z\n+++\n\nIts body.\n";
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(
            &secret,
            text.replace("A plain file", "Not for the importer"),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let en = dir.path().join("en");
        std::fs::create_dir(&en).unwrap();
        std::fs::write(en.join("plain.md"), text).unwrap();
        std::os::unix::fs::symlink(&secret, en.join("linked.md")).unwrap();
        let bundle = read(dir.path(), &[Lang::parse("en").unwrap()]).unwrap();
        let titles: Vec<_> = bundle
            .docs
            .iter()
            .flat_map(|d| d.versions.iter().map(|v| v.title.clone()))
            .collect();
        assert_eq!(titles, ["A plain file"]);
        assert!(
            bundle
                .skipped
                .iter()
                .any(|(what, why)| what == "en/linked.md" && why.contains("not a plain file")),
            "{:?}",
            bundle.skipped
        );
    }

    #[test]
    fn front_matter_is_found_or_refused() {
        let (f, toml, body) = split("+++\ntitle = \"A\"\n+++\nBody\n").unwrap();
        assert!(toml);
        assert_eq!(f, "title = \"A\"");
        assert_eq!(body, "Body\n");
        let (f, toml, body) = split("---\r\ntitle: A\r\n---\r\nBody").unwrap();
        assert!(!toml);
        assert_eq!(f, "title: A\r");
        assert_eq!(body, "Body");
        let (_, _, body) = split("---\ntitle: A\n---").unwrap();
        assert_eq!(body, "");
        for bad in [
            "no front matter",
            "+++\ntitle = 1\n",
            "---title: A\n---\n",
            "",
        ] {
            assert!(split(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_in_both_styles() {
        let toml: Front = toml::from_str("date = 2024-06-03T09:00:00Z").unwrap();
        assert_eq!(toml.date.unwrap().seconds(), Some(1_717_405_200));
        let yaml: Front = serde_yaml_ng::from_str("date: 2024-06-03").unwrap();
        assert_eq!(yaml.date.unwrap().seconds(), Some(1_717_372_800));
    }
}
