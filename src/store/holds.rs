//! The `case_holds` table: when each case waited, for due dates and processing days.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::case_holds;
use crate::db::types::{utc, Id};
use crate::db::Conn;
use crate::domain::calendar::Hold;

/// Opens a hold.
pub fn start(conn: &mut Conn, case: &Id, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(case_holds::table)
        .values((
            case_holds::id.eq(Id::new()),
            case_holds::case_id.eq(case),
            case_holds::started_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Adds finished holds (demo history).
pub fn insert_many(conn: &mut Conn, holds: &[(Id, NaiveDateTime, NaiveDateTime)]) -> QueryResult<()> {
    let rows: Vec<_> = holds
        .iter()
        .map(|(case, from, until)| {
            (
                case_holds::id.eq(Id::new()),
                case_holds::case_id.eq(case),
                case_holds::started_at.eq(*from),
                case_holds::ended_at.eq(Some(*until)),
            )
        })
        .collect();
    for chunk in rows.chunks(2000) {
        crate::on_backend!(conn, c => diesel::insert_into(case_holds::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Closes the open hold of a case.
pub fn end(conn: &mut Conn, case: &Id, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        case_holds::table
            .filter(case_holds::case_id.eq(case))
            .filter(case_holds::ended_at.is_null()),
    )
    .set(case_holds::ended_at.eq(Some(at)))
    .execute(conn)
    .map(drop)
}

/// The holds of many cases at once, by case.
pub fn for_cases(conn: &mut Conn, cases: &[Id]) -> QueryResult<HashMap<Id, Vec<Hold>>> {
    let rows: Vec<(Id, NaiveDateTime, Option<NaiveDateTime>)> = case_holds::table
        .filter(case_holds::case_id.eq_any(cases))
        .order(case_holds::started_at)
        .select((case_holds::case_id, case_holds::started_at, case_holds::ended_at))
        .load(conn)?;
    Ok(by_case(rows))
}

/// Hold rows `(case, started, ended)` gathered by case.
pub fn by_case(rows: Vec<(Id, NaiveDateTime, Option<NaiveDateTime>)>) -> HashMap<Id, Vec<Hold>> {
    let mut out: HashMap<Id, Vec<Hold>> = HashMap::new();
    for (case, from, until) in rows {
        out.entry(case).or_default().push(Hold {
            from: utc(from),
            until: until.map(utc),
        });
    }
    out
}
