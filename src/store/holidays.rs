//! The `holidays` table, keyed by date, and `holiday_years`, the years the
//! holiday rules were applied to.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{holiday_years, holidays};
use crate::db::Conn;

/// `origin` of a row the holiday rules wrote (replaced when they are applied again).
pub const LAW: &str = "law";
/// `origin` of a row an admin added or changed (never touched by the rules).
pub const ADMIN: &str = "admin";

/// A public holiday.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = holidays)]
pub struct Holiday {
    /// The date (the key).
    pub date: NaiveDate,
    /// Its name.
    pub name: String,
    /// Inactive holidays are business days again.
    pub active: bool,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// [`LAW`] or [`ADMIN`].
    pub origin: String,
}

/// Holidays, optionally of one year, by date.
pub fn list(conn: &mut Conn, year: Option<i32>) -> QueryResult<Vec<Holiday>> {
    let mut q = holidays::table
        .order(holidays::date)
        .select(Holiday::as_select())
        .into_boxed();
    if let Some(y) = year {
        let (from, to) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31));
        if let (Some(from), Some(to)) = (from, to) {
            q = q.filter(holidays::date.between(from, to));
        }
    }
    q.load(conn)
}

/// Removes a holiday (only the rules do, for a day the law no longer has).
pub fn delete(conn: &mut Conn, date: NaiveDate) -> QueryResult<()> {
    diesel::delete(holidays::table.find(date)).execute(conn).map(drop)
}

/// The version of the rules last applied to each stored year.
pub fn applied_years(conn: &mut Conn) -> QueryResult<Vec<(i32, i32)>> {
    holiday_years::table
        .select((holiday_years::year, holiday_years::rules_version))
        .order(holiday_years::year)
        .load(conn)
}

/// Records that the rules of `version` were applied to `year`.
pub fn mark_applied(conn: &mut Conn, year: i32, version: i32, at: NaiveDateTime) -> QueryResult<()> {
    let changed = diesel::update(holiday_years::table.find(year))
        .set((
            holiday_years::rules_version.eq(version),
            holiday_years::applied_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(holiday_years::table)
            .values((
                holiday_years::year.eq(year),
                holiday_years::rules_version.eq(version),
                holiday_years::applied_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Dates of the active holidays, for the calendar.
pub fn active_dates(conn: &mut Conn) -> QueryResult<Vec<NaiveDate>> {
    holidays::table
        .filter(holidays::active.eq(true))
        .select(holidays::date)
        .load(conn)
}

/// One holiday.
pub fn find(conn: &mut Conn, date: NaiveDate) -> QueryResult<Option<Holiday>> {
    holidays::table
        .find(date)
        .select(Holiday::as_select())
        .first(conn)
        .optional()
}

/// Adds a holiday.
pub fn insert(conn: &mut Conn, h: &Holiday) -> QueryResult<()> {
    diesel::insert_into(holidays::table).values(h).execute(conn).map(drop)
}

/// Saves a holiday.
pub fn update(conn: &mut Conn, h: &Holiday) -> QueryResult<()> {
    diesel::update(holidays::table.find(h.date))
        .set(h)
        .execute(conn)
        .map(drop)
}
