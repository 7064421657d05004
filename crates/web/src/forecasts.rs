//! Forecasts in public: the list of sets (`/{lang}/forecasts/`), a set with
//! its statements and outcomes (`/{lang}/forecasts/{slug}/`), and the track
//! record (`/{lang}/track-record/`): Brier scores overall and per trend and
//! a calibration chart.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use sitrep_core::forecast::{self, Outcome, Percent, Resolved};
use sitrep_core::{Lang, Slug};
use sitrep_i18n::Arg;
use sitrep_render::charts::{self, CalibrationPoint};
use sitrep_render::urls;
use sitrep_render::view::{
    ChartView, DataRow, DataTable, ForecastSetCard, ForecastSetPage, ForecastsPage, StatementGroup,
    StatementView, TableLink, TrackRecordPage,
};
use sitrep_store::{ForecastSet, Statement};

use crate::pages::{SiteLang, finish, html};
use crate::views::{Ctx, Section};
use crate::{AppState, PageError};

type App = State<Arc<AppState>>;

/// A number for scores: three decimals in the reader's notation.
pub(crate) fn score(ctx: &Ctx<'_>, value: f64) -> String {
    match ctx.app.i18n.dates(ctx.lang) {
        Some(f) => f.number(value, 3),
        None => format!("{value:.3}"),
    }
}

pub(crate) fn percent(ctx: &Ctx<'_>, p: i64) -> String {
    ctx.t_args("percent", &[("n", p.into())])
}

fn resolved(statements: &[&Statement]) -> Vec<Resolved> {
    statements
        .iter()
        .filter_map(|s| {
            Some(Resolved {
                percent: Percent::new(s.percent)?,
                outcome: s.outcome?,
            })
        })
        .collect()
}

fn card(ctx: &Ctx<'_>, set: &ForecastSet, statements: &[&Statement]) -> ForecastSetCard {
    let (lang, (title, intro)) = ctx
        .pick_with_lang(&set.texts)
        .map(|(l, t)| (l, t.clone()))
        .unwrap_or((ctx.lang, (set.slug.clone(), String::new())));
    let done = statements.iter().filter(|s| s.outcome.is_some()).count();
    ForecastSetCard {
        title,
        intro,
        href: urls::forecast_set(ctx.lang, &set.slug),
        count: ctx.t_args(
            "forecast-count",
            &[
                ("count", (statements.len() as i64).into()),
                ("resolved", (done as i64).into()),
            ],
        ),
        published: set
            .published_at
            .map(|t| ctx.t_args("forecast-published", &[("date", Arg::Str(&ctx.date(t)))]))
            .unwrap_or_default(),
        lang: lang.to_string(),
        fallback: lang != ctx.lang,
    }
}

fn statement(ctx: &Ctx<'_>, s: &Statement, today: &str) -> StatementView {
    let (lang, (text, note)) = ctx
        .pick_with_lang(&s.texts)
        .map(|(l, t)| (l, t.clone()))
        .unwrap_or_else(|| (ctx.lang, Default::default()));
    let likelihood = ctx
        .catalog
        .likelihood(s.likelihood_id)
        .and_then(|l| ctx.pick_name(&l.labels).cloned())
        .unwrap_or_default();
    let due_date = s
        .due_on
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| ctx.app.i18n.dates(ctx.lang).map(|f| f.date(d)))
        .unwrap_or_else(|| s.due_on.clone());
    let class = match s.outcome {
        Some(o) => o.as_str(),
        None if s.due_on.as_str() <= today => "due",
        None => "open",
    };
    StatementView {
        text,
        lang: lang.to_string(),
        fallback: lang != ctx.lang,
        likelihood: ctx.t_args(
            "forecast-likelihood",
            &[
                ("label", Arg::Str(&likelihood)),
                ("percent", Arg::Str(&percent(ctx, s.percent))),
            ],
        ),
        due: ctx.t_args("forecast-by", &[("date", Arg::Str(&due_date))]),
        outcome: ctx.t(&format!("outcome-{class}")),
        outcome_class: class.to_owned(),
        note: if s.outcome.is_some() {
            note
        } else {
            String::new()
        },
    }
}

/// A card for each set, with its statements' counts.
fn cards(ctx: &Ctx<'_>, sets: &[ForecastSet], statements: &[Statement]) -> Vec<ForecastSetCard> {
    let mut by_set: HashMap<i64, Vec<&Statement>> = HashMap::new();
    for s in statements {
        by_set.entry(s.set_id).or_default().push(s);
    }
    sets.iter()
        .map(|s| card(ctx, s, by_set.get(&s.id).map_or(&[][..], Vec::as_slice)))
        .collect()
}

/// `GET /{lang}/forecasts/`.
pub async fn list(State(app): App, SiteLang(lang): SiteLang) -> Response {
    let now = app.now();
    let result = async {
        let ctx = Ctx::load(&app, lang, now).await?;
        let public = app.store.public(now);
        let sets = public.forecast_sets().await?;
        let statements = public.forecast_statements(None).await?;
        let cards = cards(&ctx, &sets, &statements);
        let title = ctx.t("forecasts-title");
        let chrome = ctx.chrome(
            &title,
            &ctx.t("forecasts-intro"),
            Section::Forecasts,
            &|l| urls::forecasts(l),
            &app.langs(),
        );
        html(app.renderer.render(
            "forecasts.html",
            &chrome,
            &ForecastsPage {
                sets: cards,
                track_href: urls::track_record(lang),
            },
        )?)
    }
    .await;
    finish(&app, lang, result).await
}

/// `GET /{lang}/forecasts/{slug}/`.
pub async fn set(
    State(app): App,
    SiteLang(lang): SiteLang,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let now = app.now();
    let result = async {
        let Ok(Path((_, slug))) = path else {
            return Err(PageError::NotFound);
        };
        if Slug::parse(&slug).is_err() {
            return Err(PageError::NotFound);
        }
        let ctx = Ctx::load(&app, lang, now).await?;
        let public = app.store.public(now);
        let sets = public.forecast_sets().await?;
        let Some(set) = sets.iter().find(|s| s.slug == slug) else {
            return Err(PageError::NotFound);
        };
        let statements = public.forecast_statements(Some(set.id)).await?;
        let all: Vec<&Statement> = statements.iter().collect();
        let today = crate::day_of(ctx.now);
        let mut groups: Vec<StatementGroup> = Vec::new();
        for t in &ctx.catalog.trends {
            let of_trend: Vec<StatementView> = all
                .iter()
                .filter(|s| s.trend_id == t.id)
                .map(|s| statement(&ctx, s, &today))
                .collect();
            if !of_trend.is_empty() {
                groups.push(StatementGroup {
                    trend: ctx.trend_link(t, None),
                    statements: of_trend,
                });
            }
        }
        let card = card(&ctx, set, &all);
        let score = forecast::brier(&resolved(&all))
            .map(|b| {
                ctx.t_args(
                    "forecast-set-score",
                    &[("score", Arg::Str(&score(&ctx, b)))],
                )
            })
            .unwrap_or_default();
        let langs: Vec<Lang> = app
            .langs()
            .iter()
            .copied()
            .filter(|l| set.texts.contains_key(l))
            .collect();
        let chrome = ctx.chrome(
            &card.title,
            &card.intro,
            Section::Forecasts,
            &|l| urls::forecast_set(l, &set.slug),
            &langs,
        );
        html(app.renderer.render(
            "forecast_set.html",
            &chrome,
            &ForecastSetPage {
                set: card,
                score,
                groups,
                track_href: urls::track_record(lang),
            },
        )?)
    }
    .await;
    finish(&app, lang, result).await
}

/// `GET /{lang}/track-record/`.
pub async fn track_record(State(app): App, SiteLang(lang): SiteLang) -> Response {
    let now = app.now();
    let result = async {
        let ctx = Ctx::load(&app, lang, now).await?;
        let public = app.store.public(now);
        let sets = public.forecast_sets().await?;
        let statements = public.forecast_statements(None).await?;
        let all: Vec<&Statement> = statements.iter().collect();
        let scored = resolved(&all);
        let counted = scored
            .iter()
            .filter(|r| r.outcome != Outcome::Unclear)
            .count();
        let overall = match forecast::brier(&scored) {
            Some(b) => ctx.t_args(
                "brier-overall",
                &[
                    ("score", Arg::Str(&score(&ctx, b))),
                    ("count", (counted as i64).into()),
                ],
            ),
            None => ctx.t("brier-none"),
        };
        let mut rows = Vec::new();
        for t in &ctx.catalog.trends {
            let of_trend: Vec<&Statement> =
                all.iter().copied().filter(|s| s.trend_id == t.id).collect();
            let items = resolved(&of_trend);
            let Some(b) = forecast::brier(&items) else {
                continue;
            };
            let n = items
                .iter()
                .filter(|r| r.outcome != Outcome::Unclear)
                .count();
            let link = ctx.trend_link(t, None);
            rows.push(DataRow {
                head: TableLink {
                    text: link.name,
                    href: link.href,
                    note: String::new(),
                },
                cells: vec![vec![plain(n.to_string())], vec![plain(score(&ctx, b))]],
            });
        }
        let by_trend = DataTable {
            caption: ctx.t("track-by-trend"),
            head: vec![
                ctx.t("track-trend"),
                ctx.t("track-statements"),
                ctx.t("track-score"),
            ],
            rows,
        };
        let calibration = calibration_view(&ctx, &all);
        let cards = cards(&ctx, &sets, &statements);
        let title = ctx.t("track-record-title");
        let chrome = ctx.chrome(
            &title,
            &ctx.t("track-record-intro"),
            Section::Forecasts,
            &|l| urls::track_record(l),
            &app.langs(),
        );
        html(app.renderer.render(
            "track_record.html",
            &chrome,
            &TrackRecordPage {
                overall,
                by_trend,
                calibration,
                sets: cards,
            },
        )?)
    }
    .await;
    finish(&app, lang, result).await
}

fn plain(text: String) -> TableLink {
    TableLink {
        text,
        href: String::new(),
        note: String::new(),
    }
}

/// The calibration chart and its table: a point per probability used.
fn calibration_view(ctx: &Ctx<'_>, statements: &[&Statement]) -> ChartView {
    // The likelihood words used at each probability, for labels.
    let mut words: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for s in statements.iter().filter(|s| s.outcome.is_some()) {
        let label = ctx
            .catalog
            .likelihood(s.likelihood_id)
            .and_then(|l| ctx.pick_name(&l.labels).cloned())
            .unwrap_or_default();
        let entry = words.entry(s.percent).or_default();
        if !label.is_empty() && !entry.contains(&label) {
            entry.push(label);
        }
    }
    let bins = forecast::calibration(&resolved(statements));
    let mut points = Vec::new();
    let mut rows = Vec::new();
    for b in &bins {
        let p = i64::from(b.percent.get());
        let label = words.get(&p).map(|w| w.join(", ")).unwrap_or_default();
        let pct = percent(ctx, p);
        let said = ctx.t_args(
            "calibration-point",
            &[
                ("label", Arg::Str(&label)),
                ("percent", Arg::Str(&pct)),
                ("happened", (b.happened as i64).into()),
                ("count", (b.count as i64).into()),
            ],
        );
        points.push(CalibrationPoint {
            predicted: b.percent.probability(),
            observed: b.observed(),
            count: b.count,
            label: said,
        });
        let observed = percent(ctx, (b.observed() * 100.0).round() as i64);
        rows.push(DataRow {
            head: plain(label),
            cells: vec![
                vec![plain(pct)],
                vec![plain(b.count.to_string())],
                vec![plain(format!("{observed} ({}/{})", b.happened, b.count))],
            ],
        });
    }
    let scene = (!points.is_empty()).then(|| {
        charts::calibration(
            "calibration",
            ctx.t("calibration-title"),
            ctx.t_args(
                "calibration-desc",
                &[("points", (points.len() as i64).into())],
            ),
            (
                &ctx.t("calibration-predicted"),
                &ctx.t("calibration-observed"),
            ),
            &|p| percent(ctx, i64::from(p)),
            &points,
        )
    });
    ChartView {
        summary: if scene.is_some() {
            ctx.t("calibration-intro")
        } else {
            ctx.t("brier-none")
        },
        scene,
        legend: Vec::new(),
        table: DataTable {
            caption: ctx.t("calibration-title"),
            head: vec![
                ctx.t("calibration-likelihood"),
                ctx.t("calibration-predicted"),
                ctx.t("track-statements"),
                ctx.t("calibration-observed"),
            ],
            rows,
        },
    }
}
