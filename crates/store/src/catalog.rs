use std::collections::HashMap;

use sitrep_core::Lang;
use sqlx::AnyPool;
use std::sync::Arc;

use crate::{Result, StoreError};

/// A topic area, with its name and description in each language it has.
#[derive(Debug, Clone)]
pub struct Trend {
    pub id: i64,
    pub slug: String,
    pub position: i64,
    pub names: HashMap<Lang, (String, String)>,
}

/// One step of the assessment scale, with its label in each language.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub id: i64,
    pub key: String,
    pub position: i64,
    /// How the situation moved: 2 much better … 0 no change … -2 much worse.
    pub tone: i64,
    pub labels: HashMap<Lang, String>,
}

/// One step of the likelihood scale forecasts are made on ("likely"), with
/// its probability and its label in each language.
#[derive(Debug, Clone)]
pub struct Likelihood {
    pub id: i64,
    pub key: String,
    /// Whole percent, 0 to 100.
    pub percent: i64,
    pub position: i64,
    pub labels: HashMap<Lang, String>,
}

#[derive(Debug, Clone)]
pub struct Author {
    pub id: i64,
    pub slug: String,
    pub names: HashMap<Lang, (String, String)>,
}

/// The reference lists: small, read by every page, never secret.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub trends: Vec<Trend>,
    pub assessments: Vec<Assessment>,
    pub likelihoods: Vec<Likelihood>,
    pub authors: Vec<Author>,
    /// Site-wide texts (name, tagline, publisher) per key and language.
    pub texts: HashMap<String, HashMap<Lang, String>>,
    /// Every stored image's pixel size, by its file name under `/media/`,
    /// so pages can give each image its width and height.
    pub media: Arc<HashMap<String, (u32, u32)>>,
}

impl Catalog {
    pub fn trend(&self, id: i64) -> Option<&Trend> {
        self.trends.iter().find(|t| t.id == id)
    }

    pub fn trend_by_slug(&self, slug: &str) -> Option<&Trend> {
        self.trends.iter().find(|t| t.slug == slug)
    }

    pub fn assessment(&self, id: i64) -> Option<&Assessment> {
        self.assessments.iter().find(|a| a.id == id)
    }

    /// A site-wide text in `lang`, or in the first of `fallbacks` that has it.
    pub fn text(&self, key: &str, lang: Lang, fallbacks: &[Lang]) -> String {
        let Some(by_lang) = self.texts.get(key) else {
            return String::new();
        };
        std::iter::once(&lang)
            .chain(fallbacks)
            .find_map(|l| by_lang.get(l))
            .cloned()
            .unwrap_or_default()
    }

    pub fn likelihood(&self, id: i64) -> Option<&Likelihood> {
        self.likelihoods.iter().find(|l| l.id == id)
    }

    pub fn author(&self, id: i64) -> Option<&Author> {
        self.authors.iter().find(|a| a.id == id)
    }
}

fn lang(code: &str) -> Result<Lang> {
    Lang::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) async fn load(pool: &AnyPool) -> Result<Catalog> {
    let mut trends: Vec<Trend> = sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT id, slug, position FROM trends ORDER BY position, id",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, slug, position)| Trend {
        id,
        slug,
        position,
        names: HashMap::new(),
    })
    .collect();
    let names = sqlx::query_as::<_, (i64, String, String, String)>(
        "SELECT trend_id, lang, name, description FROM trend_names",
    )
    .fetch_all(pool)
    .await?;
    for (id, code, name, description) in names {
        if let Some(t) = trends.iter_mut().find(|t| t.id == id) {
            t.names.insert(lang(&code)?, (name, description));
        }
    }

    let mut assessments: Vec<Assessment> = sqlx::query_as::<_, (i64, String, i64, i64)>(
        "SELECT id, key, position, tone FROM assessments ORDER BY position, id",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, key, position, tone)| Assessment {
        id,
        key,
        position,
        tone,
        labels: HashMap::new(),
    })
    .collect();
    let labels = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT assessment_id, lang, label FROM assessment_labels",
    )
    .fetch_all(pool)
    .await?;
    for (id, code, label) in labels {
        if let Some(a) = assessments.iter_mut().find(|a| a.id == id) {
            a.labels.insert(lang(&code)?, label);
        }
    }

    let mut likelihoods: Vec<Likelihood> = sqlx::query_as::<_, (i64, String, i64, i64)>(
        "SELECT id, key, percent, position FROM likelihoods ORDER BY position, id",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, key, percent, position)| Likelihood {
        id,
        key,
        percent,
        position,
        labels: HashMap::new(),
    })
    .collect();
    let labels = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT likelihood_id, lang, label FROM likelihood_labels",
    )
    .fetch_all(pool)
    .await?;
    for (id, code, label) in labels {
        if let Some(l) = likelihoods.iter_mut().find(|l| l.id == id) {
            l.labels.insert(lang(&code)?, label);
        }
    }

    let mut authors: Vec<Author> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, slug FROM authors ORDER BY id")
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|(id, slug)| Author {
                id,
                slug,
                names: HashMap::new(),
            })
            .collect();
    let author_names = sqlx::query_as::<_, (i64, String, String, String)>(
        "SELECT author_id, lang, name, bio FROM author_names",
    )
    .fetch_all(pool)
    .await?;
    for (id, code, name, bio) in author_names {
        if let Some(a) = authors.iter_mut().find(|a| a.id == id) {
            a.names.insert(lang(&code)?, (name, bio));
        }
    }

    let mut texts: HashMap<String, HashMap<Lang, String>> = HashMap::new();
    let rows =
        sqlx::query_as::<_, (String, String, String)>("SELECT key, lang, value FROM site_texts")
            .fetch_all(pool)
            .await?;
    for (key, code, value) in rows {
        texts.entry(key).or_default().insert(lang(&code)?, value);
    }

    let media = sqlx::query_as::<_, (String, i64, i64)>("SELECT hash, width, height FROM media")
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(name, w, h)| {
            (
                name,
                (
                    w.clamp(0, u32::MAX.into()) as u32,
                    h.clamp(0, u32::MAX.into()) as u32,
                ),
            )
        })
        .collect();

    Ok(Catalog {
        trends,
        assessments,
        likelihoods,
        authors,
        texts,
        media: Arc::new(media),
    })
}
