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
