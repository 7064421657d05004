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
#[doc(hidden)]
pub mod fuzzing;
pub mod relay;
pub mod report;

use std::sync::Arc;

use lettre::Message;
use lettre::message::header::{self, ContentTransferEncoding, ContentType};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart};
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
    #[error("the mail relay refused our sender or session: {0}")]
    Sender(String),
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
            MailError::Relay(_)
                | MailError::Dropped(_)
                | MailError::Store(_)
                | MailError::Sender(_)
        )
    }

    /// The relay cannot be used at all now (unreachable, or refusing us):
    /// a courier stops rather than fail reader after reader.
    pub fn is_relay_wide(&self) -> bool {
        matches!(self, MailError::Dropped(_) | MailError::Sender(_))
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
    pub content: Content,
    /// Extra headers, e.g. `List-Unsubscribe`.
    pub headers: Vec<(&'static str, String)>,
}

/// What a message says: text and HTML written for it, or a letter made
/// once for many readers with one string (`personal`) put in for this one.
pub enum Content {
    Fresh {
        text: String,
        html: String,
    },
    Prepared {
        letter: Arc<Prepared>,
        personal: String,
    },
}

impl Content {
    /// The plain text, for the outbox.
    fn text(&self) -> String {
        match self {
            Content::Fresh { text, .. } => text.clone(),
            Content::Prepared { letter, personal } => {
                letter.text.full.replace(&letter.placeholder, personal)
            }
        }
    }
}

/// A letter for many readers, encoded once. Everything before the first
/// `placeholder` (the reader's own link, near the end) is kept encoded in
/// base64; per reader only the rest is encoded and appended. Base64 of a
/// prefix whose length is a multiple of three, followed by base64 of what
/// comes after, is the base64 of the whole, so this is exact.
pub struct Prepared {
    placeholder: String,
    /// The parts' boundary, one for all the letter's messages.
    boundary: String,
    /// The start of every reader's body: the text part's head and its
    /// encoded prefix.
    opening: Vec<u8>,
    /// SHA-256 of `opening`: a DKIM signature's body hash goes on from it,
    /// and only the rest of each body is hashed (two fifths of it less).
    opening_hash: ring::digest::Context,
    text: PreparedPart,
    html: PreparedPart,
}

struct PreparedPart {
    /// The whole, with CRLF line ends (for the outbox).
    full: String,
    /// The encoded prefix, in lines of 76 characters, each ending in CRLF.
    head: Vec<u8>,
    /// The rest, not yet encoded.
    tail: Vec<u8>,
}

/// Base64 in lines of 76 characters ending in CRLF.
fn base64_lines(bytes: &[u8], out: &mut Vec<u8>) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    for line in encoded.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
}

impl PreparedPart {
    fn new(content: &str, placeholder: &str) -> PreparedPart {
        // Text parts travel in canonical form: CRLF line ends.
        let full = content.replace("\r\n", "\n").replace('\n', "\r\n");
        let at = full.find(placeholder).unwrap_or(full.len());
        let at = at - at % 3;
        let mut head = Vec::with_capacity(at / 3 * 4 + at / 57 * 2 + 2);
        base64_lines(&full.as_bytes()[..at], &mut head);
        let tail = full.as_bytes()[at..].to_vec();
        PreparedPart { full, head, tail }
    }

    /// Appends the part, with `personal` in place of every `placeholder`,
    /// in base64 to `out`.
    fn encode_into(&self, placeholder: &[u8], personal: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(&self.head);
        self.encode_tail_into(placeholder, personal, out);
    }

    /// Appends what follows the encoded head.
    fn encode_tail_into(&self, placeholder: &[u8], personal: &[u8], out: &mut Vec<u8>) {
        let mut tail = Vec::with_capacity(self.tail.len() + personal.len());
        let mut rest = &self.tail[..];
        while let Some(i) = rest
            .windows(placeholder.len())
            .position(|w| w == placeholder)
        {
            tail.extend_from_slice(&rest[..i]);
            tail.extend_from_slice(personal);
            rest = &rest[i + placeholder.len()..];
        }
        tail.extend_from_slice(rest);
        out.reserve(tail.len() * 4 / 3 + tail.len() / 38 + 4);
        base64_lines(&tail, out);
    }
}

impl Prepared {
    /// `placeholder` marks where each reader's own string goes.
    pub fn new(text: &str, html: &str, placeholder: &str) -> Prepared {
        assert!(
            !placeholder.is_empty(),
            "a placeholder marks the reader's place"
        );
        let text = PreparedPart::new(text, placeholder);
        let html = PreparedPart::new(html, placeholder);
        // "=_" is in no base64 line, so the boundary cannot occur in the
        // parts; the letter's own hash makes it unique to the letter.
        let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
        hash.update(text.full.as_bytes());
        hash.update(html.full.as_bytes());
        let boundary: String = hash.finish().as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let boundary = format!("=_{boundary}");
        let mut opening = Vec::new();
        part_head(&boundary, "text/plain", &mut opening);
        opening.extend_from_slice(&text.head);
        let mut opening_hash = ring::digest::Context::new(&ring::digest::SHA256);
        opening_hash.update(&opening);
        Prepared {
            placeholder: placeholder.to_owned(),
            boundary,
            opening,
            opening_hash,
            text,
            html,
        }
    }

    /// The start every reader's body has, and its SHA-256 so far.
    fn opening(&self) -> (&[u8], &ring::digest::Context) {
        (&self.opening, &self.opening_hash)
    }
}

/// A part's delimiter and headers, up to its content.
fn part_head(boundary: &str, kind: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"\r\nContent-Type: ");
    out.extend_from_slice(kind.as_bytes());
    out.extend_from_slice(b"; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
}

/// Where mail goes: the relay's sessions, or the outbox.
pub struct Mailer {
    from: Mailbox,
    /// The envelope sender: where bounces go.
    return_path: String,
    /// The domain of the sender, for `Message-ID`.
    domain: String,
    relay: Option<(Arc<SmtpClientBuilder<String>>, Security)>,
    store: Store,
}

impl Mailer {
    /// Sends through `relay`, or captures into the outbox when there is
    /// none.
    pub fn new(
        from: &str,
        return_path: Option<&str>,
        relay: Option<&Relay>,
        store: Store,
    ) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::BadAddress(from.to_owned()))?;
        let return_path = match return_path {
            Some(r) => r
                .parse::<lettre::Address>()
                .map_err(|_| MailError::BadAddress(r.to_owned()))?
                .to_string(),
            None => from.email.to_string(),
        };
        let domain = from.email.domain().to_owned();
        let relay = match relay {
            Some(r) => Some((Arc::new(r.builder(&domain)?), r.security)),
            None => None,
        };
        Ok(Mailer {
            from,
            return_path,
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
            Some(key) => Some(key.signer()?),
            None => None,
        };
        Ok(Courier {
            mailer: self,
            session: self
                .relay
                .as_ref()
                .map(|(b, security)| relay::Session::new(b.clone(), *security)),
            signer,
            message: Vec::new(),
        })
    }

    /// Sends (or captures) one message on a session of its own.
    pub async fn send(&self, m: &Outgoing<'_>, now: i64) -> Result<(), MailError> {
        let mut courier = self.courier().await?;
        let result = courier.send(m, now).await;
        courier.close().await;
        result
    }

    /// Writes `m` whole into `out` (emptied first), CRLF line ends.
    ///
    /// A prepared letter's parts are written here, straight from their
    /// encoded form into `out`, and lettre writes only the headers: built
    /// by lettre, each 40 KB letter was copied into five buffers of its
    /// own, and handing their memory back to the system and faulting it in
    /// again took a quarter of a newsletter's CPU time.
    fn write(&self, m: &Outgoing<'_>, out: &mut Vec<u8>) -> Result<(), MailError> {
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
        let built = |r: Result<Message, lettre::error::Error>| {
            r.map_err(|e| MailError::Build(e.to_string()))
        };
        out.clear();
        match &m.content {
            Content::Fresh { text, html } => {
                let body = MultiPart::alternative_plain_html(text.clone(), html.clone());
                out.extend_from_slice(&built(builder.multipart(body))?.formatted());
            }
            Content::Prepared { letter, personal } => {
                let boundary = &letter.boundary;
                let kind =
                    ContentType::parse(&format!("multipart/alternative; boundary=\"{boundary}\""))
                        .map_err(|e| MailError::Build(e.to_string()))?;
                let mut message =
                    built(builder.header(header::MIME_VERSION_1_0).header(kind).body(
                        Body::dangerous_pre_encoded(Vec::new(), ContentTransferEncoding::SevenBit),
                    ))?;
                // Set by `body`; each part says its own.
                message.headers_mut().remove::<ContentTransferEncoding>();
                // The headers and the blank line after them.
                out.extend_from_slice(&message.formatted());
                let (placeholder, personal) = (letter.placeholder.as_bytes(), personal.as_bytes());
                out.extend_from_slice(&letter.opening);
                letter.text.encode_tail_into(placeholder, personal, out);
                out.extend_from_slice(b"\r\n");
                part_head(boundary, "text/html", out);
                letter.html.encode_into(placeholder, personal, out);
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(b"--");
                out.extend_from_slice(boundary.as_bytes());
                out.extend_from_slice(b"--\r\n");
            }
        }
        Ok(())
    }
}

/// One worker's way to the relay: builds, signs and sends messages over a
/// session it keeps open between them.
pub struct Courier<'a> {
    mailer: &'a Mailer,
    session: Option<relay::Session>,
    signer: Option<dkim::Signer>,
    /// The message being sent; its room is kept for the next.
    message: Vec<u8>,
}

impl Courier<'_> {
    /// The DKIM algorithm in use, if any.
    pub fn signs_with(&self) -> Option<Algorithm> {
        self.signer.as_ref().map(|s| s.algorithm)
    }

    /// Builds, signs and sends (or captures) one message.
    pub async fn send(&mut self, m: &Outgoing<'_>, now: i64) -> Result<(), MailError> {
        self.mailer.write(m, &mut self.message)?;
        let signature = match &self.signer {
            Some(signer) => {
                let time = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let opening = match &m.content {
                    Content::Prepared { letter, .. } => Some(letter.opening()),
                    Content::Fresh { .. } => None,
                };
                signer.header(&self.message, time, opening)?
            }
            None => Vec::new(),
        };
        let parts: [&[u8]; 2] = [&signature, &self.message];
        match &mut self.session {
            Some(session) => session
                .send(&self.mailer.return_path, m.to, &parts)
                .await
                .map_err(|(step, e)| match e {
                    MailError::Permanent(reply) => refusal(step, reply),
                    e => e,
                }),
            None => {
                self.mailer
                    .store
                    .capture(m.to, m.subject, &m.content.text(), &parts.concat(), now)
                    .await?;
                tracing::info!(
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

/// What a final (5xx) refusal means, by where it came and what it says.
/// Only a refusal of the reader's address makes a bounce: at RCPT with
/// 550/551/553 and no policy code (5.7.x and the like), or an address code
/// (5.1.x, 5.2.1, 5.2.2) after the message. Refused at the greeting or
/// at MAIL FROM, the relay refuses *us* (our sender, our access): that is
/// no reader's fault, and every delivery waits until it is mended.
fn refusal(step: relay::Step, reply: String) -> MailError {
    let mut words = reply.split_whitespace();
    let code = words.next().unwrap_or("");
    let esc = words.next().filter(|w| w.starts_with("5.")).unwrap_or("");
    let about_address = esc.starts_with("5.1.") || esc == "5.2.1" || esc == "5.2.2";
    match step {
        relay::Step::Connect | relay::Step::MailFrom => MailError::Sender(reply),
        relay::Step::RcptTo
            if ["550", "551", "553"].contains(&code) && (esc.is_empty() || about_address) =>
        {
            MailError::Rejected(reply)
        }
        relay::Step::Data if about_address => MailError::Rejected(reply),
        _ => MailError::Permanent(reply),
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
    #[test]
    fn a_prepared_letter_decodes_to_the_whole_with_the_readers_link() {
        use base64::Engine;
        for (len, text) in [(0, ""), (1, "a"), (2, "ab"), (3, "abc")] {
            let body = format!(
                "Сітуацыя{text}\nline two\n{}\nLINK here\nend",
                "x".repeat(200 + len)
            );
            let p = super::Prepared::new(&body, "<p>LINK</p>", "LINK");
            let mut encoded = Vec::new();
            p.text
                .encode_into(b"LINK", b"https://example.org/m?t=abc.def", &mut encoded);
            assert!(encoded.split(|b| *b == b'\n').all(|l| l.len() <= 77));
            let joined: Vec<u8> = encoded
                .iter()
                .copied()
                .filter(|b| !b"\r\n".contains(b))
                .collect();
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap();
            let want = body
                .replace('\n', "\r\n")
                .replace("LINK", "https://example.org/m?t=abc.def");
            assert_eq!(String::from_utf8(decoded).unwrap(), want);
        }
    }

    #[test]
    fn only_refusals_of_the_readers_address_are_bounces() {
        use super::relay::Step::*;
        let kind = |step, reply: &str| match super::refusal(step, reply.to_owned()) {
            super::MailError::Rejected(_) => "bounce",
            super::MailError::Sender(_) => "relay",
            _ => "letter",
        };
        assert_eq!(kind(RcptTo, "550 5.1.1 No such user"), "bounce");
        assert_eq!(kind(RcptTo, "550 No such mailbox here"), "bounce");
        assert_eq!(kind(RcptTo, "554 5.7.1 Relay access denied"), "letter");
        assert_eq!(kind(RcptTo, "550 5.7.1 Refused by policy"), "letter");
        assert_eq!(kind(RcptTo, "552 5.3.4 Too big"), "letter");
        assert_eq!(kind(Data, "552 5.2.2 Mailbox full"), "bounce");
        assert_eq!(kind(Data, "554 5.7.1 Message refused as spam"), "letter");
        assert_eq!(
            kind(MailFrom, "553 5.1.8 Sender domain does not exist"),
            "relay"
        );
        assert_eq!(kind(Connect, "554 No service"), "relay");
    }

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
