//! Just enough of PHP's `serialize()` format to read the arrays WordPress
//! plugins keep in term descriptions (Polylang's `{"en": 12, "ru": 14}`
//! translation groups and language settings).

/// A value of a serialized array: a string, a number, or something else
/// (booleans, floats, nested arrays, null), kept as its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhpValue {
    Str(String),
    Int(i64),
    Other,
}

impl PhpValue {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            PhpValue::Int(n) => Some(*n),
            PhpValue::Str(s) => s.parse().ok(),
            PhpValue::Other => None,
        }
    }
}

/// The entries of a serialized array (`a:N:{…}`), keys as text; `None`
/// when the text is not one.
pub fn array(text: &str) -> Option<Vec<(String, PhpValue)>> {
    let mut p = Parser {
        s: text.trim().as_bytes(),
        i: 0,
        depth: 0,
    };
    let entries = p.array()?;
    Some(
        entries
            .into_iter()
            .map(|(k, v)| {
                let key = match k {
                    PhpValue::Str(s) => s,
                    PhpValue::Int(n) => n.to_string(),
                    PhpValue::Other => String::new(),
                };
                (key, v)
            })
            .collect(),
    )
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: u32,
}

impl Parser<'_> {
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
    }

    /// Digits (with a sign) up to `end`, which is consumed.
    fn number(&mut self, end: u8) -> Option<i64> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|b| *b != end) {
            self.i += 1;
        }
        let n = std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()?;
        self.eat(end)?;
        Some(n)
    }

    fn array(&mut self) -> Option<Vec<(PhpValue, PhpValue)>> {
        // Plugins nest two or three deep; a hostile file could nest more.
        self.depth += 1;
        if self.depth > 16 {
            return None;
        }
        self.eat(b'a')?;
        self.eat(b':')?;
        let n = usize::try_from(self.number(b':')?).ok()?;
        self.eat(b'{')?;
        let mut out = Vec::with_capacity(n.min(1000));
        for _ in 0..n {
            let k = self.value()?;
            let v = self.value()?;
            out.push((k, v));
        }
        self.eat(b'}')?;
        self.depth -= 1;
        Some(out)
    }

    fn value(&mut self) -> Option<PhpValue> {
        match *self.s.get(self.i)? {
            b's' => {
                self.i += 1;
                self.eat(b':')?;
                // The length is in bytes, which is why this cannot be a regex.
                let len = usize::try_from(self.number(b':')?).ok()?;
                self.eat(b'"')?;
                let bytes = self.s.get(self.i..self.i + len)?;
                self.i += len;
                self.eat(b'"')?;
                self.eat(b';')?;
                Some(PhpValue::Str(String::from_utf8(bytes.to_vec()).ok()?))
            }
            b'i' => {
                self.i += 1;
                self.eat(b':')?;
                Some(PhpValue::Int(self.number(b';')?))
            }
            b'a' => {
                self.array()?;
                Some(PhpValue::Other)
            }
            b'N' => {
                self.i += 1;
                self.eat(b';')?;
                Some(PhpValue::Other)
            }
            b'b' | b'd' => {
                while self.s.get(self.i).is_some_and(|b| *b != b';') {
                    self.i += 1;
                }
                self.eat(b';')?;
                Some(PhpValue::Other)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylang_groups_and_settings() {
        let group = array(r#"a:3:{s:2:"en";i:3;s:2:"ru";i:4;s:2:"be";i:5;}"#).unwrap();
        assert_eq!(group[1], ("ru".into(), PhpValue::Int(4)));
        let settings =
            array(r#"a:3:{s:6:"locale";s:5:"be_BY";s:3:"rtl";i:0;s:9:"flag_code";s:2:"by";}"#)
                .unwrap();
        assert_eq!(settings[0].1, PhpValue::Str("be_BY".into()));
        // Lengths are bytes: "Мова" is 8.
        let named = array(r#"a:1:{s:4:"name";s:8:"Мова";}"#).unwrap();
        assert_eq!(named[0].1, PhpValue::Str("Мова".into()));
        let nested = array(r#"a:2:{i:0;a:1:{s:1:"x";b:1;}s:1:"k";d:0.5;}"#).unwrap();
        assert_eq!(nested.len(), 2);
    }

    #[test]
    fn anything_else_is_not_an_array() {
        for bad in [
            "",
            "plain text",
            "a:2:{s:1:\"a\";i:1;}",
            "a:1:{s:9:\"short\";i:1;}",
            "a:1:{s:1:\"a\";i:x;}",
            "a:99999999999:{",
            "a:1:{s:1:\"a\";i:1;",
        ] {
            assert_eq!(array(bad), None, "{bad}");
        }
        let deep = "a:1:{i:0;".repeat(10_000);
        assert_eq!(
            array(&deep),
            None,
            "deep nesting stops, without a stack overflow"
        );
    }
}
