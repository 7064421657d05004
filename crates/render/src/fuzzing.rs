//! Harnesses for `cargo fuzz` (the `fuzz/` folder), kept here so the
//! normal build compiles them and the seed tests can call them.

use crate::markdown::{to_html, to_plain_text};

/// Markdown to HTML: never panics, and what comes out runs nothing.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = to_html(text);
    if let Some(why) = active_content(&html) {
        panic!("{why} in the HTML made from {text:?}: {html:?}");
    }
    to_plain_text(text);
}

/// What in sanitized HTML could run script: a `<script` tag, an `on…`
/// event attribute or a `javascript:` address. Text is escaped by the
/// serializer, so a `<` outside a tag cannot appear; only tags are read.
pub fn active_content(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") {
        return Some("a <script> tag".into());
    }
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        let tag = &rest[open + 1..];
        let (inside, after) = tag_body(tag);
        for (name, value) in attributes(inside) {
            if name.starts_with("on") {
                return Some(format!("an event attribute {name:?}"));
            }
            // As browsers read an address: control characters and spaces
            // trimmed from both ends, tabs and newlines dropped anywhere.
            let url: String = value
                .trim_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            if URL_ATTRIBUTES.contains(&name.as_str())
                && (url.starts_with("javascript:") || url.starts_with("vbscript:"))
            {
                return Some(format!("a script address in {name:?}"));
            }
        }
        rest = after;
    }
    None
}

/// Attributes a browser follows or loads as an address; in any other
/// (`title`, `alt`) such text is only words.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "cite",
    "poster",
    "background",
    "data",
    "longdesc",
    "usemap",
    "ping",
    "xlink:href",
];

/// A tag's text up to its closing `>` (outside quotes), and what follows.
fn tag_body(tag: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return (&tag[..i], &tag[i + 1..]),
            _ => {}
        }
    }
    (tag, "")
}

/// The attributes of a tag's text (after its name), with their values.
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = inside
        .trim_start_matches(|c: char| !c.is_whitespace())
        .chars()
        .peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == '/').is_some() {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=' && *c != '/'))
                .collect();
        if name.is_empty() {
            return out;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            match chars.next_if(|c| *c == '"' || *c == '\'') {
                Some(q) => value.extend(std::iter::from_fn(|| chars.next_if(|c| *c != q))),
                None => value.extend(std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace()))),
            }
            chars.next();
        }
        out.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_content_is_noticed() {
        for bad in [
            "<p><SCRIPT>x</SCRIPT></p>",
            "<img src=\"/a\" onerror=\"x\">",
            "<a title='a > b' OnClick=x>y</a>",
            "<a href=\" java\tscript:alert(1)\">x</a>",
            "<a href=\"\u{1}\u{e}vbscript:x\">y</a>",
            "<a href=JavaScript:x>y</a>",
        ] {
            assert!(active_content(bad).is_some(), "{bad}");
        }
        for fine in [
            "<p>onclick=&quot;x&quot; and javascript: as words</p>",
            "<a href=\"https://example.org/?q=javascript:\" rel=\"noopener\">x</a>",
            "<img src=\"/media/online.png\" alt=\"on=off\">",
            "<a href=\"/x\" title=\"vbscript:x\">y</a>",
            // Not a scheme: a control character inside makes it a path.
            "<a href=\"vbscrip\u{e}t:x\">y</a>",
        ] {
            assert_eq!(active_content(fine), None, "{fine}");
        }
    }
}
