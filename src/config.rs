//! Settings from the environment (and `.env`), validated once at start.

use std::collections::HashMap;
use std::net::ToSocketAddrs;
use std::path::PathBuf;

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use secrecy::SecretString;

use crate::db::DatabaseUrl;

/// Every setting the service reads, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`.
    pub database: DatabaseUrl,
    /// `CIVICDESK_DB_POOL_SIZE`: connections in the pool.
    pub pool_size: u32,
    /// `CIVICDESK_BIND`: the listen address.
    pub bind: String,
    /// `CIVICDESK_PUBLIC_URL`: the base of links in emails, without a trailing slash.
    pub public_url: String,
    /// `CIVICDESK_SMTP_URL`: unset means `.eml` files.
    pub smtp_url: Option<SecretString>,
    /// `CIVICDESK_OUTBOX_DIR`.
    pub outbox_dir: PathBuf,
    /// `CIVICDESK_MAIL_FROM`.
    pub mail_from: String,
    /// `CIVICDESK_TIMEZONE`: the business calendar's zone.
    pub timezone: Tz,
    /// `CIVICDESK_OFFICE_HOURS`: the office periods of a business day.
    pub office_hours: Vec<(NaiveTime, NaiveTime)>,
    /// `CIVICDESK_WEEKEND`: days that are never business days.
    pub weekend: Vec<Weekday>,
    /// `CIVICDESK_SURVEY_SAMPLE_RATE`.
    pub survey_sample_rate: f64,
    /// `CIVICDESK_SURVEY_TTL_DAYS`.
    pub survey_ttl_days: u32,
    /// `CIVICDESK_ADMIN_TOKEN`: the bootstrap admin's API token, if set.
    pub admin_token: Option<SecretString>,
    /// `CIVICDESK_MAIL_MAX_ATTEMPTS`: tries before an email is marked failed.
    pub mail_max_attempts: u32,
    /// `CIVICDESK_MAIL_RETRY_BASE_MS`: the first retry delay, doubled on each further try.
    pub mail_retry_base_ms: u64,
    /// `CIVICDESK_RATE_LIMIT`: public requests a minute per client address; 0 is no limit.
    pub rate_limit: u32,
    /// `CIVICDESK_TRUSTED_PROXIES`: proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `CIVICDESK_BACKDATE_DAYS`: how far back an operator may set `received_at`.
    pub backdate_days: u32,
    /// `CIVICDESK_RECEIPTS_PER_ADDRESS`: receipt emails one address gets a day from public intakes.
    pub receipts_per_address: u32,
    /// `CIVICDESK_BODY_TIMEOUT_SECS`: how long a request body may take to arrive.
    pub body_timeout_secs: u64,
    /// `CIVICDESK_LOG_FORMAT`: `text` (default) or `json`, one object per line.
    pub log_json: bool,
    /// `CIVICDESK_DRAIN_SECS`: after SIGTERM, how long `/readyz` says 503 while
    /// requests are still taken, before new connections stop.
    pub drain_secs: u64,
    /// `CIVICDESK_MAIL_WORKER`: whether this instance sends the outbox's emails
    /// (`on`); with several instances some may only serve requests (`off`).
    pub mail_worker: bool,
    /// `CIVICDESK_JURISDICTION`: the Open311 `jurisdiction_id` this server
    /// answers for; unset, the argument is optional and ignored.
    pub jurisdiction: Option<String>,
}

/// A setting that cannot be used; printed as one line naming the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong with its value.
    pub message: String,
}

impl Settings {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let _ = dotenvy::dotenv();
        Settings::from_vars(&std::env::vars().collect())
    }

    /// Builds settings from a map of variables (the environment, or a test's own).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        let get = |k: &str| vars.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let err = |var: &'static str, message: String| ConfigError { var, message };

        let database = DatabaseUrl::parse(get("DATABASE_URL").unwrap_or("sqlite://civicdesk.db"))
            .map_err(|m| err("DATABASE_URL", m))?;

        let pool_size = parse_num::<u32>(get("CIVICDESK_DB_POOL_SIZE"), default_pool_size(cores()))
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| err("CIVICDESK_DB_POOL_SIZE", "must be a whole number from 1 to 200".into()))?;

        let bind = get("CIVICDESK_BIND").unwrap_or("127.0.0.1:8080").to_string();
        if bind.to_socket_addrs().map(|mut a| a.next().is_none()).unwrap_or(true) {
            return Err(err("CIVICDESK_BIND", format!("\"{bind}\" is not a host:port address")));
        }

        let public_url = get("CIVICDESK_PUBLIC_URL")
            .unwrap_or("http://localhost:8080")
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://"))
            || public_url.contains(char::is_whitespace)
        {
            return Err(err("CIVICDESK_PUBLIC_URL", "must be an http:// or https:// URL".into()));
        }

        let smtp_url = match get("CIVICDESK_SMTP_URL") {
            None => None,
            Some(u) if u.starts_with("smtp://") || u.starts_with("smtps://") => {
                lettre::SmtpTransport::from_url(u).map_err(|e| err("CIVICDESK_SMTP_URL", e.to_string()))?;
                Some(SecretString::from(u.to_string()))
            }
            Some(_) => return Err(err("CIVICDESK_SMTP_URL", "must start with smtp:// or smtps://".into())),
        };

        let outbox_dir = PathBuf::from(get("CIVICDESK_OUTBOX_DIR").unwrap_or("./outbox"));

        let mail_from = get("CIVICDESK_MAIL_FROM")
            .unwrap_or("civicdesk <no-reply@localhost>")
            .to_string();
        if !mail_from.contains('@') {
            return Err(err(
                "CIVICDESK_MAIL_FROM",
                "must be an address like \"civicdesk <no-reply@example.org>\"".into(),
            ));
        }

        let tz_name = get("CIVICDESK_TIMEZONE").unwrap_or("Asia/Seoul");
        let timezone: Tz = tz_name.parse().map_err(|_| {
            err(
                "CIVICDESK_TIMEZONE",
                format!("\"{tz_name}\" is not an IANA time zone such as Asia/Seoul"),
            )
        })?;

        let office_hours = parse_office_hours(get("CIVICDESK_OFFICE_HOURS").unwrap_or("09:00-12:00,13:00-18:00"))
            .map_err(|m| err("CIVICDESK_OFFICE_HOURS", m))?;

        let weekend =
            parse_weekend(get("CIVICDESK_WEEKEND").unwrap_or("sat,sun")).map_err(|m| err("CIVICDESK_WEEKEND", m))?;

        let survey_sample_rate = parse_num::<f64>(get("CIVICDESK_SURVEY_SAMPLE_RATE"), 0.25)
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| err("CIVICDESK_SURVEY_SAMPLE_RATE", "must be a number from 0 to 1".into()))?;

        let survey_ttl_days = parse_num::<u32>(get("CIVICDESK_SURVEY_TTL_DAYS"), 14)
            .filter(|d| (1..=365).contains(d))
            .ok_or_else(|| {
                err(
                    "CIVICDESK_SURVEY_TTL_DAYS",
                    "must be a whole number of days from 1 to 365".into(),
                )
            })?;

        let admin_token = match get("CIVICDESK_ADMIN_TOKEN") {
            None => None,
            Some(t) if t.len() >= 20 && t.chars().all(|c| c.is_ascii_graphic()) => {
                Some(SecretString::from(t.to_string()))
            }
            Some(_) => {
                return Err(err(
                    "CIVICDESK_ADMIN_TOKEN",
                    "must be at least 20 printable characters without spaces".into(),
                ))
            }
        };

        let mail_max_attempts = parse_num::<u32>(get("CIVICDESK_MAIL_MAX_ATTEMPTS"), 10)
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                err(
                    "CIVICDESK_MAIL_MAX_ATTEMPTS",
                    "must be a whole number from 1 to 100".into(),
                )
            })?;
        let mail_retry_base_ms = parse_num::<u64>(get("CIVICDESK_MAIL_RETRY_BASE_MS"), 30_000)
            .filter(|n| (10..=3_600_000).contains(n))
            .ok_or_else(|| {
                err(
                    "CIVICDESK_MAIL_RETRY_BASE_MS",
                    "must be milliseconds from 10 to 3600000".into(),
                )
            })?;

        let rate_limit = parse_num::<u32>(get("CIVICDESK_RATE_LIMIT"), 60)
            .filter(|n| *n <= 1_000_000)
            .ok_or_else(|| {
                err(
                    "CIVICDESK_RATE_LIMIT",
                    "must be a whole number of requests a minute (0 turns the limit off)".into(),
                )
            })?;
        let trusted_proxies = parse_proxies(get("CIVICDESK_TRUSTED_PROXIES").unwrap_or(""))
            .map_err(|m| err("CIVICDESK_TRUSTED_PROXIES", m))?;
        let backdate_days = parse_num::<u32>(get("CIVICDESK_BACKDATE_DAYS"), 365)
            .filter(|n| (1..=3660).contains(n))
            .ok_or_else(|| {
                err(
                    "CIVICDESK_BACKDATE_DAYS",
                    "must be a whole number of days from 1 to 3660".into(),
                )
            })?;
        let receipts_per_address = parse_num::<u32>(get("CIVICDESK_RECEIPTS_PER_ADDRESS"), 10)
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| {
                err(
                    "CIVICDESK_RECEIPTS_PER_ADDRESS",
                    "must be a whole number from 1 to 10000".into(),
                )
            })?;

        let body_timeout_secs = parse_num::<u64>(get("CIVICDESK_BODY_TIMEOUT_SECS"), 30)
            .filter(|n| (1..=600).contains(n))
            .ok_or_else(|| {
                err(
                    "CIVICDESK_BODY_TIMEOUT_SECS",
                    "must be a whole number of seconds from 1 to 600".into(),
                )
            })?;

        let log_json = match get("CIVICDESK_LOG_FORMAT").unwrap_or("text") {
            "text" => false,
            "json" => true,
            other => return Err(err("CIVICDESK_LOG_FORMAT", format!("\"{other}\" is not text or json"))),
        };

        let mail_worker = match get("CIVICDESK_MAIL_WORKER").unwrap_or("on") {
            "on" => true,
            "off" => false,
            other => return Err(err("CIVICDESK_MAIL_WORKER", format!("\"{other}\" is not on or off"))),
        };

        let drain_secs = parse_num::<u64>(get("CIVICDESK_DRAIN_SECS"), 2)
            .filter(|n| *n <= 300)
            .ok_or_else(|| {
                err(
                    "CIVICDESK_DRAIN_SECS",
                    "must be a whole number of seconds from 0 to 300".into(),
                )
            })?;

        let jurisdiction = match get("CIVICDESK_JURISDICTION").map(str::trim) {
            None | Some("") => None,
            Some(j) if j.len() <= 200 && !j.chars().any(char::is_control) => Some(j.to_string()),
            Some(_) => {
                return Err(err(
                    "CIVICDESK_JURISDICTION",
                    "must be one line of at most 200 characters, e.g. seoul.go.kr".into(),
                ))
            }
        };

        Ok(Settings {
            database,
            pool_size,
            bind,
            public_url,
            smtp_url,
            outbox_dir,
            mail_from,
            timezone,
            office_hours,
            weekend,
            survey_sample_rate,
            survey_ttl_days,
            admin_token,
            mail_max_attempts,
            mail_retry_base_ms,
            rate_limit,
            trusted_proxies,
            backdate_days,
            receipts_per_address,
            body_timeout_secs,
            log_json,
            drain_secs,
            mail_worker,
            jurisdiction,
        })
    }
}

/// `10.0.0.1, 192.168.0.0/16, ::1`: addresses or CIDR blocks.
fn parse_proxies(v: &str) -> Result<Vec<ipnet::IpNet>, String> {
    v.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("\"{p}\" is not an IP address or a CIDR block like 10.0.0.0/8"))
        })
        .collect()
}

/// The processors this process may use.
fn cores() -> u32 {
    std::thread::available_parallelism().map_or(2, |n| n.get() as u32)
}

/// Connections by default: twice the processors, at least four, at most
/// sixteen (ten replicas stay under PostgreSQL's usual 200). More work on
/// the database at once than its machine has processors only makes it wait
/// longer: with ten connections on two processors, one case read in a hundred
/// took over 100 ms (PostgreSQL's backends descheduled while holding locks the
/// others spin on); with four, 4 ms, at the same rate (bench/README.md).
pub fn default_pool_size(cores: u32) -> u32 {
    (2 * cores).clamp(4, 16)
}

fn parse_num<T: std::str::FromStr>(v: Option<&str>, default: T) -> Option<T> {
    match v {
        None => Some(default),
        Some(s) => s.parse().ok(),
    }
}

/// `09:00-12:00,13:00-18:00`: ordered, non-overlapping periods within a day.
fn parse_office_hours(v: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, String> {
    let bad = || format!("\"{v}\" is not a list of periods like 09:00-12:00,13:00-18:00");
    let mut periods = Vec::new();
    for part in v.split(',') {
        let (a, b) = part.trim().split_once('-').ok_or_else(bad)?;
        let a = NaiveTime::parse_from_str(a.trim(), "%H:%M").map_err(|_| bad())?;
        let b = NaiveTime::parse_from_str(b.trim(), "%H:%M").map_err(|_| bad())?;
        if b <= a {
            return Err(format!("period {part} ends before it starts"));
        }
        if periods.last().is_some_and(|&(_, end)| a < end) {
            return Err(format!("period {part} overlaps or precedes the one before it"));
        }
        periods.push((a, b));
    }
    Ok(periods)
}

/// `sat,sun`: day names (three letters or in full); `none` for no weekend.
fn parse_weekend(v: &str) -> Result<Vec<Weekday>, String> {
    if v.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let days: Vec<Weekday> = v
        .split(',')
        .map(|d| {
            d.trim()
                .parse::<Weekday>()
                .map_err(|_| format!("\"{}\" is not a day name such as sat or sunday", d.trim()))
        })
        .collect::<Result<_, _>>()?;
    // A week without a business day would put every deadline out of reach.
    if (0..7).all(|n| days.iter().any(|d| d.num_days_from_monday() == n)) {
        return Err("leaves no business day in the week".into());
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_pool_is_twice_the_processors_and_at_least_four() {
        assert_eq!(default_pool_size(1), 4);
        assert_eq!(default_pool_size(2), 4);
        assert_eq!(default_pool_size(8), 16);
        assert_eq!(default_pool_size(500), 16);
    }

    #[test]
    fn defaults_are_those_of_api_md() {
        let s = Settings::from_vars(&HashMap::new()).unwrap();
        assert_eq!(s.database.target, "civicdesk.db");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.public_url, "http://localhost:8080");
        assert_eq!(s.timezone, chrono_tz::Asia::Seoul);
        assert_eq!(s.survey_sample_rate, 0.25);
        assert_eq!(s.survey_ttl_days, 14);
        assert_eq!(s.office_hours.len(), 2);
        assert_eq!(s.weekend, [Weekday::Sat, Weekday::Sun]);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (k, v) in [
            ("DATABASE_URL", "mysql://x"),
            ("CIVICDESK_BIND", "nowhere"),
            ("CIVICDESK_PUBLIC_URL", "ftp://x"),
            ("CIVICDESK_SMTP_URL", "mail.example.org"),
            ("CIVICDESK_TIMEZONE", "Mars/Olympus"),
            ("CIVICDESK_SURVEY_SAMPLE_RATE", "1.5"),
            ("CIVICDESK_SURVEY_TTL_DAYS", "0"),
            ("CIVICDESK_ADMIN_TOKEN", "short"),
            ("CIVICDESK_OFFICE_HOURS", "18:00-09:00"),
            ("CIVICDESK_WEEKEND", "caturday"),
            ("CIVICDESK_WEEKEND", "mon,tue,wed,thu,fri,sat,sun"),
            ("CIVICDESK_DB_POOL_SIZE", "-1"),
            ("CIVICDESK_MAIL_FROM", "nobody"),
            ("CIVICDESK_SMTP_URL", "smtp://"),
            ("CIVICDESK_MAIL_MAX_ATTEMPTS", "0"),
        ] {
            let e = Settings::from_vars(&vars(&[(k, v)])).unwrap_err();
            assert_eq!(e.var, k, "{v}");
            assert!(e.to_string().starts_with(k));
        }
    }

    #[test]
    fn trailing_slash_of_public_url_is_dropped() {
        let s = Settings::from_vars(&vars(&[("CIVICDESK_PUBLIC_URL", "https://civic.example.org/")])).unwrap();
        assert_eq!(s.public_url, "https://civic.example.org");
    }
}
