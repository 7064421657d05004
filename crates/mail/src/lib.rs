//! Email: building messages and handing them to the operator's mail relay.
//!
//! Messages are built with lettre, which encodes UTF-8 subjects and names
//! per RFC 2047 (Cyrillic arrives intact) and adds `Message-ID` and `Date`.
//! A [`Mailer`] either speaks SMTP to the configured relay or, in demo mode
//! and when no relay is configured, captures each message whole into the
//! database's outbox, where the workspace shows it: nothing is lost and
//! nothing leaves the machine unasked.
//!
//! Architecture invariant: no network but the configured relay.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sitrep_store::Store;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("{0:?} is not an email address")]
    BadAddress(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the mail relay failed for now: {0}")]
    Relay(String),
    #[error("the mail relay refused the message for good: {0}")]
    Permanent(String),
    #[error("the relay address is not valid: {0}")]
    BadRelay(String),
    #[error(transparent)]
    Store(#[from] sitrep_store::StoreError),
}

/// One message to one person.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub html: String,
    /// Extra headers, e.g. `List-Unsubscribe`.
    pub headers: Vec<(&'static str, String)>,
}

enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    Capture,
}

/// `smtp://host[:port]` as host and port (25 by default). Plain SMTP only,
/// for a relay on the same machine or network (TLS to a remote relay is a
/// later step).
fn relay_address(url: &str) -> Result<(String, u16), MailError> {
    let bad = || MailError::BadRelay(format!("{url:?}: use smtp://HOST[:PORT]"));
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(bad)?
        .trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (rest, 25),
    };
    if host.is_empty() || host.contains(['/', '@', ' ']) {
        return Err(bad());
    }
    Ok((host.to_owned(), port))
}

/// Where mail goes.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    store: Store,
}

impl Mailer {
    /// Sends through the relay at `smtp_url` (`smtp://host:port`), or
    /// captures into the outbox when there is none.
    pub fn new(from: &str, smtp_url: Option<&str>, store: Store) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::BadAddress(from.to_owned()))?;
        let transport = match smtp_url.filter(|u| !u.is_empty()) {
            Some(url) => {
                let (host, port) = relay_address(url)?;
                Transport::Smtp(Box::new(
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                        .port(port)
                        .build(),
                ))
            }
            None => Transport::Capture,
        };
        Ok(Mailer {
            from,
            transport,
            store,
        })
    }

    /// Whether messages are kept in the outbox instead of being sent.
    pub fn captures(&self) -> bool {
        matches!(self.transport, Transport::Capture)
    }

    /// Builds the message (multipart: plain text and HTML).
    pub fn build(&self, m: &Outgoing<'_>) -> Result<Message, MailError> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|_| MailError::BadAddress(m.to.to_owned()))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject)
            .message_id(None);
        for (name, value) in &m.headers {
            let name = HeaderName::new_from_ascii_str(name);
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))
    }

    /// Sends (or captures) one message.
    pub async fn send(&self, m: &Outgoing<'_>, now: i64) -> Result<(), MailError> {
        let message = self.build(m)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|e| {
                    if e.is_permanent() {
                        MailError::Permanent(e.to_string())
                    } else {
                        MailError::Relay(e.to_string())
                    }
                })?;
            }
            Transport::Capture => {
                self.store
                    .capture(m.to, m.subject, &m.text, &message.formatted(), now)
                    .await?;
                tracing::info!(
                    to = m.to,
                    subject = m.subject,
                    "message kept in the workspace outbox (no relay)"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn relay_addresses() {
        assert_eq!(
            super::relay_address("smtp://127.0.0.1:2525").unwrap(),
            ("127.0.0.1".into(), 2525)
        );
        assert_eq!(
            super::relay_address("smtp://mail.example.org").unwrap(),
            ("mail.example.org".into(), 25)
        );
        for bad in ["", "http://x", "smtp://", "smtp://h:99999", "smtp://u@h:25"] {
            assert!(super::relay_address(bad).is_err(), "{bad}");
        }
    }
}
