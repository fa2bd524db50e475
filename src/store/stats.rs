//! Scorecard reads over `cases`: what was received in a period and is still
//! open, counted from the cases themselves (through the covering index
//! `cases_open_received`). Resolved cases are counted from `case_figures`
//! (store::figures).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::cases;
use crate::db::types::Id;
use crate::db::Conn;
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
