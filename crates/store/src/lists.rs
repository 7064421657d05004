//! Editing the reference lists (trends, authors) and static pages.

use sitrep_core::{Lang, Status, Timestamp};

use crate::desk::duplicate;
use crate::{Result, Store, StoreError, Writer};

/// Which named list: both are a slug plus, per language, a name and a
/// longer text (a trend's description, an author's bio).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedList {
    Trends,
    Authors,
}

impl NamedList {
    fn tables(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            NamedList::Trends => ("trends", "trend_names", "trend_id", "description"),
            NamedList::Authors => ("authors", "author_names", "author_id", "bio"),
        }
    }
}

/// A static page with all its versions, for the workspace.
#[derive(Debug, Clone)]
pub struct DeskPage {
    pub id: i64,
    pub slug: String,
    pub versions: Vec<DeskPageVersion>,
}

#[derive(Debug, Clone)]
pub struct DeskPageVersion {
    pub lang: Lang,
    pub title: String,
    pub body: String,
    pub status: Status,
    pub published_at: Option<Timestamp>,
}

impl Store {
    pub async fn desk_pages(&self) -> Result<Vec<DeskPage>> {
        let pages =
            sqlx::query_as::<_, (i64, String)>("SELECT id, slug FROM pages ORDER BY position, id")
                .fetch_all(&self.pool)
                .await?;
        let versions = sqlx::query_as::<_, (i64, String, String, String, String, Option<i64>)>(
            "SELECT page_id, lang, title, body, status, published_at FROM page_versions ORDER BY page_id, lang",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<DeskPage> = pages
            .into_iter()
            .map(|(id, slug)| DeskPage {
                id,
                slug,
                versions: Vec::new(),
            })
            .collect();
        for (page_id, lang, title, body, status, published_at) in versions {
            let lang = Lang::parse(&lang).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let status =
                Status::parse(&status).ok_or_else(|| StoreError::Corrupt(status.clone()))?;
            if let Some(p) = out.iter_mut().find(|p| p.id == page_id) {
                p.versions.push(DeskPageVersion {
                    lang,
                    title,
                    body,
                    status,
                    published_at,
                });
            }
        }
        Ok(out)
    }
}

impl Writer {
    /// Adds an entry to a named list, at the end.
    pub async fn add_named(&mut self, list: NamedList, slug: &sitrep_core::Slug) -> Result<i64> {
        let (table, ..) = list.tables();
        let sql = match list {
            NamedList::Trends => format!(
                "INSERT INTO {table} (slug, position) VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM {table})) RETURNING id"
            ),
            NamedList::Authors => format!("INSERT INTO {table} (slug) VALUES ($1) RETURNING id"),
        };
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(slug.as_str())
            .fetch_one(self.conn())
            .await
            .map_err(|e| duplicate(e, "slug"))
    }

    /// Sets an entry's name and text in one language; an empty name removes
    /// that language's entry.
    pub async fn set_named(
        &mut self,
        list: NamedList,
        id: i64,
        lang: Lang,
        name: &str,
        text: &str,
    ) -> Result<()> {
        let (_, names, key, text_column) = list.tables();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {names} WHERE {key} = $1 AND lang = $2"
        )))
        .bind(id)
        .bind(lang.as_str())
        .execute(self.conn())
        .await?;
        if !name.trim().is_empty() {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {names} ({key}, lang, name, {text_column}) VALUES ($1, $2, $3, $4)"
            )))
            .bind(id)
            .bind(lang.as_str())
            .bind(name.trim())
            .bind(text.trim())
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Adds a static page, at the end of the menu.
    pub async fn add_page(&mut self, slug: &sitrep_core::Slug) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO pages (slug, position) VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM pages)) RETURNING id",
        )
        .bind(slug.as_str())
        .fetch_one(self.conn())
        .await
        .map_err(|e| duplicate(e, "slug"))
    }

    /// Writes one language version of a static page.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_page_version(
        &mut self,
        page_id: i64,
        lang: Lang,
        title: &str,
        body: &str,
        status: Status,
        published_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("DELETE FROM page_versions WHERE page_id = $1 AND lang = $2")
            .bind(page_id)
            .bind(lang.as_str())
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO page_versions (page_id, lang, title, body, status, published_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(page_id)
        .bind(lang.as_str())
        .bind(title)
        .bind(body)
        .bind(status.as_str())
        .bind(published_at)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
