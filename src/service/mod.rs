//! The use cases, below every door: each runs in the caller's transaction
//! and answers with domain values or one [`ServiceError`], never HTTP.

pub mod caller;
pub mod cases;
pub mod casework;
pub mod catalog;
pub mod due_dates;
pub mod figures;
pub mod holidays;
pub mod intake;
pub mod intake_writer;
pub mod outbox;
pub mod published;
pub mod queue;
pub mod reference;
pub mod scorecards;
pub mod sessions;
pub mod settings;
pub mod surveys;
pub mod tracking;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::Settings;
use crate::db::Conn;
use crate::domain::calendar::Calendar;
use crate::domain::validation::FieldError;

/// Why the API refuses a bearer token (401), in every handler that checks one.
pub const UNKNOWN_TOKEN: &str = "the bearer token is unknown or revoked";

/// What a use case answers instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The caller's credentials are unknown or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The current state does not allow it, or it already exists.
    #[error("{0}")]
    Conflict(String),
    /// Invalid input, one entry per field.
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// Gone for good (an expired survey link).
    #[error("{0}")]
    Gone(String),
    /// The database cannot be reached now; try again shortly.
    #[error("{0}")]
    Unavailable(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] diesel::result::Error),
}

impl From<crate::db::DbError> for ServiceError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Unavailable(m) => ServiceError::Unavailable(m),
            crate::db::DbError::Query(e) => ServiceError::Store(e),
        }
    }
}

impl ServiceError {
    /// Not found, naming what and by which key.
    pub fn not_found(what: &str, key: &str) -> ServiceError {
        ServiceError::NotFound(format!("no {what} with id \"{key}\""))
    }

    /// An invalid input with one field's message.
    pub fn field(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}

impl Settings {
    /// The business calendar with the holidays currently active in the database.
    pub fn calendar(&self, conn: &mut Conn) -> diesel::QueryResult<Calendar> {
        Ok(self.calendar_of(&*reference::current(conn)?))
    }

    /// The business calendar with a version of the reference data's holidays.
    pub fn calendar_of(&self, reference: &reference::Reference) -> Calendar {
        Calendar::sharing(
            self.timezone,
            self.office_hours.clone(),
            &self.weekend,
            reference.holidays.clone(),
        )
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
