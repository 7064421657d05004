use std::fmt;

/// A language code: a BCP 47 primary language subtag such as `be`, `ru` or
/// `en` (two or three lowercase ASCII letters). `Copy`, so it travels freely.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang {
    bytes: [u8; 3],
    len: u8,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a language code (expected two or three lowercase letters, such as \"be\")")]
pub struct LangError(pub String);

impl Lang {
    pub fn parse(s: &str) -> Result<Lang, LangError> {
        let b = s.as_bytes();
        if !(2..=3).contains(&b.len()) || !b.iter().all(u8::is_ascii_lowercase) {
            return Err(LangError(s.chars().take(16).collect()));
        }
        let mut bytes = [0u8; 3];
        bytes[..b.len()].copy_from_slice(b);
        Ok(Lang {
            bytes,
            len: b.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII lowercase letters are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("und")
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.as_str())
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let s = String::deserialize(d)?;
        Lang::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_primary_subtags() {
        for code in ["be", "ru", "en", "uk", "fil"] {
            assert_eq!(Lang::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn rejects_anything_else() {
        for bad in ["", "e", "EN", "en-GB", "english", "b3", "бе", "../"] {
            assert!(Lang::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
