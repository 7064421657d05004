//! Markdown to safe HTML.
//!
//! pulldown-cmark turns CommonMark (with footnotes and tables) into HTML;
//! ammonia then keeps only an allow-list of tags and attributes. Whatever a
//! body contains (`<script>`, `javascript:` links, `onerror=`, iframes,
//! images from other sites), what comes out is inert and loads nothing from
//! another origin.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.add_tags(["section", "figure", "figcaption"])
        .add_tag_attributes("a", ["id"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("sup", ["id"])
        .add_allowed_classes("td", ["align-left", "align-center", "align-right"])
        .add_allowed_classes("th", ["align-left", "align-center", "align-right"])
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Images load only from this site: an absolute or protocol-relative
            // address would be a request to another origin.
            ("img", "src") if !is_same_origin(value) => None,
            // Ids only in the footnote namespace, so a body cannot clobber
            // the page's own ids.
            (_, "id") if !value.starts_with("fn-") => None,
            _ => Some(value.into()),
        });
    b
});

fn is_same_origin(url: &str) -> bool {
    let url = url.trim();
    url.starts_with('/') && !url.starts_with("//") && !url.contains('\\')
}

/// Renders a Markdown body to sanitized HTML.
pub fn to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Footnote anchors get a prefix, the only ids the sanitizer keeps.
        Event::FootnoteReference(name) => Event::Html(
            format!(
                "<sup class=\"footnote-reference\"><a href=\"#fn-{0}\" id=\"fn-ref-{0}\">{1}</a></sup>",
                escape_id(&name),
                escape(&name)
            )
            .into(),
        ),
        Event::Start(Tag::FootnoteDefinition(name)) => Event::Html(
            format!(
                "<div class=\"footnote-definition\" id=\"fn-{0}\"><sup class=\"footnote-definition-label\">{1}</sup>",
                escape_id(&name),
                escape(&name)
            )
            .into(),
        ),
        Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>".into()),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events);
    // Table alignment arrives as inline style, which the Content-Security-
    // Policy forbids; classes carry it instead.
    let raw = raw
        .replace(" style=\"text-align: left\"", " class=\"align-left\"")
        .replace(" style=\"text-align: center\"", " class=\"align-center\"")
        .replace(" style=\"text-align: right\"", " class=\"align-right\"");
    CLEANER.clean(&raw).to_string()
}

/// The words of a Markdown body as plain text, for the search index and
/// feeds' summaries: markup and raw HTML dropped, blocks separated by a
/// blank line.
pub fn to_plain_text(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => out.push_str("\n\n"),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

fn escape_id(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Text made safe inside HTML or XML, in element content and in quoted
/// attributes alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    // Writing to a String cannot fail.
    let _ = escape_into(&mut out, s);
    out
}

/// [`escape`], written straight into `out`: runs of plain text, then an
/// entity (templates use it for every value they print).
pub fn escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[plain..i])?;
        out.write_str(entity)?;
        plain = i + 1;
    }
    out.write_str(&s[plain..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_only_entities_for_markup_characters() {
        assert_eq!(
            escape(r#"«Ціны» <b>&amp; "x" 'y'>"#),
            "«Ціны» &lt;b&gt;&amp;amp; &quot;x&quot; &#39;y&#39;&gt;"
        );
        assert_eq!(escape("без знакаў"), "без знакаў");
        assert_eq!(escape(""), "");
        assert_eq!(escape("<"), "&lt;");
    }

    #[test]
    fn footnotes_and_tables_render() {
        let html = to_html("Claim.[^1]\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n[^1]: The source.\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("href=\"#fn-1\""), "{html}");
        assert!(html.contains("id=\"fn-1\""), "{html}");
        assert!(html.contains("The source."), "{html}");
        assert!(html.contains("<td class=\"align-right\">2</td>"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn hostile_markup_is_inert() {
        let hostile = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<img src=x onerror=alert(1)>",
            "<iframe src=\"https://evil.example/\"></iframe>",
            "<svg onload=alert(1)>",
            "<div style=\"background:url(https://evil.example/)\">x</div>",
            "![t](https://tracker.example/pixel.gif)",
            "<img src=\"//tracker.example/p.gif\">",
            "<form action=\"https://evil.example\"><input></form>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<p id=\"content\">clobber</p>",
            "<object data=\"x\"></object><embed src=\"x\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "<style>body{display:none}</style>",
        ];
        for input in hostile {
            let html = to_html(input).to_ascii_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "onerror",
                "onload",
                "<iframe",
                "<svg",
                "style=\"background",
                "tracker.example",
                "evil.example",
                "<form",
                "data:text",
                "id=\"content\"",
                "<object",
                "<embed",
                "<meta",
                "<style",
            ] {
                assert!(!html.contains(bad), "{input:?} gave {html:?}");
            }
        }
    }

    #[test]
    fn local_images_and_links_stay() {
        let html =
            to_html("![map](/media/map.png) [about](/en/pages/about/) [w](https://example.org/)");
        assert!(html.contains("src=\"/media/map.png\""), "{html}");
        assert!(html.contains("href=\"/en/pages/about/\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }
}
