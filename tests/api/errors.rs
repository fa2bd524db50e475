//! Every error is problem+json: unknown routes, wrong methods, bad paths and queries.

use reqwest::Method;

use crate::both_backends;
use crate::helpers::{problem, read};

both_backends! {
    async fn framework_errors_are_problems_too(app) {
        problem(app.request(Method::GET, "/nowhere").send().await.unwrap(), 404).await;
        problem(app.request(Method::GET, "/api/v1/cases/not-a-uuid").bearer_auth(crate::helpers::ADMIN_TOKEN).send().await.unwrap(), 404).await;
        problem(app.request(Method::PUT, "/api/v1/teams").bearer_auth(crate::helpers::ADMIN_TOKEN).send().await.unwrap(), 405).await;
        problem(app.request(Method::GET, "/api/v1/holidays?year=abc").bearer_auth(crate::helpers::ADMIN_TOKEN).send().await.unwrap(), 400).await;
        problem(app.request(Method::GET, "/api/v1/holidays?year=123456").bearer_auth(crate::helpers::ADMIN_TOKEN).send().await.unwrap(), 400).await;
        problem(app.request(Method::PATCH, "/api/v1/holidays/2026-13-45").bearer_auth(crate::helpers::ADMIN_TOKEN).json(&serde_json::json!({"name": "x"})).send().await.unwrap(), 404).await;
        let unknown = uuid::Uuid::now_v7();
        problem(app.request(Method::GET, &format!("/api/v1/cases/{unknown}")).bearer_auth(crate::helpers::ADMIN_TOKEN).send().await.unwrap(), 404).await;
    }

    async fn health_and_readiness_answer(app) {
        let (s, b) = read(app.request(Method::GET, "/healthz").send().await.unwrap()).await;
        assert_eq!((s, b["status"].as_str()), (200, Some("ok")));
        let (s, b) = read(app.request(Method::GET, "/readyz").send().await.unwrap()).await;
        assert_eq!((s, b["status"].as_str()), (200, Some("ready")));
    }
}
