//! The operator's mail relay: its address, how to reach it, and one SMTP
//! session to it.
//!
//! Sessions are mail-send clients over sockets with `TCP_NODELAY` set:
//! without it every message waits on the kernel's delayed ACK, which caps a
//! connection at a few dozen messages a second (see STACK.md).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mail_send::smtp::message::Parameters;
use mail_send::{SmtpClient, SmtpClientBuilder};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::MailError;

/// How the session is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No TLS: a relay on this machine or a trusted network (`smtp://`).
    Plain,
    /// STARTTLS, required (`smtp+starttls://`, port 587 by default).
    StartTls,
    /// TLS from the first byte (`smtps://`, port 465 by default).
    Tls,
}

/// How long the relay may take to answer any one step (connecting, each
/// command, the message): 60 seconds, or `SITREP_SMTP_TIMEOUT`. A relay
/// that hangs past it counts as one that dropped the connection: the
/// letter is tried again later.
pub fn timeout() -> Duration {
    static TIMEOUT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *TIMEOUT.get_or_init(|| {
        let secs = std::env::var("SITREP_SMTP_TIMEOUT")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(60);
        Duration::from_secs(secs)
    })
}

/// Where mail goes, parsed from `smtp_url`.
#[derive(Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User name and password, from the URL's user part.
    credentials: Option<(String, String)>,
    /// A certificate authority (PEM) to trust instead of the system's, for
    /// a relay with a private certificate.
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Relay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|c| &c.0))
            .finish()
    }
}

impl Relay {
    /// `smtp://[user:password@]host[:port]`, `smtp+starttls://…` or
    /// `smtps://…`. User and password are percent-decoded.
    pub fn parse(url: &str) -> Result<Relay, MailError> {
        let bad = |why: &str| {
            MailError::BadRelay(format!(
                "{}: {why}; use smtp://HOST[:PORT], smtp+starttls://USER:PASSWORD@HOST[:PORT] or smtps://…",
                redact(url)
            ))
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
        let (security, default_port) = match scheme {
            "smtp" => (Security::Plain, 25),
            "smtp+starttls" | "submission" => (Security::StartTls, 587),
            "smtps" => (Security::Tls, 465),
            _ => return Err(bad("unknown scheme")),
        };
        let rest = rest.trim_end_matches('/');
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let credentials = match user {
            Some(u) => {
                let (name, password) = u.split_once(':').unwrap_or((u, ""));
                let decode = |s: &str| {
                    percent_decode(s).ok_or_else(|| bad("bad percent-encoding in the user part"))
                };
                Some((decode(name)?, decode(password)?))
            }
            None => None,
        };
        // `[::1]:25`, `[::1]`, `host:25`, `host`.
        let (host, port) = match hostport.strip_prefix('[') {
            Some(v6) => {
                let (h, rest) = v6.split_once(']').ok_or_else(|| bad("bad host"))?;
                match rest.strip_prefix(':') {
                    Some(p) => (h, p.parse::<u16>().map_err(|_| bad("bad port"))?),
                    None if rest.is_empty() => (h, default_port),
                    None => return Err(bad("bad host")),
                }
            }
            None => match hostport.rsplit_once(':') {
                Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("bad port"))?),
                None => (hostport, default_port),
            },
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '@', ' ', '?', '#', '[', ']']) || port == 0 {
            return Err(bad("bad host"));
        }
        // A password never crosses a network in the clear.
        let local = matches!(host, "localhost" | "127.0.0.1" | "::1");
        if security == Security::Plain && credentials.is_some() && !local {
            return Err(bad(
                "a password goes only over TLS (smtp+starttls:// or smtps://) or to this machine",
            ));
        }
        Ok(Relay {
            host: host.to_owned(),
            port,
            security,
            credentials,
            ca_file: None,
        })
    }

    fn tls_connector(&self) -> Result<TlsConnector, MailError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = match &self.ca_file {
            Some(path) => {
                use rustls_pki_types::pem::PemObject;
                let mut roots = rustls::RootCertStore::empty();
                for cert in rustls_pki_types::CertificateDer::pem_file_iter(path).map_err(|e| {
                    MailError::BadRelay(format!("cannot read {}: {e}", path.display()))
                })? {
                    let cert = cert.map_err(|e| {
                        MailError::BadRelay(format!("{} is not PEM: {e}", path.display()))
                    })?;
                    roots
                        .add(cert)
                        .map_err(|e| MailError::BadRelay(format!("{}: {e}", path.display())))?;
                }
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| MailError::BadRelay(e.to_string()))?
                    .with_root_certificates(roots)
                    .with_no_client_auth()
            }
            None => {
                use rustls_platform_verifier::BuilderVerifierExt;
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| MailError::BadRelay(e.to_string()))?
                    .with_platform_verifier()
                    .map_err(|e| MailError::BadRelay(e.to_string()))?
                    .with_no_client_auth()
            }
        };
        Ok(TlsConnector::from(Arc::new(config)))
    }

    /// A builder for sessions to this relay, made once per mailer.
    pub(crate) fn builder(&self, hello: &str) -> Result<SmtpClientBuilder<String>, MailError> {
        let connector = self.tls_connector()?;
        let mut b =
            SmtpClientBuilder::new_with_tls_connector(self.host.clone(), self.port, connector)
                .implicit_tls(self.security == Security::Tls)
                .helo_host(hello)
                .timeout(timeout());
        if let Some((user, password)) = &self.credentials {
            b = b.credentials((user.clone(), password.clone()));
        }
        Ok(b)
    }
}

/// The URL with its password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &url[s + 3..at];
            let name = user.split(':').next().unwrap_or("");
            format!("{}{name}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

enum Client {
    Plain(SmtpClient<TcpStream>),
    Tls(Box<SmtpClient<TlsStream<TcpStream>>>),
}

/// At which step the relay answered, to tell a bad address (refused at
/// RCPT) from a refused message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Connect,
    MailFrom,
    RcptTo,
    Data,
}

/// One SMTP session to the relay, opened at the first message and opened
/// again after a failure broke it.
pub struct Session {
    builder: Arc<SmtpClientBuilder<String>>,
    security: Security,
    client: Option<Client>,
    /// The message as DATA carries it, kept between messages so that its
    /// room is not taken from the allocator and given back for each one.
    out: Vec<u8>,
}

impl Session {
    pub(crate) fn new(builder: Arc<SmtpClientBuilder<String>>, security: Security) -> Session {
        Session {
            builder,
            security,
            client: None,
            out: Vec::new(),
        }
    }

    async fn open(&self) -> Result<Client, mail_send::Error> {
        // The whole greeting, EHLO, TLS and AUTH: a relay that takes the
        // connection and says nothing must not hold a courier for ever.
        tokio::time::timeout(self.builder.timeout, self.open_now())
            .await
            .map_err(|_| mail_send::Error::Timeout)?
    }

    async fn open_now(&self) -> Result<Client, mail_send::Error> {
        if self.security != Security::Plain {
            let client = self.builder.connect().await?;
            client.stream.get_ref().0.set_nodelay(true)?;
            Ok(Client::Tls(Box::new(client)))
        } else {
            let client = self.builder.connect_plain().await?;
            client.stream.set_nodelay(true)?;
            Ok(Client::Plain(client))
        }
    }

    /// Sends one message (already signed), the concatenation of `parts`,
    /// from `from` to `to`.
    pub async fn send(
        &mut self,
        from: &str,
        to: &str,
        parts: &[&[u8]],
    ) -> Result<(), (Step, MailError)> {
        if self.client.is_none() {
            let client = self
                .open()
                .await
                .map_err(|e| (Step::Connect, classify(e)))?;
            self.client = Some(client);
        }
        stuff(parts, &mut self.out);
        let message = &self.out;
        let result = match self.client.as_mut().expect("opened above") {
            Client::Plain(c) => transaction(c, from, to, message).await,
            Client::Tls(c) => transaction(c.as_mut(), from, to, message).await,
        };
        if let Err((_, e)) = &result {
            let reset = match (e, self.client.as_mut()) {
                // The relay said no to this message; the session goes on.
                (MailError::Permanent(_) | MailError::Relay(_), Some(Client::Plain(c))) => {
                    c.rset().await.is_ok()
                }
                (MailError::Permanent(_) | MailError::Relay(_), Some(Client::Tls(c))) => {
                    c.rset().await.is_ok()
                }
                _ => false,
            };
            if !reset {
                self.client = None;
            }
        }
        result
    }

    /// Ends the session politely.
    pub async fn close(mut self) {
        match self.client.take() {
            Some(Client::Plain(c)) => {
                let _ = c.quit().await;
            }
            Some(Client::Tls(c)) => {
                let _ = c.quit().await;
            }
            None => {}
        }
    }
}

async fn transaction<T>(
    c: &mut SmtpClient<T>,
    from: &str,
    to: &str,
    message: &[u8],
) -> Result<(), (Step, MailError)>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let none = Parameters::default();
    c.mail_from(from, &none)
        .await
        .map_err(|e| (Step::MailFrom, classify(e)))?;
    c.rcpt_to(to, &none)
        .await
        .map_err(|e| (Step::RcptTo, classify(e)))?;
    data(c, message)
        .await
        .map_err(|e| (Step::Data, classify(e)))?;
    Ok(())
}

/// DATA, with the message already dot-stuffed (RFC 5321 4.5.2) and
/// written with its terminator in one go: one write and one packet train
/// per message, where a byte-by-byte scan and separate writes cost a fifth
/// of a send's time.
async fn data<T>(c: &mut SmtpClient<T>, stuffed: &[u8]) -> Result<(), mail_send::Error>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::AsyncWriteExt;
    let go = c.cmd(b"DATA\r\n").await?;
    if go.code != 354 {
        return Err(mail_send::Error::UnexpectedReply(go));
    }
    let timeout = c.timeout;
    let reply = tokio::time::timeout(timeout, async {
        c.stream.write_all(stuffed).await?;
        c.stream.flush().await?;
        c.read().await
    })
    .await
    .map_err(|_| mail_send::Error::Timeout)??;
    if (200..300).contains(&reply.code) {
        Ok(())
    } else {
        Err(mail_send::Error::UnexpectedReply(reply))
    }
}

/// Writes the message (the concatenation of `parts`) into `out` as DATA
/// carries it: a dot doubled at the start of every line, CRLF at the end,
/// then the lone dot.
fn stuff(parts: &[&[u8]], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(parts.iter().map(|p| p.len()).sum::<usize>() + 16);
    for part in parts {
        // A line starts here if the message does, or the last part ended one.
        if part.first() == Some(&b'.') && out.last().is_none_or(|b| *b == b'\n') {
            out.push(b'.');
        }
        let mut last = 0;
        for i in memchr::memmem::find_iter(part, b"\n.") {
            out.extend_from_slice(&part[last..=i]);
            out.push(b'.');
            last = i + 1;
        }
        out.extend_from_slice(&part[last..]);
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
}

/// A reply as the relay wrote it: code, enhanced status code (when it
/// gave one), text.
fn reply(code: u16, esc: [u8; 3], message: &str) -> String {
    match esc {
        [0, 0, 0] => format!("{code} {message}"),
        [a, b, c] => format!("{code} {a}.{b}.{c} {message}"),
    }
}

/// 5xx replies are final; everything else (4xx, a dropped connection, a
/// timeout) may work later.
fn classify(e: mail_send::Error) -> MailError {
    match &e {
        mail_send::Error::UnexpectedReply(r) if (500..600).contains(&r.code) => {
            MailError::Permanent(reply(r.code, r.esc, &r.message))
        }
        mail_send::Error::UnexpectedReply(r) => MailError::Relay(reply(r.code, r.esc, &r.message)),
        mail_send::Error::Io(_) | mail_send::Error::Timeout => MailError::Dropped(e.to_string()),
        _ => MailError::Dropped(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls() {
        let r = Relay::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (r.host.as_str(), r.port, r.security),
            ("127.0.0.1", 2525, Security::Plain)
        );
        let r = Relay::parse("smtp://mail.example.org").unwrap();
        assert_eq!((r.host.as_str(), r.port), ("mail.example.org", 25));
        let r = Relay::parse("smtp+starttls://news%40example.org:p%3Ass@mail.example.org").unwrap();
        assert_eq!((r.port, r.security), (587, Security::StartTls));
        assert_eq!(
            r.credentials,
            Some(("news@example.org".into(), "p:ss".into()))
        );
        assert!(!format!("{r:?}").contains("p:ss"));
        let r = Relay::parse("smtp://[::1]").unwrap();
        assert_eq!((r.host.as_str(), r.port), ("::1", 25));
        assert!(
            Relay::parse("smtp://user:pw@mail.example.org").is_err(),
            "password in the clear"
        );
        assert!(Relay::parse("smtp://user:pw@127.0.0.1:25").is_ok());
        let r = Relay::parse("smtps://[::1]:4650").unwrap();
        assert_eq!(
            (r.host.as_str(), r.port, r.security),
            ("::1", 4650, Security::Tls)
        );
        for bad in [
            "",
            "http://x",
            "smtp://",
            "smtp://h:99999",
            "smtp://h:0",
            "smtp://u:%zz@h",
            "smtp://h/x",
        ] {
            assert!(Relay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lines_starting_with_a_dot_are_stuffed() {
        let stuffed = |parts: &[&[u8]]| {
            let mut out = b"left from the last message".to_vec();
            stuff(parts, &mut out);
            out
        };
        assert_eq!(
            stuffed(&[b"a\r\n.b\r\n..c\r\n"]),
            b"a\r\n..b\r\n...c\r\n.\r\n"
        );
        assert_eq!(stuffed(&[b".x"]), b"..x\r\n.\r\n");
        assert_eq!(stuffed(&[b""]), b"\r\n.\r\n");
        assert_eq!(stuffed(&[]), b"\r\n.\r\n");
        assert_eq!(stuffed(&[b"no dots\r\n"]), b"no dots\r\n.\r\n");
        // A part that starts a line (a signature's header, then the
        // message) is stuffed as the whole would be.
        assert_eq!(
            stuffed(&[b"H: v\r\n", b".a\r\nb.\r\n"]),
            b"H: v\r\n..a\r\nb.\r\n.\r\n"
        );
        assert_eq!(stuffed(&[b"H: v", b".a\r\n"]), b"H: v.a\r\n.\r\n");
        assert_eq!(stuffed(&[b"", b".a"]), b"..a\r\n.\r\n");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("smtps://news:secret@mail.example.org"),
            "smtps://news:***@mail.example.org"
        );
        assert_eq!(redact("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
    }
}
