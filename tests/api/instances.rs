//! Several `civicdesk` processes on one database, as behind a load balancer:
//! three on one PostgreSQL with one SMTP server share intakes and
//! resolutions while one of them is killed (SIGKILL) mid-request; and what
//! an admin changes through one instance (holidays, categories, routing
//! rules) is what the other uses for its very next request.
//!
//! Each instance is the real binary in its own process, so that nothing an
//! instance keeps in memory (a cache, a pool, a rate limit) is shared.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder};
use serde_json::{json, Value};

use crate::helpers::{grievance, new_database, serve_binary, wait_for_line, Backend, ADMIN_TOKEN};
use crate::on_both_backends;
use crate::smtp::{Received, SmtpServer};

/// One `civicdesk` process; killed when dropped (a failing test included).
struct Instance {
    base: String,
    child: Child,
    scratch: PathBuf,
}

impl Instance {
    /// Starts the binary on `db_url` without waiting for it.
    fn spawn(db_url: &str, extra: &[(&str, &str)]) -> (Instance, Arc<Mutex<Vec<String>>>) {
        // Only where `.eml` files would go without SMTP; never the working directory.
        let scratch = std::env::temp_dir().join(format!("civicdesk-multi-{}", uuid::Uuid::now_v7().simple()));
        let mut vars: Vec<(&str, String)> = vec![
            ("CIVICDESK_OUTBOX_DIR", scratch.display().to_string()),
            ("CIVICDESK_PUBLIC_URL", "http://civicdesk.test".into()),
            ("CIVICDESK_RATE_LIMIT", "0".into()),
            ("CIVICDESK_BACKDATE_DAYS", "3660".into()),
            ("CIVICDESK_SURVEY_SAMPLE_RATE", "0".into()),
            ("CIVICDESK_DB_POOL_SIZE", "4".into()),
        ];
        vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        let (base, child, lines) = serve_binary(db_url, &vars);
        (Instance { base, child, scratch }, lines)
    }

    /// Starts the binary and waits until it listens.
    async fn start(db_url: &str, extra: &[(&str, &str)]) -> Instance {
        let (instance, lines) = Instance::spawn(db_url, extra);
        wait_for_line(&lines, "listening on", 1).await;
        instance
    }

    /// Kills the process at once, as a crash or an OOM kill would (SIGKILL).
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A request to a path of this instance, as the bootstrap admin.
    fn admin(&self, http: &Client, method: Method, path: &str) -> RequestBuilder {
        http.request(method, format!("{}{path}", self.base))
            .bearer_auth(ADMIN_TOKEN)
    }

    /// Sends JSON as the admin; status and body.
    async fn admin_json(&self, http: &Client, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut r = self.admin(http, method, path);
        if let Some(b) = body {
            r = r.json(b);
        }
        crate::helpers::read(r.send().await.expect("request")).await
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

fn http() -> Client {
    Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

// ---------------------------------------------------------------------------
// Three instances, one killed.

/// Cases filed in the run with three instances.
const CASES: usize = 240;
/// Clients sending at once.
const CLIENTS: usize = 12;
/// The instance killed midway.
const VICTIM: usize = 2;

/// The shared state of the load: which instances are up, what is in flight
/// where, and what the clients were told.
struct Load {
    http: Client,
    bases: Vec<String>,
    alive: Vec<AtomicBool>,
    in_flight: Vec<AtomicUsize>,
    next: AtomicUsize,
    received: AtomicUsize,
    /// (instance, what): requests that got no answer at all.
    lost: Mutex<Vec<(usize, String)>>,
    filed: Mutex<Vec<Filed>>,
}

/// A case as its citizen was told: acknowledged (201), then resolved (200).
#[derive(Debug, Clone)]
struct Filed {
    n: usize,
    id: String,
    receipt_no: String,
}

fn citizen(n: usize) -> String {
    format!("citizen{n}@multi.example")
}

impl Load {
    /// Sends through `first` or, when it is down or does not answer, the next
    /// instance up (as a load balancer retries): the status and body of the
    /// answer, and whether an earlier try got none.
    async fn send(&self, first: usize, build: impl Fn(&Client, &str) -> RequestBuilder) -> (u16, Value, bool) {
        let n = self.bases.len();
        let mut unanswered = false;
        for attempt in 0..2 * n {
            let i = (first + attempt) % n;
            if !self.alive[i].load(Ordering::SeqCst) {
                continue;
            }
            self.in_flight[i].fetch_add(1, Ordering::SeqCst);
            let sent = build(&self.http, &self.bases[i]).send().await;
            let answer = match sent {
                Ok(r) => {
                    let status = r.status().as_u16();
                    r.bytes()
                        .await
                        .map(|b| (status, serde_json::from_slice(&b).unwrap_or(Value::Null)))
                }
                Err(e) => Err(e),
            };
            self.in_flight[i].fetch_sub(1, Ordering::SeqCst);
            match answer {
                Ok((status, body)) => return (status, body, unanswered),
                Err(e) => {
                    self.lost.lock().unwrap().push((i, e.to_string()));
                    unanswered = true;
                }
            }
        }
        panic!("no instance answered");
    }

    /// Files case `n` through one instance and resolves it through the next.
    async fn one_case(&self, n: usize) {
        let first = n % self.bases.len();
        let mut body = grievance(&format!("여러 서버 민원 {n}"));
        body["citizen"]["email"] = json!(citizen(n));
        // The client's own key: a retry after no answer is the same intake, never a second case.
        let key = format!("multi-{n}");
        let mut conflicts = 0;
        let case = loop {
            let (status, case, _) = self
                .send(first, |h, base| {
                    h.post(format!("{base}/api/v1/cases"))
                        .header("Idempotency-Key", &key)
                        .json(&body)
                })
                .await;
            match status {
                201 => break case,
                // The same key's first try is still being rolled back: retry, as the 409 says.
                409 if conflicts < 100 => {
                    conflicts += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                _ => panic!("intake {n}: {status} {case}"),
            }
        };
        let id = case["id"].as_str().unwrap().to_string();
        self.received.fetch_add(1, Ordering::SeqCst);

        let path = format!("/api/v1/cases/{id}/resolve");
        let (status, answer, retried) = self
            .send(first + 1, |h, base| {
                h.post(format!("{base}{path}"))
                    .bearer_auth(ADMIN_TOKEN)
                    .json(&json!({"resolution": format!("처리했습니다 (답변 {n}).")}))
            })
            .await;
        // After a try that got no answer, a 409 means that try had resolved it.
        assert!(
            status == 200 || (retried && status == 409),
            "resolve {n}: {status} {answer}"
        );
        self.filed.lock().unwrap().push(Filed {
            n,
            id,
            receipt_no: case["receipt_no"].as_str().unwrap().to_string(),
        });
    }
}

/// Every case on the list, through one instance: (id, receipt number).
async fn all_cases(http: &Client, base: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/cases?sort=received&limit=200");
        if let Some(a) = &after {
            url.push_str(&format!("&after={a}"));
        }
        let page: Value = http
            .get(url)
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for c in page["items"].as_array().expect("items") {
            out.push((
                c["id"].as_str().unwrap().to_string(),
                c["receipt_no"].as_str().unwrap().to_string(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_string()),
            None => return out,
        }
    }
}

/// Which notice an email to a citizen is, from its text.
fn notice_kind(m: &Received) -> &'static str {
    if m.text.contains("http://civicdesk.test/s/") {
        "survey"
    } else if m.text.contains("http://civicdesk.test/track/") {
        "receipt"
    } else if m.text.contains("처리했습니다 (답변") {
        "resolution"
    } else {
        "other"
    }
}

/// Emails still to be sent now (reminders are due days later).
async fn unsent(http: &Client, base: &str) -> Vec<Value> {
    let (s, list) = crate::helpers::read(
        http.get(format!("{base}/api/v1/outbox?status=pending"))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] != "survey_reminder")
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_postgres_keep_every_case_and_write_one_survey_each_when_one_is_killed() {
    // An empty database, as a first `docker compose up` has: the three
    // instances migrate at the same moment, one at a time under a lock.
    let Some((db_url, _)) = new_database(Backend::Postgres, false).await else {
        return;
    };
    let smtp = SmtpServer::start();
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    // Every resolved case is in the sample, so every citizen is owed one survey email.
    let vars = [
        ("CIVICDESK_SMTP_URL", smtp_url.as_str()),
        ("CIVICDESK_SURVEY_SAMPLE_RATE", "1"),
    ];
    // All three at once, as `docker compose up --scale civicdesk=3` starts them.
    let mut instances = Vec::new();
    let mut logs = Vec::new();
    for _ in 0..3 {
        let (i, lines) = Instance::spawn(&db_url, &vars);
        instances.push(i);
        logs.push(lines);
    }
    for lines in &logs {
        wait_for_line(lines, "listening on", 1).await;
    }

    let load = Arc::new(Load {
        http: http(),
        bases: instances.iter().map(|i| i.base.clone()).collect(),
        alive: (0..3).map(|_| AtomicBool::new(true)).collect(),
        in_flight: (0..3).map(|_| AtomicUsize::new(0)).collect(),
        next: AtomicUsize::new(0),
        received: AtomicUsize::new(0),
        lost: Mutex::new(Vec::new()),
        filed: Mutex::new(Vec::new()),
    });
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let load = load.clone();
            tokio::spawn(async move {
                loop {
                    let n = load.next.fetch_add(1, Ordering::SeqCst);
                    if n >= CASES {
                        return;
                    }
                    load.one_case(n).await;
                }
            })
        })
        .collect();

    // Midway, with requests to it in flight, one instance dies.
    let deadline = Instant::now() + Duration::from_secs(120);
    while load.received.load(Ordering::SeqCst) < CASES / 2 || load.in_flight[VICTIM].load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "the load did not get halfway");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let in_flight_at_kill = load.in_flight[VICTIM].load(Ordering::SeqCst);
    instances[VICTIM].kill();
    let killed_at = Instant::now();
    load.alive[VICTIM].store(false, Ordering::SeqCst);
    for c in clients {
        c.await.expect("a client failed");
    }
    let load_secs = started.elapsed().as_secs_f64();

    // Only the killed instance left requests unanswered, and it did leave some.
    let lost = load.lost.lock().unwrap().clone();
    assert!(
        lost.iter().all(|(i, _)| *i == VICTIM),
        "a surviving instance did not answer: {lost:?}"
    );
    assert!(!lost.is_empty(), "no request was in flight at the kill");

    let http = http();
    let survivors: Vec<&Instance> = instances
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != VICTIM)
        .map(|(_, x)| x)
        .collect();
    let filed = load.filed.lock().unwrap().clone();
    assert_eq!(filed.len(), CASES);

    // Every acknowledged case is there, read through either survivor, resolved.
    for (k, f) in filed.iter().enumerate() {
        let (s, case) = survivors[k % 2]
            .admin_json(&http, Method::GET, &format!("/api/v1/cases/{}", f.id), None)
            .await;
        assert_eq!(s, 200, "case {} ({}) is lost: {case}", f.n, f.receipt_no);
        assert_eq!(case["receipt_no"], f.receipt_no.as_str());
        assert_eq!(case["title"], format!("여러 서버 민원 {}", f.n));
        assert_eq!(case["status"], "resolved", "case {}", f.n);
    }
    // No retry made a second case, and receipt numbers are unique and readable.
    let listed = all_cases(&http, &survivors[0].base).await;
    let ids: HashSet<&str> = listed.iter().map(|(id, _)| id.as_str()).collect();
    let want: HashSet<&str> = filed.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, want, "the cases stored are exactly the cases acknowledged");
    assert_eq!(listed.len(), CASES);
    let receipts: HashSet<&str> = listed.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(receipts.len(), CASES, "a receipt number was given twice");
    for r in &receipts {
        let (year, no) = r.split_once('-').unwrap_or(("", ""));
        assert!(
            year.len() == 4 && no.len() == 6 && (year.to_string() + no).bytes().all(|b| b.is_ascii_digit()),
            "{r}"
        );
    }

    // The outbox drains: what the killed instance had taken is sent by
    // another once its lease runs out.
    let drain_deadline = killed_at + Duration::from_secs(240);
    let mut waiting = unsent(&http, &survivors[0].base).await;
    while !waiting.is_empty() {
        assert!(Instant::now() < drain_deadline, "the outbox did not drain: {waiting:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        waiting = unsent(&http, &survivors[1].base).await;
    }
    let drained_secs = killed_at.elapsed().as_secs_f64();
    // A last pass of every worker, to let any second copy arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mails = smtp.mails();
    // Each notice was written once: one email (one Message-ID) of each kind to each citizen.
    for f in &filed {
        let to = citizen(f.n);
        let mut kinds: HashMap<&str, HashSet<&str>> = HashMap::new();
        for m in mails.iter().filter(|m| m.to == [to.as_str()]) {
            kinds.entry(notice_kind(m)).or_default().insert(m.message_id.as_str());
        }
        let counts: HashMap<&str, usize> = kinds.iter().map(|(k, ids)| (*k, ids.len())).collect();
        let want: HashMap<&str, usize> = [("receipt", 1), ("resolution", 1), ("survey", 1)].into();
        assert_eq!(counts, want, "{to} ({})", f.receipt_no);
    }
    // And delivered once, but for what the killed instance was handing to the
    // SMTP server as it died: accepted there, not yet marked sent, so sent
    // again (the same Message-ID) once its lease ran out. Each of the worker's
    // sending threads (PARALLEL_SENDS, 8) has at most one such email.
    let mut copies: HashMap<&str, Vec<&Received>> = HashMap::new();
    for m in &mails {
        copies.entry(m.message_id.as_str()).or_default().push(m);
    }
    let mut resent: Vec<&Vec<&Received>> = copies.values().filter(|c| c.len() > 1).collect();
    resent.sort_by_key(|c| c[0].at);
    let evidence: Vec<String> = resent
        .iter()
        .map(|c| {
            format!(
                "{} {} to {}: {} copies, the first {} ms before the kill, the last {:.1} s after it",
                notice_kind(c[0]),
                c[0].message_id,
                c[0].to.join(","),
                c.len(),
                killed_at.saturating_duration_since(c[0].at).as_millis(),
                c[c.len() - 1].at.saturating_duration_since(killed_at).as_secs_f64()
            )
        })
        .collect();
    // The first copy went out as the instance died (the last bytes may be
    // read just after), the second after a lease ran out, not in a race.
    let in_hand = resent.iter().all(|c| {
        c.len() == 2 && c[0].at <= killed_at + Duration::from_secs(1) && c[1].at >= c[0].at + Duration::from_secs(60)
    });
    assert!(
        in_hand && resent.len() <= 8,
        "emails delivered more than once: {evidence:#?}"
    );
    // One survey per case: one reminder each, waiting for its day.
    let (s, pending) = survivors[0]
        .admin_json(&http, Method::GET, "/api/v1/outbox?status=pending", None)
        .await;
    assert_eq!(s, 200);
    let reminders = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "survey_reminder")
        .count();
    assert_eq!(reminders, CASES);
    eprintln!(
        "three instances: {CASES} cases in {load_secs:.1} s; {in_flight_at_kill} in flight to the killed one, \
         {} requests unanswered; outbox drained {drained_secs:.1} s after the kill; {} emails, sent again: {evidence:#?}",
        lost.len(),
        mails.len()
    );
}

// ---------------------------------------------------------------------------
// Two instances: a change through one is used by the other at once.

/// A visit taken through `via` (an operator may date it): the intake's answer.
async fn visit(via: &Instance, http: &Client, title: &str, category: Option<&str>, received_at: &str) -> (u16, Value) {
    let mut b = grievance(title);
    if let Some(c) = category {
        b["category"] = json!(c);
    }
    b["channel"] = json!("visit");
    b["received_at"] = json!(received_at);
    via.admin_json(http, Method::POST, "/api/v1/cases", Some(&b)).await
}

/// The due date of a streetlight case received on Friday 20 Nov 2026, 17:00, through `via`.
async fn streetlight_due(via: &Instance, http: &Client) -> Value {
    let (s, case) = visit(
        via,
        http,
        "가로등이 꺼졌어요",
        Some("streetlight"),
        "2026-11-20T17:00:00+09:00",
    )
    .await;
    assert_eq!(s, 201, "{case}");
    case["due_at"].clone()
}

/// The team a case about a manhole is routed to through `via`.
async fn manhole_team(via: &Instance, http: &Client) -> Value {
    let (s, case) = visit(via, http, "맨홀 뚜껑이 흔들려요", None, "2026-11-17T10:00:00+09:00").await;
    assert_eq!(s, 201, "{case}");
    case["team"]["id"].clone()
}

/// Whether the public Open311 service list of `via` offers a category.
async fn offered(via: &Instance, http: &Client, code: &str) -> bool {
    let list: Value = http
        .get(format!("{}/open311/v2/services.json", via.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.as_array().unwrap().iter().any(|s| s["service_code"] == code)
}

on_both_backends! {
    async fn a_change_through_one_instance_is_used_by_the_other_for_the_next_request(backend) {
        let Some((db_url, sqlite_file)) = new_database(backend, true).await else { return };
        // A first, so that it alone creates a fresh SQLite file; then B on the same database.
        let a = Instance::start(&db_url, &[]).await;
        let b = Instance::start(&db_url, &[]).await;
        let http = http();

        // Holidays. B has used the calendar before the change: a cache would be warm.
        // Streetlight: 3 days (24 working hours) from Friday 17:00 → Wednesday 25 Nov 17:00.
        assert_eq!(streetlight_due(&b, &http).await, "2026-11-25T17:00:00+09:00");
        let (s, h) = a.admin_json(&http, Method::POST, "/api/v1/holidays", Some(&json!({"date": "2026-11-24", "name": "임시공휴일"}))).await;
        assert_eq!(s, 201, "{h}");
        assert_eq!(streetlight_due(&b, &http).await, "2026-11-26T17:00:00+09:00", "B counted a holiday A declared");
        let (s, h) = a.admin_json(&http, Method::DELETE, "/api/v1/holidays/2026-11-24", None).await;
        assert_eq!(s, 200, "{h}");
        assert_eq!(streetlight_due(&b, &http).await, "2026-11-25T17:00:00+09:00", "B works a day A gave back");

        // Categories (and the team one is made for). B refuses the code until A adds it.
        let (s, refused) = visit(&b, &http, "나무가 쓰러졌어요", Some("fallen-tree"), "2026-11-17T16:30:00+09:00").await;
        assert_eq!(s, 422, "{refused}");
        assert!(!offered(&b, &http, "fallen-tree").await);
        let (s, parks) = a.admin_json(&http, Method::POST, "/api/v1/teams", Some(&json!({"name": "공원녹지과 (Parks)"}))).await;
        assert_eq!(s, 201, "{parks}");
        let (s, cat) = a.admin_json(&http, Method::POST, "/api/v1/categories", Some(&json!({
            "code": "fallen-tree", "name": "쓰러진 나무", "name_en": "Fallen tree", "kind": "grievance",
            "default_team_id": parks["id"], "deadline": {"amount": 4, "unit": "hours"}, "keywords": ["쓰러진가로수"]
        }))).await;
        assert_eq!(s, 201, "{cat}");
        let cat_path = format!("/api/v1/categories/{}", cat["id"].as_str().unwrap());
        let (s, case) = visit(&b, &http, "나무가 쓰러졌어요", Some("fallen-tree"), "2026-11-17T16:30:00+09:00").await;
        assert_eq!(s, 201, "B takes a category A added: {case}");
        assert_eq!(case["team"]["id"], parks["id"]);
        assert_eq!(case["team"]["name"], "공원녹지과 (Parks)");
        // 16:30 + 4 working hours: 1.5 h that Tuesday, 2.5 h Wednesday from 09:00.
        assert_eq!(case["due_at"], "2026-11-18T11:30:00+09:00");
        assert!(offered(&b, &http, "fallen-tree").await, "B's public service list offers it");
        let (s, case) = visit(&b, &http, "쓰러진가로수 신고", None, "2026-11-17T16:30:00+09:00").await;
        assert_eq!((s, &case["category"]["code"]), (201, &json!("fallen-tree")), "B classifies by A's keywords: {case}");

        let (s, changed) = a.admin_json(&http, Method::PATCH, &cat_path, Some(&json!({"deadline": {"amount": 1, "unit": "hours"}}))).await;
        assert_eq!(s, 200, "{changed}");
        let (s, case) = visit(&b, &http, "나무가 쓰러졌어요", Some("fallen-tree"), "2026-11-17T16:30:00+09:00").await;
        assert_eq!(s, 201, "{case}");
        assert_eq!(case["due_at"], "2026-11-17T17:30:00+09:00", "B uses the deadline A set");

        let (s, gone) = a.admin_json(&http, Method::DELETE, &cat_path, None).await;
        assert_eq!(s, 200, "{gone}");
        let (s, refused) = visit(&b, &http, "나무가 쓰러졌어요", Some("fallen-tree"), "2026-11-17T16:30:00+09:00").await;
        assert_eq!(s, 422, "B refuses a category A deactivated: {refused}");
        assert!(!offered(&b, &http, "fallen-tree").await, "and no longer offers it");

        // Routing rules. Without a rule, a manhole goes where the catalog sends it.
        let before = manhole_team(&b, &http).await;
        let welfare = a.admin_json(&http, Method::GET, "/api/v1/teams", None).await.1["items"].as_array().unwrap()
            .iter().find(|t| t["name"].as_str().unwrap().contains("Welfare")).unwrap()["id"].clone();
        let environment = a.admin_json(&http, Method::GET, "/api/v1/teams", None).await.1["items"].as_array().unwrap()
            .iter().find(|t| t["name"].as_str().unwrap().contains("Environment")).unwrap()["id"].clone();
        assert!(before != welfare && before != environment, "{before}");
        let (s, rule) = a.admin_json(&http, Method::POST, "/api/v1/routing-rules", Some(&json!({"position": 1, "keywords": ["맨홀"], "team_id": welfare}))).await;
        assert_eq!(s, 201, "{rule}");
        let rule_path = format!("/api/v1/routing-rules/{}", rule["id"].as_str().unwrap());
        assert_eq!(manhole_team(&b, &http).await, welfare, "B routes by a rule A added");
        let (s, r) = a.admin_json(&http, Method::PATCH, &rule_path, Some(&json!({"team_id": environment}))).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(manhole_team(&b, &http).await, environment, "B routes by the rule as A changed it");
        let (s, r) = a.admin_json(&http, Method::DELETE, &rule_path, None).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(manhole_team(&b, &http).await, before, "B stops using a rule A deactivated");

        drop((a, b));
        if let Some(f) = sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}
