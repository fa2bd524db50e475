//! The back office over HTTP, as a browser without JavaScript uses it:
//! sign in, work a case with its forms, CSRF and origin checks, throttled
//! sign-ins, sessions that end on the server.

use reqwest::{redirect::Policy, Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{grievance, TestApp};

const PASSWORD: &str = "a long enough password";

/// A browser: keeps cookies, does not follow redirects.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A new operator of `role` in the Roads team, with a known password; their email.
async fn operator(app: &TestApp, role: &str, locale: &str) -> (String, String) {
    let team = app.team_id("Roads").await;
    let email = format!("{}@city.example", uuid::Uuid::now_v7().simple());
    let (status, op) = app
        .admin_json(
            Method::POST,
            "/api/v1/operators",
            Some(
                &json!({"email": email, "name": format!("{role} 운영자"), "role": role, "team_ids": [team],
                         "password": PASSWORD, "locale": locale}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{op}");
    (email, op["id"].as_str().unwrap().to_string())
}

async fn sign_in(app: &TestApp, b: &Client, email: &str, password: &str) -> reqwest::Response {
    b.post(format!("{}/office/login", app.base))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn html(app: &TestApp, b: &Client, path: &str) -> (StatusCode, String) {
    let r = b.get(format!("{}{path}", app.base)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The CSRF token of the forms on a page.
fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

async fn post(app: &TestApp, b: &Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    b.post(format!("{}{path}", app.base)).form(form).send().await.unwrap()
}

/// The target of the page's link with `rel` (as a browser reads the attribute).
fn rel_link(page: &str, rel: &str) -> Option<String> {
    let end = page.find(&format!("\" rel=\"{rel}\""))?;
    let start = page[..end].rfind("href=\"")? + 6;
    Some(page[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// The cases a queue page lists, in order.
fn listed(page: &str) -> Vec<String> {
    page.split("<tr data-case=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

both_backends! {
    async fn an_agent_signs_in_works_a_case_and_signs_out(app) {
        let b = browser();
        let r = b.get(format!("{}/office/", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/office/login");
        let (status, page) = html(app, &b, "/office/login").await;
        assert_eq!(status, 200);
        assert!(page.contains("name=\"email\"") && page.contains("name=\"password\""));

        let (email, _) = operator(app, "agent", "ko").await;
        let r = sign_in(app, &b, &email, "not the password").await;
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("role=\"alert\""));
        let r = sign_in(app, &b, &email.to_uppercase(), PASSWORD).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/office/");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/office"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http: {cookie}");

        // A pothole, routed to Roads.
        let mut intake = grievance("도로에 포트홀이 생겼어요");
        intake["category"] = json!("road-damage");
        let receipt: Value = app.post_public("/api/v1/cases", &intake).await.json().await.unwrap();
        let id = receipt["id"].as_str().unwrap().to_string();

        let (status, page) = html(app, &b, "/office/").await;
        assert_eq!(status, 200);
        assert!(page.contains("<html lang=\"ko\">") && page.contains("대시보드"));
        let (_, page) = html(app, &b, "/office/cases?status=open&q=%ED%8F%AC%ED%8A%B8%ED%99%80").await;
        assert!(page.contains(&format!("/office/cases/{id}")), "the queue lists it");
        let (_, page) = html(app, &b, "/office/cases?status=closed").await;
        assert!(!page.contains(&format!("/office/cases/{id}")));

        let (status, page) = html(app, &b, &format!("/office/cases/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains(receipt["receipt_no"].as_str().unwrap()));
        for action in ["replies", "notes", "assign", "start", "transfer"] {
            assert!(page.contains(&format!("/office/cases/{id}/{action}\"")), "a form for {action}");
        }
        assert!(!page.contains(&format!("/office/cases/{id}/close\"")), "not while it is open");
        let token = csrf(&page);

        // A reply through the form: the page again with a message, the citizen's timeline has it.
        let r = post(app, &b, &format!("/office/cases/{id}/replies"), &[("csrf", &token), ("body", "현장 확인 후 보수하겠습니다")]).await;
        assert_eq!(r.status(), 303);
        let (_, page) = html(app, &b, &location(&r)).await;
        assert!(page.contains("role=\"status\""), "a message");
        assert!(page.contains("현장 확인 후 보수하겠습니다"));
        // A form with problems comes back with them, and changes nothing.
        let r = post(app, &b, &format!("/office/cases/{id}/transfer"), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("role=\"alert\"") && page.contains("team_id"), "the form's problems");

        // Forged: no token, a wrong one, another site's origin — 403 and nothing changes.
        let (_, before) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        let forged = [
            post(app, &b, &format!("/office/cases/{id}/notes"), &[("body", "forged")]).await,
            post(app, &b, &format!("/office/cases/{id}/notes"), &[("csrf", "not-the-token"), ("body", "forged")]).await,
            b.post(format!("{}/office/cases/{id}/notes", app.base))
                .header("Origin", "https://evil.example")
                .form(&[("csrf", token.as_str()), ("body", "forged")])
                .send()
                .await
                .unwrap(),
        ];
        for r in forged {
            assert_eq!(r.status(), 403);
        }
        let (_, after) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        assert_eq!(before["items"].as_array().unwrap().len(), after["items"].as_array().unwrap().len());

        // Start, resolve, and the status follows.
        let r = post(app, &b, &format!("/office/cases/{id}/start"), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        let r = post(app, &b, &format!("/office/cases/{id}/resolve"), &[("csrf", &token), ("resolution", "보수를 마쳤습니다")]).await;
        assert_eq!(r.status(), 303);
        let (_, case) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}"), None).await;
        assert_eq!(case["status"], "resolved");
        assert_eq!(case["assignee"]["name"], "agent 운영자");

        // Signing out ends the session on the server: the old cookie opens nothing.
        let (_, page) = html(app, &b, "/office/").await;
        let r = post(app, &b, "/office/logout", &[("csrf", &csrf(&page))]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/office/login");
        let stale = Client::builder().redirect(Policy::none()).build().unwrap();
        let session = cookie.split(';').next().unwrap().to_string();
        let r = stale.get(format!("{}/office/", app.base)).header("Cookie", &session).send().await.unwrap();
        assert_eq!(r.status(), 303, "the session is gone");
    }

    async fn sessions_end_when_the_operator_is_deactivated_or_given_a_new_password(app) {
        let (email, id) = operator(app, "manager", "en").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &email, PASSWORD).await.status(), 303);
        let (status, page) = html(app, &b, "/office/").await;
        assert_eq!(status, 200);
        assert!(page.contains("<html lang=\"en\">") && page.contains("Dashboard"), "their language");
        let (s, _) = app.admin_json(Method::PATCH, &format!("/api/v1/operators/{id}"), Some(&json!({"password": "another long password"}))).await;
        assert_eq!(s, 200);
        let (status, _) = html(app, &b, "/office/").await;
        assert_eq!(status, 303, "a new password signs them out");
        assert_eq!(sign_in(app, &b, &email, "another long password").await.status(), 303);
        let (s, _) = app.admin_json(Method::DELETE, &format!("/api/v1/operators/{id}"), None).await;
        assert_eq!(s, 200);
        let (status, _) = html(app, &b, "/office/").await;
        assert_eq!(status, 303, "deactivation signs them out");
        assert_eq!(sign_in(app, &b, &email, "another long password").await.status(), 401);
    }

    async fn repeated_wrong_passwords_meet_429_for_that_account_only(app) {
        let (email, _) = operator(app, "agent", "ko").await;
        let (other, _) = operator(app, "agent", "ko").await;
        let b = browser();
        for _ in 0..5 {
            assert_eq!(sign_in(app, &b, &email, "wrong password!").await.status(), 401);
        }
        let r = sign_in(app, &b, &email, PASSWORD).await;
        assert_eq!(r.status(), 429, "even the right password waits");
        let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=300).contains(&wait), "{wait}");
        assert_eq!(sign_in(app, &b, &other, PASSWORD).await.status(), 303, "others are not held");
    }
}

crate::on_both_backends! {
    async fn a_phone_answer_and_its_follow_up_are_taken_in_the_browser(backend) {
        let Some(owned) = crate::helpers::spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else { return };
        let app = &owned;
        // A citizen with a phone only: the happy call is a call.
        let mut intake = grievance("보도블록이 깨졌어요");
        intake["category"] = json!("road-damage");
        intake["citizen"] = json!({"name": "박민원", "phone": "010-1234-5678"});
        let receipt: Value = app.post_public("/api/v1/cases", &intake).await.json().await.unwrap();
        let id = receipt["id"].as_str().unwrap().to_string();
        // Sent away and back with reasons that stay internal.
        let (_, teams) = app.admin_json(Method::GET, "/api/v1/teams", None).await;
        let roads = app.team_id("Roads").await;
        let other = teams["items"].as_array().unwrap().iter().find(|t| t["id"] != roads.as_str()).unwrap()["id"].as_str().unwrap().to_string();
        for (team, reason) in [(other.as_str(), "민원인이 폭언함 — 내부 메모 참조"), (roads.as_str(), "되돌림: 내부 사유")] {
            let (s, body) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/transfer"), Some(&json!({"team_id": team, "reason": reason}))).await;
            assert_eq!(s, 200, "{body}");
        }
        let (s, _) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&json!({"resolution": "교체했습니다"}))).await;
        assert_eq!(s, 200);

        let (caller, _) = operator(app, "happycall", "ko").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &caller, PASSWORD).await.status(), 303);
        let (_, page) = html(app, &b, "/office/").await;
        assert!(!page.contains("href=\"/office/cases\""), "a happy-call operator has no queue");
        assert!(page.contains("해야 할 해피콜</a>: <strong>1</strong>"), "the calls to make, counted");
        let (status, page) = html(app, &b, "/office/happy-calls").await;
        assert_eq!(status, 200);
        assert!(page.contains("010-1234-5678") && page.contains(&format!("/office/happy-calls/{id}")));
        let (status, page) = html(app, &b, &format!("/office/happy-calls/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("교체했습니다"), "the answer given");
        let (status, case_page) = html(app, &b, &format!("/office/cases/{id}")).await;
        assert_eq!(status, 200, "a case on the worklist");
        assert!(!case_page.contains("폭언") && !case_page.contains("내부 사유"), "internal reasons stay internal");
        assert!(!case_page.contains(&format!("/office/cases/{id}/replies")), "no actions for a happy-call operator");
        let token = csrf(&page);
        let r = post(app, &b, &format!("/office/happy-calls/{id}"), &[("csrf", &token), ("process_score", "1")]).await;
        assert_eq!(r.status(), 422, "both questions are needed");
        let r = post(app, &b, &format!("/office/happy-calls/{id}"), &[("csrf", &token), ("process_score", "1"), ("result_score", "2"), ("comment", "너무 늦었어요")]).await;
        assert_eq!(r.status(), 303);
        let (_, page) = html(app, &b, &location(&r)).await;
        assert!(!page.contains(&format!("/office/happy-calls/{id}")), "off the list once answered");
        // A second answer for the same survey: the call page again saying why, not a bare 403.
        let r = post(app, &b, &format!("/office/happy-calls/{id}"), &[("csrf", &token), ("process_score", "5"), ("result_score", "5")]).await;
        assert_eq!(r.status(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("role=\"alert\"") && page.contains("해피콜 목록에 없습니다"), "{page}");
        assert!(!page.contains("박민원"), "the case has left this caller's list");
        // An admin, who still sees the case, gets the form back with the reason.
        let (admin, _) = operator(app, "admin", "en").await;
        let a = browser();
        assert_eq!(sign_in(app, &a, &admin, PASSWORD).await.status(), 303);
        let (_, page) = html(app, &a, &format!("/office/happy-calls/{id}")).await;
        let r = post(app, &a, &format!("/office/happy-calls/{id}"), &[("csrf", &csrf(&page)), ("process_score", "5"), ("result_score", "5")]).await;
        assert_eq!(r.status(), 409);
        let page = r.text().await.unwrap();
        assert!(page.contains("already answered") && page.contains(&format!("action=\"/office/happy-calls/{id}\"")), "{page}");
        let (_, answered) = app.admin_json(Method::GET, "/api/v1/surveys?max_score=2", None).await;
        assert_eq!(answered["items"][0]["process_score"], 1, "the first answer stands");

        // The team's manager closes the follow-up the low score opened.
        let (manager, _) = operator(app, "manager", "en").await;
        let m = browser();
        assert_eq!(sign_in(app, &m, &manager, PASSWORD).await.status(), 303);
        let (status, page) = html(app, &m, "/office/follow-ups").await;
        assert_eq!(status, 200);
        assert!(page.contains(receipt["receipt_no"].as_str().unwrap()) && page.contains("Mark done"));
        let at = page.find("/office/follow-ups/").unwrap() + "/office/follow-ups/".len();
        let follow_up = page[at..at + 36].to_string();
        // Without a note: the page again, saying what is missing; still open.
        let r = post(app, &m, &format!("/office/follow-ups/{follow_up}/done"), &[("csrf", &csrf(&page)), ("note", "  ")]).await;
        assert_eq!(r.status(), 422);
        let again = r.text().await.unwrap();
        assert!(again.contains("id=\"problem\"") && again.contains("note"), "{again}");
        assert!(again.contains(&format!("/office/follow-ups/{follow_up}/done")), "still open");
        let r = post(app, &m, &format!("/office/follow-ups/{follow_up}/done"), &[("csrf", &csrf(&page)), ("note", "사과 전화를 드렸습니다")]).await;
        assert_eq!(r.status(), 303);
        // A second click: the page says it is done already.
        let r = post(app, &m, &format!("/office/follow-ups/{follow_up}/done"), &[("csrf", &csrf(&page)), ("note", "사과 전화를 드렸습니다")]).await;
        assert_eq!(r.status(), 409);
        let (_, list) = app.admin_json(Method::GET, "/api/v1/follow-ups?status=done", None).await;
        let done = &list["items"][0];
        assert_eq!(done["id"], follow_up.as_str());
        assert_eq!(done["note"], "사과 전화를 드렸습니다");
        let (_, case) = app.admin_json(Method::GET, "/api/v1/surveys?max_score=2", None).await;
        assert_eq!(case["items"][0]["channel"], "phone");
        // The scorecard: the ranking, the charts drawn on the server, the CSV.
        let (status, page) = html(app, &m, "/office/scorecards").await;
        assert_eq!(status, 200);
        assert!(page.contains("Teams ranked") && page.matches("<svg role=\"img\"").count() == 2, "two charts");
        assert!(!page.contains("http://") || !page.contains("src=\"http"), "nothing from another host");
        let r = m.get(format!("{}/office/scorecards.csv", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = r.text().await.unwrap();
        assert!(csv.contains("team_name") && csv.contains("합계 (total)"), "{csv}");
        let (status, _) = html(app, &b, "/office/scorecards").await;
        assert_eq!(status, 403, "happy-call operators do not read scorecards");
        owned.stop().await;
    }
}

both_backends! {
    async fn an_admin_keeps_teams_operators_and_holidays_in_the_browser(app) {
        let (admin, _) = operator(app, "admin", "en").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &admin, PASSWORD).await.status(), 303);
        let (status, page) = html(app, &b, "/office/settings").await;
        assert_eq!(status, 200);
        assert!(page.contains("/office/settings/holidays"));

        // A team, then a clash with its name: the form's problem, nothing added twice.
        let (_, page) = html(app, &b, "/office/settings/teams").await;
        let token = csrf(&page);
        let r = post(app, &b, "/office/settings/teams", &[("csrf", &token), ("name", "공원녹지과 (Parks)"), ("email", "parks@city.example")]).await;
        assert_eq!(r.status(), 303);
        let r = post(app, &b, "/office/settings/teams", &[("csrf", &token), ("name", "공원녹지과 (Parks)")]).await;
        assert_eq!(r.status(), 409);
        let parks = app.team_id("Parks").await;

        // An operator of the new team, who can sign in at once.
        let (_, page) = html(app, &b, "/office/settings/operators").await;
        assert!(page.contains(&parks), "the new team is offered");
        let email = format!("{}@city.example", uuid::Uuid::now_v7().simple());
        let r = post(app, &b, "/office/settings/operators", &[
            ("csrf", &token), ("name", "정공원"), ("email", &email), ("role", "agent"), ("team_ids", &parks),
            ("password", PASSWORD), ("locale", "ko"),
        ]).await;
        assert_eq!(r.status(), 303);
        let r = post(app, &b, "/office/settings/operators", &[("csrf", &token), ("name", "짧은 비밀번호"), ("email", "short@city.example"), ("role", "agent"), ("password", "short")]).await;
        assert_eq!(r.status(), 422);
        assert_eq!(sign_in(app, &browser(), &email, PASSWORD).await.status(), 303);

        // A holiday added for next year, then deactivated.
        let (status, page) = html(app, &b, "/office/settings/holidays?year=2027").await;
        assert_eq!(status, 200);
        assert!(page.contains("2027-02-08") || page.contains("2027-02-07"), "Seollal by rule");
        let r = post(app, &b, "/office/settings/holidays", &[("csrf", &token), ("date", "2027-06-14"), ("name", "임시공휴일")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/office/settings/holidays?year=2027");
        let (_, list) = app.admin_json(Method::GET, "/api/v1/holidays?year=2027", None).await;
        assert!(list["items"].as_array().unwrap().iter().any(|h| h["date"] == "2027-06-14" && h["active"] == true));
        let r = post(app, &b, "/office/settings/holidays/2027-06-14/deactivate", &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        let (_, list) = app.admin_json(Method::GET, "/api/v1/holidays?year=2027", None).await;
        assert!(list["items"].as_array().unwrap().iter().any(|h| h["date"] == "2027-06-14" && h["active"] == false));

        // Settings are an admin's.
        let (agent, _) = operator(app, "agent", "ko").await;
        let a = browser();
        assert_eq!(sign_in(app, &a, &agent, PASSWORD).await.status(), 303);
        let (status, _) = html(app, &a, "/office/settings/teams").await;
        assert_eq!(status, 403);
    }
}

both_backends! {
    async fn the_queue_pages_both_ways_and_loads_its_script_from_this_host(app) {
        // 55 cases: a full page of 50 and a second one.
        for batch in 0..11 {
            let posts: Vec<_> = (0..5)
                .map(|i| {
                    let (client, url) = (app.client.clone(), format!("{}/api/v1/cases", app.base));
                    let body = grievance(&format!("쪽 나눔 {batch}-{i}"));
                    tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
                })
                .collect();
            for p in posts {
                assert_eq!(p.await.unwrap(), 201);
            }
        }
        let (admin, _) = operator(app, "admin", "ko").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &admin, PASSWORD).await.status(), 303);

        let (status, first) = html(app, &b, "/office/cases").await;
        assert_eq!(status, 200);
        // The script at a URL naming its content, deferred.
        let at = first.find("<script src=\"/office/office.js?v=").expect("the script, versioned");
        let script_url = first[at + 13..].split('"').next().unwrap().to_string();
        assert!(first[at..].starts_with(&format!("<script src=\"{script_url}\" defer></script>")), "deferred");
        assert!(!first.contains("src=\"http") && !first.contains("<script>"), "nothing from another host, nothing inline");
        for id in ["id=\"queue-rows\"", "id=\"f-q\"", "id=\"queue-keys\""] {
            assert!(first.contains(id), "{id}");
        }
        assert!(first.contains("단축키") && first.contains("j/k"), "the keys, in the operator's words");
        assert_eq!(listed(&first).len(), 50);
        assert_eq!(rel_link(&first, "prev"), None, "nothing before the first page");

        let next = rel_link(&first, "next").expect("a next page");
        let (status, second) = html(app, &b, &next).await;
        assert_eq!(status, 200);
        assert_eq!(listed(&second).len(), 5);
        assert!(listed(&second).iter().all(|c| !listed(&first).contains(c)), "no case twice");
        assert_eq!(rel_link(&second, "next"), None);
        let prev = rel_link(&second, "prev").expect("a previous page");
        assert_eq!(prev, "/office/cases");
        let (_, again) = html(app, &b, &prev).await;
        assert_eq!(listed(&again), listed(&first), "back to the same first page");

        // Kept a year at the page's URL (a new release's pages name a new
        // one); asked for by any other, checked again every time.
        let r = b.get(format!("{}{script_url}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let kind = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.starts_with("text/javascript"), "{kind}");
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
        let script = r.text().await.unwrap();
        assert!(script.contains("queue-rows") && script.contains("is-focused") && script.contains("f-q"));
        for stale in ["/office/office.js".to_string(), "/office/office.js?v=0000000000000000".into(), format!("{script_url}&x=1")] {
            let r = b.get(format!("{}{stale}", app.base)).send().await.unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["cache-control"], "no-cache", "{stale}");
            let tag = r.headers()["etag"].to_str().unwrap().to_string();
            assert_eq!(r.text().await.unwrap(), script, "{stale}");
            // Revalidated: nothing sent again while it is the same script.
            let r = b.get(format!("{}{stale}", app.base)).header("if-none-match", &tag).send().await.unwrap();
            assert_eq!(r.status(), 304, "{stale}");
            assert!(r.text().await.unwrap().is_empty());
            let r = b.get(format!("{}{stale}", app.base)).header("if-none-match", "\"0000\"").send().await.unwrap();
            assert_eq!(r.status(), 200, "another version's tag: {stale}");
        }
        let css_at = first.find("<link rel=\"stylesheet\" href=\"/office/office.css?v=").expect("the style sheet, versioned");
        let css_url = first[css_at + 29..].split('"').next().unwrap().to_string();
        let r = b.get(format!("{}{css_url}", app.base)).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    }

    async fn the_resolve_form_offers_exactly_the_outcomes_the_server_takes(app) {
        let mut b = grievance("공원에 그늘막을 설치해 주세요");
        b["kind"] = json!("proposal");
        b["category"] = json!("citizen-proposal");
        let (_, c) = app.admin_json(Method::POST, "/api/v1/cases", Some(&b)).await;
        let id = c["id"].as_str().unwrap();
        let (s, p) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&json!({"resolution": "x", "outcome": "maybe"}))).await;
        assert_eq!(s, 422);
        let message = p["errors"][0]["message"].as_str().unwrap().to_string();
        let taken: Vec<&str> = message.split("one of: ").nth(1).unwrap().split(" (got").next().unwrap().split(", ").collect();
        let (admin, _) = operator(app, "admin", "ko").await;
        let web = browser();
        assert_eq!(sign_in(app, &web, &admin, PASSWORD).await.status(), 303);
        let (status, page) = html(app, &web, &format!("/office/cases/{id}")).await;
        assert_eq!(status, 200);
        let select = page.split("<select id=\"outcome\"").nth(1).expect("the outcome field").split("</select>").next().unwrap();
        let offered: Vec<&str> = select.split("<option value=\"").skip(1).map(|o| o.split('"').next().unwrap()).filter(|v| !v.is_empty()).collect();
        assert_eq!(offered, taken, "{message}");

        // Refused (a proposal needs an outcome), the form comes back open with what was typed.
        let planned = (crate::helpers::seoul_today() + chrono::Duration::days(30)).to_string();
        let r = post(app, &web, &format!("/office/cases/{id}/resolve"), &[("csrf", &csrf(&page)), ("resolution", "그늘막 세 곳을 설치하겠습니다"), ("planned_implementation_date", &planned)]).await;
        assert_eq!(r.status(), 422);
        let again = r.text().await.unwrap();
        let form = again.find(&format!("action=\"/office/cases/{id}/resolve\"")).unwrap();
        assert!(again[..form].rfind("<details").map(|d| again[d..].starts_with("<details open>")) == Some(true), "open");
        assert!(again[form..].contains(">그늘막 세 곳을 설치하겠습니다</textarea>"), "the answer kept");
        assert!(again[form..].contains(&format!("value=\"{planned}\"")), "the date kept");

        // Decided, the page shows the decision and the plan beside the answer.
        let (s, p) = app.admin_json(Method::POST, &format!("/api/v1/cases/{id}/resolve"), Some(&json!({"resolution": "채택합니다", "outcome": "partially_adopted", "planned_implementation_date": planned}))).await;
        assert_eq!(s, 200, "{p}");
        let (_, page) = html(app, &web, &format!("/office/cases/{id}")).await;
        let facts = page.split("<dl class=\"facts\">").nth(1).unwrap().split("</dl>").next().unwrap();
        assert!(facts.contains("<dt>제안 결과</dt><dd>부분 채택</dd>"), "{facts}");
        assert!(facts.contains(&format!("<dt>시행 예정일</dt><dd>{planned}</dd>")), "{facts}");
    }

    async fn a_form_too_large_is_refused_with_a_page_and_changes_nothing(app) {
        let (agent, _) = operator(app, "agent", "en").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &agent, PASSWORD).await.status(), 303);
        let mut intake = grievance("가로등이 꺼졌어요");
        intake["category"] = json!("road-damage");
        let receipt: Value = app.post_public("/api/v1/cases", &intake).await.json().await.unwrap();
        let id = receipt["id"].as_str().unwrap().to_string();
        let (_, page) = html(app, &b, &format!("/office/cases/{id}")).await;
        let token = csrf(&page);
        let (_, before) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;

        // 300 KB of note: more than any form of ours carries.
        let huge = "x".repeat(300 * 1024);
        let r = post(app, &b, &format!("/office/cases/{id}/notes"), &[("csrf", &token), ("body", &huge)]).await;
        assert_eq!(r.status(), 413);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = r.text().await.unwrap();
        assert!(page.contains("too large") && page.contains("office.css"), "a page in the office's style: {page}");

        let (_, after) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}/events"), None).await;
        assert_eq!(before["items"].as_array().unwrap().len(), after["items"].as_array().unwrap().len());
        // The session and the form still work afterwards.
        let r = post(app, &b, &format!("/office/cases/{id}/notes"), &[("csrf", &token), ("body", "짧은 메모")]).await;
        assert_eq!(r.status(), 303);
    }
}

crate::on_both_backends! {
    async fn a_stalled_form_is_cut_off_with_408_and_a_page(backend) {
        let Some(app) = crate::helpers::spawn_app_with(backend, &[("CIVICDESK_BODY_TIMEOUT_SECS", "1")]).await else { return };
        let (agent, _) = operator(&app, "agent", "ko").await;
        let r = sign_in(&app, &browser(), &agent, PASSWORD).await;
        let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let addr = app.base.trim_start_matches("http://").to_string();
        let answer = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
            // Promises 100 bytes, sends 10, then waits.
            let head = format!("POST /office/logout HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncsrf=abcde");
            s.write_all(head.as_bytes()).unwrap();
            let mut buf = vec![0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            String::from_utf8_lossy(&buf[..n]).to_string()
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("text/html"), "{answer}");
        app.stop().await;
    }
}

/// The routing rules as the API lists them, in the order they run: (id, team id, position, active).
async fn rules_in_order(app: &TestApp) -> Vec<(String, String, i64, bool)> {
    let (_, list) = app.admin_json(Method::GET, "/api/v1/routing-rules", None).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["team_id"].as_str().unwrap().to_string(),
                r["position"].as_i64().unwrap(),
                r["active"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The team a new grievance with `title` is routed to.
async fn routed_to(app: &TestApp, title: &str) -> String {
    let receipt: Value = app
        .post_public("/api/v1/cases", &grievance(title))
        .await
        .json()
        .await
        .unwrap();
    let id = receipt["id"].as_str().unwrap_or_else(|| panic!("{receipt}"));
    let (_, case) = app.admin_json(Method::GET, &format!("/api/v1/cases/{id}"), None).await;
    case["team"]["id"].as_str().unwrap().to_string()
}

/// The category with `code`, as the API shows it.
async fn category(app: &TestApp, code: &str) -> Option<Value> {
    let (_, list) = app.admin_json(Method::GET, "/api/v1/categories", None).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .cloned()
}

both_backends! {
    async fn an_admin_keeps_categories_rules_and_tokens_in_the_browser(app) {
        let (admin, admin_id) = operator(app, "admin", "en").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &admin, PASSWORD).await.status(), 303);
        let (status, page) = html(app, &b, "/office/settings").await;
        assert_eq!(status, 200);
        for link in ["/office/settings/categories", "/office/settings/rules", "/office/settings/tokens"] {
            assert!(page.contains(&format!("href=\"{link}\"")), "a link to {link}");
        }

        // A category with a question; JSON that does not parse, and a question
        // the use case refuses, come back on the form as typed.
        let roads = app.team_id("Roads").await;
        let (status, page) = html(app, &b, "/office/settings/categories").await;
        assert_eq!(status, 200);
        assert!(page.contains("road-damage"), "the seeded categories are listed");
        let token = csrf(&page);
        let question = r#"[{"code": "bench_no", "datatype": "number", "required": true, "description": "벤치 번호"}]"#;
        let new_category = |attributes: &'static str| {
            vec![
                ("csrf", token.clone()), ("code", "park-bench".to_string()), ("name", "공원 벤치 파손".to_string()),
                ("name_en", "Broken park bench".to_string()), ("kind", "grievance".to_string()),
                ("default_team_id", roads.clone()), ("deadline_amount", "7".to_string()),
                ("deadline_unit", "days".to_string()), ("keywords", "벤치, bench".to_string()),
                ("description", String::new()), ("attributes", attributes.to_string()),
            ]
        };
        let form = |fields: &[(&'static str, String)]| fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
        let r = b.post(format!("{}/office/settings/categories", app.base)).form(&form(&new_category("[{\"code\": "))).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("role=\"alert\"") && page.contains("attributes"), "the JSON's problem");
        assert!(page.contains("value=\"park-bench\""), "the form as typed");
        let r = b.post(format!("{}/office/settings/categories", app.base))
            .form(&form(&new_category(r#"[{"code": "kind", "datatype": "singlevaluelist", "description": "종류"}]"#)))
            .send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("attributes[0].values"), "the use case's own check");
        assert!(category(app, "park-bench").await.is_none(), "nothing saved on a refusal");
        let r = b.post(format!("{}/office/settings/categories", app.base)).form(&form(&new_category(question))).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/office/settings/categories");
        let saved = category(app, "park-bench").await.expect("created");
        assert_eq!(saved["deadline"], json!({"amount": 7, "unit": "days"}));
        assert_eq!(saved["default_team_id"], roads.as_str());
        assert_eq!(saved["attributes"][0]["code"], "bench_no");
        assert_eq!(saved["attributes"][0]["required"], true);
        let r = b.post(format!("{}/office/settings/categories", app.base)).form(&form(&new_category(question))).send().await.unwrap();
        assert_eq!(r.status(), 409, "the code is taken");
        let (_, page) = html(app, &b, "/office/settings/categories").await;
        assert!(page.contains("park-bench") && page.contains("bench_no"), "listed with its question");

        // Its edit form shows what is stored; a new deadline is saved, the question kept.
        let id = saved["id"].as_str().unwrap().to_string();
        let (status, page) = html(app, &b, &format!("/office/settings/categories/{id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("value=\"7\"") && page.contains("bench_no") && page.contains("name=\"active\""));
        let mut edit = new_category(question);
        edit.retain(|(k, _)| *k != "deadline_amount" && *k != "deadline_unit");
        edit.extend([("deadline_amount", "1".to_string()), ("deadline_unit", "months".to_string()), ("active", "1".to_string())]);
        let path = format!("{}/office/settings/categories/{id}", app.base);
        let bad: Vec<_> = edit.iter().map(|(k, v)| (*k, if *k == "deadline_amount" { "seven".to_string() } else { v.clone() })).collect();
        let r = b.post(&path).form(&form(&bad)).send().await.unwrap();
        assert_eq!(r.status(), 422, "a deadline that is not a number");
        assert!(r.text().await.unwrap().contains("value=\"seven\""), "the edit form as typed");
        let r = b.post(&path).form(&form(&edit)).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let saved = category(app, "park-bench").await.unwrap();
        assert_eq!(saved["deadline"], json!({"amount": 1, "unit": "months"}));
        assert_eq!(saved["attributes"][0]["code"], "bench_no");
        assert_eq!(saved["active"], true);
        let (status, _) = html(app, &b, "/office/settings/categories/not-an-id").await;
        assert_eq!(status, 404);

        // Two rules for the same word: the first added runs first until it is moved down.
        let (_, teams) = app.admin_json(Method::GET, "/api/v1/teams", None).await;
        let team = |part: &str| teams["items"].as_array().unwrap().iter().find(|t| t["name"].as_str().unwrap().contains(part)).unwrap()["id"].as_str().unwrap().to_string();
        let (env, welfare) = (team("Environment"), team("Welfare"));
        let (status, page) = html(app, &b, "/office/settings/rules").await;
        assert_eq!(status, 200);
        assert!(page.contains("싱크홀"), "the seeded rules are listed");
        let before = rules_in_order(app).await;
        for team_id in [&env, &welfare] {
            let r = post(app, &b, "/office/settings/rules", &[("csrf", &token), ("kind", "grievance"), ("category", ""), ("keywords", "그네"), ("team_id", team_id), ("position", "")]).await;
            assert_eq!(r.status(), 303);
        }
        let r = post(app, &b, "/office/settings/rules", &[("csrf", &token), ("keywords", "그네"), ("team_id", "")]).await;
        assert_eq!(r.status(), 422, "a rule needs a team");
        let order = rules_in_order(app).await;
        assert_eq!(order.len(), before.len() + 2);
        let (first, second) = (order[order.len() - 2].clone(), order[order.len() - 1].clone());
        assert_eq!((first.1.as_str(), second.1.as_str()), (env.as_str(), welfare.as_str()));
        assert_eq!(routed_to(app, "놀이터 그네가 부서졌어요").await, env);
        let r = post(app, &b, &format!("/office/settings/rules/{}/up", second.0), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/office/settings/rules");
        let order = rules_in_order(app).await;
        let ids: Vec<&str> = order.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(&ids[ids.len() - 2..], &[second.0.as_str(), first.0.as_str()], "moved up");
        assert!(order.windows(2).all(|w| w[0].2 < w[1].2), "positions now differ and follow the order: {order:?}");
        assert_eq!(routed_to(app, "그네 줄이 끊어졌어요").await, welfare);
        let r = post(app, &b, &format!("/office/settings/rules/{}/down", second.0), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(rules_in_order(app).await.last().unwrap().0, second.0, "and down again");
        let r = post(app, &b, &format!("/office/settings/rules/{}/deactivate", first.0), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        assert!(rules_in_order(app).await.iter().any(|r| r.0 == first.0 && !r.3), "deactivated");
        let r = post(app, &b, &format!("/office/settings/rules/{}/sideways", first.0), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 404);
        let r = post(app, &b, "/office/settings/rules/not-an-id/up", &[("csrf", &token)]).await;
        assert_eq!(r.status(), 404);

        // A token: its secret on the page that answers the form, and nowhere after.
        let (status, page) = html(app, &b, "/office/settings/tokens").await;
        assert_eq!(status, 200);
        assert!(page.contains(&admin_id), "the admin can be chosen");
        let at = page.find("name=\"token_id\" value=\"").expect("the form's own id for the token") + 23;
        let token_id = page[at..at + page[at..].find('"').unwrap()].to_string();
        let the_form = [("csrf", token.as_str()), ("name", "민원 연계 (integration)"), ("operator_id", &admin_id), ("token_id", &token_id)];
        let r = post(app, &b, "/office/settings/tokens", &the_form).await;
        assert_eq!(r.status(), 200, "the page itself, not a redirect");
        assert!(r.headers().get("location").is_none());
        let page = r.text().await.unwrap();
        let at = page.find("id=\"new-token\"").expect("the new token");
        let at = at + page[at..].find("value=\"").unwrap() + 7;
        let secret = page[at..at + page[at..].find('"').unwrap()].to_string();
        assert!(secret.starts_with("cd_") && secret.len() > 20, "{secret}");
        // The answer reloaded (the browser sends the same form again): no second token.
        let r = post(app, &b, "/office/settings/tokens", &the_form).await;
        assert_eq!(r.status(), 409);
        let again = r.text().await.unwrap();
        assert!(again.contains("already made") && !again.contains(&secret), "{again}");
        let (_, page) = html(app, &b, "/office/settings/tokens").await;
        assert!(page.contains("민원 연계 (integration)") && !page.contains(&secret), "listed, the secret not shown again");
        assert_eq!(page.matches("<th scope=\"row\">민원 연계 (integration)</th>").count(), 1, "made once");
        let api = |secret: String| {
            let app_client = app.request(Method::GET, "/api/v1/categories").bearer_auth(secret);
            async move { app_client.send().await.unwrap().status() }
        };
        let ours = |tokens: &Value| tokens["items"].as_array().unwrap().iter().find(|t| t["name"] == "민원 연계 (integration)").unwrap().clone();
        let (_, tokens) = app.admin_json(Method::GET, "/api/v1/tokens", None).await;
        assert!(ours(&tokens)["last_used_at"].is_null(), "not used yet");
        let row = |page: &str| page[page.find("민원 연계 (integration)").unwrap()..].split("</tr>").next().unwrap().to_string();
        assert!(row(&page).contains("Never"), "{}", row(&page));
        assert_eq!(api(secret.clone()).await, 200, "the token works");
        let (_, tokens) = app.admin_json(Method::GET, "/api/v1/tokens", None).await;
        assert!(ours(&tokens)["last_used_at"].is_string(), "its use is recorded");
        let (_, page) = html(app, &b, "/office/settings/tokens").await;
        assert!(!row(&page).contains("Never"), "{}", row(&page));
        let token_id = ours(&tokens)["id"].as_str().unwrap().to_string();
        let r = post(app, &b, &format!("/office/settings/tokens/{token_id}/revoke"), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(api(secret.clone()).await, 401, "a revoked token is refused");
        let r = post(app, &b, "/office/settings/tokens", &[("csrf", &token), ("name", ""), ("operator_id", "")]).await;
        assert_eq!(r.status(), 422);

        // Forged posts: 403, nothing changes.
        let order = rules_in_order(app).await;
        let (_, tokens_before) = app.admin_json(Method::GET, "/api/v1/tokens", None).await;
        let mut forged_category = form(&new_category(question));
        forged_category.retain(|(k, _)| *k != "csrf" && *k != "code");
        forged_category.push(("code", "forged".to_string()));
        let r = b.post(format!("{}/office/settings/categories", app.base)).form(&forged_category).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = post(app, &b, &format!("/office/settings/categories/{id}/deactivate"), &[]).await;
        assert_eq!(r.status(), 403);
        let r = post(app, &b, &format!("/office/settings/rules/{}/up", second.0), &[("csrf", "not-the-token")]).await;
        assert_eq!(r.status(), 403);
        let r = post(app, &b, "/office/settings/tokens", &[("name", "forged"), ("operator_id", &admin_id)]).await;
        assert_eq!(r.status(), 403);
        assert!(category(app, "forged").await.is_none());
        assert_eq!(category(app, "park-bench").await.unwrap()["active"], true);
        assert_eq!(rules_in_order(app).await, order);
        let (_, tokens_after) = app.admin_json(Method::GET, "/api/v1/tokens", None).await;
        assert_eq!(tokens_before, tokens_after);

        // The category's deactivation, now with the token.
        let r = post(app, &b, &format!("/office/settings/categories/{id}/deactivate"), &[("csrf", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(category(app, "park-bench").await.unwrap()["active"], false);

        // These pages are an admin's: a manager gets 403 reading or posting.
        let (manager, _) = operator(app, "manager", "ko").await;
        let m = browser();
        assert_eq!(sign_in(app, &m, &manager, PASSWORD).await.status(), 303);
        for path in ["/office/settings/categories", &format!("/office/settings/categories/{id}"), "/office/settings/rules", "/office/settings/tokens"] {
            let (status, page) = html(app, &m, path).await;
            assert_eq!(status, 403, "{path}");
            assert!(!page.contains("park-bench"), "{path}");
        }
        let (_, page) = html(app, &m, "/office/").await;
        let theirs = csrf(&page);
        let r = post(app, &m, "/office/settings/tokens", &[("csrf", &theirs), ("name", "mine"), ("operator_id", &admin_id)]).await;
        assert_eq!(r.status(), 403);
        let r = post(app, &m, &format!("/office/settings/rules/{}/up", second.0), &[("csrf", &theirs)]).await;
        assert_eq!(r.status(), 403);
        let r = post(app, &m, &format!("/office/settings/categories/{id}"), &[("csrf", &theirs), ("attributes", "[")]).await;
        assert_eq!(r.status(), 403, "refused before the form is read");
        assert_eq!(rules_in_order(app).await, order);
    }
}

/// `n` resolved cases of citizens with a phone only (with every case in the
/// sample, each is a call to make); their ids, oldest first.
async fn resolved_by_phone(app: &TestApp, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let mut intake = grievance(&format!("가로수 가지가 부러졌어요 {i}"));
        intake["category"] = json!("road-damage");
        intake["citizen"] = json!({"name": format!("전화 민원인 {i}"), "phone": "010-2222-3333"});
        let receipt: Value = app.post_public("/api/v1/cases", &intake).await.json().await.unwrap();
        let id = receipt["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{receipt}"))
            .to_string();
        let (s, body) = app
            .admin_json(
                Method::POST,
                &format!("/api/v1/cases/{id}/resolve"),
                Some(&json!({"resolution": "정리했습니다"})),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        ids.push(id);
    }
    ids
}

/// What a page links to under `prefix`, followed by an id, in order.
fn ids_after(page: &str, prefix: &str) -> Vec<String> {
    page.split(prefix)
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// The calls a happy-call page lists (their cases), in order.
fn calls_listed(page: &str) -> Vec<String> {
    ids_after(page, "href=\"/office/happy-calls/")
}

/// The open follow-ups a page offers to mark done, in order.
fn open_listed(page: &str) -> Vec<String> {
    ids_after(page, "action=\"/office/follow-ups/")
        .into_iter()
        .map(|s| s.trim_end_matches("/done").to_string())
        .collect()
}

/// The done follow-ups a page lists, in order.
fn done_listed(page: &str) -> Vec<String> {
    ids_after(page, "<tr data-follow-up=\"")
}

crate::on_both_backends! {
    async fn long_call_lists_and_follow_up_histories_come_a_page_at_a_time(backend) {
        let Some(owned) = crate::helpers::spawn_app_with(backend, &[("CIVICDESK_SURVEY_SAMPLE_RATE", "1")]).await else { return };
        let app = &owned;
        let cases = resolved_by_phone(app, 57).await;
        let (admin, _) = operator(app, "admin", "ko").await;
        let b = browser();
        assert_eq!(sign_in(app, &b, &admin, PASSWORD).await.status(), 303);

        // 57 calls: a page of 50, then the 7 others behind the next link.
        let (status, first) = html(app, &b, "/office/happy-calls").await;
        assert_eq!(status, 200);
        let first_calls = calls_listed(&first);
        assert_eq!(first_calls.len(), 50, "one page");
        assert!(first.contains("다음 페이지") && first.contains("<caption"), "the page's words, in the operator's language");
        assert_eq!(rel_link(&first, "first"), None, "the first page links to no first page");
        let next = rel_link(&first, "next").expect("a next page");
        let (status, second) = html(app, &b, &next).await;
        assert_eq!(status, 200);
        let second_calls = calls_listed(&second);
        assert_eq!(second_calls.len(), 7);
        assert_eq!(rel_link(&second, "next"), None, "nothing after the last page");
        assert_eq!(rel_link(&second, "first").as_deref(), Some("/office/happy-calls"));
        let all: Vec<String> = first_calls.iter().chain(&second_calls).cloned().collect();
        let unique: std::collections::BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "no call listed twice");
        assert_eq!(unique, cases.iter().collect(), "none missing");
        // The API's worklist, one list, has them in the same order: oldest survey first.
        let (s, work) = app.admin_json(Method::GET, "/api/v1/happy-calls", None).await;
        assert_eq!(s, 200);
        let api: Vec<String> = work["items"].as_array().unwrap().iter().map(|c| c["case_id"].as_str().unwrap().to_string()).collect();
        assert_eq!(api, all, "the pages follow the worklist's order");
        assert_eq!(api, cases, "oldest first");
        // A cursor that is not the list's own shows the first page.
        let (status, page) = html(app, &b, "/office/happy-calls?after=not-a-cursor").await;
        assert_eq!(status, 200);
        assert_eq!(calls_listed(&page), first_calls);

        // 55 dissatisfied answers by phone: 55 follow-ups, 52 of them done, 3 open.
        for id in &cases[..55] {
            let (s, body) = app
                .admin_json(Method::POST, &format!("/api/v1/cases/{id}/survey"), Some(&json!({"process_score": 1, "result_score": 2, "channel": "phone"})))
                .await;
            assert_eq!(s, 201, "{body}");
        }
        let (_, open) = app.admin_json(Method::GET, "/api/v1/follow-ups?status=open", None).await;
        let open: Vec<String> = open["items"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(open.len(), 55);
        let mut done = Vec::new();
        for (i, id) in open[..52].iter().enumerate() {
            let (s, body) = app
                .admin_json(Method::POST, &format!("/api/v1/follow-ups/{id}/done"), Some(&json!({"note": format!("사과 전화 {i}")})))
                .await;
            assert_eq!(s, 200, "{body}");
            done.push(id.clone());
        }

        // Every open one (the work), oldest first; then the 50 most recently done.
        let (status, page) = html(app, &b, "/office/follow-ups").await;
        assert_eq!(status, 200);
        assert_eq!(open_listed(&page), open[52..].to_vec(), "all open ones, oldest first");
        let recent = done_listed(&page);
        assert_eq!(recent.len(), 50, "done ones limited");
        assert_eq!(recent[0], done[51], "the last one done comes first");
        assert!(page.contains("최근 완료된 후속 조치") && page.contains("scope=\"col\""));
        let older = rel_link(&page, "next").expect("a link to older ones");
        let (status, older_page) = html(app, &b, &older).await;
        assert_eq!(status, 200);
        assert!(open_listed(&older_page).is_empty(), "the open ones are on the first page");
        let rest = done_listed(&older_page);
        assert_eq!(rest.len(), 2);
        assert_eq!(rel_link(&older_page, "next"), None);
        assert_eq!(rel_link(&older_page, "first").as_deref(), Some("/office/follow-ups"));
        let mut seen: Vec<String> = recent.iter().chain(&rest).cloned().collect();
        let mut expected = done.clone();
        expected.reverse();
        assert_eq!(seen, expected, "most recently done first, none twice, none missing");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 52);
        owned.stop().await;
    }
}
