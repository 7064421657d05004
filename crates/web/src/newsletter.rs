//! The edition's letter and its delivery.
//!
//! A letter is built once per edition and language from the published
//! versions (their web time does not matter: subscribers read first), then
//! personalised per recipient only by their own links. `tick` is one round
//! of the delivery engine: start the sends whose time has come (exactly one
//! node wins each), claim a batch of deliveries, send them, record the
//! outcome. Every node runs it; the queue keeps them from sending twice.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use sitrep_auth::Purpose;
use sitrep_core::{Lang, Status, Timestamp};
use sitrep_i18n::Arg;

use crate::{AppState, PageError};

/// Stands in the built letter for the recipient's own management link.
const MANAGE: &str = "https://sitrep.invalid/manage-link";

/// Deliveries claimed per round.
pub const BATCH: i64 = 50;

/// How long a claim lasts before another worker may take the delivery
/// over (a crashed node's claims come back after this): 120 seconds, or
/// `SITREP_DELIVERY_LEASE`.
pub fn lease() -> i64 {
    static LEASE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *LEASE.get_or_init(|| {
        std::env::var("SITREP_DELIVERY_LEASE")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|s| *s > 0)
            .unwrap_or(120)
    })
}
/// Attempts before a temporary failure becomes final.
pub const MAX_ATTEMPTS: i64 = 6;

/// One edition's email in one language, before personalisation.
#[derive(Debug, Clone)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub site: String,
}

impl Letter {
    /// The letter for one recipient, with their links and list headers.
    pub fn personal(
        &self,
        app: &AppState,
        secret: &str,
        subscriber_id: i64,
        lang: Lang,
        now: Timestamp,
    ) -> (String, String, Vec<(&'static str, String)>) {
        let token = sitrep_auth::sign(secret, Purpose::Manage, subscriber_id, now);
        let manage = format!("{}/{lang}/subscription?t={token}", app.public_url);
        let one_click = format!("{}/unsubscribe?t={token}", app.public_url);
        let host = app
            .public_url
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        let headers = vec![
            ("List-Unsubscribe", format!("<{one_click}>")),
            (
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            ),
            ("List-Id", format!("<newsletter.{host}>")),
        ];
        (
            self.text.replace(MANAGE, &manage),
            self.html.replace(MANAGE, &manage),
            headers,
        )
    }
}

/// Builds the letter of an edition in `lang`; `None` when the edition has
/// nothing published to send.
pub async fn letter(
    app: &AppState,
    edition_id: i64,
    lang: Lang,
    now: Timestamp,
) -> Result<Option<Letter>, PageError> {
    let Some(edition) = app
        .store
        .desk_editions()
        .await?
        .into_iter()
        .find(|e| e.id == edition_id)
    else {
        return Ok(None);
    };
    let catalog = app.catalog().await?;
    let fallbacks = app.fallback_order();
    let pick = |names: &HashMap<Lang, (String, String)>| {
        std::iter::once(&lang)
            .chain(&fallbacks)
            .find_map(|l| names.get(l))
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    };
    let mut items = Vec::new();
    for c in app.store.desk_commentaries(Some(edition_id)).await? {
        let Some(v) = std::iter::once(&lang)
            .chain(&fallbacks)
            .find_map(|l| c.version(*l).filter(|v| v.status == Status::Published))
        else {
            continue;
        };
        let assessment = catalog
            .assessment(c.assessment_id)
            .and_then(|a| {
                std::iter::once(&lang)
                    .chain(&fallbacks)
                    .find_map(|l| a.labels.get(l))
                    .cloned()
            })
            .unwrap_or_default();
        items.push(json!({
            "id": c.id,
            "title": v.title,
            "lead": v.lead,
            "body": v.body,
            "assessment": assessment,
            "trend": catalog.trend(c.trend_id).map(|t| pick(&t.names)).unwrap_or_default(),
            "lang": v.lang.as_str(),
            "fallback": v.lang != lang,
        }));
    }
    if items.is_empty() {
        return Ok(None);
    }
    let site = catalog.text("name", lang, &fallbacks);
    let range = match (
        edition.week_start.parse(),
        edition.week_end.parse(),
        app.i18n.dates(lang),
    ) {
        (Ok(a), Ok(b), Some(d)) => d.range(a, b),
        _ => format!("{} – {}", edition.week_start, edition.week_end),
    };
    let secret = app.token_secret().await?;
    let view = sitrep_auth::sign(&secret, Purpose::View, edition_id, now);
    let t = |id: &str| app.i18n.t(lang, id);
    let subject = app.i18n.t_args(
        lang,
        "email-edition-subject",
        &[("site", Arg::Str(&site)), ("range", Arg::Str(&range))],
    );
    let ctx = json!({
        "subject": subject,
        "site": site,
        "range": range,
        "edition_label": app.i18n.t_args(lang, "edition-number", &[("number", edition.number.into())]),
        "preheader": app.i18n.t_args(lang, "commentary-count", &[("count", (items.len() as i64).into())]),
        "items": items,
        "full": edition.email_full,
        "view_url": format!("{}/{lang}/letter/{edition_id}?t={view}", app.public_url),
        "view_label": t("email-view-in-browser"),
        "read_more": t("read-more"),
        "footer": t("email-edition-footer"),
        "manage_url": MANAGE,
        "manage_label": t("email-manage-button"),
        "unsubscribe_label": t("subscribe-leave"),
    });
    let html = app.renderer.render_page("email_edition.html", lang, &ctx)?;
    let text = app.renderer.render_page("email_edition.txt", lang, &ctx)?;
    Ok(Some(Letter {
        subject,
        text,
        html,
        site,
    }))
}

/// One round of the delivery engine; returns how many deliveries it handled.
pub async fn tick(app: &AppState) -> Result<usize, PageError> {
    let now = app.now();
    let langs = app.langs();
    for edition in app.store.due_sends(now).await? {
        if let Some(send) = app.store.start_send(edition, &langs, now).await? {
            let f = app.store.send_figures(send).await?;
            tracing::info!(
                edition,
                send,
                deliveries = f.total,
                "newsletter send started"
            );
        }
    }
    deliver(app, None).await
}

/// One round of deliveries (of one send, with `only`).
pub async fn deliver(app: &AppState, only: Option<i64>) -> Result<usize, PageError> {
    let now = app.now();
    let claimed = app
        .store
        .claim_deliveries(now, BATCH, lease(), only)
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let secret = app.token_secret().await?;
    let mut letters: HashMap<(i64, Lang), Option<Arc<Letter>>> = HashMap::new();
    for d in &claimed {
        let key = (d.edition_id, d.lang);
        if let std::collections::hash_map::Entry::Vacant(slot) = letters.entry(key) {
            slot.insert(letter(app, d.edition_id, d.lang, now).await?.map(Arc::new));
        }
        let Some(letter) = letters.get(&key).cloned().flatten() else {
            app.store
                .delivery_failed(d, "nothing published in this edition", false, now)
                .await?;
            continue;
        };
        let (text, html, headers) = letter.personal(app, &secret, d.subscriber_id, d.lang, now);
        let out = sitrep_mail::Outgoing {
            to: &d.email,
            subject: &letter.subject,
            text,
            html,
            headers,
        };
        match app.mailer.send(&out, now).await {
            Ok(()) => app.store.delivery_sent(d.id, now).await?,
            Err(sitrep_mail::MailError::Permanent(e))
            | Err(sitrep_mail::MailError::BadAddress(e)) => {
                tracing::warn!(to = %d.email, error = %e, "delivery refused for good");
                app.store.delivery_failed(d, &e, true, now).await?;
            }
            Err(e) if d.attempts >= MAX_ATTEMPTS => {
                app.store
                    .delivery_failed(d, &e.to_string(), false, now)
                    .await?
            }
            Err(e) => {
                let backoff = 60 * (1_i64 << (d.attempts - 1).clamp(0, 6));
                tracing::warn!(to = %d.email, error = %e, retry_in = backoff, "delivery failed for now");
                app.store
                    .delivery_retry(d.id, now + backoff, &e.to_string())
                    .await?;
            }
        }
    }
    Ok(claimed.len())
}
