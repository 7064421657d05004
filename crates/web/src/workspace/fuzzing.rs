//! Harness for `cargo fuzz` (the `fuzz/` folder): the readers of form
//! bodies and their fields, public and workspace alike. It lives here, not
//! at the crate's root, only because `workspace` is a public module; it
//! reads through no database and no renderer.

use serde::de::DeserializeOwned;
use sitrep_core::{Lang, Slug};

use crate::form::{field, fields};

/// The first byte chooses the reader; the rest is the body or the file.
pub fn forms(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 4 {
        0 => public(body),
        1 => typed(body),
        2 => subscriber_list(body),
        _ => values(body),
    }
}

fn langs() -> [Lang; 3] {
    ["en", "ru", "be"].map(|code| Lang::parse(code).expect("a known language"))
}

/// A body posted to the sign-up, subscription and request forms, read as
/// their handlers read it before asking the database.
fn public(body: &[u8]) {
    let f = fields(body);
    let site_langs = langs();
    // Sign-up and subscription management.
    let email = field(&f, "email").trim();
    if super::valid_email(email) {
        sitrep_store::normalize_email(email);
    }
    crate::subscribe::chosen_langs(&f, &site_langs);
    // The request form.
    let typed = crate::requests::Typed::read(&f);
    let _ = typed.name.chars().count() > crate::requests::MAX_NAME;
    let _ = typed.question.chars().count() > crate::requests::MAX_QUESTION;
    if super::valid_email(&typed.email) {
        sitrep_store::normalize_email(&typed.email);
    }
    let _ = Lang::parse(&typed.lang);
    let _ = Slug::parse(&typed.topic);
}

/// A body read into the workspace's typed forms, as axum's `Form` reads
/// it (their fields' values go through [`values`]), and the fields of the
/// forms `Posted` reads field by field.
fn typed(body: &[u8]) {
    fn read<T: DeserializeOwned>(body: &[u8]) {
        let _ = serde_urlencoded::from_bytes::<T>(body);
    }
    read::<super::editor::NewForm>(body);
    read::<super::editor::SaveForm>(body);
    read::<super::editor::StatusForm>(body);
    read::<super::editor::RestoreForm>(body);
    read::<super::LoginForm>(body);
    read::<super::CodeForm>(body);
    read::<super::AccountForm>(body);
    read::<super::StaffForm>(body);
    read::<super::AccessForm>(body);
    let f = fields(body);
    super::webhooks::valid_url(field(&f, "url"));
    super::editor::parse_utc_minute(field(&f, "publish_at"));
}

/// A subscriber list uploaded as CSV.
fn subscriber_list(data: &[u8]) {
    let site_langs = langs();
    if let Ok((rows, summary)) =
        super::subscribers::read_csv(data, &site_langs, site_langs[0], "fuzzed")
    {
        for (email, langs, _) in &rows {
            assert!(super::valid_email(email), "{email:?} was taken");
            assert!(!langs.is_empty(), "{email:?} has no language");
        }
        // Line numbers are counted forward and never pass the file's end.
        let lines = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        assert!(
            summary.rejected.iter().all(|(line, _)| *line <= lines),
            "{:?}",
            summary.rejected
        );
    }
}

/// One field's value through every parser of single values.
fn values(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    super::editor::parse_utc_minute(&text);
    super::webhooks::valid_url(&text);
    super::valid_email(&text);
    sitrep_store::normalize_email(&text);
    let _ = Slug::parse(text.trim());
    let _ = Lang::parse(&text);
}
