//! WordPress's export (WXR, "Tools → Export") into a [`Bundle`].
//!
//! - Posts become commentaries, pages static pages; attachments, menus and
//!   anything else are passed over. Published and scheduled posts keep
//!   their times; drafts and pending posts come as drafts; private and
//!   trashed posts are skipped, saying so.
//! - Languages come from Polylang (each post's `language` term; posts
//!   grouped by their `post_translations` term; categories grouped by
//!   `term_translations`, whose PHP-serialized descriptions map languages
//!   to ids) or from WPML's export fields (`_wpml_import_language_code`,
//!   `_wpml_import_translation_group`, `_wpml_import_source_language_code`).
//!   Without either, every post is in the site's default language.
//! - A post's first category becomes its trend (one trend per translation
//!   group of categories, named in each language); its author (by login)
//!   an author.
//! - HTML becomes Markdown. Images under `wp-content/uploads/` are taken
//!   from a local copy of that folder when one is given, stripped of their
//!   metadata like uploads, and their addresses rewritten.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};
use sitrep_core::{Lang, Timestamp};

use crate::PortError;
use crate::bundle::{Bundle, Doc, DocVersion, Image, Named, PageDoc, slugify};
use crate::php;

/// How to read an export.
pub struct Options {
    /// The language of posts that do not say theirs.
    pub default_lang: Lang,
    /// A copy of the old site's `wp-content/uploads` folder.
    pub uploads: Option<PathBuf>,
}

fn is_wp(n: &Node) -> bool {
    n.tag_name().namespace().is_some_and(|ns| {
        ns.starts_with("http://wordpress.org/export/") && !ns.ends_with("/excerpt/")
    })
}

/// The text of the first child called `name` in the WXR namespace (`wp`),
/// or in another namespace ending like `ns_end`, or none.
fn child<'a>(n: &Node<'a, '_>, ns: Ns, name: &str) -> &'a str {
    n.children()
        .find(|c| {
            c.is_element()
                && c.tag_name().name() == name
                && match ns {
                    Ns::Wp => is_wp(c),
                    Ns::None => c.tag_name().namespace().is_none(),
                    Ns::Content => c
                        .tag_name()
                        .namespace()
                        .is_some_and(|u| u.contains("/content/")),
                    Ns::Excerpt => c
                        .tag_name()
                        .namespace()
                        .is_some_and(|u| u.ends_with("/excerpt/")),
                    Ns::Dc => c
                        .tag_name()
                        .namespace()
                        .is_some_and(|u| u.contains("purl.org/dc/")),
                }
        })
        .and_then(|c| c.text())
        .unwrap_or("")
}

#[derive(Clone, Copy)]
enum Ns {
    Wp,
    None,
    Content,
    Excerpt,
    Dc,
}

/// A category term: its slug, name and description.
#[derive(Debug, Clone)]
struct Term {
    slug: String,
    name: String,
    description: String,
}

/// One `<item>` as read.
#[derive(Debug, Clone)]
struct Item {
    id: i64,
    kind: String,
    status: String,
    title: String,
    slug: String,
    html: String,
    excerpt: String,
    creator: String,
    /// Readers needed a password for it on the old site.
    protected: bool,
    date: Option<Timestamp>,
    categories: Vec<String>,
    lang: Option<String>,
    group: Option<String>,
    source_lang: Option<String>,
}

fn lang_code(raw: &str) -> Option<Lang> {
    let code = raw
        .split(['-', '_'])
        .next()
        .unwrap_or(raw)
        .to_ascii_lowercase();
    Lang::parse(&code).ok()
}

/// "2024-03-05 09:00:00" (UTC) as seconds; WordPress writes zeros for none.
fn wp_time(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if raw.starts_with("0000") {
        return None;
    }
    sitrep_core::parse_moment(raw)
}

fn percent_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Reads a WXR document.
pub fn read(xml: &str, opts: &Options) -> Result<Bundle, PortError> {
    let doc = Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    )
    .map_err(|e| PortError::Bad(format!("not a readable WordPress export: {e}")))?;
    let channel = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("channel"))
        .ok_or_else(|| PortError::Bad("not a WordPress export: no <channel>".into()))?;
    if !channel.children().any(|n| is_wp(&n)) {
        return Err(PortError::Bad(
            "not a WordPress export: it has no wp: elements (an RSS feed is not an export)".into(),
        ));
    }
    let mut bundle = Bundle::default();

    // Authors by login.
    let mut authors: HashMap<String, String> = HashMap::new();
    for a in channel
        .children()
        .filter(|n| is_wp(n) && n.tag_name().name() == "author")
    {
        let login = child(&a, Ns::Wp, "author_login").trim().to_owned();
        let name = child(&a, Ns::Wp, "author_display_name").trim().to_owned();
        authors.insert(login.clone(), if name.is_empty() { login } else { name });
    }

    // Category terms by id and slug; Polylang's groups.
    let mut terms: HashMap<i64, Term> = HashMap::new();
    let mut term_groups: Vec<Vec<(String, i64)>> = Vec::new();
    for t in channel.children().filter(|n| is_wp(n)) {
        let tag = t.tag_name().name();
        let (id, taxonomy, slug, name, description) = match tag {
            "category" => (
                child(&t, Ns::Wp, "term_id"),
                "category",
                child(&t, Ns::Wp, "category_nicename"),
                child(&t, Ns::Wp, "cat_name"),
                child(&t, Ns::Wp, "category_description"),
            ),
            "term" => (
                child(&t, Ns::Wp, "term_id"),
                child(&t, Ns::Wp, "term_taxonomy"),
                child(&t, Ns::Wp, "term_slug"),
                child(&t, Ns::Wp, "term_name"),
                child(&t, Ns::Wp, "term_description"),
            ),
            _ => continue,
        };
        let id: i64 = id.trim().parse().unwrap_or(0);
        match taxonomy {
            "category" => {
                terms.insert(
                    id,
                    Term {
                        slug: percent_decoded(slug.trim()),
                        name: name.trim().to_owned(),
                        description: description.trim().to_owned(),
                    },
                );
            }
            "term_translations" => {
                if let Some(entries) = php::array(description) {
                    term_groups.push(
                        entries
                            .into_iter()
                            .filter_map(|(lang, v)| Some((lang, v.as_int()?)))
                            .collect(),
                    );
                }
            }
            _ => {}
        }
    }
    // Each category slug → the trend it belongs to.
    let mut trends: HashMap<String, Named> = HashMap::new();
    for group in &term_groups {
        let members: Vec<(Lang, &Term)> = group
            .iter()
            .filter_map(|(l, id)| Some((lang_code(l)?, terms.get(id)?)))
            .collect();
        let Some(lead) = members
            .iter()
            .find(|(l, _)| *l == opts.default_lang)
            .or(members.first())
        else {
            continue;
        };
        let named = Named {
            slug: slugify(&lead.1.slug),
            names: members
                .iter()
                .map(|(l, t)| (*l, t.name.clone(), t.description.clone()))
                .collect(),
        };
        for (_, t) in &members {
            trends.insert(t.slug.clone(), named.clone());
        }
    }
    for t in terms.values() {
        trends.entry(t.slug.clone()).or_insert_with(|| Named {
            slug: slugify(&t.slug),
            names: vec![(opts.default_lang, t.name.clone(), t.description.clone())],
        });
    }

    // Items.
    let mut items = Vec::new();
    for n in channel.children().filter(|n| n.has_tag_name("item")) {
        let mut item = Item {
            id: child(&n, Ns::Wp, "post_id").trim().parse().unwrap_or(0),
            kind: child(&n, Ns::Wp, "post_type").trim().to_owned(),
            status: child(&n, Ns::Wp, "status").trim().to_owned(),
            title: child(&n, Ns::None, "title").trim().to_owned(),
            slug: percent_decoded(child(&n, Ns::Wp, "post_name").trim()),
            html: child(&n, Ns::Content, "encoded").to_owned(),
            excerpt: child(&n, Ns::Excerpt, "encoded").trim().to_owned(),
            creator: child(&n, Ns::Dc, "creator").trim().to_owned(),
            protected: !child(&n, Ns::Wp, "post_password").trim().is_empty(),
            date: wp_time(child(&n, Ns::Wp, "post_date_gmt"))
                .or_else(|| wp_time(child(&n, Ns::Wp, "post_date"))),
            categories: Vec::new(),
            lang: None,
            group: None,
            source_lang: None,
        };
        for c in n.children().filter(|c| c.has_tag_name("category")) {
            let nicename = percent_decoded(c.attribute("nicename").unwrap_or_default());
            match c.attribute("domain").unwrap_or_default() {
                "category" => item.categories.push(nicename),
                "language" => item.lang = Some(nicename),
                "post_translations" => item.group = Some(format!("pll:{nicename}")),
                _ => {}
            }
        }
        for m in n
            .children()
            .filter(|m| is_wp(m) && m.tag_name().name() == "postmeta")
        {
            let key = child(&m, Ns::Wp, "meta_key").trim();
            let value = child(&m, Ns::Wp, "meta_value").trim();
            match key {
                "_wpml_import_language_code" if item.lang.is_none() => {
                    item.lang = Some(value.to_owned());
                }
                "_wpml_import_translation_group" if item.group.is_none() && !value.is_empty() => {
                    item.group = Some(format!("wpml:{value}"));
                }
                "_wpml_import_source_language_code" if !value.is_empty() => {
                    item.source_lang = Some(value.to_owned());
                }
                _ => {}
            }
        }
        items.push(item);
    }

    let mut images = Images::new(opts.uploads.as_deref(), "/wp-content/uploads/");

    // Posts, grouped into commentaries; pages, grouped likewise.
    let mut groups: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    let mut page_groups: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in items {
        let what = format!("{} {} \"{}\"", item.kind, item.id, item.title);
        match (item.kind.as_str(), item.status.as_str()) {
            ("post" | "page", "private") => {
                bundle
                    .skipped
                    .push((what, "it is private on the old site".into()));
                continue;
            }
            ("post" | "page", "trash") => {
                bundle
                    .skipped
                    .push((what, "it is in the old site's trash".into()));
                continue;
            }
            ("post" | "page", "auto-draft" | "inherit") => continue,
            ("post" | "page", _) if item.protected => {
                bundle.skipped.push((
                    what,
                    "it needs a password on the old site; sitrep would make it public".into(),
                ));
                continue;
            }
            ("post" | "page", _) => {}
            (
                "attachment" | "nav_menu_item" | "revision" | "wp_navigation" | "wp_global_styles"
                | "custom_css",
                _,
            ) => continue,
            (other, _) => {
                bundle.skipped.push((
                    what,
                    format!("sitrep has nothing like the post type \"{other}\""),
                ));
                continue;
            }
        }
        let key = item
            .group
            .clone()
            .unwrap_or_else(|| format!("id:{}", item.id));
        if item.kind == "page" {
            page_groups.entry(key).or_default().push(item);
        } else {
            groups.entry(key).or_default().push(item);
        }
    }

    for (_, mut members) in groups {
        // The original first: WPML says which; else the default language,
        // else the oldest post.
        members.sort_by_key(|i| {
            let original = i.source_lang.is_none();
            let default = item_lang(i, opts) == opts.default_lang;
            (!original, !default, i.id)
        });
        let first = &members[0];
        let source = format!("post {} \"{}\"", first.id, first.title);
        let mut versions = Vec::new();
        let mut seen_langs = Vec::new();
        for i in &members {
            let lang = item_lang(i, opts);
            if seen_langs.contains(&lang) {
                bundle.skipped.push((
                    format!("post {} \"{}\"", i.id, i.title),
                    format!("its group already has a {lang} version"),
                ));
                continue;
            }
            seen_langs.push(lang);
            let Some(date) = i.date else {
                bundle.skipped.push((
                    format!("post {} \"{}\"", i.id, i.title),
                    "it has no date".into(),
                ));
                continue;
            };
            let html = images.rewrite(&i.html, &mut bundle);
            versions.push(DocVersion {
                lang,
                slug: if i.slug.is_empty() {
                    slugify(&i.title)
                } else {
                    slugify(&i.slug)
                },
                title: i.title.clone(),
                lead: text_of(&i.excerpt),
                body: markdown(&html),
                published: matches!(i.status.as_str(), "publish" | "future"),
                date,
            });
        }
        if versions.is_empty() {
            continue;
        }
        let trend = first
            .categories
            .first()
            .and_then(|c| trends.get(c))
            .cloned();
        let authors = if first.creator.is_empty() {
            Vec::new()
        } else {
            let name = authors
                .get(&first.creator)
                .cloned()
                .unwrap_or_else(|| first.creator.clone());
            vec![Named {
                slug: slugify(&first.creator),
                names: vec![(opts.default_lang, name, String::new())],
            }]
        };
        bundle.docs.push(Doc {
            source,
            trend,
            assessment: None,
            authors,
            versions,
        });
    }

    for (_, members) in page_groups {
        let first = &members[0];
        let slug = members
            .iter()
            .find(|i| item_lang(i, opts) == opts.default_lang)
            .unwrap_or(first)
            .slug
            .clone();
        let slug = if slug.is_empty() {
            slugify(&first.title)
        } else {
            slugify(&slug)
        };
        let mut versions: Vec<(Lang, String, String, bool)> = Vec::new();
        for i in &members {
            let lang = item_lang(i, opts);
            if versions.iter().any(|(l, ..)| *l == lang) {
                continue;
            }
            let html = images.rewrite(&i.html, &mut bundle);
            versions.push((
                lang,
                i.title.clone(),
                markdown(&html),
                i.status == "publish",
            ));
        }
        bundle.pages.push(PageDoc {
            source: format!("page {} \"{}\"", first.id, first.title),
            slug,
            versions,
        });
    }
    images.finish(
        &mut bundle,
        "no copy of wp-content/uploads was given (--uploads DIR)",
    );
    Ok(bundle)
}

fn item_lang(i: &Item, opts: &Options) -> Lang {
    i.lang
        .as_deref()
        .and_then(lang_code)
        .unwrap_or(opts.default_lang)
}

/// HTML as Markdown (block comments and scripts dropped on the way; the
/// site sanitizes whatever remains when it renders).
pub(crate) fn markdown(html: &str) -> String {
    // WordPress's classic editor leaves paragraphs as blank lines.
    let html = if html.contains("<p") || html.contains("<!-- wp:") {
        html.to_owned()
    } else {
        html.split("\n\n")
            .map(|p| format!("<p>{}</p>", p.trim()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["script", "style", "iframe", "object", "embed", "form"])
        .build();
    converter
        .convert(&html)
        .map(|md| md.trim().to_owned())
        .unwrap_or_else(|_| html.clone())
}

/// An excerpt's plain text.
fn text_of(html: &str) -> String {
    let md = markdown(html);
    md.replace(['*', '_', '#'], "").trim().to_owned()
}

/// Images found in a local copy of the old site's image folder, by their
/// old address (which contains `mark`, e.g. `/wp-content/uploads/`).
pub(crate) struct Images {
    mark: &'static str,
    root: Option<PathBuf>,
    missing_folder: bool,
    wanted: u64,
    by_url: HashMap<String, Option<String>>,
    found: Vec<Image>,
}

impl Images {
    pub(crate) fn new(root: Option<&Path>, mark: &'static str) -> Images {
        Images {
            mark,
            root: root.map(Path::to_owned),
            missing_folder: root.is_none(),
            wanted: 0,
            by_url: HashMap::new(),
            found: Vec::new(),
        }
    }

    /// Rewrites the addresses of images it can read.
    pub(crate) fn rewrite(&mut self, html: &str, bundle: &mut Bundle) -> String {
        let mark = self.mark;
        let mut out = html.to_owned();
        let mut from = 0;
        while let Some(at) = out[from..].find(mark).map(|i| i + from) {
            let start = out[..at]
                .rfind(['"', '\'', '(', ' ', '='])
                .map_or(0, |i| i + 1);
            let end = out[at..]
                .find(['"', '\'', ')', ' ', '<', '>'])
                .map_or(out.len(), |i| i + at);
            let url = out[start..end].to_owned();
            let relative = url[url.find(mark).unwrap_or(0) + mark.len()..].to_owned();
            let to = match self.by_url.get(&url) {
                Some(to) => to.clone(),
                None => {
                    let to = self.load(&relative, &url, bundle);
                    self.by_url.insert(url.clone(), to.clone());
                    to
                }
            };
            match to {
                Some(new) => {
                    out.replace_range(start..end, &new);
                    from = start + new.len();
                }
                None => from = end,
            }
        }
        out
    }

    /// Hands the images found to the bundle, and says if none could be
    /// looked for.
    pub(crate) fn finish(self, bundle: &mut Bundle, why_missing: &str) {
        if self.missing_folder && self.wanted > 0 {
            bundle.skipped.push((
                format!("{} images", self.wanted),
                format!("{why_missing}; the texts keep their old addresses"),
            ));
        }
        bundle.images = self.found;
    }

    fn load(&mut self, relative: &str, url: &str, bundle: &mut Bundle) -> Option<String> {
        let lower = relative.to_ascii_lowercase();
        if ![".jpg", ".jpeg", ".png", ".webp"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return None;
        }
        self.wanted += 1;
        let root = self.root.as_ref()?;
        // Only plain relative paths inside the folder.
        let rel = Path::new(relative);
        if !rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            bundle.skipped.push((
                url.to_owned(),
                "its address leaves the uploads folder".into(),
            ));
            return None;
        }
        let path = root.join(rel);
        if crate::leads_out(root, &path) {
            bundle
                .skipped
                .push((url.to_owned(), "it links outside the uploads folder".into()));
            return None;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => {
                bundle.skipped.push((
                    url.to_owned(),
                    "not in the uploads folder; the text keeps its old address".into(),
                ));
                return None;
            }
        };
        match sitrep_core::image::clean(&bytes) {
            Ok(c) => {
                let to = format!("/media/{}", c.hash);
                if !self.found.iter().any(|i| i.hash == c.hash) {
                    self.found.push(Image {
                        bytes: c.bytes,
                        content_type: c.content_type,
                        width: c.width,
                        height: c.height,
                        hash: c.hash,
                    });
                }
                Some(to)
            }
            Err(e) => {
                bundle.skipped.push((url.to_owned(), e.to_string()));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_codes() {
        assert_eq!(wp_time("2024-03-05 09:00:00"), Some(1_709_629_200));
        assert_eq!(wp_time("0000-00-00 00:00:00"), None);
        assert_eq!(wp_time("soon"), None);
        assert_eq!(lang_code("ru_RU").map(|l| l.to_string()), Some("ru".into()));
        assert_eq!(lang_code("12-not"), None);
    }

    #[test]
    fn html_becomes_markdown() {
        let md = markdown(
            "<!-- wp:paragraph --><p>One <strong>two</strong></p><!-- /wp:paragraph --><h2>Head</h2><ul><li>a</li></ul><script>alert(1)</script>",
        );
        assert!(md.contains("**two**"), "{md}");
        assert!(md.contains("## Head"), "{md}");
        assert!(!md.contains("alert"), "{md}");
        assert!(!md.contains("wp:paragraph"), "{md}");
        let classic = markdown("First paragraph.\n\nSecond <em>one</em>.");
        assert!(classic.contains("First paragraph.\n\nSecond"), "{classic}");
    }

    #[test]
    #[cfg(unix)]
    fn an_image_linked_from_outside_the_uploads_folder_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.png");
        std::fs::write(&secret, b"not for the importer").unwrap();
        let uploads = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&secret, uploads.path().join("a.png")).unwrap();
        let mut images = Images::new(Some(uploads.path()), "/wp-content/uploads/");
        let mut bundle = Bundle::default();
        let html = r#"<img src="https://old.example/wp-content/uploads/a.png">"#;
        assert_eq!(images.rewrite(html, &mut bundle), html);
        assert!(
            bundle
                .skipped
                .iter()
                .any(|(_, why)| why.contains("outside")),
            "{:?}",
            bundle.skipped
        );
        images.finish(&mut bundle, "");
        assert!(bundle.images.is_empty());
    }

    #[test]
    fn not_an_export() {
        let opts = Options {
            default_lang: Lang::parse("en").unwrap(),
            uploads: None,
        };
        for bad in [
            "",
            "<rss><channel><item/></channel></rss>",
            "<html></html>",
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><rss/>",
        ] {
            assert!(read(bad, &opts).is_err(), "{bad}");
        }
    }
}
