use sitrep_core::Lang;

/// Picks the reader's language from an `Accept-Language` header among the
/// site's languages, or `None` when nothing in the header matches.
///
/// Matching is by primary language subtag (`ru-RU` matches `ru`), in the
/// order of the header's quality values.
pub fn negotiate(accept_language: &str, available: &[Lang]) -> Option<Lang> {
    let mut wanted: Vec<(f32, usize, &str)> = accept_language
        .split(',')
        .take(32)
        .enumerate()
        .filter_map(|(pos, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && q <= 1.0 && !tag.is_empty()).then_some((q, pos, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    wanted.iter().find_map(|(_, _, tag)| {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        available.iter().copied().find(|l| l.as_str() == primary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Vec<Lang> {
        ["be", "ru", "en"]
            .iter()
            .map(|c| Lang::parse(c).unwrap())
            .collect()
    }

    fn pick(h: &str) -> Option<String> {
        negotiate(h, &site()).map(|l| l.to_string())
    }

    #[test]
    fn follows_quality_then_order() {
        assert_eq!(pick("ru-RU,ru;q=0.9,en;q=0.8").as_deref(), Some("ru"));
        assert_eq!(pick("de;q=1, en;q=0.5, be;q=0.7").as_deref(), Some("be"));
        assert_eq!(pick("EN-gb").as_deref(), Some("en"));
        assert_eq!(pick("de, fr").as_deref(), None);
        assert_eq!(pick("ru;q=0").as_deref(), None);
    }

    #[test]
    fn garbage_is_no_preference() {
        for h in ["", ";;;", "*", "q=1", ",,,", "ru;q=abc", "\u{0}"] {
            assert_eq!(pick(h), None, "{h:?}");
        }
    }
}
