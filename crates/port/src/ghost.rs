//! Ghost's export ("Settings → Import/Export → Export content", a JSON file)
//! into a [`Bundle`].
//!
//! Posts become commentaries in one language (Ghost sites have one), pages
//! static pages. A post's first public tag becomes its trend (tags whose
//! name starts with `#` are Ghost's internal ones and are passed over); its
//! authors, in order, its authors. Ghost's rendered `html` is used (turned
//! into Markdown), else its plain text. `__GHOST_URL__` (Ghost's stand-in
//! for the site's address) is dropped, so links become site-relative, and
//! images under `/content/images/` are taken from a local copy of that
//! folder when one is given.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use sitrep_core::{Lang, Timestamp};

use crate::PortError;
use crate::bundle::{Bundle, Doc, DocVersion, Named, PageDoc, slugify};
use crate::wordpress::{Images, markdown};

pub struct Options {
    /// The language of every post.
    pub lang: Lang,
    /// A copy of the old site's `content/images` folder.
    pub images: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    db: Vec<Db>,
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Db {
    data: Data,
}

#[derive(Deserialize, Default)]
struct Data {
    #[serde(default)]
    posts: Vec<Post>,
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    posts_tags: Vec<Link>,
    #[serde(default)]
    users: Vec<User>,
    #[serde(default)]
    posts_authors: Vec<AuthorLink>,
}

#[derive(Deserialize)]
struct Post {
    id: String,
    title: Option<String>,
    slug: Option<String>,
    html: Option<String>,
    plaintext: Option<String>,
    custom_excerpt: Option<String>,
    #[serde(rename = "type", default = "post_type")]
    kind: String,
    status: Option<String>,
    published_at: Option<String>,
    created_at: Option<String>,
    visibility: Option<String>,
}

fn post_type() -> String {
    "post".into()
}

#[derive(Deserialize)]
struct Tag {
    id: String,
    name: Option<String>,
    slug: Option<String>,
    description: Option<String>,
    visibility: Option<String>,
}

#[derive(Deserialize)]
struct Link {
    post_id: String,
    tag_id: String,
    #[serde(default)]
    sort_order: i64,
}

#[derive(Deserialize)]
struct User {
    id: String,
    name: Option<String>,
    slug: Option<String>,
    bio: Option<String>,
}

#[derive(Deserialize)]
struct AuthorLink {
    post_id: String,
    author_id: String,
    #[serde(default)]
    sort_order: i64,
}

fn time(raw: Option<&str>) -> Option<Timestamp> {
    raw?.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// Reads a Ghost export.
pub fn read(json: &str, opts: &Options) -> Result<Bundle, PortError> {
    let export: Export = serde_json::from_str(json)
        .map_err(|e| PortError::Bad(format!("not a Ghost export: {e}")))?;
    let data = match (export.db.into_iter().next(), export.data) {
        (Some(db), _) => db.data,
        (None, Some(data)) => data,
        (None, None) => {
            return Err(PortError::Bad(
                "not a Ghost export: it has neither db[0].data nor data".into(),
            ));
        }
    };
    let lang = opts.lang;
    let tags: HashMap<&str, &Tag> = data.tags.iter().map(|t| (t.id.as_str(), t)).collect();
    let users: HashMap<&str, &User> = data.users.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut bundle = Bundle::default();
    let mut images = Images::new(opts.images.as_deref(), "/content/images/");
    for post in &data.posts {
        let title = post.title.clone().unwrap_or_default();
        let what = format!("{} \"{title}\"", post.kind);
        let status = post.status.as_deref().unwrap_or("draft");
        if post.visibility.as_deref().is_some_and(|v| v != "public") {
            bundle.skipped.push((
                what,
                "it is for members only on the old site; sitrep would make it public".into(),
            ));
            continue;
        }
        let Some(source) = post
            .html
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .map(|h| h.replace("__GHOST_URL__", ""))
            .or_else(|| post.plaintext.clone().map(|t| t.replace('<', "&lt;")))
        else {
            bundle.skipped.push((
                what,
                "it has neither HTML nor plain text in the export".into(),
            ));
            continue;
        };
        let html = images.rewrite(&source, &mut bundle);
        let body = markdown(&html);
        let slug = slugify(post.slug.as_deref().unwrap_or(&title));
        let published = matches!(status, "published" | "scheduled");
        match post.kind.as_str() {
            "page" => bundle.pages.push(PageDoc {
                source: what,
                slug,
                versions: vec![(lang, title, body, published)],
            }),
            "post" => {
                let Some(date) =
                    time(post.published_at.as_deref()).or_else(|| time(post.created_at.as_deref()))
                else {
                    bundle.skipped.push((what, "it has no date".into()));
                    continue;
                };
                let mut links: Vec<&Link> = data
                    .posts_tags
                    .iter()
                    .filter(|l| l.post_id == post.id)
                    .collect();
                links.sort_by_key(|l| l.sort_order);
                let trend = links
                    .iter()
                    .filter_map(|l| tags.get(l.tag_id.as_str()))
                    .find(|t| {
                        t.visibility.as_deref() != Some("internal")
                            && !t.name.as_deref().unwrap_or_default().starts_with('#')
                    })
                    .map(|t| Named {
                        slug: slugify(t.slug.as_deref().or(t.name.as_deref()).unwrap_or("tag")),
                        names: vec![(
                            lang,
                            t.name.clone().unwrap_or_default(),
                            t.description.clone().unwrap_or_default(),
                        )],
                    });
                let mut by: Vec<&AuthorLink> = data
                    .posts_authors
                    .iter()
                    .filter(|l| l.post_id == post.id)
                    .collect();
                by.sort_by_key(|l| l.sort_order);
                let authors = by
                    .iter()
                    .filter_map(|l| users.get(l.author_id.as_str()))
                    .map(|u| Named {
                        slug: slugify(u.slug.as_deref().or(u.name.as_deref()).unwrap_or("author")),
                        names: vec![(
                            lang,
                            u.name.clone().unwrap_or_default(),
                            u.bio.clone().unwrap_or_default(),
                        )],
                    })
                    .collect();
                bundle.docs.push(Doc {
                    source: what,
                    trend,
                    assessment: None,
                    authors,
                    versions: vec![DocVersion {
                        lang,
                        slug,
                        title,
                        lead: post.custom_excerpt.clone().unwrap_or_default(),
                        body,
                        published,
                        date,
                    }],
                });
            }
            other => bundle
                .skipped
                .push((what, format!("sitrep has nothing like Ghost's \"{other}\""))),
        }
    }
    images.finish(
        &mut bundle,
        "no copy of content/images was given (--images DIR)",
    );
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_json_is_refused() {
        let opts = Options {
            lang: Lang::parse("en").unwrap(),
            images: None,
        };
        for bad in [
            "",
            "[]",
            "{}",
            "{\"db\": 3}",
            "{\"db\": [{\"data\": {\"posts\": 1}}]}",
        ] {
            assert!(read(bad, &opts).is_err(), "{bad}");
        }
        let empty = read("{\"db\": [{\"data\": {}}]}", &opts).unwrap();
        assert!(empty.docs.is_empty());
    }
}
