//! Personal API tokens: made by staff for scripts and apps, each acting with
//! a role no higher than its owner's, found by the SHA-256 of its text.

use sitrep_core::{Role, Timestamp};

use crate::staff::{USER_COLUMNS, UserTuple, user};
use crate::{Result, Store, StoreError, User, Writer};

/// A token as its owner and admins see it (never its text).
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub user_email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// Who a presented token speaks for.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub token_id: i64,
    pub token_name: String,
    /// The role the token was made with.
    pub token_role: Role,
    pub user: User,
    pub last_used_at: Option<Timestamp>,
}

type TokenTuple = (
    i64,
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

fn token(t: TokenTuple) -> Result<ApiToken> {
    Ok(ApiToken {
        id: t.0,
        user_id: t.1,
        user_email: t.2,
        name: t.3,
        role: Role::parse(&t.4).ok_or_else(|| StoreError::Corrupt(format!("role {}", t.4)))?,
        created_at: t.5,
        last_used_at: t.6,
        revoked_at: t.7,
    })
}

const TOKEN_COLUMNS: &str = "t.id, t.user_id, u.email, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at \
     FROM api_tokens t JOIN users u ON u.id = t.user_id";

impl Store {
    /// Tokens, newest first: one staff member's, or everyone's (`None`).
    pub async fn api_tokens(&self, user_id: Option<i64>) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query_as::<_, TokenTuple>(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} WHERE ($1 = 0 OR t.user_id = $1) \
             ORDER BY t.created_at DESC, t.id DESC"
        )))
        .bind(user_id.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(token).collect()
    }

    pub async fn api_token(&self, id: i64) -> Result<Option<ApiToken>> {
        let row = sqlx::query_as::<_, TokenTuple>(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} WHERE t.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(token).transpose()
    }

    /// The live token with this hash, and its owner (who must not be
    /// disabled).
    pub async fn token_holder(&self, token_hash: &str) -> Result<Option<TokenHolder>> {
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
            i64,
            String,
            String,
            Option<i64>,
        );
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, t.id, t.name, t.role, t.last_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let u: UserTuple = (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8);
            Ok(TokenHolder {
                token_id: r.9,
                token_name: r.10,
                token_role: Role::parse(&r.11)
                    .ok_or_else(|| StoreError::Corrupt(format!("role {}", r.11)))?,
                user: user(u)?,
                last_used_at: r.12,
            })
        })
        .transpose()
    }

    /// Notes that a token was used (callers do it at most once a minute).
    pub async fn touch_api_token(&self, id: i64, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Writer {
    /// Keeps a new token's hash; returns its id.
    pub async fn add_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        role: Role,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, role, token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(role.as_str())
        .bind(token_hash)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        Ok(id)
    }

    /// Revokes a token; false if it was already revoked or is not there.
    pub async fn revoke_api_token(&mut self, id: i64, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
