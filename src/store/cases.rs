//! The `cases` and `receipt_counters` tables.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{case_holds, cases, receipt_counters, reference_version};
use crate::db::types::{utc, Id};
use crate::db::{is_unique_violation, Conn};
use crate::domain::calendar::Hold;
use crate::domain::case::OPEN_STATUSES;
use crate::store::lower;
use crate::store::reference::{current_database, identity};

/// A case as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cases, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct CaseRow {
    /// Id.
    pub id: Id,
    /// `YYYY-NNNNNN`, unique.
    pub receipt_no: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Category, if any.
    pub category_id: Option<Id>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Citizen's name.
    pub citizen_name: String,
    /// Citizen's email.
    pub citizen_email: Option<String>,
    /// Citizen's phone.
    pub citizen_phone: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lng: Option<f64>,
    /// Address.
    pub address: Option<String>,
    /// `ko` or `en`.
    pub locale: String,
    /// How it arrived.
    pub channel: String,
    /// Where it is in its life.
    pub status: String,
    /// A proposal's outcome.
    pub outcome: Option<String>,
    /// The owning team.
    pub team_id: Option<Id>,
    /// The operator working on it.
    pub assignee_id: Option<Id>,
    /// Hex SHA-256 of the citizen's access token.
    pub access_token_hash: String,
    /// Deadline amount applied.
    pub deadline_amount: i32,
    /// Deadline unit applied.
    pub deadline_unit: String,
    /// Receipt instant (UTC).
    pub received_at: NaiveDateTime,
    /// Due instant (UTC), holds and extensions included.
    pub due_at: NaiveDateTime,
    /// Whether the deadline was extended.
    pub extended: bool,
    /// How many extensions.
    pub extension_count: i32,
    /// Start of the current hold.
    pub held_since: Option<NaiveDateTime>,
    /// When resolved.
    pub resolved_at: Option<NaiveDateTime>,
    /// When closed.
    pub closed_at: Option<NaiveDateTime>,
    /// When withdrawn.
    pub withdrawn_at: Option<NaiveDateTime>,
    /// The answer sent to the citizen.
    pub resolution: Option<String>,
    /// An adopted proposal's planned implementation date.
    pub planned_implementation_date: Option<NaiveDate>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Bumped on every change, for optimistic concurrency.
    pub version: i32,
    /// Whether the status is an open one; kept with the status so that queues
    /// of open cases can walk an index in due order.
    pub is_open: bool,
    /// When the next 30-day progress notice is due while open.
    pub next_notice_at: Option<NaiveDateTime>,
    /// Answers to the category's extra questions: a JSON object by question code.
    pub attributes: Option<String>,
    /// A photo or document the citizen pointed to.
    pub media_url: Option<String>,
}

/// Adds a case.
pub fn insert(conn: &mut Conn, row: &CaseRow) -> QueryResult<()> {
    diesel::insert_into(cases::table).values(row).execute(conn).map(drop)
}

/// Adds many cases (demo history), in statements small enough for either backend's parameter limit.
pub fn insert_many(conn: &mut Conn, rows: &[CaseRow]) -> QueryResult<()> {
    for chunk in rows.chunks(400) {
        crate::on_backend!(conn, c => diesel::insert_into(cases::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// One case by id.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// A case, its holds (oldest first) and the reference data's version as
/// [`store::reference::version`](crate::store::reference::version) reads it;
/// `None` when there is no such case. The most frequent read: on PostgreSQL
/// one statement (one round trip) instead of three, so it reads `case_holds`
/// and `reference_version` here rather than in their own modules.
pub fn find_for_reading(conn: &mut Conn, id: &Id) -> QueryResult<Option<CaseToRead>> {
    type Found = (
        CaseRow,
        String,
        String,
        i64,
        Option<(NaiveDateTime, Option<NaiveDateTime>)>,
    );
    let pg = match conn {
        Conn::Pg(pg) => pg,
        Conn::Sqlite(_) => {
            // In-process: three statements cost SQLite no round trips.
            let Some(row) = find(conn, id)? else { return Ok(None) };
            let version = crate::store::reference::version(conn)?;
            let holds = crate::store::holds::for_cases(conn, std::slice::from_ref(id))?
                .remove(id)
                .unwrap_or_default();
            return Ok(Some(CaseToRead { row, holds, version }));
        }
    };
    let rows: Vec<Found> = cases::table
        .inner_join(reference_version::table.on(reference_version::id.eq(1)))
        .left_join(case_holds::table)
        .filter(cases::id.eq(id))
        .order(case_holds::started_at)
        .select((
            CaseRow::as_select(),
            reference_version::database_id,
            current_database(),
            reference_version::version,
            (case_holds::started_at, case_holds::ended_at).nullable(),
        ))
        .load(pg)?;
    let mut rows = rows.into_iter();
    let Some((row, database_id, name, version, first)) = rows.next() else {
        return Ok(None);
    };
    let holds = first
        .into_iter()
        .chain(rows.filter_map(|r| r.4))
        .map(|(from, until)| Hold {
            from: utc(from),
            until: until.map(utc),
        })
        .collect();
    Ok(Some(CaseToRead {
        row,
        holds,
        version: (identity(&database_id, &name), version),
    }))
}

/// A case as [`find_for_reading`] finds it.
pub struct CaseToRead {
    /// The case.
    pub row: CaseRow,
    /// Its holds, oldest first.
    pub holds: Vec<Hold>,
    /// The database's identity and its reference data's version.
    pub version: (String, i64),
}

/// Many cases by id (those that exist, in no order).
pub fn find_many(conn: &mut Conn, ids: &[Id]) -> QueryResult<Vec<CaseRow>> {
    cases::table
        .filter(cases::id.eq_any(ids))
        .select(CaseRow::as_select())
        .load(conn)
}

/// Locks these cases' rows until the transaction ends, so that work reading
/// a case (and its survey and holds) to write something derived from it is
/// not interleaved with another change of the same case. PostgreSQL only:
/// SQLite runs one write transaction at a time anyway.
pub fn lock(conn: &mut Conn, ids: &[Id]) -> QueryResult<()> {
    match conn {
        Conn::Pg(pg) => cases::table
            .filter(cases::id.eq_any(ids))
            .order(cases::id)
            .select(cases::id)
            .for_update()
            .load::<Id>(pg)
            .map(drop),
        Conn::Sqlite(_) => Ok(()),
    }
}

/// One case by receipt number.
pub fn find_by_receipt(conn: &mut Conn, receipt_no: &str) -> QueryResult<Option<CaseRow>> {
    cases::table
        .filter(cases::receipt_no.eq(receipt_no))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Saves every field of a case, only if nobody changed it since it was read
/// at `version`; returns whether it was saved. Two concurrent actions on one
/// case: one wins, the other sees `false` and answers 409.
pub fn update_versioned(conn: &mut Conn, row: &CaseRow, version: i32) -> QueryResult<bool> {
    let n = diesel::update(cases::table.find(&row.id).filter(cases::version.eq(version)))
        .set(row)
        .execute(conn)?;
    Ok(n == 1)
}

/// Open cases received before `received_before` that are due after
/// `due_after` or are on hold now: those a change of the holiday set may move.
pub fn open_in_window(
    conn: &mut Conn,
    received_before: NaiveDateTime,
    due_after: NaiveDateTime,
) -> QueryResult<Vec<CaseRow>> {
    cases::table
        .filter(cases::is_open.eq(true))
        .filter(cases::received_at.lt(received_before))
        .filter(cases::due_at.ge(due_after).or(cases::held_since.is_not_null()))
        .select(CaseRow::as_select())
        .load(conn)
}

/// Moves a case's due instant (a system change: no operator holds a version).
pub fn move_due(conn: &mut Conn, id: &Id, due_at: NaiveDateTime, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::due_at.eq(due_at),
            cases::updated_at.eq(at),
            cases::version.eq(cases::version + 1),
        ))
        .execute(conn)
        .map(drop)
}

/// How a queue is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Soonest due first (the default for work queues).
    Due,
    /// Newest receipt first.
    Received,
}

/// A queue's filters; every one optional and all combined.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Status in this list.
    pub statuses: Vec<String>,
    /// This kind.
    pub kind: Option<String>,
    /// Only these teams (an operator's own).
    pub within_teams: Option<Vec<Id>>,
    /// This team.
    pub team: Option<Id>,
    /// This category.
    pub category: Option<Id>,
    /// This assignee.
    pub assignee: Option<Id>,
    /// Open and past due at this instant.
    pub overdue_at: Option<NaiveDateTime>,
    /// Due before this instant.
    pub due_before: Option<NaiveDateTime>,
    /// Received at or after this instant.
    pub received_from: Option<NaiveDateTime>,
    /// Received before this instant.
    pub received_before: Option<NaiveDateTime>,
    /// Words in the title or description.
    pub text: Option<String>,
}

/// `%text%` for LIKE, with `\`, `%` and `_` taken literally.
fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// The cases a queue's filters select, as a query to page or count.
fn filtered<'a>(f: &Filter) -> cases::BoxedQuery<'a, crate::db::MultiBackend> {
    let mut q = cases::table.into_boxed();
    let open: Vec<String> = OPEN_STATUSES.iter().map(|s| s.as_str().to_string()).collect();
    if !f.statuses.is_empty() {
        let all_open = f.statuses.iter().all(|s| open.contains(s));
        let exactly_open = all_open && open.iter().all(|s| f.statuses.contains(s));
        if all_open {
            q = q.filter(cases::is_open.eq(true));
        }
        if !exactly_open {
            q = q.filter(cases::status.eq_any(f.statuses.clone()));
        }
    }
    if let Some(k) = &f.kind {
        q = q.filter(cases::kind.eq(k.clone()));
    }
    if let Some(teams) = &f.within_teams {
        q = q.filter(cases::team_id.eq_any(teams.clone()));
    }
    if let Some(t) = &f.team {
        q = q.filter(cases::team_id.eq(t.clone()));
    }
    if let Some(c) = &f.category {
        q = q.filter(cases::category_id.eq(c.clone()));
    }
    if let Some(a) = &f.assignee {
        q = q.filter(cases::assignee_id.eq(a.clone()));
    }
    if let Some(now) = f.overdue_at {
        // On hold the clock is stopped: overdue only if it already was when held
        // (and then it was before now too, which keeps the due-date range usable).
        q = q.filter(
            cases::is_open.eq(true).and(cases::due_at.lt(now)).and(
                cases::status
                    .ne("on_hold")
                    .or(cases::due_at.nullable().lt(cases::held_since)),
            ),
        );
    }
    if let Some(t) = f.due_before {
        q = q.filter(cases::due_at.lt(t));
    }
    if let Some(t) = f.received_from {
        q = q.filter(cases::received_at.ge(t));
    }
    if let Some(t) = f.received_before {
        q = q.filter(cases::received_at.lt(t));
    }
    if let Some(text) = &f.text {
        let p = like_pattern(text);
        q = q.filter(
            lower(cases::title)
                .like(p.clone())
                .escape('\\')
                .or(lower(cases::description).like(p).escape('\\')),
        );
    }
    q
}

/// How many cases a queue's filters select.
pub fn count(conn: &mut Conn, f: &Filter) -> QueryResult<i64> {
    filtered(f).count().get_result(conn)
}

/// One page of a queue: cases after the keyset position `after`, at most `limit`.
pub fn queue(
    conn: &mut Conn,
    f: &Filter,
    sort: Sort,
    after: Option<(NaiveDateTime, Id)>,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let mut q = filtered(f);
    q = match (sort, after) {
        (Sort::Due, Some((t, id))) => q.filter(cases::due_at.gt(t).or(cases::due_at.eq(t).and(cases::id.gt(id)))),
        (Sort::Received, Some((t, id))) => q.filter(
            cases::received_at
                .lt(t)
                .or(cases::received_at.eq(t).and(cases::id.lt(id))),
        ),
        _ => q,
    };
    q = match sort {
        Sort::Due => q.order((cases::due_at.asc(), cases::id.asc())),
        Sort::Received => q.order((cases::received_at.desc(), cases::id.desc())),
    };
    q.select(CaseRow::as_select()).limit(limit).load(conn)
}

/// Open cases whose next progress notice is due at `now`.
pub fn due_for_progress_notice(conn: &mut Conn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Id>> {
    cases::table
        .filter(cases::is_open.eq(true))
        .filter(cases::next_notice_at.le(now))
        .order(cases::next_notice_at)
        .limit(limit)
        .select(cases::id)
        .load(conn)
}

/// Moves a case's next progress notice from `from` to `to`; false if another worker did.
pub fn advance_notice(conn: &mut Conn, id: &Id, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(cases::table.find(id).filter(cases::next_notice_at.eq(from)))
        .set((
            cases::next_notice_at.eq(Some(to)),
            cases::version.eq(cases::version + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The receipt number of a year's `seq`th case, `YYYY-NNNNNN`.
pub fn receipt_no(year: i32, seq: i32) -> String {
    format!("{year}-{seq:06}")
}

/// Takes `n` consecutive receipt numbers of a year; returns the first sequence number.
pub fn reserve_receipt_numbers(conn: &mut Conn, year: i32, n: i32) -> QueryResult<i32> {
    loop {
        // Once a batch of intakes: kept prepared (diesel's own UPDATE is planned at every call).
        let bumped = crate::db::prepared::update(
            receipt_counters::table,
            receipt_counters::year.eq(year),
            receipt_counters::last_seq.eq(receipt_counters::last_seq + n),
        )
        .execute(conn)?;
        if bumped == 0 {
            // First case of the year; a savepoint lets a concurrent first insert win cleanly.
            let first = conn.transaction(|c| {
                diesel::insert_into(receipt_counters::table)
                    .values((receipt_counters::year.eq(year), receipt_counters::last_seq.eq(n)))
                    .execute(c)
            });
            match first {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        let last: i32 = receipt_counters::table
            .find(year)
            .select(receipt_counters::last_seq)
            .first(conn)?;
        return Ok(last - n + 1);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(super::like_pattern("50%_OFF\\"), "%50\\%\\_off\\\\%");
        assert_eq!(super::like_pattern("포트홀"), "%포트홀%");
    }
}

/// Which published requests to list (Open311): channel `open311` only.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// These receipt numbers (then nothing else filters).
    pub receipts: Option<Vec<String>>,
    /// In these categories (empty: any).
    pub categories: Vec<Id>,
    /// In these statuses (empty: any).
    pub statuses: Vec<String>,
    /// Received at or after.
    pub received_from: Option<NaiveDateTime>,
    /// Received at or before.
    pub received_to: Option<NaiveDateTime>,
}

/// Cases filed through Open311, newest first, at most `limit`.
pub fn published(conn: &mut Conn, f: &Published, limit: i64) -> QueryResult<Vec<CaseRow>> {
    let mut q = cases::table
        .select(CaseRow::as_select())
        .filter(cases::channel.eq("open311"))
        .into_boxed();
    if let Some(receipts) = &f.receipts {
        q = q.filter(cases::receipt_no.eq_any(receipts.clone()));
    } else {
        if !f.categories.is_empty() {
            q = q.filter(cases::category_id.eq_any(f.categories.clone()));
        }
        if !f.statuses.is_empty() {
            q = q.filter(cases::status.eq_any(f.statuses.clone()));
        }
        if let Some(t) = f.received_from {
            q = q.filter(cases::received_at.ge(t));
        }
        if let Some(t) = f.received_to {
            q = q.filter(cases::received_at.le(t));
        }
    }
    q.order((cases::received_at.desc(), cases::id.desc()))
        .limit(limit)
        .load(conn)
}
