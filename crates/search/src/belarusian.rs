//! A light stemmer for Belarusian (Cyrillic, official orthography), made for
//! the full-text index: the goal is that inflected forms of one word meet on
//! one term, not that the term is a linguistically correct stem.
//!
//! Approach, in order: undo the reflexive suffix (-ся, -цца → -ць); strip the
//! longest ending from one list of noun, adjective, participle and verb
//! endings, as long as the stem keeps 2 letters and a vowel (so Крым and шлях
//! stay whole); then even out the stem end so the forms of a paradigm meet:
//! a final в after a vowel goes (written ў in Кіеў, дзяржаў, and ў folds to у),
//! then a final vowel of a j-stem (героя/герой, Кітая/Кітай); tsekanne and
//! dzekanne are undone (ць+soft vowel → т, дз → д: рабоце/работа, уладзе/улада);
//! к after е/э/і/ы/у → ц (эканоміка/эканоміцы, навука/навуцы); a fleeting
//! е/о/а before a final к/н/л/р (or -ец) goes everywhere (тыдзень/тыдня,
//! пачатак/пачатку, сябар/сябры); a final doubled consonant is halved
//! (Беларусь/Беларуссю, пытанне).
//!
//! Akanne/yakanne: Belarusian spells unstressed о as а and pretonic е as я,
//! so stress shifts split a paradigm in writing (год/гады, горад/гарады,
//! сяло/сёлы, вайна/войны, лес/лясы). We fold о→а and я→е (ё is already е)
//! in the stem. Recall gains are large and the extra collisions are mostly
//! ones the orthography already has (гады is both "years" and "reptiles"),
//! but some are new: народ/нарада, так/ток, мой/май, слава/слова.
//!
//! Known limits: г/х → з/с before -е (нага/назе, страха/страсе) is not
//! undone, because з/с there cannot be told from a root з/с (загроза/загрозе)
//! and the reverse merges Прага with праз; ў/в inside a word (травень/траўня),
//! verb consonant alternations (пісаць/пішу), suppletion and very short stems
//! (дзень/дня) are left alone; a few nouns whose bare form looks inflected are
//! protected by name (`PROTECTED`). Words with any non-Cyrillic character
//! (numbers, Latin) and words of one or two letters pass through unchanged.

/// Endings, already normalized (ў→у, ё→е). The longest one that fits wins.
#[rustfmt::skip]
const ENDINGS: &[&str] = &[
    // nouns and adjectives
    "а", "я", "ы", "і", "е", "э", "у", "ю", "о", "ь", "й", "ам", "ям", "ом", "ем", "ым", "ім",
    "ах", "ях", "ых", "іх", "ай", "яй", "ой", "ей", "ую", "юю", "ая", "яя", "ае", "яе", "ое",
    "аю", "яю", "ою", "ею", "ау", "яу", "оу", "еу", "амі", "ямі", "ымі", "імі", "ьмі", "ага",
    "яга", "ога", "аму", "яму", "ому",
    // nouns in -ія/-ыя (армія, санкцыя) lose the і/ы with the ending
    "ыя", "ія", "ыі", "іі", "ый", "ій", "ыю", "ію", "ыяй", "іяй", "ыяю", "іяю", "ыям", "іям",
    "ыях", "іях", "ыямі", "іямі",
    // verbs: infinitive, present, imperative, past, gerunds
    "аць", "яць", "ець", "ыць", "іць", "уць", "юць", "оць", "еш", "аш", "ыш", "іш", "еце",
    "ыце", "іце", "аце", "яце", "айце", "яйце", "ала", "яла", "ела", "ыла", "іла", "ало", "яло",
    "ело", "ыло", "іло", "алі", "ялі", "елі", "ылі", "ілі", "ыу", "іу", "учы", "ючы", "ушы",
];

/// Stems never cut shorter: frequent nouns whose bare form ends like an
/// ending (рэжым like -ым, праблем like -ем, правіла like past -іла) and
/// Кіеў, whose ў/в would otherwise leave Кіеў and Кіева apart.
#[rustfmt::skip]
const PROTECTED: &[&str] = &[
    "рэжым", "уздым", "максім", "іслам", "праграм", "праблем", "правіл", "магіл", "прыем",
    "абем", "кіе",
];

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'а' | 'е' | 'ё' | 'і' | 'и' | 'о' | 'у' | 'ы' | 'э' | 'ю' | 'я'
    )
}

fn has_vowel(s: &[char]) -> bool {
    s.iter().any(|&c| is_vowel(c))
}

/// Folds spelling variants that should not separate words in search: lowercases,
/// ў→у, ё→е, removes stress marks (U+0301) and apostrophes (' ’ ʼ U+02BC) inside words, і stays і.
pub fn normalize(word: &str) -> String {
    let chars: Vec<char> = word
        .chars()
        .filter(|&c| c != '\u{301}')
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ў' => 'у',
            'ё' => 'е',
            c => c,
        })
        .collect();
    let letter_at = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let apostrophe = matches!(c, '\'' | '\u{2019}' | '\u{2BC}');
            !(apostrophe && i > 0 && letter_at(i - 1) && letter_at(i + 1))
        })
        .map(|(_, &c)| c)
        .collect()
}

/// Length of the longest ending that leaves a stem of 2+ letters with a vowel.
/// The endings by their last letter, longest first, as letters: built
/// once, so a word is compared only with the endings it could have.
static BY_LAST: std::sync::LazyLock<std::collections::HashMap<char, Vec<Vec<char>>>> =
    std::sync::LazyLock::new(|| {
        let mut map: std::collections::HashMap<char, Vec<Vec<char>>> = Default::default();
        for e in ENDINGS {
            let letters: Vec<char> = e.chars().collect();
            if let Some(&last) = letters.last() {
                map.entry(last).or_default().push(letters);
            }
        }
        for list in map.values_mut() {
            list.sort_by_key(|e| std::cmp::Reverse(e.len()));
        }
        map
    });

fn ending_len(w: &[char]) -> usize {
    let Some(last) = w.last() else {
        return 0;
    };
    BY_LAST
        .get(last)
        .and_then(|list| {
            list.iter().find(|e| {
                let n = e.len();
                n + 2 <= w.len() && w[w.len() - n..] == e[..] && has_vowel(&w[..w.len() - n])
            })
        })
        .map_or(0, Vec::len)
}

/// Stems an already normalized, lowercase word: strips the longest inflectional ending
/// (noun, adjective, participle, verb, reflexive -ся/-цца) that leaves a stem of at least
/// 2 letters (short words stay as they are), then evens out common stem-final alternations so
/// that inflected forms meet: дз→д, ц→т before a soft vowel, к→ц (эканоміка/эканоміцы),
/// fleeting vowels, ў/в, and folds akanne (о→а, я→е). г/х→з/с is not undone (module doc).
pub fn stem(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    let cyrillic = |c: char| matches!(c, 'а'..='я' | 'ё' | 'і' | 'ў');
    if w.len() <= 2 || !w.iter().all(|&c| cyrillic(c)) {
        return word.to_string();
    }

    // -цца is -ць + -ся assimilated (пагоршыцца = пагоршыць + ся).
    if w.len() >= 5 {
        if w.ends_with(&['ц', 'ц', 'а']) {
            w.truncate(w.len() - 2);
            w.push('ь');
        } else if w.ends_with(&['с', 'я']) {
            w.truncate(w.len() - 2);
        }
    }

    let mut len = w.len() - ending_len(&w);
    for p in PROTECTED {
        let plen = p.chars().count();
        if len < plen && w.iter().copied().take(plen).eq(p.chars()) {
            len = plen;
        }
    }
    let mut st = w[..len].to_vec();

    // Drops keep 3 letters, or заява would meet the preposition за.
    if st.len() > 3 && st.ends_with(&['в']) && is_vowel(st[st.len() - 2]) {
        st.pop();
    }
    if st.len() > 3 && st.last().is_some_and(|&c| is_vowel(c)) && has_vowel(&st[..st.len() - 1]) {
        st.pop();
    }

    // Native т never stands before a soft vowel: there it is written ц
    // (работа/рабоце, смерць/смерці). `st` is still a prefix of `w`, so the
    // next letter, possibly the stripped ending's first, is `w[i + 1]`.
    for (i, c) in st.iter_mut().enumerate() {
        if *c == 'ц'
            && w.get(i + 1)
                .is_some_and(|&n| matches!(n, 'е' | 'і' | 'я' | 'ю' | 'ь'))
        {
            *c = 'т';
        }
    }
    // дз is д softened (улада/уладзе, тыдзень/тыдня); there is hardly a native дз besides.
    let mut out: Vec<char> = Vec::with_capacity(st.len());
    for c in st {
        if !(c == 'з' && out.last() == Some(&'д')) {
            out.push(c);
        }
    }
    let mut st = out;

    // к → ц before the dative/locative -ы/-э of nouns in -ка (эканоміцы, руцэ).
    // Only after е/э/і/ы/у: after а/о a final к is usually a fleeting-vowel
    // suffix (пачатак/пачатку), and after a consonant we would merge танк/танцы.
    let n = st.len();
    if n >= 3 && st[n - 1] == 'к' && matches!(st[n - 2], 'е' | 'э' | 'і' | 'ы' | 'у') {
        st[n - 1] = 'ц';
    }

    // Fleeting vowel: dropped in every form, so forms with and without it meet;
    // limited to the suffixes where it occurs (-ак, -ец, -ень, -ар, -ол...).
    let n = st.len();
    if n >= 5
        && !is_vowel(st[n - 3])
        && matches!(st[n - 2], 'е' | 'о' | 'а')
        && (matches!(st[n - 1], 'к' | 'н' | 'л' | 'р') || st[n - 2..] == ['е', 'ц'])
        && has_vowel(&st[..n - 2])
    {
        st.remove(n - 2);
    }

    // Doubled consonant of -нне/-ццё and of the instrumental Беларуссю.
    let n = st.len();
    if n >= 4 && st[n - 1] == st[n - 2] && !is_vowel(st[n - 1]) {
        st.pop();
    }

    // Akanne/yakanne fold (see the module doc).
    st.into_iter()
        .map(|c| match c {
            'о' => 'а',
            'я' => 'е',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(w: &str) -> String {
        stem(&normalize(w))
    }

    fn meet(words: &[&str]) {
        let first = term(words[0]);
        for w in &words[1..] {
            assert_eq!(term(w), first, "{} and {} should meet", words[0], w);
        }
    }

    fn apart(a: &str, b: &str) {
        assert_ne!(term(a), term(b), "{a} and {b} should not meet");
    }

    #[test]
    fn normalize_folds_spelling() {
        assert_eq!(normalize("Ўлада"), "улада");
        assert_eq!(normalize("з'езд"), "зезд");
        assert_eq!(normalize("з’езд"), "зезд");
        assert_eq!(normalize("з\u{2BC}езд"), "зезд");
        assert_eq!(normalize("ёлка"), "елка");
        assert_eq!(normalize("вада\u{301}"), "вада");
        assert_eq!(normalize("'краіна'"), "'краіна'");
    }

    #[test]
    fn nouns_meet() {
        meet(&["ліпень", "ліпеня", "ліпені", "ліпенем"]);
        meet(&[
            "санкцыі",
            "санкцыямі",
            "санкцый",
            "санкцыях",
            "санкцыям",
            "санкцыя",
        ]);
        meet(&["краіна", "краіны", "краіне", "краінай", "краінамі", "краін"]);
        meet(&["выбары", "выбараў", "выбарах", "выбарамі"]);
        meet(&["рэжым", "рэжыму", "рэжымам", "рэжыме"]);
        meet(&["месяц", "месяца", "месяцы", "месяцаў"]);
        meet(&["нафта", "нафты", "нафце", "нафтай"]);
        meet(&["армія", "арміі", "арміяй", "армій"]);
        meet(&["праблема", "праблемы", "праблем", "праблемамі"]);
        meet(&["пытанне", "пытання", "пытанняў", "пытаннем"]);
        meet(&["Беларусь", "Беларусі", "Беларуссю"]);
        meet(&["герой", "героя", "героем"]);
        meet(&["Кітай", "Кітая", "Кітаі"]);
        meet(&["праца", "працы", "працай"]);
        meet(&["правіла", "правілы", "правілаў"]);
    }

    #[test]
    fn adjectives_meet() {
        meet(&[
            "палітычны",
            "палітычная",
            "палітычнай",
            "палітычных",
            "палітычнымі",
        ]);
        meet(&[
            "палітычнага",
            "палітычныя",
            "палітычнае",
            "палітычнаму",
            "палітычным",
        ]);
        meet(&["новы", "новым", "новая", "новыя"]);
    }

    #[test]
    fn alternations_meet() {
        meet(&["улада", "улады", "уладзе", "уладай"]);
        meet(&["эканоміка", "эканомікі", "эканоміцы", "эканомікай"]);
        meet(&["навука", "навуцы"]);
        meet(&["бяспека", "бяспекі", "бяспецы"]);
        meet(&["работа", "рабоце"]);
        meet(&["смерць", "смерці", "смерцю"]);
        meet(&["тыдзень", "тыдня", "тыдні"]);
        meet(&["пачатак", "пачатку", "пачаткам"]);
        meet(&["сябар", "сябра", "сябры", "сяброў"]);
        meet(&["дзяржава", "дзяржавы", "дзяржаве", "дзяржаў"]);
        meet(&["Кіеў", "Кіева", "Кіеве"]);
        meet(&["Харкаў", "Харкава"]);
    }

    #[test]
    fn akanne_meets() {
        meet(&["горад", "гарады", "гарадоў", "горадзе"]);
        meet(&["год", "гады", "гадоў"]);
        meet(&["вайна", "войны", "вайной"]);
        meet(&["сяло", "сёлы"]);
        meet(&["лес", "лясы"]);
    }

    #[test]
    fn spelling_variants_meet() {
        meet(&["ўлада", "улада"]);
        meet(&["з'езд", "з’езда"]);
    }

    #[test]
    fn verbs_meet() {
        meet(&["пагоршылася", "пагоршыцца", "пагоршыліся"]);
        meet(&["палепшылася", "палепшыцца"]);
        meet(&["заявіў", "заявіла", "заявілі"]);
        meet(&["чытаць", "чытае", "чытаюць", "чытаў"]);
    }

    #[test]
    fn different_words_stay_apart() {
        apart("краіна", "крама");
        apart("выбары", "выбух");
        apart("мір", "мора");
        apart("санкцыі", "сакавік");
        apart("улада", "уласны");
        apart("месяц", "месца");
        apart("танк", "танцы");
        apart("заява", "за");
        apart("палітыка", "паліцыя");
    }

    #[test]
    fn short_numbers_and_latin_pass_through() {
        for w in ["у", "і", "на", "не", "ён", "2027", "nato", "covid-19"] {
            assert_eq!(stem(w), w);
            assert!(!term(w).is_empty());
        }
        assert_eq!(term("ён"), "ен");
    }
}
