//! The public feed of requests filed through Open311: what any client may
//! read of them (never the citizen's details), found by receipt number, by
//! the token given at filing, or by service, status and period.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::ServiceError;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::case::Status;
use crate::store::{self, cases::CaseRow, categories::Category, teams::Team};

/// The longest period one listing covers, and the default one (ending now).
pub const MAX_SPAN_DAYS: i64 = 90;
/// The most requests one listing answers.
pub const MAX_ITEMS: i64 = 1000;

/// A request as the public sees it.
pub struct PublishedRequest {
    /// The case (publish only its public fields).
    pub row: CaseRow,
    /// Its category: the service.
    pub category: Option<Category>,
    /// The team responsible.
    pub team: Option<Team>,
    /// The resolution, or else the latest public reply.
    pub notes: Option<String>,
}

/// Open (still being worked) or closed (resolved, closed or withdrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    /// Received, assigned, in progress or on hold.
    Open,
    /// Resolved, closed or withdrawn.
    Closed,
}

impl Openness {
    /// `open` or `closed`.
    pub fn parse(s: &str) -> Option<Openness> {
        match s {
            "open" => Some(Openness::Open),
            "closed" => Some(Openness::Closed),
            _ => None,
        }
    }

    /// The openness of a stored status.
    pub fn of(status: &str) -> Openness {
        match Status::parse(status) {
            Some(s) if s.is_open() => Openness::Open,
            _ => Openness::Closed,
        }
    }

    /// `open` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Openness::Open => "open",
            Openness::Closed => "closed",
        }
    }
}

/// What a listing asks for; receipts, when given, override everything else.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// These receipt numbers.
    pub receipts: Option<Vec<String>>,
    /// These services (category codes); none: any.
    pub services: Vec<String>,
    /// These states; none: both.
    pub states: Vec<Openness>,
    /// From this instant (default: `MAX_SPAN_DAYS` before `to`).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (default: `MAX_SPAN_DAYS` after `from`, or now).
    pub to: Option<DateTime<Utc>>,
}

/// The period a listing covers: both ends, at most `MAX_SPAN_DAYS` apart.
pub fn period(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ServiceError> {
    let span = Duration::days(MAX_SPAN_DAYS);
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f + span),
        (None, Some(t)) => (t - span, t),
        (None, None) => (at - span, at),
    };
    if to < from {
        return Err(ServiceError::field("end_date", "must not be before start_date"));
    }
    if to - from > span {
        return Err(ServiceError::field(
            "end_date",
            format!("a listing covers at most {MAX_SPAN_DAYS} days; narrow start_date and end_date"),
        ));
    }
    Ok((from, to))
}

/// The requests a listing asks for, newest first, at most `MAX_ITEMS`.
pub fn list(c: &mut Conn, q: &RequestQuery) -> Result<Vec<PublishedRequest>, ServiceError> {
    let mut f = store::cases::Published::default();
    if let Some(receipts) = &q.receipts {
        f.receipts = Some(receipts.clone());
    } else {
        let (from, to) = period(q.from, q.to, now())?;
        f.received_from = Some(from.naive_utc());
        f.received_to = Some(to.naive_utc());
        if !q.services.is_empty() {
            for code in &q.services {
                if let Some(cat) = store::categories::find_by_code(c, code)? {
                    f.categories.push(cat.id);
                }
            }
            if f.categories.is_empty() {
                return Ok(Vec::new());
            }
        }
        for state in &q.states {
            f.statuses.extend(
                Status::ALL
                    .iter()
                    .filter(|s| Openness::of(s.as_str()) == *state)
                    .map(|s| s.as_str().to_string()),
            );
        }
    }
    let rows = store::cases::published(c, &f, MAX_ITEMS)?;
    describe(c, rows)
}

/// One request by its receipt number; not found unless filed through Open311.
pub fn one(c: &mut Conn, receipt_no: &str) -> Result<PublishedRequest, ServiceError> {
    let q = RequestQuery {
        receipts: Some(vec![receipt_no.to_string()]),
        ..Default::default()
    };
    list(c, &q)?
        .pop()
        .ok_or_else(|| ServiceError::NotFound(format!("no request \"{receipt_no}\"")))
}

/// The receipt number a filing's token stands for.
pub fn by_token(c: &mut Conn, token: &str) -> Result<String, ServiceError> {
    let not_found = || ServiceError::NotFound(format!("no request for the token \"{token}\""));
    let id = Id::parse(token).ok_or_else(not_found)?;
    store::cases::find(c, &id)?
        .filter(|row| row.channel == "open311")
        .map(|row| row.receipt_no)
        .ok_or_else(not_found)
}

fn describe(c: &mut Conn, rows: Vec<CaseRow>) -> Result<Vec<PublishedRequest>, ServiceError> {
    let ids: Vec<Id> = rows.iter().map(|r| r.id.clone()).collect();
    let mut replies: HashMap<Id, String> = HashMap::new();
    for e in store::events::of_type(c, &ids, "replied")? {
        if let Ok(serde_json::Value::Object(data)) = serde_json::from_str(&e.data) {
            if let Some(body) = data.get("body").and_then(|b| b.as_str()) {
                replies.insert(e.case_id.clone(), body.to_string());
            }
        }
    }
    let mut categories: HashMap<Id, Option<Category>> = HashMap::new();
    let mut teams: HashMap<Id, Option<Team>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let category = match &row.category_id {
            Some(id) => match categories.get(id) {
                Some(c) => c.clone(),
                None => {
                    let found = store::categories::find(c, id)?;
                    categories.insert(id.clone(), found.clone());
                    found
                }
            },
            None => None,
        };
        let team = match &row.team_id {
            Some(id) => match teams.get(id) {
                Some(t) => t.clone(),
                None => {
                    let found = store::teams::find(c, id)?;
                    teams.insert(id.clone(), found.clone());
                    found
                }
            },
            None => None,
        };
        let notes = row.resolution.clone().or_else(|| replies.remove(&row.id));
        out.push(PublishedRequest {
            row,
            category,
            team,
            notes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_listing_covers_ninety_days_at_most() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let (f, t) = period(None, None, at).unwrap();
        assert_eq!((t - f).num_days(), 90);
        assert_eq!(t, at);
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let (_, t) = period(Some(start), None, at).unwrap();
        assert_eq!(t, start + Duration::days(90));
        assert!(period(Some(start), Some(start + Duration::days(91)), at).is_err());
        assert!(period(Some(start), Some(start - Duration::days(1)), at).is_err());
        assert!(period(Some(start), Some(start + Duration::days(90)), at).is_ok());
    }
}
