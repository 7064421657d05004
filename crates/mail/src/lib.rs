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

pub mod dkim;
pub mod relay;
pub mod report;

use std::sync::Arc;

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use mail_send::SmtpClientBuilder;
use sitrep_store::Store;

pub use dkim::{Algorithm, DkimKey};
pub use relay::{Relay, Security, redact};
pub use report::{NotAReport, Report, parse_report};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("{0:?} is not an email address")]
    BadAddress(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the mail relay failed for now: {0}")]
    Relay(String),
    #[error("the connection to the mail relay failed: {0}")]
    Dropped(String),
    #[error("the mail relay refused the message for good: {0}")]
    Permanent(String),
    #[error("the mail relay refused the address for good: {0}")]
    Rejected(String),
    #[error("the relay address is not valid: {0}")]
    BadRelay(String),
    #[error("DKIM: {0}")]
    Dkim(String),
    #[error(transparent)]
    Store(#[from] sitrep_store::StoreError),
}

impl MailError {
    /// Worth trying again later: the relay was busy or unreachable.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            MailError::Relay(_) | MailError::Dropped(_) | MailError::Store(_)
        )
    }

    /// The address itself is refused: it should get nothing more.
    pub fn is_bounce(&self) -> bool {
        matches!(self, MailError::Rejected(_) | MailError::BadAddress(_))
    }
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

/// The key and lettre's two signing set-ups made from it: with the list
/// headers (newsletters) and without (single messages).
struct Signer {
    list: lettre::message::dkim::DkimConfig,
    single: lettre::message::dkim::DkimConfig,
    algorithm: Algorithm,
}

/// Where mail goes: the relay's sessions, or the outbox.
pub struct Mailer {
    from: Mailbox,
    /// The domain of the sender, for `Message-ID`.
    domain: String,
    relay: Option<(Arc<SmtpClientBuilder<String>>, Security)>,
    store: Store,
}

impl Mailer {
    /// Sends through `relay`, or captures into the outbox when there is
    /// none.
    pub fn new(from: &str, relay: Option<&Relay>, store: Store) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::BadAddress(from.to_owned()))?;
        let domain = from.email.domain().to_owned();
        let relay = match relay {
            Some(r) => Some((Arc::new(r.builder(&domain)?), r.security)),
            None => None,
        };
        Ok(Mailer {
            from,
            domain,
            relay,
            store,
        })
    }

    /// Whether messages are kept in the outbox instead of being sent.
    pub fn captures(&self) -> bool {
        self.relay.is_none()
    }

    /// A courier: one session to the relay (or the outbox), signing with
    /// the site's DKIM key as it is now.
    pub async fn courier(&self) -> Result<Courier<'_>, MailError> {
        let signer = match DkimKey::load(&self.store).await? {
            Some(key) => {
                let list = key.config(&|_| true)?;
                let single = key.config(&|h| !h.starts_with("List-"))?;
                Some(Signer {
                    list,
                    single,
                    algorithm: key.algorithm,
                })
            }
            None => None,
        };
        Ok(Courier {
            mailer: self,
            session: self
                .relay
                .as_ref()
                .map(|(b, security)| relay::Session::new(b.clone(), *security)),
            signer,
        })
    }

    /// Sends (or captures) one message on a session of its own.
    pub async fn send(&self, m: &Outgoing<'_>, now: i64) -> Result<(), MailError> {
        let mut courier = self.courier().await?;
        let result = courier.send(m, now).await;
        courier.close().await;
        result
    }

    fn build(&self, m: &Outgoing<'_>, signer: Option<&Signer>) -> Result<Message, MailError> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|_| MailError::BadAddress(m.to.to_owned()))?;
        let mut id = [0u8; 12];
        getrandom::fill(&mut id).map_err(|e| MailError::Build(e.to_string()))?;
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject)
            .message_id(Some(format!("<{id}@{}>", self.domain)));
        for (name, value) in &m.headers {
            let name = HeaderName::new_from_ascii_str(name);
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
        let mut message = builder
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        if let Some(s) = signer {
            let list = m.headers.iter().any(|(h, _)| h.starts_with("List-"));
            message.sign(if list { &s.list } else { &s.single });
        }
        Ok(message)
    }
}

/// One worker's way to the relay: builds, signs and sends messages over a
/// session it keeps open between them.
pub struct Courier<'a> {
    mailer: &'a Mailer,
    session: Option<relay::Session>,
    signer: Option<Signer>,
}

impl Courier<'_> {
    /// The DKIM algorithm in use, if any.
    pub fn signs_with(&self) -> Option<Algorithm> {
        self.signer.as_ref().map(|s| s.algorithm)
    }

    /// Builds, signs and sends (or captures) one message.
    pub async fn send(&mut self, m: &Outgoing<'_>, now: i64) -> Result<(), MailError> {
        let message = self.mailer.build(m, self.signer.as_ref())?;
        let bytes = message.formatted();
        match &mut self.session {
            Some(session) => {
                let from = self.mailer.from.email.to_string();
                session
                    .send(&from, m.to, &bytes)
                    .await
                    .map_err(|(step, e)| match (step, e) {
                        (relay::Step::RcptTo, MailError::Permanent(reply)) => {
                            MailError::Rejected(reply)
                        }
                        (_, e) => e,
                    })
            }
            None => {
                self.mailer
                    .store
                    .capture(m.to, m.subject, &m.text, &bytes, now)
                    .await?;
                tracing::info!(
                    to = m.to,
                    subject = m.subject,
                    "message kept in the workspace outbox (no relay)"
                );
                Ok(())
            }
        }
    }

    /// Ends the session.
    pub async fn close(self) {
        if let Some(s) = self.session {
            s.close().await;
        }
    }
}

/// At most `per_second` messages a second across all of a node's
/// couriers: each waits for its slot.
pub struct RateLimit {
    interval: std::time::Duration,
    next: std::sync::Mutex<tokio::time::Instant>,
}

impl RateLimit {
    pub fn new(per_second: f64) -> RateLimit {
        RateLimit {
            interval: std::time::Duration::from_secs_f64(1.0 / per_second.max(0.001)),
            next: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    pub fn per_second(&self) -> f64 {
        1.0 / self.interval.as_secs_f64()
    }

    /// Waits for the next free slot.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let at = (*next).max(tokio::time::Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test(start_paused = true)]
    async fn the_rate_limit_spaces_messages_evenly() {
        let limit = super::RateLimit::new(10.0);
        let start = tokio::time::Instant::now();
        for _ in 0..21 {
            limit.wait().await;
        }
        assert_eq!(start.elapsed(), std::time::Duration::from_secs(2));
    }
}
