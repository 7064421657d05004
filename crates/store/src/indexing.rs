//! What the search index is fed: every *published* version, with the moment
//! it becomes public, including versions scheduled for later. This is not a
//! public read: the index filters on `visible_at` at query time, and the
//! pages it leads to read through [`crate::Public`].

use sitrep_core::Lang;

use crate::{Result, Store, StoreError};

/// Published, with both times set (they may still lie ahead).
macro_rules! indexable {
    () => {
        "v.status = 'published' AND v.published_at IS NOT NULL AND e.web_at IS NOT NULL"
    };
}

/// The columns that make a version's stamp, in order; any change to one of
/// them makes the index take the version again.
macro_rules! stamp_columns {
    () => {
        "SELECT v.id, c.id, v.lang, v.revision, v.updated_at, v.slug, c.trend_id, \
         c.assessment_id, e.week_start, e.week_end, \
         CASE WHEN v.published_at > e.web_at THEN v.published_at ELSE e.web_at END"
    };
}

const FROM: &str = " FROM commentary_versions v \
     JOIN commentaries c ON c.id = v.commentary_id \
     JOIN editions e ON e.id = c.edition_id WHERE ";

type StampTuple = (
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    String,
    i64,
);

/// The stamp's columns, then title, lead and body.
type RowTuple = (
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
);

/// One published version, as the index takes it.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub version: i64,
    pub commentary: i64,
    pub lang: Lang,
    pub trend_id: i64,
    pub assessment_id: i64,
    pub week_start: String,
    pub week_end: String,
    /// The later of the version's and its edition's publication times.
    pub visible_at: i64,
    pub title: String,
    pub lead: String,
    /// Markdown, as stored.
    pub body: String,
    pub stamp: u64,
}

/// FNV-1a: stable across builds and Rust versions, unlike std's hasher, so
/// an index written by one build is still understood by the next.
fn stamp(t: &StampTuple) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain(&[0xff]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for n in [t.0, t.1, t.3, t.4, t.6, t.7, t.10] {
        eat(&n.to_le_bytes());
    }
    for s in [&t.2, &t.5, &t.8, &t.9] {
        eat(s.as_bytes());
    }
    h
}

impl Store {
    /// Every published version's id and stamp, in no particular order (an
    /// order would make SQLite read the table instead of the covering
    /// index `commentary_versions_stamp`).
    pub async fn index_stamps(&self) -> Result<Vec<(i64, u64)>> {
        let sql = format!("{}{FROM}{}", stamp_columns!(), indexable!());
        let rows = sqlx::query_as::<_, StampTuple>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|t| (t.0, stamp(t))).collect())
    }

    /// The published versions among `ids`, with their text.
    pub async fn index_rows(&self, ids: &[i64]) -> Result<Vec<IndexRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(crate::IN_LIST) {
            let sql = format!(
                "{}, v.title, v.lead, v.body{FROM}{} AND v.id IN ({}) ORDER BY v.id",
                stamp_columns!(),
                indexable!(),
                crate::id_list(chunk)
            );
            let rows = sqlx::query_as::<_, RowTuple>(sqlx::AssertSqlSafe(sql))
                .fetch_all(&self.pool)
                .await?;
            for r in rows {
                let (title, lead, body) = (r.11, r.12, r.13);
                let t: StampTuple = (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10);
                out.push(IndexRow {
                    version: t.0,
                    commentary: t.1,
                    lang: Lang::parse(&t.2).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    trend_id: t.6,
                    assessment_id: t.7,
                    stamp: stamp(&t),
                    week_start: t.8,
                    week_end: t.9,
                    visible_at: t.10,
                    title,
                    lead,
                    body,
                });
            }
        }
        Ok(out)
    }
}
