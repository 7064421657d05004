//! Languages, UI strings and the formatting of dates and plurals.
//!
//! UI strings live in Fluent files (`locales/*.ftl`), one per language,
//! compiled into the binary. Dates come from CLDR data through ICU4X, so
//! Belarusian and Russian month names take the genitive ("3 ліпеня"), and
//! plural forms follow CLDR rules through Fluent's selectors.
//!
//! Architecture invariant: no I/O, no global state. An [`I18n`] is built once
//! at start-up and shared; every function is a pure lookup.

mod dates;
mod negotiate;

use icu_collator::{CollatorBorrowed, options::CollatorOptions};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use sitrep_core::Lang;

pub use dates::DateFormats;
pub use negotiate::negotiate;

/// The languages whose UI strings ship with sitrep. A configured language
/// outside this list shows the English UI (its content is still its own).
pub const UI_LANGUAGES: &[(&str, &str)] = &[
    ("be", include_str!("../locales/be.ftl")),
    ("ru", include_str!("../locales/ru.ftl")),
    ("en", include_str!("../locales/en.ftl")),
];

const FALLBACK_UI: &str = "en";

/// A value passed into a message: numbers select plural forms.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("the {lang} UI strings do not parse: {detail}")]
    Fluent { lang: String, detail: String },
    #[error("no date formatting data for {0}")]
    Dates(String),
}

struct Locale {
    bundle: FluentBundle<FluentResource>,
    dates: Arc<DateFormats>,
    collator: Option<CollatorBorrowed<'static>>,
}

impl Locale {
    fn new(lang: Lang) -> Result<Locale, I18nError> {
        let ftl = ui_source(lang);
        let resource =
            FluentResource::try_new(ftl.to_owned()).map_err(|(_, errs)| I18nError::Fluent {
                lang: lang.to_string(),
                detail: format!("{errs:?}"),
            })?;
        let langid: unic_langid::LanguageIdentifier =
            lang.as_str().parse().map_err(|_| I18nError::Fluent {
                lang: lang.to_string(),
                detail: "not a language identifier".into(),
            })?;
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Output goes into HTML, where Unicode isolation marks only add noise.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .map_err(|errs| I18nError::Fluent {
                lang: lang.to_string(),
                detail: format!("{errs:?}"),
            })?;
        // The language's alphabetical order (CLDR's, as ICU has it); a
        // language ICU does not know sorts by the root order instead.
        let collator = lang
            .as_str()
            .parse::<icu_locale_core::Locale>()
            .ok()
            .and_then(|l| CollatorBorrowed::try_new(l.into(), CollatorOptions::default()).ok());
        Ok(Locale {
            bundle,
            dates: Arc::new(DateFormats::new(lang)?),
            collator,
        })
    }
}

/// Everything language-specific the site needs. Languages are prepared on
/// first use, so a language added while the site runs just works.
pub struct I18n {
    locales: RwLock<HashMap<Lang, Arc<Locale>>>,
}

impl I18n {
    /// Prepares `langs` and every language the workspace speaks, so that
    /// broken data shows at start-up rather than on a page.
    pub fn new(langs: &[Lang]) -> Result<I18n, I18nError> {
        let i18n = I18n {
            locales: RwLock::new(HashMap::new()),
        };
        let ui = UI_LANGUAGES
            .iter()
            .filter_map(|(code, _)| Lang::parse(code).ok());
        for lang in langs.iter().copied().chain(ui) {
            i18n.prepare(lang)?;
        }
        Ok(i18n)
    }

    fn prepare(&self, lang: Lang) -> Result<Arc<Locale>, I18nError> {
        if let Some(l) = self.locales.read().ok().and_then(|m| m.get(&lang).cloned()) {
            return Ok(l);
        }
        let locale = Arc::new(Locale::new(lang)?);
        if let Ok(mut m) = self.locales.write() {
            m.entry(lang).or_insert_with(|| locale.clone());
        }
        Ok(locale)
    }

    fn locale(&self, lang: Lang) -> Option<Arc<Locale>> {
        self.prepare(lang).ok()
    }

    /// The message `id` in `lang`, or the id itself when it is missing (a
    /// test keeps every shipped language complete).
    pub fn t(&self, lang: Lang, id: &str) -> String {
        self.t_args(lang, id, &[])
    }

    /// The message `id` in `lang` with arguments.
    pub fn t_args(&self, lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let Some(locale) = self.locale(lang) else {
            return id.to_owned();
        };
        let bundle = &locale.bundle;
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Str(s) => fargs.set(*name, FluentValue::from(*s)),
                Arg::Num(n) => fargs.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }

    /// Sorts `items` by the name `name` gives each, in `lang`'s alphabetical
    /// order ("іней" between "зіма" and "йод" in Belarusian, whatever the
    /// code points say); by code point where the language has no collation,
    /// and between names the collation holds equal.
    pub fn sort_by_name<T>(&self, lang: Lang, items: &mut [T], name: impl Fn(&T) -> &str) {
        let locale = self.locale(lang);
        let collator = locale.as_ref().and_then(|l| l.collator.as_ref());
        items.sort_by(|a, b| {
            let (a, b) = (name(a), name(b));
            collator
                .map_or(std::cmp::Ordering::Equal, |c| c.compare(a, b))
                .then_with(|| a.cmp(b))
        });
    }

    /// The date and date-range formatters for `lang`.
    pub fn dates(&self, lang: Lang) -> Option<Arc<DateFormats>> {
        self.locale(lang).map(|l| l.dates.clone())
    }

    /// The language's name in itself ("Беларуская").
    pub fn endonym(&self, lang: Lang) -> String {
        let name = self.t(lang, "lang-name");
        // A language without its own UI strings gets the English UI, whose
        // "lang-name" is English's: show the code rather than mislead.
        if ui_has(lang) || name != "English" {
            name
        } else {
            lang.to_string()
        }
    }
}

fn ui_has(lang: Lang) -> bool {
    UI_LANGUAGES.iter().any(|(c, _)| *c == lang.as_str())
}

fn ui_source(lang: Lang) -> &'static str {
    let find = |code: &str| {
        UI_LANGUAGES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
    };
    find(lang.as_str())
        .or_else(|| find(FALLBACK_UI))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Vec<Lang> {
        ["be", "ru", "en"]
            .iter()
            .map(|c| Lang::parse(c).unwrap())
            .collect()
    }

    fn l(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    fn ids(src: &str) -> Vec<String> {
        let mut ids: Vec<String> = src
            .lines()
            .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn every_language_has_the_same_messages() {
        let reference = ids(UI_LANGUAGES[2].1);
        assert!(reference.len() > 30);
        for (code, src) in UI_LANGUAGES {
            assert_eq!(ids(src), reference, "{code}.ftl differs from en.ftl");
        }
        I18n::new(&langs()).expect("all shipped UI strings parse");
    }

    #[test]
    fn plurals_follow_cldr_in_all_three_languages() {
        let i = I18n::new(&langs()).unwrap();
        let count =
            |lang: &str, n: i64| i.t_args(l(lang), "commentary-count", &[("count", n.into())]);
        let want = [
            ("ru", 1, "1 комментарий"),
            ("ru", 2, "2 комментария"),
            ("ru", 5, "5 комментариев"),
            ("ru", 11, "11 комментариев"),
            ("ru", 21, "21 комментарий"),
            ("ru", 22, "22 комментария"),
            ("be", 1, "1 каментарый"),
            ("be", 3, "3 каментарыі"),
            ("be", 5, "5 каментарыяў"),
            ("be", 21, "21 каментарый"),
            ("be", 12, "12 каментарыяў"),
            ("en", 1, "1 commentary"),
            ("en", 2, "2 commentaries"),
            ("en", 21, "21 commentaries"),
        ];
        for (lang, n, expected) in want {
            assert_eq!(count(lang, n), expected, "{lang} {n}");
        }
    }

    #[test]
    fn missing_translation_note_names_the_shown_language() {
        let i = I18n::new(&langs()).unwrap();
        assert_eq!(
            i.t_args(l("en"), "translation-missing", &[("shown", "ru".into())]),
            "This text has not been translated into English yet. It is shown in Russian."
        );
        assert!(
            i.t_args(l("ru"), "translation-missing", &[("shown", "be".into())])
                .ends_with("на белорусском языке.")
        );
    }

    #[test]
    fn unknown_ids_degrade_to_the_id_and_new_languages_get_the_english_ui() {
        let i = I18n::new(&langs()).unwrap();
        assert_eq!(i.t(l("en"), "no-such-message"), "no-such-message");
        // A language added after start-up is prepared on first use.
        assert_eq!(i.t(l("de"), "read-more"), "Read more");
        assert_eq!(i.endonym(l("de")), "de");
        assert_eq!(i.endonym(l("be")), "Беларуская");
        let d = i.dates(l("uk")).expect("dates for a language added later");
        assert_eq!(
            d.range("2017-07-03".parse().unwrap(), "2017-07-09".parse().unwrap()),
            "3–9 липня 2017"
        );
    }

    #[test]
    fn a_language_without_ui_strings_uses_english_ui() {
        let i = I18n::new(&[l("pl")]).unwrap();
        assert_eq!(i.t(l("pl"), "read-more"), "Read more");
    }

    #[test]
    fn names_sort_in_each_languages_alphabet() {
        let i18n = I18n::new(&[]).unwrap();
        let sorted = |lang: &str, names: &[&str]| {
            let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            i18n.sort_by_name(Lang::parse(lang).unwrap(), &mut v, |s| s);
            v
        };
        // Code points put і and ў after я; the Belarusian alphabet has і
        // after з and ў after у.
        assert_eq!(
            sorted("be", &["Ўзровень", "яблык", "іней", "Урад", "зіма", "йод"]),
            ["зіма", "іней", "йод", "Урад", "Ўзровень", "яблык"]
        );
        // ё sorts as е (by code point it would come after я).
        assert_eq!(
            sorted("ru", &["Экономика", "ёлка", "Ель", "Армия"]),
            ["Армия", "ёлка", "Ель", "Экономика"]
        );
        // Case does not split the list in two.
        assert_eq!(
            sorted("en", &["society", "Economy", "army"]),
            ["army", "Economy", "society"]
        );
        // A language ICU has no data for sorts by the root collation
        // (case-blind first, lower case before upper between equals), not
        // by code point.
        assert_eq!(sorted("xx", &["b", "a", "B"]), ["a", "b", "B"]);
    }
}
