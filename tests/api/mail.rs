//! Email through a real SMTP server, and the happy call end to end.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{grievance, problem, read, spawn_app_with, Backend, TestApp, ADMIN_TOKEN};
use crate::on_both_backends;
use crate::smtp::{free_port, SmtpServer};

async fn app_with_smtp(backend: Backend, port: u16, extra: &[(&str, &str)]) -> Option<TestApp> {
    let url = format!("smtp://127.0.0.1:{port}");
    let mut vars = vec![
        ("CIVICDESK_SMTP_URL", url.as_str()),
        ("CIVICDESK_SURVEY_SAMPLE_RATE", "1"),
    ];
    vars.extend_from_slice(extra);
    spawn_app_with(backend, &vars).await
}

async fn resolve(app: &TestApp, id: &str, resolution: &str) {
    let (s, body) = app
        .admin_json(
            Method::POST,
            &format!("/api/v1/cases/{id}/resolve"),
            Some(&json!({"resolution": resolution})),
        )
        .await;
    assert_eq!(s, 200, "{body}");
}

/// The survey link in an email, pointed at the test server.
fn survey_link(app: &TestApp, text: &str) -> (String, String) {
    let start = text.find("http://civicdesk.test/s/").expect("a survey link");
    let token: String = text[start + 24..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (format!("{}/s/{token}", app.base), token)
}

on_both_backends! {
    async fn a_resolved_case_gets_a_survey_whose_low_score_opens_a_follow_up(backend) {
        let smtp = SmtpServer::start();
        let Some(app) = app_with_smtp(backend, smtp.port, &[]).await else { return };
        let (s, case) = read(app.post_public("/api/v1/cases", &grievance("학교 앞 포트홀")).await).await;
        assert_eq!(s, 201);
        let receipt = case["receipt_no"].as_str().unwrap().to_string();
        let id = case["id"].as_str().unwrap().to_string();

        // The receipt notice: number, team and a tracking link.
        let mails = smtp.wait_for(1, |m| m.to == ["citizen@example.org"]).await;
        assert!(mails[0].text.contains(&receipt), "{}", mails[0].text);
        assert!(mails[0].text.contains("/track/"), "a tracking link");
        assert!(mails[0].text.contains("도로관리과 (Roads)") && mails[0].text.contains("roads@city.example"), "names the team and how to reach it");

        resolve(&app, &id, "보수 공사를 마쳤습니다.").await;
        // The answer, then the survey (sample rate 1).
        let mails = smtp.wait_for(3, |m| m.to == ["citizen@example.org"]).await;
        assert!(mails.iter().any(|m| m.text.contains("보수 공사를 마쳤습니다.")), "the resolution is mailed");
        let survey_mail = mails.iter().find(|m| m.text.contains("/s/")).expect("a survey email");
        let (link, token) = survey_link(&app, &survey_mail.text);

        // Opening the page (twice, as a mail scanner might) records nothing.
        for _ in 0..2 {
            let page = app.client.get(&link).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let html = page.text().await.unwrap();
            assert!(html.contains("<form") && html.contains("process_score") && html.contains(&receipt));
        }
        let (s, v) = read(app.request(Method::GET, &format!("/api/v1/surveys/{token}")).send().await.unwrap()).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("open")));

        // The citizen answers 1 and 2: dissatisfied.
        let r = app.client.post(&link).form(&[("process_score", "1"), ("result_score", "2"), ("comment", "너무 늦었어요")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("감사합니다"));
        let r = app.request(Method::POST, &format!("/api/v1/surveys/{token}")).json(&json!({"process_score": 5, "result_score": 5})).send().await.unwrap();
        problem(r, 409).await;
        let again = app.client.get(&link).send().await.unwrap().text().await.unwrap();
        assert!(again.contains("이미 응답"), "the page says it was answered");

        // The team's managers get a follow-up, and the team an email right away.
        let (_, follow_ups) = app.admin_json(Method::GET, "/api/v1/follow-ups?status=open", None).await;
        let items = follow_ups["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{follow_ups}");
        assert_eq!(items[0]["receipt_no"], receipt.as_str());
        let alert = smtp.wait_for(1, |m| m.to == ["roads@city.example"]).await;
        assert!(alert[0].text.contains(&receipt) && alert[0].text.contains("너무 늦었어요"));

        // The result is in the case's history; the unneeded reminder is cancelled.
        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        let answered = events["items"].as_array().unwrap().iter().find(|e| e["type"] == "survey_answered").cloned().unwrap();
        assert_eq!((answered["data"]["process_score"].as_i64(), answered["data"]["result_score"].as_i64()), (Some(1), Some(2)));
        let (_, cancelled) = app.admin_json(Method::GET, "/api/v1/outbox?status=cancelled", None).await;
        assert_eq!(cancelled["items"][0]["kind"], "survey_reminder");

        // A manager of the team records what was done, once.
        let roads = app.team_id("Roads").await;
        let (_, manager) = app.operator("manager", &[&roads]).await;
        let (_, agent) = app.operator("agent", &[&roads]).await;
        let fid = items[0]["id"].as_str().unwrap();
        let done = |token: String, body: Value| {
            app.request(Method::POST, &format!("/api/v1/follow-ups/{fid}/done")).bearer_auth(token).json(&body).send()
        };
        problem(done(agent, json!({"note": "x"})).await.unwrap(), 403).await;
        problem(done(manager.clone(), json!({})).await.unwrap(), 422).await;
        let (s, f) = read(done(manager.clone(), json!({"note": "전화로 사과드리고 재발 방지를 약속함"})).await.unwrap()).await;
        assert_eq!((s, f["status"].as_str()), (200, Some("done")));
        problem(done(manager, json!({"note": "again"})).await.unwrap(), 409).await;

        let (_, surveys) = app.admin_json(Method::GET, "/api/v1/surveys?max_score=2", None).await;
        assert_eq!(surveys["items"][0]["receipt_no"], receipt.as_str());
        app.stop().await;
    }

    async fn survey_links_answer_404_409_410_and_422_as_they_should(backend) {
        let smtp = SmtpServer::start();
        let Some(app) = app_with_smtp(backend, smtp.port, &[]).await else { return };
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("가로등 고장")).await).await;
        resolve(&app, case["id"].as_str().unwrap(), "교체했습니다").await;
        let mails = smtp.wait_for(1, |m| m.text.contains("/s/")).await;
        let (link, token) = survey_link(&app, &mails[0].text);

        problem(app.request(Method::GET, "/api/v1/surveys/not-a-token").send().await.unwrap(), 404).await;
        let r = app.client.get(format!("{}/s/not-a-token", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let post = |body: Value| app.request(Method::POST, &format!("/api/v1/surveys/{token}")).json(&body).send();
        let body = problem(post(json!({"process_score": 0, "result_score": 6})).await.unwrap(), 422).await;
        assert_eq!(body["errors"].as_array().unwrap().len(), 2);
        let r = app.client.post(&link).form(&[("process_score", "9")]).send().await.unwrap();
        let status = r.status().as_u16();
        let page = r.text().await.unwrap();
        assert_eq!(status, 422, "the page shows the form again: {page}");

        // The page speaks English when asked.
        let en = app.client.get(&link).header("Accept-Language", "en-US,en;q=0.9").send().await.unwrap().text().await.unwrap();
        assert!(en.contains("How did we do?") && en.contains("lang=\"en\""));
        let ko = app.client.get(format!("{link}?lang=ko")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
        assert!(ko.contains("만족도 조사"));

        // Fourteen days later the link has expired.
        app.sql("UPDATE surveys SET expires_at = '2020-01-01 00:00:00'").await;
        problem(post(json!({"process_score": 4, "result_score": 4})).await.unwrap(), 410).await;
        problem(app.request(Method::GET, &format!("/api/v1/surveys/{token}")).send().await.unwrap(), 410).await;
        assert_eq!(app.client.get(&link).send().await.unwrap().status(), 410);
        // … and the case goes on the happy-call worklist.
        let (_, work) = app.admin_json(Method::GET, "/api/v1/happy-calls", None).await;
        assert_eq!(work["items"][0]["reason"], "expired");
        app.stop().await;
    }

    async fn citizens_without_email_get_a_phone_happy_call(backend) {
        let Some(app) = app_with_smtp(backend, free_port(), &[]).await else { return };
        let mut b = grievance("민원 전화 접수");
        b["citizen"] = json!({"name": "박전화", "phone": "010-2222-3333"});
        let (_, case) = read(app.post_public("/api/v1/cases", &b).await).await;
        let id = case["id"].as_str().unwrap().to_string();
        let (_, caller) = app.operator("happycall", &[]).await;
        let phone = |token: &str, body: Value| {
            app.request(Method::POST, &format!("/api/v1/cases/{id}/survey")).bearer_auth(token).json(&body).send()
        };
        let body = problem(phone(&caller, json!({"process_score": 5, "result_score": 5, "channel": "phone"})).await.unwrap(), 409).await;
        assert!(body["detail"].as_str().unwrap().contains("resolved"));

        resolve(&app, &id, "처리 완료").await;
        let (_, work) = read(app.request(Method::GET, "/api/v1/happy-calls").bearer_auth(&caller).send().await.unwrap()).await;
        let items = work["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{work}");
        assert_eq!(items[0]["reason"], "no_email");
        assert_eq!(items[0]["citizen"]["phone"], "010-2222-3333");

        // Taken back to work, the case leaves the worklist (and the caller's
        // sight) until it is answered again: the call asks about an answer.
        let worklist = || async { read(app.request(Method::GET, "/api/v1/happy-calls").bearer_auth(&caller).send().await.unwrap()).await.1 };
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/reopen"), Some(&json!({"reason": "다시 확인"}))).await;
        assert_eq!(s, 200);
        assert!(worklist().await["items"].as_array().unwrap().is_empty(), "an open case is not called about");
        let seen = app.request(Method::GET, &format!("/api/v1/cases/{id}")).bearer_auth(&caller).send().await.unwrap();
        problem(seen, 403).await;
        resolve(&app, &id, "다시 처리 완료").await;
        assert_eq!(worklist().await["items"].as_array().unwrap().len(), 1, "back once answered again");

        let (_, agent) = app.operator("agent", &[]).await;
        problem(phone(&agent, json!({"process_score": 5, "result_score": 5})).await.unwrap(), 403).await;
        problem(phone(&caller, json!({"process_score": 5, "result_score": 5, "channel": "email"})).await.unwrap(), 422).await;
        let (s, r) = read(phone(&caller, json!({"process_score": 4, "result_score": 5, "comment": "친절했어요", "channel": "phone"})).await.unwrap()).await;
        assert_eq!((s, r["follow_up"].as_bool()), (201, Some(false)), "{r}");
        problem(phone(&caller, json!({"process_score": 1, "result_score": 1})).await.unwrap(), 409).await;
        let (_, work) = read(app.request(Method::GET, "/api/v1/happy-calls").bearer_auth(&caller).send().await.unwrap()).await;
        assert!(work["items"].as_array().unwrap().is_empty());
        let (_, surveys) = app.admin_json(Method::GET, "/api/v1/surveys", None).await;
        assert_eq!(surveys["items"][0]["channel"], "phone");
        app.stop().await;
    }

    async fn an_smtp_outage_loses_nothing_and_sends_nothing_twice(backend) {
        let port = free_port();
        let Some(app) = app_with_smtp(backend, port, &[("CIVICDESK_MAIL_RETRY_BASE_MS", "100"), ("CIVICDESK_MAIL_MAX_ATTEMPTS", "100")]).await else { return };
        let mut receipts = Vec::new();
        for i in 0..6 {
            let (s, c) = read(app.post_public("/api/v1/cases", &grievance(&format!("장애 중 접수 {i}"))).await).await;
            assert_eq!(s, 201, "intake works while mail is down");
            receipts.push(c["receipt_no"].as_str().unwrap().to_string());
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
        let (_, pending) = app.admin_json(Method::GET, "/api/v1/outbox?status=pending", None).await;
        let pending = pending["items"].as_array().unwrap().clone();
        assert_eq!(pending.len(), 6);
        assert!(pending.iter().all(|m| m["attempts"].as_i64().unwrap() >= 1 && m["last_error"].is_string()), "{pending:?}");

        // The server comes back: everything is delivered, once.
        let smtp = SmtpServer::start_on(port);
        smtp.wait_for(6, |_| true).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mails = smtp.mails();
        assert_eq!(mails.len(), 6, "none twice");
        let ids: std::collections::HashSet<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(ids.len(), 6, "six distinct messages");
        for r in &receipts {
            assert_eq!(mails.iter().filter(|m| m.text.contains(r.as_str())).count(), 1, "{r}");
        }
        let (_, sent) = app.admin_json(Method::GET, "/api/v1/outbox?status=sent", None).await;
        assert_eq!(sent["items"].as_array().unwrap().len(), 6);
        app.stop().await;
    }

    async fn a_failed_email_is_listed_and_retried_by_an_admin(backend) {
        let port = free_port();
        let Some(app) = app_with_smtp(backend, port, &[("CIVICDESK_MAIL_MAX_ATTEMPTS", "1")]).await else { return };
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("메일 실패")).await).await;
        let mut failed = Value::Null;
        for _ in 0..100 {
            let (_, list) = app.admin_json(Method::GET, "/api/v1/outbox?status=failed", None).await;
            if !list["items"].as_array().unwrap().is_empty() {
                failed = list["items"][0].clone();
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(failed["kind"], "receipt", "{failed}");
        let id = failed["id"].as_str().unwrap();
        let smtp = SmtpServer::start_on(port);
        let (s, m) = app.admin_json(Method::POST, &format!("/api/v1/outbox/{id}/retry"), None).await;
        assert_eq!((s, m["status"].as_str()), (200, Some("pending")));
        let mails = smtp.wait_for(1, |_| true).await;
        assert!(mails[0].text.contains(case["receipt_no"].as_str().unwrap()));
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/outbox/{id}/retry"), None).await;
        assert_eq!(s, 409, "only a failed email is retried");
        let r = app.request(Method::GET, "/api/v1/outbox?status=lost").bearer_auth(ADMIN_TOKEN).send().await.unwrap();
        problem(r, 400).await;
        app.stop().await;
    }

    async fn without_smtp_emails_are_eml_files(backend) {
        let Some(app) = spawn_app_with(backend, &[]).await else { return };
        let (_, case) = read(app.post_public("/api/v1/cases", &grievance("파일로 보내기")).await).await;
        let receipt = case["receipt_no"].as_str().unwrap().to_string();
        let mut found = false;
        for _ in 0..100 {
            let files: Vec<_> = std::fs::read_dir(&app.outbox_dir).map(|d| d.flatten().collect()).unwrap_or_default();
            if let Some(f) = files.iter().find(|f| f.path().extension().is_some_and(|e| e == "eml")) {
                let text = std::fs::read_to_string(f.path()).unwrap();
                assert!(text.contains("citizen@example.org"));
                found = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(found, "an .eml file for {receipt}");
        app.stop().await;
    }

    async fn progress_notices_and_survey_reminders_go_out_when_due(backend) {
        let smtp = SmtpServer::start();
        let Some(app) = app_with_smtp(backend, smtp.port, &[]).await else { return };
        // A case received by letter 35 days ago and still open: one 30-day notice.
        let received = (chrono::Utc::now() - chrono::Duration::days(35)).to_rfc3339();
        let mut b = grievance("오래된 민원");
        b["channel"] = json!("letter");
        b["received_at"] = json!(received);
        let (s, case) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        assert_eq!(s, 201, "{case}");
        let receipt = case["receipt_no"].as_str().unwrap().to_string();
        let notices = smtp.wait_for(1, |m| m.text.contains(&receipt) && m.text.contains("35일")).await;
        assert!(notices[0].text.contains("도로관리과") || notices[0].text.contains("담당 부서"), "names the team");
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let again = smtp.mails().into_iter().filter(|m| m.text.contains("35일")).count();
        assert_eq!(again, 1, "one notice per 30 days");
        let (_, events) = app.admin_json(Method::GET, &format!("/api/v1/cases/{}/events", case["id"].as_str().unwrap()), None).await;
        assert!(events["items"].as_array().unwrap().iter().any(|e| e["type"] == "progress_notice"));

        // A survey left unanswered gets its one reminder when it falls due.
        resolve(&app, case["id"].as_str().unwrap(), "처리했습니다").await;
        smtp.wait_for(1, |m| m.text.contains("/s/")).await;
        app.sql("UPDATE outbox SET not_before = '2020-01-01 00:00:00' WHERE kind = 'survey_reminder'").await;
        let both = smtp.wait_for(2, |m| m.text.contains("/s/")).await;
        assert!(both.iter().any(|m| m.text.contains("아직 만족도 조사에 응답하지 않으셨습니다")), "the reminder");
        app.stop().await;
    }
}
