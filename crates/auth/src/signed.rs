//! Signed tokens for links in emails: confirm a subscription, manage it,
//! leave in one click. A token names a purpose, a subject and the time it
//! was issued, and carries an HMAC-SHA256 over them with the site's secret,
//! so it cannot be guessed, altered, or used for another purpose.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

/// What a token was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm a new subscription (double opt-in).
    Confirm,
    /// Change languages, pause, or leave.
    Manage,
    /// Read an edition's letter in the browser, before it is on the web.
    View,
}

impl Purpose {
    fn tag(self) -> &'static str {
        match self {
            Purpose::Confirm => "c",
            Purpose::Manage => "m",
            Purpose::View => "v",
        }
    }
}

/// Why a token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the link is damaged or was not made by this site")]
    Invalid,
    #[error("the link has expired")]
    Expired,
}

fn mac(secret: &str, payload: &str) -> HmacSha256 {
    let mut m =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    m.update(payload.as_bytes());
    m
}

/// A token for `subject` (e.g. a subscriber's id), issued at `now`.
pub fn sign(secret: &str, purpose: Purpose, subject: i64, now: i64) -> String {
    let payload = format!("{}.{subject}.{now}", purpose.tag());
    let tag = mac(secret, &payload).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
        URL_SAFE_NO_PAD.encode(&tag[..16])
    )
}

/// The subject of a token for `purpose`, if it is genuine and, with
/// `max_age`, not older than that many seconds.
pub fn verify(
    secret: &str,
    purpose: Purpose,
    token: &str,
    now: i64,
    max_age: Option<i64>,
) -> Result<i64, TokenError> {
    let (payload_b64, tag_b64) = token.trim().split_once('.').ok_or(TokenError::Invalid)?;
    if token.len() > 200 {
        return Err(TokenError::Invalid);
    }
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| TokenError::Invalid)?;
    let payload = String::from_utf8(payload).map_err(|_| TokenError::Invalid)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag_b64)
        .map_err(|_| TokenError::Invalid)?;
    if tag.len() != 16 {
        return Err(TokenError::Invalid);
    }
    mac(secret, &payload)
        .verify_truncated_left(&tag)
        .map_err(|_| TokenError::Invalid)?;
    let mut parts = payload.split('.');
    let (Some(p), Some(subject), Some(issued), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Invalid);
    };
    if p != purpose.tag() {
        return Err(TokenError::Invalid);
    }
    let subject: i64 = subject.parse().map_err(|_| TokenError::Invalid)?;
    let issued: i64 = issued.parse().map_err(|_| TokenError::Invalid)?;
    if max_age.is_some_and(|age| now - issued > age) {
        return Err(TokenError::Expired);
    }
    Ok(subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "a site secret";

    #[test]
    fn genuine_tokens_verify_and_nothing_else_does() {
        let t = sign(KEY, Purpose::Confirm, 42, 1000);
        assert_eq!(verify(KEY, Purpose::Confirm, &t, 1000, Some(60)), Ok(42));
        assert_eq!(
            verify(KEY, Purpose::Confirm, &t, 2000, Some(60)),
            Err(TokenError::Expired)
        );
        assert_eq!(verify(KEY, Purpose::Confirm, &t, 2000, None), Ok(42));
        assert_eq!(
            verify(KEY, Purpose::Manage, &t, 1000, None),
            Err(TokenError::Invalid),
            "another purpose"
        );
        assert_eq!(
            verify("another secret", Purpose::Confirm, &t, 1000, None),
            Err(TokenError::Invalid)
        );
        // Any change to the payload breaks the signature.
        let forged = sign(KEY, Purpose::Confirm, 43, 1000);
        let mixed = format!(
            "{}.{}",
            forged.split('.').next().unwrap(),
            t.split('.').nth(1).unwrap()
        );
        assert_eq!(
            verify(KEY, Purpose::Confirm, &mixed, 1000, None),
            Err(TokenError::Invalid)
        );
        for junk in [
            "",
            ".",
            "abc",
            "a.b",
            &"x".repeat(500),
            "YS4xLjI.AAAAAAAAAAAAAAAAAAAAAA",
            "\u{0}.\u{0}",
        ] {
            assert_eq!(
                verify(KEY, Purpose::Confirm, junk, 1000, None),
                Err(TokenError::Invalid),
                "{junk:?}"
            );
        }
        assert!(
            t.len() < 80
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        );
    }
}
