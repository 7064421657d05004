//! What the public pages of one moment share, read once and kept while it
//! stays true.
//!
//! Public content is a function of the database and the clock. A [`Memo`]
//! is read at some moment `from` and stays right until the database
//! changes (the store's change generation moves, on this node or, through
//! its watcher, on any other) or the clock reaches the next publication
//! time (`until`, from [`sitrep_store::Public::next_reveal`]). Within that
//! window every page asks it instead of the database for the latest
//! edition, the menu's pages, each trend's list and the barometer's marks;
//! outside it a fresh one is read. This is the seam a cache of whole
//! responses keys on too.
//!
//! A reader of the whole site (the static mirror, whose requests run in
//! [`crate::mirror::active`] mode) would otherwise ask the database the
//! same few questions once per page; for it the memo reads every public
//! version in one go ([`Everything`]) and answers the commentary pages'
//! questions from memory. Everything else reads the database as before:
//! a live node keeps no copy of the whole text.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use sitrep_core::Lang;
use sitrep_core::Timestamp;
use sitrep_store::{EditionRow, MarkRow, PageRow, Store, StoreError, VersionRow};

/// How many periods' marks one memo keeps (periods come from addresses,
/// so their number must not be the reader's choice).
const MARK_PERIODS: usize = 16;

type Period = (Option<Date>, Option<Date>);

pub struct Memo {
    generation: u64,
    from: Timestamp,
    until: Option<Timestamp>,
    pub latest: Option<EditionRow>,
    pub pages: Arc<Vec<PageRow>>,
    trends: tokio::sync::OnceCell<HashMap<i64, Arc<Vec<i64>>>>,
    editions: tokio::sync::OnceCell<Arc<Vec<EditionRow>>>,
    marks: Mutex<HashMap<Period, Arc<Vec<MarkRow>>>>,
    everything: tokio::sync::OnceCell<Everything>,
}

/// Every public version of one moment, as the static mirror reads them.
#[derive(Default)]
struct Everything {
    /// Each commentary's versions, bodies left empty, in version order.
    versions: HashMap<i64, Vec<VersionRow>>,
    /// Version id → body.
    bodies: HashMap<i64, String>,
    /// Slug → (commentary, language), in commentary then version order.
    slugs: HashMap<String, Vec<(i64, Lang)>>,
    /// Commentary → authors, in byline order.
    authors: HashMap<i64, Vec<i64>>,
}

impl Everything {
    async fn read(store: &Store, now: Timestamp) -> Result<Everything, StoreError> {
        let public = store.public(now);
        let mut all = Everything::default();
        for mut v in public.all_versions().await? {
            all.bodies.insert(v.id, std::mem::take(&mut v.body));
            all.slugs
                .entry(v.slug.clone())
                .or_default()
                .push((v.commentary_id, v.lang));
            all.versions.entry(v.commentary_id).or_default().push(v);
        }
        for (commentary, author) in public.all_authors().await? {
            all.authors.entry(commentary).or_default().push(author);
        }
        Ok(all)
    }
}

impl Memo {
    /// The change generation it was read under.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The moment it was read.
    pub fn from(&self) -> Timestamp {
        self.from
    }

    /// The next scheduled publication after it was read, if any.
    pub fn until(&self) -> Option<Timestamp> {
        self.until
    }

    /// Whether this memo is what a read at `now` under `generation` gives.
    fn holds(&self, generation: u64, now: Timestamp) -> bool {
        self.generation == generation && self.from <= now && self.until.is_none_or(|u| now < u)
    }

    async fn read(store: &Store, generation: u64, now: Timestamp) -> Result<Memo, StoreError> {
        let public = store.public(now);
        Ok(Memo {
            generation,
            from: now,
            until: public.next_reveal().await?,
            latest: public.latest_edition().await?,
            pages: Arc::new(public.pages(None).await?),
            trends: tokio::sync::OnceCell::new(),
            editions: tokio::sync::OnceCell::new(),
            marks: Mutex::new(HashMap::new()),
            everything: tokio::sync::OnceCell::new(),
        })
    }

    /// The whole public text, for a mirror's request; `None` otherwise.
    async fn everything(&self, store: &Store) -> Result<Option<&Everything>, StoreError> {
        if !crate::mirror::active() {
            return Ok(None);
        }
        let all = self
            .everything
            .get_or_try_init(|| Everything::read(store, self.from))
            .await?;
        Ok(Some(all))
    }

    /// [`sitrep_store::Public::find_commentary`].
    pub async fn find_commentary(
        &self,
        store: &Store,
        slug: &str,
    ) -> Result<Vec<(i64, Lang)>, StoreError> {
        match self.everything(store).await? {
            Some(all) => Ok(all.slugs.get(slug).cloned().unwrap_or_default()),
            None => store.public(self.from).find_commentary(slug).await,
        }
    }

    /// [`sitrep_store::Public::commentary_versions`].
    pub async fn commentary_versions(
        &self,
        store: &Store,
        commentary_id: i64,
    ) -> Result<Vec<VersionRow>, StoreError> {
        let Some(all) = self.everything(store).await? else {
            return store
                .public(self.from)
                .commentary_versions(commentary_id)
                .await;
        };
        let mut rows = all
            .versions
            .get(&commentary_id)
            .cloned()
            .unwrap_or_default();
        for v in &mut rows {
            v.body = all.bodies.get(&v.id).cloned().unwrap_or_default();
        }
        Ok(rows)
    }

    /// [`sitrep_store::Public::commentary_authors`].
    pub async fn commentary_authors(
        &self,
        store: &Store,
        commentary_id: i64,
    ) -> Result<Vec<i64>, StoreError> {
        match self.everything(store).await? {
            Some(all) => Ok(all.authors.get(&commentary_id).cloned().unwrap_or_default()),
            None => {
                store
                    .public(self.from)
                    .commentary_authors(commentary_id)
                    .await
            }
        }
    }

    /// [`sitrep_store::Public::cards_of`].
    pub async fn cards_of(
        &self,
        store: &Store,
        commentary_ids: &[i64],
    ) -> Result<Vec<VersionRow>, StoreError> {
        let Some(all) = self.everything(store).await? else {
            return store.public(self.from).cards_of(commentary_ids).await;
        };
        let mut ids = commentary_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids
            .iter()
            .filter_map(|id| all.versions.get(id))
            .flatten()
            .cloned()
            .collect())
    }

    /// The commentaries of a trend with a public version, newest first.
    pub async fn trend(&self, store: &Store, trend_id: i64) -> Result<Arc<Vec<i64>>, StoreError> {
        let lists = self
            .trends
            .get_or_try_init(|| async {
                let mut lists: HashMap<i64, Vec<i64>> = HashMap::new();
                for (trend, commentary) in store.public(self.from).trend_lists().await? {
                    lists.entry(trend).or_default().push(commentary);
                }
                Ok::<_, StoreError>(
                    lists
                        .into_iter()
                        .map(|(t, ids)| (t, Arc::new(ids)))
                        .collect(),
                )
            })
            .await?;
        Ok(lists.get(&trend_id).cloned().unwrap_or_default())
    }

    /// [`sitrep_store::Public::editions`], newest first: every archive
    /// page, the sitemap and the API's list ask it, and the answer takes a
    /// look at every edition (5 ms on a site of ten years).
    pub async fn editions(&self, store: &Store) -> Result<Arc<Vec<EditionRow>>, StoreError> {
        self.editions
            .get_or_try_init(|| async { Ok(Arc::new(store.public(self.from).editions().await?)) })
            .await
            .cloned()
    }

    /// The public marks of the editions whose week starts within a period.
    pub async fn marks(
        &self,
        store: &Store,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Arc<Vec<MarkRow>>, StoreError> {
        if let Some(found) = self
            .marks
            .lock()
            .ok()
            .and_then(|m| m.get(&(from, to)).cloned())
        {
            return Ok(found);
        }
        let marks = Arc::new(store.public(self.from).marks(from, to, None).await?);
        if let Ok(mut kept) = self.marks.lock()
            && kept.len() < MARK_PERIODS
        {
            kept.insert((from, to), marks.clone());
        }
        Ok(marks)
    }
}

/// The node's current memo.
#[derive(Default)]
pub struct Memos {
    current: std::sync::RwLock<Option<Arc<Memo>>>,
}

impl Memos {
    /// The memo for a read at `now`: the kept one while it holds, else a
    /// fresh one (kept for the next reader).
    pub async fn at(&self, store: &Store, now: Timestamp) -> Result<Arc<Memo>, StoreError> {
        // The generation is read before the database, so a change during
        // the read leaves the memo stale rather than wrongly fresh.
        let generation = store.changes().generation();
        if let Ok(guard) = self.current.read()
            && let Some(memo) = guard.as_ref()
            && memo.holds(generation, now)
        {
            return Ok(memo.clone());
        }
        let memo = Arc::new(Memo::read(store, generation, now).await?);
        if let Ok(mut guard) = self.current.write() {
            *guard = Some(memo.clone());
        }
        Ok(memo)
    }
}
