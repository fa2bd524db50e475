//! Types shared by every table: ids as UUID text, times as UTC timestamps.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};

/// A UUID v7 id, stored as its hyphenated text on both backends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, AsExpression, FromSqlRow, Serialize, Deserialize)]
#[diesel(sql_type = Text)]
#[serde(try_from = "String", into = "String")]
pub struct Id(String);

impl Id {
    /// A new time-ordered id.
    pub fn new() -> Id {
        Id(uuid::Uuid::now_v7().hyphenated().to_string())
    }

    /// A time-ordered id for an instant in the past (demo history), from given random bytes.
    pub fn at(t: DateTime<Utc>, random: &[u8; 10]) -> Id {
        let millis = t.timestamp_millis().max(0) as u64;
        Id(uuid::Builder::from_unix_timestamp_millis(millis, random)
            .into_uuid()
            .hyphenated()
            .to_string())
    }

    /// Parses an id sent by a client; `None` when it is not a UUID.
    pub fn parse(s: &str) -> Option<Id> {
        uuid::Uuid::parse_str(s).ok().map(|u| Id(u.hyphenated().to_string()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Id::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Id {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Id::parse(&s).ok_or_else(|| format!("not a UUID: {s}"))
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0
    }
}

impl<DB: Backend> ToSql<Text, DB> for Id
where
    String: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

impl<DB: Backend> FromSql<Text, DB> for Id
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        // Stored ids are ours; keep them as they are rather than failing a read.
        Ok(Id(String::from_sql(bytes)?))
    }
}

/// Now, truncated to microseconds as both backends store it.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// A stored UTC timestamp as an instant.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
