//! The write side: one transaction at a time. Used by the demo loader and
//! tests now, by the workspace and importers later.

use sitrep_core::{EditionWeek, Lang, Slug, Status, Timestamp};
use sqlx::{Any, Transaction};

use crate::{Backend, Changes, Result};

pub struct NewEdition {
    pub number: i64,
    pub week: EditionWeek,
    pub email_at: Option<Timestamp>,
    pub web_at: Option<Timestamp>,
}

pub struct NewCommentary<'a> {
    pub edition_id: i64,
    pub trend_id: i64,
    pub assessment_id: i64,
    pub position: i64,
    pub authors: &'a [i64],
}

pub struct NewVersion<'a> {
    pub commentary_id: i64,
    pub lang: Lang,
    pub slug: &'a Slug,
    pub title: &'a str,
    pub lead: &'a str,
    pub body: &'a str,
    pub status: Status,
    pub published_at: Option<Timestamp>,
}

/// A write transaction; nothing is visible to others until [`Writer::commit`].
pub struct Writer {
    tx: Transaction<'static, Any>,
    backend: Backend,
    changes: Changes,
}

impl Writer {
    pub(crate) fn new(tx: Transaction<'static, Any>, backend: Backend, changes: Changes) -> Writer {
        Writer {
            tx,
            backend,
            changes,
        }
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Commits, and tells every node that content changed.
    pub async fn commit(mut self) -> Result<()> {
        // Both are seen only if, and when, the transaction commits.
        match self.backend {
            Backend::Postgres => {
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(crate::CHANNEL)
                    .execute(&mut *self.tx)
                    .await?;
            }
            Backend::Sqlite => {
                sqlx::query("UPDATE content_version SET n = n + 1")
                    .execute(&mut *self.tx)
                    .await?;
            }
        }
        self.tx.commit().await?;
        self.changes.bump();
        Ok(())
    }

    /// Commits rows no public page shows (subscribers, requests, sends, the
    /// audit log, tokens) without telling any node that content changed, so
    /// their caches stay. Content written here would be served stale.
    pub async fn commit_bookkeeping(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Deletes all content and staff (the demo's `--reset`).
    pub async fn clear_content(&mut self) -> Result<()> {
        for table in [
            "DELETE FROM request_events",
            "DELETE FROM analysis_requests",
            "DELETE FROM forecast_statement_texts",
            "DELETE FROM forecast_statements",
            "DELETE FROM forecast_set_texts",
            "DELETE FROM forecast_sets",
            "DELETE FROM likelihood_labels",
            "DELETE FROM likelihoods",
            "DELETE FROM commentary_authors",
            "DELETE FROM version_revisions",
            "DELETE FROM commentary_versions",
            "DELETE FROM commentaries",
            "DELETE FROM editions",
            "DELETE FROM page_versions",
            "DELETE FROM pages",
            "DELETE FROM webhook_deliveries",
            "DELETE FROM webhooks",
            "DELETE FROM webhook_seen",
            "DELETE FROM api_tokens",
            "DELETE FROM sessions",
            "DELETE FROM login_failures",
            "DELETE FROM audit_log",
            "DELETE FROM users",
            "DELETE FROM author_names",
            "DELETE FROM authors",
            "DELETE FROM assessment_labels",
            "DELETE FROM assessments",
            "DELETE FROM trend_names",
            "DELETE FROM trends",
            "DELETE FROM site_texts",
        ] {
            sqlx::query(table).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Sets a site-wide text (name, tagline, publisher) in one language.
    pub async fn site_text(&mut self, key: &str, lang: Lang, value: &str) -> Result<()> {
        sqlx::query("DELETE FROM site_texts WHERE key = $1 AND lang = $2")
            .bind(key)
            .bind(lang.as_str())
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("INSERT INTO site_texts (key, lang, value) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(lang.as_str())
            .bind(value)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// A trend with its (name, description) per language.
    pub async fn trend(
        &mut self,
        slug: &Slug,
        position: i64,
        names: &[(Lang, &str, &str)],
    ) -> Result<i64> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO trends (slug, position) VALUES ($1, $2) RETURNING id")
                .bind(slug.as_str())
                .bind(position)
                .fetch_one(&mut *self.tx)
                .await?;
        for (lang, name, description) in names {
            sqlx::query(
                "INSERT INTO trend_names (trend_id, lang, name, description) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(lang.as_str())
            .bind(*name)
            .bind(*description)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(id)
    }

    /// A step of the assessment scale with its label per language.
    /// Adds a step to the assessment scale, or updates the step with this
    /// key (its place, tone and the labels given; an empty label removes
    /// that language's).
    pub async fn assessment(
        &mut self,
        key: &str,
        position: i64,
        tone: i64,
        labels: &[(Lang, &str)],
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assessments (key, position, tone) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET position = excluded.position, tone = excluded.tone \
             RETURNING id",
        )
        .bind(key)
        .bind(position)
        .bind(tone.clamp(-2, 2))
        .fetch_one(&mut *self.tx)
        .await?;
        for (lang, label) in labels {
            self.put_lang_row(
                "assessment_labels",
                "assessment_id",
                id,
                *lang,
                &[("label", label)],
            )
            .await?;
        }
        Ok(id)
    }

    /// Writes one language's row of a per-language table (labels, titles,
    /// statements): an empty first value removes the row, else the named
    /// columns are inserted or updated and any others are kept.
    pub(crate) async fn put_lang_row(
        &mut self,
        table: &'static str,
        key: &'static str,
        id: i64,
        lang: Lang,
        values: &[(&'static str, &str)],
    ) -> Result<()> {
        if values.first().is_none_or(|(_, v)| v.is_empty()) {
            let sql = format!("DELETE FROM {table} WHERE {key} = $1 AND lang = $2");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(lang.as_str())
                .execute(&mut *self.tx)
                .await?;
            return Ok(());
        }
        let names: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
        let places: Vec<String> = (3..3 + values.len()).map(|i| format!("${i}")).collect();
        let updates: Vec<String> = names
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({key}, lang, {}) VALUES ($1, $2, {}) \
             ON CONFLICT ({key}, lang) DO UPDATE SET {}",
            names.join(", "),
            places.join(", "),
            updates.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(lang.as_str());
        for (_, v) in values {
            q = q.bind(*v);
        }
        q.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// An author with their (name, bio) per language.
    pub async fn author(&mut self, slug: &Slug, names: &[(Lang, &str, &str)]) -> Result<i64> {
        let id: i64 = sqlx::query_scalar("INSERT INTO authors (slug) VALUES ($1) RETURNING id")
            .bind(slug.as_str())
            .fetch_one(&mut *self.tx)
            .await?;
        for (lang, name, bio) in names {
            sqlx::query(
                "INSERT INTO author_names (author_id, lang, name, bio) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(lang.as_str())
            .bind(*name)
            .bind(*bio)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(id)
    }

    pub async fn edition(&mut self, e: &NewEdition, now: Timestamp) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO editions (number, week_start, week_end, email_at, web_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(e.number)
        .bind(e.week.start().to_string())
        .bind(e.week.end().to_string())
        .bind(e.email_at)
        .bind(e.web_at)
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    pub async fn commentary(&mut self, c: &NewCommentary<'_>, now: Timestamp) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO commentaries (edition_id, trend_id, assessment_id, position, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(c.edition_id)
        .bind(c.trend_id)
        .bind(c.assessment_id)
        .bind(c.position)
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await?;
        for (position, author) in c.authors.iter().enumerate() {
            sqlx::query(
                "INSERT INTO commentary_authors (commentary_id, author_id, position) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(*author)
            .bind(position as i64)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(id)
    }

    pub async fn version(&mut self, v: &NewVersion<'_>, now: Timestamp) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO commentary_versions \
             (commentary_id, lang, slug, title, lead, body, status, published_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(v.commentary_id)
        .bind(v.lang.as_str())
        .bind(v.slug.as_str())
        .bind(v.title)
        .bind(v.lead)
        .bind(v.body)
        .bind(v.status.as_str())
        .bind(v.published_at)
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(|e| crate::desk::duplicate(e, "slug"))?;
        self.record_revision(id, None, now).await?;
        Ok(id)
    }

    /// Publishes (with a publication time) or withdraws one language version.
    /// Returns whether such a version exists.
    pub async fn set_version_status(
        &mut self,
        commentary_id: i64,
        lang: Lang,
        status: Status,
        published_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE commentary_versions SET status = $1, published_at = $2, updated_at = $3 \
             WHERE commentary_id = $4 AND lang = $5",
        )
        .bind(status.as_str())
        .bind(published_at)
        .bind(now)
        .bind(commentary_id)
        .bind(lang.as_str())
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A static page and its versions: (lang, title, body, status, published_at).
    pub async fn page(
        &mut self,
        slug: &Slug,
        position: i64,
        versions: &[(Lang, &str, &str, Status, Option<Timestamp>)],
        now: Timestamp,
    ) -> Result<i64> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO pages (slug, position) VALUES ($1, $2) RETURNING id")
                .bind(slug.as_str())
                .bind(position)
                .fetch_one(&mut *self.tx)
                .await?;
        for (lang, title, body, status, published_at) in versions {
            sqlx::query(
                "INSERT INTO page_versions \
                 (page_id, lang, title, body, status, published_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(lang.as_str())
            .bind(*title)
            .bind(*body)
            .bind(status.as_str())
            .bind(*published_at)
            .bind(now)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(id)
    }
}
