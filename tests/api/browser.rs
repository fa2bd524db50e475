//! The back office in a real browser: Debian's chromium, headless, driven
//! over WebDriver by chromedriver, against the `civicdesk` binary as a user
//! starts it (on SQLite and on PostgreSQL). The first admin signs in with
//! the password the first start printed, and works a case from intake to
//! closed, a happy call and a follow-up, the scorecard and its CSV; the
//! queue's keys and quiet refresh; a forged post and repeated wrong
//! passwords are refused. Every page is checked with
//! axe-core (no serious or critical violation) and saved as a screenshot
//! under `test-output/browser/`.
//!
//! Without chromium and chromedriver these tests are skipped, unless
//! `CI=true`, where a missing browser fails them. axe-core comes from the npm
//! registry (`.ci/run` fetches it; `CIVICDESK_AXE_JS` names the file).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::helpers::{serve_binary, wait_for_line, Backend};

/// The axe-core release `.ci/run` fetches.
const AXE_VERSION: &str = "4.14.1";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (or, in CI, fails) for a missing part.
fn missing<T>(what: &str) -> Option<T> {
    if in_ci() {
        panic!("CI=true and {what} is required for the browser tests");
    }
    eprintln!("browser tests skipped: {what} is not installed");
    None
}

fn program(var: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| default.into());
    path.exists().then_some(path)
}

/// axe-core's source, to inject into each page.
fn axe_source() -> Option<String> {
    let path = std::env::var("CIVICDESK_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(format!(".cache/civicdesk/axe-core-{AXE_VERSION}/axe.min.js"))
        });
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) if in_ci() => panic!("CI=true and axe-core is required: {} is missing", path.display()),
        Err(_) => {
            eprintln!("axe checks skipped: {} is missing (.ci/run fetches it)", path.display());
            None
        }
    }
}

/// chromedriver on a free loopback port; stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
    chromium: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A failed test never closes its session: chromium would outlive its driver.
        let _ = Command::new("pkill").arg("-f").arg(&self.profile).status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The server under test, stopped when dropped (a failing test included).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn driver() -> Option<Driver> {
    let Some(chromium) = program("CIVICDESK_CHROMIUM", "/usr/bin/chromium") else {
        return missing("chromium");
    };
    let Some(chromedriver) = program("CIVICDESK_CHROMEDRIVER", "/usr/bin/chromedriver") else {
        return missing("chromedriver");
    };
    let port = crate::smtp::free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = std::env::temp_dir().join(format!("civicdesk-chromium-{}", uuid::Uuid::now_v7().simple()));
    let d = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile,
        chromium,
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("{}/status", d.url)).send().await {
            if r.status().is_success() {
                return Some(d);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer on {}", d.url);
}

async fn browser(d: &Driver) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": d.chromium,
            // The flags that keep chromium from calling home on a closed
            // network; no sandbox because CI runs as root.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-quic", "--no-first-run", "--window-size=1280,1000",
                     format!("--user-data-dir={}", d.profile.display())],
        }
    });
    let Value::Object(caps) = caps else { unreachable!() };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&d.url)
        .await
        .expect("a WebDriver session")
}

/// One walk through the office: the browser, where screenshots go, axe.
struct Walk {
    c: Client,
    base: String,
    shots: PathBuf,
    shot: usize,
    axe: Option<String>,
}

impl Walk {
    async fn open(&mut self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.expect(path);
        // chromedriver has been seen to answer the navigation while the new
        // document was still empty (once in a CI run): wait for the page itself.
        if !self
            .until("document.readyState === 'complete' && document.body && document.body.childElementCount > 0")
            .await
        {
            panic!("{path} did not load");
        }
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => panic!("{css}: {e} on {}", self.path().await),
        }
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks a link or a submit button and waits for the page it leads to
    /// (a new document, loaded), so the next step never meets the old page.
    async fn click_to_page(&self, css: &str) {
        self.c
            .execute("window.__before_submit = true; return true;", vec![])
            .await
            .unwrap();
        self.click(css).await;
        if !self
            .until("!window.__before_submit && document.readyState === 'complete'")
            .await
        {
            panic!("no page after submitting {css} on {}", self.path().await);
        }
    }

    /// Whether a JavaScript condition on the page holds within ten seconds
    /// (asked again and again; a page being replaced answers nothing meanwhile).
    async fn until(&self, condition: &str) -> bool {
        let script = format!("return !!({condition});");
        for _ in 0..200 {
            if matches!(self.c.execute(&script, vec![]).await, Ok(Value::Bool(true))) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Opens the `<details>` whose form posts to `action`, fills it with the
    /// given fields and submits it.
    async fn act(&self, action: &str, fields: &[(&str, &str)]) {
        let form = format!("form[action$='/{action}']");
        // An action's form may sit in a closed <details>: open it as a user would.
        self.c
            .execute(
                "const f = document.querySelector(arguments[0]); const d = f && f.closest('details'); if (d && !d.open) d.querySelector('summary').click(); return !!f;",
                vec![json!(form)],
            )
            .await
            .unwrap();
        for (name, value) in fields {
            let css = format!("{form} [name='{name}']");
            let e = self.find(&css).await;
            if e.tag_name().await.unwrap() == "select" {
                e.select_by_value(value)
                    .await
                    .unwrap_or_else(|err| panic!("{css} = {value}: {err}"));
            } else {
                e.send_keys(value).await.unwrap();
            }
        }
        self.click_to_page(&format!("{form} button[type='submit']")).await;
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    async fn source(&self) -> String {
        self.c.source().await.unwrap()
    }

    async fn path(&self) -> String {
        let url = self.c.current_url().await.unwrap();
        url.path().to_string() + url.query().map(|q| format!("?{q}")).as_deref().unwrap_or("")
    }

    /// Saves a screenshot of the page and checks it with axe-core.
    async fn check(&mut self, name: &str) {
        self.shot += 1;
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.shot)), png).unwrap();
        let found = self.violations().await;
        assert_eq!(found, json!([]), "axe-core on {name} ({})", self.path().await);
    }

    /// Proves the check can fail here: a field without a label added to the
    /// page is a critical violation to axe-core.
    async fn axe_catches_an_unlabelled_field(&self) {
        if self.axe.is_none() {
            return;
        }
        self.c
            .execute(
                "const i = document.createElement('input'); i.id = 'unlabelled'; document.querySelector('main').appendChild(i); return true;",
                vec![],
            )
            .await
            .unwrap();
        let found = self.violations().await;
        assert!(
            found.as_array().is_some_and(|v| v.iter().any(|x| x["id"] == "label")),
            "axe-core misses an unlabelled field: {found}"
        );
        self.c.refresh().await.unwrap();
    }

    /// axe-core's serious and critical violations on the page (none without axe-core).
    async fn violations(&self) -> Value {
        let Some(axe) = &self.axe else { return json!([]) };
        self.c
            .execute(&format!("{axe}\n;return true;"), vec![])
            .await
            .expect("axe-core loads");
        self.c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                   .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))
                   .catch(e => done([{id: 'axe failed', help: String(e)}]));",
                vec![],
            )
            .await
            .expect("axe-core runs")
    }
}

/// Waits until the page and its deferred script have loaded.
async fn loaded(w: &Walk) {
    if !w.until("document.readyState === 'complete'").await {
        panic!("the page did not load: {}", w.path().await);
    }
}

/// Presses keys where the keyboard focus is.
async fn press(w: &Walk, keys: &str) {
    w.c.active_element().await.unwrap().send_keys(keys).await.unwrap();
}

async fn eval(w: &Walk, script: &str) -> Value {
    w.c.execute(script, vec![]).await.unwrap()
}

/// The queue page's keys (j/k, /, n/p, r, Enter) and its quiet refresh,
/// which keeps the scroll position and the marked case.
async fn queue_keys(w: &Walk, http: &reqwest::Client, base: &str) {
    assert_eq!(
        eval(w, "return document.getElementById('queue-keys').hidden;").await,
        false,
        "the hint shows with JavaScript"
    );
    // The keys can be turned off, and on again (kept in the browser).
    w.click("#pref-keys").await;
    eval(w, "document.activeElement.blur(); return true;").await;
    press(w, "j").await;
    assert_eq!(
        eval(w, "return [document.querySelectorAll('#queue-rows tr.is-focused').length, document.getElementById('queue-keys').hidden];").await,
        json!([0, true]),
        "with the keys off, j marks nothing and the hint is gone"
    );
    w.click("#pref-keys").await;
    eval(w, "document.activeElement.blur(); return true;").await;
    press(w, "/").await;
    assert_eq!(
        eval(w, "return document.activeElement.id;").await,
        "f-q",
        "/ goes to the search box"
    );
    press(w, &fantoccini::key::Key::Escape).await;
    press(w, "jj").await;
    let marked = eval(w, "const r = document.querySelectorAll('#queue-rows tr[data-case]'); return [r[1].dataset.case, r[1].classList.contains('is-focused'), document.activeElement.closest('tr').dataset.case];").await;
    assert_eq!(marked[1], true, "j marks the second row: {marked}");
    assert_eq!(marked[0], marked[2], "the focus is on the marked row: {marked}");
    let case = marked[0].as_str().unwrap().to_string();

    // A case filed meanwhile shows up without a reload; the page stays where it was.
    eval(
        w,
        "window.scrollTo(0, 400); window.__same_document = true; return true;",
    )
    .await;
    let r = http
        .post(format!("{base}/api/v1/cases"))
        .json(
            &json!({"kind": "grievance", "title": "방금 들어온 민원", "description": "새로 고침 확인",
                      "citizen": {"name": "최민원", "phone": "010-4444-5555"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    press(w, "r").await;
    assert!(
        w.until("document.getElementById('queue-rows').textContent.includes('방금 들어온 민원')")
            .await,
        "the refreshed rows hold the new case"
    );
    let after = eval(w, "return [window.__same_document === true, window.scrollY, document.querySelector('#queue-rows tr.is-focused').dataset.case];").await;
    assert_eq!(
        after,
        json!([true, 400, case]),
        "no reload, the same scroll, the same marked case"
    );

    press(w, "n").await;
    w.find("a[rel='prev']").await;
    loaded(w).await;
    assert!(
        w.path().await.contains("after="),
        "n goes to the next page: {}",
        w.path().await
    );
    press(w, "p").await;
    assert!(
        w.until("!location.search.includes('after=')").await,
        "p comes back to the first page"
    );
    w.find("#queue-rows tr[data-case]").await;
    loaded(w).await;
    press(w, "j").await;
    let first = eval(
        w,
        "return document.querySelector('#queue-rows tr.is-focused').dataset.case;",
    )
    .await;
    press(w, &fantoccini::key::Key::Enter).await;
    w.find(".case-head").await;
    assert_eq!(
        w.path().await,
        format!("/office/cases/{}", first.as_str().unwrap()),
        "Enter opens the marked case"
    );
}

/// The first start's printed credentials: (email, password).
fn credentials(lines: &[String]) -> (String, String) {
    let value = |label: &str| {
        lines
            .iter()
            .find_map(|l| l.trim().strip_prefix(label).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("no {label} in {lines:?}"))
    };
    (value("email:"), value("password:"))
}

async fn walk(backend: Backend) {
    let Some(d) = driver().await else { return };
    let db_url = match backend {
        Backend::Sqlite => {
            let file = std::env::temp_dir().join(format!("civicdesk-browser-{}.db", uuid::Uuid::now_v7().simple()));
            format!("sqlite://{}", file.display())
        }
        Backend::Postgres => {
            let Some(cluster) = tokio::task::spawn_blocking(crate::pg::cluster).await.unwrap() else {
                return;
            };
            tokio::task::spawn_blocking(|| cluster.empty_database()).await.unwrap()
        }
    };
    let outbox = std::env::temp_dir().join(format!("civicdesk-browser-outbox-{}", uuid::Uuid::now_v7().simple()));
    let (base, server, lines) = serve_binary(
        &db_url,
        &[
            ("CIVICDESK_OUTBOX_DIR", outbox.display().to_string()),
            ("CIVICDESK_SURVEY_SAMPLE_RATE", "1".into()),
            ("CIVICDESK_RATE_LIMIT", "0".into()),
        ],
    );
    let server = Server(server);
    wait_for_line(&lines, "listening on", 1).await;
    let (email, password) = credentials(&lines.lock().unwrap());

    // A citizen files a pothole by phone only: a sampled survey of such a case is a phone call.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/api/v1/cases"))
        .json(&json!({"kind": "grievance", "title": "도로에 포트홀이 생겼어요",
                      "description": "시청 앞 도로 파손이 심합니다.",
                      "citizen": {"name": "김민원", "phone": "010-1234-5678"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let case: Value = r.json().await.unwrap();
    let id = case["id"].as_str().unwrap().to_string();
    let receipt = case["receipt_no"].as_str().unwrap().to_string();

    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-output/browser")
        .join(format!("{backend:?}").to_lowercase());
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let mut w = Walk {
        c: browser(&d).await,
        base: base.clone(),
        shots,
        shot: 0,
        axe: axe_source(),
    };

    // Any page without a session leads to the sign-in form.
    w.open("/office/cases").await;
    assert_eq!(w.path().await, "/office/login");
    w.axe_catches_an_unlabelled_field().await;
    w.check("login").await;
    w.fill("#email", &email).await;
    w.fill("#password", &password).await;
    w.click_to_page("main form button[type='submit']").await;
    assert_eq!(w.path().await, "/office/", "{}", w.source().await);
    w.check("dashboard").await;

    // The admin adds an agent to the Roads team, to assign the case to.
    w.open("/office/settings/operators").await;
    w.check("settings-operators").await;
    w.fill("#op-name", "박도로").await;
    w.fill("#op-email", "park@city.example").await;
    w.find("#op-role").await.select_by_value("agent").await.unwrap();
    w.find("#op-teams")
        .await
        .select_by_label("도로관리과 (Roads)")
        .await
        .unwrap();
    w.fill("#op-password", "a long enough password").await;
    w.click_to_page("form[action='/office/settings/operators'] button[type='submit']")
        .await;
    assert!(
        w.source().await.contains("park@city.example"),
        "the new agent is listed"
    );
    for page in [
        "/office/settings",
        "/office/settings/teams",
        "/office/settings/holidays",
        "/office/settings/categories",
        "/office/settings/rules",
        "/office/settings/tokens",
    ] {
        w.open(page).await;
        w.check(&page["/office/".len()..].replace('/', "-")).await;
    }
    // A token made in the office is shown once, on the page that made it, and works.
    w.fill("#token-name", "민원 포털").await;
    let admin = eval(&w, "return [...document.querySelectorAll('#token-operator option')].find(o => o.textContent.includes('Administrator')).value;").await;
    w.find("#token-operator")
        .await
        .select_by_value(admin.as_str().unwrap())
        .await
        .unwrap();
    w.click_to_page("form[action='/office/settings/tokens'] button[type='submit']")
        .await;
    w.check("settings-token-made").await;
    let secret = w.find("#new-token").await.prop("value").await.unwrap().unwrap();
    let r = http
        .get(format!("{base}/api/v1/teams"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the new token opens the API");
    // A category's own page, with its questions.
    w.open("/office/settings/categories").await;
    w.click_to_page("a[href^='/office/settings/categories/']").await;
    w.check("settings-category").await;

    // The queue with the keyboard: enough cases for two pages.
    for n in 0..55 {
        let r = http
            .post(format!("{base}/api/v1/cases"))
            .json(
                &json!({"kind": "grievance", "title": format!("가로등 고장 {n}"), "description": "불이 꺼져 있습니다.",
                          "citizen": {"name": "이민원", "phone": "010-2222-3333"}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    w.open("/office/cases?sort=received").await;
    w.check("queue").await;
    queue_keys(&w, &http, &base).await;

    // Triage: a search of the queue finds the pothole; its page offers the actions.
    w.open("/office/cases?status=open&q=%ED%8F%AC%ED%8A%B8%ED%99%80").await;
    w.click_to_page(&format!("a[href='/office/cases/{id}']")).await;
    assert_eq!(w.path().await, format!("/office/cases/{id}"));
    assert!(w.text("h1").await.contains(&receipt));
    assert!(
        w.source().await.contains("010-1234-5678"),
        "an admin sees the citizen's phone"
    );
    w.check("case-new").await;

    let agent = w
        .c
        .execute(
            "return [...document.querySelectorAll('#assignee option')].find(o => o.textContent.includes('박도로')).value;",
            vec![],
        )
        .await
        .unwrap();
    w.act("assign", &[("assignee_id", agent.as_str().unwrap())]).await;
    assert!(w.text(".message").await.len() > 1, "a message says what was done");
    assert!(w.source().await.contains("박도로"));

    let welfare = w
        .c
        .execute(
            "return [...document.querySelectorAll('#team option')].find(o => o.textContent.includes('Environment')).value;",
            vec![],
        )
        .await
        .unwrap();
    w.act(
        "transfer",
        &[
            ("team_id", welfare.as_str().unwrap()),
            ("reason", "악취 민원으로 환경위생과 소관"),
        ],
    )
    .await;
    assert!(
        w.text(".head-facts").await.contains("환경위생과"),
        "the team in the header is the new one"
    );
    w.act("replies", &[("body", "확인 후 조치하겠습니다.")]).await;
    assert!(
        w.source().await.contains("확인 후 조치하겠습니다."),
        "the reply is on the timeline"
    );
    w.act("notes", &[("body", "현장 확인 필요")]).await;
    w.act("resolve", &[("resolution", "도로 보수를 마쳤습니다.")]).await;
    assert!(w.source().await.contains("도로 보수를 마쳤습니다."));
    w.check("case-resolved").await;

    // A forged post (the session's cookie, no CSRF token) is refused and changes nothing.
    w.c.execute(
        "const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
         const b = document.createElement('input'); b.name = 'body'; b.value = 'forged note'; f.appendChild(b);
         document.body.appendChild(f); f.submit(); return true;",
        vec![json!(format!("/office/cases/{id}/notes"))],
    )
    .await
    .unwrap();
    w.until("location.pathname.endsWith('/notes') && document.readyState === 'complete'")
        .await;
    let refused = w.source().await;
    assert!(
        refused.contains("양식이 만료되었습니다"),
        "the refusal says the form expired: {refused}"
    );
    w.open(&format!("/office/cases/{id}")).await;
    assert!(
        !w.source().await.contains("forged note"),
        "the forged note was not stored"
    );

    // The happy call: the case is on the call list; a dissatisfied answer by phone.
    w.open("/office/happy-calls").await;
    w.check("happy-calls").await;
    w.click_to_page(&format!("a[href='/office/happy-calls/{id}']")).await;
    w.check("happy-call").await;
    w.click("#process_score-2").await;
    w.click("#result_score-1").await;
    w.fill("#comment", "처리가 너무 늦었어요").await;
    w.click_to_page(&format!(
        "form[action='/office/happy-calls/{id}'] button[type='submit']"
    ))
    .await;
    assert_eq!(
        w.path().await,
        "/office/happy-calls?done=answered",
        "the answer is taken"
    );
    assert!(
        !w.source().await.contains(&format!("href=\"/office/happy-calls/{id}\"")),
        "the call is done"
    );

    // The dissatisfied answer opened a follow-up; the manager closes it.
    w.open("/office/follow-ups").await;
    w.check("follow-ups").await;
    let note = w.find("form[action$='/done'] textarea").await;
    note.send_keys("민원인께 다시 연락해 사과드리고 재보수를 약속함")
        .await
        .unwrap();
    w.click_to_page("form[action$='/done'] button[type='submit']").await;
    assert!(
        w.source().await.contains("재보수를 약속함"),
        "the follow-up shows what was done"
    );
    assert!(
        w.c.find(Locator::Css("form[action$='/done']")).await.is_err(),
        "no open follow-up left"
    );

    // The case closes.
    w.open(&format!("/office/cases/{id}")).await;
    assert!(w.source().await.contains("2/5"), "the survey answer is on the case");
    w.act("close", &[]).await;
    // The whole case page, tall enough for the timeline (the README shows it).
    w.c.set_window_size(1280, 1800).await.unwrap();
    w.check("case-closed").await;
    w.c.set_window_size(1280, 1000).await.unwrap();
    assert!(w.c.find(Locator::Css("form[action$='/close']")).await.is_err());

    // The scorecard of this month, its chart and its CSV.
    w.open("/office/scorecards").await;
    w.check("scorecards").await;
    assert!(w.source().await.contains("<svg"), "the trend is drawn");
    let href = w
        .find("a[href^='/office/scorecards.csv']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let csv =
        w.c.execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));",
            vec![json!(href)],
        )
        .await
        .unwrap();
    assert_eq!(csv[0], 200);
    assert!(csv[1].as_str().unwrap().starts_with("text/csv"), "{csv}");
    let text = csv[2].as_str().unwrap().trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let resolved = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "resolved")
        .expect("a resolved column");
    let env = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| r.iter().any(|f| f.contains("환경위생과")))
        .unwrap_or_else(|| panic!("the CSV names the team: {text}"));
    assert_eq!(&env[resolved], "1", "the CSV counts the case the team resolved: {text}");

    // Sign out: the session is over on the server.
    w.click_to_page("form[action='/office/logout'] button[type='submit']")
        .await;
    assert_eq!(w.path().await, "/office/login");
    w.open("/office/").await;
    assert_eq!(w.path().await, "/office/login");

    // Guessing: after a few wrong passwords the form answers 429 and says to wait.
    let mut throttled = false;
    for n in 0..8 {
        w.open("/office/login").await;
        w.fill("#email", &email).await;
        w.fill("#password", &format!("wrong password {n}")).await;
        w.click_to_page("main form button[type='submit']").await;
        let alert = w.text("[role='alert']").await;
        if alert.contains("로그인 시도가 너무 많습니다") || alert.contains("Too many sign-in attempts") {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "repeated wrong passwords are throttled");
    let status = reqwest::Client::new()
        .post(format!("{base}/office/login"))
        .form(&[("email", email.as_str()), ("password", "one more guess")])
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 429);
    w.check("login-throttled").await;

    w.c.close().await.unwrap();
    drop(server);
    let _ = std::fs::remove_dir_all(outbox);
    if let Some(file) = db_url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{file}{suffix}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_in_a_browser_on_sqlite() {
    walk(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_in_a_browser_on_postgres() {
    walk(Backend::Postgres).await;
}
