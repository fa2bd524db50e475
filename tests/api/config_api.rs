//! The configuration API: teams, categories, holidays, operators.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{grievance, problem, read};

both_backends! {
    async fn teams_are_created_updated_and_deactivated(app) {
        let (s, team) = app.admin_json(Method::POST, "/api/v1/teams", Some(&json!({"name": "공원녹지과 (Parks)", "email": "parks@city.example"}))).await;
        assert_eq!(s, 201, "{team}");
        let id = team["id"].as_str().unwrap();
        let (s, dup) = app.admin_json(Method::POST, "/api/v1/teams", Some(&json!({"name": "공원녹지과 (Parks)"}))).await;
        assert_eq!(s, 409, "{dup}");
        let (s, bad) = app.admin_json(Method::PATCH, &format!("/api/v1/teams/{id}"), Some(&json!({"email": "nope", "name": ""}))).await;
        assert_eq!(s, 422);
        assert_eq!(crate::helpers::field_names(&bad), ["name", "email"]);
        let (s, t) = app.admin_json(Method::PATCH, &format!("/api/v1/teams/{id}"), Some(&json!({"email": null}))).await;
        assert_eq!((s, &t["email"]), (200, &Value::Null));
        assert_eq!(t["name"], "공원녹지과 (Parks)", "absent fields are kept");
        let (s, t) = app.admin_json(Method::DELETE, &format!("/api/v1/teams/{id}"), None).await;
        assert_eq!((s, &t["active"]), (200, &json!(false)));
        let (_, list) = app.admin_json(Method::GET, "/api/v1/teams", None).await;
        assert!(list["items"].as_array().unwrap().iter().any(|t| t["id"] == id && t["active"] == false), "kept, inactive");
    }

    async fn a_new_category_with_an_hours_deadline_sets_due_dates(app) {
        let parks = app.admin_json(Method::POST, "/api/v1/teams", Some(&json!({"name": "Parks"}))).await.1["id"].clone();
        let (s, bad) = app.admin_json(Method::POST, "/api/v1/categories", Some(&json!({
            "code": "Fallen Tree", "kind": "complaint", "deadline": {"amount": 0, "unit": "weeks"}, "default_team_id": "x"
        }))).await;
        assert_eq!(s, 422);
        assert_eq!(crate::helpers::field_names(&bad), ["code", "name", "kind", "default_team_id", "deadline.unit"]);

        let (s, cat) = app.admin_json(Method::POST, "/api/v1/categories", Some(&json!({
            "code": "fallen-tree", "name": "쓰러진 나무", "name_en": "Fallen tree", "kind": "grievance",
            "default_team_id": parks, "deadline": {"amount": 4, "unit": "hours"}, "keywords": ["나무", "tree"]
        }))).await;
        assert_eq!(s, 201, "{cat}");
        assert_eq!(cat["keywords"], json!(["나무", "tree"]));
        let (s, _) = app.admin_json(Method::POST, "/api/v1/categories", Some(&json!({
            "code": "fallen-tree", "name": "중복", "kind": "grievance", "deadline": {"amount": 1, "unit": "days"}
        }))).await;
        assert_eq!(s, 409);

        let mut b = grievance("나무가 쓰러졌어요");
        b["category"] = json!("fallen-tree");
        b["channel"] = json!("phone");
        b["received_at"] = json!("2026-11-17T16:30:00+09:00");
        let (s, case) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(s, 201, "{case}");
        assert_eq!(case["team"]["id"], parks);
        // 16:30 + 4 working hours: 1.5 h that Tuesday, 2.5 h Wednesday from 09:00.
        assert_eq!(case["due_at"], "2026-11-18T11:30:00+09:00");

        // An inactive category takes no new cases.
        let id = cat["id"].as_str().unwrap();
        app.admin_json(Method::DELETE, &format!("/api/v1/categories/{id}"), None).await;
        let (s, err) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(s, 422);
        assert_eq!(crate::helpers::field_names(&err), ["category"]);
    }

    async fn a_new_holiday_moves_the_next_due_dates(app) {
        let mut b = grievance("가로등");
        b["category"] = json!("streetlight");
        b["channel"] = json!("visit");
        b["received_at"] = json!("2026-11-20T17:00:00+09:00");
        let (_, before) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(before["due_at"], "2026-11-25T17:00:00+09:00");

        let (s, h) = app.admin_json(Method::POST, "/api/v1/holidays", Some(&json!({"date": "2026-11-24", "name": "개교기념일"}))).await;
        assert_eq!(s, 201, "{h}");
        let (s, _) = app.admin_json(Method::POST, "/api/v1/holidays", Some(&json!({"date": "2026-11-24", "name": "again"}))).await;
        assert_eq!(s, 409);
        let (_, after) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(after["due_at"], "2026-11-26T17:00:00+09:00");

        // Deactivated, it is a business day again.
        let (s, h) = app.admin_json(Method::DELETE, "/api/v1/holidays/2026-11-24", None).await;
        assert_eq!((s, &h["active"]), (200, &json!(false)));
        let (_, again) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(again["due_at"], "2026-11-25T17:00:00+09:00");
    }

    async fn the_korean_holidays_are_shipped(app) {
        let (s, list) = app.admin_json(Method::GET, "/api/v1/holidays?year=2025", None).await;
        assert_eq!(s, 200);
        let dates: Vec<&str> = list["items"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
        for d in ["2025-01-28", "2025-03-03", "2025-05-06", "2025-06-03", "2025-10-08", "2025-12-25"] {
            assert!(dates.contains(&d), "{d} in {dates:?}");
        }
        let (_, all) = app.admin_json(Method::GET, "/api/v1/holidays", None).await;
        assert!(all["items"].as_array().unwrap().len() > 100, "2024 to 2030");
    }

    async fn operators_are_validated_and_the_last_admin_stays(app) {
        let (s, bad) = app.admin_json(Method::POST, "/api/v1/operators", Some(&json!({
            "email": "x", "name": "N", "role": "boss", "team_ids": ["nope"], "password": "short"
        }))).await;
        assert_eq!(s, 422);
        assert_eq!(crate::helpers::field_names(&bad), ["email", "role", "team_ids[0]", "password"]);

        let (s, op) = app.admin_json(Method::POST, "/api/v1/operators", Some(&json!({
            "email": "Agent.Kim@City.example", "name": "김상담", "role": "agent", "password": "a long enough password"
        }))).await;
        assert_eq!(s, 201, "{op}");
        assert_eq!(op["email"], "agent.kim@city.example");
        assert!(op.get("password").is_none() && op.get("password_hash").is_none());
        let (s, _) = app.admin_json(Method::POST, "/api/v1/operators", Some(&json!({
            "email": "agent.kim@city.example", "name": "dup", "role": "agent", "password": "a long enough password"
        }))).await;
        assert_eq!(s, 409);

        let (_, list) = app.admin_json(Method::GET, "/api/v1/operators", None).await;
        let admin = list["items"].as_array().unwrap().iter().find(|o| o["role"] == "admin").unwrap()["id"].as_str().unwrap().to_string();
        let (s, err) = app.admin_json(Method::DELETE, &format!("/api/v1/operators/{admin}"), None).await;
        assert_eq!(s, 409, "{err}");
        let (s, _) = app.admin_json(Method::PATCH, &format!("/api/v1/operators/{admin}"), Some(&json!({"role": "agent"}))).await;
        assert_eq!(s, 409);
        // Still an admin: the refused change was not half-applied.
        let (s, _) = read(app.admin(Method::GET, "/api/v1/operators").send().await.unwrap()).await;
        assert_eq!(s, 200);
    }

    async fn configuration_bodies_are_checked(app) {
        let r = app.admin(Method::POST, "/api/v1/teams").header("content-type", "application/json").body("{oops").send().await.unwrap();
        problem(r, 400).await;
        let r = app.admin(Method::POST, "/api/v1/routing-rules").json(&json!({"keywords": [""], "team_id": "nope"})).send().await.unwrap();
        let body = problem(r, 422).await;
        assert_eq!(crate::helpers::field_names(&body), ["keywords[0]", "team_id"]);
        let r = app.admin(Method::POST, "/api/v1/tokens").json(&json!({"operator_id": uuid::Uuid::now_v7().to_string(), "name": "x"})).send().await.unwrap();
        problem(r, 422).await;
    }

    async fn every_configuration_resource_reads_changes_and_deactivates_by_id(app) {
        let roads = app.team_id("Roads").await;
        let (_, cats) = app.admin_json(Method::GET, "/api/v1/categories", None).await;
        let cat = cats["items"].as_array().unwrap().iter().find(|c| c["code"] == "noise").unwrap()["id"].as_str().unwrap().to_string();
        let (s, rule) = app.admin_json(Method::POST, "/api/v1/routing-rules", Some(&json!({"position": 5, "keywords": ["맨홀"], "team_id": roads}))).await;
        assert_eq!(s, 201, "{rule}");
        let rule = rule["id"].as_str().unwrap().to_string();
        let (op, _) = app.operator("agent", &[&roads]).await;
        for (path, id, patch, field, value) in [
            ("teams", roads.as_str(), json!({"email": "roads-desk@city.example"}), "email", json!("roads-desk@city.example")),
            ("categories", cat.as_str(), json!({"name": "소음·진동 민원"}), "name", json!("소음·진동 민원")),
            ("routing-rules", rule.as_str(), json!({"position": 7}), "position", json!(7)),
            ("operators", op.as_str(), json!({"name": "김담당"}), "name", json!("김담당")),
        ] {
            let one = format!("/api/v1/{path}/{id}");
            let (s, got) = app.admin_json(Method::GET, &one, None).await;
            assert_eq!((s, got["id"].as_str()), (200, Some(id)), "{one}: {got}");
            let (s, changed) = app.admin_json(Method::PATCH, &one, Some(&patch)).await;
            assert_eq!((s, &changed[field]), (200, &value), "{one}: {changed}");
            let (s, gone) = app.admin_json(Method::DELETE, &one, None).await;
            assert_eq!((s, &gone["active"], &gone[field]), (200, &json!(false), &value), "{one}: {gone}");
            let r = app.admin(Method::GET, &format!("/api/v1/{path}/01900000-0000-7000-8000-000000000000")).send().await.unwrap();
            problem(r, 404).await;
            let r = app.admin(Method::PATCH, &one).json(&json!({"no_such_field": 1})).send().await.unwrap();
            let p = problem(r, 422).await;
            assert_eq!(crate::helpers::field_names(&p), ["no_such_field"], "{one}");
        }
        // Anyone may read configuration but operators; only admins change it.
        let (_, agent) = app.operator("agent", &[&roads]).await;
        let r = app.request(Method::GET, &format!("/api/v1/categories/{cat}")).bearer_auth(&agent).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = app.request(Method::GET, &format!("/api/v1/operators/{op}")).bearer_auth(&agent).send().await.unwrap();
        problem(r, 403).await;
        let r = app.request(Method::DELETE, &format!("/api/v1/routing-rules/{rule}")).bearer_auth(&agent).send().await.unwrap();
        problem(r, 403).await;
    }
}
