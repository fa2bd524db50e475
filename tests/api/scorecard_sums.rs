//! Scorecards add up. A period is read as the sum of its months: a whole
//! month from its tallies (kept by the database's triggers), a part of one
//! from the figures of its cases. So a year must equal its months, a year
//! from mid-month its parts, and a month its two halves, through every
//! change a case goes through, a holiday, an upgrade's undated figures and
//! (on PostgreSQL) the folding of the tallies at start.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::on_both_backends;
use crate::scorecards::{act, case, declare_holiday_after, get_ok, phone_answer, seed_demo};

/// The counts of a scorecard that add up across periods (not `overdue`,
/// which the clock may change between two requests).
const COUNTS: [&str; 7] = [
    "received",
    "resolved",
    "resolved_late",
    "open",
    "surveys_sent",
    "responses",
    "dissatisfied",
];

/// By team name (and "total"): the counts, then the sums of processing
/// days and of process scores (averages times what they average).
type Sums = BTreeMap<String, Vec<i64>>;

fn sums_of_row(row: &Value) -> Vec<i64> {
    let int = |k: &str| row[k].as_i64().unwrap_or_else(|| panic!("{k} in {row}"));
    let mut out: Vec<i64> = COUNTS.iter().map(|k| int(k)).collect();
    let times = |avg: &str, n: &str| (row[avg].as_f64().unwrap_or(0.0) * int(n) as f64).round() as i64;
    out.push(times("avg_processing_days", "resolved"));
    out.push(times("avg_process_score", "responses"));
    out
}

fn add(into: &mut Sums, name: String, row: &Value) {
    let v = sums_of_row(row);
    let sum = into.entry(name).or_insert_with(|| vec![0; v.len()]);
    for (s, x) in sum.iter_mut().zip(v) {
        *s += x;
    }
}

/// Teams without a single case left out: a team shows in a period only when active or counted.
fn counted(s: Sums) -> Sums {
    s.into_iter().filter(|(_, v)| v.iter().any(|x| *x != 0)).collect()
}

fn name(row: &Value) -> String {
    row["team"]["name"].as_str().unwrap().to_string()
}

/// `stats/teams` from `from` to `to`, with `filter` (`&kind=…`).
async fn period(app: &TestApp, from: NaiveDate, to: NaiveDate, filter: &str) -> Sums {
    let v = get_ok(app, &format!("/api/v1/stats/teams?from={from}&to={to}{filter}")).await;
    let mut s = Sums::new();
    for row in v["items"].as_array().unwrap() {
        add(&mut s, name(row), row);
    }
    add(&mut s, "total".into(), &v["total"]);
    s
}

/// `stats/monthly` from the month of `from` to that of `to`, every month added up.
async fn months(app: &TestApp, from: NaiveDate, to: NaiveDate, filter: &str) -> Sums {
    let (a, b) = (from.format("%Y-%m"), to.format("%Y-%m"));
    let v = get_ok(app, &format!("/api/v1/stats/monthly?from={a}&to={b}{filter}")).await;
    let mut s = Sums::new();
    for row in v["items"].as_array().unwrap() {
        add(&mut s, name(row), row);
    }
    for row in v["totals"].as_array().unwrap() {
        add(&mut s, "total".into(), row);
    }
    s
}

fn merged(parts: &[Sums]) -> Sums {
    let mut out = Sums::new();
    for part in parts {
        for (k, v) in part {
            let sum = out.entry(k.clone()).or_insert_with(|| vec![0; v.len()]);
            for (s, x) in sum.iter_mut().zip(v) {
                *s += x;
            }
        }
    }
    counted(out)
}

fn last_day(first: NaiveDate) -> NaiveDate {
    (first + Months::new(1)).pred_opt().unwrap()
}

fn this_month() -> NaiveDate {
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
    today.with_day(1).unwrap()
}

/// A whole month (its tallies) against its halves (its figures), filtered or not.
async fn month_is_its_halves(app: &TestApp, first: NaiveDate, filter: &str) -> Sums {
    let whole = counted(months(app, first, first, filter).await);
    let mid = first.with_day(16).unwrap();
    let halves = merged(&[
        period(app, first, mid.pred_opt().unwrap(), filter).await,
        period(app, mid, last_day(first), filter).await,
    ]);
    assert_eq!(whole, halves, "{first}{filter}: the month and its halves");
    whole
}

/// Last month and this month, each against its halves.
async fn recent_months_add_up(app: &TestApp) -> (Sums, Sums) {
    let now = this_month();
    (
        month_is_its_halves(app, now - Months::new(1), "").await,
        month_is_its_halves(app, now, "").await,
    )
}

on_both_backends! {
    async fn a_year_is_the_sum_of_its_months_and_a_month_of_its_halves(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "0.5")]).await else {
            assert!(backend == Backend::Postgres && std::env::var("CI").is_err(), "no app");
            return;
        };
        seed_demo(&app, 500).await;
        // The last twelve whole months.
        let to = this_month() - Months::new(1);
        let from = to - Months::new(11);
        let year = counted(period(&app, from, last_day(to), "").await);
        assert!(year["total"][1] > 200 && year["total"][5] > 0, "resolved and answered: {year:?}");
        assert_eq!(year, counted(months(&app, from, to, "").await), "the year and its months");

        // Twelve months from the middle of a month: two parts of months and eleven whole ones.
        let (start, end) = (from.with_day(15).unwrap(), this_month().with_day(14).unwrap());
        let parts = merged(&[
            period(&app, start, last_day(from), "").await,
            months(&app, from + Months::new(1), to, "").await,
            period(&app, this_month(), end, "").await,
        ]);
        assert_eq!(counted(period(&app, start, end, "").await), parts, "a year from mid-month and its parts");

        for filter in ["", "&kind=grievance", "&category=road-damage"] {
            month_is_its_halves(&app, to, filter).await;
        }
        app.stop().await;
    }
}

on_both_backends! {
    async fn the_tallies_follow_every_change_and_an_upgrade(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else {
            assert!(backend == Backend::Postgres && std::env::var("CI").is_err(), "no app");
            return;
        };
        seed_demo(&app, 200).await;
        recent_months_add_up(&app).await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
        let received = today - chrono::Duration::days(14);
        let id = case(&app, "road-damage", &format!("{received}T10:00:00+09:00"), false).await;
        recent_months_add_up(&app).await;
        act(&app, &id, "resolve", json!({"resolution": "보수했습니다."})).await;
        let (_, resolved) = recent_months_add_up(&app).await;
        phone_answer(&app, &id, 5, 4).await;
        recent_months_add_up(&app).await;

        // A holiday declared later on a working day in between: one day less in the month's tallies.
        let day = declare_holiday_after(&app, received).await;
        let (_, holiday) = recent_months_add_up(&app).await;
        let days = |s: &Sums| s["total"][COUNTS.len()];
        assert!(days(&holiday) < days(&resolved), "{holiday:?} {resolved:?}");
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/holidays/{day}"), None).await;
        assert_eq!(s, 200);
        recent_months_add_up(&app).await;

        act(&app, &id, "reopen", json!({"reason": "재민원"})).await;
        recent_months_add_up(&app).await;
        act(&app, &id, "resolve", json!({"resolution": "다시 보수했습니다."})).await;
        let before = recent_months_add_up(&app).await;

        // Figures counted before months were kept: the tallies follow them to
        // month 0 at once, and the next start dates them again.
        app.sql("UPDATE case_figures SET month = 0").await;
        let (_, emptied) = recent_months_add_up(&app).await;
        assert!(emptied.get("total").is_none_or(|t| t[1] == 0), "{emptied:?}");
        let app = app.restarted().await;
        assert_eq!(recent_months_add_up(&app).await, before);
        app.stop().await;
    }
}
