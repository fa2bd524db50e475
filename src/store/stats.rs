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
    let all = received_by_team(conn, from, until, scope)?;
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

#[derive(QueryableByName)]
struct TeamCount {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    team_id: Option<Id>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// How many cases were received in `[from, until)`, by their current team,
/// read from an index alone.
fn received_by_team(
    conn: &mut Conn,
    from: NaiveDateTime,
    until: NaiveDateTime,
    scope: &Scope,
) -> QueryResult<Vec<(Option<Id>, i64)>> {
    let narrow = scope.kind.is_none() && scope.category.is_none();
    match conn {
        // SQLite walks cases_team_received a team after another (a
        // skip-scan), without a sort; PostgreSQL walks one team's part.
        Conn::Sqlite(_) if narrow => plain(conn, from, until, scope),
        Conn::Pg(_) if scope.team.is_some() => plain(conn, from, until, scope),
        // SQLite would take the same index and look each case up for its
        // kind or category; cases_open_received holds them.
        Conn::Sqlite(lite) => {
            use diesel::sql_types::{Text, Timestamp};
            let mut q = diesel::sql_query(
                "SELECT team_id, COUNT(*) AS n FROM cases INDEXED BY cases_open_received \
                 WHERE is_open IN (0, 1) AND received_at >= ? AND received_at < ?",
            )
            .into_boxed::<diesel::sqlite::Sqlite>()
            .bind::<Timestamp, _>(from)
            .bind::<Timestamp, _>(until);
            if let Some(k) = &scope.kind {
                q = q.sql(" AND kind = ?").bind::<Text, _>(k.clone());
            }
            if let Some(c) = &scope.category {
                q = q.sql(" AND category_id = ?").bind::<Text, _>(c.clone());
            }
            if let Some(t) = &scope.team {
                q = q.sql(" AND team_id = ?").bind::<Text, _>(t.clone());
            }
            let rows: Vec<TeamCount> = q.sql(" GROUP BY team_id").load(lite)?;
            Ok(rows.into_iter().map(|r| (r.team_id, r.n)).collect())
        }
        // Open or not, cases_open_received is read alone; without is_open,
        // PostgreSQL would visit every case found by received_at.
        Conn::Pg(_) => {
            let q = cases::table
                .filter(cases::is_open.eq_any([false, true]))
                .filter(cases::received_at.ge(from))
                .filter(cases::received_at.lt(until))
                .group_by(cases::team_id)
                .select((cases::team_id, count_star()))
                .into_boxed();
            scoped!(q, scope).load(conn)
        }
    }
}

/// [`received_by_team`] as the planner sees fit.
fn plain(
    conn: &mut Conn,
    from: NaiveDateTime,
    until: NaiveDateTime,
    scope: &Scope,
) -> QueryResult<Vec<(Option<Id>, i64)>> {
    // Grouped before boxing: diesel boxes a grouped select but cannot group a boxed one.
    let q = cases::table
        .filter(cases::received_at.ge(from))
        .filter(cases::received_at.lt(until))
        .group_by(cases::team_id)
        .select((cases::team_id, count_star()))
        .into_boxed();
    scoped!(q, scope).load(conn)
}
