//! The `civicdesk` binary as a user runs it: settings checked at start, the
//! first admin printed once, the subcommands.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn civicdesk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_civicdesk"));
    c.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    c
}

fn temp_db() -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("civicdesk-bin-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    (format!("sqlite://{}/civicdesk.db", dir.display()), dir)
}

#[test]
fn a_bad_variable_stops_the_start_with_one_line_and_exit_code_2() {
    for (var, value) in [
        ("CIVICDESK_TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://db"),
        ("CIVICDESK_SURVEY_SAMPLE_RATE", "2"),
    ] {
        let out = civicdesk().env(var, value).arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(var), "{err}");
    }
}

/// Starts `serve`, waits for the "listening" log line, returns what it printed, stops it.
fn serve_once(db: &str) -> String {
    let mut child = civicdesk()
        .env("DATABASE_URL", db)
        .env("CIVICDESK_BIND", "127.0.0.1:0")
        .env(
            "CIVICDESK_OUTBOX_DIR",
            std::env::temp_dir().join("civicdesk-bin-outbox"),
        )
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx2.send(line);
        }
    });
    let mut seen = String::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("listening on") {
            break;
        }
    }
    // The credentials go to stdout, the log to stderr: let both pipes drain.
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
        seen.push_str(&line);
        seen.push('\n');
    }
    let _ = child.kill();
    let _ = child.wait();
    seen
}

#[test]
fn the_first_start_prints_the_admin_once_and_the_token_works_from_the_cli() {
    let (db, dir) = temp_db();
    let first = serve_once(&db);
    assert!(first.contains("listening on"), "{first}");
    assert!(first.contains("email:    admin@civicdesk.local"), "{first}");
    assert!(first.contains("password: "), "{first}");
    assert!(first.contains("token:    cd_"), "{first}");

    let second = serve_once(&db);
    assert!(second.contains("listening on"), "{second}");
    assert!(
        !second.contains("password:"),
        "credentials are shown only once: {second}"
    );

    let out = civicdesk()
        .env("DATABASE_URL", &db)
        .args([
            "token",
            "create",
            "--operator",
            "admin@civicdesk.local",
            "--name",
            "cli",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).trim().starts_with("cd_"));

    let out = civicdesk()
        .env("DATABASE_URL", &db)
        .args([
            "operator",
            "create",
            "--email",
            "kim@city.example",
            "--name",
            "Kim",
            "--role",
            "agent",
            "--team",
            "도로관리과 (Roads)",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("password: "));
    let out = civicdesk()
        .env("DATABASE_URL", &db)
        .args(["operator", "create", "--email", "kim@city.example", "--name", "Kim"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a duplicate email is refused");
    let _ = std::fs::remove_dir_all(dir);
}
