//! Analysis requests and the editors' work on them.

use sitrep_core::{Lang, Timestamp};

use crate::{Result, Store, StoreError, Writer};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    New,
    Accepted,
    Answered,
    Declined,
}

impl RequestState {
    pub const ALL: [RequestState; 4] = [
        RequestState::New,
        RequestState::Accepted,
        RequestState::Answered,
        RequestState::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::New => "new",
            RequestState::Accepted => "accepted",
            RequestState::Answered => "answered",
            RequestState::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A request as the reader sent it.
pub struct NewRequest<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub organisation: &'a str,
    pub trend_id: Option<i64>,
    pub question: &'a str,
    pub lang: Lang,
}

#[derive(Debug, Clone)]
pub struct AnalysisRequest {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub trend_id: Option<i64>,
    pub question: String,
    pub lang: Lang,
    pub state: RequestState,
    pub assignee_id: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What happened to a request: a note, a reply sent, a change of state or
/// of assignee.
#[derive(Debug, Clone)]
pub struct RequestEvent {
    pub id: i64,
    pub user_id: Option<i64>,
    /// note, reply, state or assign.
    pub kind: String,
    pub body: String,
    pub created_at: Timestamp,
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<i64>,
    i64,
    i64,
);

const COLUMNS: &str = "SELECT id, name, email, organisation, trend_id, question, lang, state, \
                       assignee_id, created_at, updated_at FROM analysis_requests ";

fn request(t: Row) -> Result<AnalysisRequest> {
    let corrupt = |what: &str| StoreError::Corrupt(what.to_owned());
    Ok(AnalysisRequest {
        id: t.0,
        name: t.1,
        email: t.2,
        organisation: t.3,
        trend_id: t.4,
        question: t.5,
        lang: Lang::parse(&t.6).map_err(|e| corrupt(&e.to_string()))?,
        state: RequestState::parse(&t.7).ok_or_else(|| corrupt(&t.7))?,
        assignee_id: t.8,
        created_at: t.9,
        updated_at: t.10,
    })
}

impl Store {
    /// Requests in a state (or all), of one assignee (or anyone), newest
    /// first, at most `limit` from `offset`; and how many there are.
    pub async fn desk_requests(
        &self,
        state: Option<RequestState>,
        assignee: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AnalysisRequest>, u64)> {
        let filter = "WHERE ($1 = '' OR state = $1) AND ($2 = 0 OR assignee_id = $2) ";
        let state = state.map_or("", RequestState::as_str);
        let assignee = assignee.unwrap_or(0);
        let sql = format!("{COLUMNS}{filter}ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4");
        let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql))
            .bind(state)
            .bind(assignee)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let count_sql = format!("SELECT COUNT(*) FROM analysis_requests {filter}");
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(state)
            .bind(assignee)
            .fetch_one(&self.pool)
            .await?;
        let requests = rows.into_iter().map(request).collect::<Result<_>>()?;
        Ok((requests, total.max(0) as u64))
    }

    /// How many requests (of one assignee, or all) are in each state, in
    /// [`RequestState::ALL`] order.
    pub async fn desk_request_counts(
        &self,
        assignee: Option<i64>,
    ) -> Result<Vec<(RequestState, u64)>> {
        let rows = sqlx::query_as::<_, (String, i64)>(
            "SELECT state, COUNT(*) FROM analysis_requests \
             WHERE ($1 = 0 OR assignee_id = $1) GROUP BY state",
        )
        .bind(assignee.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(RequestState::ALL
            .into_iter()
            .map(|s| {
                let n = rows
                    .iter()
                    .find(|(k, _)| k == s.as_str())
                    .map_or(0, |(_, n)| *n);
                (s, n.max(0) as u64)
            })
            .collect())
    }

    pub async fn desk_request(&self, id: i64) -> Result<Option<AnalysisRequest>> {
        let sql = format!("{COLUMNS}WHERE id = $1");
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(request).transpose()
    }

    /// A request's history, oldest first.
    pub async fn desk_request_events(&self, id: i64) -> Result<Vec<RequestEvent>> {
        let rows = sqlx::query_as::<_, (i64, Option<i64>, String, String, i64)>(
            "SELECT id, user_id, kind, body, created_at FROM request_events \
             WHERE request_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, user_id, kind, body, created_at)| RequestEvent {
                id,
                user_id,
                kind,
                body,
                created_at,
            })
            .collect())
    }
}

impl Writer {
    pub async fn add_request(&mut self, r: &NewRequest<'_>, now: Timestamp) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO analysis_requests (name, email, organisation, trend_id, question, lang, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(r.name)
        .bind(r.email)
        .bind(r.organisation)
        .bind(r.trend_id)
        .bind(r.question)
        .bind(r.lang.as_str())
        .bind(now)
        .fetch_one(self.conn())
        .await?)
    }

    pub async fn set_request_state(
        &mut self,
        id: i64,
        state: RequestState,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE analysis_requests SET state = $1, updated_at = $2 WHERE id = $3")
            .bind(state.as_str())
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn assign_request(
        &mut self,
        id: i64,
        assignee: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE analysis_requests SET assignee_id = $1, updated_at = $2 WHERE id = $3")
            .bind(assignee)
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn add_request_event(
        &mut self,
        id: i64,
        user_id: Option<i64>,
        kind: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO request_events (request_id, user_id, kind, body, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(user_id)
        .bind(kind)
        .bind(body)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Erases a request and its history (the requester asked, or it is old).
    pub async fn delete_request(&mut self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM request_events WHERE request_id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM analysis_requests WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
