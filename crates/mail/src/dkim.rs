//! DKIM keys: made by `sitrep dkim generate`, kept in the database's
//! settings (so every node signs with the same key), published by the
//! operator as a DNS TXT record, and used by lettre to sign every message.
//!
//! Ed25519 (RFC 8463) is fast to sign; RSA-2048 is what every receiver
//! verifies. Many receivers do not check Ed25519 signatures yet, so RSA is
//! the default.

use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;
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
/// asks that `List-Unsubscribe` and `List-Unsubscribe-Post` be signed.
/// Not `Content-Type`: lettre writes a multipart's type with the body,
/// after signing the headers, so the signature could not cover it.
const SIGNED: [&str; 9] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
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
            Algorithm::Ed25519 => b64(self.ed25519()?.verifying_key().as_bytes()),
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

    fn ed25519(&self) -> Result<ed25519_dalek::SigningKey, MailError> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.secret)
            .map_err(|e| MailError::Dkim(e.to_string()))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| MailError::Dkim("an Ed25519 key has 32 bytes".into()))?;
        Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// lettre's signing configuration: relaxed/simple, over the headers
    /// in [`SIGNED`] that `present` says the message has.
    pub(crate) fn config(&self, present: &dyn Fn(&str) -> bool) -> Result<DkimConfig, MailError> {
        let algorithm = match self.algorithm {
            Algorithm::Rsa => DkimSigningAlgorithm::Rsa,
            Algorithm::Ed25519 => DkimSigningAlgorithm::Ed25519,
        };
        let key = DkimSigningKey::new(&self.secret, algorithm)
            .map_err(|e| MailError::Dkim(e.to_string()))?;
        Ok(DkimConfig::new(
            self.selector.clone(),
            self.domain.clone(),
            key,
            SIGNED
                .iter()
                .filter(|h| present(h))
                .map(|h| HeaderName::new_from_ascii_str(h))
                .collect(),
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                // Simple for the body: our bodies are base64 or
                // quoted-printable, with no trailing spaces for relays to
                // change, and lettre hashes a simple body without copying
                // it byte by byte.
                body: DkimCanonicalizationType::Simple,
            },
        ))
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
        key.config(&|_| true)?;
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
        assert!(k.config(&|_| true).is_ok());
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
