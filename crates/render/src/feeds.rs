//! Feeds: one view of a list of commentaries, written as RSS 2.0 (rss),
//! Atom (atom_syndication) or JSON Feed 1.1 (serde_json). Like the pages,
//! a feed is a pure function of its view: no clock, no I/O.

use serde::Serialize;

use crate::markdown;

/// A feed, as the web layer fills it.
#[derive(Debug, Clone)]
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The page the feed follows (absolute when the site has a public address).
    pub home_url: String,
    /// The feed's own address.
    pub feed_url: String,
    /// A stable id (a URN), the same whatever the site's address.
    pub id: String,
    /// The language of every item, when the feed has one.
    pub lang: Option<String>,
    /// The newest item's time (epoch seconds), 0 for an empty feed.
    pub updated: i64,
    pub items: Vec<FeedItem>,
}

#[derive(Debug, Clone)]
pub struct FeedItem {
    pub id: String,
    pub url: String,
    pub title: String,
    pub lead: String,
    /// Markdown; written as sanitized HTML.
    pub body: String,
    pub lang: String,
    pub published: i64,
    pub updated: i64,
    pub authors: Vec<String>,
    /// The trend's name and the assessment's label, in the item's language.
    pub categories: Vec<String>,
}

/// The item's full text as HTML: the lead, then the body.
fn content_html(item: &FeedItem) -> String {
    let mut html = String::new();
    let lang = sitrep_core::Lang::parse(&item.lang).ok();
    if !item.lead.is_empty() {
        html.push_str("<p><strong>");
        let lead = match lang {
            Some(l) => crate::typography::typeset(l, &item.lead),
            None => item.lead.as_str().into(),
        };
        html.push_str(&markdown::escape(&lead));
        html.push_str("</strong></p>\n");
    }
    html.push_str(&match lang {
        Some(l) => markdown::to_html_in(&item.body, l),
        None => markdown::to_html(&item.body),
    });
    html
}

fn timestamp(t: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(t).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn rfc3339(t: i64) -> String {
    timestamp(t).to_string()
}

fn rfc2822(t: i64) -> String {
    jiff::fmt::rfc2822::to_string(&timestamp(t).to_zoned_datetime(jiff::tz::TimeZone::UTC))
        .unwrap_or_default()
}

/// RSS 2.0, with the full text in `content:encoded` and authors in
/// `dc:creator` (RSS's own `author` wants an email address).
pub fn rss(feed: &Feed) -> String {
    use rss::extension::dublincore::DublinCoreExtension;
    let items: Vec<rss::Item> = feed
        .items
        .iter()
        .map(|i| {
            let mut item = rss::Item::default();
            item.set_title(i.title.clone());
            item.set_link(i.url.clone());
            item.set_description(i.lead.clone());
            item.set_content(content_html(i));
            let mut guid = rss::Guid::default();
            guid.set_value(i.id.clone());
            guid.set_permalink(false);
            item.set_guid(guid);
            item.set_pub_date(rfc2822(i.published));
            item.set_categories(
                i.categories
                    .iter()
                    .map(|c| {
                        let mut cat = rss::Category::default();
                        cat.set_name(c.clone());
                        cat
                    })
                    .collect::<Vec<_>>(),
            );
            if !i.authors.is_empty() {
                let mut dc = DublinCoreExtension::default();
                dc.set_creators(i.authors.clone());
                dc.set_languages(vec![i.lang.clone()]);
                item.set_dublin_core_ext(dc);
            }
            item
        })
        .collect();
    let mut channel = rss::Channel::default();
    channel.set_title(feed.title.clone());
    channel.set_link(feed.home_url.clone());
    channel.set_description(feed.description.clone());
    channel.set_language(feed.lang.clone());
    channel.set_generator("sitrep".to_owned());
    if feed.updated > 0 {
        channel.set_last_build_date(rfc2822(feed.updated));
    }
    channel.set_items(items);
    channel.to_string()
}

fn fixed(t: i64) -> atom_syndication::FixedDateTime {
    rfc3339(t)
        .parse()
        .unwrap_or_else(|_| atom_syndication::FixedDateTime::default())
}

/// Atom (RFC 4287): each entry's title and content carry its language.
pub fn atom(feed: &Feed) -> String {
    use atom_syndication::{Category, Content, Entry, Link, Person, Text};
    let text = |value: &str, lang: Option<&str>| Text {
        lang: lang.map(str::to_owned),
        ..Text::plain(value)
    };
    let link = |href: &str, rel: &str, mime: &str, lang: Option<&str>| Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        hreflang: lang.map(str::to_owned),
        ..Link::default()
    };
    let entries = feed
        .items
        .iter()
        .map(|i| Entry {
            title: text(&i.title, Some(&i.lang)),
            id: i.id.clone(),
            updated: fixed(i.updated.max(i.published)),
            published: Some(fixed(i.published)),
            links: vec![link(&i.url, "alternate", "text/html", Some(&i.lang))],
            authors: i
                .authors
                .iter()
                .map(|name| Person {
                    name: name.clone(),
                    ..Person::default()
                })
                .collect(),
            categories: i
                .categories
                .iter()
                .map(|c| Category {
                    term: c.clone(),
                    ..Category::default()
                })
                .collect(),
            summary: (!i.lead.is_empty()).then(|| text(&i.lead, Some(&i.lang))),
            content: Some(Content {
                value: Some(content_html(i)),
                content_type: Some("html".to_owned()),
                lang: Some(i.lang.clone()),
                ..Content::default()
            }),
            ..Entry::default()
        })
        .collect();
    atom_syndication::Feed {
        title: text(&feed.title, None),
        id: feed.id.clone(),
        updated: fixed(feed.updated),
        lang: feed.lang.clone(),
        subtitle: (!feed.description.is_empty()).then(|| text(&feed.description, None)),
        links: vec![
            link(&feed.home_url, "alternate", "text/html", None),
            link(&feed.feed_url, "self", "application/atom+xml", None),
        ],
        entries,
        ..atom_syndication::Feed::default()
    }
    .to_string()
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor<'a>>,
    tags: &'a [String],
    language: &'a str,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

/// JSON Feed 1.1.
pub fn json(feed: &Feed) -> String {
    let doc = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: &feed.home_url,
        feed_url: &feed.feed_url,
        description: &feed.description,
        language: feed.lang.as_deref(),
        items: feed
            .items
            .iter()
            .map(|i| JsonItem {
                id: &i.id,
                url: &i.url,
                title: &i.title,
                content_html: content_html(i),
                summary: &i.lead,
                date_published: rfc3339(i.published),
                date_modified: rfc3339(i.updated.max(i.published)),
                authors: i.authors.iter().map(|name| JsonAuthor { name }).collect(),
                tags: &i.categories,
                language: &i.lang,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Feed {
        Feed {
            title: "Site & <Co>".into(),
            description: "A weekly look".into(),
            home_url: "https://example.org/en/".into(),
            feed_url: "https://example.org/en/feed.xml".into(),
            id: "urn:sitrep:feed:en".into(),
            lang: Some("en".into()),
            updated: 1_795_867_200,
            items: vec![FeedItem {
                id: "urn:sitrep:commentary:7:en".into(),
                url: "https://example.org/en/commentaries/a/".into(),
                title: "Quotes \"and\" <tags>".into(),
                lead: "Lead & more".into(),
                body: "Text with <script>alert(1)</script> and **bold**.".into(),
                lang: "en".into(),
                published: 1_795_867_200,
                updated: 1_795_867_100,
                authors: vec!["A. Writer".into()],
                categories: vec!["Economy".into(), "Unchanged".into()],
            }],
        }
    }

    #[test]
    fn every_format_escapes_and_carries_the_facts() {
        let f = sample();
        let rss = rss(&f);
        assert!(rss.contains("<dc:creator>A. Writer</dc:creator>"), "{rss}");
        assert!(rss.contains("Sat, 28 Nov 2026 12:00:00 +0000"), "{rss}");
        assert!(!rss.contains("<script>"), "{rss}");
        let atom = atom(&f);
        assert!(
            atom.contains("<id>urn:sitrep:commentary:7:en</id>"),
            "{atom}"
        );
        assert!(
            atom.contains("2026-11-28T12:00:00+00:00") || atom.contains("2026-11-28T12:00:00Z"),
            "{atom}"
        );
        assert!(!atom.contains("<script>"), "{atom}");
        let json: serde_json::Value = serde_json::from_str(&json(&f)).unwrap();
        assert_eq!(json["items"][0]["authors"][0]["name"], "A. Writer");
        assert_eq!(json["items"][0]["tags"][1], "Unchanged");
        assert!(
            !json["items"][0]["content_html"]
                .as_str()
                .unwrap()
                .contains("<script>")
        );
    }
}
