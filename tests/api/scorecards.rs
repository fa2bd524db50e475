//! Scorecards on a small data set computed by hand: October 2026 in Seoul,
//! with the holidays of Oct 3 (Sat), Oct 5 (substitute) and Oct 9, a
//! transfer, an extension, a case received in September, an open overdue
//! case and a team whose only survey went unanswered.
//!
//! Cases are taken and worked through the API; only the resolution instants
//! are then moved back into October with SQL (the API stamps "now").

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{grievance, problem, read, spawn_app_with, Backend, TestApp};
use crate::on_both_backends;

/// A case taken by the admin, received at a fixed past instant; phone-only
/// citizens get no emailed survey.
pub(crate) async fn case(app: &TestApp, category: &str, received_at: &str, email: bool) -> String {
    let mut b = grievance("가로등이 꺼져 있습니다");
    b["category"] = json!(category);
    b["channel"] = json!("phone");
    b["received_at"] = json!(received_at);
    if !email {
        b["citizen"] = json!({"name": "박시민", "phone": "010-1234-5678"});
    }
    let (s, c) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_str().unwrap().to_string()
}

pub(crate) async fn act(app: &TestApp, id: &str, action: &str, body: Value) -> Value {
    let (s, v) = app
        .admin_json(Method::POST, &format!("/api/v1/cases/{id}/{action}"), Some(&body))
        .await;
    assert!(s == 200 || s == 201, "{action}: {s} {v}");
    v
}

/// Resolves through the API, then moves the resolution to `at` (UTC, as
/// stored) behind the service's back, as an upgrade would find it: with no
/// scorecard figures, which the next start counts from the case.
async fn resolve(app: &TestApp, id: &str, at: &str) {
    act(app, id, "resolve", json!({"resolution": "조치했습니다."})).await;
    app.sql(format!("UPDATE cases SET resolved_at = '{at}' WHERE id = '{id}'"))
        .await;
    app.sql(format!("DELETE FROM case_figures WHERE case_id = '{id}'"))
        .await;
}

pub(crate) async fn phone_answer(app: &TestApp, id: &str, process: i32, result: i32) {
    act(
        app,
        id,
        "survey",
        json!({"process_score": process, "result_score": result, "channel": "phone"}),
    )
    .await;
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-6)
}

/// Asserts numbers (exactly for integers, closely for rates) and nulls.
fn check(row: &Value, expected: &[(&str, Option<f64>)]) {
    for (k, want) in expected {
        match want {
            None => assert!(row[k].is_null(), "{k} should be null in {row}"),
            Some(x) => assert!(close(&row[k], *x), "{k}: expected {x}, got {} in {row}", row[k]),
        }
    }
}

fn team<'a>(items: &'a Value, name_part: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["team"]["name"].as_str().unwrap().contains(name_part))
        .unwrap_or_else(|| panic!("no {name_part} in {items}"))
}

/// GETs as the admin, asserting 200.
pub(crate) async fn get_ok(app: &TestApp, path: &str) -> Value {
    let (s, v) = app.admin_json(Method::GET, path, None).await;
    assert_eq!(s, 200, "{path}: {v}");
    v
}

/// Wilson 95% lower bounds worked out separately: p = 0.5, 0.75, 0.625 over n = 2, 2, 4.
const WILSON_HALF_OF_2: f64 = 0.094_531_205_7;
const WILSON_THREE_QUARTERS_OF_2: f64 = 0.197_867_455_8;
const WILSON_FIVE_EIGHTHS_OF_4: f64 = 0.219_426_520_1;

async fn october(app: &TestApp) {
    // A (Roads): Thu Oct 1 10:00, 7 days → due Tue Oct 13 18:00 (Oct 3, 5 and 9
    // are holidays); resolved Thu Oct 8 15:00: 5 processing days, on time; 5/4.
    let a = case(app, "road-damage", "2026-10-01T10:00:00+09:00", true).await;
    resolve(app, &a, "2026-10-08 06:00:00").await;
    phone_answer(app, &a, 5, 4).await;
    // B (Roads): Mon Oct 12 09:30 → due Tue Oct 20 18:00, extended by 5 days to
    // Tue Oct 27 18:00; resolved Fri Oct 23 11:00: 10 days, on time by the
    // extension; surveyed by email, no answer.
    let b = case(app, "road-damage", "2026-10-12T09:30:00+09:00", true).await;
    let extended = act(app, &b, "extend", json!({"business_days": 5, "reason": "현장 조사"})).await;
    assert_eq!(extended["due_at"], "2026-10-27T18:00:00+09:00", "{extended}");
    resolve(app, &b, "2026-10-23 02:00:00").await;
    // C: Tue Oct 6 14:00 to Environment (noise) → due Thu Oct 15 18:00;
    // transferred to Roads, resolved by Roads Fri Oct 16 17:00: late, 8 days; 2/1.
    let c = case(app, "noise", "2026-10-06T14:00:00+09:00", true).await;
    let roads = app.team_id("Roads").await;
    act(app, &c, "transfer", json!({"team_id": roads, "reason": "도로 소관"})).await;
    resolve(app, &c, "2026-10-16 08:00:00").await;
    phone_answer(app, &c, 2, 1).await;
    // I (Roads): received Tue Sep 29 10:00 (after Chuseok), resolved Fri Oct 2
    // 10:00: 4 days, on time; a phone-only citizen: sampled for a call not yet made.
    // I counts as a survey sent (the sample) that has no response.
    let i = case(app, "road-damage", "2026-09-29T10:00:00+09:00", false).await;
    resolve(app, &i, "2026-10-02 01:00:00").await;
    // D, E, F (Environment): same-day (1 day, 4/4); next-day (2 days, 3/5);
    // Oct 22 still open, due Oct 30: overdue.
    let d = case(app, "waste", "2026-10-07T09:00:00+09:00", true).await;
    resolve(app, &d, "2026-10-07 07:00:00").await;
    phone_answer(app, &d, 4, 4).await;
    let e = case(app, "noise", "2026-10-20T10:00:00+09:00", true).await;
    // Resolved in the last second of Oct 21 (KST): still that day, 2 days.
    resolve(app, &e, "2026-10-21 14:59:59.7").await;
    phone_answer(app, &e, 3, 5).await;
    case(app, "waste", "2026-10-22T10:00:00+09:00", true).await;
    // G (Welfare): Wed Oct 14 10:00, resolved Thu Oct 15 10:00: 2 days; its
    // survey is never answered, so Welfare is not ranked.
    let g = case(app, "welfare-benefit", "2026-10-14T10:00:00+09:00", true).await;
    resolve(app, &g, "2026-10-15 01:00:00").await;

    // The transfer keeps how long Environment had the case, for a drill-down.
    let (_, events) = app
        .admin_json(Method::GET, &format!("/api/v1/cases/{c}/events"), None)
        .await;
    let transfer = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "transferred")
        .unwrap();
    assert!(
        transfer["data"]["from_team_working_hours"].as_f64().is_some(),
        "{transfer}"
    );
    assert!(transfer["data"]["from_team_id"].is_string(), "{transfer}");
}

on_both_backends! {
    async fn every_figure_of_a_hand_computed_month(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else {
            assert!(backend == Backend::Postgres && std::env::var("CI").is_err(), "no app");
            return;
        };
        let (s, _) = app
            .admin_json(Method::PUT, "/api/v1/targets/2026/grievance", Some(&json!({"satisfaction_rate": 0.764})))
            .await;
        assert_eq!(s, 201);
        october(&app).await;
        // The start counts the figures the SQL above left out.
        let app = app.restarted().await;

        let v = get_ok(&app, "/api/v1/stats/teams?from=2026-10-01&to=2026-10-31").await;
        assert_eq!(v["from"], "2026-10-01");
        let roads = team(&v["items"], "Roads");
        check(roads, &[
            ("received", Some(3.0)), ("resolved", Some(4.0)), ("resolved_late", Some(1.0)),
            ("open", Some(0.0)), ("overdue", Some(0.0)), ("on_time_rate", Some(0.75)),
            ("avg_processing_days", Some(6.75)), ("median_processing_days", Some(6.5)),
            ("surveys_sent", Some(4.0)), ("responses", Some(2.0)), ("response_rate", Some(0.5)),
            ("avg_score", Some(3.0)), ("avg_process_score", Some(3.5)), ("avg_result_score", Some(2.5)),
            ("process_satisfaction_rate", Some(0.5)), ("result_satisfaction_rate", Some(0.5)),
            ("satisfaction_rate", Some(0.5)), ("satisfaction_ci_low", Some(WILSON_HALF_OF_2)),
            ("dissatisfied", Some(1.0)), ("target", Some(0.764)), ("target_gap", Some(0.5 - 0.764)),
            ("rank", Some(2.0)),
        ]);
        let env = team(&v["items"], "Environment");
        check(env, &[
            ("received", Some(3.0)), ("resolved", Some(2.0)), ("resolved_late", Some(0.0)),
            ("open", Some(1.0)), ("overdue", Some(1.0)), ("on_time_rate", Some(1.0)),
            ("avg_processing_days", Some(1.5)), ("median_processing_days", Some(1.5)),
            ("surveys_sent", Some(2.0)), ("responses", Some(2.0)), ("response_rate", Some(1.0)),
            ("avg_score", Some(4.0)), ("process_satisfaction_rate", Some(0.5)),
            ("result_satisfaction_rate", Some(1.0)), ("satisfaction_rate", Some(0.75)),
            ("satisfaction_ci_low", Some(WILSON_THREE_QUARTERS_OF_2)), ("dissatisfied", Some(0.0)),
            ("target_gap", Some(0.75 - 0.764)), ("rank", Some(1.0)),
        ]);
        let welfare = team(&v["items"], "Welfare");
        check(welfare, &[
            ("received", Some(1.0)), ("resolved", Some(1.0)), ("on_time_rate", Some(1.0)),
            ("median_processing_days", Some(2.0)), ("surveys_sent", Some(1.0)), ("responses", Some(0.0)),
            ("response_rate", Some(0.0)), ("avg_score", None), ("satisfaction_rate", None),
            ("satisfaction_ci_low", None), ("target", Some(0.764)), ("target_gap", None), ("rank", None),
        ]);
        let transport = team(&v["items"], "Transport");
        check(transport, &[
            ("received", Some(0.0)), ("resolved", Some(0.0)), ("on_time_rate", None),
            ("avg_processing_days", None), ("response_rate", None), ("rank", None),
        ]);
        check(&v["total"], &[
            ("received", Some(7.0)), ("resolved", Some(7.0)), ("resolved_late", Some(1.0)),
            ("open", Some(1.0)), ("overdue", Some(1.0)), ("on_time_rate", Some(6.0 / 7.0)),
            ("avg_processing_days", Some(32.0 / 7.0)), ("median_processing_days", Some(4.0)),
            ("surveys_sent", Some(7.0)), ("responses", Some(4.0)), ("response_rate", Some(4.0 / 7.0)),
            ("avg_score", Some(3.5)),
            ("process_satisfaction_rate", Some(0.5)), ("result_satisfaction_rate", Some(0.75)),
            ("satisfaction_rate", Some(0.625)), ("satisfaction_ci_low", Some(WILSON_FIVE_EIGHTHS_OF_4)),
            ("rank", None),
        ]);

        // Ranking: Environment, Roads, then the teams without responses.
        let r = get_ok(&app, "/api/v1/stats/ranking?month=2026-10").await;
        let items = r["items"].as_array().unwrap();
        assert!(items[0]["team"]["name"].as_str().unwrap().contains("Environment"), "{r}");
        assert_eq!((items[0]["rank"].clone(), items[1]["rank"].clone()), (json!(1), json!(2)));
        assert!(items[1]["team"]["name"].as_str().unwrap().contains("Roads"));
        assert_eq!(items[1]["responses"], 2);
        assert!(items[2..].iter().all(|i| i["rank"].is_null() && i["responses"] == 0), "{r}");
        assert_eq!(items[0]["month"], "2026-10");

        // Month by month for one team: September has the receipt of I only.
        let roads_id = app.team_id("Roads").await;
        let m = get_ok(&app, &format!("/api/v1/stats/monthly?from=2026-09&to=2026-10&team={roads_id}")).await;
        let rows = m["items"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{m}");
        assert_eq!(rows[0]["month"], "2026-09");
        check(&rows[0], &[("received", Some(1.0)), ("resolved", Some(0.0)), ("open", Some(0.0))]);
        assert_eq!(rows[1]["month"], "2026-10");
        check(&rows[1], &[("received", Some(3.0)), ("resolved", Some(4.0)), ("median_processing_days", Some(6.5)), ("rank", Some(1.0))]);

        // Filters: one category, one kind.
        let waste = get_ok(&app, "/api/v1/stats/teams?from=2026-10-01&to=2026-10-31&category=waste").await;
        check(team(&waste["items"], "Environment"), &[
            ("received", Some(2.0)), ("resolved", Some(1.0)), ("open", Some(1.0)), ("avg_score", Some(4.0)),
        ]);
        check(&waste["total"], &[("received", Some(2.0)), ("resolved", Some(1.0))]);
        let proposals = get_ok(&app, "/api/v1/stats/teams?from=2026-10-01&to=2026-10-31&kind=proposal").await;
        check(&proposals["total"], &[("received", Some(0.0)), ("resolved", Some(0.0)), ("target", None)]);

        // CSV: a BOM, a header, one row per team and the total, the same numbers.
        let r = app
            .admin(Method::GET, "/api/v1/stats/teams?from=2026-10-01&to=2026-10-31")
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "team_id");
        assert_eq!(&header[1], "team_name");
        let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name}"));
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), v["items"].as_array().unwrap().len() + 1);
        let roads_row = records.iter().find(|r| &r[1] == "도로관리과 (Roads)").unwrap();
        assert_eq!(&roads_row[col("resolved")], "4");
        assert_eq!(&roads_row[col("median_processing_days")], "6.5");
        assert_eq!(&roads_row[col("rank")], "2");
        let total_row = records.last().unwrap();
        assert_eq!(&total_row[col("team_id")], "");
        assert_eq!(&total_row[col("received")], "7");
        let welfare_row = records.iter().find(|r| r[1].contains("Welfare")).unwrap();
        assert_eq!(&welfare_row[col("satisfaction_rate")], "");
        // The ranking as CSV keeps its order and names its month.
        let r = app.admin(Method::GET, "/api/v1/stats/ranking?month=2026-10&format=csv").send().await.unwrap();
        let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.contains("ranking-2026-10.csv"), "{disposition}");
        let bytes = r.bytes().await.unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!((&first[0], &first[2]), ("2026-10", "환경위생과 (Environment)"));

        app.stop().await;
    }

    async fn targets_and_bad_scorecard_requests(backend) {
        let Some(app) = spawn_app_with(backend, &[]).await else {
            assert!(backend == Backend::Postgres && std::env::var("CI").is_err(), "no app");
            return;
        };
        let (s, t) = app
            .admin_json(Method::POST, "/api/v1/targets", Some(&json!({"year": 2026, "kind": "grievance", "satisfaction_rate": 0.764})))
            .await;
        assert_eq!(s, 201, "{t}");
        let (s, _) = app
            .admin_json(Method::PUT, "/api/v1/targets/2026/grievance", Some(&json!({"satisfaction_rate": 0.8})))
            .await;
        assert_eq!(s, 200, "replacing a target is not a creation");
        let (s, _) = app
            .admin_json(Method::PUT, "/api/v1/targets/2026/proposal", Some(&json!({"satisfaction_rate": 0.703})))
            .await;
        assert_eq!(s, 201);
        let (_, list) = app.admin_json(Method::GET, "/api/v1/targets?year=2026", None).await;
        assert_eq!(list["items"], json!([
            {"year": 2026, "kind": "grievance", "satisfaction_rate": 0.8},
            {"year": 2026, "kind": "proposal", "satisfaction_rate": 0.703},
        ]));
        // A percentage is a common slip: the error says what to send.
        let r = app.admin(Method::POST, "/api/v1/targets")
            .json(&json!({"year": 2026, "kind": "grievance", "satisfaction_rate": 76.4})).send().await.unwrap();
        let p = problem(r, 422).await;
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("0.764"), "{p}");
        let r = app.admin(Method::POST, "/api/v1/targets")
            .json(&json!({"year": 1999, "kind": "petition", "satisfaction_rate": -0.1})).send().await.unwrap();
        let p = problem(r, 422).await;
        assert_eq!(fields(&p), vec!["year", "kind", "satisfaction_rate"]);
        // The path names the target: a body that says otherwise, a year that is
        // not a number or a kind that does not exist is refused.
        let r = app.admin(Method::PUT, "/api/v1/targets/2026/proposal")
            .json(&json!({"year": 2027, "satisfaction_rate": 0.7})).send().await.unwrap();
        assert_eq!(fields(&problem(r, 422).await), vec!["year"]);
        let r = app.admin(Method::PUT, "/api/v1/targets/2026/petition")
            .json(&json!({"satisfaction_rate": 0.7})).send().await.unwrap();
        assert_eq!(fields(&problem(r, 422).await), vec!["kind"]);
        let r = app.admin(Method::PUT, "/api/v1/targets/next-year/proposal")
            .json(&json!({"satisfaction_rate": 0.7})).send().await.unwrap();
        problem(r, 404).await;
        let r = app.admin(Method::DELETE, "/api/v1/targets/2026/proposal").send().await.unwrap();
        assert_eq!(r.status(), 204);
        let r = app.admin(Method::DELETE, "/api/v1/targets/2026/proposal").send().await.unwrap();
        problem(r, 404).await;
        let (_, list) = app.admin_json(Method::GET, "/api/v1/targets", None).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "nothing else was lost");

        for path in [
            "/api/v1/stats/ranking?month=2026-13",
            "/api/v1/stats/ranking?month=2026-1",
            "/api/v1/stats/teams?from=2026-10-31&to=2026-10-01",
            "/api/v1/stats/teams?from=yesterday",
            "/api/v1/stats/teams?kind=petition",
            "/api/v1/stats/teams?category=no-such-code",
            "/api/v1/stats/teams?team=42",
            "/api/v1/stats/teams?month=2026-10",
            "/api/v1/stats/teams?format=xlsx",
            "/api/v1/stats/monthly?from=2016-01&to=2026-10",
            "/api/v1/stats/monthly?from=2026-10-01",
            "/api/v1/stats/ranking?sort=name",
        ] {
            let r = app.admin(Method::GET, path).send().await.unwrap();
            let p = problem(r, 400).await;
            assert!(!p["detail"].as_str().unwrap().is_empty(), "{path}");
        }
        // Scorecards are for managers and admins.
        let roads = app.team_id("Roads").await;
        let (_, agent) = app.operator("agent", &[&roads]).await;
        let r = app.request(Method::GET, "/api/v1/stats/teams").bearer_auth(&agent).send().await.unwrap();
        problem(r, 403).await;
        let (_, manager) = app.operator("manager", &[&roads]).await;
        let r = app.request(Method::GET, "/api/v1/stats/monthly").bearer_auth(&manager).send().await.unwrap();
        let (s, m) = read(r).await;
        assert_eq!(s, 200);
        assert_eq!(m["totals"].as_array().unwrap().len(), 12, "the last twelve months by default");
        let r = app.request(Method::GET, "/api/v1/stats/teams").send().await.unwrap();
        problem(r, 401).await;
        app.stop().await;
    }
}

/// Declares a holiday on the first working day 3 to 9 days after `received`
/// that is not a holiday yet; that day.
pub(crate) async fn declare_holiday_after(app: &TestApp, received: chrono::NaiveDate) -> chrono::NaiveDate {
    for n in 3..10 {
        let day = received + chrono::Duration::days(n);
        if matches!(
            chrono::Datelike::weekday(&day),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        ) {
            continue;
        }
        let (s, _) = app
            .admin_json(
                Method::POST,
                "/api/v1/holidays",
                Some(&json!({"date": day, "name": "임시공휴일"})),
            )
            .await;
        if s == 201 {
            return day;
        }
    }
    panic!("no working day to declare a holiday on");
}

/// Runs `civicdesk seed-demo` against the app's database.
pub(crate) async fn seed_demo(app: &TestApp, cases: u32) {
    let url = app.db_url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_civicdesk"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", url)
            .env(
                "CIVICDESK_OUTBOX_DIR",
                std::env::temp_dir().join("civicdesk-seed-outbox"),
            )
            .env("RUST_LOG", "warn")
            .args(["seed-demo", "--cases", &cases.to_string(), "--years", "1"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("added {cases} cases")), "{said}");
}

/// The fields a 422 names, in order.
fn fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

fn int(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

on_both_backends! {
    async fn a_seeded_history_adds_up_across_every_scorecard(backend) {
        let Some(app) = spawn_app_with(backend, &[]).await else {
            assert!(backend == Backend::Postgres && std::env::var("CI").is_err(), "no app");
            return;
        };
        seed_demo(&app, 600).await;
        seed_demo(&app, 200).await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
        let first = today - chrono::Duration::days(400);
        let whole = get_ok(&app, &format!("/api/v1/stats/teams?from={first}&to={today}")).await;
        let total = &whole["total"];
        assert_eq!(int(total, "received"), 800, "{total}");
        // Most are resolved; what is not resolved is open or withdrawn.
        assert!(int(total, "resolved") > 600 && int(total, "resolved") + int(total, "open") <= 800, "{total}");
        assert!(int(total, "surveys_sent") > 0 && int(total, "responses") > 0, "{total}");
        let items = whole["items"].as_array().unwrap();
        assert_eq!(items.len(), 12, "six seeded teams and six demo ones");
        for k in ["received", "resolved", "open", "overdue", "surveys_sent", "responses"] {
            let sum: i64 = items.iter().map(|t| int(t, k)).sum();
            assert_eq!(sum, int(total, k), "teams add up to the total for {k}");
        }
        // Month by month over the same span: the months add up to the whole.
        let from_month = first.format("%Y-%m");
        let m = get_ok(&app, &format!("/api/v1/stats/monthly?from={from_month}")).await;
        for k in ["received", "resolved", "surveys_sent", "responses"] {
            let sum: i64 = m["totals"].as_array().unwrap().iter().map(|t| int(t, k)).sum();
            let (_, span) = app
                .admin_json(Method::GET, &format!("/api/v1/stats/teams?from={from_month}-01&to={today}"), None)
                .await;
            assert_eq!(sum, int(&span["total"], k), "months add up for {k}");
        }
        // The open count is the open queue.
        let mut open = 0;
        let mut next = "/api/v1/cases?status=open&limit=200".to_string();
        loop {
            let page = get_ok(&app, &next).await;
            open += page["items"].as_array().unwrap().len() as i64;
            match page["next_cursor"].as_str() {
                Some(c) => next = format!("/api/v1/cases?status=open&limit=200&after={c}"),
                None => break,
            }
        }
        assert_eq!(open, int(total, "open"));
        app.stop().await;
    }
}

/// The Roads team's row of `stats/teams` over the last 40 days.
async fn roads_now(app: &TestApp) -> Value {
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
    let from = today - chrono::Duration::days(40);
    let v = get_ok(app, &format!("/api/v1/stats/teams?from={from}&to={today}")).await;
    team(&v["items"], "Roads").clone()
}

on_both_backends! {
    async fn the_figures_follow_every_change_of_a_case_and_of_the_holidays(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else {
            assert!(backend == Backend::Postgres && std::env::var("CI").is_err(), "no app");
            return;
        };
        // Received two weeks ago, resolved now through the API.
        let received = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive() - chrono::Duration::days(14);
        let id = case(&app, "road-damage", &format!("{received}T10:00:00+09:00"), false).await;
        check(&roads_now(&app).await, &[("resolved", Some(0.0))]);
        act(&app, &id, "resolve", json!({"resolution": "보수했습니다."})).await;
        let before = roads_now(&app).await;
        check(&before, &[("resolved", Some(1.0)), ("surveys_sent", Some(1.0)), ("responses", Some(0.0))]);
        let days = before["median_processing_days"].as_f64().unwrap();
        // Counted here on its own: two weeks are eight to eleven business days,
        // depending on the weekday and the holidays (Seollal, Chuseok) in between.
        let calendar = crate::helpers::BusinessDays::of(&app).await;
        let expected = calendar.between(received, crate::helpers::seoul_today());
        assert_eq!(days, expected as f64, "the business days from receipt to today: {before}");

        // A holiday declared later on a working day in between: one day less, at once.
        let day = declare_holiday_after(&app, received).await;
        check(&roads_now(&app).await, &[("median_processing_days", Some(days - 1.0))]);
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/holidays/{day}"), None).await;
        assert_eq!(s, 200);
        check(&roads_now(&app).await, &[("median_processing_days", Some(days))]);

        // The phone answer counts at once; reopening takes the case out; resolving puts it back.
        phone_answer(&app, &id, 5, 4).await;
        check(&roads_now(&app).await, &[("responses", Some(1.0)), ("avg_process_score", Some(5.0))]);
        act(&app, &id, "reopen", json!({"reason": "재민원"})).await;
        check(&roads_now(&app).await, &[("resolved", Some(0.0)), ("responses", Some(0.0))]);
        act(&app, &id, "resolve", json!({"resolution": "다시 보수했습니다."})).await;
        check(&roads_now(&app).await, &[("resolved", Some(1.0)), ("responses", Some(1.0))]);

        // Counted on another calendar basis (another zone), the figures are counted again at the next start.
        app.sql("UPDATE case_figures SET zone = 'elsewhere', processing_days = 999".to_string()).await;
        check(&roads_now(&app).await, &[("median_processing_days", Some(999.0))]);
        let app = app.restarted().await;
        check(&roads_now(&app).await, &[("median_processing_days", Some(days))]);

        app.stop().await;
    }
}
