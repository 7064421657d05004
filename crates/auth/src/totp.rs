//! Time-based one-time passwords (RFC 6238): SHA-1, six digits, 30-second
//! steps, one step of clock drift allowed either way, as every common
//! authenticator app expects.

use totp_rs::{Algorithm, Builder, Secret, Totp};

const STEP: u64 = 30;

fn totp(secret_base32: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(secret)
        .build()
        .ok()
}

/// A new secret: 160 random bits, in base32 as authenticator apps take it.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    Secret::from(bytes).to_base32()
}

/// The time step a code is valid for, if it is valid at `now` (seconds).
/// Callers accept each step once, so a code cannot be replayed.
pub fn check_totp(secret_base32: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = u64::try_from(now).ok()?;
    totp(secret_base32)?
        .check(&code, now)
        .and_then(|step| i64::try_from(step).ok())
}

/// The current code for a secret (for tests and the set-up check).
pub fn totp_code(secret_base32: &str, now: i64) -> Option<String> {
    Some(
        totp(secret_base32)?
            .generate(u64::try_from(now).ok()?)
            .to_string(),
    )
}

/// An `otpauth://` address that authenticator apps read.
pub fn totp_uri(secret_base32: &str, account: &str, issuer: &str) -> String {
    let enc = |s: &str| {
        form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_check_within_one_step_and_not_beyond() {
        let secret = new_totp_secret();
        assert_eq!(secret.len(), 32);
        let now = 1_800_000_000;
        let code = totp_code(&secret, now).unwrap();
        assert_eq!(check_totp(&secret, &code, now), Some(now / 30));
        assert!(
            check_totp(&secret, &code, now + 30).is_some(),
            "one step of drift"
        );
        assert!(
            check_totp(&secret, &code, now + 95).is_none(),
            "three steps later"
        );
        assert!(
            check_totp(&secret, &format!("{} {}", &code[..3], &code[3..]), now).is_some(),
            "spaces ignored"
        );
        for bad in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"] {
            assert!(check_totp(&secret, bad, now).is_none(), "{bad}");
        }
        assert!(check_totp("not base32!", &code, now).is_none());
    }

    #[test]
    fn rfc_6238_reference_value() {
        // The RFC's SHA-1 secret "12345678901234567890" at T = 59 s: 94287082
        // (eight digits); its last six are the six-digit code.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(totp_code(&secret, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn uri_names_issuer_and_account() {
        let uri = totp_uri("ABC", "ann@example.org", "Situation in Varesia");
        assert!(uri.starts_with("otpauth://totp/Situation%20in%20Varesia:ann%40example.org?secret=ABC&issuer=Situation%20in%20Varesia"), "{uri}");
    }
}
