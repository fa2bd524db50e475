//! `GET /office/scorecards?month=YYYY-MM`: every team's figures for a month,
//! ranked, with the agency's trend over twelve months drawn as SVG on the
//! server (plotters), and `GET /office/scorecards.csv` for the download.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, Months, NaiveDate, TimeZone};
use plotters::prelude::*;

use super::words::t;
use super::{Frame, Office, OfficeError};
use crate::db::types::now;
use crate::domain::catalog::Role;
use crate::domain::scorecard::Figures;
use crate::service::scorecards::{cards_in_parallel, Card, Period};
use crate::store::stats::Scope;
use crate::web::extract::form_fields;
use crate::web::AppState;

/// A team's line of the ranking.
struct Line {
    rank: String,
    team: String,
    received: i64,
    resolved: i64,
    on_time: String,
    days: String,
    responses: i64,
    satisfaction: String,
    target: String,
    gap: String,
}

#[derive(Template)]
#[template(path = "office/scorecards.html")]
struct ScorecardsPage {
    frame: Frame,
    month: String,
    lines: Vec<Line>,
    total: Line,
    days_chart: String,
    satisfaction_chart: String,
    trend: Vec<(String, String, String)>,
}

fn percent(v: Option<f64>) -> String {
    v.map_or("-".into(), |r| format!("{:.1}%", r * 100.0))
}

fn one_decimal(v: Option<f64>) -> String {
    v.map_or("-".into(), |d| format!("{d:.1}"))
}

fn line(rank: Option<u32>, team: String, f: &Figures) -> Line {
    Line {
        rank: rank.map_or("-".into(), |r| r.to_string()),
        team,
        received: f.received,
        resolved: f.resolved,
        on_time: percent(f.on_time_rate),
        days: one_decimal(f.avg_processing_days),
        responses: f.responses,
        satisfaction: percent(f.satisfaction_rate),
        target: percent(f.target),
        gap: f.target_gap.map_or("-".into(), |g| format!("{:+.1}%p", g * 100.0)),
    }
}

/// The month asked for (`YYYY-MM`), else this month; and its period up to today.
fn month_of(req: &HttpRequest, state: &AppState) -> Result<(NaiveDate, Period), OfficeError> {
    let today = state
        .settings
        .timezone
        .from_utc_datetime(&now().naive_utc())
        .date_naive();
    let fields = form_fields(req.query_string().as_bytes());
    let first = match fields.get("month").and_then(|v| v.first()) {
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .ok()
            // Years far out would overflow the month arithmetic below.
            .filter(|d| (1000..=9000).contains(&d.year()))
            .ok_or(OfficeError::NotFound)?,
        None => today.with_day(1).unwrap_or(today),
    };
    let last = (first + Months::new(1)).pred_opt().unwrap_or(first);
    Ok((
        first,
        Period {
            from: first,
            to: last.min(today.max(first)),
        },
    ))
}

async fn load(state: &AppState, office: &Office, periods: Vec<Period>) -> Result<Vec<Card>, OfficeError> {
    office.current.operator.require(&[Role::Manager, Role::Admin])?;
    Ok(cards_in_parallel(&state.db, state.settings.clone(), Scope::default(), periods, now()).await?)
}

/// A line chart of one figure over the months, as an SVG element.
fn chart(title: &str, months: &[String], values: &[Option<f64>], max: f64) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (560, 220)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let n = months.len().max(1) as i32;
        let built = ChartBuilder::on(&root)
            .margin(12)
            .caption(title, ("sans-serif", 15))
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(0..n - 1, 0f64..max);
        if let Ok(mut c) = built {
            let labels = months.to_vec();
            let _ = c
                .configure_mesh()
                .x_labels(months.len())
                .x_label_formatter(&|i| labels.get(*i as usize).map_or(String::new(), |m| m[5..].to_string()))
                .draw();
            let points: Vec<(i32, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i as i32, v)))
                .collect();
            let colour = RGBColor(11, 87, 208);
            let _ = c.draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)));
            let _ = c.draw_series(points.iter().map(|p| Circle::new(*p, 3, colour.filled())));
        }
        let _ = root.present();
    }
    // The chart is described by its title and by the table beside it.
    out.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{title}\" "), 1)
}

/// `GET /office/scorecards`.
pub async fn page(state: web::Data<AppState>, office: Office, req: HttpRequest) -> Result<HttpResponse, OfficeError> {
    let (first, period) = month_of(&req, &state)?;
    let months: Vec<Period> = (0..12)
        .rev()
        .map(|back| {
            let from = first - Months::new(back);
            let to = (from + Months::new(1))
                .pred_opt()
                .unwrap_or(from)
                .min(period.to.max(from));
            Period { from, to }
        })
        .collect();
    let cards = load(&state, &office, months).await?;
    let lang = office.lang().to_string();
    let current = cards.last().ok_or(OfficeError::NotFound)?;
    let mut teams = current.teams.clone();
    teams.sort_by_key(|t| (t.figures.rank.unwrap_or(u32::MAX), t.team.name.clone()));
    let lines = teams
        .iter()
        .map(|t| line(t.figures.rank, t.team.name.clone(), &t.figures))
        .collect();
    let labels: Vec<String> = cards
        .iter()
        .map(|c| c.period.from.format("%Y-%m").to_string())
        .collect();
    let days: Vec<Option<f64>> = cards.iter().map(|c| c.total.avg_processing_days).collect();
    let sat: Vec<Option<f64>> = cards
        .iter()
        .map(|c| c.total.satisfaction_rate.map(|r| r * 100.0))
        .collect();
    let max_days = days.iter().flatten().fold(1.0f64, |m, d| m.max(*d)) * 1.2;
    let trend = labels
        .iter()
        .zip(days.iter().zip(sat.iter()))
        .map(|(m, (d, s))| (m.clone(), one_decimal(*d), s.map_or("-".into(), |s| format!("{s:.1}%"))))
        .collect();
    let html = ScorecardsPage {
        frame: office.frame("scorecards", t(&lang, "scorecards").into()),
        month: first.format("%Y-%m").to_string(),
        total: line(None, t(&lang, "agency").into(), &current.total),
        lines,
        days_chart: chart(t(&lang, "trend_days"), &labels, &days, max_days),
        satisfaction_chart: chart(t(&lang, "trend_satisfaction"), &labels, &sat, 100.0),
        trend,
    }
    .render()
    .map_err(|e| OfficeError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

/// `GET /office/scorecards.csv?month=YYYY-MM`: the month's teams and the total, as CSV.
pub async fn csv(state: web::Data<AppState>, office: Office, req: HttpRequest) -> Result<HttpResponse, OfficeError> {
    let (first, period) = month_of(&req, &state)?;
    let cards = load(&state, &office, vec![period]).await?;
    let card = cards.first().ok_or(OfficeError::NotFound)?;
    let mut rows: Vec<serde_json::Value> = card
        .teams
        .iter()
        .map(|t| serde_json::to_value(t).unwrap_or_default())
        .collect();
    rows.push(serde_json::to_value(&card.total).unwrap_or_default());
    crate::web::csv::response(&format!("teams-{}", first.format("%Y-%m")), &rows).map_err(OfficeError::Internal)
}
