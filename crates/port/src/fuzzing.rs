//! Harnesses for `cargo fuzz` (the `fuzz/` folder), kept here so the
//! normal build compiles them and the seed tests can call them. Each reads
//! bytes as its importer reads a file (no folder of images, so no I/O),
//! then does the checks `bundle::write` does before it touches the
//! database.

use sitrep_core::{Lang, Slug};

use crate::bundle::{Bundle, named, week_of};

fn langs() -> [Lang; 2] {
    ["en", "ru"].map(|code| Lang::parse(code).expect("a known language"))
}

/// One Markdown file with front matter.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((version, _)) = crate::markdown::parse_file(text, "fuzzed", langs()[0]) {
        let _ = Slug::parse(&version.slug);
        let _ = week_of(version.date);
    }
}

/// A WordPress export (WXR).
pub fn wordpress(data: &[u8]) {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    let opts = crate::wordpress::Options {
        default_lang: langs()[0],
        uploads: None,
    };
    if let Ok(bundle) = crate::wordpress::read(xml, &opts) {
        check(&bundle);
    }
}

/// A Ghost JSON export.
pub fn ghost(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let opts = crate::ghost::Options {
        lang: langs()[0],
        images: None,
    };
    if let Ok(bundle) = crate::ghost::read(json, &opts) {
        check(&bundle);
    }
}

/// The manifest of a sitrep export folder.
pub fn manifest(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::export::parse_manifest(text);
    }
}

/// What `bundle::write` works out from a bundle before writing it.
fn check(bundle: &Bundle) {
    let site_langs = langs();
    for doc in &bundle.docs {
        for v in &doc.versions {
            let _ = Slug::parse(&v.slug);
            let _ = week_of(v.date);
        }
        for n in doc.trend.iter().chain(&doc.authors) {
            let _ = Slug::parse(&n.slug);
            named(n, &site_langs);
        }
    }
    for page in &bundle.pages {
        let _ = Slug::parse(&page.slug);
    }
}
