//! The `figure_tallies` table: how many resolved cases of each local month
//! are alike in everything a scorecard counts, kept by the database's own
//! triggers on `case_figures` in the transaction of every change to the
//! figures (migration 2026-12-21-000001_figure_tallies). A whole month is
//! read as its two thousand or so groups instead of its thirty thousand cases.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::figure_tallies;
use crate::db::types::Id;
use crate::db::Conn;

use super::figures::Group;
use super::stats::Scope;

/// The resolved cases of `month` (`YYYYMM`), grouped as
/// [`super::figures::grouped`] groups them.
pub fn month(conn: &mut Conn, month: i32, scope: &Scope) -> QueryResult<Vec<Group>> {
    // A key's count is the sum of its rows (one on SQLite; on PostgreSQL the
    // folded one and any differences not folded yet). Grouped in the order
    // of the key, so the groups come without a sort.
    let mut q = figure_tallies::table
        .filter(figure_tallies::month.eq(month))
        .group_by((
            figure_tallies::team_id,
            figure_tallies::kind,
            figure_tallies::processing_days,
            figure_tallies::on_time,
            figure_tallies::survey,
            figure_tallies::process_score,
            figure_tallies::result_score,
        ))
        .select((
            figure_tallies::team_id,
            figure_tallies::kind,
            figure_tallies::processing_days,
            figure_tallies::on_time,
            figure_tallies::survey,
            figure_tallies::process_score,
            figure_tallies::result_score,
            // PostgreSQL sums a bigint as numeric.
            sql::<BigInt>("CAST(SUM(cases) AS BIGINT)"),
        ))
        .into_boxed();
    if let Some(k) = &scope.kind {
        q = q.filter(figure_tallies::kind.eq(k.clone()));
    }
    if let Some(c) = &scope.category {
        q = q.filter(figure_tallies::category_id.eq(c.to_string()));
    }
    if let Some(t) = &scope.team {
        q = q.filter(figure_tallies::team_id.eq(t.to_string()));
    }
    type Row = (Id, String, i32, bool, i32, i32, i32, i64);
    let rows: Vec<Row> = q.load(conn)?;
    Ok(rows
        .into_iter()
        // A key whose cases all left (reopened, recounted) adds nothing.
        .filter(|r| r.7 != 0)
        .map(
            |(team, kind, processing_days, on_time, survey, process, result, cases)| Group {
                // Stored as '' and 0 so that a key is unique.
                team_id: (!team.as_str().is_empty()).then_some(team),
                kind,
                processing_days,
                on_time,
                survey,
                process_score: (process != 0).then_some(process),
                result_score: (result != 0).then_some(result),
                cases,
            },
        )
        .collect())
}

/// Adds the differences the triggers wrote since the last fold into the
/// folded row of their key, so that a month stays one row per key; returns
/// how many keys changed. One instance folds at a time; nothing to fold on
/// SQLite, whose triggers add to the folded rows at once.
pub fn fold(conn: &mut Conn) -> QueryResult<usize> {
    let Conn::Pg(pg) = conn else {
        return Ok(0);
    };
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    let turn: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock(7040502) AS locked").get_result(pg)?;
    if !turn.locked {
        return Ok(0);
    }
    // One statement, so one snapshot: the rows deleted are exactly those
    // summed, and a difference committed meanwhile waits for the next fold.
    diesel::sql_query(
        "WITH gone AS (DELETE FROM figure_tallies WHERE NOT folded RETURNING *) \
         INSERT INTO figure_tallies AS t (month, team_id, kind, processing_days, on_time, survey, \
             process_score, result_score, category_id, cases, folded) \
         SELECT month, team_id, kind, processing_days, on_time, survey, process_score, result_score, \
             category_id, CAST(SUM(cases) AS BIGINT), TRUE \
         FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 \
         ON CONFLICT (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, \
             category_id) WHERE folded \
         DO UPDATE SET cases = t.cases + EXCLUDED.cases",
    )
    .execute(pg)
}
