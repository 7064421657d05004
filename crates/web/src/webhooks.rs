//! Signed webhooks: when a commentary version becomes public or stops being
//! public (by an editor's hand or by the clock), and when a newsletter send
//! has finished, every webhook that takes the event gets a JSON POST.
//!
//! Each delivery carries `X-Sitrep-Event`, `X-Sitrep-Delivery` (the same on
//! every retry, for receivers to drop repeats) and `X-Sitrep-Signature:
//! t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's
//! secret>`. A delivery that is not answered with 2xx is tried again after
//! 30 s, 1, 2, 4 … minutes, eight times in all (about two hours), then given
//! up; 410 Gone gives up at once. Every node runs the loop; the queue's
//! claims keep them from sending one delivery twice.

use std::sync::Arc;
use std::time::Duration;

use hmac::{KeyInit, Mac};
use serde_json::json;
use sitrep_core::Timestamp;
use sitrep_render::urls;
use sitrep_store::{Attempt, DueDelivery, Flip, StoreError};

use crate::AppState;

/// Deliveries claimed at once, and how long a claim holds.
const BATCH: i64 = 20;
const LEASE: i64 = 120;
/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long one attempt may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The pause before attempt `n + 1` after `n` failed ones.
pub fn backoff(attempts: i64) -> i64 {
    30 * (1_i64 << (attempts - 1).clamp(0, 10))
}

/// The HTTP client deliveries go through, built for the first delivery:
/// most sites have no webhooks, and reading the system's roots cost about
/// a twentieth of a node's start-up.
#[derive(Default)]
pub struct Client(std::sync::OnceLock<Result<reqwest::Client, String>>);

impl Client {
    fn get(&self) -> Result<&reqwest::Client, &str> {
        self.0.get_or_init(build).as_ref().map_err(String::as_str)
    }
}

/// TLS by rustls with the system's roots (as the mail relay), no redirects
/// followed, a short timeout.
fn build() -> Result<reqwest::Client, String> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_platform_verifier()
        .map_err(|e| e.to_string())?
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(concat!("sitrep-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}

/// The signature header's value for a body sent at `t`.
pub fn signature(secret: &str, t: Timestamp, body: &str) -> String {
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// A fresh webhook secret (shown to the admin, kept to sign).
pub fn new_secret() -> String {
    format!("whsec_{}", sitrep_auth::new_token())
}

/// One round: notice what happened since the last, then deliver what is
/// due. Returns (events queued, deliveries attempted).
pub async fn tick(app: &AppState, client: &Client) -> Result<(u64, usize), StoreError> {
    let queued = notice(app).await?;
    let attempted = deliver(app, client).await?;
    Ok((queued, attempted))
}

/// Runs rounds every few seconds until the node stops.
pub async fn run(app: Arc<AppState>) {
    let client = Client::default();
    while !app.stopping() {
        if let Err(e) = tick(&app, &client).await {
            tracing::warn!(error = %e, "webhook round failed");
        }
        for _ in 0..50 {
            if app.stopping() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Finds publications, withdrawals and finished sends, and queues their
/// events for the webhooks that take them.
pub async fn notice(app: &AppState) -> Result<u64, StoreError> {
    let now = app.now();
    let store = &app.store;
    let listening = store.webhooks().await?.iter().any(|h| h.active);
    if !listening {
        // Nobody to tell: forget, so a webhook added later does not hear
        // of the whole archive at once; sends end unannounced.
        if store.flips_started().await? {
            store.stop_flips().await?;
        }
        for (send, _) in store.finished_sends().await? {
            store.announce_send(send, "", true, now).await?;
        }
        return Ok(0);
    }
    let mut queued = 0;
    let quiet = !store.flips_started().await?;
    let (published, unpublished) = store.publication_flips(now).await?;
    if !published.is_empty() || !unpublished.is_empty() {
        let published = published_payloads(app, published, now).await?;
        let unpublished: Vec<(Flip, String)> = unpublished
            .into_iter()
            .map(|f| {
                let body = json!({
                    "event": "unpublished",
                    "at": crate::views::rfc3339(now),
                    "site": app.public_url,
                    "commentary": {"id": f.commentary_id, "lang": f.lang.as_str()},
                });
                (f, body.to_string())
            })
            .collect();
        queued += store
            .record_flips(&published, &unpublished, quiet, now)
            .await?;
    }
    if quiet {
        store.start_flips().await?;
    }
    for (send, edition_id) in store.finished_sends().await? {
        let payload = send_payload(app, send, edition_id, now).await?;
        queued += store.announce_send(send, &payload, false, now).await?;
    }
    Ok(queued)
}

async fn published_payloads(
    app: &AppState,
    flips: Vec<Flip>,
    now: Timestamp,
) -> Result<Vec<(Flip, String)>, StoreError> {
    let mut ids: Vec<i64> = flips.iter().map(|f| f.commentary_id).collect();
    ids.dedup();
    let versions = app.store.public(now).versions_of(&ids).await?;
    let catalog = app.catalog().await?;
    Ok(flips
        .into_iter()
        .map(|f| {
            let v = versions
                .iter()
                .find(|v| v.commentary_id == f.commentary_id && v.lang == f.lang);
            let commentary = match v {
                Some(v) => json!({
                    "id": f.commentary_id,
                    "lang": f.lang.as_str(),
                    "edition": v.edition_number,
                    "trend": catalog.trend(v.trend_id).map(|t| t.slug.clone()),
                    "slug": v.slug,
                    "title": v.title,
                    "url": format!("{}{}", app.public_url, urls::commentary(v.lang, &v.slug)),
                    "published_at": crate::views::rfc3339(v.published_at),
                }),
                None => json!({"id": f.commentary_id, "lang": f.lang.as_str()}),
            };
            let body = json!({
                "event": "published",
                "at": crate::views::rfc3339(now),
                "site": app.public_url,
                "commentary": commentary,
            });
            (f, body.to_string())
        })
        .collect())
}

async fn send_payload(
    app: &AppState,
    send: i64,
    edition_id: i64,
    now: Timestamp,
) -> Result<String, StoreError> {
    let figures = app.store.send_figures(send).await?;
    let edition = app
        .store
        .desk_editions()
        .await?
        .into_iter()
        .find(|e| e.id == edition_id);
    Ok(json!({
        "event": "edition-sent",
        "at": crate::views::rfc3339(now),
        "site": app.public_url,
        "edition": edition.map(|e| json!({
            "number": e.number,
            "week_start": e.week_start,
            "week_end": e.week_end,
        })),
        "letters": {"total": figures.total, "sent": figures.sent, "failed": figures.failed},
    })
    .to_string())
}

/// Delivers what is due, in batches, until nothing is; returns how many
/// attempts were made. A batch's attempts run side by side, so a batch takes
/// at most one timeout, well inside its claim.
pub async fn deliver(app: &AppState, client: &Client) -> Result<usize, StoreError> {
    let mut attempted = 0;
    loop {
        let due = app
            .store
            .claim_webhook_deliveries(app.now(), BATCH, LEASE)
            .await?;
        if due.is_empty() {
            return Ok(attempted);
        }
        // Without a client the claims run out and the deliveries are
        // tried again later, as after a crash.
        let client = match client.get() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "webhooks cannot be delivered: no HTTP client");
                return Ok(attempted);
            }
        };
        let mut set = tokio::task::JoinSet::new();
        for d in due {
            let (client, now) = (client.clone(), app.now());
            set.spawn(async move {
                let outcome = attempt(&client, &d, now).await;
                (d, outcome)
            });
        }
        while let Some(done) = set.join_next().await {
            let Ok((d, outcome)) = done else { continue };
            if let Attempt::Failed(status) = &outcome {
                tracing::warn!(
                    webhook = d.delivery.webhook_id,
                    delivery = d.delivery.id,
                    status,
                    "webhook delivery given up"
                );
            }
            app.store
                .finish_webhook_delivery(d.delivery.id, &outcome, app.now())
                .await?;
            attempted += 1;
        }
        if app.stopping() {
            return Ok(attempted);
        }
    }
}

async fn attempt(client: &reqwest::Client, d: &DueDelivery, now: Timestamp) -> Attempt {
    let body = d.delivery.payload.clone();
    let sent = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Sitrep-Event", &d.delivery.event)
        .header("X-Sitrep-Delivery", d.delivery.id.to_string())
        .header("X-Sitrep-Signature", signature(&d.secret, now, &body))
        .body(body)
        .send()
        .await;
    let (status, gone) = match sent {
        Ok(res) if res.status().is_success() => {
            return Attempt::Delivered(res.status().as_u16().to_string());
        }
        Ok(res) => (
            format!("HTTP {}", res.status().as_u16()),
            res.status() == reqwest::StatusCode::GONE,
        ),
        // Never the URL: it may carry a secret of the receiver's.
        Err(e) if e.is_timeout() => ("timed out".to_owned(), false),
        Err(e) if e.is_connect() => ("could not connect".to_owned(), false),
        Err(_) => ("the request failed".to_owned(), false),
    };
    if gone || d.delivery.attempts >= MAX_ATTEMPTS {
        Attempt::Failed(status)
    } else {
        Attempt::Retry(status, now + backoff(d.delivery.attempts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_and_stop_growing() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(4), 240);
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff).sum();
        assert!((3600..4 * 3600).contains(&total), "{total}");
        assert_eq!(backoff(50), backoff(11));
    }

    #[test]
    fn signatures_cover_time_and_body() {
        let a = signature("s", 1, "{}");
        assert!(a.starts_with("t=1,v1="));
        assert_eq!(a.len(), "t=1,v1=".len() + 64);
        assert_ne!(a, signature("s", 2, "{}"));
        assert_ne!(a, signature("s", 1, "{ }"));
        assert_ne!(a, signature("t", 1, "{}"));
    }
}
