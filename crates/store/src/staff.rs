//! Staff accounts, their sessions, login throttling and the audit log.

use sitrep_core::{Lang, Role, Timestamp};

use crate::{Result, Store, StoreError, Writer};

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub ui_lang: Lang,
    pub author_id: Option<i64>,
    pub disabled: bool,
    /// base32 secret of the second factor, when set up.
    pub totp_secret: Option<String>,
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub ui_lang: Lang,
    pub author_id: Option<i64>,
}

/// A live session and whose it is.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: Timestamp,
    /// False while the session waits for its second factor.
    pub verified: bool,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub user_email: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

pub(crate) type UserTuple = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<String>,
);

pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.password_hash, u.ui_lang, u.author_id, u.disabled, u.totp_secret";

pub(crate) fn user(t: UserTuple) -> Result<User> {
    Ok(User {
        id: t.0,
        email: t.1,
        name: t.2,
        role: Role::parse(&t.3).ok_or_else(|| StoreError::Corrupt(format!("role {}", t.3)))?,
        password_hash: t.4,
        ui_lang: Lang::parse(&t.5).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        author_id: t.6,
        disabled: t.7 != 0,
        totp_secret: t.8,
    })
}

/// Emails are compared without regard to case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    pub async fn create_user(&self, u: &NewUser<'_>, now: Timestamp) -> Result<i64> {
        let email = normalize_email(u.email);
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(&email)
            .fetch_one(&self.pool)
            .await?;
        if exists > 0 {
            return Err(StoreError::Duplicate("email".into()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, password_hash, ui_lang, author_id, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING id",
        )
        .bind(&email)
        .bind(u.name)
        .bind(u.role.as_str())
        .bind(u.password_hash)
        .bind(u.ui_lang.as_str())
        .bind(u.author_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = sqlx::query_as::<_, UserTuple>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
        )))
        .bind(normalize_email(email))
        .fetch_optional(&self.pool)
        .await?;
        row.map(user).transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query_as::<_, UserTuple>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(user).collect()
    }

    /// Changes a user's role and whether their account is disabled; a
    /// disabled account's sessions end at once.
    pub async fn set_user_access(&self, user_id: i64, role: Role, disabled: bool) -> Result<bool> {
        let done = sqlx::query("UPDATE users SET role = $1, disabled = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        if disabled {
            self.delete_sessions_of(user_id).await?;
        }
        Ok(done.rows_affected() > 0)
    }

    /// How many enabled admins there are (the last one cannot be demoted).
    pub async fn count_admins(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn set_user_lang(&self, user_id: i64, lang: Lang) -> Result<()> {
        sqlx::query("UPDATE users SET ui_lang = $1 WHERE id = $2")
            .bind(lang.as_str())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
        verified: bool,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen, expires_at, verified) \
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .bind(i64::from(verified))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this token hash, if any (not expired, its
    /// user not disabled).
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            String,
            Option<i64>,
            i64,
            Option<String>,
            String,
            i64,
            i64,
        );
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at, s.verified FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        )))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Session {
                user: user((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8))?,
                csrf_token: r.9,
                expires_at: r.10,
                verified: r.11 != 0,
            })
        })
        .transpose()
    }

    /// Marks a session as having passed its second factor.
    pub async fn verify_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET verified = 1 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets up (or, with `None`, removes) a user's second factor.
    pub async fn set_totp(&self, user_id: i64, secret: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = 0 WHERE id = $2")
            .bind(secret)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Accepts a one-time code's time step once: false when that step (or a
    /// later one) was already used, on whichever node.
    pub async fn accept_totp_step(&self, user_id: i64, step: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A site setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A setting, set to `initial` first if it has none (the first node to
    /// get there wins; every node then reads the same value).
    pub async fn setting_or_init(&self, key: &str, initial: &str) -> Result<String> {
        if let Some(v) = self.setting(key).await? {
            return Ok(v);
        }
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(initial)
        .execute(&self.pool)
        .await?;
        Ok(self
            .setting(key)
            .await?
            .unwrap_or_else(|| initial.to_owned()))
    }

    /// Saves a site setting; every node hears of it, like any write.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let mut w = self.writer().await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(w.conn())
        .await?;
        w.commit().await
    }

    /// Moves a session's expiry on (sliding expiry).
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now)
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Signs a user out everywhere.
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Failed logins under `key` since `since`.
    pub async fn login_failures(&self, key: &str, since: Timestamp) -> Result<i64> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT failures FROM login_failures WHERE key = $1 AND window_start >= $2",
        )
        .bind(key)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?;
        Ok(n.unwrap_or(0))
    }

    /// Counts one failure under `key`; a window older than `since` starts over.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: Timestamp,
        since: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_failures (key, failures, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_failures.window_start < $3 THEN 1 ELSE login_failures.failures + 1 END, \
               window_start = CASE WHEN login_failures.window_start < $3 THEN $2 ELSE login_failures.window_start END",
        )
        .bind(key)
        .bind(now)
        .bind(since)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records who did what, outside any other write.
    pub async fn audit(
        &self,
        who: Option<&User>,
        action: &str,
        subject: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<()> {
        let mut w = self.writer().await?;
        w.audit(who, action, subject, detail, now).await?;
        w.commit_bookkeeping().await
    }

    /// The newest audit entries first.
    pub async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query_as::<_, (i64, String, String, String, String)>(
            "SELECT at, user_email, action, subject, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, user_email, action, subject, detail)| AuditEntry {
                at,
                user_email,
                action,
                subject,
                detail,
            })
            .collect())
    }
}

impl Writer {
    /// Records who did what, in the same transaction as the deed.
    pub async fn audit(
        &mut self,
        who: Option<&User>,
        action: &str,
        subject: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, user_email, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now)
        .bind(who.map(|u| u.id))
        .bind(who.map(|u| u.email.as_str()).unwrap_or("-"))
        .bind(action)
        .bind(subject)
        .bind(detail)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
