//! The `targets` table: a satisfaction target per year and kind.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::targets;
use crate::db::Conn;

/// One yearly target.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = targets)]
pub struct Target {
    /// The calendar year it applies to.
    pub year: i32,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The share of responses scoring 4 or 5 aimed at, 0 to 1.
    pub satisfaction_rate: f64,
    /// Last set.
    pub updated_at: NaiveDateTime,
}

/// Every target, or one year's, by year then kind.
pub fn list(conn: &mut Conn, year: Option<i32>) -> QueryResult<Vec<Target>> {
    let mut q = targets::table
        .order((targets::year, targets::kind))
        .select(Target::as_select())
        .into_boxed();
    if let Some(y) = year {
        q = q.filter(targets::year.eq(y));
    }
    q.load(conn)
}

/// Sets a target; returns whether it is new.
pub fn upsert(conn: &mut Conn, t: &Target) -> QueryResult<bool> {
    let updated = diesel::update(targets::table.find((t.year, &t.kind)))
        .set(t)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(targets::table).values(t).execute(conn)?;
    }
    Ok(updated == 0)
}

/// Removes a target; returns whether there was one.
pub fn delete(conn: &mut Conn, year: i32, kind: &str) -> QueryResult<bool> {
    diesel::delete(targets::table.find((year, kind)))
        .execute(conn)
        .map(|n| n > 0)
}
