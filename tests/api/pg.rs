//! A throwaway PostgreSQL cluster for the test run: initdb into a temporary
//! folder, a server on a free loopback port, one template database with the
//! migrations, and a fresh database per test copied from it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use civicdesk::db::{run_migrations, Conn};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The running cluster.
pub struct Cluster {
    port: u16,
    /// Kept open for the life of the test process: its end closes the pipe,
    /// which tells the watchdog shell to stop the server and remove its files.
    _watchdog: Mutex<Child>,
    create: Mutex<()>,
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// The cluster, started on first use; `None` when PostgreSQL is not
/// installed (a failure instead when `CI=true`).
pub fn cluster() -> Option<&'static Cluster> {
    CLUSTER
        .get_or_init(|| {
            let started = start();
            match started {
                Ok(c) => Some(c),
                Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                    panic!("CI=true and PostgreSQL is required: {why}")
                }
                Err(why) => {
                    eprintln!("PostgreSQL tests are skipped: {why}");
                    None
                }
            }
        })
        .as_ref()
}

impl Cluster {
    /// The URL of a new, migrated, empty database.
    pub fn fresh_database(&self) -> String {
        let name = format!("t_{}", uuid::Uuid::now_v7().simple());
        // Copying a template needs it to have no other session: one copy at a time.
        let _turn = self.create.lock().unwrap_or_else(|p| p.into_inner());
        let mut admin = PgConnection::establish(&self.url("postgres")).expect("connect to the test cluster");
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE civicdesk_template"))
            .expect("create a test database");
        self.url(&name)
    }

    /// The URL of a new database with no tables at all (not even migrated).
    pub fn empty_database(&self) -> String {
        let name = format!("e_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::establish(&self.url("postgres")).expect("connect to the test cluster");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create an empty test database");
        self.url(&name)
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

fn bindir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("CIVICDESK_TEST_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let v: u32 = e.file_name().to_str()?.parse().ok()?;
                    let bin = e.path().join("bin");
                    bin.join("initdb").exists().then_some((v, bin))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(PathBuf::from)
        .find(|d| d.join("initdb").exists() && d.join("postgres").exists())
        .ok_or_else(|| "no initdb found (install the postgresql package)".into())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command run as the `postgres` OS user when we are root (PostgreSQL refuses root).
fn as_postgres(root: bool, program: &Path, args: &[&str]) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program).args(args);
        c
    } else {
        let mut c = Command::new(program);
        c.args(args);
        c
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start() -> Result<Cluster, String> {
    let bin = bindir()?;
    let root = is_root();
    let dir = std::env::temp_dir().join(format!("civicdesk-test-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if root {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?
            .success();
        if !ok {
            return Err("cannot give the cluster folder to the postgres user (does it exist?)".into());
        }
    }
    let data = dir.join("data");
    let data_s = data.to_string_lossy().to_string();
    let out = as_postgres(
        root,
        &bin.join("initdb"),
        &[
            "-D",
            &data_s,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
    )
    .output()
    .map_err(|e| format!("initdb did not run: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let port = free_port();
    let script = format!(
        "'{postgres}' -D '{data}' -p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 \
         >'{dir}/server.log' 2>&1 & pid=$!; read _eof; kill -INT $pid; wait $pid; rm -rf '{dir}'",
        postgres = bin.join("postgres").display(),
        data = data_s,
        dir = dir.display(),
    );
    let mut watchdog = as_postgres(root, Path::new("/bin/sh"), &["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start postgres: {e}"))?;
    let _ = watchdog.stdin.as_mut().map(|s| s.flush());

    let cluster = Cluster {
        port,
        _watchdog: Mutex::new(watchdog),
        create: Mutex::new(()),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut admin = loop {
        match PgConnection::establish(&cluster.url("postgres")) {
            Ok(c) => break c,
            Err(e) if Instant::now() > deadline => {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                return Err(format!("postgres did not accept connections: {e}\n{log}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    admin
        .batch_execute("CREATE DATABASE civicdesk_template")
        .map_err(|e| format!("cannot create the template database: {e}"))?;
    let template = PgConnection::establish(&cluster.url("civicdesk_template")).map_err(|e| e.to_string())?;
    let mut conn = Conn::Pg(template);
    run_migrations(&mut conn)?;
    drop(conn);
    Ok(cluster)
}
