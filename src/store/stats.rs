//! Scorecard reads over `cases` with their surveys and holds. Nothing here is
//! a summary: every figure is read from the cases themselves (through the
//! covering indexes `cases_resolved_stats`, `cases_open_received` and
//! `surveys_case_scores`), so scorecards can never disagree with the cases.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{case_holds, cases, surveys};
use crate::db::types::Id;
use crate::db::Conn;
use crate::domain::calendar::Hold;
use crate::domain::case::is_overdue;

/// Which cases a scorecard covers besides its period.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this category.
    pub category: Option<Id>,
    /// Only this team.
    pub team: Option<Id>,
}

/// A case resolved in the period, with its survey if it had one. Instants
/// are Unix seconds: parsing a million text timestamps (SQLite) costs more
/// than the query itself.
#[derive(Debug, Clone, Queryable)]
pub struct Resolved {
    /// The case.
    pub id: Id,
    /// The team that resolved it.
    pub team_id: Option<Id>,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Receipt, Unix seconds.
    pub received: i64,
    /// Resolution, Unix seconds.
    pub resolved: i64,
    /// Resolved by its due date (extensions and holds included).
    pub on_time: bool,
    /// Sampled for a survey (an emailed link or a call).
    pub surveyed: bool,
    /// The citizen answered.
    pub answered: bool,
    /// Process score.
    pub process_score: Option<i32>,
    /// Result score.
    pub result_score: Option<i32>,
}

/// Unix seconds of a timestamp column, computed by the database; truncated on
/// both (a resolution at 23:59:59.7 stays on its day).
fn epoch(conn: &Conn, column: &str) -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&match conn {
        Conn::Pg(_) => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"),
        Conn::Sqlite(_) => format!("CAST(strftime('%s', {column}) AS INTEGER)"),
    })
}

macro_rules! scoped {
    ($q:expr, $scope:expr) => {{
        let mut q = $q;
        if let Some(k) = &$scope.kind {
            q = q.filter(cases::kind.eq(k.clone()));
        }
        if let Some(c) = &$scope.category {
            q = q.filter(cases::category_id.eq(c.clone()));
        }
        if let Some(t) = &$scope.team {
            q = q.filter(cases::team_id.eq(t.clone()));
        }
        q
    }};
}

/// The cases resolved in `[from, until)`, one row each.
pub fn resolved(
    conn: &mut Conn,
    from: NaiveDateTime,
    until: NaiveDateTime,
    scope: &Scope,
) -> QueryResult<Vec<Resolved>> {
    let q = cases::table
        .left_join(surveys::table)
        .filter(cases::resolved_at.ge(from))
        .filter(cases::resolved_at.lt(until))
        .select((
            cases::id,
            cases::team_id,
            cases::kind,
            epoch(conn, "cases.received_at"),
            epoch(conn, "cases.resolved_at"),
            cases::resolved_at.le(cases::due_at.nullable()).assume_not_null(),
            surveys::case_id.nullable().is_not_null(),
            surveys::answered_at.nullable().is_not_null(),
            surveys::process_score.nullable(),
            surveys::result_score.nullable(),
        ))
        .into_boxed();
    scoped!(q, scope).load(conn)
}

/// The holds of the cases resolved in `[from, until)`, by case.
pub fn holds_of_resolved(
    conn: &mut Conn,
    from: NaiveDateTime,
    until: NaiveDateTime,
    scope: &Scope,
) -> QueryResult<HashMap<Id, Vec<Hold>>> {
    let q = case_holds::table
        .inner_join(cases::table)
        .filter(cases::resolved_at.ge(from))
        .filter(cases::resolved_at.lt(until))
        .select((case_holds::case_id, case_holds::started_at, case_holds::ended_at))
        .into_boxed();
    Ok(super::holds::by_case(scoped!(q, scope).load(conn)?))
}

/// Cases received in a period, by team.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReceivedCounts {
    /// Received.
    pub received: i64,
    /// Of those, still open.
    pub open: i64,
    /// Of those, open and past due now (the clock stops on hold).
    pub overdue: i64,
}

/// The cases received in `[from, until)` counted by their current team, as of `now`.
pub fn received(
    conn: &mut Conn,
    from: NaiveDateTime,
    until: NaiveDateTime,
    scope: &Scope,
    now: NaiveDateTime,
) -> QueryResult<HashMap<Option<Id>, ReceivedCounts>> {
    // Grouped before boxing: diesel boxes a grouped select but cannot group a boxed one.
    let q = cases::table
        .filter(cases::received_at.ge(from))
        .filter(cases::received_at.lt(until))
        .group_by(cases::team_id)
        .select((cases::team_id, count_star()))
        .into_boxed();
    let all: Vec<(Option<Id>, i64)> = scoped!(q, scope).load(conn)?;
    // Open cases are few; they are read one by one (cases_open_received) and
    // judged overdue here with the same rule as a case's `overdue`.
    let q = cases::table
        .filter(cases::is_open.eq(true))
        .filter(cases::received_at.ge(from))
        .filter(cases::received_at.lt(until))
        .select((cases::team_id, cases::due_at, cases::held_since))
        .into_boxed();
    let open: Vec<(Option<Id>, NaiveDateTime, Option<NaiveDateTime>)> = scoped!(q, scope).load(conn)?;
    let mut out: HashMap<Option<Id>, ReceivedCounts> = HashMap::new();
    for (team, n) in all {
        out.entry(team).or_default().received = n;
    }
    for (team, due, held_since) in open {
        let counts = out.entry(team).or_default();
        counts.open += 1;
        counts.overdue += is_overdue(due, held_since, now) as i64;
    }
    Ok(out)
}
