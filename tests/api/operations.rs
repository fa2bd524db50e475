//! Operations: request ids, the log format, metrics, shutdown.

use serde_json::Value;

use crate::helpers::{new_database, serve_binary, wait_for_line};
use crate::on_both_backends;

on_both_backends! {
    async fn every_response_and_log_line_carries_the_request_id(backend) {
        let Some((db_url, _file)) = new_database(backend, true).await else { return };
        let (base, mut child, lines) = serve_binary(&db_url, &[("CIVICDESK_LOG_FORMAT", "json".into())]);
        wait_for_line(&lines, "listening on", 1).await;
        let client = reqwest::Client::new();
        let r = client.get(format!("{base}/api/v1/cases")).header("X-Request-Id", "portal-req-42").send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["x-request-id"], "portal-req-42");
        // Not a sane id: a new one.
        let r = client.get(format!("{base}/healthz")).header("X-Request-Id", "bad id\twith spaces").send().await.unwrap();
        let fresh = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(uuid::Uuid::parse_str(&fresh).is_ok(), "{fresh}");
        let r = client.get(format!("{base}/nowhere")).send().await.unwrap();
        assert!(r.headers().contains_key("x-request-id"));
        wait_for_line(&lines, "portal-req-42", 1).await;
        let _ = child.kill();
        let _ = child.wait();

        let lines = lines.lock().unwrap().clone();
        // Everything on stderr is one JSON object a line (stdout has the first admin's credentials).
        let json: Vec<Value> = lines.iter().filter_map(|l| serde_json::from_str::<Value>(l).ok()).collect();
        assert!(json.len() >= 3, "{lines:?}");
        for l in lines.iter().filter(|l| l.starts_with('{')) {
            assert!(serde_json::from_str::<Value>(l).is_ok(), "not JSON: {l}");
        }
        let access = json
            .iter()
            .find(|v| v["fields"]["message"].as_str().is_some_and(|m| m.contains("request_id=portal-req-42")))
            .expect("the access line names the id");
        assert!(access["fields"]["message"].as_str().unwrap().contains("GET /api/v1/cases 401"), "{access}");
    }
}
