//! A send as it happens: the figures (waiting, sent, failed, bounced,
//! complaints) and a chart of messages sent per minute. The page refreshes
//! itself while the letter is going out (a meta refresh: no script).

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use sitrep_core::Action;
use sitrep_store::SendCurve;

use super::editions::edition_id;
use super::{Staff, error_response, forbidden, page};
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/workspace/editions/{id}/send", get(send_page))
}

/// The chart's drawing area, in SVG user units.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;

/// Bars for the minutes of a send, gaps included, at most the last 120.
fn chart(curve: &SendCurve) -> Value {
    let (Some(first), Some(last)) = (curve.minutes.first(), curve.minutes.last()) else {
        return Value::Null;
    };
    let start = first.0.max(last.0 - 119);
    let span = (last.0 - start + 1) as usize;
    let mut counts = vec![0i64; span];
    for (minute, n) in &curve.minutes {
        if *minute >= start {
            counts[(minute - start) as usize] = *n;
        }
    }
    let peak = counts.iter().copied().max().unwrap_or(1).max(1);
    let step = WIDTH / span as f64;
    let bars: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let h = (*n as f64 / peak as f64 * (HEIGHT - 4.0)).max(if *n > 0 { 1.0 } else { 0.0 });
            json!({
                "x": format!("{:.1}", i as f64 * step + step * 0.1),
                "y": format!("{:.1}", HEIGHT - h),
                "w": format!("{:.1}", (step * 0.8).max(0.5)),
                "h": format!("{:.1}", h),
            })
        })
        .collect();
    let minute = |m: i64| {
        jiff::Timestamp::from_second(m * 60)
            .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let rows: Vec<Value> = curve
        .minutes
        .iter()
        .map(|(m, n)| json!({"minute": minute(*m), "count": n}))
        .collect();
    json!({
        "width": WIDTH, "height": HEIGHT, "bars": bars, "peak": peak,
        "from": minute(start), "to": minute(last.0), "rows": rows,
    })
}

async fn send_page(
    State(app): State<Arc<AppState>>,
    staff: Staff,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    if !staff.user.role.may(Action::ManageEditions) {
        return forbidden(&app, &staff);
    }
    let e = match edition_id(&app, &staff, path).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let lang = staff.user.ui_lang;
    let figures = async {
        match app.store.send_of(e.id).await? {
            Some(send) => Ok::<_, sitrep_store::StoreError>(Some((
                app.store.send_figures(send).await?,
                app.store.send_curve(send).await?,
            ))),
            None => Ok(None),
        }
    }
    .await;
    let (figures, chart) = match figures {
        Ok(Some((f, curve))) => (
            json!({"total": f.total, "queued": f.queued, "sent": f.sent, "failed": f.failed,
                   "bounced": f.bounced, "complained": f.complained, "running": !f.done()}),
            chart(&curve),
        ),
        Ok(None) => (Value::Null, Value::Null),
        Err(err) => return error_response(&app, Some(&staff), err.into()).await,
    };
    let title = app
        .i18n
        .t_args(lang, "ws-send-title", &[("number", e.number.into())]);
    let data = json!({
        "id": e.id,
        "figures": figures,
        "chart": chart,
        "captures": app.mailer.captures(),
    });
    let mut res = page(&app, Some(&staff), lang, "ws_send.html", &title, data);
    *res.status_mut() = StatusCode::OK;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_a_bar_per_minute_gaps_included() {
        let c = chart(&SendCurve {
            minutes: vec![(100, 50), (102, 100)],
        });
        let bars = c["bars"].as_array().unwrap();
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[1]["h"], "0.0");
        assert_eq!(bars[2]["h"], format!("{:.1}", HEIGHT - 4.0));
        assert_eq!(c["rows"].as_array().unwrap().len(), 2);
        assert!(chart(&SendCurve { minutes: vec![] }).is_null());
    }
}
