//! Operator work on a case: every branch of its life, with history, the
//! citizen's timeline and the due date right at each step.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{grievance, problem, read, BusinessDays, TestApp};

/// When the recorded cases arrived: 10:00 five business days ago. Recent on
/// any date the tests run, so no 30-day progress notice joins the histories
/// these tests compare (a fixed date would get one from 30 days after it).
async fn received_recently(app: &TestApp) -> (BusinessDays, chrono::NaiveDate, String) {
    let calendar = BusinessDays::of(app).await;
    let day = calendar.ago(5);
    (calendar, day, format!("{day}T10:00:00+09:00"))
}

/// A case recorded by the admin, received five business days ago.
async fn recorded(app: &TestApp, category: &str, kind: &str) -> Value {
    let (_, _, received_at) = received_recently(app).await;
    recorded_at(app, category, kind, &received_at).await
}

/// A case recorded by the admin, received at `received_at`.
async fn recorded_at(app: &TestApp, category: &str, kind: &str, received_at: &str) -> Value {
    let mut b = grievance("공사 소음이 심합니다");
    b["kind"] = json!(kind);
    b["category"] = json!(category);
    b["channel"] = json!("phone");
    b["received_at"] = json!(received_at);
    let (s, case) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
    assert_eq!(s, 201, "{case}");
    case
}

/// POSTs an action as `token` and returns status and body.
async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = app
        .request(Method::POST, &format!("/api/v1/cases/{id}/{action}"))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    read(r.send().await.unwrap()).await
}

async fn track(app: &TestApp, case: &Value) -> Value {
    let r = app
        .request(
            Method::GET,
            &format!("/api/v1/track/{}", case["receipt_no"].as_str().unwrap()),
        )
        .header("X-Access-Token", case["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let (s, v) = read(r).await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn event_types(app: &TestApp, id: &str) -> Vec<String> {
    let (_, events) = app
        .admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None)
        .await;
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn a_grievance_goes_from_received_to_closed_through_every_step(app) {
        // noise: 7 days; received at 10:00 on a business day (day 1) → due the 7th business day at 18:00.
        let (calendar, day, received_at) = received_recently(app).await;
        let case = recorded_at(app, "noise", "grievance", &received_at).await;
        let due = format!("{}T18:00:00+09:00", calendar.nth_from(day, 7));
        assert_eq!(case["due_at"], due.as_str());
        let id = case["id"].as_str().unwrap().to_string();
        let env = app.team_id("Environment").await;
        let (agent_id, agent) = app.operator("agent", &[&env]).await;

        let (s, c) = act(app, &agent, &id, "assign", Some(json!({"assignee_id": agent_id}))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("assigned")), "{c}");
        assert_eq!(c["assignee"]["id"], agent_id.as_str());

        // The first public reply starts the work.
        let (s, c) = act(app, &agent, &id, "replies", Some(json!({"body": "현장을 확인하겠습니다."}))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("in_progress")));
        let (s, _) = act(app, &agent, &id, "notes", Some(json!({"body": "시공사 연락처: 내부용"}))).await;
        assert_eq!(s, 200);

        let (s, c) = act(app, &agent, &id, "hold", Some(json!({"reason": "시공사 의견 조회"}))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("on_hold")));
        assert!(c["on_hold_since"].is_string());
        let (s, c) = act(app, &agent, &id, "resume", None).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("in_progress")));
        assert!(c["due_at"].as_str().unwrap() >= due.as_str());
        let due_before_extension = c["due_at"].as_str().unwrap().to_string();

        // Extensions: at most the original 7 days, once; again only with consent.
        let (s, e) = act(app, &agent, &id, "extend", Some(json!({"business_days": 8, "reason": "too long"}))).await;
        assert_eq!(s, 422, "{e}");
        let (s, c) = act(app, &agent, &id, "extend", Some(json!({"business_days": 3, "reason": "현장 측정 필요"}))).await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["extended"], true);
        if due_before_extension == due {
            let extended = format!("{}T18:00:00+09:00", calendar.nth_from(day, 10));
            assert_eq!(c["due_at"], extended.as_str(), "3 business days after the 7th at 18:00");
        }
        let (s, e) = act(app, &agent, &id, "extend", Some(json!({"business_days": 2, "reason": "again"}))).await;
        assert_eq!(s, 409, "{e}");
        assert!(e["detail"].as_str().unwrap().contains("consent"));
        let (s, c) = act(app, &agent, &id, "extend", Some(json!({"business_days": 2, "reason": "시민 동의", "citizen_consent": true}))).await;
        assert_eq!((s, c["extension_count"].as_i64()), (200, Some(2)));

        let (s, c) = act(app, &agent, &id, "resolve", Some(json!({"resolution": "야간 공사를 중지시켰습니다."}))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("resolved")), "{c}");
        assert!(c["resolved_at"].is_string());
        let (s, c) = act(app, &agent, &id, "close", None).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("closed")));
        let (s, c) = act(app, &agent, &id, "reopen", Some(json!({"reason": "소음 재발"}))).await;
        assert_eq!((s, c["status"].as_str(), &c["resolution"]), (200, Some("in_progress"), &Value::Null));
        let (s, c) = act(app, &agent, &id, "resolve", Some(json!({"resolution": "과태료를 부과했습니다."}))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("resolved")));

        assert_eq!(
            event_types(app, &id).await,
            ["received", "routed", "assigned", "replied", "note", "held", "resumed", "extended", "extended",
             "resolved", "closed", "reopened", "resolved"]
        );
        // The citizen sees the public steps only, with the extension's reason and date.
        let view = track(app, &case).await;
        let timeline = view["timeline"].as_array().unwrap();
        let types: Vec<&str> = timeline.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["received", "routed", "replied", "extended", "extended", "resolved", "closed", "reopened", "resolved"]);
        assert_eq!(timeline[3]["reason"], "현장 측정 필요");
        assert!(timeline[3]["due_at"].is_string());
        assert_eq!(view["resolution"], "과태료를 부과했습니다.");
        let text = view.to_string();
        for hidden in ["내부용", "시공사 의견 조회", "Test Operator", agent_id.as_str()] {
            assert!(!text.contains(hidden), "{hidden} leaked to the citizen: {text}");
        }
    }

    async fn a_transfer_keeps_receipt_and_due_date_and_hides_its_reason(app) {
        let case = recorded(app, "road-damage", "grievance").await;
        let id = case["id"].as_str().unwrap();
        let welfare = app.team_id("Welfare").await;
        let roads = app.team_id("Roads").await;
        let (s, e) = act(app, crate::helpers::ADMIN_TOKEN, id, "transfer", Some(json!({"team_id": roads, "reason": "x"}))).await;
        assert_eq!(s, 422, "already with that team: {e}");
        let (s, e) = act(app, crate::helpers::ADMIN_TOKEN, id, "transfer", Some(json!({"team_id": welfare}))).await;
        assert_eq!(s, 422);
        assert_eq!(e["errors"][0]["field"], "reason");

        let (s, c) = act(app, crate::helpers::ADMIN_TOKEN, id, "transfer", Some(json!({"team_id": welfare, "reason": "복지 사안으로 판단"}))).await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["team"]["id"], welfare.as_str());
        assert_eq!(c["status"], "received");
        assert_eq!(c["due_at"], case["due_at"]);
        assert_eq!(c["received_at"], case["received_at"]);

        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        let transfer = events["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(transfer["type"], "transferred");
        assert_eq!(transfer["data"]["from_team_id"], roads.as_str());
        assert_eq!(transfer["data"]["reason"], "복지 사안으로 판단");
        assert_eq!(transfer["actor"]["name"], "Administrator");
        let view = track(app, &case).await;
        let last = view["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["type"], "transferred");
        assert!(last["team"].as_str().unwrap().contains("Welfare"));
        assert!(last.get("reason").is_none(), "{last}");

        // Roads' agents lose it; an inactive team cannot take it.
        let (_, roads_agent) = app.operator("agent", &[&roads]).await;
        let (s, _) = act(app, &roads_agent, id, "start", None).await;
        assert_eq!(s, 403);
        let (_, parks) = app.admin_json(Method::POST, "/api/v1/teams", Some(&json!({"name": "Parks", "active": false}))).await;
        let (s, _) = act(app, crate::helpers::ADMIN_TOKEN, id, "transfer", Some(json!({"team_id": parks["id"], "reason": "x"}))).await;
        assert_eq!(s, 422);
    }

    async fn actions_the_status_does_not_allow_are_409_and_change_nothing(app) {
        let case = recorded(app, "waste", "grievance").await;
        let id = case["id"].as_str().unwrap();
        let admin = crate::helpers::ADMIN_TOKEN;
        for (action, detail) in [
            ("resume", "cannot resume a case that is received"),
            ("hold", "cannot hold a case that is received"),
            ("close", "cannot close a case that is received"),
            ("reopen", "cannot reopen a case that is received"),
        ] {
            let body = (action == "reopen").then(|| json!({"reason": "x"}));
            let (s, e) = act(app, admin, id, action, body).await;
            assert_eq!((s, e["detail"].as_str()), (409, Some(detail)));
        }
        let (s, _) = act(app, admin, id, "resolve", Some(json!({"resolution": "처리했습니다"}))).await;
        assert_eq!(s, 200);
        let (s, _) = act(app, admin, id, "close", None).await;
        assert_eq!(s, 200);
        let (s, e) = act(app, admin, id, "resolve", Some(json!({"resolution": "again"}))).await;
        assert_eq!((s, e["detail"].as_str()), (409, Some("cannot resolve a case that is closed")));
        let (s, _) = act(app, admin, id, "replies", Some(json!({"body": "late"}))).await;
        assert_eq!(s, 409);
        let (s, _) = act(app, admin, id, "extend", Some(json!({"business_days": 1, "reason": "x"}))).await;
        assert_eq!(s, 409);
        // A note is always allowed: the history grows, the case does not change.
        let (s, c) = act(app, admin, id, "notes", Some(json!({"body": "사후 메모"}))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("closed")));
        assert_eq!(event_types(app, id).await, ["received", "routed", "resolved", "closed", "note"]);
    }

    async fn proposals_need_an_outcome_and_a_rejected_one_can_be_re_reviewed(app) {
        let case = recorded(app, "citizen-proposal", "proposal").await;
        let id = case["id"].as_str().unwrap();
        let admin = crate::helpers::ADMIN_TOKEN;
        let (s, e) = act(app, admin, id, "resolve", Some(json!({"resolution": "검토 결과"}))).await;
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("outcome")));
        let (s, e) = act(app, admin, id, "resolve", Some(json!({"resolution": "채택", "outcome": "adopted"}))).await;
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("planned_implementation_date")));
        let (s, e) = act(app, admin, id, "resolve", Some(json!({"resolution": "x", "outcome": "maybe"}))).await;
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("outcome")));

        let (s, c) = act(app, admin, id, "resolve", Some(json!({"resolution": "예산 부족으로 불채택", "outcome": "rejected"}))).await;
        assert_eq!((s, c["outcome"].as_str()), (200, Some("rejected")), "{c}");

        let re_review = |body: Value| {
            app.request(Method::POST, &format!("/api/v1/track/{}/re-review", case["receipt_no"].as_str().unwrap()))
                .header("X-Access-Token", case["access_token"].as_str().unwrap())
                .json(&body)
                .send()
        };
        let (s, e) = read(re_review(json!({})).await.unwrap()).await;
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("reason")));
        let (s, v) = read(re_review(json!({"reason": "예산 재검토를 요청합니다"})).await.unwrap()).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("in_progress")), "{v}");
        assert_eq!(v["outcome"], Value::Null);

        // A plan is for the future, whenever the test runs.
        let planned = (crate::helpers::seoul_today() + chrono::Duration::days(90)).to_string();
        let (s, c) = act(app, admin, id, "resolve", Some(json!({"resolution": "채택합니다", "outcome": "adopted", "planned_implementation_date": planned}))).await;
        assert_eq!((s, c["planned_implementation_date"].as_str()), (200, Some(planned.as_str())));
        // The citizen's page says what was decided and when it is to be done.
        let page = app
            .request(Method::GET, &format!("/track/{}?token={}&lang=en", case["receipt_no"].as_str().unwrap(), case["access_token"].as_str().unwrap()))
            .send().await.unwrap().text().await.unwrap();
        let date = chrono::NaiveDate::parse_from_str(&planned, "%Y-%m-%d").unwrap().format("%-d %b %Y").to_string();
        assert!(page.contains("Decision") && page.contains("Adopted") && page.contains(&date), "{page}");
        let body = problem(re_review(json!({"reason": "again"})).await.unwrap(), 409).await;
        assert!(body["detail"].as_str().unwrap().contains("rejected proposal"));

        // A grievance has no outcome.
        let g = recorded(app, "waste", "grievance").await;
        let (s, e) = act(app, admin, g["id"].as_str().unwrap(), "resolve", Some(json!({"resolution": "x", "outcome": "adopted"}))).await;
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("outcome")));
    }

    async fn operators_act_only_within_their_role_and_teams(app) {
        let case = recorded(app, "road-damage", "grievance").await;
        let id = case["id"].as_str().unwrap();
        let roads = app.team_id("Roads").await;
        let env = app.team_id("Environment").await;
        let (_, outsider) = app.operator("agent", &[&env]).await;
        let (_, caller) = app.operator("happycall", &[]).await;
        let (manager_id, manager) = app.operator("manager", &[&roads]).await;
        let (s, _) = act(app, &outsider, id, "start", None).await;
        assert_eq!(s, 403);
        let (s, _) = act(app, &caller, id, "start", None).await;
        assert_eq!(s, 403);
        // Assigning someone outside the team is refused; starting assigns the starter.
        let (outsider_id, _) = app.operator("agent", &[&env]).await;
        let (s, e) = act(app, &manager, id, "assign", Some(json!({"assignee_id": outsider_id}))).await;
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("assignee_id")));
        let (s, c) = act(app, &manager, id, "start", None).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("in_progress")));
        assert_eq!(c["assignee"]["id"], manager_id.as_str());
        // No credentials at all.
        let r = app.request(Method::POST, &format!("/api/v1/cases/{id}/close")).send().await.unwrap();
        problem(r, 401).await;
    }

    async fn two_simultaneous_resolves_give_one_200_and_one_409(app) {
        let case = recorded(app, "waste", "grievance").await;
        let id = case["id"].as_str().unwrap().to_string();
        let mut tasks = Vec::new();
        for i in 0..6 {
            let (client, url) = (app.client.clone(), format!("{}/api/v1/cases/{id}/resolve", app.base));
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(crate::helpers::ADMIN_TOKEN)
                    .json(&json!({"resolution": format!("answer {i}")}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut codes = Vec::new();
        for t in tasks {
            codes.push(t.await.unwrap());
        }
        codes.sort();
        assert_eq!(codes, [200, 409, 409, 409, 409, 409]);
        let resolved = event_types(app, &id).await.iter().filter(|t| *t == "resolved").count();
        assert_eq!(resolved, 1, "one resolution in the history");
    }

    async fn a_case_read_counts_every_hold_it_had(app) {
        // Received Monday 16 Nov 2026 10:00; resolved now, so its processing days stay put.
        let case = recorded_at(app, "noise", "grievance", "2026-11-16T10:00:00+09:00").await;
        let id = case["id"].as_str().unwrap();
        let (s, _) = act(app, crate::helpers::ADMIN_TOKEN, id, "resolve", Some(json!({"resolution": "조치 완료"}))).await;
        assert_eq!(s, 200);
        let days = || async {
            let (s, c) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}"), None).await;
            assert_eq!(s, 200, "{c}");
            c["processing_days"].as_i64().unwrap()
        };
        let before = days().await;
        // Two finished holds of a whole business day each (Tuesday 17 and Thursday 19 November, KST).
        app.sql(format!("INSERT INTO case_holds (id, case_id, started_at, ended_at) VALUES \
                 ('0193a0a0-0000-7000-8000-0000000000a1', '{id}', '2026-11-16 15:00:00', '2026-11-17 15:00:00'), \
                 ('0193a0a0-0000-7000-8000-0000000000a2', '{id}', '2026-11-18 15:00:00', '2026-11-19 15:00:00')")).await;
        assert_eq!(days().await, before - 2, "both holds, not only the first");
    }

    async fn a_withdrawal_during_a_hold_ends_the_hold(app) {
        let case = recorded(app, "waste", "grievance").await;
        let id = case["id"].as_str().unwrap();
        let admin = crate::helpers::ADMIN_TOKEN;
        act(app, admin, id, "start", None).await;
        let (s, _) = act(app, admin, id, "hold", None).await;
        assert_eq!(s, 200);
        let r = app
            .request(Method::POST, &format!("/api/v1/track/{}/withdraw", case["receipt_no"].as_str().unwrap()))
            .header("X-Access-Token", case["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        let (s, v) = read(r).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("withdrawn")), "{v}");
        let (_, c) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}"), None).await;
        assert_eq!(c["on_hold_since"], Value::Null);
        assert_eq!(c["overdue"], false, "a withdrawn case is not overdue");
    }
}
