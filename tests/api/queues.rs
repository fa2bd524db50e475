//! `GET /api/v1/cases`: every filter, combined; keyset paging that stays
//! right while new cases arrive, over a few thousand cases.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{grievance, problem, read, TestApp, ADMIN_TOKEN};

async fn record(app: &TestApp, title: &str, kind: &str, category: &str, received_at: &str) -> String {
    let mut b = grievance(title);
    b["kind"] = json!(kind);
    b["category"] = json!(category);
    b["channel"] = json!("letter");
    b["received_at"] = json!(received_at);
    let (s, c) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
    assert_eq!(s, 201, "{c}");
    c["receipt_no"].as_str().unwrap().to_string()
}

/// The receipt numbers a queue query returns (one page, up to 200).
async fn receipts(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let r = app
        .request(Method::GET, &format!("/api/v1/cases?limit=200&{query}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (s, body) = read(r).await;
    assert_eq!(s, 200, "{query}: {body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["receipt_no"].as_str().unwrap().to_string())
        .collect()
}

fn set(v: &[&String]) -> HashSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Creates `n` cases through the public intake, `parallel` at a time.
async fn flood(app: &TestApp, n: usize, parallel: usize, tag: &str) {
    let mut next = 0;
    while next < n {
        let batch: Vec<_> = (next..(next + parallel).min(n))
            .map(|i| {
                let (client, url) = (app.client.clone(), format!("{}/api/v1/cases", app.base));
                let body = grievance(&format!("{tag} 민원 {i}"));
                tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
            })
            .collect();
        for t in batch {
            assert_eq!(t.await.unwrap(), 201);
        }
        next += parallel;
    }
}

/// Pages through a whole queue; returns (receipt, sort key) in order.
async fn page_all(app: &TestApp, query: &str, key: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!("/api/v1/cases?limit=97&{query}");
        if let Some(a) = &after {
            url.push_str(&format!("&after={a}"));
        }
        let (s, body) = app.admin_json(Method::GET, &url, None).await;
        assert_eq!(s, 200, "{body}");
        for c in body["items"].as_array().unwrap() {
            out.push((
                c["receipt_no"].as_str().unwrap().to_string(),
                c[key].as_str().unwrap().to_string(),
            ));
        }
        match body["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_string()),
            None => return out,
        }
    }
}

both_backends! {
    async fn every_filter_works_alone_and_combined(app) {
        let a = record(app, "야간 공사 소음", "grievance", "noise", "2026-11-02T10:00:00+09:00").await;
        // B, C and E arrived in the last days: never overdue, whenever the test runs.
        let seoul = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul);
        let (b_at, e_at) = (seoul - chrono::Duration::days(1), seoul - chrono::Duration::days(2));
        let c_at = seoul - chrono::Duration::days(3);
        let b = record(app, "학교 앞 포트홀", "grievance", "road-damage", &b_at.to_rfc3339()).await;
        let c = record(app, "자전거 도로 제안", "proposal", "citizen-proposal", &c_at.to_rfc3339()).await;
        let d = record(app, "쓰레기 무단투기", "grievance", "waste", "2026-11-02T10:00:00+09:00").await;
        let e = record(app, "Noise at NIGHT, 50% louder", "grievance", "noise", &e_at.to_rfc3339()).await;
        let (_, f_case) = read(app.post_public("/api/v1/cases", &grievance("분리수거 쓰레기 문의")).await).await;
        let f = f_case["receipt_no"].as_str().unwrap().to_string();

        let env = app.team_id("Environment").await;
        let (agent_id, agent) = app.operator("agent", &[&env]).await;
        let (_, list) = app.admin_json(Method::GET, &format!("/api/v1/cases?q={}", "야간"), None).await;
        let a_id = list["items"][0]["id"].as_str().unwrap().to_string();
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{a_id}/assign"), Some(&json!({"assignee_id": agent_id}))).await;
        assert_eq!(s, 200);
        let (_, list) = app.admin_json(Method::GET, "/api/v1/cases?q=무단투기", None).await;
        let d_id = list["items"][0]["id"].as_str().unwrap().to_string();
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{d_id}/resolve"), Some(&json!({"resolution": "수거 완료"}))).await;
        assert_eq!(s, 200);

        let q = |query: &'static str| receipts(app, ADMIN_TOKEN, query);
        assert_eq!(set(&[&d]), q("status=resolved").await.into_iter().collect());
        assert_eq!(set(&[&a, &b, &c, &e, &f]), q("status=open").await.into_iter().collect());
        assert_eq!(set(&[&a, &b, &c, &e, &f]), q("status=received,assigned").await.into_iter().collect());
        assert_eq!(vec![c.clone()], q("kind=proposal").await);
        assert_eq!(set(&[&a, &e]), q("category=noise").await.into_iter().collect());
        assert_eq!(vec![a.clone()], q("overdue=true").await, "A was due 2026-11-10; D is resolved");
        assert_eq!(set(&[&a, &d]), q("due_before=2026-11-15").await.into_iter().collect());
        let between = format!("received_from={}&received_to={}", e_at.date_naive(), b_at.date_naive());
        assert_eq!(set(&[&b, &e]), receipts(app, ADMIN_TOKEN, &between).await.into_iter().collect());
        assert_eq!(vec![b.clone()], q("q=포트홀").await);
        assert_eq!(vec![e.clone()], q("q=night").await, "case-insensitive");
        assert_eq!(vec![e.clone()], q("q=50%25").await, "% is literal");
        assert!(q("q=5_%25").await.is_empty(), "_ is literal");
        let env_q = format!("team={env}");
        assert_eq!(set(&[&a, &d, &e, &f]), receipts(app, ADMIN_TOKEN, &env_q).await.into_iter().collect());
        let combined = format!("team={env}&status=open&overdue=true&category=noise&q=소음");
        assert_eq!(vec![a.clone()], receipts(app, ADMIN_TOKEN, &combined).await);
        assert_eq!(vec![a.clone()], receipts(app, ADMIN_TOKEN, &format!("assignee={agent_id}")).await);
        assert_eq!(vec![a.clone()], receipts(app, &agent, "assignee=me").await);

        // Default order: soonest due first; by receipt: newest first.
        let by_due = q("").await;
        assert_eq!(by_due[0], a.clone());
        let by_received = q("sort=received").await;
        assert_eq!(by_received[0], f.clone());
        assert_eq!(by_received[1], b.clone());

        // An agent sees only their teams' cases, and may not ask for another team.
        assert_eq!(set(&[&a, &d, &e, &f]), receipts(app, &agent, "").await.into_iter().collect());
        let roads = app.team_id("Roads").await;
        let r = app.request(Method::GET, &format!("/api/v1/cases?team={roads}")).bearer_auth(&agent).send().await.unwrap();
        problem(r, 403).await;

        // Items carry the calendar's figures.
        let (_, page) = app.admin_json(Method::GET, "/api/v1/cases?overdue=true", None).await;
        let item = &page["items"][0];
        assert_eq!(item["overdue"], true);
        assert!(item["processing_days"].as_i64().unwrap() >= 15, "{item}");
        assert_eq!(item["due_at"], "2026-11-10T18:00:00+09:00");

        for bad in ["status=bogus", "limit=0", "limit=1000", "after=garbage", "sort=title", "kind=x", "overdu=true", "due_before=soon", "received_from=2026-13-01"] {
            let r = app.request(Method::GET, &format!("/api/v1/cases?{bad}")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
            problem(r, 400).await;
        }
    }

    async fn paging_over_thousands_of_cases_has_no_duplicates_or_gaps_while_cases_arrive(app) {
        const N: usize = 2000;
        flood(app, N, 16, "초기").await;
        for (query, key) in [("sort=due", "due_at"), ("sort=received", "received_at")] {
            // New cases arrive while a client pages through the queue.
            let writer = {
                let (client, base) = (app.client.clone(), app.base.clone());
                tokio::spawn(async move {
                    for i in 0..150 {
                        let r = client.post(format!("{base}/api/v1/cases")).json(&grievance(&format!("신규 {i}"))).send().await.unwrap();
                        assert_eq!(r.status(), 201);
                    }
                })
            };
            let seen = page_all(app, query, key).await;
            writer.await.unwrap();
            let unique: HashSet<&String> = seen.iter().map(|(r, _)| r).collect();
            assert_eq!(unique.len(), seen.len(), "{query}: a case appeared twice");
            let year = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).format("%Y");
            let first: Vec<String> = (1..=N).map(|i| format!("{year}-{i:06}")).collect();
            for r in &first {
                assert!(unique.contains(r), "{query}: {r} was skipped");
            }
            let keys: Vec<&String> = seen.iter().map(|(_, k)| k).collect();
            let mut sorted = keys.clone();
            if key == "received_at" {
                sorted.sort_by(|a, b| b.cmp(a));
            } else {
                sorted.sort();
            }
            assert_eq!(keys, sorted, "{query}: out of order");
        }
    }
}
