//! The `case_figures` table: each resolved case's contribution to the
//! scorecards (its team, kind, processing days, whether on time, its
//! survey), written whole from the case by `service::figures` in the
//! transaction of every change, and read grouped by the scorecards for the
//! parts of months (whole months are read from their tallies, store::tallies).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{case_figures, cases};
use crate::db::types::Id;
use crate::db::Conn;

use super::stats::Scope;

/// One resolved case's figures.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = case_figures)]
pub struct Figure {
    /// The case.
    pub case_id: Id,
    /// The team that resolved it.
    pub team_id: Option<Id>,
    /// Its category.
    pub category_id: Option<Id>,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Receipt.
    pub received_at: NaiveDateTime,
    /// Resolution.
    pub resolved_at: NaiveDateTime,
    /// Business days from receipt to resolution, holds left out.
    pub processing_days: i32,
    /// Resolved by its due date.
    pub on_time: bool,
    /// 0 no survey, 1 sent, 2 answered.
    pub survey: i32,
    /// Process score of an answer.
    pub process_score: Option<i32>,
    /// Result score of an answer.
    pub result_score: Option<i32>,
    /// The calendar's zone of the count.
    pub zone: String,
    /// The local month of the resolution, `YYYYMM` (0: not dated yet).
    pub month: i32,
}

/// Survey states as stored.
pub mod survey {
    /// No survey.
    pub const NONE: i32 = 0;
    /// Sent or a call due, not answered.
    pub const SENT: i32 = 1;
    /// Answered.
    pub const ANSWERED: i32 = 2;
}

/// Writes many cases' figures in place of any they had.
pub fn put_many(conn: &mut Conn, figures: &[Figure]) -> QueryResult<()> {
    for chunk in figures.chunks(1000) {
        let ids: Vec<&Id> = chunk.iter().map(|f| &f.case_id).collect();
        diesel::delete(case_figures::table.filter(case_figures::case_id.eq_any(ids))).execute(conn)?;
        crate::on_backend!(conn, c => diesel::insert_into(case_figures::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Records a resolved case's survey answer in its figures (nothing for a
/// case that is not resolved).
pub fn answered(conn: &mut Conn, case: &Id, process: i32, result: i32) -> QueryResult<()> {
    diesel::update(case_figures::table.find(case))
        .set((
            case_figures::survey.eq(survey::ANSWERED),
            case_figures::process_score.eq(Some(process)),
            case_figures::result_score.eq(Some(result)),
        ))
        .execute(conn)
        .map(drop)
}

/// Removes a case's figures (it is open again).
pub fn remove(conn: &mut Conn, case: &Id) -> QueryResult<()> {
    diesel::delete(case_figures::table.find(case)).execute(conn).map(drop)
}

/// The resolved cases whose count of days may take in a day of
/// `[from, until)`: received before its end, resolved after its start.
pub fn spanning(conn: &mut Conn, from: NaiveDateTime, until: NaiveDateTime) -> QueryResult<Vec<Id>> {
    case_figures::table
        .filter(case_figures::resolved_at.ge(from))
        .filter(case_figures::received_at.lt(until))
        .select(case_figures::case_id)
        .load(conn)
}

/// Serializes bulk recounts (a start's catch-up, a holiday change) across
/// instances until the transaction ends, so two never lock the same cases
/// in different orders. PostgreSQL only (SQLite has one writer).
pub fn exclusive(conn: &mut Conn) -> QueryResult<()> {
    match conn {
        Conn::Pg(pg) => diesel::sql_query("SELECT pg_advisory_xact_lock(7040501)")
            .execute(pg)
            .map(drop),
        Conn::Sqlite(_) => Ok(()),
    }
}

/// Figures counted on another calendar basis than `basis`; at most `limit`.
pub fn other_basis(conn: &mut Conn, basis: &str, limit: i64) -> QueryResult<Vec<Id>> {
    // Two ranges of case_figures_zone rather than `<>`, which no index serves.
    case_figures::table
        .filter(case_figures::zone.lt(basis).or(case_figures::zone.gt(basis)))
        .select(case_figures::case_id)
        .limit(limit)
        .load(conn)
}

/// Resolved cases without figures (an upgrade, a demo history); at most `limit`.
pub fn missing(conn: &mut Conn, limit: i64) -> QueryResult<Vec<Id>> {
    cases::table
        .left_join(case_figures::table)
        .filter(cases::resolved_at.is_not_null())
        .filter(case_figures::case_id.nullable().is_null())
        .select(cases::id)
        .limit(limit)
        .load(conn)
}

#[derive(QueryableByName)]
struct Difference {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Resolved cases less figures (their tallies' sum), in one statement so
/// that both are counted at the same moment.
pub fn resolved_without_figures(conn: &mut Conn) -> QueryResult<i64> {
    diesel::sql_query(
        "SELECT CAST((SELECT COUNT(*) FROM cases WHERE resolved_at IS NOT NULL) \
         - (SELECT COALESCE(SUM(cases), 0) FROM figure_tallies) AS BIGINT) AS n",
    )
    .get_result::<Difference>(conn)
    .map(|d| d.n)
}

/// The first resolution among the figures not dated yet (month 0).
pub fn first_undated(conn: &mut Conn) -> QueryResult<Option<NaiveDateTime>> {
    case_figures::table
        .filter(case_figures::month.eq(0))
        .select(diesel::dsl::min(case_figures::resolved_at))
        .first(conn)
}

/// Dates the undated figures resolved in `[from, until)` as of `month`; returns how many.
pub fn date(conn: &mut Conn, month: i32, from: NaiveDateTime, until: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        case_figures::table
            .filter(case_figures::month.eq(0))
            .filter(case_figures::resolved_at.ge(from))
            .filter(case_figures::resolved_at.lt(until)),
    )
    .set(case_figures::month.eq(month))
    .execute(conn)
}

/// Resolved cases alike in everything a scorecard counts, and how many.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Group {
    /// The team.
    pub team_id: Option<Id>,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Processing days.
    pub processing_days: i32,
    /// On time.
    pub on_time: bool,
    /// Survey state ([`survey`]).
    pub survey: i32,
    /// Process score.
    pub process_score: Option<i32>,
    /// Result score.
    pub result_score: Option<i32>,
    /// How many cases.
    pub cases: i64,
}

/// The cases resolved in `[from, until)`, a part of `month`, grouped: read
/// in the order of case_figures_month, so the groups come without a sort.
pub fn grouped(
    conn: &mut Conn,
    month: i32,
    from: NaiveDateTime,
    until: NaiveDateTime,
    scope: &Scope,
) -> QueryResult<Vec<Group>> {
    // Grouped before boxing: diesel boxes a grouped select but cannot group a boxed one.
    let mut q = case_figures::table
        .filter(case_figures::month.eq(month))
        .filter(case_figures::resolved_at.ge(from))
        .filter(case_figures::resolved_at.lt(until))
        .group_by((
            case_figures::team_id,
            case_figures::kind,
            case_figures::processing_days,
            case_figures::on_time,
            case_figures::survey,
            case_figures::process_score,
            case_figures::result_score,
        ))
        .select((
            case_figures::team_id,
            case_figures::kind,
            case_figures::processing_days,
            case_figures::on_time,
            case_figures::survey,
            case_figures::process_score,
            case_figures::result_score,
            count_star(),
        ))
        .into_boxed();
    if let Some(k) = &scope.kind {
        q = q.filter(case_figures::kind.eq(k.clone()));
    }
    if let Some(c) = &scope.category {
        q = q.filter(case_figures::category_id.eq(c.clone()));
    }
    if let Some(t) = &scope.team {
        q = q.filter(case_figures::team_id.eq(t.clone()));
    }
    q.load(conn)
}
