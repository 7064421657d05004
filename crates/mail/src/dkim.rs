//! DKIM keys: made by `sitrep dkim generate`, kept in the database's
//! settings (so every node signs with the same key), published by the
//! operator as a DNS TXT record, and used by [`Signer`] to sign every
//! message.
//!
//! Ed25519 (RFC 8463) is fast to sign; RSA-2048 is what every receiver
//! verifies. Many receivers do not check Ed25519 signatures yet, so RSA is
//! the default.
//!
//! The signature (RFC 6376) is made here rather than by lettre's signer:
//! it signs the message as it will be sent, formatted once (lettre's
//! formatted the body a second time to hash it), and it signs with ring,
//! whose RSA is about three times as fast as the `rsa` crate's, the cost
//! that bounds a newsletter signed with RSA (see bench/README.md). The
//! `rsa` crate still makes new keys, which ring cannot.

use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::EncodePublicKey;
use sitrep_store::Store;

use crate::MailError;

const SELECTOR: &str = "dkim_selector";
const DOMAIN: &str = "dkim_domain";
const KEY: &str = "dkim_key";

/// The signing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Rsa,
    Ed25519,
}

impl Algorithm {
    pub fn parse(s: &str) -> Option<Algorithm> {
        match s.to_ascii_lowercase().as_str() {
            "rsa" | "rsa-2048" | "rsa2048" => Some(Algorithm::Rsa),
            "ed25519" => Some(Algorithm::Ed25519),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Rsa => "rsa",
            Algorithm::Ed25519 => "ed25519",
        }
    }
}

/// Headers every signature covers, when the message has them. RFC 8058
/// asks that `List-Unsubscribe` and `List-Unsubscribe-Post` be signed;
/// `Content-Type` says how the body is read (lettre's signer could not
/// cover it, as it wrote a multipart's type after signing).
const SIGNED: [&str; 10] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// A site's DKIM key.
pub struct DkimKey {
    pub selector: String,
    pub domain: String,
    pub algorithm: Algorithm,
    /// RSA: PKCS#1 PEM; Ed25519: the 32-byte secret in base64.
    secret: String,
}

impl std::fmt::Debug for DkimKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimKey")
            .field("selector", &self.selector)
            .field("domain", &self.domain)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Letters, digits and hyphens, dot-separated: a DNS name.
fn dns_label_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

impl DkimKey {
    /// A new key.
    pub fn generate(
        algorithm: Algorithm,
        selector: &str,
        domain: &str,
    ) -> Result<DkimKey, MailError> {
        if !dns_label_ok(selector) || !dns_label_ok(domain) {
            return Err(MailError::Dkim(format!(
                "{selector:?} and {domain:?} must be DNS names (letters, digits, hyphens and dots)"
            )));
        }
        let secret = match algorithm {
            Algorithm::Ed25519 => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(|e| MailError::Dkim(e.to_string()))?;
                b64(&seed)
            }
            Algorithm::Rsa => {
                let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
                    .map_err(|e| MailError::Dkim(e.to_string()))?;
                key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
                    .map_err(|e| MailError::Dkim(e.to_string()))?
                    .to_string()
            }
        };
        Ok(DkimKey {
            selector: selector.to_ascii_lowercase(),
            domain: domain.to_ascii_lowercase(),
            algorithm,
            secret,
        })
    }

    /// The DNS name of the TXT record.
    pub fn dns_name(&self) -> String {
        format!("{}._domainkey.{}", self.selector, self.domain)
    }

    /// The TXT record's value.
    pub fn dns_value(&self) -> Result<String, MailError> {
        let public = match self.algorithm {
            Algorithm::Ed25519 => {
                use ring::signature::KeyPair;
                b64(self.ed25519()?.public_key().as_ref())
            }
            Algorithm::Rsa => {
                let key = rsa::RsaPrivateKey::from_pkcs1_pem(&self.secret)
                    .map_err(|e| MailError::Dkim(e.to_string()))?;
                let der = key
                    .to_public_key()
                    .to_public_key_der()
                    .map_err(|e| MailError::Dkim(e.to_string()))?;
                b64(der.as_bytes())
            }
        };
        Ok(format!(
            "v=DKIM1; k={}; p={public}",
            self.algorithm.as_str()
        ))
    }

    /// The record as a zone-file line; long values are split into quoted
    /// strings of at most 255 characters, as DNS requires.
    pub fn zone_line(&self) -> Result<String, MailError> {
        let value = self.dns_value()?;
        let parts: Vec<String> = value
            .as_bytes()
            .chunks(255)
            .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
            .collect();
        Ok(format!(
            "{}. IN TXT ( {} )",
            self.dns_name(),
            parts.join(" ")
        ))
    }

    fn ed25519(&self) -> Result<ring::signature::Ed25519KeyPair, MailError> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.secret)
            .map_err(|e| MailError::Dkim(e.to_string()))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| MailError::Dkim("an Ed25519 key has 32 bytes".into()))?;
        ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|e| MailError::Dkim(format!("the DKIM key cannot sign: {e}")))
    }

    /// The signer for this key.
    pub(crate) fn signer(&self) -> Result<Signer, MailError> {
        let bad = |e: String| MailError::Dkim(format!("the DKIM key cannot sign: {e}"));
        let key = match self.algorithm {
            Algorithm::Ed25519 => Key::Ed25519(self.ed25519()?),
            Algorithm::Rsa => {
                let der = rsa::RsaPrivateKey::from_pkcs1_pem(&self.secret)
                    .and_then(|k| k.to_pkcs1_der())
                    .map_err(|e| bad(e.to_string()))?;
                Key::Rsa(
                    ring::rsa::KeyPair::from_der(der.as_bytes()).map_err(|e| bad(e.to_string()))?,
                )
            }
        };
        Ok(Signer {
            selector: self.selector.clone(),
            domain: self.domain.clone(),
            algorithm: self.algorithm,
            key,
            rng: ring::rand::SystemRandom::new(),
        })
    }

    /// The site's key, if it has one.
    pub async fn load(store: &Store) -> Result<Option<DkimKey>, MailError> {
        let (Some(selector), Some(domain), Some(key)) = (
            store.setting(SELECTOR).await?,
            store.setting(DOMAIN).await?,
            store.setting(KEY).await?,
        ) else {
            return Ok(None);
        };
        if key.is_empty() {
            return Ok(None);
        }
        let (algorithm, secret) = key
            .split_once(':')
            .and_then(|(a, s)| Some((Algorithm::parse(a)?, s.to_owned())))
            .ok_or_else(|| MailError::Dkim("the stored DKIM key is not readable".into()))?;
        let key = DkimKey {
            selector,
            domain,
            algorithm,
            secret,
        };
        // A damaged key is an error now, not at the first message.
        key.signer()?;
        Ok(Some(key))
    }

    /// Makes this the site's key.
    pub async fn save(&self, store: &Store) -> Result<(), MailError> {
        store.set_setting(SELECTOR, &self.selector).await?;
        store.set_setting(DOMAIN, &self.domain).await?;
        store
            .set_setting(KEY, &format!("{}:{}", self.algorithm.as_str(), self.secret))
            .await?;
        Ok(())
    }

    /// Stops signing.
    pub async fn remove(store: &Store) -> Result<(), MailError> {
        store.set_setting(KEY, "").await?;
        Ok(())
    }
}

enum Key {
    Rsa(ring::rsa::KeyPair),
    Ed25519(ring::signature::Ed25519KeyPair),
}

/// Signs formatted messages with a site's key: relaxed canonicalization
/// for the headers, simple for the body (ours is base64 or
/// quoted-printable, with no trailing spaces for relays to change), over
/// the headers in [`SIGNED`] the message has.
pub(crate) struct Signer {
    selector: String,
    domain: String,
    pub(crate) algorithm: Algorithm,
    key: Key,
    rng: ring::rand::SystemRandom,
}

impl Signer {
    /// The `DKIM-Signature` header (with its line end) that signs `message`
    /// (CRLF line ends, headers then a blank line then the body) at `time`
    /// (seconds since the epoch), to be sent in front of it. The message is
    /// not copied: a newsletter's couriers send the two as they are.
    ///
    /// `opening`, when given, is bytes the body may start with and their
    /// SHA-256 so far: a body that does start with them is hashed from
    /// there on.
    pub(crate) fn header(
        &self,
        message: &[u8],
        time: u64,
        opening: Option<(&[u8], &ring::digest::Context)>,
    ) -> Result<Vec<u8>, MailError> {
        let split = memchr::memmem::find(message, b"\r\n\r\n")
            .ok_or_else(|| MailError::Dkim("a message without a body".into()))?;
        let (head, body) = (&message[..split + 2], &message[split + 4..]);
        let fields = fields(head);
        let mut names = Vec::new();
        let mut signed = Vec::with_capacity(head.len());
        for name in SIGNED {
            if let Some((_, value)) = fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_ascii_lowercase());
                relaxed(name, value, &mut signed);
                signed.extend_from_slice(b"\r\n");
            }
        }
        let body = simple_body(body);
        let body_hash = match opening {
            Some((start, hash)) if body.starts_with(start) => {
                let mut hash = hash.clone();
                hash.update(&body[start.len()..]);
                hash.finish()
            }
            _ => ring::digest::digest(&ring::digest::SHA256, body),
        };
        let value = format!(
            "v=1; a={}-sha256; c=relaxed/simple; d={}; s={}; t={time};\r\n\th={};\r\n\tbh={};\r\n\tb=",
            match self.algorithm {
                Algorithm::Rsa => "rsa",
                Algorithm::Ed25519 => "ed25519",
            },
            self.domain,
            self.selector,
            names.join(":"),
            b64(body_hash.as_ref()),
        );
        // The signature's own header, with `b=` empty and no line end.
        relaxed("DKIM-Signature", value.as_bytes(), &mut signed);
        let signature = match &self.key {
            Key::Ed25519(key) => {
                let hash = ring::digest::digest(&ring::digest::SHA256, &signed);
                key.sign(hash.as_ref()).as_ref().to_vec()
            }
            Key::Rsa(key) => {
                let mut out = vec![0; key.public().modulus_len()];
                key.sign(
                    &ring::signature::RSA_PKCS1_SHA256,
                    &self.rng,
                    &signed,
                    &mut out,
                )
                .map_err(|_| MailError::Dkim("RSA signing failed".into()))?;
                out
            }
        };
        let mut out = Vec::with_capacity(value.len() + 400);
        out.extend_from_slice(b"DKIM-Signature: ");
        out.extend_from_slice(value.as_bytes());
        // Folded into lines of 76 characters or so.
        for (i, chunk) in b64(&signature).as_bytes().chunks(72).enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\r\n\t");
            }
            out.extend_from_slice(chunk);
        }
        out.extend_from_slice(b"\r\n");
        Ok(out)
    }
}

/// The header block's fields as (name, raw value with its folds).
fn fields(head: &[u8]) -> Vec<(&str, &[u8])> {
    let mut out: Vec<(&str, &[u8])> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < head.len() {
        let line_end = head[i..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(head.len(), |p| i + p);
        let next = line_end + 2;
        // A field runs on while the following lines begin with a space or tab.
        if next >= head.len() || !matches!(head[next], b' ' | b'\t') {
            let field = &head[start..line_end];
            if let Some(colon) = field.iter().position(|b| *b == b':')
                && let Ok(name) = std::str::from_utf8(&field[..colon])
            {
                out.push((name.trim(), &field[colon + 1..]));
            }
            start = next;
        }
        i = next;
    }
    out
}

/// Appends one header in relaxed form (RFC 6376, 3.4.2): the name in lower
/// case, the value unfolded, runs of spaces and tabs made one space, none
/// at either end.
fn relaxed(name: &str, value: &[u8], out: &mut Vec<u8>) {
    out.extend(name.bytes().map(|b| b.to_ascii_lowercase()));
    out.push(b':');
    let mut space = false;
    let start = out.len();
    for &b in value {
        match b {
            b'\r' | b'\n' => {}
            b' ' | b'\t' => space = true,
            _ => {
                if space && out.len() > start {
                    out.push(b' ');
                }
                space = false;
                out.push(b);
            }
        }
    }
}

/// The body in simple form (RFC 6376, 3.4.3): without the empty lines at
/// its end. Ours always ends in CRLF.
fn simple_body(mut body: &[u8]) -> &[u8] {
    while body.ends_with(b"\r\n\r\n") {
        body = &body[..body.len() - 2];
    }
    if body.is_empty() { b"\r\n" } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_records_carry_the_raw_public_key() {
        let k = DkimKey::generate(Algorithm::Ed25519, "s2026", "Example.org").unwrap();
        assert_eq!(k.dns_name(), "s2026._domainkey.example.org");
        let v = k.dns_value().unwrap();
        assert!(v.starts_with("v=DKIM1; k=ed25519; p="), "{v}");
        // 32 bytes in base64.
        assert_eq!(v.split("p=").nth(1).unwrap().len(), 44);
        assert!(k.signer().is_ok());
    }

    #[test]
    fn headers_and_bodies_are_canonicalized_as_rfc_6376_says() {
        let head =
            b"From: Editor <news@example.org>\r\nSubject: A long\r\n\t subject \t \r\nX-Empty:\r\n";
        let f = fields(head);
        assert_eq!(f.len(), 3);
        assert_eq!(f[1], ("Subject", &b" A long\r\n\t subject \t "[..]));
        let mut out = Vec::new();
        relaxed(f[1].0, f[1].1, &mut out);
        assert_eq!(out, b"subject:A long subject");
        out.clear();
        relaxed(f[2].0, f[2].1, &mut out);
        assert_eq!(out, b"x-empty:");
        assert_eq!(simple_body(b"text\r\n\r\n\r\n"), b"text\r\n");
        assert_eq!(simple_body(b"text\r\n"), b"text\r\n");
        assert_eq!(simple_body(b""), b"\r\n");
    }

    #[test]
    fn a_signature_names_what_it_covers_and_leaves_the_message_as_it_was() {
        for algorithm in [Algorithm::Ed25519, Algorithm::Rsa] {
            let key = DkimKey::generate(algorithm, "s1", "example.org").unwrap();
            let signer = key.signer().unwrap();
            let message =
                b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Hi\r\n\r\nBody\r\n";
            let mut signed = signer.header(message, 1_800_000_000, None).unwrap();
            signed.extend_from_slice(message);
            let text = String::from_utf8(signed.clone()).unwrap();
            assert!(text.starts_with("DKIM-Signature: v=1; a="), "{text}");
            assert!(text.contains("h=from:to:subject;"), "{text}");
            assert!(text.contains("t=1800000000;"), "{text}");
            assert!(signed.ends_with(message));
            // SMTP's limit on a line; the signature itself is folded.
            assert!(text.lines().all(|l| l.len() <= 998), "{text}");
            assert!(text.lines().nth(3).unwrap().starts_with("\tb="), "{text}");
            assert!(signer.header(b"no body here", 0, None).is_err());
        }
    }

    #[test]
    fn a_body_hash_continued_from_a_known_opening_is_the_whole_bodys() {
        let key = DkimKey::generate(Algorithm::Ed25519, "s1", "example.org").unwrap();
        let signer = key.signer().unwrap();
        let message = b"From: a@example.org\r\n\r\nThe same for all, then yours.\r\n\r\n";
        let whole = signer.header(message, 7, None).unwrap();
        let hashed = |start: &[u8]| {
            let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
            hash.update(start);
            (start.to_vec(), hash)
        };
        for start in [&b"The same for all, "[..], b"", b"Not how it starts"] {
            let (start, hash) = hashed(start);
            let header = signer.header(message, 7, Some((&start, &hash))).unwrap();
            // Ed25519 signatures are deterministic: the same header, byte
            // for byte, whether the opening was used or (when the body
            // does not start with it) ignored.
            assert_eq!(header, whole, "{:?}", String::from_utf8_lossy(&start));
        }
    }

    #[test]
    fn bad_names_are_refused() {
        for (s, d) in [
            ("", "example.org"),
            ("a b", "example.org"),
            ("s", "-x.org"),
            ("s", "a..b"),
        ] {
            assert!(
                DkimKey::generate(Algorithm::Ed25519, s, d).is_err(),
                "{s} {d}"
            );
        }
    }

    #[test]
    fn long_records_are_split_into_dns_strings() {
        let k = DkimKey {
            selector: "s".into(),
            domain: "example.org".into(),
            algorithm: Algorithm::Ed25519,
            secret: b64(&[7u8; 32]),
        };
        let line = k.zone_line().unwrap();
        assert!(
            line.starts_with("s._domainkey.example.org. IN TXT ( \""),
            "{line}"
        );
        assert!(!format!("{k:?}").contains(&k.secret));
    }
}
