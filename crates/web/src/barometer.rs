//! The barometer: every trend week by week at `/{lang}/barometer`, one
//! trend's chart on its page, and the editors' grid with the weeks readers
//! cannot see yet (`workspace::charts`). All three are built here from the
//! store's marks; `render::charts` lays them out.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use sitrep_core::{Lang, Period, PeriodError};
use sitrep_i18n::Arg;
use sitrep_render::charts::{self, Point, RowLabel, Week};
use sitrep_render::urls;
use sitrep_render::view::{
    BarometerPage, ChartView, DataRow, DataTable, NavLink, PeriodView, TableLink,
};
use sitrep_store::{MarkRow, Trend};

use crate::pages::{Params, SiteLang, finish, html};
use crate::views::{Ctx, Section};
use crate::{AppState, PageError};

/// Reads `from`, `to` and `weeks` from a query string's pairs.
pub(crate) fn period(pairs: &[(String, String)]) -> Result<Period, PageError> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    Ok(Period::parse(get("from"), get("to"), get("weeks"))?)
}

/// The message for a refused period, in the reader's language.
pub(crate) fn period_error(app: &AppState, lang: Lang, e: &PeriodError) -> String {
    match e {
        PeriodError::BadDate(_) => app.i18n.t(lang, "bad-period-date"),
        PeriodError::BadWeeks => app.i18n.t_args(
            lang,
            "bad-period-weeks",
            &[("max", i64::from(Period::MAX_WEEKS).into())],
        ),
        PeriodError::EndsBeforeStart => app.i18n.t(lang, "bad-period-order"),
    }
}

/// The columns of a chart: the editions in the marks, in order.
struct Columns {
    /// (edition number, edition id, week start, week end) per column.
    weeks: Vec<(i64, i64, String, String)>,
    index: HashMap<i64, usize>,
}

impl Columns {
    fn of(marks: &[MarkRow]) -> Columns {
        let mut weeks: Vec<(i64, i64, String, String)> = Vec::new();
        let mut index = HashMap::new();
        for m in marks {
            index.entry(m.edition_number).or_insert_with(|| {
                weeks.push((
                    m.edition_number,
                    m.edition_id,
                    m.week_start.clone(),
                    m.week_end.clone(),
                ));
                weeks.len() - 1
            });
        }
        Columns { weeks, index }
    }

    fn axis(&self, ctx: &Ctx<'_>) -> Vec<Week> {
        self.weeks
            .iter()
            .map(|(_, _, start, _)| {
                let date: Option<jiff::civil::Date> = start.parse().ok();
                let axis = match (date, ctx.app.i18n.dates(ctx.lang)) {
                    (Some(d), Some(f)) => f.day_month(d),
                    _ => start.clone(),
                };
                Week {
                    axis,
                    year: start.chars().take(4).collect(),
                }
            })
            .collect()
    }

    fn range(&self, ctx: &Ctx<'_>) -> String {
        match (self.weeks.first(), self.weeks.last()) {
            (Some(first), Some(last)) => ctx.range(&first.2, &last.3),
            _ => String::new(),
        }
    }

    fn summary(&self, ctx: &Ctx<'_>) -> String {
        if self.weeks.is_empty() {
            return ctx.t("chart-empty");
        }
        ctx.t_args(
            "chart-summary",
            &[
                ("weeks", (self.weeks.len() as i64).into()),
                ("range", Arg::Str(&self.range(ctx))),
            ],
        )
    }
}

/// One commentary on a chart, in the version the reader gets.
struct Entry {
    mark: MarkRow,
    week: usize,
}

/// One version per commentary (the reader's language where it exists), in
/// the marks' order.
fn entries(ctx: &Ctx<'_>, marks: &[MarkRow], columns: &Columns) -> Vec<Entry> {
    let mut groups: Vec<Vec<&MarkRow>> = Vec::new();
    for m in marks {
        match groups.last_mut() {
            Some(g) if g[0].commentary_id == m.commentary_id => g.push(m),
            _ => groups.push(vec![m]),
        }
    }
    groups
        .iter()
        .filter_map(|g| {
            let (mark, _) = ctx.best(g, |m| m.lang)?;
            // Public when any language is: the editors' own language may
            // still be a draft while readers see another.
            let mut mark = mark.clone();
            mark.public = g.iter().any(|m| m.public);
            Some(Entry {
                week: *columns.index.get(&mark.edition_number)?,
                mark,
            })
        })
        .collect()
}

/// Where a chart's marks, week headings and trend names lead: the public
/// site or the workspace (an empty address is no link).
pub(crate) struct Links<'a> {
    pub commentary: Box<dyn Fn(&MarkRow) -> String + Send + Sync + 'a>,
    /// From the edition's number and id.
    pub week: Box<dyn Fn(i64, i64) -> String + Send + Sync + 'a>,
    pub trend: Box<dyn Fn(&Trend) -> String + Send + Sync + 'a>,
}

impl Links<'static> {
    /// Links into the public site in the reader's language.
    pub(crate) fn public(lang: Lang) -> Links<'static> {
        Links {
            commentary: Box::new(move |m| urls::commentary(lang, &m.slug)),
            week: Box::new(move |n, _| urls::edition(lang, n)),
            trend: Box::new(move |t| urls::trend(lang, &t.slug, 1)),
        }
    }
}

struct Scale {
    /// (label, tone) per step, best first.
    levels: Vec<(String, i64)>,
    index: HashMap<i64, usize>,
}

impl Scale {
    fn of(ctx: &Ctx<'_>) -> Scale {
        let mut levels = Vec::new();
        let mut index = HashMap::new();
        for (i, a) in ctx.catalog.assessments.iter().enumerate() {
            let label = ctx
                .pick_name(&a.labels)
                .cloned()
                .unwrap_or_else(|| a.key.clone());
            levels.push((label, a.tone));
            index.insert(a.id, i);
        }
        Scale { levels, index }
    }

    fn label(&self, assessment_id: i64) -> (String, i64) {
        self.index
            .get(&assessment_id)
            .map(|i| self.levels[*i].clone())
            .unwrap_or_default()
    }
}

fn trend_name(ctx: &Ctx<'_>, t: &Trend) -> String {
    ctx.pick_name(&t.names)
        .map(|(name, _)| name.clone())
        .unwrap_or_else(|| t.slug.clone())
}

fn mark_label(ctx: &Ctx<'_>, range: &str, trend: &str, assessment: &str, m: &MarkRow) -> String {
    // A title in another language is left out: a chart's text alternative
    // is one string, which cannot mark a passage's language.
    let (id, title) = if m.lang == ctx.lang {
        ("chart-mark", m.title.as_str())
    } else {
        ("chart-mark-untitled", "")
    };
    let mut label = ctx.t_args(
        id,
        &[
            ("week", Arg::Str(range)),
            ("trend", Arg::Str(trend)),
            ("assessment", Arg::Str(assessment)),
            ("title", Arg::Str(title)),
        ],
    );
    if !m.public {
        label.push_str(&format!(" ({})", ctx.t("chart-not-public")));
    }
    label
}

fn week_head(ctx: &Ctx<'_>, links: &Links<'_>, week: &(i64, i64, String, String)) -> TableLink {
    TableLink {
        text: ctx.range(&week.2, &week.3),
        href: (links.week)(week.0, week.1),
        note: String::new(),
    }
}

fn entry_link(ctx: &Ctx<'_>, links: &Links<'_>, text: String, m: &MarkRow) -> TableLink {
    TableLink {
        text,
        href: (links.commentary)(m),
        note: if m.public {
            String::new()
        } else {
            ctx.t("chart-not-public")
        },
    }
}

/// Every trend by week: the barometer grid.
pub(crate) fn grid(ctx: &Ctx<'_>, marks: &[MarkRow], links: &Links<'_>) -> ChartView {
    let columns = Columns::of(marks);
    let scale = Scale::of(ctx);
    let trends = &ctx.catalog.trends;
    let names: Vec<String> = trends.iter().map(|t| trend_name(ctx, t)).collect();
    let row_of: HashMap<i64, usize> = trends.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let ranges: Vec<String> = columns
        .weeks
        .iter()
        .map(|w| ctx.range(&w.2, &w.3))
        .collect();
    let entries = entries(ctx, marks, &columns);
    let mut points = Vec::new();
    let mut cells: Vec<Vec<Vec<TableLink>>> =
        vec![vec![Vec::new(); trends.len()]; columns.weeks.len()];
    for e in &entries {
        let Some(&row) = row_of.get(&e.mark.trend_id) else {
            continue;
        };
        let (label, tone) = scale.label(e.mark.assessment_id);
        points.push(Point {
            row,
            week: e.week,
            tone,
            href: (links.commentary)(&e.mark),
            label: mark_label(ctx, &ranges[e.week], &names[row], &label, &e.mark),
            draft: !e.mark.public,
        });
        cells[e.week][row].push(entry_link(ctx, links, label, &e.mark));
    }
    let rows: Vec<RowLabel> = trends
        .iter()
        .zip(&names)
        .map(|(t, name)| RowLabel {
            text: name.clone(),
            href: (links.trend)(t),
        })
        .collect();
    let scene = (!columns.weeks.is_empty()).then(|| {
        charts::heatmap(
            "barometer",
            ctx.t("barometer-chart-title"),
            ctx.t_args(
                "barometer-desc",
                &[
                    ("trends", (trends.len() as i64).into()),
                    ("weeks", (columns.weeks.len() as i64).into()),
                    ("range", Arg::Str(&columns.range(ctx))),
                ],
            ),
            &rows,
            &columns.axis(ctx),
            &points,
        )
    });
    let mut head = vec![ctx.t("chart-week")];
    head.extend(names.iter().cloned());
    ChartView {
        scene,
        summary: columns.summary(ctx),
        legend: charts::legend(&scale.levels),
        table: DataTable {
            caption: ctx.t("chart-table-barometer"),
            head,
            rows: columns
                .weeks
                .iter()
                .zip(cells)
                .map(|(w, cells)| DataRow {
                    head: week_head(ctx, links, w),
                    cells,
                })
                .collect(),
        },
    }
}

/// One trend by week: a row per step of the scale. `marks` holds every
/// trend's marks, so that weeks without this trend still get a column.
pub(crate) fn trend_chart(
    ctx: &Ctx<'_>,
    trend: &Trend,
    marks: &[MarkRow],
    links: &Links<'_>,
) -> ChartView {
    let columns = Columns::of(marks);
    let scale = Scale::of(ctx);
    let name = trend_name(ctx, trend);
    let ranges: Vec<String> = columns
        .weeks
        .iter()
        .map(|w| ctx.range(&w.2, &w.3))
        .collect();
    let own: Vec<MarkRow> = marks
        .iter()
        .filter(|m| m.trend_id == trend.id)
        .cloned()
        .collect();
    let entries = entries(ctx, &own, &columns);
    let mut points = Vec::new();
    let mut rows: Vec<DataRow> = Vec::new();
    for e in &entries {
        let Some(&row) = scale.index.get(&e.mark.assessment_id) else {
            continue;
        };
        let (label, tone) = scale.label(e.mark.assessment_id);
        points.push(Point {
            row,
            week: e.week,
            tone,
            href: (links.commentary)(&e.mark),
            label: mark_label(ctx, &ranges[e.week], &name, &label, &e.mark),
            draft: !e.mark.public,
        });
        rows.push(DataRow {
            head: week_head(ctx, links, &columns.weeks[e.week]),
            cells: vec![
                vec![TableLink {
                    text: label,
                    href: String::new(),
                    note: String::new(),
                }],
                vec![entry_link(ctx, links, e.mark.title.clone(), &e.mark)],
            ],
        });
    }
    let levels: Vec<RowLabel> = scale
        .levels
        .iter()
        .map(|(label, _)| RowLabel {
            text: label.clone(),
            href: String::new(),
        })
        .collect();
    let scene = (!columns.weeks.is_empty()).then(|| {
        charts::steps(
            "trend-chart",
            ctx.t_args("chart-table-trend", &[("trend", Arg::Str(&name))]),
            ctx.t_args(
                "trend-chart-desc",
                &[
                    ("trend", Arg::Str(&name)),
                    ("weeks", (columns.weeks.len() as i64).into()),
                    ("range", Arg::Str(&columns.range(ctx))),
                ],
            ),
            &levels,
            &columns.axis(ctx),
            &points,
        )
    });
    ChartView {
        scene,
        summary: columns.summary(ctx),
        legend: charts::legend(&scale.levels),
        table: DataTable {
            caption: ctx.t_args("chart-table-trend", &[("trend", Arg::Str(&name))]),
            head: vec![
                ctx.t("chart-week"),
                ctx.t("chart-assessment"),
                ctx.t("chart-commentary"),
            ],
            rows,
        },
    }
}

/// The preset periods and the form, for a chart at `base`.
pub(crate) fn period_view(
    ctx: &Ctx<'_>,
    base: &str,
    period: Period,
    bounds: (Option<jiff::civil::Date>, Option<jiff::civil::Date>),
) -> PeriodView {
    let mut presets: Vec<NavLink> = [12u32, 26, 52]
        .into_iter()
        .map(|n| NavLink {
            label: ctx.t_args("period-weeks", &[("weeks", i64::from(n).into())]),
            href: format!("{base}{}", Period::Weeks(n).query()),
            current: period == Period::Weeks(n),
        })
        .collect();
    presets.push(NavLink {
        label: ctx.t("period-all"),
        href: format!("{base}{}", Period::All.query()),
        current: period == Period::All,
    });
    let day = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    PeriodView {
        mirror: crate::mirror::active(),
        action: base.to_owned(),
        presets,
        from: day(bounds.0),
        to: day(bounds.1),
    }
}

/// `GET /{lang}/barometer`.
pub async fn page(
    State(app): State<Arc<AppState>>,
    SiteLang(lang): SiteLang,
    params: Params,
) -> Response {
    let now = app.now();
    let result = async {
        let Query(pairs) = params.map_err(|e| PageError::BadRequest(e.body_text()))?;
        let period = period(&pairs)?;
        let ctx = Ctx::load(&app, lang, now).await?;
        let latest = ctx.latest.as_ref().and_then(|e| e.week_start.parse().ok());
        let bounds = period.bounds(latest);
        let marks = app
            .memo(now)
            .await?
            .marks(&app.store, bounds.0, bounds.1)
            .await?;
        let chart = grid(&ctx, &marks, &Links::public(lang));
        let title = ctx.t("barometer-title");
        let query = period.query();
        let chrome = ctx.chrome(
            &title,
            &ctx.t("barometer-intro"),
            Section::Barometer,
            &|l| format!("{}{query}", urls::barometer(l)),
            &app.langs(),
        );
        html(app.renderer.render(
            "barometer.html",
            &chrome,
            &BarometerPage {
                chart,
                period: period_view(&ctx, &urls::barometer(lang), period, bounds),
            },
        )?)
    }
    .await;
    finish(&app, lang, result).await
}
