//! Scorecard reads over `cases` with their surveys and holds. Nothing here is
//! a summary: every figure is read from the cases themselves through the
//! covering indexes `cases_resolved_stats` and `cases_received_stats`, so
//! scorecards can never disagree with the cases.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{case_holds, cases, surveys};
use crate::db::types::{utc, Id};
use crate::db::Conn;
use crate::domain::calendar::Hold;

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

/// A case resolved in the period, with its survey if it had one.
#[derive(Debug, Clone, Queryable)]
pub struct Resolved {
    /// The case.
    pub id: Id,
    /// The team that resolved it.
    pub team_id: Option<Id>,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Receipt.
    pub received_at: NaiveDateTime,
    /// Resolution.
    pub resolved_at: NaiveDateTime,
    /// Due, extensions and holds included.
    pub due_at: NaiveDateTime,
    /// The survey, when one was sent or taken by phone.
    pub survey_id: Option<Id>,
    /// When the citizen answered.
    pub answered_at: Option<NaiveDateTime>,
    /// Process score.
    pub process_score: Option<i32>,
    /// Result score.
    pub result_score: Option<i32>,
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
            cases::received_at,
            cases::resolved_at.assume_not_null(),
            cases::due_at,
            surveys::id.nullable(),
            surveys::answered_at.nullable(),
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
    let rows: Vec<(Id, NaiveDateTime, Option<NaiveDateTime>)> = scoped!(q, scope).load(conn)?;
    let mut out: HashMap<Id, Vec<Hold>> = HashMap::new();
    for (case, from, until) in rows {
        out.entry(case).or_default().push(Hold {
            from: utc(from),
            until: until.map(utc),
        });
    }
    Ok(out)
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
    // Each count is grouped before boxing: diesel boxes a grouped select but
    // cannot group a boxed one.
    let in_period = cases::received_at.ge(from).and(cases::received_at.lt(until));
    let mut count = |open_only: bool, overdue_only: bool| -> QueryResult<Vec<(Option<Id>, i64)>> {
        let q = cases::table
            .filter(in_period)
            .group_by(cases::team_id)
            .select((cases::team_id, count_star()))
            .into_boxed();
        let mut q = scoped!(q, scope);
        if open_only {
            q = q.filter(cases::is_open.eq(true));
        }
        if overdue_only {
            q = q.filter(
                cases::due_at
                    .nullable()
                    .lt(cases::held_since)
                    .or(cases::held_since.is_null().and(cases::due_at.lt(now))),
            );
        }
        q.load(conn)
    };
    let all = count(false, false)?;
    let open = count(true, false)?;
    let overdue = count(true, true)?;
    let mut out: HashMap<Option<Id>, ReceivedCounts> = HashMap::new();
    for (team, n) in all {
        out.entry(team).or_default().received = n;
    }
    for (team, n) in open {
        out.entry(team).or_default().open = n;
    }
    for (team, n) in overdue {
        out.entry(team).or_default().overdue = n;
    }
    Ok(out)
}
