//! Bearer tokens and roles.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{grievance, problem, read};

both_backends! {
    async fn operator_endpoints_need_a_valid_token(app) {
        let r = app.request(Method::GET, "/api/v1/teams").send().await.unwrap();
        assert!(r.headers().get("www-authenticate").is_some());
        problem(r, 401).await;
        problem(app.request(Method::GET, "/api/v1/teams").bearer_auth("cd_not_a_token").send().await.unwrap(), 401).await;
        problem(app.request(Method::GET, "/api/v1/teams").header("authorization", "Basic YTpi").send().await.unwrap(), 401).await;
    }

    async fn agents_see_only_their_teams_cases_and_no_configuration(app) {
        let roads = app.team_id("Roads").await;
        let (_, agent) = app.operator("agent", &[&roads]).await;
        let (_, road_case) = read(app.post_public("/api/v1/cases", &grievance("포트홀")).await).await;
        let (_, other_case) = read(app.post_public("/api/v1/cases", &grievance("기타 문의")).await).await;

        let get = |id: &str| app.request(Method::GET, &format!("/api/v1/cases/{id}")).bearer_auth(&agent).send();
        let (s, _) = read(get(road_case["id"].as_str().unwrap()).await.unwrap()).await;
        assert_eq!(s, 200);
        problem(get(other_case["id"].as_str().unwrap()).await.unwrap(), 403).await;

        // Reading the catalog is fine; changing it is for admins.
        let (s, _) = read(app.request(Method::GET, "/api/v1/teams").bearer_auth(&agent).send().await.unwrap()).await;
        assert_eq!(s, 200);
        let r = app.request(Method::POST, "/api/v1/teams").bearer_auth(&agent).json(&json!({"name": "Rogue"})).send().await.unwrap();
        let body = problem(r, 403).await;
        assert!(body["detail"].as_str().unwrap().contains("admin"));
        problem(app.request(Method::GET, "/api/v1/operators").bearer_auth(&agent).send().await.unwrap(), 403).await;
    }

    async fn a_case_read_asks_who_is_calling_before_anything_about_the_case(app) {
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("포트홀")).await).await;
        let id = case["id"].as_str().unwrap();
        let unknown = "0192f0e4-0000-7000-8000-000000000000";
        let get = |path: String, token: Option<String>| async move {
            let r = app.request(Method::GET, &path);
            let r = match token { Some(t) => r.bearer_auth(t), None => r };
            r.send().await.unwrap()
        };
        let r = get(format!("/api/v1/cases/{id}"), None).await;
        assert!(r.headers().get("www-authenticate").is_some());
        problem(r, 401).await;
        // An unknown token learns nothing: not whether the case exists, not whether the id is well formed.
        for path in [format!("/api/v1/cases/{id}"), format!("/api/v1/cases/{unknown}"), "/api/v1/cases/not-an-id".to_string()] {
            problem(get(path, Some("cd_not_a_token".into())).await, 401).await;
        }
        let (op_id, token) = app.operator("admin", &[]).await;
        let (s, body) = read(get(format!("/api/v1/cases/{id}"), Some(token.clone())).await).await;
        assert_eq!((s, body["id"].as_str()), (200, Some(id)));
        problem(get(format!("/api/v1/cases/{unknown}"), Some(token.clone())).await, 404).await;
        problem(get("/api/v1/cases/not-an-id".into(), Some(token.clone())).await, 404).await;
        // Deactivated: the very next read of the case refuses the token.
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/operators/{op_id}"), None).await;
        assert_eq!(s, 200);
        problem(get(format!("/api/v1/cases/{id}"), Some(token)).await, 401).await;
    }

    async fn a_case_read_records_the_tokens_use_whatever_it_answers(app) {
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("가로등 고장")).await).await;
        let id = case["id"].as_str().unwrap().to_string();
        let last_used = |op_id: String| async move {
            let (_, list) = app.admin_json(Method::GET, "/api/v1/tokens", None).await;
            let mine = list["items"].as_array().unwrap().iter().find(|t| t["operator_id"] == op_id.as_str()).unwrap().clone();
            mine["last_used_at"].clone()
        };
        // The admin sees every case, an agent of no team none: a 404 and a 403.
        for (role, path, status) in [
            ("admin", "/api/v1/cases/0192f0e4-0000-7000-8000-000000000000".to_string(), 404),
            ("agent", format!("/api/v1/cases/{id}"), 403),
        ] {
            let (op_id, token) = app.operator(role, &[]).await;
            assert!(last_used(op_id.clone()).await.is_null(), "{role}: not used yet");
            problem(app.request(Method::GET, &path).bearer_auth(token).send().await.unwrap(), status).await;
            assert!(last_used(op_id).await.is_string(), "{role}: a {status} still used the token");
        }
    }

    async fn revoked_tokens_and_inactive_operators_are_refused(app) {
        let (op_id, token) = app.operator("manager", &[]).await;
        let ok = |t: String| async move { app.request(Method::GET, "/api/v1/teams").bearer_auth(t).send().await.unwrap().status().as_u16() };
        assert_eq!(ok(token.clone()).await, 200);
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/operators/{op_id}"), None).await;
        assert_eq!(s, 200);
        assert_eq!(ok(token.clone()).await, 401);

        let (_, token2) = app.operator("agent", &[]).await;
        let (_, list) = app.admin_json(Method::GET, "/api/v1/tokens", None).await;
        assert!(!list.to_string().contains(&token2), "tokens are never listed");
        let id = list["items"][0]["id"].as_str().unwrap().to_string();
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/tokens/{id}"), None).await;
        assert_eq!(s, 200);
        assert_eq!(ok(token2).await, 401);
    }
}
