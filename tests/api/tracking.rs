//! The citizen's tracking view and withdrawal.

use reqwest::Method;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{grievance, problem, read, TestApp};

async fn new_case(app: &TestApp) -> (String, String) {
    let (status, body) = read(app.post_public("/api/v1/cases", &grievance("포트홀 신고")).await).await;
    assert_eq!(status, 201);
    (
        body["receipt_no"].as_str().unwrap().into(),
        body["access_token"].as_str().unwrap().into(),
    )
}

both_backends! {
    async fn the_citizen_sees_status_team_due_date_and_public_timeline(app) {
        let (receipt, token) = new_case(app).await;
        let r = app.request(Method::GET, &format!("/api/v1/track/{receipt}")).header("X-Access-Token", &token).send().await.unwrap();
        let (status, view) = read(r).await;
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["receipt_no"], receipt.as_str());
        assert_eq!(view["status"], "received");
        assert!(view["team"]["name"].as_str().unwrap().contains("Roads"));
        assert!(view["due_at"].is_string());
        assert_eq!(view["processing_days"], 1);
        let types: Vec<&str> = view["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["received", "routed"]);
        assert!(view["timeline"][1]["team"].as_str().unwrap().contains("Roads"));
        // Nothing internal: no ids of operators or rules, no citizen contact echoed.
        let text = view.to_string();
        for hidden in ["actor", "rule_id", "team_id", "citizen", "access_token"] {
            assert!(!text.contains(hidden), "{hidden} leaked: {text}");
        }
    }

    async fn unknown_number_missing_and_wrong_token_look_the_same(app) {
        let (receipt, token) = new_case(app).await;
        let get = |path: String, tok: Option<String>| {
            let mut r = app.request(Method::GET, &path);
            if let Some(t) = tok {
                r = r.header("X-Access-Token", t);
            }
            r.send()
        };
        let wrong = problem(get(format!("/api/v1/track/{receipt}"), Some(format!("{token}x"))).await.unwrap(), 404).await;
        let missing = problem(get(format!("/api/v1/track/{receipt}"), None).await.unwrap(), 404).await;
        let unknown = problem(get("/api/v1/track/2026-999999".into(), Some(token.clone())).await.unwrap(), 404).await;
        assert_eq!(wrong, missing);
        assert_eq!(wrong, unknown);
    }

    async fn a_citizen_withdraws_an_open_case_once(app) {
        let (receipt, token) = new_case(app).await;
        let withdraw = |body: Option<Value>| {
            let mut r = app.request(Method::POST, &format!("/api/v1/track/{receipt}/withdraw")).header("X-Access-Token", &token);
            if let Some(b) = body {
                r = r.json(&b);
            }
            r.send()
        };
        // A wrong token cannot withdraw.
        let r = app.request(Method::POST, &format!("/api/v1/track/{receipt}/withdraw")).header("X-Access-Token", "nope").send().await.unwrap();
        problem(r, 404).await;

        let (status, view) = read(withdraw(Some(serde_json::json!({"reason": "해결되었습니다"}))).await.unwrap()).await;
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["status"], "withdrawn");
        let last = view["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["type"], "withdrawn");
        assert_eq!(last["reason"], "해결되었습니다");

        let body = problem(withdraw(None).await.unwrap(), 409).await;
        assert!(body["detail"].as_str().unwrap().contains("withdrawn"));
    }
}

both_backends! {
    async fn the_receipt_emails_tracking_link_opens_an_html_page(app) {
        let (receipt, token) = new_case(app).await;
        let url = format!("{}/track/{receipt}?token={token}", app.base);
        let r = app.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains(&receipt) && html.contains("포트홀 신고") && html.contains("도로관리과 (Roads)"), "{html}");
        let en = app.client.get(format!("{url}&lang=en")).send().await.unwrap().text().await.unwrap();
        assert!(en.contains("Timeline") && en.contains("Handled by"));
        let wrong = app.client.get(format!("{}/track/{receipt}?token=nope", app.base)).send().await.unwrap();
        assert_eq!(wrong.status(), 404);
        assert!(wrong.text().await.unwrap().contains("<html"), "a page, not JSON");
    }
}
