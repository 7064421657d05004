//! Bounce and complaint reports, as a mail server hands them to
//! `sitrep mail ingest`: delivery status notifications (DSN, RFC 3464) and
//! abuse feedback reports (ARF, RFC 5965). Parsed with mail-parser; the
//! machine-readable parts are `Name: value` fields, read here.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// What a report says. `links` are the `List-Unsubscribe` links of the
/// returned message: ours carry a signed token naming the reader, which is
/// what makes a report trustworthy (anyone can write a DSN naming anyone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// These addresses were refused for good because of the address
    /// (Action: failed; 5.1.x but not our sender's 5.1.7/5.1.8, 5.2.1,
    /// 5.2.2). Policy refusals (5.7.x and the like) are not bounces.
    Bounce {
        addresses: Vec<String>,
        links: Vec<String>,
    },
    /// The reader marked the message as spam. `addresses` may be empty or
    /// redacted by the provider.
    Complaint {
        addresses: Vec<String>,
        links: Vec<String>,
    },
    /// Only delays, successes or refusals that are not about the address.
    Nothing(String),
}

/// Why a message is not a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAReport(pub String);

/// Reads one message. The largest accepted is 10 MB.
pub fn parse_report(raw: &[u8]) -> Result<Report, NotAReport> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(NotAReport("the input is empty".into()));
    }
    if raw.len() > 10 * 1024 * 1024 {
        return Err(NotAReport("the message is larger than 10 MB".into()));
    }
    let message = parse_message(raw).ok_or_else(|| NotAReport("not an email message".into()))?;
    let mut status = None;
    let mut feedback = None;
    let mut original: Option<Vec<u8>> = None;
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!(
            "{}/{}",
            ct.ctype().to_ascii_lowercase(),
            ct.subtype().unwrap_or("").to_ascii_lowercase()
        );
        match kind.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                status = Some(part.contents().to_vec())
            }
            "message/feedback-report" => feedback = Some(part.contents().to_vec()),
            "message/rfc822" | "text/rfc822-headers" | "message/rfc822-headers"
                if original.is_none() =>
            {
                original = Some(match &part.body {
                    PartType::Message(m) => m.raw_message().to_vec(),
                    _ => part.contents().to_vec(),
                })
            }
            _ => {}
        }
    }
    // The returned message's own headers: its recipient and our links.
    let mut returned_to = None;
    let mut links = Vec::new();
    if let Some(original) = &original
        && let Some(m) = parse_message(original)
    {
        returned_to = m
            .to()
            .and_then(|t| t.first())
            .and_then(|a| a.address())
            .map(str::to_lowercase);
        if let Some(value) = m.header_raw("List-Unsubscribe") {
            links.extend(
                value
                    .split(',')
                    .map(|l| l.trim().trim_start_matches('<').trim_end_matches('>'))
                    .filter(|l| l.starts_with("http"))
                    .map(str::to_owned),
            );
        }
    }
    if let Some(status) = status {
        return Ok(match delivery_status(&String::from_utf8_lossy(&status)) {
            Ok(addresses) => Report::Bounce { addresses, links },
            Err(why) => Report::Nothing(why),
        });
    }
    if let Some(feedback) = feedback {
        let fields = field_groups(&String::from_utf8_lossy(&feedback));
        let first = fields.first().cloned().unwrap_or_default();
        let kind = field(&first, "feedback-type").unwrap_or_default();
        if !kind.eq_ignore_ascii_case("abuse") && !kind.eq_ignore_ascii_case("fraud") {
            return Ok(Report::Nothing(format!(
                "a feedback report of type {kind:?}, not a complaint"
            )));
        }
        let mut addresses: Vec<String> = fields
            .iter()
            .filter_map(|g| field(g, "original-rcpt-to"))
            .map(|a| bare_address(&a))
            .filter(|a| a.contains('@'))
            .collect();
        if addresses.is_empty() {
            addresses.extend(returned_to);
        }
        return Ok(Report::Complaint { addresses, links });
    }
    Err(NotAReport(
        "neither a delivery status notification (multipart/report with message/delivery-status) nor a feedback report (message/feedback-report)".into(),
    ))
}

/// mail-parser's reading of a message; `None` also when it panics. Some
/// malformed multiparts trip a `debug_assert!` in 0.11 (fixed in 1.0,
/// which needs a newer Rust), and a report is whatever a stranger sent:
/// one must not stop `sitrep mail ingest`.
fn parse_message(raw: &[u8]) -> Option<mail_parser::Message<'_>> {
    std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .ok()
        .flatten()
}

/// Whether a DSN status says the address itself is refused.
fn about_the_address(status: &str) -> bool {
    (status.starts_with("5.1.") && status != "5.1.7" && status != "5.1.8")
        || status == "5.2.1"
        || status == "5.2.2"
}

/// The recipients a DSN says were refused for good because of their
/// address, or why there are none.
fn delivery_status(text: &str) -> Result<Vec<String>, String> {
    let mut failed = Vec::new();
    let mut other = Vec::new();
    // The first group is about the message, the rest one per recipient.
    for group in field_groups(text).iter().skip(1) {
        // A forwarded address is reported as its final recipient; the
        // original one is what we sent to.
        let names: Vec<String> = ["original-recipient", "final-recipient"]
            .iter()
            .filter_map(|f| field(group, f))
            .map(|r| bare_address(&r))
            .collect();
        if names.is_empty() {
            continue;
        }
        let action = field(group, "action")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let status = field(group, "status").unwrap_or_default();
        let status = status.split_whitespace().next().unwrap_or("");
        if action == "failed" && about_the_address(status) {
            failed.extend(names);
        } else {
            other.push(format!("{action} {status}"));
        }
    }
    if failed.is_empty() {
        Err(if other.is_empty() {
            "a delivery report naming no recipient".into()
        } else {
            format!("no refusal of an address ({})", other.join("; "))
        })
    } else {
        failed.dedup();
        Ok(failed)
    }
}

/// `Name: value` fields in blank-line-separated groups, with folded lines
/// joined.
fn field_groups(text: &str) -> Vec<Vec<(String, String)>> {
    let mut groups = Vec::new();
    let mut group: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = group.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

fn field(group: &[(String, String)], name: &str) -> Option<String> {
    group
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// `rfc822; <Reader@Example.org>` → `reader@example.org`.
fn bare_address(value: &str) -> String {
    let v = match value.split_once(';') {
        Some((_, a)) => a,
        None => value,
    };
    v.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_that_trips_the_parser_is_no_report() {
        // Found by the `mail_report` fuzz target (fuzz/seeds/mail_report/).
        let raw = b"Content-Type:multipart;boundary=b1\n\n--b1Content-Type:message/rfc822\n\nContent-Type:message/rfc822\n\n\n--b1--";
        assert!(parse_report(raw).is_err());
    }

    const DSN: &str = "From: MAILER-DAEMON@mx.example.net\r\n\
To: news@varesia.example\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain\r\n\
\r\n\
Your message could not be delivered.\r\n\
--b1\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.example.net\r\n\
\r\n\
Final-Recipient: rfc822; Gone@Example.org\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
\r\n\
Final-Recipient: rfc822; slow@example.org\r\n\
Action: delayed\r\n\
Status: 4.4.1\r\n\
--b1--\r\n";

    #[test]
    fn a_dsn_names_the_addresses_that_failed_for_good() {
        assert_eq!(
            parse_report(DSN.as_bytes()).unwrap(),
            Report::Bounce {
                addresses: vec!["gone@example.org".into()],
                links: vec![]
            }
        );
        let policy = DSN.replace("Status: 5.1.1", "Status: 5.7.1");
        assert!(matches!(
            parse_report(policy.as_bytes()).unwrap(),
            Report::Nothing(_)
        ));
        let delayed_only = DSN.replace(
            "Action: failed\r\nStatus: 5.1.1",
            "Action: delayed\r\nStatus: 4.2.2",
        );
        assert!(matches!(
            parse_report(delayed_only.as_bytes()).unwrap(),
            Report::Nothing(_)
        ));
    }

    #[test]
    fn an_arf_report_is_a_complaint_about_its_recipient() {
        let arf = "From: fbl@isp.example\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"b2\"\r\n\
\r\n\
--b2\r\n\
Content-Type: text/plain\r\n\
\r\n\
A complaint.\r\n\
--b2\r\n\
Content-Type: message/feedback-report\r\n\
\r\n\
Feedback-Type: abuse\r\n\
User-Agent: SomeFBL/1.0\r\n\
Version: 1\r\n\
--b2\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
From: news@varesia.example\r\n\
To: reader@example.org\r\n\
List-Unsubscribe: <https://briefing.example.org/unsubscribe?t=abc>\r\n\
Subject: x\r\n\
\r\n\
--b2--\r\n";
        assert_eq!(
            parse_report(arf.as_bytes()).unwrap(),
            Report::Complaint {
                addresses: vec!["reader@example.org".into()],
                links: vec!["https://briefing.example.org/unsubscribe?t=abc".into()],
            }
        );
    }

    #[test]
    fn anything_else_is_not_a_report() {
        for junk in [
            &b""[..],
            b"   \n",
            b"Subject: hello\r\n\r\nJust a letter.\r\n",
            b"\x00\x01\x02 garbage",
        ] {
            assert!(parse_report(junk).is_err(), "{junk:?}");
        }
        assert!(parse_report(&vec![b'a'; 11 * 1024 * 1024]).is_err());
    }
}
