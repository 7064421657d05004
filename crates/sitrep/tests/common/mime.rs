//! Just enough MIME reading for tests to see a message as a mail client
//! shows it: headers unfolded, RFC 2047 words decoded, parts decoded from
//! quoted-printable or base64.

use base64::Engine;

/// A header's value, unfolded and with encoded words decoded.
pub fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next()?;
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    unfolded
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| decode_words(l[prefix.len()..].trim()))
}

/// `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words, joined.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    // Whitespace between two encoded words is dropped; elsewhere it stays.
    let mut last_encoded = false;
    for (n, word) in value.split_whitespace().enumerate() {
        let lower = word.to_ascii_lowercase();
        let decoded = if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
            let b = base64::engine::general_purpose::STANDARD
                .decode(&word[10..word.len() - 2])
                .unwrap_or_default();
            Some(String::from_utf8_lossy(&b).into_owned())
        } else if lower.starts_with("=?utf-8?q?") && word.ends_with("?=") {
            Some(quoted_printable(
                &word[10..word.len() - 2].replace('_', " "),
            ))
        } else {
            None
        };
        if n > 0 && !(last_encoded && decoded.is_some()) {
            out.push(' ');
        }
        last_encoded = decoded.is_some();
        out.push_str(&decoded.unwrap_or_else(|| word.to_owned()));
    }
    out
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'='
            && let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded bodies of every leaf part, in order (text, then HTML).
pub fn parts(message: &str) -> Vec<(String, String)> {
    let Some(ct) = header(message, "content-type") else {
        return Vec::new();
    };
    let Some(boundary) = ct.split("boundary=").nth(1).map(|b| {
        b.trim_matches('"')
            .split(';')
            .next()
            .unwrap_or("")
            .trim_matches('"')
            .to_owned()
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for part in message.split(&format!("--{boundary}")).skip(1) {
        let part = part.trim_start_matches("\r\n");
        if part.starts_with("--") {
            break;
        }
        let Some((head, body)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let head_msg = format!("{head}\r\n\r\n");
        let kind = header(&head_msg, "content-type").unwrap_or_default();
        let encoding = header(&head_msg, "content-transfer-encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let decoded = match encoding.as_str() {
            "base64" => {
                let clean: String = body.split_whitespace().collect();
                String::from_utf8_lossy(
                    &base64::engine::general_purpose::STANDARD
                        .decode(clean)
                        .unwrap_or_default(),
                )
                .into_owned()
            }
            "quoted-printable" => quoted_printable(body),
            _ => body.to_owned(),
        };
        out.push((kind, decoded));
    }
    out
}
