//! Each language's typography applied to text as typed: quotation marks,
//! dashes and the spaces a line must not break at.
//!
//! - Straight double quotes become the language's own: «…» with „…“
//!   inside for Belarusian and Russian, “…” with ‘…’ inside for English.
//! - An apostrophe between letters becomes ’ (the Belarusian apostrophe
//!   and the English one alike); in English a straight single quote that
//!   opens becomes ‘.
//! - A hyphen or double hyphen standing alone between spaces becomes a
//!   dash (— in Belarusian and Russian, – in English), and the space before
//!   any such dash does not break, so a line never starts with one.
//! - In Belarusian and Russian, the space after a word of one or two
//!   letters (prepositions, conjunctions, particles) does not break, nor the
//!   space after an initial ("А. Кот"), between a number and a short unit
//!   or abbreviation ("5 млн", "2026 г."), or between groups of digits.
//!
//! Text is changed only where the typist's intent is plain; what is
//! already typographic stays as it is. Markdown bodies get it through
//! [`Typesetter`], which keeps the quote depth and the last character
//! across the pieces of text a paragraph is parsed into.

use std::borrow::Cow;

use sitrep_core::Lang;

const NBSP: char = '\u{a0}';

/// `char::is_alphabetic`, answered at once for ASCII and Cyrillic (the
/// letters of most text here) rather than from the Unicode tables.
fn letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\x7f' => false,
        // The Cyrillic block, but for its signs and combining marks.
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{4ff}' => true,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric`, quick in the same way as [`letter`].
fn letter_or_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) || letter(c)
}

/// Typography state carried across the pieces of one block of text.
#[derive(Debug, Clone)]
pub struct Typesetter {
    lang: Lang,
    depth: usize,
    last: Option<char>,
}

impl Typesetter {
    pub fn new(lang: Lang) -> Typesetter {
        Typesetter {
            lang,
            depth: 0,
            last: None,
        }
    }

    /// A new block (paragraph, heading, list item): quotes left open
    /// before it are closed for good.
    pub fn reset(&mut self) {
        self.depth = 0;
        self.last = None;
    }

    /// Text that is not typeset but sits between pieces that are (code,
    /// a line break): it counts as their neighbour.
    pub fn pass(&mut self, text: &str) {
        if let Some(c) = text.chars().next_back() {
            self.last = Some(c);
        }
    }

    /// The next piece of text, typeset.
    pub fn apply<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        let slavic = matches!(self.lang.as_str(), "be" | "ru");
        // In English a space changes only before a dash, so text without
        // quotes or dashes is left as it is without looking further.
        let nothing_to_do = if slavic {
            !text.contains(['"', '\'', '-', ' ', '—', '–'])
        } else {
            !text.contains(['"', '\'', '-', '—', '–'])
        };
        if nothing_to_do {
            self.pass(text);
            return Cow::Borrowed(text);
        }
        // Only what changes is written: the text between changes is
        // copied a run at a time, and text with no change stays borrowed.
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut prev = self.last;
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            let rest = &text[i + c.len_utf8()..];
            let next = rest.chars().next();
            // Characters after this one that its replacement takes in.
            let mut swallowed = 0;
            let put = match c {
                '"' => {
                    if opens(prev) {
                        self.depth += 1;
                        quote(slavic, self.depth, true)
                    } else {
                        let q = quote(slavic, self.depth.max(1), false);
                        self.depth = self.depth.saturating_sub(1);
                        q
                    }
                }
                '\'' => {
                    if prev.is_some_and(letter_or_digit) || !opens(prev) {
                        '’'
                    } else if !slavic && next.is_some_and(|n| !n.is_whitespace()) {
                        '‘'
                    } else {
                        '\''
                    }
                }
                ' ' => {
                    if self.keeps_together(text, i, slavic) {
                        NBSP
                    } else {
                        ' '
                    }
                }
                '-' if prev.is_some_and(char::is_whitespace) => {
                    // " - " or " -- " between words: a dash.
                    let double = next == Some('-');
                    let after = rest[usize::from(double)..].chars().next();
                    if after.is_none_or(char::is_whitespace) {
                        swallowed = usize::from(double);
                        if slavic { '—' } else { '–' }
                    } else {
                        '-'
                    }
                }
                other => other,
            };
            if put != c || swallowed > 0 {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
                out.push_str(&text[copied..i]);
                out.push(put);
                copied = i + c.len_utf8() + swallowed;
                for _ in 0..swallowed {
                    chars.next();
                }
            }
            prev = Some(put);
        }
        self.last = prev;
        match out {
            None => Cow::Borrowed(text),
            Some(mut out) => {
                out.push_str(&text[copied..]);
                Cow::Owned(out)
            }
        }
    }

    /// Whether the space at byte `i` of `text` should not break.
    fn keeps_together(&self, text: &str, i: usize, slavic: bool) -> bool {
        let rest = &text[i + 1..];
        let mut ahead = rest.chars();
        let next = ahead.next();
        // Before a dash that stands between words.
        if matches!(next, Some('—' | '–'))
            || (next == Some('-') && ahead.next().is_none_or(|a| a.is_whitespace() || a == '-'))
        {
            return true;
        }
        if !slavic || next.is_none_or(char::is_whitespace) {
            return false;
        }
        // The word before the space, as far as this piece shows it.
        let before = &text[..i];
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !letter_or_digit(c) && !matches!(c, '.' | '’' | '\''))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let word = &before[start..];
        let begins_piece = start == 0 && self.last.is_some_and(letter_or_digit);
        if word.is_empty() || begins_piece {
            return false;
        }
        let mut letters = word.chars();
        let (first, second, third) = (letters.next(), letters.next(), letters.next());
        let short = third.is_none();
        // A short word: "у", "на", "не".
        if short && word.chars().all(letter) {
            return true;
        }
        // An initial: "А." before a capitalised name.
        if short && first.is_some_and(char::is_uppercase) && second == Some('.') {
            return next.is_some_and(char::is_uppercase);
        }
        // A number before a short unit or abbreviation, or before the next
        // group of its digits.
        if word.bytes().all(|b| b.is_ascii_digit()) {
            let len = rest
                .find(|c: char| !(letter_or_digit(c) || c == '.' || c == '%'))
                .unwrap_or(rest.len());
            let unit = &rest[..len];
            let digits = unit.bytes().all(|b| b.is_ascii_digit());
            return (digits && unit.len() == 3)
                || (!digits && unit.chars().filter(|&c| letter(c)).count() <= 4);
        }
        false
    }
}

/// Whether a quote after `prev` opens (at the start, after a space or an
/// opening bracket or quote).
fn opens(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => p.is_whitespace() || "([{«„“‘—–-/".contains(p),
    }
}

fn quote(slavic: bool, depth: usize, open: bool) -> char {
    match (slavic, depth <= 1, open) {
        (true, true, true) => '«',
        (true, true, false) => '»',
        (true, false, true) => '„',
        (true, false, false) => '“',
        (false, true, true) => '“',
        (false, true, false) => '”',
        (false, false, true) => '‘',
        (false, false, false) => '’',
    }
}

/// One piece of plain text (a title, a lead) typeset on its own.
pub fn typeset(lang: Lang, text: &str) -> Cow<'_, str> {
    Typesetter::new(lang).apply(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be(s: &str) -> String {
        typeset(Lang::parse("be").unwrap(), s).into_owned()
    }
    fn ru(s: &str) -> String {
        typeset(Lang::parse("ru").unwrap(), s).into_owned()
    }
    fn en(s: &str) -> String {
        typeset(Lang::parse("en").unwrap(), s).into_owned()
    }

    #[test]
    fn quotes_follow_each_language() {
        assert_eq!(be(r#"Ён сказаў "так""#), "Ён\u{a0}сказаў «так»");
        assert_eq!(ru(r#""Газета "Правда" пишет""#), "«Газета „Правда“ пишет»");
        assert_eq!(
            en(r#"He said "yes, 'maybe' later""#),
            "He said “yes, ‘maybe’ later”"
        );
        assert_eq!(en("don't"), "don’t");
        assert_eq!(be("з'езд і аб'ём"), "з’езд і\u{a0}аб’ём");
        // Already typographic text stays.
        assert_eq!(ru("«да»"), "«да»");
    }

    #[test]
    fn dashes_and_the_spaces_before_them() {
        assert_eq!(ru("Минск - столица"), "Минск\u{a0}— столица");
        assert_eq!(ru("Минск -- столица"), "Минск\u{a0}— столица");
        assert_eq!(ru("Минск — столица"), "Минск\u{a0}— столица");
        assert_eq!(en("Minsk - the capital"), "Minsk\u{a0}– the capital");
        // A hyphen inside a word or a minus before a number is no dash.
        assert_eq!(en("well-known -5"), "well-known -5");
    }

    #[test]
    fn short_words_initials_and_numbers_keep_their_neighbour() {
        assert_eq!(be("Мы ішлі ў горад"), "Мы\u{a0}ішлі ў\u{a0}горад");
        assert_eq!(ru("А. Кот сказал"), "А.\u{a0}Кот сказал");
        assert_eq!(
            ru("рост на 5 млн за 2026 г."),
            "рост на\u{a0}5\u{a0}млн за\u{a0}2026\u{a0}г."
        );
        assert_eq!(ru("10 000 человек"), "10\u{a0}000 человек");
        // English keeps its ordinary spaces.
        assert_eq!(en("a plan in 5 steps"), "a plan in 5 steps");
    }

    #[test]
    fn pieces_of_one_paragraph_share_their_quotes() {
        let mut t = Typesetter::new(Lang::parse("ru").unwrap());
        let a = t.apply("Он назвал это \"").into_owned();
        t.pass("кризисом");
        let b = t.apply("\" и ушёл").into_owned();
        assert_eq!(
            format!("{a}кризисом{b}"),
            "Он\u{a0}назвал это «кризисом» и\u{a0}ушёл"
        );
    }

    #[test]
    fn the_quick_letter_tests_agree_with_unicode() {
        for c in ('\0'..='\u{2fff}').chain(['\u{a0}', '\u{ff10}', '\u{1d400}']) {
            assert_eq!(letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn text_without_anything_to_change_is_borrowed() {
        assert!(matches!(
            typeset(Lang::parse("en").unwrap(), "Plain"),
            Cow::Borrowed(_)
        ));
        // English spaces change only before a dash.
        assert!(matches!(
            typeset(Lang::parse("en").unwrap(), "a plan in five steps"),
            Cow::Borrowed(_)
        ));
    }
}
