//! Markdown to safe HTML.
//!
//! pulldown-cmark turns CommonMark (with footnotes and tables) into HTML;
//! ammonia then keeps only an allow-list of tags and attributes. Whatever a
//! body contains (`<script>`, `javascript:` links, `onerror=`, iframes,
//! images from other sites), what comes out is inert and loads nothing from
//! another origin.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use sitrep_core::Lang;

use crate::typography::Typesetter;

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.add_tags(["section", "figure", "figcaption"])
        .add_tag_attributes("a", ["id"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("sup", ["id"])
        // An image's size comes from the stored file (`size_images`), not
        // from the text.
        .rm_tag_attributes("img", ["width", "height"])
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
    render(markdown, None)
}

/// Renders a Markdown body written in `lang` to sanitized HTML, with the
/// language's typography (see [`crate::typography`]) applied to its text.
pub fn to_html_in(markdown: &str, lang: Lang) -> String {
    render(markdown, Some(lang))
}

fn render(markdown: &str, lang: Option<Lang>) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut typesetter = lang.map(Typesetter::new);
    let mut in_code = false;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Text(text) if !in_code => match typesetter.as_mut().map(|t| t.apply(&text)) {
            Some(Cow::Owned(set)) => Event::Text(set.into()),
            _ => Event::Text(text),
        },
        Event::Code(code) => {
            if let Some(t) = typesetter.as_mut() {
                t.pass(&code);
            }
            Event::Code(code)
        }
        Event::SoftBreak | Event::HardBreak => {
            if let Some(t) = typesetter.as_mut() {
                t.pass(" ");
            }
            event
        }
        Event::Start(
            Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::TableCell
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_),
        ) => {
            if let Some(t) = typesetter.as_mut() {
                t.reset();
            }
            in_code = matches!(event, Event::Start(Tag::CodeBlock(_)));
            event
        }
        Event::End(TagEnd::CodeBlock) => {
            in_code = false;
            event
        }
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

/// Every image in sanitized HTML (from [`to_html`]) made light: loaded
/// only when it comes near the screen, decoded off the main thread, and,
/// for an image of this site whose size `size_of` knows (by its file name
/// under `/media/`), given its width and height so the text does not jump
/// when it arrives.
pub fn size_images(html: &str, size_of: impl Fn(&str) -> Option<(u32, u32)>) -> String {
    if !html.contains("<img ") {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find("<img ") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        out.push_str(" loading=\"lazy\" decoding=\"async\"");
        // The sanitizer writes attribute values quoted, with any quote in
        // them escaped, so the first ` src="` is the src attribute.
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let src = rest[..tag_end]
            .find(" src=\"")
            .map(|s| &rest[s + 6..])
            .and_then(|v| v.split('"').next());
        if let Some((w, h)) = src
            .and_then(|src| src.strip_prefix("/media/"))
            .and_then(&size_of)
        {
            out.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
        }
    }
    out.push_str(rest);
    out
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

    #[test]
    fn text_gets_its_languages_typography_and_code_and_markup_do_not() {
        let ru = Lang::parse("ru").unwrap();
        let html = to_html_in(
            "Он назвал это \"*кризисом*\" - и ушёл.\n\n`a \"b\"` и [ссылка](/ru/ \"t\")\n\n    код \"x\"\n",
            ru,
        );
        assert!(
            html.contains("Он&nbsp;назвал это «<em>кризисом</em>»&nbsp;— и&nbsp;ушёл."),
            "{html}"
        );
        assert!(html.contains("<code>a \"b\"</code>"), "{html}");
        assert!(html.contains("title=\"t\""), "{html}");
        assert!(html.contains("код \"x\""), "{html}");
        // Without a language, the text is as typed.
        assert!(to_html("\"a\" - b").contains("\"a\" - b"));
    }

    #[test]
    fn images_load_lazily_with_the_stored_size_and_no_other() {
        let html = to_html(
            "![map](/media/ab.png) ![other](/media/cd.png)\n\n<img src=\"/media/ab.png\" width=\"9999\" height=\"1\" alt='x src=\"/media/cd.png\"'>",
        );
        let sized = size_images(&html, |name| (name == "ab.png").then_some((640, 480)));
        assert_eq!(
            sized.matches("loading=\"lazy\" decoding=\"async\"").count(),
            3,
            "{sized}"
        );
        assert_eq!(
            sized.matches("width=\"640\" height=\"480\"").count(),
            2,
            "{sized}"
        );
        // A size typed into the text is not believed; an unknown image
        // gets none.
        assert!(!sized.contains("9999"), "{sized}");
        assert_eq!(sized.matches("width=").count(), 2, "{sized}");
        assert_eq!(
            size_images("<p>no images</p>", |_| None),
            "<p>no images</p>"
        );
    }
}
