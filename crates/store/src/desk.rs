//! The staff's view of content: everything, in every state, and the
//! writes of editing. Only the workspace reads through here; public
//! surfaces go through [`crate::Public`].

use sitrep_core::{Lang, Slug, Status, Timestamp};

use crate::{Result, Store, StoreError, Writer};

#[derive(Debug, Clone)]
pub struct DeskEdition {
    pub id: i64,
    pub number: i64,
    pub week_start: String,
    pub week_end: String,
    pub email_at: Option<Timestamp>,
    pub web_at: Option<Timestamp>,
    /// Whether the email carries full texts (else title, assessment, lead
    /// and a link).
    pub email_full: bool,
}

#[derive(Debug, Clone)]
pub struct DeskVersion {
    pub id: i64,
    pub commentary_id: i64,
    pub lang: Lang,
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub status: Status,
    pub published_at: Option<Timestamp>,
    pub revision: i64,
    pub source_lang: Option<Lang>,
    pub source_revision: Option<i64>,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct DeskCommentary {
    pub id: i64,
    pub edition_id: i64,
    pub trend_id: i64,
    pub assessment_id: i64,
    pub position: i64,
    pub authors: Vec<i64>,
    pub versions: Vec<DeskVersion>,
}

impl DeskCommentary {
    pub fn version(&self, lang: Lang) -> Option<&DeskVersion> {
        self.versions.iter().find(|v| v.lang == lang)
    }

    /// The version others were translated from: the one without a source.
    pub fn original(&self) -> Option<&DeskVersion> {
        self.versions
            .iter()
            .find(|v| v.source_lang.is_none())
            .or(self.versions.first())
    }

    /// Whether the source of a translation has changed since it was
    /// translated (or confirmed).
    pub fn is_outdated(&self, v: &DeskVersion) -> bool {
        match (v.source_lang, v.source_revision) {
            (Some(src), Some(rev)) => self.version(src).is_some_and(|s| s.revision > rev),
            _ => false,
        }
    }
}

/// One saved state of a version's text.
#[derive(Debug, Clone)]
pub struct Revision {
    pub revision: i64,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub saved_by: Option<i64>,
    pub saved_at: Timestamp,
}

/// The text fields of a version, as an editor submits them.
pub struct VersionEdit<'a> {
    pub slug: &'a Slug,
    pub title: &'a str,
    pub lead: &'a str,
    pub body: &'a str,
}

/// What became of a save.
#[derive(Debug)]
pub enum SaveOutcome {
    Saved {
        revision: i64,
    },
    /// Someone saved since the editor loaded `base`; nothing was written.
    Conflict {
        current: Box<DeskVersion>,
    },
    Missing,
}

type VersionTuple = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<String>,
    Option<i64>,
    i64,
);

const VERSION_COLUMNS: &str = "v.id, v.commentary_id, v.lang, v.slug, v.title, v.lead, v.body, v.status, \
     v.published_at, v.revision, v.source_lang, v.source_revision, v.updated_at";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn version(t: VersionTuple) -> Result<DeskVersion> {
    Ok(DeskVersion {
        id: t.0,
        commentary_id: t.1,
        lang: Lang::parse(&t.2).map_err(corrupt)?,
        slug: t.3,
        title: t.4,
        lead: t.5,
        body: t.6,
        status: Status::parse(&t.7).ok_or_else(|| corrupt(format!("status {}", t.7)))?,
        published_at: t.8,
        revision: t.9,
        source_lang: t
            .10
            .as_deref()
            .map(Lang::parse)
            .transpose()
            .map_err(corrupt)?,
        source_revision: t.11,
        updated_at: t.12,
    })
}

/// Turns a unique-key violation into a message about which value is taken.
pub(crate) fn duplicate(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
            StoreError::Duplicate(what.to_owned())
        }
        _ => StoreError::Sqlx(e),
    }
}

impl Store {
    /// Every (language, slug) a commentary version has taken, for
    /// importers to know what is there already.
    pub async fn version_slugs(&self) -> Result<std::collections::HashSet<(String, String)>> {
        let rows =
            sqlx::query_as::<_, (String, String)>("SELECT lang, slug FROM commentary_versions")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// Every edition, newest week first.
    pub async fn desk_editions(&self) -> Result<Vec<DeskEdition>> {
        type Row = (i64, i64, String, String, Option<i64>, Option<i64>, i64);
        let rows = sqlx::query_as::<_, Row>(
            "SELECT id, number, week_start, week_end, email_at, web_at, email_full FROM editions \
             ORDER BY week_start DESC, number DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, number, week_start, week_end, email_at, web_at, email_full)| DeskEdition {
                    id,
                    number,
                    week_start,
                    week_end,
                    email_at,
                    web_at,
                    email_full: email_full != 0,
                },
            )
            .collect())
    }

    /// The commentaries of an edition (or of all editions), with every
    /// version in every state.
    pub async fn desk_commentaries(&self, edition_id: Option<i64>) -> Result<Vec<DeskCommentary>> {
        let rows = sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
            "SELECT c.id, c.edition_id, c.trend_id, c.assessment_id, c.position FROM commentaries c \
             WHERE ($1 = 0 OR c.edition_id = $1) ORDER BY c.edition_id DESC, c.position, c.id",
        )
        .bind(edition_id.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        let versions = sqlx::query_as::<_, VersionTuple>(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM commentary_versions v JOIN commentaries c ON c.id = v.commentary_id \
             WHERE ($1 = 0 OR c.edition_id = $1) ORDER BY v.id"
        )))
        .bind(edition_id.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        let authors = sqlx::query_as::<_, (i64, i64)>(
            "SELECT ca.commentary_id, ca.author_id FROM commentary_authors ca \
             JOIN commentaries c ON c.id = ca.commentary_id \
             WHERE ($1 = 0 OR c.edition_id = $1) ORDER BY ca.position, ca.author_id",
        )
        .bind(edition_id.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<DeskCommentary> = rows
            .into_iter()
            .map(
                |(id, edition_id, trend_id, assessment_id, position)| DeskCommentary {
                    id,
                    edition_id,
                    trend_id,
                    assessment_id,
                    position,
                    authors: Vec::new(),
                    versions: Vec::new(),
                },
            )
            .collect();
        for t in versions {
            let v = version(t)?;
            if let Some(c) = out.iter_mut().find(|c| c.id == v.commentary_id) {
                c.versions.push(v);
            }
        }
        for (cid, aid) in authors {
            if let Some(c) = out.iter_mut().find(|c| c.id == cid) {
                c.authors.push(aid);
            }
        }
        Ok(out)
    }

    pub async fn desk_commentary(&self, id: i64) -> Result<Option<DeskCommentary>> {
        let Some(edition_id) =
            sqlx::query_scalar::<_, i64>("SELECT edition_id FROM commentaries WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        Ok(self
            .desk_commentaries(Some(edition_id))
            .await?
            .into_iter()
            .find(|c| c.id == id))
    }

    /// A version's saved states, newest first.
    pub async fn revisions(&self, version_id: i64) -> Result<Vec<Revision>> {
        let rows = sqlx::query_as::<_, (i64, String, String, String, Option<i64>, i64)>(
            "SELECT revision, title, lead, body, saved_by, saved_at FROM version_revisions \
             WHERE version_id = $1 ORDER BY revision DESC",
        )
        .bind(version_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(revision, title, lead, body, saved_by, saved_at)| Revision {
                    revision,
                    title,
                    lead,
                    body,
                    saved_by,
                    saved_at,
                },
            )
            .collect())
    }
}

impl Writer {
    pub(crate) async fn record_revision(
        &mut self,
        version_id: i64,
        user: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO version_revisions (version_id, revision, title, lead, body, saved_by, saved_at) \
             SELECT id, revision, title, lead, body, $2, $3 FROM commentary_versions WHERE id = $1",
        )
        .bind(version_id)
        .bind(user)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Saves new text over revision `base`. If someone saved since, nothing
    /// is written and the current text comes back as a conflict.
    /// `status` is the state the caller was allowed to edit it in: if it
    /// has moved on (an editor published it meanwhile), that is a conflict
    /// too, so nobody changes a text they may no longer touch.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_version(
        &mut self,
        commentary_id: i64,
        lang: Lang,
        base: i64,
        status: Status,
        edit: &VersionEdit<'_>,
        user: Option<i64>,
        now: Timestamp,
    ) -> Result<SaveOutcome> {
        let done = sqlx::query(
            "UPDATE commentary_versions SET slug = $1, title = $2, lead = $3, body = $4, \
             revision = revision + 1, updated_at = $5, updated_by = $6 \
             WHERE commentary_id = $7 AND lang = $8 AND revision = $9 AND status = $10",
        )
        .bind(edit.slug.as_str())
        .bind(edit.title)
        .bind(edit.lead)
        .bind(edit.body)
        .bind(now)
        .bind(user)
        .bind(commentary_id)
        .bind(lang.as_str())
        .bind(base)
        .bind(status.as_str())
        .execute(self.conn())
        .await
        .map_err(|e| duplicate(e, "slug"))?;
        let current = self.version_of(commentary_id, lang).await?;
        let Some(current) = current else {
            return Ok(SaveOutcome::Missing);
        };
        if done.rows_affected() == 0 {
            return Ok(SaveOutcome::Conflict {
                current: Box::new(current),
            });
        }
        self.record_revision(current.id, user, now).await?;
        Ok(SaveOutcome::Saved {
            revision: current.revision,
        })
    }

    async fn version_of(&mut self, commentary_id: i64, lang: Lang) -> Result<Option<DeskVersion>> {
        let row = sqlx::query_as::<_, VersionTuple>(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM commentary_versions v WHERE v.commentary_id = $1 AND v.lang = $2"
        )))
        .bind(commentary_id)
        .bind(lang.as_str())
        .fetch_optional(self.conn())
        .await?;
        row.map(version).transpose()
    }

    /// Adds a version in a new language: an original (`source` none) or a
    /// translation of the `source` language's current revision.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_version(
        &mut self,
        commentary_id: i64,
        lang: Lang,
        edit: &VersionEdit<'_>,
        source: Option<Lang>,
        user: Option<i64>,
        now: Timestamp,
    ) -> Result<i64> {
        let source_revision = match source {
            Some(src) => self
                .version_of(commentary_id, src)
                .await?
                .map(|v| v.revision),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO commentary_versions (commentary_id, lang, slug, title, lead, body, status, \
             published_at, updated_at, revision, source_lang, source_revision, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, 'draft', NULL, $7, 1, $8, $9, $10) RETURNING id",
        )
        .bind(commentary_id)
        .bind(lang.as_str())
        .bind(edit.slug.as_str())
        .bind(edit.title)
        .bind(edit.lead)
        .bind(edit.body)
        .bind(now)
        .bind(source.map(|l| l.as_str().to_owned()))
        .bind(source_revision)
        .bind(user)
        .fetch_one(self.conn())
        .await
        .map_err(|e| duplicate(e, "slug"))?;
        self.record_revision(id, user, now).await?;
        Ok(id)
    }

    /// Records that a version was translated from `source`'s current text.
    pub async fn mark_translation(
        &mut self,
        commentary_id: i64,
        lang: Lang,
        source: Lang,
    ) -> Result<()> {
        sqlx::query("UPDATE commentary_versions SET source_lang = $1 WHERE commentary_id = $2 AND lang = $3")
            .bind(source.as_str())
            .bind(commentary_id)
            .bind(lang.as_str())
            .execute(self.conn())
            .await?;
        self.confirm_translation(commentary_id, lang).await
    }

    /// A translator confirms a translation matches its source's current text.
    pub async fn confirm_translation(&mut self, commentary_id: i64, lang: Lang) -> Result<()> {
        sqlx::query(
            "UPDATE commentary_versions SET source_revision = \
               (SELECT s.revision FROM commentary_versions s \
                WHERE s.commentary_id = commentary_versions.commentary_id \
                AND s.lang = commentary_versions.source_lang) \
             WHERE commentary_id = $1 AND lang = $2 AND source_lang IS NOT NULL",
        )
        .bind(commentary_id)
        .bind(lang.as_str())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Whether the edition's email carries full texts (else leads and links).
    pub async fn set_edition_email_full(&mut self, id: i64, full: bool) -> Result<()> {
        sqlx::query("UPDATE editions SET email_full = $1 WHERE id = $2")
            .bind(i64::from(full))
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Sets when an edition goes out by email and on the web (`None`: not
    /// yet decided; the web time is what makes it public).
    pub async fn set_edition_times(
        &mut self,
        id: i64,
        email_at: Option<Timestamp>,
        web_at: Option<Timestamp>,
    ) -> Result<bool> {
        let done = sqlx::query("UPDATE editions SET email_at = $1, web_at = $2 WHERE id = $3")
            .bind(email_at)
            .bind(web_at)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Puts an edition's commentaries in the given order (ids not in the
    /// edition are ignored; those left out keep their place after the rest).
    pub async fn order_commentaries(&mut self, edition_id: i64, order: &[i64]) -> Result<()> {
        let existing: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM commentaries WHERE edition_id = $1 ORDER BY position, id",
        )
        .bind(edition_id)
        .fetch_all(self.conn())
        .await?;
        let mut ordered: Vec<i64> = Vec::with_capacity(existing.len());
        for id in order.iter().chain(&existing) {
            if existing.contains(id) && !ordered.contains(id) {
                ordered.push(*id);
            }
        }
        for (position, id) in ordered.iter().enumerate() {
            sqlx::query("UPDATE commentaries SET position = $1 WHERE id = $2")
                .bind(position as i64)
                .bind(*id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// The story's facts: trend, assessment, edition, position, authors.
    pub async fn update_commentary(
        &mut self,
        id: i64,
        edition_id: i64,
        trend_id: i64,
        assessment_id: i64,
        authors: &[i64],
    ) -> Result<()> {
        sqlx::query("UPDATE commentaries SET edition_id = $1, trend_id = $2, assessment_id = $3 WHERE id = $4")
            .bind(edition_id)
            .bind(trend_id)
            .bind(assessment_id)
            .bind(id)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM commentary_authors WHERE commentary_id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        for (position, author) in authors.iter().enumerate() {
            sqlx::query("INSERT INTO commentary_authors (commentary_id, author_id, position) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*author)
                .bind(position as i64)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }
}
