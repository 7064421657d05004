//! Charts as geometry. Each chart is laid out here as a [`Scene`] of plain
//! shapes with CSS classes; `charts.html` draws any scene as inline SVG, and
//! the stylesheet colours the classes for light and dark modes. Marks carry
//! a shape as well as a colour (▲ better, ▼ worse, ▬ no change), so nothing
//! is told by colour alone, and every mark has a text label.

use serde::Serialize;

/// A heat-map cell and the step chart's column width, in SVG units.
pub const CELL: f64 = 24.0;
/// The step chart's row height.
const ROW: f64 = 28.0;
/// Room for two lines of axis labels under a chart.
const AXIS: f64 = 36.0;
/// Room above and to the right of the drawing.
const PAD: f64 = 8.0;
/// Rough width of one character of label text at the chart's font size.
const CHAR: f64 = 7.4;
/// Longest row label drawn in full; longer ones end with "…".
const LABEL_CHARS: usize = 30;

/// A chart ready to draw: its size, its accessible title and description,
/// and its shapes in drawing order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scene {
    /// Unique on the page: the title and description ids derive from it.
    pub id: String,
    pub width: String,
    pub height: String,
    pub title: String,
    pub desc: String,
    pub shapes: Vec<Shape>,
}

/// One thing drawn. Coordinates are already formatted (one decimal at
/// most), so the same data always gives the same bytes.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Shape {
    /// Text; linked when `href` is not empty, with `full` as its tooltip
    /// when the text was shortened.
    Text {
        x: String,
        y: String,
        text: String,
        anchor: &'static str,
        class: String,
        href: String,
        full: String,
    },
    Line {
        x1: String,
        y1: String,
        x2: String,
        y2: String,
        class: String,
    },
    Polyline {
        points: String,
        class: String,
    },
    /// A data mark: a box (`class` colours it) and a symbol path inside,
    /// linked when `href` is not empty, named by `label`.
    Mark {
        x: String,
        y: String,
        w: String,
        h: String,
        d: String,
        class: String,
        href: String,
        label: String,
    },
}

/// A week along a chart's horizontal axis.
#[derive(Debug, Clone)]
pub struct Week {
    /// A few characters for the axis ("3.07").
    pub axis: String,
    /// The year, shown under the axis where it changes.
    pub year: String,
}

/// One data point of a barometer chart.
#[derive(Debug, Clone)]
pub struct Point {
    /// Index of the row (trend in the grid, scale step in the step chart).
    pub row: usize,
    /// Index of the week.
    pub week: usize,
    pub tone: i64,
    pub href: String,
    /// What the mark says in words ("Week of 3–9 July: economy, improved").
    pub label: String,
    /// Not (yet) public: drawn hollow.
    pub draft: bool,
}

/// A row of a chart: its name and, for trends, a link.
#[derive(Debug, Clone)]
pub struct RowLabel {
    pub text: String,
    pub href: String,
}

/// The class that colours a tone.
pub fn tone_class(tone: i64) -> &'static str {
    match tone {
        t if t >= 2 => "tone-up2",
        1 => "tone-up1",
        0 => "tone-0",
        -1 => "tone-down1",
        _ => "tone-down2",
    }
}

/// The symbol of a tone, centred on (`cx`, `cy`), about `size` across.
pub fn tone_symbol(tone: i64, cx: f64, cy: f64, size: f64) -> String {
    let r = size / 2.0;
    let (l, rt) = (n(cx - r), n(cx + r));
    match tone.signum() {
        1 => {
            let tip = format!(
                "M{} {}L{} {}L{l} {}Z",
                n(cx),
                n(cy - r),
                rt,
                n(cy + r * 0.7),
                n(cy + r * 0.7)
            );
            if tone >= 2 {
                format!(
                    "{tip}M{l} {}H{rt}V{}H{l}Z",
                    n(cy + r * 0.9),
                    n(cy + r * 1.2)
                )
            } else {
                tip
            }
        }
        -1 => {
            let tip = format!(
                "M{} {}L{} {}L{l} {}Z",
                n(cx),
                n(cy + r),
                rt,
                n(cy - r * 0.7),
                n(cy - r * 0.7)
            );
            if tone <= -2 {
                format!(
                    "{tip}M{l} {}H{rt}V{}H{l}Z",
                    n(cy - r * 1.2),
                    n(cy - r * 0.9)
                )
            } else {
                tip
            }
        }
        _ => format!("M{l} {}H{rt}V{}H{l}Z", n(cy - r * 0.25), n(cy + r * 0.25)),
    }
}

/// A number as SVG wants it: at most one decimal, no trailing ".0".
pub fn n(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

fn shorten(text: &str) -> (String, String) {
    if text.chars().count() > LABEL_CHARS {
        let short: String = text.chars().take(LABEL_CHARS - 1).collect();
        (format!("{}…", short.trim_end()), text.to_owned())
    } else {
        (text.to_owned(), String::new())
    }
}

/// Room right of the last column, so that its week label is not cut.
fn right_room(weeks: &[Week]) -> f64 {
    let widest = weeks
        .iter()
        .map(|w| w.axis.chars().count())
        .max()
        .unwrap_or(0) as f64;
    (widest * CHAR + 2.0 - CELL).max(PAD)
}

fn label_width(rows: &[RowLabel]) -> f64 {
    let longest = rows
        .iter()
        .map(|r| r.text.chars().count().min(LABEL_CHARS))
        .max()
        .unwrap_or(0);
    (longest as f64 * CHAR + 12.0).clamp(60.0, 240.0)
}

fn row_labels(shapes: &mut Vec<Shape>, rows: &[RowLabel], left: f64, top: f64, height: f64) {
    for (i, row) in rows.iter().enumerate() {
        let (text, full) = shorten(&row.text);
        shapes.push(Shape::Text {
            x: n(left - 6.0),
            y: n(top + i as f64 * height + height / 2.0 + 4.0),
            text,
            anchor: "end",
            class: "row-label".into(),
            href: row.href.clone(),
            full,
        });
    }
}

/// Week labels under the drawing: every week when they fit, else every
/// second or third; the year under the first label and wherever it changes.
fn week_labels(shapes: &mut Vec<Shape>, weeks: &[Week], left: f64, y: f64) {
    let widest = weeks
        .iter()
        .map(|w| w.axis.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let every = ((widest * CHAR + 6.0) / CELL).ceil().max(1.0) as usize;
    let mut year = "";
    for (i, w) in weeks.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = n(left + i as f64 * CELL + 1.0);
        shapes.push(Shape::Text {
            x: x.clone(),
            y: n(y + 14.0),
            text: w.axis.clone(),
            anchor: "start",
            class: "axis".into(),
            href: String::new(),
            full: String::new(),
        });
        if w.year != year {
            year = &w.year;
            shapes.push(Shape::Text {
                x,
                y: n(y + 28.0),
                text: w.year.clone(),
                anchor: "start",
                class: "axis".into(),
                href: String::new(),
                full: String::new(),
            });
        }
    }
}

/// The barometer grid: a row per trend, a column per week, a cell per
/// commentary coloured and marked by its assessment's tone. Weeks in which
/// a trend had no commentary are left as faint empty cells.
pub fn heatmap(
    id: &str,
    title: String,
    desc: String,
    rows: &[RowLabel],
    weeks: &[Week],
    points: &[Point],
) -> Scene {
    let left = label_width(rows);
    let top = PAD;
    let width = left + weeks.len() as f64 * CELL + right_room(weeks);
    let height = top + rows.len() as f64 * CELL + AXIS;
    let mut shapes = Vec::new();
    row_labels(&mut shapes, rows, left, top, CELL);
    let size = CELL - 2.0;
    let filled: std::collections::HashSet<(usize, usize)> =
        points.iter().map(|p| (p.row, p.week)).collect();
    for row in 0..rows.len() {
        for week in 0..weeks.len() {
            if filled.contains(&(row, week)) {
                continue;
            }
            shapes.push(Shape::Mark {
                x: n(left + week as f64 * CELL + 1.0),
                y: n(top + row as f64 * CELL + 1.0),
                w: n(size),
                h: n(size),
                d: String::new(),
                class: "cell empty".into(),
                href: String::new(),
                label: String::new(),
            });
        }
    }
    for p in points
        .iter()
        .filter(|p| p.row < rows.len() && p.week < weeks.len())
    {
        let (x, y) = (left + p.week as f64 * CELL, top + p.row as f64 * CELL);
        shapes.push(Shape::Mark {
            x: n(x + 1.0),
            y: n(y + 1.0),
            w: n(size),
            h: n(size),
            d: tone_symbol(p.tone, x + CELL / 2.0, y + CELL / 2.0, 10.0),
            class: mark_class("cell", p),
            href: p.href.clone(),
            label: p.label.clone(),
        });
    }
    week_labels(&mut shapes, weeks, left, top + rows.len() as f64 * CELL);
    Scene {
        id: id.to_owned(),
        width: n(width),
        height: n(height),
        title,
        desc,
        shapes,
    }
}

fn mark_class(base: &str, p: &Point) -> String {
    let mut class = format!("{base} {}", tone_class(p.tone));
    if p.draft {
        class.push_str(" draft");
    }
    class
}

/// One trend week by week: a row per step of the scale (`levels`, best
/// first), a column per week, a mark where the trend had a commentary, and
/// a trace joining marks of consecutive weeks.
pub fn steps(
    id: &str,
    title: String,
    desc: String,
    levels: &[RowLabel],
    weeks: &[Week],
    points: &[Point],
) -> Scene {
    let left = label_width(levels);
    let top = PAD;
    let width = left + weeks.len() as f64 * CELL + right_room(weeks);
    let height = top + levels.len() as f64 * ROW + AXIS;
    let mut shapes = Vec::new();
    row_labels(&mut shapes, levels, left, top, ROW);
    for i in 0..levels.len() {
        let y = n(top + i as f64 * ROW + ROW / 2.0);
        shapes.push(Shape::Line {
            x1: n(left),
            y1: y.clone(),
            x2: n(left + weeks.len() as f64 * CELL),
            y2: y,
            class: "guide".into(),
        });
    }
    let centre = |p: &Point| {
        (
            left + p.week as f64 * CELL + CELL / 2.0,
            top + p.row as f64 * ROW + ROW / 2.0,
        )
    };
    let shown: Vec<&Point> = points
        .iter()
        .filter(|p| p.row < levels.len() && p.week < weeks.len())
        .collect();
    // The trace follows the first mark of each week and breaks at weeks
    // without one.
    let mut run: Vec<String> = Vec::new();
    let mut last_week: Option<usize> = None;
    for p in &shown {
        if last_week == Some(p.week) {
            continue;
        }
        if last_week.is_some_and(|w| w + 1 != p.week) {
            flush(&mut shapes, &mut run);
        }
        let (x, y) = centre(p);
        run.push(format!("{},{}", n(x), n(y)));
        last_week = Some(p.week);
    }
    flush(&mut shapes, &mut run);
    for p in shown {
        let (x, y) = centre(p);
        shapes.push(Shape::Mark {
            x: n(x - CELL / 2.0 + 2.0),
            y: n(y - CELL / 2.0 + 2.0),
            w: n(CELL - 4.0),
            h: n(CELL - 4.0),
            d: tone_symbol(p.tone, x, y, 12.0),
            class: mark_class("point", p),
            href: p.href.clone(),
            label: p.label.clone(),
        });
    }
    week_labels(&mut shapes, weeks, left, top + levels.len() as f64 * ROW);
    Scene {
        id: id.to_owned(),
        width: n(width),
        height: n(height),
        title,
        desc,
        shapes,
    }
}

fn flush(shapes: &mut Vec<Shape>, run: &mut Vec<String>) {
    if run.len() > 1 {
        shapes.push(Shape::Polyline {
            points: run.join(" "),
            class: "trace".into(),
        });
    }
    run.clear();
}

/// One point of a calibration chart: a probability used, the share of its
/// statements that happened, how many there were.
#[derive(Debug, Clone)]
pub struct CalibrationPoint {
    /// Forecast probability, 0 to 1.
    pub predicted: f64,
    /// Share that happened, 0 to 1.
    pub observed: f64,
    pub count: usize,
    pub label: String,
}

/// The calibration chart's plotting square and margins.
const PLOT: f64 = 240.0;
const PLOT_LEFT: f64 = 66.0;
const PLOT_BOTTOM: f64 = 44.0;

/// Forecast probability against observed frequency: a dashed diagonal for
/// perfect calibration, a point per probability sized by its count. `tick`
/// writes a probability as an axis label ("25%").
pub fn calibration(
    id: &str,
    title: String,
    desc: String,
    axes: (&str, &str),
    tick: &dyn Fn(u8) -> String,
    points: &[CalibrationPoint],
) -> Scene {
    let (x0, y0) = (PLOT_LEFT, PAD + PLOT);
    let at = |p: f64, o: f64| (x0 + p.clamp(0.0, 1.0) * PLOT, y0 - o.clamp(0.0, 1.0) * PLOT);
    let mut shapes = Vec::new();
    for step in 0..=4u8 {
        let v = f64::from(step) / 4.0;
        let (x, y) = at(v, v);
        shapes.push(Shape::Line {
            x1: n(x0),
            y1: n(y),
            x2: n(x0 + PLOT),
            y2: n(y),
            class: "guide".into(),
        });
        shapes.push(Shape::Line {
            x1: n(x),
            y1: n(y0),
            x2: n(x),
            y2: n(PAD),
            class: "guide".into(),
        });
        let label = tick(step * 25);
        shapes.push(text(n(x), n(y0 + 16.0), &label, "middle"));
        shapes.push(text(n(x0 - 6.0), n(y + 4.0), &label, "end"));
    }
    shapes.push(Shape::Line {
        x1: n(x0),
        y1: n(y0),
        x2: n(x0 + PLOT),
        y2: n(PAD),
        class: "diagonal".into(),
    });
    shapes.push(text(n(x0 + PLOT / 2.0), n(y0 + 36.0), axes.0, "middle"));
    shapes.push(Shape::Text {
        x: n(6.0),
        y: n(PAD),
        text: axes.1.to_owned(),
        anchor: "start",
        class: "axis vertical".into(),
        href: String::new(),
        full: String::new(),
    });
    for p in points {
        let (cx, cy) = at(p.predicted, p.observed);
        // Rounded first, so that the two half circles meet exactly.
        let r = ((3.0 + (p.count as f64).sqrt() * 2.0).min(14.0) * 10.0).round() / 10.0;
        shapes.push(Shape::Mark {
            x: n(cx),
            y: n(cy),
            w: String::new(),
            h: String::new(),
            d: format!(
                "M{} {}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 {} 0Z",
                n(cx - r),
                n(cy),
                n(2.0 * r),
                n(-2.0 * r),
                r = n(r)
            ),
            class: "dot".into(),
            href: String::new(),
            label: p.label.clone(),
        });
    }
    Scene {
        id: id.to_owned(),
        width: n(x0 + PLOT + PAD + 16.0),
        height: n(y0 + PLOT_BOTTOM),
        title,
        desc,
        shapes,
    }
}

fn text(x: String, y: String, t: &str, anchor: &'static str) -> Shape {
    Shape::Text {
        x,
        y,
        text: t.to_owned(),
        anchor,
        class: "axis".into(),
        href: String::new(),
        full: String::new(),
    }
}

/// A legend entry: a tone's symbol and its label.
#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    pub label: String,
    pub class: String,
    pub d: String,
}

/// The legend of a scale (each step's label with its tone's look).
pub fn legend(levels: &[(String, i64)]) -> Vec<LegendItem> {
    levels
        .iter()
        .map(|(label, tone)| LegendItem {
            label: label.clone(),
            class: tone_class(*tone).into(),
            d: tone_symbol(*tone, 8.0, 8.0, 10.0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(k: usize) -> Vec<Week> {
        (0..k)
            .map(|i| Week {
                axis: format!("{}.01", i + 1),
                year: if i < 3 { "2026".into() } else { "2027".into() },
            })
            .collect()
    }

    fn rows(names: &[&str]) -> Vec<RowLabel> {
        names
            .iter()
            .map(|t| RowLabel {
                text: (*t).into(),
                href: format!("/en/trends/{t}/"),
            })
            .collect()
    }

    fn point(row: usize, week: usize, tone: i64) -> Point {
        Point {
            row,
            week,
            tone,
            href: format!("/c/{row}-{week}"),
            label: format!("{row} {week}"),
            draft: false,
        }
    }

    fn marks(scene: &Scene) -> Vec<(&str, &str, &str, &str)> {
        scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Mark {
                    x, y, class, href, ..
                } => Some((x.as_str(), y.as_str(), class.as_str(), href.as_str())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn numbers_are_written_the_same_way_every_time() {
        assert_eq!(n(24.0), "24");
        assert_eq!(n(24.04), "24");
        assert_eq!(n(24.06), "24.1");
        assert_eq!(n(-3.5), "-3.5");
        assert_eq!(n(0.0), "0");
    }

    #[test]
    fn the_grid_has_a_cell_for_every_trend_and_week() {
        let scene = heatmap(
            "g",
            "t".into(),
            "d".into(),
            &rows(&["economy", "security"]),
            &weeks(3),
            &[point(0, 0, 1), point(1, 2, -1)],
        );
        let m = marks(&scene);
        assert_eq!(m.len(), 6, "two marks and four empty cells");
        // Labels take 8 characters' room plus a margin: 8 × 7.4 + 12 = 71.2.
        assert!(
            m.contains(&("72.2", "9", "cell tone-up1", "/c/0-0")),
            "{m:?}"
        );
        assert!(
            m.contains(&("120.2", "33", "cell tone-down1", "/c/1-2")),
            "{m:?}"
        );
        assert_eq!(m.iter().filter(|c| c.2 == "cell empty").count(), 4);
        // The last label ("3.01", 4 × 7.4 + 2 = 31.6) overhangs its cell by 7.6,
        // less than the least room on the right (8).
        assert_eq!(scene.width, n(71.2 + 3.0 * 24.0 + 8.0));
        assert_eq!(scene.height, n(8.0 + 2.0 * 24.0 + 36.0));
    }

    #[test]
    fn long_trend_names_are_shortened_with_the_full_name_kept() {
        let long = "A trend whose name is much longer than any label can hold";
        let scene = heatmap("g", "t".into(), "d".into(), &rows(&[long]), &weeks(1), &[]);
        let Some(Shape::Text { text, full, .. }) = scene.shapes.first() else {
            panic!("no label");
        };
        assert_eq!(text.chars().count(), LABEL_CHARS);
        assert!(text.ends_with('…'));
        assert_eq!(full, long);
    }

    #[test]
    fn week_labels_thin_out_and_years_show_where_they_change() {
        let scene = heatmap("g", "t".into(), "d".into(), &rows(&["a"]), &weeks(6), &[]);
        let axis: Vec<&str> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { class, text, .. } if class == "axis" => Some(text.as_str()),
                _ => None,
            })
            .collect();
        // "1.01" is 4 characters: 4 × 7.4 + 6 = 35.6 > 24, so every second week.
        assert_eq!(axis, ["1.01", "2026", "3.01", "5.01", "2027"]);
    }

    #[test]
    fn the_step_chart_joins_consecutive_weeks_only() {
        let scene = steps(
            "s",
            "t".into(),
            "d".into(),
            &rows(&["better", "same", "worse"]),
            &weeks(5),
            &[
                point(0, 0, 1),
                point(1, 1, 0),
                point(2, 3, -1),
                point(2, 4, -1),
            ],
        );
        let traces: Vec<&str> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Polyline { points, .. } => Some(points.as_str()),
                _ => None,
            })
            .collect();
        // "better" needs 6 × 7.4 + 12 = 56.4, less than the least room (60),
        // so columns start at 60 and centres at 72; rows are 28 high from 8.
        assert_eq!(traces, ["72,22 96,50", "144,78 168,78"]);
        assert_eq!(marks(&scene).len(), 4);
    }

    #[test]
    fn calibration_points_sit_at_probability_and_frequency() {
        let points = [
            CalibrationPoint {
                predicted: 0.75,
                observed: 2.0 / 3.0,
                count: 3,
                label: "likely".into(),
            },
            CalibrationPoint {
                predicted: 0.25,
                observed: 0.25,
                count: 4,
                label: "unlikely".into(),
            },
        ];
        let scene = calibration(
            "c",
            "t".into(),
            "d".into(),
            ("p", "o"),
            &|p| format!("{p}%"),
            &points,
        );
        let dots: Vec<(&str, &str)> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Mark { d, label, .. } => Some((d.as_str(), label.as_str())),
                _ => None,
            })
            .collect();
        // x = 66 + 0.75 × 240 = 246; y = 248 − ⅔ × 240 = 88; r = 3 + √3 × 2 ≈ 6.5.
        assert_eq!(
            dots[0],
            (
                "M239.5 88a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0 -13 0Z",
                "likely"
            )
        );
        // x = 66 + 60 = 126; y = 248 − 60 = 188; r = 3 + 2 × 2 = 7.
        assert_eq!(
            dots[1],
            ("M119 188a7 7 0 1 0 14 0a7 7 0 1 0 -14 0Z", "unlikely")
        );
        let ticks: Vec<&str> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text {
                    text,
                    anchor: "middle",
                    ..
                } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ticks, ["0%", "25%", "50%", "75%", "100%", "p"]);
    }

    #[test]
    fn drafts_are_marked_and_every_tone_has_a_distinct_symbol() {
        let mut p = point(0, 0, -2);
        p.draft = true;
        let scene = heatmap("g", "t".into(), "d".into(), &rows(&["a"]), &weeks(1), &[p]);
        assert!(marks(&scene).iter().any(|m| m.2 == "cell tone-down2 draft"));
        let symbols: std::collections::HashSet<String> =
            (-2..=2).map(|t| tone_symbol(t, 10.0, 10.0, 10.0)).collect();
        assert_eq!(symbols.len(), 5);
        assert_eq!(
            (-3..=3).map(tone_class).collect::<Vec<_>>(),
            [
                "tone-down2",
                "tone-down2",
                "tone-down1",
                "tone-0",
                "tone-up1",
                "tone-up2",
                "tone-up2"
            ]
        );
    }
}
