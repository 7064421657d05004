//! The edition's letter and its delivery.
//!
//! A letter is built once per edition and language from the published
//! versions (their web time does not matter: subscribers read first), then
//! personalised per recipient only by their own links. `tick` is one round
//! of the delivery engine: start the sends whose time has come (exactly one
//! node wins each), claim a batch of deliveries, send them, record the
//! outcome. Every node runs it; the queue keeps them from sending twice.

use sitrep_render::typography::typeset;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sitrep_auth::Purpose;
use sitrep_core::{Lang, Status, Timestamp};
use sitrep_i18n::Arg;
use sitrep_store::{Claimed, Outcome};
use tokio::sync::mpsc;

use crate::{AppState, PageError};

/// Stands in the built letter for the recipient's own management link.
const MANAGE: &str = "https://sitrep.invalid/manage-link";

/// Deliveries claimed at a time.
pub const BATCH: i64 = 200;

/// A number of seconds from the environment, or `default`.
fn env_seconds(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(default)
}

/// How long a claim lasts before another worker may take the delivery
/// over (a crashed node's claims come back after this): 120 seconds, or
/// `SITREP_DELIVERY_LEASE`.
pub fn lease() -> i64 {
    static LEASE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *LEASE.get_or_init(|| env_seconds("SITREP_DELIVERY_LEASE", 120))
}

/// The first wait before a delivery that failed for now goes again, in
/// seconds (it doubles with each attempt): 60, or `SITREP_RETRY_AFTER`.
pub fn retry_after() -> i64 {
    static AFTER: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *AFTER.get_or_init(|| env_seconds("SITREP_RETRY_AFTER", 60))
}

/// Attempts before a temporary failure becomes final.
pub const MAX_ATTEMPTS: i64 = 6;

/// One edition's email in one language, before personalisation.
#[derive(Clone)]
pub struct Letter {
    pub subject: String,
    /// The HTML with a stand-in for the reader's own link.
    html: String,
    /// The bodies, encoded once for every reader of this language.
    prepared: Arc<sitrep_mail::Prepared>,
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
    ) -> (sitrep_mail::Content, Vec<(&'static str, String)>) {
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
        let content = sitrep_mail::Content::Prepared {
            letter: self.prepared.clone(),
            personal: manage,
        };
        (content, headers)
    }

    /// The HTML with `link` where each reader's own link goes: for a
    /// preview, or the letter read in a browser.
    pub fn html_linking(&self, link: &str) -> String {
        self.html.replace(MANAGE, link)
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
            "title": typeset(v.lang, &v.title),
            "lead": typeset(v.lang, &v.lead),
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
    let prepared = Arc::new(sitrep_mail::Prepared::new(&text, &html, MANAGE));
    Ok(Some(Letter {
        subject,
        html,
        prepared,
    }))
}

/// One round of the delivery engine: starts the sends that are due, then
/// delivers everything that can go now. Returns how many deliveries it
/// handled.
pub async fn tick(app: &Arc<AppState>) -> Result<usize, PageError> {
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

/// A claimed delivery on its way to a courier, with its letter.
struct Job {
    d: Claimed,
    letter: Arc<Letter>,
}

/// Outcomes are written in batches of this many (or every 200 ms).
const RECORD_EVERY: usize = 256;

/// Delivers what can go now (of one send, with `only`) until the queue has
/// nothing due; returns how many deliveries it handled.
///
/// Three parts run at once: a claimer takes batches from the queue and
/// attaches each letter; `app.connections` couriers, each with its own
/// session to the relay, build, sign and send; this task writes outcomes
/// back in batches. A delivery claimed but not yet written back is "in
/// flight": if the node dies, it goes again when its lease runs out.
pub async fn deliver(app: &Arc<AppState>, only: Option<i64>) -> Result<usize, PageError> {
    // Claims must not outlast their lease while waiting for a slot under
    // a rate limit.
    let batch = match &app.rate {
        Some(r) => ((r.per_second() * lease() as f64 / 4.0) as i64).clamp(1, BATCH),
        None => BATCH,
    };
    let secret: Arc<str> = app.token_secret().await?.into();
    let (jobs, job_rx) = mpsc::channel::<Job>(batch as usize);
    let job_rx = Arc::new(tokio::sync::Mutex::new(job_rx));
    let (done, mut outcomes) = mpsc::unbounded_channel::<Outcome>();

    let mut couriers = tokio::task::JoinSet::new();
    for _ in 0..app.connections {
        let (app, job_rx, done, secret) =
            (app.clone(), job_rx.clone(), done.clone(), secret.clone());
        couriers.spawn(async move {
            let mut courier = app.mailer.courier().await?;
            loop {
                let job = job_rx.lock().await.recv().await;
                let Some(job) = job else { break };
                // Shutting down: what is claimed and not begun goes again
                // when its claim runs out; nothing goes twice.
                if app.stopping() {
                    break;
                }
                // A claim about to run out is left alone: another worker
                // may take it over, and two must never send it.
                if app.now() + (lease() / 10).min(5) >= job.d.until {
                    continue;
                }
                if let Some(rate) = &app.rate {
                    rate.wait().await;
                }
                let (outcome, relay_down) = send_one(&app, &mut courier, &secret, job).await;
                if done.send(outcome).is_err() || relay_down {
                    // Unreachable or refusing us: what this courier has
                    // not taken goes again when its claim runs out.
                    break;
                }
            }
            courier.close().await;
            Ok::<(), sitrep_mail::MailError>(())
        });
    }
    drop(job_rx);
    let claimer = {
        let app = app.clone();
        let done = done.clone();
        tokio::spawn(async move { claim(&app, only, batch, jobs, done).await })
    };
    drop(done);

    let mut pending = Vec::with_capacity(RECORD_EVERY);
    let mut handled = 0;
    loop {
        match tokio::time::timeout(Duration::from_millis(200), outcomes.recv()).await {
            Ok(Some(o)) => {
                pending.push(o);
                if pending.len() < RECORD_EVERY {
                    continue;
                }
            }
            Ok(None) => break,
            Err(_) if pending.is_empty() => continue,
            Err(_) => {}
        }
        handled += pending.len();
        record(app, &pending).await?;
        pending.clear();
    }
    if !pending.is_empty() {
        handled += pending.len();
        record(app, &pending).await?;
    }
    let mut started = 0;
    let mut trouble = None;
    while let Some(r) = couriers.join_next().await {
        match r {
            Ok(Ok(())) => started += 1,
            Ok(Err(e)) => trouble = Some(e.to_string()),
            Err(e) => trouble = Some(format!("a courier stopped: {e}")),
        }
    }
    if started == 0
        && let Some(why) = trouble
    {
        // Nothing could be sent at all (e.g. an unreadable DKIM key): say
        // so rather than claim batch after batch for nothing.
        return Err(PageError::BadRequest(format!(
            "no courier could start: {why}"
        )));
    }
    match claimer.await {
        Ok(r) => r?,
        Err(e) => tracing::warn!(error = %e, "the claimer stopped"),
    }
    Ok(handled)
}

/// Writes outcomes back, trying three times: outcomes lost here would send
/// their letters again.
async fn record(app: &AppState, outcomes: &[Outcome]) -> Result<(), PageError> {
    let mut wait = Duration::from_millis(200);
    for _ in 0..2 {
        match app.store.record_deliveries(outcomes, app.now()).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, outcomes = outcomes.len(), "writing delivery outcomes failed; trying again");
                tokio::time::sleep(wait).await;
                wait *= 4;
            }
        }
    }
    Ok(app.store.record_deliveries(outcomes, app.now()).await?)
}

/// Claims batches until nothing is due, handing each delivery to the
/// couriers with its letter.
async fn claim(
    app: &AppState,
    only: Option<i64>,
    batch: i64,
    jobs: mpsc::Sender<Job>,
    done: mpsc::UnboundedSender<Outcome>,
) -> Result<(), PageError> {
    let mut letters: HashMap<(i64, Lang), Option<Arc<Letter>>> = HashMap::new();
    loop {
        if app.stopping() {
            return Ok(());
        }
        let now = app.now();
        let claimed = app
            .store
            .claim_deliveries(now, batch, lease(), only)
            .await?;
        if claimed.is_empty() {
            return Ok(());
        }
        for d in claimed {
            let key = (d.edition_id, d.lang);
            if let std::collections::hash_map::Entry::Vacant(slot) = letters.entry(key) {
                slot.insert(letter(app, d.edition_id, d.lang, now).await?.map(Arc::new));
            }
            let Some(letter) = letters.get(&key).cloned().flatten() else {
                let _ = done.send(Outcome::Failed {
                    id: d.id,
                    until: d.until,
                    subscriber_id: d.subscriber_id,
                    error: "nothing published in this edition".into(),
                    bounce: false,
                });
                continue;
            };
            if jobs.send(Job { d, letter }).await.is_err() {
                // No courier is left (they could not start): what is
                // claimed goes again when its lease runs out.
                return Ok(());
            }
        }
    }
}

/// Sends one letter and says what became of it.
async fn send_one(
    app: &AppState,
    courier: &mut sitrep_mail::Courier<'_>,
    secret: &str,
    job: Job,
) -> (Outcome, bool) {
    let Job { d, letter } = job;
    let now = app.now();
    let (content, headers) = letter.personal(app, secret, d.subscriber_id, d.lang, now);
    let out = sitrep_mail::Outgoing {
        to: &d.email,
        subject: &letter.subject,
        content,
        headers,
    };
    // Logs name the delivery, never the reader's address.
    match courier.send(&out, now).await {
        Ok(()) => (
            Outcome::Sent {
                id: d.id,
                until: d.until,
            },
            false,
        ),
        Err(e) if e.is_relay_wide() => {
            // Not this reader's fault: the attempt is given back.
            tracing::warn!(delivery = d.id, error = %e, "the mail relay cannot be used now; trying again later");
            let retry = Outcome::Retry {
                id: d.id,
                until: d.until,
                at: now + retry_after(),
                error: e.to_string(),
                counts: false,
            };
            (retry, true)
        }
        Err(e) if !e.is_temporary() || d.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(delivery = d.id, error = %e, "delivery failed for good");
            let failed = Outcome::Failed {
                id: d.id,
                until: d.until,
                subscriber_id: d.subscriber_id,
                error: e.to_string(),
                bounce: e.is_bounce(),
            };
            (failed, false)
        }
        Err(e) => {
            let backoff = retry_after() * (1_i64 << (d.attempts - 1).clamp(0, 6));
            tracing::warn!(delivery = d.id, error = %e, retry_in = backoff, "delivery failed for now");
            let retry = Outcome::Retry {
                id: d.id,
                until: d.until,
                at: now + backoff,
                error: e.to_string(),
                counts: true,
            };
            (retry, false)
        }
    }
}

/// Acts on a bounce or complaint report. Only a report that returns one
/// of our letters is believed: its `List-Unsubscribe` link carries a token
/// signed with the site's secret that names the reader. A bounce then
/// stops mail to that reader if the report names their address; a
/// complaint stops it outright. Anyone can write a report naming anyone;
/// no one else can forge the token. Returns one line per reader, saying
/// what was done.
pub async fn ingest(
    app: &AppState,
    report: sitrep_mail::Report,
) -> Result<Vec<String>, sitrep_store::StoreError> {
    use sitrep_mail::Report;
    use sitrep_store::Reported;
    let now = app.now();
    let (addresses, links, complaint) = match report {
        Report::Bounce { addresses, links } => (addresses, links, false),
        Report::Complaint { addresses, links } => (addresses, links, true),
        Report::Nothing(why) => return Ok(vec![format!("nothing to do: {why}")]),
    };
    let secret = app.token_secret().await?;
    let mut readers = Vec::new();
    for link in &links {
        let Some(token) = link.split("t=").nth(1) else {
            continue;
        };
        if let Ok(id) = sitrep_auth::verify(&secret, Purpose::Manage, token, now, None)
            && let Some(s) = app.store.subscriber(id).await?
            && !readers
                .iter()
                .any(|r: &sitrep_store::Subscriber| r.id == s.id)
        {
            readers.push(s);
        }
    }
    if readers.is_empty() {
        return Ok(vec![
            "ignored: the report does not return one of our letters (no signed link in its headers)"
                .into(),
        ]);
    }
    let what = if complaint { "complained" } else { "bounced" };
    let mut lines = Vec::new();
    for reader in readers {
        if !complaint && !addresses.contains(&reader.email) {
            lines.push(format!(
                "ignored: the report returns a letter to subscriber {} but names other addresses",
                reader.id
            ));
            continue;
        }
        if app.store.report(&reader.email, complaint, now).await? == Reported::Marked {
            tracing::info!(subscriber = reader.id, what, "report ingested");
            lines.push(format!("{what}: {} gets no more mail", reader.email));
        }
    }
    Ok(lines)
}
