//! The `holidays` table, keyed by date.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::holidays;
use crate::db::Conn;

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

/// How many holidays there are (zero before the first start's seed).
pub fn count(conn: &mut Conn) -> QueryResult<i64> {
    holidays::table.count().get_result(conn)
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
