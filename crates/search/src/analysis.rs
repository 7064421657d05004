//! How text becomes search terms, per language: words (keeping inner
//! apostrophes, as in Belarusian "з'езд"), lowercased, spelling variants
//! folded (ё/е, ў/у, stress marks), then stemmed: Snowball for the languages
//! it knows, our own light stemmer for Belarusian, none for the rest.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

use crate::belarusian;

/// Longer "words" are noise (base64, long URLs) and are not indexed.
const LONGEST_WORD: usize = 48;

/// The analyzer for a language code.
pub fn analyzer(lang: &str) -> TextAnalyzer {
    let base = || TextAnalyzer::builder(Words::default()).filter(LowerCaser);
    match lang {
        "be" => base()
            .filter(Map(belarusian_term))
            .filter(RemoveLongFilter::limit(LONGEST_WORD))
            .build(),
        code => match snowball(code) {
            Some(language) => base()
                .filter(Map(fold))
                .filter(Stemmer::new(language))
                .filter(RemoveLongFilter::limit(LONGEST_WORD))
                .build(),
            None => base()
                .filter(Map(fold))
                .filter(RemoveLongFilter::limit(LONGEST_WORD))
                .build(),
        },
    }
}

/// The Snowball stemmer for a language, where one exists.
fn snowball(code: &str) -> Option<Language> {
    Some(match code {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "nb" | "nn" | "no" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

fn belarusian_term(word: &str) -> String {
    belarusian::stem(&belarusian::normalize(word))
}

/// The folding every language shares: the spelling variants Belarusian
/// needs are harmless elsewhere (Russian "ё" is often written "е").
fn fold(word: &str) -> String {
    belarusian::normalize(word)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Combining marks (a stress mark over a vowel) stay inside their word.
fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Splits text into words: runs of letters and digits, with combining marks,
/// and with an apostrophe when it stands between two letters.
#[derive(Clone, Default)]
pub struct Words {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.at..];
        let Some(start) = rest.find(char::is_alphanumeric) else {
            self.at = self.text.len();
            return false;
        };
        let from = self.at + start;
        let mut to = from;
        let mut chars = self.text[from..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let inside = c.is_alphanumeric()
                || is_mark(c)
                || (is_apostrophe(c)
                    && chars.peek().is_some_and(|(_, next)| next.is_alphanumeric()));
            if !inside {
                break;
            }
            to = from + i + c.len_utf8();
        }
        self.at = to;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// A token filter that rewrites each token's text with a function.
#[derive(Clone, Copy)]
struct Map(fn(&str) -> String);

impl TokenFilter for Map {
    type Tokenizer<T: Tokenizer> = MapTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MapTokenizer<T> {
        MapTokenizer { map: self.0, inner }
    }
}

#[derive(Clone)]
pub struct MapTokenizer<T> {
    map: fn(&str) -> String,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MapTokenizer<T> {
    type TokenStream<'a> = MapStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MapStream {
            map: self.map,
            inner: self.inner.token_stream(text),
        }
    }
}

pub struct MapStream<S> {
    map: fn(&str) -> String,
    inner: S,
}

impl<S: TokenStream> TokenStream for MapStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        token.text = (self.map)(&token.text);
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// The terms a text becomes in a language, in order (for tests and
/// highlighting).
pub fn terms(lang: &str, text: &str) -> Vec<String> {
    let mut analyzer = analyzer(lang);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::terms;

    fn meet(lang: &str, a: &str, b: &str) -> bool {
        terms(lang, a) == terms(lang, b)
    }

    #[test]
    fn words_keep_inner_apostrophes_and_stress_marks() {
        assert_eq!(
            terms("xx", "з'езд, 'цытата' сям’я"),
            ["зезд", "цытата", "сямя"]
        );
        assert_eq!(terms("xx", "за\u{301}мак"), ["замак"]);
        assert_eq!(terms("xx", "NATO-2027"), ["nato", "2027"]);
    }

    #[test]
    fn russian_and_english_meet_inflected_forms() {
        assert!(meet("ru", "санкции", "санкциями"));
        assert!(meet("ru", "выборы", "выборов"));
        assert!(meet("ru", "ещё", "еще"));
        assert!(meet("en", "sanctions", "sanction"));
        assert!(meet("en", "elections", "election"));
        assert!(!meet("en", "sanctions", "elections"));
    }

    #[test]
    fn belarusian_meets_inflected_forms() {
        assert!(meet("be", "ліпень", "ліпеня"));
        assert!(meet("be", "санкцыі", "санкцыямі"));
        assert!(meet("be", "Ўлада", "улады"));
        assert!(!meet("be", "санкцыі", "выбары"));
    }

    #[test]
    fn unknown_languages_are_folded_not_stemmed() {
        assert_eq!(terms("xx", "Ёлкі Palki"), ["елкі", "palki"]);
    }
}
