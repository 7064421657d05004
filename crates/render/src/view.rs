//! What templates are given: plain data, already localized and formatted.
//! The web crate builds these from stored content; templates only lay them out.

use serde::Serialize;

/// The frame around every page: language, navigation, switcher, side box.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Chrome {
    /// Pixel sizes of the site's images by file name under `/media/`: the
    /// width and height the Markdown filter gives each image.
    #[serde(skip)]
    pub media: crate::MediaSizes,
    pub lang: String,
    pub site_name: String,
    pub tagline: String,
    pub publisher: String,
    pub css_href: String,
    pub icon_href: String,
    /// The page's own title; the site name is appended by the template.
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub switcher: Vec<LangLink>,
    pub alternates: Vec<Alternate>,
    pub nav: Vec<NavLink>,
    pub latest: Option<EditionCard>,
    pub archive_href: String,
    pub noindex: bool,
    /// Feeds announced in the head (autodiscovery).
    pub feeds: Vec<FeedLink>,
    /// OpenGraph: "website" or "article", the page's locale and its others.
    pub og_type: String,
    pub og_locale: String,
    pub og_locale_alternates: Vec<String>,
    /// For articles: publication time (RFC 3339) and section (the trend).
    pub published: String,
    pub section: String,
    /// schema.org JSON-LD, already serialized and safe inside `<script>`.
    pub json_ld: String,
    /// Rendered for a static mirror: forms that need the live site become
    /// notes pointing to it (`live_url`).
    pub mirror: bool,
    pub live_url: String,
}

/// A feed announced in a page's head.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub mime: String,
    pub title: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LangLink {
    pub lang: String,
    pub name: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditionCard {
    pub number: i64,
    pub label: String,
    pub range: String,
    pub href: String,
    pub count: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendLink {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub href: String,
    pub count: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentaryCard {
    pub title: String,
    pub lead: String,
    pub href: String,
    pub assessment: String,
    pub assessment_tone: String,
    pub trend: Option<TrendLink>,
    /// The language the text is in; differs from the page's on fallback.
    pub lang: String,
    pub fallback: bool,
    pub date: String,
    pub edition: Option<EditionCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub label: String,
    pub newer: Option<String>,
    pub older: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomePage {
    pub edition: Option<EditionCard>,
    pub commentaries: Vec<CommentaryCard>,
    pub trends: Vec<TrendLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchivePage {
    pub editions: Vec<EditionCard>,
    pub pager: Pager,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendGroup {
    pub trend: TrendLink,
    pub commentaries: Vec<CommentaryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditionPage {
    pub edition: EditionCard,
    pub groups: Vec<TrendGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentaryPage {
    pub card: CommentaryCard,
    /// Markdown; the template renders it through the sanitizing filter.
    pub body: String,
    pub authors: Vec<String>,
    pub authors_label: String,
    pub published: String,
    pub fallback_note: Option<String>,
    pub translations: Vec<LangLink>,
    pub more_title: String,
    pub more: Vec<CommentaryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendsPage {
    pub trends: Vec<TrendLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPage {
    pub trend: TrendLink,
    pub commentaries: Vec<CommentaryCard>,
    pub pager: Pager,
    /// The trend's assessments week by week (on the first page).
    pub chart: Option<ChartView>,
    pub period: Option<PeriodView>,
}

/// A chart with what surrounds it: a sentence saying what it covers, the
/// legend, and the same data as a table for screen readers and for copying.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// None when the period holds no weeks.
    pub scene: Option<crate::charts::Scene>,
    pub summary: String,
    pub legend: Vec<crate::charts::LegendItem>,
    pub table: DataTable,
}

/// A table of a chart's data: a header row, then a row per week.
#[derive(Debug, Clone, Serialize)]
pub struct DataTable {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<DataRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataRow {
    pub head: TableLink,
    /// Each cell may hold several entries (two commentaries in one week).
    pub cells: Vec<Vec<TableLink>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableLink {
    pub text: String,
    pub href: String,
    /// A short qualifier after the link ("not published").
    pub note: String,
}

/// The choice of period above a chart: preset links and a from–to form.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodView {
    /// In a static mirror only the presets work.
    pub mirror: bool,
    pub action: String,
    pub presets: Vec<NavLink>,
    pub from: String,
    pub to: String,
}

/// `/{lang}/barometer`: every trend, week by week.
#[derive(Debug, Clone, Serialize)]
pub struct BarometerPage {
    pub chart: ChartView,
    pub period: PeriodView,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaticPage {
    pub title: String,
    pub body: String,
    pub lang: String,
    pub fallback_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
}

/// A piece of text, marked where it matched a search.
#[derive(Debug, Clone, Serialize)]
pub struct Span {
    pub text: String,
    pub mark: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub title: Vec<Span>,
    pub href: String,
    /// The best matching passage of the body, or the lead.
    pub passage: Vec<Span>,
    pub assessment: String,
    pub assessment_tone: String,
    pub trend: Option<TrendLink>,
    pub edition: Option<EditionCard>,
}

/// An option of a filter's list.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A search in another language that has results.
#[derive(Debug, Clone, Serialize)]
pub struct ElsewhereLink {
    pub lang: String,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    /// The query as typed (shown back in the box).
    pub q: String,
    pub from: String,
    pub to: String,
    pub trends: Vec<Choice>,
    pub assessments: Vec<Choice>,
    /// Whether any filter is set (the filters stay open).
    pub filtered: bool,
    /// A problem with the request, in the reader's language.
    pub error: Option<String>,
    /// Whether anything was asked (words or filters).
    pub asked: bool,
    /// "12 results", or empty.
    pub summary: String,
    /// Shown when no result had every word.
    pub any_words_note: Option<String>,
    pub hits: Vec<SearchHit>,
    pub pager: Pager,
    /// On no results: the same search without filters, and in other languages.
    pub without_filters: Option<String>,
    pub elsewhere: Vec<ElsewhereLink>,
}

/// A forecast set in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastSetCard {
    pub title: String,
    pub intro: String,
    pub href: String,
    /// "12 statements, 5 resolved".
    pub count: String,
    pub published: String,
    pub lang: String,
    pub fallback: bool,
}

/// `/{lang}/forecasts/`.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastsPage {
    pub sets: Vec<ForecastSetCard>,
    pub track_href: String,
}

/// One statement as readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct StatementView {
    pub text: String,
    pub lang: String,
    pub fallback: bool,
    /// "Likely (75%)".
    pub likelihood: String,
    /// "By 30 June 2027".
    pub due: String,
    pub outcome: String,
    /// happened, not-happened, unclear, due (being checked) or open.
    pub outcome_class: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementGroup {
    pub trend: TrendLink,
    pub statements: Vec<StatementView>,
}

/// `/{lang}/forecasts/{slug}/`.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastSetPage {
    pub set: ForecastSetCard,
    /// The Brier score of its resolved statements, in words; empty if none.
    pub score: String,
    pub groups: Vec<StatementGroup>,
    pub track_href: String,
}

/// `/{lang}/track-record/`.
#[derive(Debug, Clone, Serialize)]
pub struct TrackRecordPage {
    pub overall: String,
    pub by_trend: DataTable,
    pub calibration: ChartView,
    pub sets: Vec<ForecastSetCard>,
}
