//! Full-text search over commentaries: one tantivy index per language, in
//! a folder of the node's own (`{data}/index/{lang}/`), each with its
//! language's analyzer (`analysis`).
//!
//! Architecture invariants:
//! - The index is derived data. The database is the truth; the index holds
//!   every *published* version together with the moment it becomes public
//!   (`visible_at`), and every query filters on that moment, so a scheduled
//!   commentary appears in results exactly on time with no job to run.
//! - Each document carries a `stamp` (a hash of what was indexed, made by the
//!   store); the caller compares stamps with the database and hands this
//!   crate the difference (`apply`). Nothing here speaks SQL.
//! - Opening never fails: a missing, corrupt or outdated index is wiped and
//!   starts empty (the caller's next sync fills it), and a folder that cannot
//!   be written falls back to memory.

mod analysis;
mod belarusian;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::collector::{Count, TopDocs};
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, QueryParser, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

pub use analysis::terms;

/// Written beside the language folders; a different value (another
/// schema or analyzer) makes the index start over.
const FORMAT: &str = "sitrep-search 2\n";
const FORMAT_FILE: &str = "FORMAT";
/// The one tokenizer name each language index registers.
const TOKENIZER: &str = "text";
/// The indexing memory of a writer; tantivy's minimum is 15 MB.
const WRITER_MEMORY: usize = 32_000_000;
/// `synced` before the first comparison with the database.
const NEVER: u64 = u64::MAX;
/// A query is cut to this many characters before parsing.
pub const LONGEST_QUERY: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0} is not a language code")]
    BadLang(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// One published language version, as the index takes it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub version: u64,
    pub commentary: u64,
    pub lang: String,
    pub trend: u64,
    pub assessment: u64,
    /// The edition's week as `yyyymmdd` numbers.
    pub week_start: i64,
    pub week_end: i64,
    /// When the version becomes public (epoch seconds).
    pub visible_at: i64,
    pub title: String,
    pub lead: String,
    /// Plain text (the caller strips the Markdown).
    pub body: String,
    pub stamp: u64,
}

/// What a reader asked for.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub lang: &'a str,
    /// Words, "quoted phrases", -excluded words; empty lists by date.
    pub text: &'a str,
    pub trend: Option<u64>,
    pub assessment: Option<u64>,
    /// Editions whose week overlaps `from..=to` (`yyyymmdd`).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Now, in epoch seconds: nothing public later than this is found.
    pub now: i64,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub version: u64,
    pub commentary: u64,
}

/// A page of results and what is needed to show them.
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// False when no version had every word and the results are those with
    /// any of them.
    pub all_words: bool,
    marker: Option<Marker>,
}

/// A piece of a highlighted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub mark: bool,
}

struct Marker {
    terms: BTreeSet<String>,
    /// The first letters of the query's words, folded (see [`prefix_key`]):
    /// a cheap test of which paragraphs may hold a match.
    prefixes: BTreeSet<String>,
    analyzer: TextAnalyzer,
    passage: Option<SnippetGenerator>,
}

#[derive(Clone, Copy)]
struct Fields {
    version: Field,
    commentary: Field,
    stamp: Field,
    trend: Field,
    assessment: Field,
    week_start: Field,
    week_end: Field,
    visible_at: Field,
    title: Field,
    lead: Field,
    body: Field,
    /// The analysed words of title, lead and body with their counts
    /// (`similar` reads them instead of analysing the text again).
    words: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        version: b.add_u64_field("version", INDEXED | FAST),
        commentary: b.add_u64_field("commentary", INDEXED | FAST),
        stamp: b.add_u64_field("stamp", FAST),
        trend: b.add_u64_field("trend", INDEXED | FAST),
        assessment: b.add_u64_field("assessment", INDEXED | FAST),
        week_start: b.add_i64_field("week_start", INDEXED | FAST),
        week_end: b.add_i64_field("week_end", INDEXED | FAST),
        visible_at: b.add_i64_field("visible_at", INDEXED | FAST),
        title: b.add_text_field("title", text.clone()),
        lead: b.add_text_field("lead", text.clone()),
        body: b.add_text_field("body", text),
        words: b.add_text_field("words", tantivy::schema::STORED),
    };
    (b.build(), fields)
}

/// One language's index.
struct LangIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Body document frequencies already looked up, for the searcher
    /// generation they were read in ("read more" asks for the same words
    /// page after page).
    doc_freqs: Mutex<(u64, HashMap<String, u64>)>,
}

impl LangIndex {
    fn prepare(lang: &str, index: Index) -> Result<LangIndex> {
        index
            .tokenizers()
            .register(TOKENIZER, analysis::analyzer(lang));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(LangIndex {
            index,
            reader,
            fields: schema().1,
            doc_freqs: Mutex::new((u64::MAX, HashMap::new())),
        })
    }

    /// Every document's version, stamp.
    fn stamps(&self) -> Result<Vec<(u64, u64)>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let versions = segment.fast_fields().u64("version")?;
            let stamps = segment.fast_fields().u64("stamp")?;
            for doc in 0..segment.max_doc() {
                if segment.is_deleted(doc) {
                    continue;
                }
                if let (Some(v), Some(s)) = (versions.first(doc), stamps.first(doc)) {
                    out.push((v, s));
                }
            }
        }
        Ok(out)
    }

    fn hit(&self, searcher: &Searcher, at: DocAddress) -> Result<Hit> {
        let segment = searcher.segment_reader(at.segment_ord);
        let version = segment.fast_fields().u64("version")?.first(at.doc_id);
        let commentary = segment.fast_fields().u64("commentary")?.first(at.doc_id);
        Ok(Hit {
            version: version.unwrap_or(0),
            commentary: commentary.unwrap_or(0),
        })
    }

    /// The stored word counts of `version` (see [`write_words`]), when it
    /// is indexed.
    fn words(&self, searcher: &Searcher, version: u64) -> Result<Option<String>> {
        let term = Term::from_field_u64(self.fields.version, version);
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let postings = segment
                .inverted_index(self.fields.version)?
                .read_postings(&term, IndexRecordOption::Basic)?;
            let Some(mut postings) = postings else {
                continue;
            };
            let mut doc = tantivy::DocSet::doc(&postings);
            while doc != tantivy::TERMINATED {
                if !segment.is_deleted(doc) {
                    let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                    return Ok(stored
                        .get_first(self.fields.words)
                        .and_then(|v| tantivy::schema::Value::as_str(&v))
                        .map(str::to_owned));
                }
                doc = tantivy::DocSet::advance(&mut postings);
            }
        }
        Ok(None)
    }

    /// "More like this", made here rather than with tantivy's own so that
    /// the chosen words do not depend on a hash map's order: the words
    /// that best tell this text apart (tf·idf), ties broken alphabetically,
    /// each a `Should` clause weighted by its share.
    fn like_query<'w>(
        &self,
        searcher: &Searcher,
        counts: impl Iterator<Item = (&'w str, usize)>,
        docs: u64,
    ) -> Result<BooleanQuery> {
        const WORDS: usize = 25;
        let f = self.fields;
        let generation = searcher.generation().generation_id();
        let mut scored = Vec::new();
        {
            let mut known = self.doc_freqs.lock().map_err(|_| poisoned())?;
            if known.0 != generation || known.1.len() > 1_000_000 {
                *known = (generation, HashMap::new());
            }
            for (term, tf) in counts {
                let df = match known.1.get(term) {
                    Some(df) => *df,
                    None => {
                        let df = searcher.doc_freq(&Term::from_field_text(f.body, term))?;
                        known.1.insert(term.to_owned(), df);
                        df
                    }
                };
                // A word only this text has cannot lead anywhere; one many
                // texts have says little about this one, and reading its
                // long list of documents is most of the query's cost.
                if df < 2 || df > (docs / 20).max(8) {
                    continue;
                }
                let idf = (docs as f32 / (df as f32 + 1.0)).ln() + 1.0;
                scored.push((tf as f32 * idf, term));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored.truncate(WORDS);
        let best = scored.first().map_or(1.0, |s| s.0);
        let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = scored
            .into_iter()
            .flat_map(|(score, term)| {
                [f.title, f.body].map(|field| {
                    let q: Box<dyn TantivyQuery> = Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        )),
                        score / best,
                    ));
                    (Occur::Should, q)
                })
            })
            .collect();
        Ok(BooleanQuery::new(clauses))
    }

    /// The filters every query carries: public by `now`, and the reader's.
    fn filters(&self, q: &Query<'_>) -> Vec<(Occur, Box<dyn TantivyQuery>)> {
        let f = self.fields;
        let mut out: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.visible_at, q.now)),
            )),
        )];
        let term = |field, value| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_u64(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(t) = q.trend {
            out.push((Occur::Must, term(f.trend, t)));
        }
        if let Some(a) = q.assessment {
            out.push((Occur::Must, term(f.assessment, a)));
        }
        // The edition's week overlaps the range: it ends on or after `from`
        // and starts on or before `to`.
        if let Some(from) = q.from {
            out.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_i64(f.week_end, from)),
                    Bound::Unbounded,
                )),
            ));
        }
        if let Some(to) = q.to {
            out.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_i64(f.week_start, to)),
                )),
            ));
        }
        out
    }

    fn parser(&self, all_words: bool) -> QueryParser {
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.lead, f.body]);
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.lead, 1.5);
        if all_words {
            parser.set_conjunction_by_default();
        }
        parser
    }
}

/// The search indexes of one node.
pub struct Search {
    /// `None`: kept in memory only.
    root: Option<PathBuf>,
    langs: RwLock<HashMap<String, Arc<LangIndex>>>,
    /// version → (language, stamp) of every indexed document.
    known: Mutex<HashMap<u64, (String, u64)>>,
    /// The store's change generation the index last caught up with.
    synced: AtomicU64,
    /// Whether the index started empty (new, or wiped).
    fresh: bool,
    /// Held while this process uses the folder.
    lock: Option<std::fs::File>,
}

fn valid_lang(lang: &str) -> bool {
    !lang.is_empty()
        && lang.len() <= 16
        && lang
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Search {
    /// Opens the index kept in `root` (created as needed), or one in memory
    /// for `None`. Never fails; see the module notes.
    pub fn open(root: Option<&Path>) -> Search {
        let mut search = Search {
            root: root.map(Path::to_path_buf),
            langs: RwLock::new(HashMap::new()),
            known: Mutex::new(HashMap::new()),
            synced: AtomicU64::new(NEVER),
            fresh: true,
            lock: None,
        };
        let Some(root) = root else {
            return search;
        };
        // One process per folder: a second node pointed at the same folder
        // would index the same versions twice.
        match claim(root) {
            Ok(Some(lock)) => search.lock = Some(lock),
            Ok(None) => {
                tracing::warn!(folder = %root.display(), "another sitrep process keeps its search index in this folder; this one keeps its own in memory (give each node its own folder with SITREP_INDEX)");
                search.root = None;
                return search;
            }
            Err(e) => {
                tracing::warn!(error = %e, folder = %root.display(), "the search index folder cannot be used; keeping the index in memory");
                search.root = None;
                return search;
            }
        }
        match search.open_folder(root) {
            Ok(fresh) => search.fresh = fresh,
            Err(e) => {
                tracing::warn!(error = %e, folder = %root.display(), "the search index cannot be opened; starting it over");
                search.langs = RwLock::new(HashMap::new());
                search.known = Mutex::new(HashMap::new());
                if let Err(e) = wipe(root) {
                    tracing::warn!(error = %e, "the search index folder cannot be used; keeping the index in memory");
                    search.root = None;
                }
            }
        }
        search
    }

    /// Reads each language folder; returns whether the index was empty.
    fn open_folder(&self, root: &Path) -> Result<bool> {
        let format = std::fs::read_to_string(root.join(FORMAT_FILE)).unwrap_or_default();
        if format != FORMAT {
            wipe(root)?;
            return Ok(true);
        }
        let mut langs = HashMap::new();
        let mut known = HashMap::new();
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type()?.is_dir() || !valid_lang(&name) {
                continue;
            }
            let index = LangIndex::prepare(&name, Index::open_in_dir(entry.path())?)?;
            for (version, stamp) in index.stamps()? {
                known.insert(version, (name.clone(), stamp));
            }
            langs.insert(name, Arc::new(index));
        }
        let fresh = known.is_empty();
        if let (Ok(mut l), Ok(mut k)) = (self.langs.write(), self.known.lock()) {
            *l = langs;
            *k = known;
        }
        Ok(fresh)
    }

    /// Whether a running process holds the index folder at `root`: a
    /// serving node does, so commands that must not run beside one ask.
    pub fn in_use(root: &Path) -> bool {
        let Ok(file) = std::fs::OpenOptions::new()
            .write(true)
            .open(root.join(LOCK_FILE))
        else {
            return false;
        };
        matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
    }

    /// Whether the index lives in memory only (no folder, or the folder is
    /// another process's).
    pub fn in_memory(&self) -> bool {
        self.root.is_none()
    }

    /// Whether the index started empty, so the first sync builds it whole.
    pub fn fresh(&self) -> bool {
        self.fresh
    }

    /// Whether the index has caught up with the store's change
    /// `generation`.
    pub fn is_synced(&self, generation: u64) -> bool {
        let synced = self.synced.load(Ordering::SeqCst);
        synced != NEVER && synced >= generation
    }

    /// Notes that the index matches the database as of `generation` (the
    /// caller read it before reading the database).
    pub fn set_synced(&self, generation: u64) {
        self.synced.store(generation, Ordering::SeqCst);
    }

    /// Makes the next check compare with the database whatever the generation.
    pub fn forget_sync(&self) {
        self.synced.store(NEVER, Ordering::SeqCst);
    }

    /// How many versions are indexed.
    pub fn len(&self) -> usize {
        self.known.lock().map(|k| k.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Compares the database's published versions (version, stamp) with
    /// the index: returns the versions to drop and those to (re)index.
    pub fn diff(&self, current: &[(u64, u64)]) -> (Vec<u64>, Vec<u64>) {
        let Ok(known) = self.known.lock() else {
            return (Vec::new(), current.iter().map(|(v, _)| *v).collect());
        };
        let mut wanted: HashMap<u64, u64> = HashMap::with_capacity(current.len());
        let mut fetch = Vec::new();
        for &(version, stamp) in current {
            wanted.insert(version, stamp);
            if known.get(&version).map(|(_, s)| *s) != Some(stamp) {
                fetch.push(version);
            }
        }
        let mut drop: Vec<u64> = known
            .keys()
            .filter(|v| !wanted.contains_key(v))
            .copied()
            .collect();
        drop.sort_unstable();
        fetch.sort_unstable();
        (drop, fetch)
    }

    fn lang_index(&self, lang: &str) -> Option<Arc<LangIndex>> {
        self.langs.read().ok()?.get(lang).cloned()
    }

    fn lang_index_or_create(&self, lang: &str) -> Result<Arc<LangIndex>> {
        if let Some(index) = self.lang_index(lang) {
            return Ok(index);
        }
        if !valid_lang(lang) {
            return Err(SearchError::BadLang(lang.to_owned()));
        }
        let index = match &self.root {
            Some(root) => {
                std::fs::create_dir_all(root)?;
                std::fs::write(root.join(FORMAT_FILE), FORMAT)?;
                let dir = root.join(lang);
                std::fs::create_dir_all(&dir)?;
                Index::create_in_dir(&dir, schema().0)?
            }
            None => Index::create_in_ram(schema().0),
        };
        let index = Arc::new(LangIndex::prepare(lang, index)?);
        if let Ok(mut langs) = self.langs.write() {
            langs.insert(lang.to_owned(), index.clone());
        }
        Ok(index)
    }

    /// Drops `remove` and adds (or replaces) `add`; blocking, so async
    /// callers run it on a blocking thread.
    pub fn apply(&self, remove: &[u64], add: Vec<Doc>) -> Result<()> {
        let mut by_lang: HashMap<String, (Vec<u64>, Vec<Doc>)> = HashMap::new();
        {
            let known = self.known.lock().map_err(|_| poisoned())?;
            for v in remove.iter().chain(add.iter().map(|d| &d.version)) {
                if let Some((lang, _)) = known.get(v) {
                    by_lang.entry(lang.clone()).or_default().0.push(*v);
                }
            }
        }
        for doc in add {
            by_lang.entry(doc.lang.clone()).or_default().1.push(doc);
        }
        for (lang, (deletes, docs)) in by_lang {
            let index = self.lang_index_or_create(&lang)?;
            let f = index.fields;
            let mut writer = index
                .index
                .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
            // `compact` merges, once, after a whole sync.
            writer.set_merge_policy(Box::new(NoMergePolicy));
            for v in &deletes {
                writer.delete_term(Term::from_field_u64(f.version, *v));
            }
            let mut added = Vec::with_capacity(docs.len());
            for d in docs {
                let mut doc = TantivyDocument::default();
                doc.add_u64(f.version, d.version);
                doc.add_u64(f.commentary, d.commentary);
                doc.add_u64(f.stamp, d.stamp);
                doc.add_u64(f.trend, d.trend);
                doc.add_u64(f.assessment, d.assessment);
                doc.add_i64(f.week_start, d.week_start);
                doc.add_i64(f.week_end, d.week_end);
                doc.add_i64(f.visible_at, d.visible_at);
                doc.add_text(f.title, &d.title);
                doc.add_text(f.lead, &d.lead);
                doc.add_text(f.body, &d.body);
                doc.add_text(
                    f.words,
                    write_words(&q_lang_terms(&lang, &d.title, &[&d.lead, &d.body])),
                );
                writer.add_document(doc)?;
                added.push((d.version, d.stamp));
            }
            writer.commit()?;
            // Merges finish in the background otherwise, holding the lock.
            writer.wait_merging_threads()?;
            index.reader.reload()?;
            let mut known = self.known.lock().map_err(|_| poisoned())?;
            for v in &deletes {
                known.remove(v);
            }
            for (v, s) in added {
                known.insert(v, (lang.clone(), s));
            }
        }
        Ok(())
    }

    /// How far the indexes are from one segment each without deleted
    /// documents: (segments beyond one per language, deleted documents).
    pub fn fragmentation(&self) -> Result<(usize, u64)> {
        let langs: Vec<Arc<LangIndex>> = match self.langs.read() {
            Ok(l) => l.values().cloned().collect(),
            Err(_) => return Err(poisoned()),
        };
        let (mut extra, mut deleted) = (0, 0);
        for index in langs {
            let metas = index.index.searchable_segment_metas()?;
            extra += metas.len().saturating_sub(1);
            deleted += metas
                .iter()
                .map(|m| u64::from(m.num_deleted_docs()))
                .sum::<u64>();
        }
        Ok((extra, deleted))
    }

    /// Merges each language's index into one segment without deleted
    /// documents, so that its statistics (and so rankings and "similar"
    /// lists) depend only on what is indexed, not on the order of edits.
    /// Costs seconds on a large site: the caller picks a quiet moment.
    pub fn compact(&self) -> Result<()> {
        let langs: Vec<Arc<LangIndex>> = match self.langs.read() {
            Ok(l) => l.values().cloned().collect(),
            Err(_) => return Err(poisoned()),
        };
        for index in langs {
            let metas = index.index.searchable_segment_metas()?;
            if metas.len() <= 1 && metas.iter().all(|m| !m.has_deletes()) {
                continue;
            }
            let ids: Vec<_> = metas.iter().map(|m| m.id()).collect();
            let mut writer = index
                .index
                .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
            writer.set_merge_policy(Box::new(NoMergePolicy));
            writer.merge(&ids).wait()?;
            writer.wait_merging_threads()?;
            index.reader.reload()?;
        }
        Ok(())
    }

    /// Empties every language index (before a rebuild).
    pub fn clear(&self) -> Result<()> {
        let langs: Vec<Arc<LangIndex>> = match self.langs.read() {
            Ok(l) => l.values().cloned().collect(),
            Err(_) => return Err(poisoned()),
        };
        for index in langs {
            let mut writer = index
                .index
                .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
            writer.delete_all_documents()?;
            writer.commit()?;
            writer.wait_merging_threads()?;
            index.reader.reload()?;
        }
        if let Ok(mut k) = self.known.lock() {
            k.clear();
        }
        Ok(())
    }

    /// Runs a reader's query. A query with no words lists the versions the
    /// filters allow, newest first.
    pub fn search(&self, q: &Query<'_>) -> Result<Results> {
        let empty = Results {
            total: 0,
            hits: Vec::new(),
            all_words: true,
            marker: None,
        };
        let Some(index) = self.lang_index(q.lang) else {
            return Ok(empty);
        };
        let searcher = index.reader.searcher();
        let text = clean_query(q.text);
        let limit = q.limit.clamp(1, 100);
        if text.trim().is_empty() {
            let mut clauses = index.filters(q);
            clauses.push((Occur::Must, Box::new(AllQuery)));
            let query = BooleanQuery::new(clauses);
            let (docs, total) = searcher.search(
                &query,
                &(
                    TopDocs::with_limit(limit)
                        .and_offset(q.offset)
                        .order_by_fast_field::<i64>("visible_at", Order::Desc),
                    Count,
                ),
            )?;
            let hits = docs
                .into_iter()
                .map(|(_, at)| index.hit(&searcher, at))
                .collect::<Result<_>>()?;
            return Ok(Results {
                total,
                hits,
                ..empty
            });
        }
        for all_words in [true, false] {
            let (words, _) = index.parser(all_words).parse_query_lenient(&text);
            let mut terms = BTreeSet::new();
            words.query_terms(&mut |term, _| {
                if let Some(s) = term.value().as_str() {
                    terms.insert(s.to_owned());
                }
            });
            if terms.is_empty() {
                return Ok(empty);
            }
            let mut clauses = index.filters(q);
            clauses.push((Occur::Must, words));
            let query = BooleanQuery::new(clauses);
            let (docs, total) = searcher.search(
                &query,
                &(
                    TopDocs::with_limit(limit)
                        .and_offset(q.offset)
                        .order_by_score(),
                    Count,
                ),
            )?;
            // One word, or nothing matched even loosely: no second try.
            if total == 0 && all_words && terms.len() > 1 {
                continue;
            }
            let hits = docs
                .into_iter()
                .map(|(_, at)| index.hit(&searcher, at))
                .collect::<Result<_>>()?;
            let mut passage = SnippetGenerator::create(&searcher, &query, index.fields.body)?;
            passage.set_max_num_chars(240);
            return Ok(Results {
                total,
                hits,
                all_words,
                marker: Some(Marker {
                    terms,
                    prefixes: words_of(&text).filter_map(prefix_key).collect(),
                    analyzer: analysis::analyzer(q.lang),
                    passage: Some(passage),
                }),
            });
        }
        Ok(empty)
    }

    /// Commentaries most like the given text in one language, public by
    /// `now`, leaving out `commentary` itself; best first.
    /// The published commentaries most like `commentary`, whose version
    /// `version` (title `title`, lead and plain-text body `text`) a reader
    /// is looking at: its words are read from the index when the version
    /// is there, and `text` is asked for only when it is not.
    #[allow(clippy::too_many_arguments)]
    pub fn similar(
        &self,
        lang: &str,
        commentary: u64,
        version: u64,
        title: &str,
        text: impl FnOnce() -> String,
        now: i64,
        limit: usize,
    ) -> Result<Vec<u64>> {
        let Some(index) = self.lang_index(lang) else {
            return Ok(Vec::new());
        };
        let searcher = index.reader.searcher();
        let docs = searcher.num_docs();
        if docs < 2 {
            return Ok(Vec::new());
        }
        let f = index.fields;
        let like = match index.words(&searcher, version)? {
            Some(stored) => index.like_query(&searcher, read_words(&stored), docs)?,
            None => {
                let counts = q_lang_terms(lang, title, &[&text()]);
                index.like_query(
                    &searcher,
                    counts.iter().map(|(w, n)| (w.as_str(), *n)),
                    docs,
                )?
            }
        };
        let q = Query {
            lang,
            now,
            ..Query::default()
        };
        let mut clauses = index.filters(&q);
        clauses.push((Occur::Must, Box::new(like)));
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_u64(f.commentary, commentary),
                IndexRecordOption::Basic,
            )),
        ));
        let limit = limit.clamp(1, 50);
        let found = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit * 2).order_by_score(),
        )?;
        let mut ranked = found
            .into_iter()
            .map(|(score, at)| index.hit(&searcher, at).map(|h| (score, h.commentary)))
            .collect::<Result<Vec<_>>>()?;
        // Equal scores in commentary order, whatever the documents' order
        // in the index.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(ranked.into_iter().take(limit).map(|(_, c)| c).collect())
    }
}

/// A text's words (title words count twice) and how often each occurs.
fn q_lang_terms(lang: &str, title: &str, text: &[&str]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let parts = std::iter::once((2, title)).chain(text.iter().map(|t| (1, *t)));
    for (weight, part) in parts {
        for term in analysis::terms(lang, part) {
            if term.chars().count() >= 3 {
                *counts.entry(term).or_insert(0) += weight;
            }
        }
    }
    counts
}

/// Word counts as the index stores them: `word count` lines.
fn write_words(counts: &BTreeMap<String, usize>) -> String {
    let mut out = String::new();
    for (word, count) in counts {
        out.push_str(word);
        out.push(' ');
        out.push_str(&count.to_string());
        out.push('\n');
    }
    out
}

fn read_words(stored: &str) -> impl Iterator<Item = (&str, usize)> {
    stored.lines().filter_map(|line| {
        let (word, count) = line.rsplit_once(' ')?;
        Some((word, count.parse().ok()?))
    })
}

impl Results {
    /// `text` with the query's words marked (for titles and leads).
    pub fn mark(&self, text: &str) -> Vec<Span> {
        let Some(marker) = &self.marker else {
            return plain(text);
        };
        let mut analyzer = marker.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut ranges = Vec::new();
        while tantivy::tokenizer::TokenStream::advance(&mut stream) {
            let token = tantivy::tokenizer::TokenStream::token(&stream);
            if marker.terms.contains(&token.text) {
                ranges.push(token.offset_from..token.offset_to);
            }
        }
        spans(text, &ranges)
    }

    /// The passage of `body` (plain text, paragraphs apart by blank
    /// lines) that best matches the query, with its words marked; empty when
    /// the body has none of them.
    ///
    /// Stemming a whole body for every result would cost more than the
    /// search itself, so paragraphs are first ranked by a cheap test (words
    /// sharing their first letters with the query's), and only the likeliest
    /// few are analyzed.
    pub fn passage(&self, body: &str) -> Vec<Span> {
        let Some(marker) = self.marker.as_ref() else {
            return Vec::new();
        };
        let Some(generator) = marker.passage.as_ref() else {
            return Vec::new();
        };
        let paragraphs: Vec<&str> = body.split("\n\n").collect();
        let mut candidates: Vec<(usize, usize)> = paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let score = words_of(p)
                    .filter_map(prefix_key)
                    .filter(|k| marker.prefixes.contains(k))
                    .count();
                (score, i)
            })
            .filter(|(score, _)| *score > 0)
            .collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in candidates.iter().take(3) {
            let paragraph = paragraphs[i];
            let snippet = generator.snippet(paragraph);
            if snippet.is_empty() {
                continue;
            }
            let mut out = spans(snippet.fragment(), snippet.highlighted());
            let range = snippet.fragment_range();
            if (range.start > 0 || i > 0)
                && let Some(first) = out.first_mut()
            {
                first.text.insert_str(0, "… ");
            }
            if (range.end < paragraph.len() || i + 1 < paragraphs.len())
                && let Some(last) = out.last_mut()
            {
                last.text.push_str(" …");
            }
            return out;
        }
        Vec::new()
    }
}

/// The words of a text, roughly (for [`prefix_key`]).
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '\u{2019}' | '\u{02BC}'))
        .filter(|w| !w.is_empty())
}

/// A word's first three letters, lowercased and with the spelling variants
/// and Belarusian vowel alternations folded (о/а, я/е), so that inflected
/// forms share it; `None` for shorter words.
fn prefix_key(word: &str) -> Option<String> {
    let folded: String = belarusian::normalize(word)
        .chars()
        .map(|c| match c {
            'о' => 'а',
            'я' => 'е',
            c => c,
        })
        .take(3)
        .collect();
    (folded.chars().count() == 3).then_some(folded)
}

fn plain(text: &str) -> Vec<Span> {
    vec![Span {
        text: text.to_owned(),
        mark: false,
    }]
}

fn spans(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if r.start > at {
            out.push(Span {
                text: text[at..r.start].to_owned(),
                mark: false,
            });
        }
        out.push(Span {
            text: text[r.clone()].to_owned(),
            mark: true,
        });
        at = r.end;
    }
    if at < text.len() {
        out.push(Span {
            text: text[at..].to_owned(),
            mark: false,
        });
    }
    out
}

/// Keeps words, quotes (phrases), `-` (exclusion) and `+`; everything else
/// of the query language (fields, ranges, boosts, wildcards, control
/// characters) becomes a space, and the whole is cut to [`LONGEST_QUERY`].
pub fn clean_query(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .take(LONGEST_QUERY)
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    ':' | '\\'
                        | '^'
                        | '~'
                        | '*'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '('
                        | ')'
                        | '!'
                        | '<'
                        | '>'
                        | '='
                        | '\''
                )
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    // The words AND, OR and NOT are operators to the parser; readers mean
    // them as words (or nothing): lowercase keeps them words.
    cleaned
        .split(' ')
        .map(|w| match w {
            "AND" | "OR" | "NOT" | "IN" => "",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn poisoned() -> SearchError {
    SearchError::Io(std::io::Error::other("a search index lock was poisoned"))
}

/// The file a process locks to hold an index folder.
const LOCK_FILE: &str = "NODE.lock";

/// Takes the folder for this process (created as needed): `None` when
/// another process holds it. The lock goes with the process, however it ends.
fn claim(root: &Path) -> Result<Option<std::fs::File>> {
    std::fs::create_dir_all(root)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Removes everything in `root` but the lock, and marks it with the
/// current format.
fn wipe(root: &Path) -> Result<()> {
    std::fs::create_dir_all(root)?;
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_name() == LOCK_FILE {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    std::fs::write(root.join(FORMAT_FILE), FORMAT)?;
    Ok(())
}

#[cfg(test)]
mod tests;
