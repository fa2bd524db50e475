//! The `cases` and `receipt_counters` tables.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{cases, receipt_counters};
use crate::db::types::Id;
use crate::db::{is_unique_violation, Conn};

/// A case as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    /// Id.
    pub id: Id,
    /// `YYYY-NNNNNN`, unique.
    pub receipt_no: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Category, if any.
    pub category_id: Option<Id>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Citizen's name.
    pub citizen_name: String,
    /// Citizen's email.
    pub citizen_email: Option<String>,
    /// Citizen's phone.
    pub citizen_phone: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lng: Option<f64>,
    /// Address.
    pub address: Option<String>,
    /// `ko` or `en`.
    pub locale: String,
    /// How it arrived.
    pub channel: String,
    /// Where it is in its life.
    pub status: String,
    /// A proposal's outcome.
    pub outcome: Option<String>,
    /// The owning team.
    pub team_id: Option<Id>,
    /// The operator working on it.
    pub assignee_id: Option<Id>,
    /// Hex SHA-256 of the citizen's access token.
    pub access_token_hash: String,
    /// Deadline amount applied.
    pub deadline_amount: i32,
    /// Deadline unit applied.
    pub deadline_unit: String,
    /// Receipt instant (UTC).
    pub received_at: NaiveDateTime,
    /// Due instant (UTC), holds and extensions included.
    pub due_at: NaiveDateTime,
    /// Whether the deadline was extended.
    pub extended: bool,
    /// How many extensions.
    pub extension_count: i32,
    /// Start of the current hold.
    pub held_since: Option<NaiveDateTime>,
    /// When resolved.
    pub resolved_at: Option<NaiveDateTime>,
    /// When closed.
    pub closed_at: Option<NaiveDateTime>,
    /// When withdrawn.
    pub withdrawn_at: Option<NaiveDateTime>,
    /// The answer sent to the citizen.
    pub resolution: Option<String>,
    /// An adopted proposal's planned implementation date.
    pub planned_implementation_date: Option<NaiveDate>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Bumped on every change, for optimistic concurrency.
    pub version: i32,
}

/// Adds a case.
pub fn insert(conn: &mut Conn, row: &CaseRow) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// One case by id.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// One case by receipt number.
pub fn find_by_receipt(conn: &mut Conn, receipt_no: &str) -> QueryResult<Option<CaseRow>> {
    cases::table
        .filter(cases::receipt_no.eq(receipt_no))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Sets a case's status (and the matching time column), only if it is still
/// at `version`; returns whether it was.
pub fn set_withdrawn(
    conn: &mut Conn,
    id: &Id,
    version: i32,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(cases::table.find(id).filter(cases::version.eq(version)))
        .set((
            cases::status.eq("withdrawn"),
            cases::withdrawn_at.eq(Some(at)),
            cases::held_since.eq(None::<NaiveDateTime>),
            cases::updated_at.eq(at),
            cases::version.eq(version + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The next receipt number of a year, `YYYY-NNNNNN`; the counter row's lock
/// (or SQLite's single writer) keeps two intakes from sharing one.
pub fn next_receipt_no(conn: &mut Conn, year: i32) -> QueryResult<String> {
    loop {
        let bumped = diesel::update(receipt_counters::table.find(year))
            .set(receipt_counters::last_seq.eq(receipt_counters::last_seq + 1))
            .execute(conn)?;
        if bumped == 0 {
            // First case of the year; a savepoint lets a concurrent first insert win cleanly.
            let first = conn.transaction(|c| {
                diesel::insert_into(receipt_counters::table)
                    .values((
                        receipt_counters::year.eq(year),
                        receipt_counters::last_seq.eq(1),
                    ))
                    .execute(c)
            });
            match first {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        let seq: i32 = receipt_counters::table
            .find(year)
            .select(receipt_counters::last_seq)
            .first(conn)?;
        return Ok(format!("{year}-{seq:06}"));
    }
}
