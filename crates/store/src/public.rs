//! The guarded read side: everything a reader may see, and nothing more.

use sitrep_core::{Lang, Timestamp};
use sqlx::AnyPool;

use crate::{Result, StoreError};

/// The one visibility rule, as SQL over `v` (a version), `e` (its edition)
/// and `$1` (now). Every commentary query in this module includes it;
/// `tests/visibility.rs` puts drafts, future versions and editions not yet
/// on the web in front of each reader and checks that none gets through.
macro_rules! visible {
    () => {
        "(v.status = 'published' AND v.published_at IS NOT NULL AND v.published_at <= $1 \
         AND e.web_at IS NOT NULL AND e.web_at <= $1)"
    };
}

/// The joins and conditions of [`Public::latest_versions`]'s three walks.
macro_rules! newest_filter {
    () => {
        concat!(
            "c.id = v.commentary_id AND e.id = c.edition_id AND ",
            visible!(),
            " AND ($2 = '' OR v.lang = $2) AND ($3 = 0 OR c.trend_id = $3)"
        )
    };
}

/// The columns of [`VersionRow`], in order.
macro_rules! version_columns {
    () => {
        version_columns!("v.body")
    };
    ($body:literal) => {
        concat!(
            "SELECT c.id, c.edition_id, e.number, e.week_start, e.week_end, c.trend_id, \
         c.assessment_id, v.lang, v.slug, v.title, v.lead, ",
            $body,
            ", \
         CASE WHEN v.published_at > e.web_at THEN v.published_at ELSE e.web_at END, \
         v.updated_at, v.id \
         FROM commentary_versions v \
         JOIN commentaries c ON c.id = v.commentary_id \
         JOIN editions e ON e.id = c.edition_id "
        )
    };
}

/// A public edition.
#[derive(Debug, Clone)]
pub struct EditionRow {
    pub id: i64,
    pub number: i64,
    pub week_start: String,
    pub week_end: String,
    pub web_at: Timestamp,
    /// Commentaries with at least one public version.
    pub commentaries: i64,
}

/// One public language version of a commentary, with its story's facts.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub commentary_id: i64,
    pub edition_id: i64,
    pub edition_number: i64,
    pub week_start: String,
    pub week_end: String,
    pub trend_id: i64,
    pub assessment_id: i64,
    pub lang: Lang,
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub body: String,
    /// When this version became public: the later of its own publication
    /// time and its edition's.
    pub published_at: Timestamp,
    /// The last save of the version (may precede its publication).
    pub updated_at: Timestamp,
    /// The version's own id.
    pub id: i64,
}

/// One commentary as the barometer marks it: its week, trend and
/// assessment, and one language version's address and title.
#[derive(Debug, Clone)]
pub struct MarkRow {
    pub commentary_id: i64,
    pub edition_id: i64,
    pub edition_number: i64,
    pub week_start: String,
    pub week_end: String,
    pub trend_id: i64,
    pub assessment_id: i64,
    pub lang: Lang,
    pub slug: String,
    pub title: String,
    /// Whether readers can see this version now (always, on the public side).
    pub public: bool,
}

type MarkTuple = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    String,
    String,
    i64,
);

/// The barometer's columns and order; `$1` is now, `$2`/`$3` the first and
/// last week start, `$4` a trend (0 for all).
macro_rules! mark_query {
    ($filter:expr) => {
        concat!(
            "SELECT c.id, e.id, e.number, e.week_start, e.week_end, c.trend_id, c.assessment_id, \
             v.lang, v.slug, v.title, CASE WHEN ",
            visible!(),
            " THEN 1 ELSE 0 END \
             FROM editions e JOIN commentaries c ON c.edition_id = e.id \
             JOIN commentary_versions v ON v.commentary_id = c.id \
             WHERE e.week_start >= $2 AND e.week_start <= $3 AND ($4 = 0 OR c.trend_id = $4) AND ",
            $filter,
            " ORDER BY e.week_start, e.number, c.position, c.id, v.id"
        )
    };
}

/// Week starts bounding a period, as the store compares them.
fn week_bounds(from: Option<jiff::civil::Date>, to: Option<jiff::civil::Date>) -> (String, String) {
    (
        from.map_or_else(|| "0000-01-01".to_owned(), |d| d.to_string()),
        to.map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string()),
    )
}

async fn marks(
    pool: &AnyPool,
    sql: &'static str,
    now: Timestamp,
    from: Option<jiff::civil::Date>,
    to: Option<jiff::civil::Date>,
    trend_id: Option<i64>,
) -> Result<Vec<MarkRow>> {
    let (from, to) = week_bounds(from, to);
    let rows = sqlx::query_as::<_, MarkTuple>(sql)
        .bind(now)
        .bind(from)
        .bind(to)
        .bind(trend_id.unwrap_or(0))
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|t| {
            Ok(MarkRow {
                commentary_id: t.0,
                edition_id: t.1,
                edition_number: t.2,
                week_start: t.3,
                week_end: t.4,
                trend_id: t.5,
                assessment_id: t.6,
                lang: lang(&t.7)?,
                slug: t.8,
                title: t.9,
                public: t.10 != 0,
            })
        })
        .collect()
}

impl crate::Store {
    /// Every commentary in the editions whose week starts within the
    /// bounds, published or not, each with all its versions (`public` says
    /// which readers see now): the editors' barometer.
    pub async fn desk_marks(
        &self,
        now: Timestamp,
        from: Option<jiff::civil::Date>,
        to: Option<jiff::civil::Date>,
        trend_id: Option<i64>,
    ) -> Result<Vec<MarkRow>> {
        marks(&self.pool, mark_query!("1 = 1"), now, from, to, trend_id).await
    }

    /// The start of the latest edition's week, published or not.
    pub async fn desk_latest_week(&self) -> Result<Option<jiff::civil::Date>> {
        let latest: Option<String> = sqlx::query_scalar("SELECT MAX(week_start) FROM editions")
            .fetch_one(&self.pool)
            .await?;
        Ok(latest.and_then(|d| d.parse().ok()))
    }
}

/// One public language version of a static page.
#[derive(Debug, Clone)]
pub struct PageRow {
    pub id: i64,
    pub slug: String,
    pub lang: Lang,
    pub title: String,
    pub body: String,
}

type VersionTuple = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
);

type EditionTuple = (i64, i64, String, String, i64, i64);

fn lang(code: &str) -> Result<Lang> {
    Lang::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn version(t: VersionTuple) -> Result<VersionRow> {
    Ok(VersionRow {
        commentary_id: t.0,
        edition_id: t.1,
        edition_number: t.2,
        week_start: t.3,
        week_end: t.4,
        trend_id: t.5,
        assessment_id: t.6,
        lang: lang(&t.7)?,
        slug: t.8,
        title: t.9,
        lead: t.10,
        body: t.11,
        published_at: t.12,
        updated_at: t.13,
        id: t.14,
    })
}

fn versions(rows: Vec<VersionTuple>) -> Result<Vec<VersionRow>> {
    rows.into_iter().map(version).collect()
}

fn edition(t: EditionTuple) -> EditionRow {
    EditionRow {
        id: t.0,
        number: t.1,
        week_start: t.2,
        week_end: t.3,
        web_at: t.4,
        commentaries: t.5,
    }
}

/// One condition on the versions a filtered list takes.
#[derive(Debug, Clone)]
pub enum Only {
    /// Of one of these trends.
    Trends(Vec<i64>),
    /// With one of these among the authors.
    Authors(Vec<i64>),
    /// With one of these as the first author.
    FirstAuthors(Vec<i64>),
    /// Versions of these commentaries.
    Commentaries(Vec<i64>),
    /// With one of these slugs.
    Slugs(Vec<String>),
    /// Published before (`Less`), at (`Equal`) or after (`Greater`) a
    /// moment; the flag adds equality to `Less` and `Greater`.
    Published(std::cmp::Ordering, bool, Timestamp),
}

/// Which versions of one language a filtered list takes: each condition
/// must hold (`true`) or must not (`false`).
#[derive(Debug, Clone)]
pub struct VersionFilter {
    pub lang: Lang,
    pub only: Vec<(bool, Only)>,
}

/// The order of a filtered list; ties go to the commentary's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionOrder {
    Newest,
    Oldest,
    TitleAsc,
    TitleDesc,
}

/// Reads what readers may see as of one moment.
pub struct Public<'a> {
    pool: &'a AnyPool,
    now: Timestamp,
}

/// The columns of [`EditionRow`], counting the edition's public commentaries.
macro_rules! edition_columns {
    () => {
        "SELECT e.id, e.number, e.week_start, e.week_end, e.web_at, \
         (SELECT COUNT(DISTINCT c.id) FROM commentaries c \
          JOIN commentary_versions v ON v.commentary_id = c.id \
          WHERE c.edition_id = e.id AND "
    };
}

/// An edition is listed when it has at least one public commentary.
macro_rules! edition_listed {
    () => {
        concat!(
            "EXISTS (SELECT 1 FROM commentaries c JOIN commentary_versions v \
             ON v.commentary_id = c.id WHERE c.edition_id = e.id AND ",
            visible!(),
            ")"
        )
    };
}

impl<'a> Public<'a> {
    pub(crate) fn new(pool: &'a AnyPool, now: Timestamp) -> Public<'a> {
        Public { pool, now }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub(crate) fn pool(&self) -> &'a AnyPool {
        self.pool
    }

    /// The newest edition with anything public in it.
    pub async fn latest_edition(&self) -> Result<Option<EditionRow>> {
        let row = sqlx::query_as::<_, EditionTuple>(concat!(
            edition_columns!(),
            visible!(),
            ") FROM editions e WHERE ",
            edition_listed!(),
            " ORDER BY e.week_start DESC, e.number DESC LIMIT 1"
        ))
        .bind(self.now)
        .fetch_optional(self.pool)
        .await?;
        Ok(row.map(edition))
    }

    /// Every listed edition, newest first: a few hundred small rows on a
    /// site of ten years, which the node's memo keeps for the archive's
    /// pages, the API's list and the sitemap (one look at every edition
    /// either way: a count for the pager costs as much as the list).
    pub async fn editions(&self) -> Result<Vec<EditionRow>> {
        let rows = sqlx::query_as::<_, EditionTuple>(concat!(
            edition_columns!(),
            visible!(),
            ") FROM editions e WHERE ",
            edition_listed!(),
            " ORDER BY e.week_start DESC, e.number DESC"
        ))
        .bind(self.now)
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(edition).collect())
    }

    pub async fn edition(&self, number: i64) -> Result<Option<EditionRow>> {
        let row = sqlx::query_as::<_, EditionTuple>(concat!(
            edition_columns!(),
            visible!(),
            ") FROM editions e WHERE e.number = $2 AND ",
            edition_listed!()
        ))
        .bind(self.now)
        .bind(number)
        .fetch_optional(self.pool)
        .await?;
        Ok(row.map(edition))
    }

    /// Every public version of every commentary in an edition, in the
    /// edition's order, without their bodies (left empty: the edition's
    /// pages and answers list cards).
    pub async fn edition_versions(&self, edition_id: i64) -> Result<Vec<VersionRow>> {
        let rows = sqlx::query_as::<_, VersionTuple>(concat!(
            version_columns!("''"),
            "WHERE ",
            visible!(),
            " AND c.edition_id = $2 ORDER BY c.position, c.id, v.id"
        ))
        .bind(self.now)
        .bind(edition_id)
        .fetch_all(self.pool)
        .await?;
        versions(rows)
    }

    /// How many commentaries of a trend have a public version.
    pub async fn count_trend(&self, trend_id: i64) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(concat!(
            "SELECT COUNT(DISTINCT c.id) FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id WHERE ",
            visible!(),
            " AND c.trend_id = $2"
        ))
        .bind(self.now)
        .bind(trend_id)
        .fetch_one(self.pool)
        .await?;
        Ok(n.max(0) as u64)
    }

    /// The public versions of one page of a trend's commentaries, newest
    /// first; `except` leaves one commentary out (0 leaves none out).
    pub async fn trend_versions(
        &self,
        trend_id: i64,
        limit: i64,
        offset: i64,
        except: i64,
    ) -> Result<Vec<VersionRow>> {
        let rows = sqlx::query_as::<_, VersionTuple>(concat!(
            version_columns!(),
            "WHERE ",
            visible!(),
            " AND c.id IN (SELECT c.id FROM commentaries c \
               JOIN editions e ON e.id = c.edition_id \
               WHERE c.trend_id = $2 AND c.id <> $5 AND EXISTS (\
                 SELECT 1 FROM commentary_versions v WHERE v.commentary_id = c.id AND ",
            visible!(),
            ") ORDER BY e.week_start DESC, c.position, c.id LIMIT $3 OFFSET $4) \
             ORDER BY e.week_start DESC, c.position, c.id, v.id"
        ))
        .bind(self.now)
        .bind(trend_id)
        .bind(limit)
        .bind(offset)
        .bind(except)
        .fetch_all(self.pool)
        .await?;
        versions(rows)
    }

    /// Every trend's commentaries with a public version, newest first
    /// (the order of [`Public::trend_versions`]), as (trend, commentary).
    pub async fn trend_lists(&self) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as::<_, (i64, i64)>(concat!(
            "SELECT c.trend_id, c.id FROM commentaries c \
             JOIN editions e ON e.id = c.edition_id \
             WHERE EXISTS (SELECT 1 FROM commentary_versions v \
               WHERE v.commentary_id = c.id AND ",
            visible!(),
            ") ORDER BY c.trend_id, e.week_start DESC, c.position, c.id"
        ))
        .bind(self.now)
        .fetch_all(self.pool)
        .await?)
    }

    /// The first moment after now at which the clock alone changes what
    /// readers see (a version's or an edition's or a page's publication
    /// time coming); `None` if only a write can. Everything public read
    /// at now stays true until then, or until the change generation moves.
    pub async fn next_reveal(&self) -> Result<Option<Timestamp>> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MIN(t) FROM (\
               SELECT published_at AS t FROM commentary_versions \
                 WHERE status = 'published' AND published_at > $1 \
               UNION ALL SELECT web_at AS t FROM editions WHERE web_at > $1 \
               UNION ALL SELECT published_at AS t FROM page_versions \
                 WHERE status = 'published' AND published_at > $1 \
               UNION ALL SELECT published_at AS t FROM forecast_sets WHERE published_at > $1\
             ) AS reveals",
        )
        .bind(self.now)
        .fetch_one(self.pool)
        .await?)
    }

    /// The commentaries that have a public version with this slug, and that
    /// version's language (a slug is unique per language, not across them).
    pub async fn find_commentary(&self, slug: &str) -> Result<Vec<(i64, Lang)>> {
        let rows = sqlx::query_as::<_, (i64, String)>(concat!(
            "SELECT c.id, v.lang FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id WHERE ",
            visible!(),
            " AND v.slug = $2 ORDER BY c.id, v.id"
        ))
        .bind(self.now)
        .bind(slug)
        .fetch_all(self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, code)| Ok((id, lang(&code)?)))
            .collect()
    }

    /// Every public version of one commentary.
    pub async fn commentary_versions(&self, commentary_id: i64) -> Result<Vec<VersionRow>> {
        let rows = sqlx::query_as::<_, VersionTuple>(concat!(
            version_columns!(),
            "WHERE ",
            visible!(),
            " AND c.id = $2 ORDER BY v.id"
        ))
        .bind(self.now)
        .bind(commentary_id)
        .fetch_all(self.pool)
        .await?;
        versions(rows)
    }

    /// The newest public versions (of one language, of one trend, or all),
    /// newest first: what feeds carry.
    pub async fn latest_versions(
        &self,
        lang: Option<Lang>,
        trend_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<VersionRow>> {
        // A version shows from the later of its publication and its
        // edition's. The first `limit` by that time are among (a) the
        // versions published no earlier than the `limit`th newest one, ties
        // included, and (b) the first `limit` by the edition's time with
        // the same tie-breaks: a version left out of both is passed over by
        // `limit` others on either time, so on the later one too. Both are
        // walked newest first from an index (`commentary_versions_newest`,
        // `editions_web`), and only their ids are sorted: 0.4 to 1.3 ms a
        // feed on a site of 30,000 versions, against 5 to 23 ms sorting
        // every public version. `CROSS JOIN` holds SQLite to the join order
        // that walks those indexes; PostgreSQL plans it as an inner join.
        // A feed of fewer than `limit` versions walks them all.
        let rows = sqlx::query_as::<_, VersionTuple>(concat!(
            version_columns!(),
            "WHERE v.id IN (SELECT v.id FROM commentary_versions v \
             CROSS JOIN commentaries c CROSS JOIN editions e WHERE ",
            newest_filter!(),
            " AND -v.published_at <= COALESCE((SELECT -v.published_at FROM commentary_versions v \
             CROSS JOIN commentaries c CROSS JOIN editions e WHERE ",
            newest_filter!(),
            " ORDER BY -v.published_at LIMIT 1 OFFSET $4 - 1), 9223372036854775807) \
             UNION SELECT id FROM (SELECT v.id FROM editions e \
             CROSS JOIN commentaries c CROSS JOIN commentary_versions v WHERE ",
            newest_filter!(),
            " ORDER BY e.web_at DESC, c.id DESC, v.id LIMIT $4) AS by_edition) \
             ORDER BY CASE WHEN v.published_at > e.web_at THEN v.published_at ELSE e.web_at END DESC, \
             c.id DESC, v.id LIMIT $4"
        ))
        .bind(self.now)
        .bind(lang.as_ref().map(Lang::as_str).unwrap_or(""))
        .bind(trend_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        versions(rows)
    }

    /// Every public version, by commentary then version id: the whole
    /// public text at once, for a reader of all of it (the static mirror).
    pub async fn all_versions(&self) -> Result<Vec<VersionRow>> {
        let rows = sqlx::query_as::<_, VersionTuple>(concat!(
            version_columns!(),
            "WHERE ",
            visible!(),
            " ORDER BY c.id, v.id"
        ))
        .bind(self.now)
        .fetch_all(self.pool)
        .await?;
        versions(rows)
    }

    /// (commentary, author) pairs of every commentary with a public
    /// version, in byline order.
    pub async fn all_authors(&self) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as::<_, (i64, i64)>(concat!(
            "SELECT ca.commentary_id, ca.author_id FROM commentary_authors ca \
             WHERE EXISTS (SELECT 1 FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id WHERE c.id = ca.commentary_id AND ",
            visible!(),
            ") ORDER BY ca.commentary_id, ca.position, ca.author_id"
        ))
        .bind(self.now)
        .fetch_all(self.pool)
        .await?)
    }

    /// (commentary, author) pairs of the given commentaries, in byline order.
    pub async fn authors_of(&self, commentary_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        let mut out = Vec::new();
        for chunk in commentary_ids.chunks(crate::IN_LIST) {
            let sql = format!(
                "SELECT ca.commentary_id, ca.author_id FROM commentary_authors ca \
                 WHERE ca.commentary_id IN ({}) AND EXISTS (SELECT 1 FROM commentary_versions v \
                 JOIN commentaries c ON c.id = v.commentary_id \
                 JOIN editions e ON e.id = c.edition_id WHERE c.id = ca.commentary_id AND {}) \
                 ORDER BY ca.commentary_id, ca.position, ca.author_id",
                crate::id_list(chunk),
                visible!()
            );
            out.extend(
                sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql))
                    .bind(self.now)
                    .fetch_all(self.pool)
                    .await?,
            );
        }
        Ok(out)
    }

    /// Every public version's address and last change, for sitemaps:
    /// (commentary, language, slug, last change), by commentary.
    pub async fn version_addresses(&self) -> Result<Vec<(i64, Lang, String, Timestamp)>> {
        let rows = sqlx::query_as::<_, (i64, String, String, i64, i64)>(concat!(
            "SELECT c.id, v.lang, v.slug, \
             CASE WHEN v.published_at > e.web_at THEN v.published_at ELSE e.web_at END, \
             v.updated_at FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id WHERE ",
            visible!(),
            " ORDER BY c.id, v.lang"
        ))
        .bind(self.now)
        .fetch_all(self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, code, slug, published, updated)| {
                Ok((id, lang(&code)?, slug, published.max(updated)))
            })
            .collect()
    }

    /// The public versions among the given version ids (in id order).
    pub async fn versions_by_id(&self, ids: &[i64]) -> Result<Vec<VersionRow>> {
        self.versions_in("v.id", ids, version_columns!()).await
    }

    /// Every public version of the given commentaries (in id order).
    pub async fn versions_of(&self, commentary_ids: &[i64]) -> Result<Vec<VersionRow>> {
        self.versions_in("c.id", commentary_ids, version_columns!())
            .await
    }

    /// [`Public::versions_of`] without their bodies (left empty), for
    /// lists that show a title and a lead: the same rows at a fraction of
    /// the bytes.
    pub async fn cards_of(&self, commentary_ids: &[i64]) -> Result<Vec<VersionRow>> {
        self.versions_in("c.id", commentary_ids, version_columns!("''"))
            .await
    }

    async fn versions_in(
        &self,
        column: &'static str,
        ids: &[i64],
        columns: &'static str,
    ) -> Result<Vec<VersionRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(crate::IN_LIST) {
            let sql = format!(
                "{columns}WHERE {} AND {column} IN ({}) ORDER BY c.id, v.id",
                visible!(),
                crate::id_list(chunk)
            );
            let rows = sqlx::query_as::<_, VersionTuple>(sqlx::AssertSqlSafe(sql))
                .bind(self.now)
                .fetch_all(self.pool)
                .await?;
            out.extend(versions(rows)?);
        }
        Ok(out)
    }

    /// The authors of a commentary that has a public version, in order.
    pub async fn commentary_authors(&self, commentary_id: i64) -> Result<Vec<i64>> {
        let ids = sqlx::query_scalar::<_, i64>(concat!(
            "SELECT ca.author_id FROM commentary_authors ca WHERE ca.commentary_id = $2 \
             AND EXISTS (SELECT 1 FROM commentary_versions v \
               JOIN commentaries c ON c.id = v.commentary_id \
               JOIN editions e ON e.id = c.edition_id \
               WHERE c.id = ca.commentary_id AND ",
            visible!(),
            ") ORDER BY ca.position, ca.author_id"
        ))
        .bind(self.now)
        .bind(commentary_id)
        .fetch_all(self.pool)
        .await?;
        Ok(ids)
    }

    /// One page of the commentaries readers can see (of one trend; with a
    /// version in one language), newest week first, and how many there are.
    pub async fn commentary_ids(
        &self,
        trend_id: Option<i64>,
        lang: Option<Lang>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<i64>, u64)> {
        let lang = lang.as_ref().map(Lang::as_str).unwrap_or("");
        let trend = trend_id.unwrap_or(0);
        let ids = sqlx::query_scalar::<_, i64>(concat!(
            "SELECT c.id FROM commentaries c JOIN editions e ON e.id = c.edition_id \
             WHERE ($2 = 0 OR c.trend_id = $2) AND EXISTS (SELECT 1 FROM commentary_versions v \
             WHERE v.commentary_id = c.id AND ($3 = '' OR v.lang = $3) AND ",
            visible!(),
            ") ORDER BY e.week_start DESC, c.position, c.id LIMIT $4 OFFSET $5"
        ))
        .bind(self.now)
        .bind(trend)
        .bind(lang)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM commentaries c JOIN editions e ON e.id = c.edition_id \
             WHERE ($2 = 0 OR c.trend_id = $2) AND EXISTS (SELECT 1 FROM commentary_versions v \
             WHERE v.commentary_id = c.id AND ($3 = '' OR v.lang = $3) AND ",
            visible!(),
            ")"
        ))
        .bind(self.now)
        .bind(trend)
        .bind(lang)
        .fetch_one(self.pool)
        .await?;
        Ok((ids, total.max(0) as u64))
    }

    /// One page of the public versions in one language that pass a filter,
    /// and how many pass it.
    pub async fn filtered_versions(
        &self,
        filter: &VersionFilter,
        order: VersionOrder,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<VersionRow>, u64)> {
        const PUBLISHED: &str =
            "(CASE WHEN v.published_at > e.web_at THEN v.published_at ELSE e.web_at END)";
        // Ids go into the SQL as numbers; slugs and moments are bound after
        // now ($1) and the language ($2).
        let mut conditions = String::new();
        let mut texts: Vec<String> = Vec::new();
        let mut moments: Vec<Timestamp> = Vec::new();
        let ids = |ids: &[i64]| crate::id_list(ids);
        // An empty list matches nothing (so its negation matches all).
        let empty = |only: &Only| match only {
            Only::Trends(t) | Only::Commentaries(t) | Only::Authors(t) | Only::FirstAuthors(t) => {
                t.is_empty()
            }
            Only::Slugs(s) => s.is_empty(),
            Only::Published(..) => false,
        };
        for (keep, only) in &filter.only {
            let test = match only {
                o if empty(o) => "1 = 0".to_owned(),
                Only::Trends(t) => format!("c.trend_id IN ({})", ids(t)),
                Only::Commentaries(t) => format!("c.id IN ({})", ids(t)),
                Only::Authors(t) => format!(
                    "EXISTS (SELECT 1 FROM commentary_authors ca WHERE ca.commentary_id = c.id \
                     AND ca.author_id IN ({}))",
                    ids(t)
                ),
                Only::FirstAuthors(t) => format!(
                    "EXISTS (SELECT 1 FROM commentary_authors ca WHERE ca.commentary_id = c.id \
                     AND ca.author_id IN ({}) AND NOT EXISTS (SELECT 1 FROM commentary_authors b \
                     WHERE b.commentary_id = c.id AND b.position < ca.position))",
                    ids(t)
                ),
                Only::Slugs(slugs) => {
                    let mut marks = Vec::new();
                    for slug in slugs {
                        texts.push(slug.clone());
                        marks.push(format!("${}", 2 + texts.len()));
                    }
                    format!("v.slug IN ({})", marks.join(", "))
                }
                Only::Published(side, or_equal, at) => {
                    moments.push(*at);
                    let op = match (side, or_equal) {
                        (std::cmp::Ordering::Less, false) => "<",
                        (std::cmp::Ordering::Less, true) => "<=",
                        (std::cmp::Ordering::Greater, false) => ">",
                        (std::cmp::Ordering::Greater, true) => ">=",
                        (std::cmp::Ordering::Equal, _) => "=",
                    };
                    // Placeholder numbers for moments are fixed up below,
                    // once the number of slugs is known.
                    format!("{PUBLISHED} {op} @{}", moments.len())
                }
            };
            conditions.push_str(if *keep { " AND " } else { " AND NOT " });
            conditions.push('(');
            conditions.push_str(&test);
            conditions.push(')');
        }
        for i in (1..=moments.len()).rev() {
            conditions = conditions.replace(&format!("@{i}"), &format!("${}", 2 + texts.len() + i));
        }
        let next = 3 + texts.len() + moments.len();
        let order_by = match order {
            VersionOrder::Newest => format!("{PUBLISHED} DESC, c.id DESC"),
            VersionOrder::Oldest => format!("{PUBLISHED}, c.id"),
            VersionOrder::TitleAsc => "v.title, c.id".to_owned(),
            VersionOrder::TitleDesc => "v.title DESC, c.id DESC".to_owned(),
        };
        let from = format!("WHERE {} AND v.lang = $2{conditions}", visible!());
        let list = format!(
            "{}{from} ORDER BY {order_by} LIMIT ${next} OFFSET ${}",
            version_columns!(),
            next + 1
        );
        let count = format!(
            "SELECT COUNT(*) FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id {from}"
        );
        let mut q = sqlx::query_as::<_, VersionTuple>(sqlx::AssertSqlSafe(list))
            .bind(self.now)
            .bind(filter.lang.as_str());
        let mut n = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count))
            .bind(self.now)
            .bind(filter.lang.as_str());
        for t in &texts {
            q = q.bind(t.clone());
            n = n.bind(t.clone());
        }
        for m in &moments {
            q = q.bind(*m);
            n = n.bind(*m);
        }
        let rows = q.bind(limit).bind(offset).fetch_all(self.pool).await?;
        let total = n.fetch_one(self.pool).await?;
        Ok((versions(rows)?, total.max(0) as u64))
    }

    /// How many public versions in one language each trend and each author
    /// has: (trend id → count, author id → count).
    pub async fn lang_counts(
        &self,
        lang: Lang,
    ) -> Result<(
        std::collections::HashMap<i64, u64>,
        std::collections::HashMap<i64, u64>,
    )> {
        let trends = sqlx::query_as::<_, (i64, i64)>(concat!(
            "SELECT c.trend_id, COUNT(*) FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id WHERE ",
            visible!(),
            " AND v.lang = $2 GROUP BY c.trend_id ORDER BY c.trend_id"
        ))
        .bind(self.now)
        .bind(lang.as_str())
        .fetch_all(self.pool)
        .await?;
        let authors = sqlx::query_as::<_, (i64, i64)>(concat!(
            "SELECT ca.author_id, COUNT(*) FROM commentary_versions v \
             JOIN commentaries c ON c.id = v.commentary_id \
             JOIN editions e ON e.id = c.edition_id \
             JOIN commentary_authors ca ON ca.commentary_id = c.id WHERE ",
            visible!(),
            " AND v.lang = $2 GROUP BY ca.author_id ORDER BY ca.author_id"
        ))
        .bind(self.now)
        .bind(lang.as_str())
        .fetch_all(self.pool)
        .await?;
        let count = |rows: Vec<(i64, i64)>| {
            rows.into_iter()
                .map(|(id, n)| (id, n.max(0) as u64))
                .collect()
        };
        Ok((count(trends), count(authors)))
    }

    /// The public versions of every commentary in the editions whose week
    /// starts within the bounds (of one trend, or all), by week and then in
    /// the editions' order: the barometer.
    pub async fn marks(
        &self,
        from: Option<jiff::civil::Date>,
        to: Option<jiff::civil::Date>,
        trend_id: Option<i64>,
    ) -> Result<Vec<MarkRow>> {
        marks(
            self.pool,
            mark_query!(visible!()),
            self.now,
            from,
            to,
            trend_id,
        )
        .await
    }

    /// Public versions of static pages; all of them, or those of one slug.
    pub async fn pages(&self, slug: Option<&str>) -> Result<Vec<PageRow>> {
        let rows = sqlx::query_as::<_, (i64, String, String, String, String)>(
            "SELECT p.id, p.slug, v.lang, v.title, v.body FROM page_versions v \
             JOIN pages p ON p.id = v.page_id \
             WHERE v.status = 'published' AND v.published_at IS NOT NULL \
             AND v.published_at <= $1 AND ($2 = '' OR p.slug = $2) \
             ORDER BY p.position, p.id, v.lang",
        )
        .bind(self.now)
        .bind(slug.unwrap_or(""))
        .fetch_all(self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, slug, code, title, body)| {
                Ok(PageRow {
                    id,
                    slug,
                    lang: lang(&code)?,
                    title,
                    body,
                })
            })
            .collect()
    }
}
