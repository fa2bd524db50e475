//! The doors, in actix-web: the REST API (`api`) and the citizen's pages
//! (`citizen`), with what they share: one `configure` for every route,
//! authentication, extractors, problem+json errors, rate limits, HTTP manners.

pub mod api;
pub mod auth;
pub mod citizen;
pub mod extract;
pub mod hygiene;
pub mod problem;
pub mod routes;
pub mod throttle;
pub mod wire;
pub mod wording;

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::Settings;
use crate::db::{Conn, Db};
use crate::domain::calendar::Calendar;
use crate::store;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The validated settings.
    pub settings: Arc<Settings>,
    /// The public endpoints' limit per client address.
    pub limiter: Arc<throttle::Limiter>,
    /// Set on shutdown: `/readyz` answers 503 so load balancers send no more.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

impl Settings {
    /// The business calendar with the holidays currently active in the database.
    pub fn calendar(&self, conn: &mut Conn) -> diesel::QueryResult<Calendar> {
        let holidays = store::holidays::active_dates(conn)?;
        Ok(Calendar::with_hours(
            self.timezone,
            self.office_hours.clone(),
            &self.weekend,
            holidays,
        ))
    }

    /// The first instant of a local date in the calendar's zone, as stored (UTC),
    /// for filters given as dates.
    pub fn start_of_day(&self, d: chrono::NaiveDate) -> chrono::NaiveDateTime {
        use chrono::TimeZone;
        let midnight = d.and_time(chrono::NaiveTime::MIN);
        self.timezone
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.with_timezone(&Utc).naive_utc())
            .unwrap_or(midnight)
    }

    /// An instant as RFC 3339 in the calendar's zone, e.g. `2026-11-25T17:00:00+09:00`.
    pub fn format_time(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.timezone)
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

/// A `{"items": [...]}` list body.
pub fn items<T: serde::Serialize>(items: Vec<T>) -> serde_json::Value {
    serde_json::json!({ "items": items })
}

/// An id from a path segment; a malformed one is simply not found.
pub fn path_id(raw: &str, what: &str) -> Result<crate::db::types::Id, problem::ApiError> {
    crate::db::types::Id::parse(raw).ok_or_else(|| problem::ApiError::not_found(what, raw))
}

/// A 201 with `Location` and the created resource.
pub fn created(location: String, body: serde_json::Value) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}
