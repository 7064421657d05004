//! The newsletter's delivery queue.

use sitrep_core::{Lang, Timestamp};

use crate::desk::duplicate;
use crate::{Backend, Result, Store, StoreError, SubscriberStatus};

/// A delivery a worker has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    /// The claim's end: after it, another worker may take the delivery.
    pub until: Timestamp,
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
    /// Refused for good, at once or by a later report (a subset of sent
    /// and failed).
    pub bounced: i64,
    /// Marked as spam by the reader (a subset of sent).
    pub complained: i64,
}

/// What became of one claimed delivery. Each names the claim it answers
/// (`until`): an outcome whose claim ran out and was taken over by
/// another worker is not written.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent {
        id: i64,
        until: Timestamp,
    },
    /// A temporary failure: try again at `at`. Without `counts`, the
    /// attempt is given back (the relay, not this delivery, failed).
    Retry {
        id: i64,
        until: Timestamp,
        at: Timestamp,
        error: String,
        counts: bool,
    },
    /// A final failure; with `bounce`, the address gets nothing more.
    Failed {
        id: i64,
        until: Timestamp,
        subscriber_id: i64,
        error: String,
        bounce: bool,
    },
}

/// A send's progress over time: messages sent per minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendCurve {
    /// (minute since the epoch, messages sent in it), in order.
    pub minutes: Vec<(i64, i64)>,
}

/// What a bounce or complaint report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// The subscriber was marked; their latest delivery too, if any.
    Marked,
    /// No subscriber has that address.
    Unknown,
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
        // One statement per language: a send to 100,000 readers is filled
        // in well under a second.
        let mut total = 0i64;
        for lang in site_langs {
            let done = sqlx::query(
                "INSERT INTO deliveries (send_id, subscriber_id, email, lang, status, next_attempt_at) \
                 SELECT $1, id, email, $2, 'queued', $3 FROM subscribers \
                 WHERE status = $4 AND (',' || langs || ',') LIKE ('%,' || $2 || ',%') ORDER BY id",
            )
            .bind(send_id)
            .bind(lang.as_str())
            .bind(now)
            .bind(SubscriberStatus::Active.as_str())
            .execute(w.conn())
            .await?;
            total += done.rows_affected() as i64;
        }
        sqlx::query("UPDATE sends SET total = $1 WHERE id = $2")
            .bind(total)
            .bind(send_id)
            .execute(w.conn())
            .await?;
        w.commit_bookkeeping().await?;
        Ok(Some(send_id))
    }

    /// Claims up to `limit` due deliveries for `lease` seconds, in the
    /// order of the due index (no ORDER BY: sorting the whole queue on
    /// every claim made a send's cost grow with the square of its size). On
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
                 AND ($4 = 0 OR send_id = $4) LIMIT $2 FOR UPDATE SKIP LOCKED"
            }
            Backend::Sqlite => {
                "SELECT id FROM deliveries WHERE status = 'queued' AND next_attempt_at <= $1 AND claimed_until < $1 \
                 AND ($4 = 0 OR send_id = $4) LIMIT $2"
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
                until: now + lease,
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

    /// Records what became of claimed deliveries, in one transaction:
    /// the sent ones in a single statement.
    pub async fn record_deliveries(&self, outcomes: &[Outcome], now: Timestamp) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let mut sent: std::collections::BTreeMap<Timestamp, Vec<String>> = Default::default();
        for o in outcomes {
            if let Outcome::Sent { id, until } = o {
                sent.entry(*until).or_default().push(id.to_string());
            }
        }
        for (until, ids) in &sent {
            for chunk in ids.chunks(500) {
                // Ids are integers, written into the statement as such.
                let sql = format!(
                    "UPDATE deliveries SET status = 'sent', sent_at = $1, error = '' \
                     WHERE claimed_until = $2 AND id IN ({})",
                    chunk.join(",")
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(now)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for o in outcomes {
            match o {
                Outcome::Sent { .. } => {}
                Outcome::Retry {
                    id,
                    until,
                    at,
                    error,
                    counts,
                } => {
                    sqlx::query(
                        "UPDATE deliveries SET next_attempt_at = $1, claimed_until = 0, error = $2, \
                         attempts = attempts - $3 WHERE id = $4 AND claimed_until = $5",
                    )
                    .bind(at)
                    .bind(error)
                    .bind(i64::from(!*counts))
                    .bind(id)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
                }
                Outcome::Failed {
                    id,
                    until,
                    subscriber_id,
                    error,
                    bounce,
                } => {
                    sqlx::query(
                        "UPDATE deliveries SET status = 'failed', error = $1, bounce = $2 \
                         WHERE id = $3 AND claimed_until = $4",
                    )
                    .bind(error)
                    .bind(if *bounce { "bounced" } else { "" })
                    .bind(id)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
                    if *bounce {
                        sqlx::query(
                            "UPDATE subscribers SET status = 'bounced', updated_at = $1 WHERE id = $2",
                        )
                        .bind(now)
                        .bind(subscriber_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A bounce or complaint report about `email`: the subscriber gets
    /// nothing more, and their latest delivery counts as bounced or
    /// complained in its send's figures.
    pub async fn report(&self, email: &str, complaint: bool, now: Timestamp) -> Result<Reported> {
        let email = crate::normalize_email(email);
        let status = if complaint {
            SubscriberStatus::Complained
        } else {
            SubscriberStatus::Bounced
        };
        let mut tx = self.pool.begin().await?;
        let done =
            sqlx::query("UPDATE subscribers SET status = $1, updated_at = $2 WHERE email = $3")
                .bind(status.as_str())
                .bind(now)
                .bind(&email)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Ok(Reported::Unknown);
        }
        sqlx::query(
            "UPDATE deliveries SET bounce = $1 WHERE id = \
             (SELECT MAX(id) FROM deliveries WHERE email = $2 AND status = 'sent')",
        )
        .bind(if complaint { "complained" } else { "bounced" })
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Reported::Marked)
    }

    /// Messages sent per minute in a send.
    pub async fn send_curve(&self, send_id: i64) -> Result<SendCurve> {
        let minutes = sqlx::query_as::<_, (i64, i64)>(
            "SELECT sent_at / 60, COUNT(*) FROM deliveries WHERE send_id = $1 AND sent_at IS NOT NULL \
             GROUP BY sent_at / 60 ORDER BY sent_at / 60",
        )
        .bind(send_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(SendCurve { minutes })
    }

    pub async fn send_figures(&self, send_id: i64) -> Result<SendFigures> {
        let rows = sqlx::query_as::<_, (String, String, i64)>(
            "SELECT status, bounce, COUNT(*) FROM deliveries WHERE send_id = $1 GROUP BY status, bounce",
        )
        .bind(send_id)
        .fetch_all(&self.pool)
        .await?;
        let mut f = SendFigures::default();
        for (status, bounce, n) in rows {
            match status.as_str() {
                "queued" => f.queued += n,
                "sent" => f.sent += n,
                _ => f.failed += n,
            }
            match bounce.as_str() {
                "bounced" => f.bounced += n,
                "complained" => f.complained += n,
                _ => {}
            }
        }
        f.total = f.queued + f.sent + f.failed;
        Ok(f)
    }
}
