//! Each resolved case's scorecard figures (`case_figures`), recomputed whole
//! from the case, its holds and its survey in the transaction of every
//! change to them: a resolution or reopening (`casework::perform`), a survey
//! drawn or answered (`surveys`), a holiday added or removed (`due_dates`).
//! Nothing is ever added to a running total, so the figures cannot drift
//! from the cases; scorecards then count groups of alike cases in the
//! database instead of every case in Rust.

use std::collections::HashMap;

use crate::config::Settings;
use crate::db::types::{utc, Id};
use crate::db::Conn;
use crate::domain::calendar::{Calendar, Hold};
use crate::store::figures::{self, survey, Figure};
use crate::store::{self, cases::CaseRow, surveys::Survey};

/// How many cases are recounted per batch.
const BATCH: i64 = 2_000;

impl Settings {
    /// What a count of business days depends on besides the holidays: a
    /// figure counted on another basis is counted again.
    pub fn calendar_basis(&self) -> String {
        format!("{} {:?} {:?}", self.timezone.name(), self.weekend, self.office_hours)
    }
}

/// A resolved case's figures; `None` while it is not resolved.
pub fn of(calendar: &Calendar, basis: &str, row: &CaseRow, holds: &[Hold], s: Option<&Survey>) -> Option<Figure> {
    let resolved = row.resolved_at?;
    let (state, process, result) = match s {
        None => (survey::NONE, None, None),
        Some(s) => match (s.answered_at, s.process_score, s.result_score) {
            (Some(_), Some(p), Some(r)) => (survey::ANSWERED, Some(p), Some(r)),
            _ => (survey::SENT, None, None),
        },
    };
    Some(Figure {
        case_id: row.id.clone(),
        team_id: row.team_id.clone(),
        category_id: row.category_id.clone(),
        kind: row.kind.clone(),
        received_at: row.received_at,
        resolved_at: resolved,
        processing_days: calendar.processing_days(utc(row.received_at), utc(resolved), holds) as i32,
        on_time: resolved <= row.due_at,
        survey: state,
        process_score: process,
        result_score: result,
        zone: basis.to_string(),
    })
}

/// Writes (or, for a case not resolved, removes) one case's figures.
pub fn refresh(c: &mut Conn, settings: &Settings, calendar: &Calendar, row: &CaseRow) -> diesel::QueryResult<()> {
    recount(c, settings, calendar, std::slice::from_ref(row))
}

/// Recounts the figures of these cases (a holiday changed, a catch-up).
pub fn refresh_many(c: &mut Conn, settings: &Settings, calendar: &Calendar, ids: &[Id]) -> diesel::QueryResult<usize> {
    let mut done = 0;
    for chunk in ids.chunks(BATCH as usize) {
        // Read and written under the cases' locks: an answer, reopening or
        // resolution of one of them meanwhile waits, then sees these figures.
        store::cases::lock(c, chunk)?;
        let rows = store::cases::find_many(c, chunk)?;
        recount(c, settings, calendar, &rows)?;
        done += rows.len();
    }
    Ok(done)
}

/// Writes the figures of the resolved ones of `rows` from their holds and
/// surveys, and removes those of the others.
fn recount(c: &mut Conn, settings: &Settings, calendar: &Calendar, rows: &[CaseRow]) -> diesel::QueryResult<()> {
    let (resolved, open): (Vec<&CaseRow>, Vec<&CaseRow>) = rows.iter().partition(|r| r.resolved_at.is_some());
    for row in open {
        figures::remove(c, &row.id)?;
    }
    if resolved.is_empty() {
        return Ok(());
    }
    let ids: Vec<Id> = resolved.iter().map(|r| r.id.clone()).collect();
    let holds = store::holds::for_cases(c, &ids)?;
    let surveys: HashMap<Id, Survey> = store::surveys::for_cases(c, &ids)?
        .into_iter()
        .map(|s| (s.case_id.clone(), s))
        .collect();
    let basis = settings.calendar_basis();
    let out: Vec<Figure> = resolved
        .into_iter()
        .filter_map(|row| {
            of(
                calendar,
                &basis,
                row,
                holds.get(&row.id).map(Vec::as_slice).unwrap_or(&[]),
                surveys.get(&row.id),
            )
        })
        .collect();
    figures::put_many(c, &out)
}

/// Counts the figures of up to `limit` resolved cases that have none, or
/// have them on another calendar basis (after an upgrade, a demo history, or
/// a change of `CIVICDESK_TIMEZONE`, `CIVICDESK_WEEKEND` or
/// `CIVICDESK_OFFICE_HOURS`); returns how many, 0 when none is left.
pub fn catch_up(c: &mut Conn, settings: &Settings, limit: i64) -> diesel::QueryResult<usize> {
    figures::exclusive(c)?;
    let ids = figures::missing(c, &settings.calendar_basis(), limit)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let calendar = settings.calendar(c)?;
    refresh_many(c, settings, &calendar, &ids)
}

/// Recounts the resolved cases whose days may take in `[from, until)` (a
/// holiday added or removed there), with the calendar as it now is.
pub fn days_changed(
    c: &mut Conn,
    settings: &Settings,
    from: chrono::NaiveDateTime,
    until: chrono::NaiveDateTime,
) -> diesel::QueryResult<usize> {
    figures::exclusive(c)?;
    let ids = figures::spanning(c, from, until)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let calendar = settings.calendar(c)?;
    refresh_many(c, settings, &calendar, &ids)
}
