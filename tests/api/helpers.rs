//! `spawn_app`: the real server on a random port over a fresh database of
//! either backend, and a client to talk to it.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;

use civicdesk::config::Settings;
use civicdesk::startup::Application;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

/// The admin token every test app is bootstrapped with.
pub const ADMIN_TOKEN: &str = "cd_test_admin_token_0123456789abcdef";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh database in the throwaway cluster.
    Postgres,
}

/// A running app.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The client.
    pub client: reqwest::Client,
    /// The database URL.
    pub db_url: String,
    /// Where `.eml` files go when no SMTP server is configured.
    pub outbox_dir: PathBuf,
    handle: actix_web::dev::ServerHandle,
    worker_stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    sqlite_file: Option<PathBuf>,
    vars: HashMap<String, String>,
}

/// Starts the app; `None` for PostgreSQL when it is not installed (outside CI).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// A new database of the backend: its URL and, for SQLite, its file. With
/// `migrated` false a PostgreSQL database is empty (a SQLite file always is).
/// `None` for PostgreSQL when it is not installed (outside CI).
pub async fn new_database(backend: Backend, migrated: bool) -> Option<(String, Option<PathBuf>)> {
    match backend {
        Backend::Sqlite => {
            let file = std::env::temp_dir().join(format!("civicdesk-test-{}.db", uuid::Uuid::now_v7().simple()));
            Some((format!("sqlite://{}", file.display()), Some(file)))
        }
        Backend::Postgres => {
            let cluster = tokio::task::spawn_blocking(crate::pg::cluster).await.ok()??;
            let url = tokio::task::spawn_blocking(move || {
                if migrated {
                    cluster.fresh_database()
                } else {
                    cluster.empty_database()
                }
            })
            .await
            .ok()?;
            Some((url, None))
        }
    }
}

/// Starts the app with extra environment settings.
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
    let (db_url, sqlite_file) = new_database(backend, true).await?;
    Some(spawn_app_on(db_url, sqlite_file, extra).await)
}

/// Starts the app on a database that already exists.
pub async fn spawn_app_on(db_url: String, sqlite_file: Option<PathBuf>, extra: &[(&str, &str)]) -> TestApp {
    let outbox_dir = std::env::temp_dir().join(format!("civicdesk-test-outbox-{}", uuid::Uuid::now_v7().simple()));
    let outbox = outbox_dir.display().to_string();
    let mut vars: HashMap<String, String> = [
        ("CIVICDESK_OUTBOX_DIR", outbox.as_str()),
        ("DATABASE_URL", db_url.as_str()),
        ("CIVICDESK_BIND", "127.0.0.1:0"),
        ("CIVICDESK_ADMIN_TOKEN", ADMIN_TOKEN),
        ("CIVICDESK_DB_POOL_SIZE", "3"),
        ("CIVICDESK_PUBLIC_URL", "http://civicdesk.test"),
        // Tests record cases on fixed dates (Chuseok 2025, November 2026) that
        // drift past the default bound of a year; the bound has its own test.
        ("CIVICDESK_BACKDATE_DAYS", "3660"),
        // Tests that are not about the rate limit send many public requests.
        ("CIVICDESK_RATE_LIMIT", "0"),
        // Tests that are not about surveys expect none; survey tests set 1.
        ("CIVICDESK_SURVEY_SAMPLE_RATE", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    start(vars, db_url, outbox_dir, sqlite_file).await
}

/// Builds and runs the app over settings from `vars`.
async fn start(
    vars: HashMap<String, String>,
    db_url: String,
    outbox_dir: PathBuf,
    sqlite_file: Option<PathBuf>,
) -> TestApp {
    let settings = Settings::from_vars(&vars).expect("test settings");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = Application::build_with_listener(settings, listener, Some(1))
        .await
        .expect("app builds");
    let handle = app.handle();
    let worker_stop = app.worker_stop();
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
        db_url,
        outbox_dir,
        handle,
        worker_stop,
        sqlite_file,
        vars,
    }
}

impl TestApp {
    /// Stops the server and removes its SQLite file.
    pub async fn stop(self) {
        self.worker_stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.stop(false).await;
        let _ = std::fs::remove_dir_all(&self.outbox_dir);
        if let Some(f) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }

    /// Stops the server and starts a new one on the same database, as an
    /// upgrade or a restart would.
    pub async fn restarted(&self) -> TestApp {
        self.worker_stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.stop(false).await;
        start(
            self.vars.clone(),
            self.db_url.clone(),
            self.outbox_dir.clone(),
            self.sqlite_file.clone(),
        )
        .await
    }

    /// Runs SQL on the app's database, to set up what the API cannot (let time pass).
    pub async fn sql(&self, statement: impl Into<String>) {
        use diesel::RunQueryDsl;
        let url = civicdesk::db::DatabaseUrl::parse(&self.db_url).unwrap();
        let statement = statement.into();
        tokio::task::spawn_blocking(move || {
            let mut c = civicdesk::db::establish(&url).unwrap();
            diesel::sql_query(&statement).execute(&mut c).unwrap();
        })
        .await
        .unwrap();
    }

    /// A request to a path of the app.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// A request as the bootstrap admin.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(ADMIN_TOKEN)
    }

    /// POSTs JSON without credentials.
    pub async fn post_public(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Sends JSON as the admin and returns status and body.
    pub async fn admin_json(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut r = self.admin(method, path);
        if let Some(b) = body {
            r = r.json(b);
        }
        read(r.send().await.expect("request")).await
    }

    /// The id of the seeded team whose name contains `part`.
    pub async fn team_id(&self, part: &str) -> String {
        let (_, teams) = self.admin_json(Method::GET, "/api/v1/teams", None).await;
        teams["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"].as_str().unwrap().contains(part))
            .unwrap_or_else(|| panic!("no team like {part}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates an operator with a token; returns (operator id, token).
    pub async fn operator(&self, role: &str, team_ids: &[&str]) -> (String, String) {
        let email = format!("{}@city.example", uuid::Uuid::now_v7().simple());
        let (status, op) = self
            .admin_json(
                Method::POST,
                "/api/v1/operators",
                Some(
                    &serde_json::json!({"email": email, "name": "Test Operator", "role": role,
                    "team_ids": team_ids, "password": "a long enough password"}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{op}");
        let id = op["id"].as_str().unwrap().to_string();
        let (status, tok) = self
            .admin_json(
                Method::POST,
                "/api/v1/tokens",
                Some(&serde_json::json!({"operator_id": id, "name": "test"})),
            )
            .await;
        assert_eq!(status, 201, "{tok}");
        (id, tok["token"].as_str().unwrap().to_string())
    }
}

/// A response's status and JSON body (`Null` when not JSON).
pub async fn read(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body = r.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Asserts a problem+json response with this status, and returns its body.
pub async fn problem(r: Response, status: u16) -> Value {
    assert_eq!(r.status().as_u16(), status, "status");
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(ct.starts_with("application/problem+json"), "content type {ct}");
    let body: Value = r.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    for k in ["type", "title", "detail"] {
        assert!(body[k].is_string(), "{k} missing in {body}");
    }
    body
}

/// The fields a 422 names, in order.
pub fn field_names(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A minimal valid grievance.
pub fn grievance(title: &str) -> Value {
    serde_json::json!({
        "kind": "grievance",
        "title": title,
        "description": "자세한 내용입니다.",
        "citizen": {"name": "김민원", "email": "citizen@example.org"}
    })
}

/// Runs each test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: &$crate::helpers::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.expect("sqlite app");
                    run(&app).await;
                    app.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                        run(&app).await;
                        app.stop().await;
                    }
                }
            }
        )*
    };
}

/// Runs each test body on SQLite and on PostgreSQL; the body starts its own
/// app (with its own settings) from the backend it is given.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($backend:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($backend: $crate::helpers::Backend) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::helpers::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// Runs the `civicdesk` binary on `db_url` with `vars`, collecting every line
/// it prints; returns its base URL, the child and the lines.
pub fn serve_binary(
    db_url: &str,
    vars: &[(&str, String)],
) -> (
    String,
    std::process::Child,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    use std::io::BufRead;
    let port = crate::smtp::free_port();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_civicdesk"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("CIVICDESK_BIND", format!("127.0.0.1:{port}"))
        .env("CIVICDESK_ADMIN_TOKEN", crate::helpers::ADMIN_TOKEN)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let readers: Vec<Box<dyn std::io::Read + Send>> = vec![
        Box::new(child.stdout.take().unwrap()),
        Box::new(child.stderr.take().unwrap()),
    ];
    for r in readers {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(r).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
    }
    (format!("http://127.0.0.1:{port}"), child, lines)
}

pub async fn wait_for_line(lines: &std::sync::Mutex<Vec<String>>, part: &str, n: usize) {
    for _ in 0..300 {
        if lines.lock().unwrap().iter().filter(|l| l.contains(part)).count() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no {n} lines with {part:?}: {:?}", lines.lock().unwrap());
}

/// Today in Seoul, the zone of every test deployment.
pub fn seoul_today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive()
}

/// The business calendar as the test sees it: weekends and the holidays the
/// app lists, counted here on their own so that a test can check the app's
/// figures on whatever day it runs.
pub struct BusinessDays(std::collections::HashSet<chrono::NaiveDate>);

impl BusinessDays {
    /// The app's active holidays of the year before today to the year after.
    pub async fn of(app: &TestApp) -> BusinessDays {
        use chrono::Datelike;
        let mut days = std::collections::HashSet::new();
        let year = seoul_today().year();
        for y in year - 1..=year + 1 {
            let (s, list) = app
                .admin_json(Method::GET, &format!("/api/v1/holidays?year={y}"), None)
                .await;
            assert_eq!(s, 200, "{list}");
            for h in list["items"].as_array().unwrap() {
                if h["active"] == true {
                    days.insert(h["date"].as_str().unwrap().parse().unwrap());
                }
            }
        }
        BusinessDays(days)
    }

    /// Whether `d` is neither a weekend day nor a holiday.
    pub fn is_business_day(&self, d: chrono::NaiveDate) -> bool {
        use chrono::Datelike;
        !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) && !self.0.contains(&d)
    }

    /// The `n`th business day before today.
    pub fn ago(&self, n: usize) -> chrono::NaiveDate {
        let mut d = seoul_today();
        for _ in 0..n {
            d = d.pred_opt().unwrap();
            while !self.is_business_day(d) {
                d = d.pred_opt().unwrap();
            }
        }
        d
    }

    /// The `n`th business day from `start`, a business day, counted as day 1.
    pub fn nth_from(&self, start: chrono::NaiveDate, n: usize) -> chrono::NaiveDate {
        assert!(self.is_business_day(start), "{start} is not a business day");
        let mut d = start;
        for _ in 1..n {
            d = d.succ_opt().unwrap();
            while !self.is_business_day(d) {
                d = d.succ_opt().unwrap();
            }
        }
        d
    }

    /// The business days from `from` to `to`, both included.
    pub fn between(&self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> i64 {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_business_day(*d))
            .count() as i64
    }
}
