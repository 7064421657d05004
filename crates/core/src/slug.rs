use std::fmt;

/// The URL segment naming one item in one language: 1 to 100 characters of
/// lowercase ASCII letters, digits and single hyphens, not starting or
/// ending with a hyphen.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Slug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug is at most 100 characters")]
    TooLong,
    #[error("a slug uses only lowercase letters a–z, digits and single hyphens between them")]
    BadCharacter,
}

impl Slug {
    pub const MAX_LEN: usize = 100;

    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::BadCharacter);
        }
        Ok(Slug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slug({})", self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Slug, D::Error> {
        let s = String::deserialize(d)?;
        Slug::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_url_friendly_slugs() {
        for s in ["a", "fuel-prices-frozen", "2027-forecast", "x1"] {
            assert!(Slug::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn rejects_unsafe_or_ugly_slugs() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse(&"a".repeat(101)), Err(SlugError::TooLong));
        for s in [
            "-a",
            "a-",
            "a--b",
            "A",
            "a b",
            "a/b",
            "..",
            "паліва",
            "a_b",
            "%2e",
        ] {
            assert_eq!(Slug::parse(s), Err(SlugError::BadCharacter), "{s}");
        }
    }
}
