//! Webhooks: where events go, the queue of deliveries, and noticing when
//! commentaries become public or stop being public (which the clock alone
//! can do), exactly once across nodes.
//!
//! None of these writes go through [`Writer`]: they are bookkeeping, not
//! content, and must not move the change generation that caches follow.

use sitrep_core::{Lang, Timestamp};

use crate::{Backend, Result, Store, StoreError};

/// The events a webhook may take.
pub const EVENTS: [&str; 3] = ["published", "unpublished", "edition-sent"];

#[derive(Debug, Clone)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: Timestamp,
}

/// One event on its way to one webhook.
#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub payload: String,
    pub created_at: Timestamp,
    pub attempts: i64,
    pub next_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    pub failed_at: Option<Timestamp>,
    pub last_status: String,
}

/// A claimed delivery with where it goes.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery: WebhookDelivery,
    pub url: String,
    pub secret: String,
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub enum Attempt {
    Delivered(String),
    /// Try again at the time given.
    Retry(String, Timestamp),
    /// Give up.
    Failed(String),
}

/// A version that became public, or stopped being public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    pub commentary_id: i64,
    pub lang: Lang,
}

type HookRow = (i64, String, String, String, i64, i64);

fn hook(r: HookRow) -> Webhook {
    Webhook {
        id: r.0,
        url: r.1,
        secret: r.2,
        events: r
            .3
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        active: r.4 != 0,
        created_at: r.5,
    }
}

type DeliveryRow = (
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
);

const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.event, d.payload, d.created_at, d.attempts, \
     d.next_at, d.delivered_at, d.failed_at, d.last_status";

fn delivery(r: DeliveryRow) -> WebhookDelivery {
    WebhookDelivery {
        id: r.0,
        webhook_id: r.1,
        event: r.2,
        payload: r.3,
        created_at: r.4,
        attempts: r.5,
        next_at: r.6,
        delivered_at: r.7,
        failed_at: r.8,
        last_status: r.9,
    }
}

fn lang(code: &str) -> Result<Lang> {
    Lang::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let rows = sqlx::query_as::<_, HookRow>(
            "SELECT id, url, secret, events, active, created_at FROM webhooks ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(hook).collect())
    }

    pub async fn add_webhook(
        &self,
        url: &str,
        secret: &str,
        events: &[&str],
        now: Timestamp,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (url, secret, events, active, created_at) \
             VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(url)
        .bind(secret)
        .bind(events.join(","))
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Removes a webhook and whatever it still had to deliver.
    pub async fn delete_webhook(&self, id: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// The newest deliveries, for the workspace.
    pub async fn recent_webhook_deliveries(&self, limit: i64) -> Result<Vec<WebhookDelivery>> {
        let rows = sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             ORDER BY d.created_at DESC, d.id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(delivery).collect())
    }

    /// Queues an event for every active webhook that takes it; returns how
    /// many deliveries were queued.
    pub async fn queue_event(&self, event: &str, payload: &str, now: Timestamp) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let n = queue(&mut tx, event, payload, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Versions public now that were not last time (`published`), and the
    /// other way round (`unpublished`). Read-only; [`Store::record_flips`]
    /// settles them.
    pub async fn publication_flips(&self, now: Timestamp) -> Result<(Vec<Flip>, Vec<Flip>)> {
        let visible = "v.status = 'published' AND v.published_at IS NOT NULL AND v.published_at <= $1 \
                       AND e.web_at IS NOT NULL AND e.web_at <= $1";
        let published = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
            "SELECT c.id, v.lang FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id JOIN editions e ON e.id = c.edition_id \
             WHERE {visible} AND NOT EXISTS (SELECT 1 FROM webhook_seen s \
               WHERE s.commentary_id = c.id AND s.lang = v.lang) \
             ORDER BY c.id, v.lang"
        )))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let unpublished = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
            "SELECT s.commentary_id, s.lang FROM webhook_seen s WHERE NOT EXISTS (\
               SELECT 1 FROM commentary_versions v \
               JOIN commentaries c ON c.id = v.commentary_id JOIN editions e ON e.id = c.edition_id \
               WHERE c.id = s.commentary_id AND v.lang = s.lang AND {visible}) \
             ORDER BY s.commentary_id, s.lang"
        )))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let flips = |rows: Vec<(i64, String)>| -> Result<Vec<Flip>> {
            rows.into_iter()
                .map(|(commentary_id, code)| {
                    Ok(Flip {
                        commentary_id,
                        lang: lang(&code)?,
                    })
                })
                .collect()
        };
        Ok((flips(published)?, flips(unpublished)?))
    }

    /// Settles flips found by [`Store::publication_flips`], queueing each
    /// one's event (with the payload given) only if this call is the one
    /// that recorded it, so two nodes never send an event twice. With
    /// `quiet`, records without queueing (the first look at a site).
    pub async fn record_flips(
        &self,
        published: &[(Flip, String)],
        unpublished: &[(Flip, String)],
        quiet: bool,
        now: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut queued = 0;
        // Each row is written only if the version is (or is no longer)
        // public at this moment, so a node acting on an older look writes
        // nothing.
        const PUBLIC_NOW: &str = "EXISTS (SELECT 1 FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id JOIN editions e ON e.id = c.edition_id \
             WHERE c.id = $1 AND v.lang = $2 AND v.status = 'published' \
             AND v.published_at IS NOT NULL AND v.published_at <= $3 \
             AND e.web_at IS NOT NULL AND e.web_at <= $3)";
        for (f, payload) in published {
            let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO webhook_seen (commentary_id, lang) SELECT $1, $2 WHERE {PUBLIC_NOW} \
                 ON CONFLICT (commentary_id, lang) DO NOTHING"
            )))
            .bind(f.commentary_id)
            .bind(f.lang.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 && !quiet {
                queued += queue(&mut tx, "published", payload, now).await?;
            }
        }
        for (f, payload) in unpublished {
            let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM webhook_seen WHERE commentary_id = $1 AND lang = $2 AND NOT {PUBLIC_NOW}"
            )))
            .bind(f.commentary_id)
            .bind(f.lang.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 && !quiet {
                queued += queue(&mut tx, "unpublished", payload, now).await?;
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Whether publications have been looked at before (so the first look
    /// at an existing site does not announce its whole archive).
    pub async fn flips_started(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key = 'webhook_seen'")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    pub async fn start_flips(&self) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('webhook_seen', '1') ON CONFLICT (key) DO NOTHING",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets what was seen (when no webhook is left to tell).
    pub async fn stop_flips(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM webhook_seen")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM settings WHERE key = 'webhook_seen'")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Newsletter sends with nothing left queued whose end has not been
    /// announced: (send, edition).
    pub async fn finished_sends(&self) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as::<_, (i64, i64)>(
            "SELECT s.id, s.edition_id FROM sends s WHERE s.announced_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.send_id = s.id AND d.status = 'queued') \
             ORDER BY s.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Marks a send's end announced, queueing `edition-sent` with the
    /// payload if this call is the one that marked it (and not `quiet`).
    pub async fn announce_send(
        &self,
        send_id: i64,
        payload: &str,
        quiet: bool,
        now: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE sends SET announced_at = $1 WHERE id = $2 AND announced_at IS NULL",
        )
        .bind(now)
        .bind(send_id)
        .execute(&mut *tx)
        .await?;
        let queued = if done.rows_affected() > 0 && !quiet {
            queue(&mut tx, "edition-sent", payload, now).await?
        } else {
            0
        };
        tx.commit().await?;
        Ok(queued)
    }

    /// Claims due deliveries for `lease` seconds (PostgreSQL workers skip
    /// each other's rows; SQLite serializes claims).
    pub async fn claim_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
        lease: i64,
    ) -> Result<Vec<DueDelivery>> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET claimed_until = $3, attempts = attempts + 1 WHERE id IN (\
               SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL \
               AND next_at <= $1 AND claimed_until <= $1 ORDER BY next_at, id LIMIT $2{lock}) \
             RETURNING id"
        );
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .bind(now + lease)
            .fetch_all(&self.pool)
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query_as::<_, (i64, i64, String, String, i64, i64, i64, Option<i64>, Option<i64>, String, String, String)>(
            sqlx::AssertSqlSafe(format!(
                "SELECT {DELIVERY_COLUMNS}, w.url, w.secret FROM webhook_deliveries d \
                 JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN ({}) ORDER BY d.next_at, d.id",
                crate::id_list(&ids)
            )),
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| DueDelivery {
                delivery: delivery((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9)),
                url: r.10,
                secret: r.11,
            })
            .collect())
    }

    /// Records an attempt's outcome and lets go of the claim.
    pub async fn finish_webhook_delivery(
        &self,
        id: i64,
        attempt: &Attempt,
        now: Timestamp,
    ) -> Result<()> {
        let (sql, status, at) = match attempt {
            Attempt::Delivered(s) => (
                "UPDATE webhook_deliveries SET delivered_at = $1, last_status = $2, claimed_until = 0 WHERE id = $3",
                s,
                now,
            ),
            Attempt::Retry(s, next) => (
                "UPDATE webhook_deliveries SET next_at = $1, last_status = $2, claimed_until = 0 WHERE id = $3",
                s,
                *next,
            ),
            Attempt::Failed(s) => (
                "UPDATE webhook_deliveries SET failed_at = $1, last_status = $2, claimed_until = 0 WHERE id = $3",
                s,
                now,
            ),
        };
        sqlx::query(sql)
            .bind(at)
            .bind(status.chars().take(300).collect::<String>())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

async fn queue(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    event: &str,
    payload: &str,
    now: Timestamp,
) -> Result<u64> {
    // `events` is a comma list; match whole names.
    let done = sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, event, payload, created_at, next_at) \
         SELECT id, $1, $2, $3, $3 FROM webhooks \
         WHERE active = 1 AND (',' || events || ',') LIKE ('%,' || $1 || ',%')",
    )
    .bind(event)
    .bind(payload)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}
