//! `POST /api/v1/cases`: routing, due dates, receipt numbers, idempotency, validation.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{grievance, problem, read, TestApp, ADMIN_TOKEN};

/// Records a case as an operator with a receipt time in the past.
async fn record(app: &TestApp, mut body: Value, received_at: &str) -> (u16, Value) {
    body["channel"] = json!("phone");
    body["received_at"] = json!(received_at);
    app.admin_json(Method::POST, "/api/v1/cases", Some(&body)).await
}

both_backends! {
    async fn a_citizen_grievance_is_routed_and_due_by_the_calendar(app) {
        let r = app.post_public("/api/v1/cases", &json!({
            "kind": "grievance", "category": "road-damage", "title": "도로에 구멍",
            "description": "학교 앞 도로가 파였습니다", "citizen": {"name": "김민원", "phone": "010-1234-5678"},
            "location": {"lat": 37.5665, "long": 126.978, "address": "서울 중구 세종대로 110"}
        })).await;
        assert_eq!(r.status(), 201);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let (_, body) = read(r).await;
        assert_eq!(location, format!("/api/v1/cases/{}", body["id"].as_str().unwrap()));
        assert!(body["receipt_no"].as_str().unwrap().len() == 11, "{body}");
        assert!(body["access_token"].as_str().unwrap().len() >= 43, "at least 256 bits, base64");
        assert_eq!(body["status"], "received");
        assert_eq!(body["channel"], "web");
        assert!(body["team"]["name"].as_str().unwrap().contains("Roads"));
        assert!(body["due_at"].as_str().unwrap().ends_with("18:00:00+09:00"), "7 days end at 18:00: {body}");

        // The operator view has the same case, with the location.
        let (status, case) = app.admin_json(Method::GET, &location, None).await;
        assert_eq!(status, 200);
        assert_eq!(case["receipt_no"], body["receipt_no"]);
        assert_eq!(case["location"]["long"], 126.978);
        assert_eq!(case["citizen"]["phone"], "010-1234-5678");
        assert_eq!(case["processing_days"], 1);
        assert_eq!(case["overdue"], false);
    }

    async fn seven_days_over_chuseok_2025_end_on_october_17(app) {
        let (status, body) = record(app, json!({
            "kind": "grievance", "category": "noise", "title": "공사 소음", "description": "밤샘 공사",
            "citizen": {"name": "이민원", "email": "lee@example.org"}
        }), "2025-10-02T10:00:00+09:00").await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["due_at"], "2025-10-17T18:00:00+09:00");
        assert_eq!(body["channel"], "phone");
        assert_eq!(body["received_at"], "2025-10-02T10:00:00+09:00");
        assert!(body["receipt_no"].as_str().unwrap().starts_with("2025-"), "numbered in the year received");
        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{}/events", body["id"].as_str().unwrap()), None).await;
        assert_eq!(events["items"][0]["actor"]["kind"], "operator");
        assert_eq!(events["items"][0]["actor"]["name"], "Administrator");
        assert_eq!(events["items"][0]["data"]["channel"], "phone");
    }

    async fn a_short_deadline_counts_working_hours_friday_to_wednesday(app) {
        // streetlight: 3 days = 24 working hours; Friday 17:00 → Wednesday 17:00.
        let (status, body) = record(app, json!({
            "kind": "grievance", "category": "streetlight", "title": "가로등 고장", "description": "꺼져 있음",
            "citizen": {"name": "박민원", "email": "park@example.org"}
        }), "2026-11-20T17:00:00+09:00").await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["due_at"], "2026-11-25T17:00:00+09:00");
    }

    async fn a_proposal_of_one_month_ending_on_a_holiday_moves_on(app) {
        let (status, body) = record(app, json!({
            "kind": "proposal", "category": "citizen-proposal", "title": "자전거 도로 확충",
            "description": "한강 연결 자전거 도로를 제안합니다", "citizen": {"name": "최제안", "email": "choi@example.org"}
        }), "2026-09-10T10:00:00+09:00").await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["due_at"], "2026-10-12T18:00:00+09:00", "Oct 9 is Hangul Day");
        assert!(body["team"]["name"].as_str().unwrap().contains("Planning"));
    }

    async fn receipt_numbers_are_unique_and_sequential_under_concurrency(app) {
        let mut tasks = Vec::new();
        for i in 0..12 {
            let client = app.client.clone();
            let url = format!("{}/api/v1/cases", app.base);
            tasks.push(tokio::spawn(async move {
                let r = client.post(url).json(&grievance(&format!("동시 접수 {i}"))).send().await.unwrap();
                assert_eq!(r.status(), 201);
                r.json::<Value>().await.unwrap()["receipt_no"].as_str().unwrap().to_string()
            }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap());
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 12, "{numbers:?}");
        let seqs: Vec<u32> = numbers.iter().map(|n| n[5..].parse().unwrap()).collect();
        assert_eq!(seqs, (1..=12).collect::<Vec<u32>>());
    }

    async fn an_idempotency_key_gives_one_case_and_the_same_answer(app) {
        let send = |body: Value| {
            app.request(Method::POST, "/api/v1/cases").header("Idempotency-Key", "retry-123").json(&body).send()
        };
        let (s1, first) = read(send(grievance("한 번만")).await.unwrap()).await;
        let (s2, second) = read(send(grievance("한 번만")).await.unwrap()).await;
        assert_eq!((s1, s2), (201, 201));
        assert_eq!(first, second, "the retry returns the first response, token included");
        // The next case gets the next number: the retry created nothing.
        let (_, next) = read(app.post_public("/api/v1/cases", &grievance("다른 민원")).await).await;
        let n = |v: &Value| v["receipt_no"].as_str().unwrap()[5..].parse::<u32>().unwrap();
        assert_eq!(n(&next), n(&first) + 1);
        // The same key with another body is refused, and changes nothing.
        let body = problem(send(grievance("다른 내용")).await.unwrap(), 422).await;
        assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    }

    async fn invalid_bodies_get_every_field_error_at_once(app) {
        let r = app.post_public("/api/v1/cases", &json!({
            "kind": "complaint", "title": "x".repeat(201), "description": "",
            "citizen": {"name": "", "email": "not-an-email"}, "locale": "fr"
        })).await;
        let body = problem(r, 422).await;
        let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["kind", "title", "description", "citizen.name", "citizen.email", "locale"]);

        let body = problem(app.post_public("/api/v1/cases", &json!({"kind": "grievance", "title": "t", "description": "d", "citizen": {"name": "Kim"}})).await, 422).await;
        assert_eq!(body["errors"][0]["field"], "citizen");

        let body = problem(app.post_public("/api/v1/cases", &json!({"kind": "grievance", "title": 7})).await, 422).await;
        assert_eq!(body["errors"][0]["field"], "title");

        let mut typo = grievance("오타");
        typo["citizen"]["emial"] = json!("x@example.org");
        let body = problem(app.post_public("/api/v1/cases", &typo).await, 422).await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("emial"), "{body}");

        let mut other_kind = grievance("종류");
        other_kind["category"] = json!("citizen-proposal");
        let body = problem(app.post_public("/api/v1/cases", &other_kind).await, 422).await;
        assert_eq!(body["errors"][0]["field"], "category");
        other_kind["category"] = json!("no-such-category");
        problem(app.post_public("/api/v1/cases", &other_kind).await, 422).await;
    }

    async fn malformed_oversized_and_non_json_bodies_are_refused(app) {
        let post = |ct: &'static str, body: Vec<u8>| {
            app.request(Method::POST, "/api/v1/cases").header("content-type", ct).body(body).send()
        };
        problem(post("application/json", b"{\"kind\": ".to_vec()).await.unwrap(), 400).await;
        problem(post("text/plain", b"hello".to_vec()).await.unwrap(), 415).await;
        let mut huge = grievance("큰 본문");
        huge["description"] = json!("가".repeat(120_000));
        problem(post("application/json", serde_json::to_vec(&huge).unwrap()).await.unwrap(), 413).await;
        // None of these created a case: the first real one is number 1.
        let (_, ok) = read(app.post_public("/api/v1/cases", &grievance("정상")).await).await;
        assert!(ok["receipt_no"].as_str().unwrap().ends_with("-000001"), "{ok}");
    }

    async fn only_operators_set_channel_and_received_at(app) {
        let mut body = grievance("전화 접수");
        body["channel"] = json!("phone");
        problem(app.post_public("/api/v1/cases", &body).await, 403).await;

        let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
        let (status, err) = record(app, grievance("미래"), &future).await;
        assert_eq!(status, 422);
        assert_eq!(err["errors"][0]["field"], "received_at");

        let r = app.request(Method::POST, "/api/v1/cases").bearer_auth("cd_wrong").json(&grievance("x")).send().await.unwrap();
        problem(r, 401).await;

        let r = app.request(Method::POST, "/api/v1/cases").bearer_auth(ADMIN_TOKEN).json(&grievance("API")).send().await.unwrap();
        let (_, b) = read(r).await;
        assert_eq!(b["channel"], "api", "an operator's case without a channel is an API case");
    }

    async fn rules_then_category_default_then_triage_decide_the_team(app) {
        let welfare = app.team_id("Welfare").await;
        let (s, rule) = app.admin_json(Method::POST, "/api/v1/routing-rules", Some(&json!({
            "position": 5, "kind": "grievance", "keywords": ["경로당"], "team_id": welfare
        }))).await;
        assert_eq!(s, 201, "{rule}");

        // A rule beats the category's default team (noise → Environment).
        let mut b = grievance("경로당 앞 소음");
        b["category"] = json!("noise");
        let (_, case) = read(app.post_public("/api/v1/cases", &b).await).await;
        assert_eq!(case["team"]["id"], welfare.as_str());
        // The history says which rule decided.
        let (s, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()), None).await;
        assert_eq!(s, 200, "{events}");
        let routed = &events["items"][1];
        assert_eq!(routed["type"], "routed");
        assert_eq!(routed["actor"]["kind"], "system");
        assert_eq!(routed["data"]["by"], "rule");
        assert_eq!(routed["data"]["rule_id"], rule["id"]);
        assert_eq!(events["items"][0]["type"], "received");
        assert_eq!(events["items"][0]["actor"]["kind"], "citizen");

        // No rule: the category's default team; no category and no match: triage.
        b["title"] = json!("공사 소음");
        let (_, case) = read(app.post_public("/api/v1/cases", &b).await).await;
        assert!(case["team"]["name"].as_str().unwrap().contains("Environment"));
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("기타 문의")).await).await;
        assert!(case["team"]["name"].as_str().unwrap().contains("Triage"), "{case}");
        assert_eq!(case["category"], Value::Null);
        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()), None).await;
        assert_eq!(events["items"][1]["data"]["by"], "triage");

        // A deactivated rule no longer routes.
        let rule_id = rule["id"].as_str().unwrap();
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/routing-rules/{rule_id}"), None).await;
        assert_eq!(s, 200);
        b["title"] = json!("경로당 앞 소음");
        let (_, case) = read(app.post_public("/api/v1/cases", &b).await).await;
        assert!(case["team"]["name"].as_str().unwrap().contains("Environment"));
    }

    async fn a_case_without_category_is_classified_by_keywords(app) {
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("쓰레기 무단투기 신고")).await).await;
        assert_eq!(case["category"]["code"], "waste");
        assert!(case["team"]["name"].as_str().unwrap().contains("Environment"));
    }
}

/// Two databases in one process (here: made from one template, so their
/// migration-written ids are the same, and at the same reference version)
/// never share cached reference data: each intake routes with its own
/// database's categories and teams.
#[tokio::test]
async fn two_databases_in_one_process_keep_their_own_reference_data() {
    for backend in [crate::helpers::Backend::Sqlite, crate::helpers::Backend::Postgres] {
        let Some(first) = crate::helpers::spawn_app(backend).await else {
            continue;
        };
        let Some(second) = crate::helpers::spawn_app(backend).await else {
            continue;
        };
        for app in [&first, &second, &first] {
            let mut body = grievance("보도블록이 깨졌습니다");
            body["category"] = json!("road-damage");
            let (status, receipt) = read(app.post_public("/api/v1/cases", &body).await).await;
            assert_eq!(status, 201, "{receipt}");
            assert_eq!(receipt["category"]["code"], "road-damage");
        }
        first.stop().await;
        second.stop().await;
    }
}
