//! Newsletter subscribers and the captured-mail outbox.

use sitrep_core::{Lang, Timestamp};

use crate::staff::normalize_email;
use crate::{Result, Store, StoreError, Writer};

/// Where a subscriber stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriberStatus {
    /// Signed up, not yet confirmed: gets nothing but the confirmation.
    Pending,
    Active,
    /// Asked for a break; keeps their place.
    Paused,
    Unsubscribed,
    /// The address does not exist or refuses mail.
    Bounced,
    /// Marked a message as spam.
    Complained,
}

impl SubscriberStatus {
    pub const ALL: [SubscriberStatus; 6] = [
        SubscriberStatus::Pending,
        SubscriberStatus::Active,
        SubscriberStatus::Paused,
        SubscriberStatus::Unsubscribed,
        SubscriberStatus::Bounced,
        SubscriberStatus::Complained,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberStatus::Pending => "pending",
            SubscriberStatus::Active => "active",
            SubscriberStatus::Paused => "paused",
            SubscriberStatus::Unsubscribed => "unsubscribed",
            SubscriberStatus::Bounced => "bounced",
            SubscriberStatus::Complained => "complained",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriberStatus> {
        SubscriberStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub langs: Vec<Lang>,
    pub status: SubscriberStatus,
    pub consent: String,
    pub created_at: Timestamp,
    pub confirmed_at: Option<Timestamp>,
}

/// A message captured in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: i64,
    pub created_at: Timestamp,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub message: Vec<u8>,
}

/// Which subscribers to list.
#[derive(Debug, Clone, Default)]
pub struct SubscriberFilter {
    pub status: Option<SubscriberStatus>,
    pub lang: Option<Lang>,
    /// Part of the address.
    pub text: String,
}

type Row = (i64, String, String, String, String, i64, Option<i64>);

const COLUMNS: &str = "id, email, langs, status, consent, created_at, confirmed_at";

fn subscriber(r: Row) -> Result<Subscriber> {
    let langs =
        r.2.split(',')
            .filter(|c| !c.is_empty())
            .map(Lang::parse)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Subscriber {
        id: r.0,
        email: r.1,
        langs,
        status: SubscriberStatus::parse(&r.3).ok_or_else(|| StoreError::Corrupt(r.3.clone()))?,
        consent: r.4,
        created_at: r.5,
        confirmed_at: r.6,
    })
}

fn join(langs: &[Lang]) -> String {
    langs.iter().map(Lang::as_str).collect::<Vec<_>>().join(",")
}

impl Store {
    pub async fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>> {
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM subscribers WHERE email = $1"
        )))
        .bind(normalize_email(email))
        .fetch_optional(&self.pool)
        .await?;
        row.map(subscriber).transpose()
    }

    pub async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>> {
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM subscribers WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(subscriber).transpose()
    }

    /// Subscribers, optionally of one status, by address.
    pub async fn subscribers(&self, status: Option<SubscriberStatus>) -> Result<Vec<Subscriber>> {
        let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM subscribers WHERE ($1 = '' OR status = $1) ORDER BY email"
        )))
        .bind(status.map_or("", SubscriberStatus::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(subscriber).collect()
    }

    /// One page of subscribers matching a filter (status, a language,
    /// part of the address), by address, and how many match in all: the
    /// database does the filtering, so a list of 100,000 costs one page.
    pub async fn find_subscribers(
        &self,
        filter: &SubscriberFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Subscriber>, i64)> {
        const WHERE: &str = "WHERE ($1 = '' OR status = $1) \
             AND ($2 = '' OR (',' || langs || ',') LIKE ('%,' || $2 || ',%')) \
             AND ($3 = '' OR email LIKE ('%' || $3 || '%') ESCAPE '\\')";
        let q = normalize_email(&filter.text)
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let status = filter.status.map_or("", SubscriberStatus::as_str);
        let lang = filter.lang.as_ref().map_or("", Lang::as_str);
        let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM subscribers {WHERE} ORDER BY email LIMIT $4 OFFSET $5"
        )))
        .bind(status)
        .bind(lang)
        .bind(&q)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM subscribers {WHERE}"
        )))
        .bind(status)
        .bind(lang)
        .bind(&q)
        .fetch_one(&self.pool)
        .await?;
        Ok((
            rows.into_iter().map(subscriber).collect::<Result<_>>()?,
            total,
        ))
    }

    /// Active subscribers per language.
    pub async fn active_per_lang(&self, langs: &[Lang]) -> Result<Vec<(Lang, i64)>> {
        let mut out = Vec::with_capacity(langs.len());
        for lang in langs {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM subscribers WHERE status = 'active' \
                 AND (',' || langs || ',') LIKE ('%,' || $1 || ',%')",
            )
            .bind(lang.as_str())
            .fetch_one(&self.pool)
            .await?;
            out.push((*lang, n));
        }
        Ok(out)
    }

    /// Messages captured instead of sent, newest first.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query_as::<_, (i64, i64, String, String, String, Vec<u8>)>(
            "SELECT id, created_at, recipient, subject, text_body, message FROM outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, created_at, recipient, subject, text, message)| OutboxMessage {
                    id,
                    created_at,
                    recipient,
                    subject,
                    text,
                    message,
                },
            )
            .collect())
    }

    /// One kept message.
    pub async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>> {
        let row = sqlx::query_as::<_, (i64, i64, String, String, String, Vec<u8>)>(
            "SELECT id, created_at, recipient, subject, text_body, message FROM outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(id, created_at, recipient, subject, text, message)| OutboxMessage {
                id,
                created_at,
                recipient,
                subject,
                text,
                message,
            },
        ))
    }

    /// Keeps a message that was not sent, for someone to read in the workspace.
    pub async fn capture(
        &self,
        recipient: &str,
        subject: &str,
        text: &str,
        message: &[u8],
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (created_at, recipient, subject, text_body, message) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(now)
        .bind(recipient)
        .bind(subject)
        .bind(text)
        .bind(message.to_vec())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Writer {
    /// Erases a person completely: their subscriber row, their deliveries,
    /// mail kept for them in the outbox, their address in the audit log.
    pub async fn erase_subscriber(&mut self, id: i64) -> Result<Option<String>> {
        let email: Option<String> =
            sqlx::query_scalar("SELECT email FROM subscribers WHERE id = $1")
                .bind(id)
                .fetch_optional(self.conn())
                .await?;
        let Some(email) = email else { return Ok(None) };
        sqlx::query("DELETE FROM deliveries WHERE subscriber_id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM outbox WHERE recipient = $1")
            .bind(&email)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM subscribers WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        // The audit log keeps what was done, but not to whom.
        sqlx::query("UPDATE audit_log SET subject = '(erased)' WHERE subject = $1")
            .bind(&email)
            .execute(self.conn())
            .await?;
        Ok(Some(email))
    }

    /// A new pending subscriber.
    pub async fn add_subscriber(
        &mut self,
        email: &str,
        langs: &[Lang],
        consent: &str,
        now: Timestamp,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO subscribers (email, langs, status, consent, created_at, updated_at) \
             VALUES ($1, $2, 'pending', $3, $4, $4) RETURNING id",
        )
        .bind(normalize_email(email))
        .bind(join(langs))
        .bind(consent)
        .bind(now)
        .fetch_one(self.conn())
        .await
        .map_err(|e| crate::desk::duplicate(e, "email"))
    }

    /// Sets a subscriber's status (and languages, when given).
    pub async fn set_subscriber(
        &mut self,
        id: i64,
        status: SubscriberStatus,
        langs: Option<&[Lang]>,
        now: Timestamp,
    ) -> Result<()> {
        let confirming = status == SubscriberStatus::Active;
        sqlx::query(
            "UPDATE subscribers SET status = $1, langs = CASE WHEN $2 = '' THEN langs ELSE $2 END, updated_at = $3, \
             confirmed_at = CASE WHEN $4 = 1 AND confirmed_at IS NULL THEN $3 ELSE confirmed_at END WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(langs.map(join).unwrap_or_default())
        .bind(now)
        .bind(i64::from(confirming))
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Imported subscribers, active at once (their consent was given
    /// elsewhere and is recorded with them). An address already on the
    /// list is left exactly as it is: an import never brings back someone
    /// who left. Returns how many were added.
    pub async fn import_subscribers(
        &mut self,
        rows: &[(String, Vec<Lang>, String)],
        now: Timestamp,
    ) -> Result<u64> {
        // Many rows a statement: an import of 100,000 takes seconds.
        let mut added = 0;
        for chunk in rows.chunks(300) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p = 2 + 3 * i;
                    format!("(${p}, ${}, 'active', ${}, $1, $1, $1)", p + 1, p + 2)
                })
                .collect();
            let sql = format!(
                "INSERT INTO subscribers (email, langs, status, consent, created_at, confirmed_at, updated_at) \
                 VALUES {} ON CONFLICT (email) DO NOTHING",
                values.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
            for (email, langs, consent) in chunk {
                q = q
                    .bind(normalize_email(email))
                    .bind(join(langs))
                    .bind(consent);
            }
            added += q.execute(self.conn()).await?.rows_affected();
        }
        Ok(added)
    }

    /// Records a new consent (a renewed sign-up).
    pub async fn set_subscriber_consent(
        &mut self,
        id: i64,
        langs: &[Lang],
        consent: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE subscribers SET langs = $1, consent = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(join(langs))
        .bind(consent)
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
