//! The legal calendar: holidays by rule for any year, an admin's changes kept
//! when the rules are applied again, and open cases' due dates following
//! every change of the holiday set.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{grievance, new_database, read, spawn_app_on, Backend, TestApp};
use crate::{both_backends, on_both_backends};

/// Takes a case by visit, received at `received_at`; returns the intake answer.
async fn visit(app: &TestApp, category: &str, received_at: &str) -> Value {
    let mut b = grievance("가로등이 꺼졌어요");
    b["category"] = json!(category);
    b["channel"] = json!("visit");
    b["received_at"] = json!(received_at);
    let (s, case) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
    assert_eq!(s, 201, "{case}");
    case
}

async fn case(app: &TestApp, id: &Value) -> Value {
    let (s, c) = app
        .admin_json(Method::GET, &format!("/api/v1/cases/{}", id.as_str().unwrap()), None)
        .await;
    assert_eq!(s, 200, "{c}");
    c
}

async fn events_of(app: &TestApp, id: &Value, kind: &str) -> Vec<Value> {
    let (_, ev) = app
        .admin_json(
            Method::GET,
            &format!("/api/v1/cases/{}/events", id.as_str().unwrap()),
            None,
        )
        .await;
    ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .cloned()
        .collect()
}

async fn track(app: &TestApp, intake: &Value) -> Value {
    let r = app
        .request(
            Method::GET,
            &format!("/api/v1/track/{}", intake["receipt_no"].as_str().unwrap()),
        )
        .header("X-Access-Token", intake["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let (s, body) = read(r).await;
    assert_eq!(s, 200, "{body}");
    body
}

async fn year(app: &TestApp, y: i32) -> Vec<Value> {
    let (s, list) = app
        .admin_json(Method::GET, &format!("/api/v1/holidays?year={y}"), None)
        .await;
    assert_eq!(s, 200, "{list}");
    list["items"].as_array().unwrap().clone()
}

fn has(list: &[Value], date: &str) -> bool {
    list.iter().any(|h| h["date"] == date && h["active"] == true)
}

fn kasi(year: i32, month: u8, day: u8) -> String {
    korean_lunar_calendar::lunar_to_gregorian(&korean_lunar_calendar::LunarDate {
        year,
        month: (month, false),
        day,
    })
    .unwrap()
    .to_string()
}

both_backends! {
    async fn adding_and_removing_a_holiday_moves_open_cases_due_dates(app) {
        // Streetlight: 3 days (24 working hours) from Friday 20 Nov 17:00 → Wednesday 25 Nov 17:00.
        let open = visit(app, "streetlight", "2026-11-20T17:00:00+09:00").await;
        assert_eq!(open["due_at"], "2026-11-25T17:00:00+09:00");
        // Due before the new holiday: it cannot move.
        let earlier = visit(app, "streetlight", "2026-11-16T09:00:00+09:00").await;
        assert_eq!(earlier["due_at"], "2026-11-18T18:00:00+09:00");
        // Resolved: its due date is history.
        let done = visit(app, "streetlight", "2026-11-20T17:00:00+09:00").await;
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{}/resolve", done["id"].as_str().unwrap()),
            Some(&json!({"resolution": "교체했습니다."}))).await;
        assert_eq!(s, 200);

        let (s, h) = app.admin_json(Method::POST, "/api/v1/holidays", Some(&json!({"date": "2026-11-24", "name": "임시공휴일 (temporary holiday)"}))).await;
        assert_eq!(s, 201, "{h}");
        assert_eq!(h["source"], "admin");

        let moved = case(app, &open["id"]).await;
        assert_eq!(moved["due_at"], "2026-11-26T17:00:00+09:00");
        let ev = events_of(app, &open["id"], "due_date_changed").await;
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0]["data"]["due_at"], "2026-11-26T17:00:00+09:00");
        assert_eq!(ev[0]["data"]["previous_due_at"], "2026-11-25T17:00:00+09:00");
        assert!(ev[0]["data"]["reason"].as_str().unwrap().contains("holiday added: 2026-11-24"), "{}", ev[0]);
        assert_eq!(case(app, &earlier["id"]).await["due_at"], "2026-11-18T18:00:00+09:00");
        assert!(events_of(app, &earlier["id"], "due_date_changed").await.is_empty());
        assert_eq!(case(app, &done["id"]).await["due_at"], "2026-11-25T17:00:00+09:00");

        // The citizen sees the new date and why, on the JSON view and the page.
        let t = track(app, &open).await;
        assert_eq!(t["due_at"], "2026-11-26T17:00:00+09:00");
        let step = t["timeline"].as_array().unwrap().iter().find(|e| e["type"] == "due_date_changed").expect("public step").clone();
        assert_eq!(step["due_at"], "2026-11-26T17:00:00+09:00");
        assert!(step["reason"].as_str().unwrap().contains("2026-11-24"));
        assert!(step.get("holidays").is_none(), "only whitelisted fields: {step}");

        // Deactivated, it is a business day again and the due date comes back.
        let (s, h) = app.admin_json(Method::DELETE, "/api/v1/holidays/2026-11-24", None).await;
        assert_eq!((s, &h["active"]), (200, &json!(false)));
        assert_eq!(case(app, &open["id"]).await["due_at"], "2026-11-25T17:00:00+09:00");
        let ev = events_of(app, &open["id"], "due_date_changed").await;
        assert_eq!(ev.len(), 2);
        assert!(ev[1]["data"]["reason"].as_str().unwrap().contains("holiday removed: 2026-11-24"));

        // Renaming changes no day: nothing moves.
        let (s, _) = app.admin_json(Method::PATCH, "/api/v1/holidays/2026-11-24", Some(&json!({"name": "개교기념일"}))).await;
        assert_eq!(s, 200);
        assert_eq!(events_of(app, &open["id"], "due_date_changed").await.len(), 2);
    }

    async fn a_hold_and_an_extension_are_kept_when_the_due_date_is_counted_again(app) {
        // 7 days from Monday 16 Nov 2026, 10:00: due Tuesday 24 Nov 18:00.
        let c = visit(app, "road-damage", "2026-11-16T10:00:00+09:00").await;
        let id = c["id"].as_str().unwrap();
        assert_eq!(c["due_at"], "2026-11-24T18:00:00+09:00");
        // Extended by 2 business days: Thursday 26 Nov.
        let (s, ext) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/extend"),
            Some(&json!({"business_days": 2, "reason": "현장 확인"}))).await;
        assert_eq!(s, 200, "{ext}");
        assert_eq!(case(app, &c["id"]).await["due_at"], "2026-11-26T18:00:00+09:00");
        // On hold from Tuesday 17 Nov 10:00 to Wednesday 18 Nov 10:00 (8 working
        // hours; set in the past, as resume would have left it): Friday 27 Nov.
        app.sql(format!("INSERT INTO case_holds (id, case_id, started_at, ended_at) VALUES \
                 ('0193a0a0-0000-7000-8000-000000000001', '{id}', '2026-11-17 01:00:00', '2026-11-18 01:00:00')")).await;
        app.sql(format!("UPDATE cases SET due_at = '2026-11-27 09:00:00' WHERE id = '{id}'")).await;

        // A holiday inside the period (Thursday 19 Nov) moves it one business day: Monday 30 Nov.
        let (s, _) = app.admin_json(Method::POST, "/api/v1/holidays", Some(&json!({"date": "2026-11-19", "name": "test"}))).await;
        assert_eq!(s, 201);
        let after = case(app, &c["id"]).await;
        assert_eq!(after["due_at"], "2026-11-30T18:00:00+09:00");
        assert_eq!(after["extended"], true);
        // Gone again: back to Friday, the extension and the hold still counted.
        let (s, _) = app.admin_json(Method::DELETE, "/api/v1/holidays/2026-11-19", None).await;
        assert_eq!(s, 200);
        assert_eq!(case(app, &c["id"]).await["due_at"], "2026-11-27T18:00:00+09:00");
    }

    async fn any_year_lists_its_holidays_by_rule(app) {
        // Kept from the first start.
        let y2045 = year(app, 2045).await;
        for d in ["2045-01-01", "2045-03-01", "2045-05-01", "2045-05-05", "2045-06-06", "2045-07-17",
                  "2045-08-15", "2045-10-03", "2045-10-09", "2045-12-25"] {
            assert!(has(&y2045, d), "{d}");
        }
        // The lunar holidays agree with KASI's table.
        for (m, d) in [(1, 1), (4, 8), (8, 15)] {
            let date = kasi(2045, m, d);
            assert!(has(&y2045, &date), "lunar {m}/{d} = {date}");
        }
        assert!(y2045.iter().all(|h| h["source"] == "rules"));
        // The 2045 presidential election: first Wednesday from 25 March 2045.
        assert!(has(&y2045, "2045-03-29"), "{y2045:?}");

        // Beyond what is kept, generated when first asked for (KASI's table ends in 2050).
        let y2071 = year(app, 2071).await;
        assert!(y2071.len() >= 15, "{y2071:?}");
        assert!(has(&y2071, "2071-05-05"));
        assert!(y2071.iter().any(|h| h["name"] == "추석 (Chuseok)"));

        // 2026 has Labor Day and Constitution Day; 2030's local election is on 12 June.
        let y2026 = year(app, 2026).await;
        assert!(has(&y2026, "2026-05-01") && has(&y2026, "2026-07-17"));
        let y2030 = year(app, 2030).await;
        assert!(has(&y2030, "2030-06-12") && !has(&y2030, "2030-06-05"));
    }

    async fn the_rules_applied_again_keep_an_admins_changes_and_move_due_dates(app) {
        // An admin's own changes: Christmas 2026 deactivated, Christmas Eve added.
        let (s, _) = app.admin_json(Method::DELETE, "/api/v1/holidays/2026-12-25", None).await;
        assert_eq!(s, 200);
        let (s, _) = app.admin_json(Method::POST, "/api/v1/holidays", Some(&json!({"date": "2026-12-24", "name": "성탄절 전날"}))).await;
        assert_eq!(s, 201);
        // The table as an earlier release left it: no Labor Day or Constitution
        // Day, the 2030 local election on 5 June, the rules of version 1.
        app.sql("DELETE FROM holidays WHERE date IN ('2026-05-01', '2026-07-17', '2030-06-12')").await;
        app.sql("INSERT INTO holidays (date, name, active, updated_at, origin) VALUES \
                 ('2030-06-05', '제10회 전국동시지방선거일 (local elections)', TRUE, '2026-11-23 00:00:00', 'law')").await;
        app.sql("UPDATE holiday_years SET rules_version = 1").await;
        // A grievance taken then: Tuesday 28 April 2026 at 17:55, seven days, counted without Labor Day.
        let c = visit(app, "road-damage", "2026-04-28T17:55:00+09:00").await;
        assert_eq!(c["due_at"], "2026-05-07T18:00:00+09:00");

        // The upgrade: the new release starts on the same database.
        let app = app.restarted().await;
        let y2026 = year(&app, 2026).await;
        assert!(has(&y2026, "2026-05-01") && has(&y2026, "2026-07-17"));
        assert!(has(&y2026, "2026-12-24"), "the admin's addition stays");
        let christmas = y2026.iter().find(|h| h["date"] == "2026-12-25").unwrap();
        assert_eq!((&christmas["active"], &christmas["source"]), (&json!(false), &json!("admin")), "the admin's deactivation stays");
        let y2030 = year(&app, 2030).await;
        assert!(has(&y2030, "2030-06-12") && !y2030.iter().any(|h| h["date"] == "2030-06-05"));

        let moved = case(&app, &c["id"]).await;
        assert_eq!(moved["due_at"], "2026-05-08T18:00:00+09:00");
        let ev = events_of(&app, &c["id"], "due_date_changed").await;
        assert_eq!(ev.len(), 1);
        assert!(ev[0]["data"]["reason"].as_str().unwrap().contains("2026-05-01 노동절 (Labor Day)"), "{}", ev[0]);
        // Applying the same rules again changes nothing.
        let app = app.restarted().await;
        assert_eq!(events_of(&app, &c["id"], "due_date_changed").await.len(), 1);
        app.stop().await;
    }
}

/// Migrates a database to what the release before the holiday rules had
/// (its first four migrations) and fills the holiday table as that release
/// did: a seeded table whose rows share one `updated_at`, plus an admin's
/// addition and deactivation made later.
fn an_earlier_release(db_url: &str, backend: Backend) {
    use civicdesk::db::{establish, Conn, DatabaseUrl};
    use diesel::RunQueryDsl;
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};

    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let migrations =
        FileBasedMigrations::from_path(format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut conn = establish(&DatabaseUrl::parse(db_url).unwrap()).unwrap();
    for _ in 0..4 {
        match &mut conn {
            Conn::Sqlite(c) => drop(c.run_next_migration(migrations.clone()).unwrap()),
            Conn::Pg(c) => drop(c.run_next_migration(migrations.clone()).unwrap()),
        }
    }
    let seeded = "'2026-11-23 08:00:00.123456'";
    let rows = [
        format!("('2026-01-01', '신정 (New Year''s Day)', TRUE, {seeded})"),
        "('2026-10-09', '한글날 (Hangul Day)', FALSE, '2026-11-28 09:30:00')".to_string(),
        format!("('2026-12-25', '기독탄신일 (Christmas Day)', TRUE, {seeded})"),
        format!("('2030-06-05', '제10회 전국동시지방선거일 (local elections)', TRUE, {seeded})"),
        "('2026-12-24', '성탄절 전날', TRUE, '2026-11-29 10:00:00')".to_string(),
    ];
    diesel::sql_query(format!(
        "INSERT INTO holidays (date, name, active, updated_at) VALUES {}",
        rows.join(", ")
    ))
    .execute(&mut conn)
    .unwrap();
}

on_both_backends! {
    async fn an_existing_deployment_is_brought_to_the_law_keeping_its_admins_changes(backend) {
        let Some((db_url, file)) = new_database(backend, false).await else { return };
        let url = db_url.clone();
        tokio::task::spawn_blocking(move || an_earlier_release(&url, backend)).await.unwrap();

        let app = spawn_app_on(db_url, file, &[]).await;
        let y2026 = year(&app, 2026).await;
        // The law as it stands: Labor Day and Constitution Day added.
        assert!(has(&y2026, "2026-05-01") && has(&y2026, "2026-07-17"));
        let christmas = y2026.iter().find(|h| h["date"] == "2026-12-25").unwrap();
        assert_eq!(christmas["source"], "rules", "a seeded row is the rules' row");
        // The admin's deactivation and addition stay as they were.
        let hangul = y2026.iter().find(|h| h["date"] == "2026-10-09").unwrap();
        assert_eq!((&hangul["active"], &hangul["source"]), (&json!(false), &json!("admin")));
        let eve = y2026.iter().find(|h| h["date"] == "2026-12-24").unwrap();
        assert_eq!((&eve["active"], &eve["source"]), (&json!(true), &json!("admin")));
        // The 2030 local election moved to where the statute puts it.
        let y2030 = year(&app, 2030).await;
        assert!(has(&y2030, "2030-06-12") && !y2030.iter().any(|h| h["date"] == "2030-06-05"));
        app.stop().await;
    }
}
