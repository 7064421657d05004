//! The newsletter's delivery queue.

use sitrep_core::{Lang, Timestamp};

use crate::desk::duplicate;
use crate::{Backend, Result, Store, StoreError, SubscriberStatus};

/// A delivery a worker has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub send_id: i64,
    pub edition_id: i64,
    pub subscriber_id: i64,
    pub email: String,
    pub lang: Lang,
    pub attempts: i64,
}

/// Where a send stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendFigures {
    pub total: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

impl SendFigures {
    pub fn done(&self) -> bool {
        self.queued == 0
    }
}

impl Store {
    /// Editions whose email time has come and that have no send yet.
    pub async fn due_sends(&self, now: Timestamp) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT e.id FROM editions e WHERE e.email_at IS NOT NULL AND e.email_at <= $1 \
             AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.edition_id = e.id) ORDER BY e.email_at, e.id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The send of an edition, if it has started.
    pub async fn send_of(&self, edition_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM sends WHERE edition_id = $1")
                .bind(edition_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Starts an edition's send: one queued delivery per active subscriber
    /// per language they chose (among `site_langs`). Exactly one caller
    /// wins; the others get `None`.
    pub async fn start_send(
        &self,
        edition_id: i64,
        site_langs: &[Lang],
        now: Timestamp,
    ) -> Result<Option<i64>> {
        let subscribers = self.subscribers(Some(SubscriberStatus::Active)).await?;
        let mut w = self.writer().await?;
        let send_id: i64 = match sqlx::query_scalar(
            "INSERT INTO sends (edition_id, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(edition_id)
        .bind(now)
        .fetch_one(w.conn())
        .await
        .map_err(|e| duplicate(e, "send"))
        {
            Ok(id) => id,
            Err(StoreError::Duplicate(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut total = 0i64;
        for s in &subscribers {
            for lang in s.langs.iter().filter(|l| site_langs.contains(l)) {
                sqlx::query(
                    "INSERT INTO deliveries (send_id, subscriber_id, email, lang, status, next_attempt_at) \
                     VALUES ($1, $2, $3, $4, 'queued', $5)",
                )
                .bind(send_id)
                .bind(s.id)
                .bind(&s.email)
                .bind(lang.as_str())
                .bind(now)
                .execute(w.conn())
                .await?;
                total += 1;
            }
        }
        sqlx::query("UPDATE sends SET total = $1 WHERE id = $2")
            .bind(total)
            .bind(send_id)
            .execute(w.conn())
            .await?;
        w.commit().await?;
        Ok(Some(send_id))
    }

    /// Claims up to `limit` due deliveries for `lease` seconds. On
    /// PostgreSQL concurrent workers skip each other's rows (SKIP LOCKED);
    /// SQLite has one writer at a time, which serializes claims.
    /// With `only`, claims deliveries of that send alone.
    pub async fn claim_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
        lease: i64,
        only: Option<i64>,
    ) -> Result<Vec<Claimed>> {
        let pick = match self.backend {
            Backend::Postgres => {
                "SELECT id FROM deliveries WHERE status = 'queued' AND next_attempt_at <= $1 AND claimed_until < $1 \
                 AND ($4 = 0 OR send_id = $4) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED"
            }
            Backend::Sqlite => {
                "SELECT id FROM deliveries WHERE status = 'queued' AND next_attempt_at <= $1 AND claimed_until < $1 \
                 AND ($4 = 0 OR send_id = $4) ORDER BY id LIMIT $2"
            }
        };
        let sql = format!(
            "UPDATE deliveries SET claimed_until = $3, attempts = attempts + 1 WHERE id IN ({pick}) \
             RETURNING id, send_id, subscriber_id, email, lang, attempts"
        );
        let rows =
            sqlx::query_as::<_, (i64, i64, i64, String, String, i64)>(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(limit)
                .bind(now + lease)
                .bind(only.unwrap_or(0))
                .fetch_all(&self.pool)
                .await?;
        // Each send's edition, looked up once per batch.
        let mut editions: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (id, send_id, subscriber_id, email, lang, attempts) in rows {
            let edition_id = match editions.get(&send_id) {
                Some(e) => *e,
                None => {
                    let e: i64 = sqlx::query_scalar("SELECT edition_id FROM sends WHERE id = $1")
                        .bind(send_id)
                        .fetch_one(&self.pool)
                        .await?;
                    editions.insert(send_id, e);
                    e
                }
            };
            let lang = Lang::parse(&lang).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.push(Claimed {
                id,
                send_id,
                edition_id,
                subscriber_id,
                email,
                lang,
                attempts,
            });
        }
        Ok(out)
    }

    /// Deliveries claimed and not finished: after a crash, those whose
    /// recipients may get the letter twice.
    pub async fn in_flight(&self, now: Timestamp) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'queued' AND claimed_until > $1",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn delivery_sent(&self, id: i64, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE deliveries SET status = 'sent', sent_at = $1, error = '' WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A temporary failure: try again at `next`.
    pub async fn delivery_retry(&self, id: i64, next: Timestamp, error: &str) -> Result<()> {
        sqlx::query("UPDATE deliveries SET next_attempt_at = $1, claimed_until = 0, error = $2 WHERE id = $3")
            .bind(next)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A permanent failure; with `bounced`, the address gets nothing more.
    pub async fn delivery_failed(
        &self,
        d: &Claimed,
        error: &str,
        bounced: bool,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE deliveries SET status = 'failed', error = $1 WHERE id = $2")
            .bind(error)
            .bind(d.id)
            .execute(&self.pool)
            .await?;
        if bounced {
            sqlx::query("UPDATE subscribers SET status = 'bounced', updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(d.subscriber_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn send_figures(&self, send_id: i64) -> Result<SendFigures> {
        let rows = sqlx::query_as::<_, (String, i64)>(
            "SELECT status, COUNT(*) FROM deliveries WHERE send_id = $1 GROUP BY status",
        )
        .bind(send_id)
        .fetch_all(&self.pool)
        .await?;
        let mut f = SendFigures::default();
        for (status, n) in rows {
            match status.as_str() {
                "queued" => f.queued = n,
                "sent" => f.sent = n,
                _ => f.failed = n,
            }
        }
        f.total = f.queued + f.sent + f.failed;
        Ok(f)
    }
}
