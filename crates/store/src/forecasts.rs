//! Forecast sets, their statements and outcomes; the likelihood scale is
//! in the catalog.

use std::collections::HashMap;

use sitrep_core::forecast::Outcome;
use sitrep_core::{Lang, Timestamp};
use sqlx::AnyPool;

use crate::desk::duplicate;
use crate::{Public, Result, Store, StoreError, Writer};

/// A set of forecasts ("Forecast for 2027") with its title and
/// introduction per language.
#[derive(Debug, Clone)]
pub struct ForecastSet {
    pub id: i64,
    pub slug: String,
    /// Public from this moment; `None` while being prepared.
    pub published_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// (title, introduction) per language.
    pub texts: HashMap<Lang, (String, String)>,
}

/// One forecast: a trend, how likely, by when, and what became of it.
#[derive(Debug, Clone)]
pub struct Statement {
    pub id: i64,
    pub set_id: i64,
    pub trend_id: i64,
    pub likelihood_id: i64,
    /// The probability the statement was made with (whole percent).
    pub percent: i64,
    /// The day by which it is to be judged (ISO date).
    pub due_on: String,
    pub position: i64,
    pub outcome: Option<Outcome>,
    pub resolved_at: Option<Timestamp>,
    /// (statement, note on the outcome) per language.
    pub texts: HashMap<Lang, (String, String)>,
}

/// A statement as an editor writes it.
pub struct StatementEdit<'a> {
    pub trend_id: i64,
    pub likelihood_id: i64,
    pub percent: i64,
    pub due_on: &'a str,
    pub position: i64,
    /// The statement per language (empty: none in that language).
    pub texts: &'a [(Lang, &'a str)],
}

fn lang(code: &str) -> Result<Lang> {
    Lang::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

type SetTuple = (i64, String, Option<i64>, i64, i64);
type StatementTuple = (
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    i64,
    Option<String>,
    Option<i64>,
);

const SET_COLUMNS: &str = "SELECT s.id, s.slug, s.published_at, s.created_at, s.updated_at \
                           FROM forecast_sets s ";
const STATEMENT_COLUMNS: &str = "SELECT f.id, f.set_id, f.trend_id, f.likelihood_id, f.percent, \
     f.due_on, f.position, f.outcome, f.resolved_at FROM forecast_statements f \
     JOIN forecast_sets s ON s.id = f.set_id ";

async fn sets_with_texts(pool: &AnyPool, rows: Vec<SetTuple>) -> Result<Vec<ForecastSet>> {
    let mut sets: Vec<ForecastSet> = rows
        .into_iter()
        .map(|t| ForecastSet {
            id: t.0,
            slug: t.1,
            published_at: t.2,
            created_at: t.3,
            updated_at: t.4,
            texts: HashMap::new(),
        })
        .collect();
    let ids: Vec<i64> = sets.iter().map(|s| s.id).collect();
    for chunk in ids.chunks(crate::IN_LIST) {
        let sql = format!(
            "SELECT set_id, lang, title, intro FROM forecast_set_texts WHERE set_id IN ({})",
            crate::id_list(chunk)
        );
        let texts = sqlx::query_as::<_, (i64, String, String, String)>(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await?;
        for (id, code, title, intro) in texts {
            if let Some(s) = sets.iter_mut().find(|s| s.id == id) {
                s.texts.insert(lang(&code)?, (title, intro));
            }
        }
    }
    Ok(sets)
}

async fn statements_with_texts(
    pool: &AnyPool,
    rows: Vec<StatementTuple>,
) -> Result<Vec<Statement>> {
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        out.push(Statement {
            id: t.0,
            set_id: t.1,
            trend_id: t.2,
            likelihood_id: t.3,
            percent: t.4,
            due_on: t.5,
            position: t.6,
            outcome: match t.7.as_deref() {
                None => None,
                Some(s) => Some(
                    Outcome::parse(s)
                        .ok_or_else(|| StoreError::Corrupt(format!("outcome {s:?}")))?,
                ),
            },
            resolved_at: t.8,
            texts: HashMap::new(),
        });
    }
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let ids: Vec<i64> = out.iter().map(|s| s.id).collect();
    for chunk in ids.chunks(crate::IN_LIST) {
        let sql = format!(
            "SELECT statement_id, lang, text, note FROM forecast_statement_texts \
             WHERE statement_id IN ({})",
            crate::id_list(chunk)
        );
        let texts = sqlx::query_as::<_, (i64, String, String, String)>(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await?;
        for (id, code, text, note) in texts {
            if let Some(&i) = index.get(&id) {
                out[i].texts.insert(lang(&code)?, (text, note));
            }
        }
    }
    Ok(out)
}

/// The order statements are listed in: by set, their place, then id.
const STATEMENT_ORDER: &str = " ORDER BY s.published_at DESC, s.id, f.position, f.id";

impl Public<'_> {
    /// Published forecast sets, newest first.
    pub async fn forecast_sets(&self) -> Result<Vec<ForecastSet>> {
        let sql = format!(
            "{SET_COLUMNS}WHERE s.published_at IS NOT NULL AND s.published_at <= $1 \
             ORDER BY s.published_at DESC, s.id"
        );
        let rows = sqlx::query_as::<_, SetTuple>(sqlx::AssertSqlSafe(sql))
            .bind(self.now())
            .fetch_all(self.pool())
            .await?;
        sets_with_texts(self.pool(), rows).await
    }

    /// The statements of published sets (of one set, or all). Outcomes
    /// come with them: they are recorded when they are known.
    pub async fn forecast_statements(&self, set_id: Option<i64>) -> Result<Vec<Statement>> {
        let sql = format!(
            "{STATEMENT_COLUMNS}WHERE s.published_at IS NOT NULL AND s.published_at <= $1 \
             AND ($2 = 0 OR f.set_id = $2){STATEMENT_ORDER}"
        );
        let rows = sqlx::query_as::<_, StatementTuple>(sqlx::AssertSqlSafe(sql))
            .bind(self.now())
            .bind(set_id.unwrap_or(0))
            .fetch_all(self.pool())
            .await?;
        statements_with_texts(self.pool(), rows).await
    }
}

impl Store {
    /// Every forecast set, published or not, newest first.
    pub async fn desk_forecast_sets(&self) -> Result<Vec<ForecastSet>> {
        let sql = format!("{SET_COLUMNS}ORDER BY s.created_at DESC, s.id DESC");
        let rows = sqlx::query_as::<_, SetTuple>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        sets_with_texts(&self.pool, rows).await
    }

    /// Statements of one set (published or not), or every statement due on
    /// or before `due_by` that has no outcome yet, earliest first.
    pub async fn desk_statements(
        &self,
        set_id: Option<i64>,
        due_by: Option<&str>,
    ) -> Result<Vec<Statement>> {
        let sql = match due_by {
            Some(_) => format!(
                "{STATEMENT_COLUMNS}WHERE f.outcome IS NULL AND f.due_on <= $1 \
                 ORDER BY f.due_on, s.id, f.position, f.id"
            ),
            None => format!("{STATEMENT_COLUMNS}WHERE f.set_id = $1 ORDER BY f.position, f.id"),
        };
        let q = sqlx::query_as::<_, StatementTuple>(sqlx::AssertSqlSafe(sql));
        let q = match due_by {
            Some(day) => q.bind(day.to_owned()),
            None => q.bind(set_id.unwrap_or(0)),
        };
        let rows = q.fetch_all(&self.pool).await?;
        statements_with_texts(&self.pool, rows).await
    }
}

impl Writer {
    /// A new, unpublished forecast set.
    pub async fn add_forecast_set(&mut self, slug: &str, now: Timestamp) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO forecast_sets (slug, created_at, updated_at) VALUES ($1, $2, $2) \
             RETURNING id",
        )
        .bind(slug)
        .bind(now)
        .fetch_one(self.conn())
        .await
        .map_err(|e| duplicate(e, "slug"))
    }

    /// A set's publication time and its title and introduction per
    /// language (an empty title removes that language).
    pub async fn set_forecast_set(
        &mut self,
        id: i64,
        published_at: Option<Timestamp>,
        texts: &[(Lang, &str, &str)],
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE forecast_sets SET published_at = $1, updated_at = $2 WHERE id = $3")
            .bind(published_at)
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await?;
        for (l, title, intro) in texts {
            self.put_lang_row(
                "forecast_set_texts",
                "set_id",
                id,
                *l,
                &[("title", title), ("intro", intro)],
            )
            .await?;
        }
        Ok(())
    }

    /// Adds a statement to a set, or (with `id`) rewrites one; notes on
    /// the outcome are kept.
    pub async fn save_statement(
        &mut self,
        set_id: i64,
        id: Option<i64>,
        s: &StatementEdit<'_>,
        now: Timestamp,
    ) -> Result<i64> {
        let id =
            match id {
                None => sqlx::query_scalar(
                    "INSERT INTO forecast_statements (set_id, trend_id, likelihood_id, percent, \
                     due_on, position, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(set_id)
                .bind(s.trend_id)
                .bind(s.likelihood_id)
                .bind(s.percent)
                .bind(s.due_on)
                .bind(s.position)
                .bind(now)
                .fetch_one(self.conn())
                .await?,
                Some(id) => {
                    sqlx::query(
                        "UPDATE forecast_statements SET trend_id = $1, likelihood_id = $2, \
                     percent = $3, due_on = $4, position = $5, updated_at = $6 \
                     WHERE id = $7 AND set_id = $8",
                    )
                    .bind(s.trend_id)
                    .bind(s.likelihood_id)
                    .bind(s.percent)
                    .bind(s.due_on)
                    .bind(s.position)
                    .bind(now)
                    .bind(id)
                    .bind(set_id)
                    .execute(self.conn())
                    .await?;
                    id
                }
            };
        for (l, text) in s.texts {
            self.put_lang_row(
                "forecast_statement_texts",
                "statement_id",
                id,
                *l,
                &[("text", text)],
            )
            .await?;
        }
        Ok(id)
    }

    /// Records what became of a statement (or, with `None`, takes the
    /// outcome back) and the note per language that explains it.
    pub async fn resolve_statement(
        &mut self,
        id: i64,
        outcome: Option<Outcome>,
        notes: &[(Lang, &str)],
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE forecast_statements SET outcome = $1, resolved_at = $2, resolved_by = $3, \
             updated_at = $4 WHERE id = $5",
        )
        .bind(outcome.map(Outcome::as_str))
        .bind(outcome.map(|_| now))
        .bind(outcome.and(by))
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        for (l, note) in notes {
            // A note needs the statement in that language to hang on.
            sqlx::query(
                "UPDATE forecast_statement_texts SET note = $1 \
                 WHERE statement_id = $2 AND lang = $3",
            )
            .bind(*note)
            .bind(id)
            .bind(l.as_str())
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Adds a step to the likelihood scale, or updates the step with this
    /// key (probability, place, and the labels given).
    pub async fn likelihood(
        &mut self,
        key: &str,
        percent: i64,
        position: i64,
        labels: &[(Lang, &str)],
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO likelihoods (key, percent, position) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET percent = excluded.percent, \
             position = excluded.position RETURNING id",
        )
        .bind(key)
        .bind(percent.clamp(0, 100))
        .bind(position)
        .fetch_one(self.conn())
        .await?;
        for (l, label) in labels {
            self.put_lang_row(
                "likelihood_labels",
                "likelihood_id",
                id,
                *l,
                &[("label", label)],
            )
            .await?;
        }
        Ok(id)
    }
}
