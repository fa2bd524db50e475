//! Each resolved case's scorecard figures (`case_figures`), recomputed whole
//! from the case, its holds and its survey in the transaction of every
//! change to them: a resolution or reopening (`casework::perform`), a survey
//! drawn or answered (`surveys`), a holiday added or removed (`due_dates`).
//! Nothing is ever added to a running total, so the figures cannot drift
//! from the cases; scorecards then count groups of alike cases in the
//! database instead of every case in Rust. The database's triggers keep the
//! month tallies of the figures (store::tallies) in the same transactions.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeZone};

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

    /// The local month an instant falls in, as `YYYYMM`: the one whose
    /// bounds ([`Settings::month_bounds`], from `start_of_day`) take it in,
    /// so a month's figures are exactly those its period would read.
    pub fn month_of(&self, at: NaiveDateTime) -> i32 {
        let day = self.timezone.from_utc_datetime(&at).date_naive();
        let first = day.with_day(1).unwrap_or(day);
        // The local date's month, but for a zone whose day starts are odd
        // (a gap at midnight), where start_of_day decides.
        [
            first.checked_sub_months(Months::new(1)),
            Some(first),
            first.checked_add_months(Months::new(1)),
        ]
        .into_iter()
        .flatten()
        .map(month_key)
        .find(|m| {
            let (from, until) = self.month_bounds(*m);
            from <= at && at < until
        })
        .unwrap_or_else(|| month_key(first))
    }

    /// The stored (UTC) instants from a month's first day's start to the next month's.
    pub fn month_bounds(&self, month: i32) -> (NaiveDateTime, NaiveDateTime) {
        let first = first_of(month);
        let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
        (self.start_of_day(first), self.start_of_day(next))
    }
}

/// A month's key, `YYYYMM`, from any of its days.
pub fn month_key(day: NaiveDate) -> i32 {
    day.year() * 100 + day.month() as i32
}

/// The first day of a month's key.
pub fn first_of(month: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(month / 100, (month % 100) as u32, 1).unwrap_or(NaiveDate::MIN)
}

/// A resolved case's figures; `None` while it is not resolved.
pub fn of(
    settings: &Settings,
    calendar: &Calendar,
    basis: &str,
    row: &CaseRow,
    holds: &[Hold],
    s: Option<&Survey>,
) -> Option<Figure> {
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
        month: settings.month_of(resolved),
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
                settings,
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

/// Counts the figures of up to `limit` resolved cases that have them on
/// another calendar basis (after a change of `CIVICDESK_TIMEZONE`,
/// `CIVICDESK_WEEKEND` or `CIVICDESK_OFFICE_HOURS`, or a demo history) and,
/// when `look_for_missing` ([`any_missing`]), that have none (after an
/// upgrade or a demo history); returns how many, 0 when none is left.
pub fn catch_up(c: &mut Conn, settings: &Settings, limit: i64, look_for_missing: bool) -> diesel::QueryResult<usize> {
    figures::exclusive(c)?;
    let mut ids = figures::other_basis(c, &settings.calendar_basis(), limit)?;
    if look_for_missing && (ids.len() as i64) < limit {
        ids.extend(figures::missing(c, limit - ids.len() as i64)?);
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let calendar = settings.calendar(c)?;
    refresh_many(c, settings, &calendar, &ids)
}

/// Whether some resolved case may have no figures. Figures are only ever
/// written for resolved cases (and removed when one reopens), so as many
/// figures as resolved cases means none is missing: two counts at each
/// start instead of an anti-join over every case.
pub fn any_missing(c: &mut Conn) -> diesel::QueryResult<bool> {
    Ok(figures::resolved_without_figures(c)? != 0)
}

/// Gives the figures counted before months were kept (month 0) the month of
/// their resolution, one month per call; returns how many, 0 when none is left.
pub fn date_undated(c: &mut Conn, settings: &Settings) -> diesel::QueryResult<usize> {
    let Some(first) = figures::first_undated(c)? else {
        return Ok(0);
    };
    let month = settings.month_of(first);
    let (from, until) = settings.month_bounds(month);
    figures::date(c, month, from, until)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(zone: &str) -> Settings {
        let vars = [("CIVICDESK_TIMEZONE".to_string(), zone.to_string())]
            .into_iter()
            .collect();
        Settings::from_vars(&vars).unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn an_instant_falls_in_the_local_month_whose_bounds_take_it_in() {
        let seoul = settings("Asia/Seoul");
        // 15:00 UTC is midnight in Seoul.
        assert_eq!(seoul.month_of(at("2026-09-30 14:59:59")), 202609);
        assert_eq!(seoul.month_of(at("2026-09-30 15:00:00")), 202610);
        assert_eq!(seoul.month_of(at("2026-12-31 15:00:00")), 202701);
        assert_eq!(
            seoul.month_bounds(202610),
            (at("2026-09-30 15:00:00"), at("2026-10-31 15:00:00"))
        );
        assert_eq!(
            seoul.month_bounds(202612),
            (at("2026-11-30 15:00:00"), at("2026-12-31 15:00:00"))
        );
        assert_eq!((month_key(first_of(202602)), first_of(202602).day()), (202602, 1));
        // Every hour of two years, in zones with and without summer time
        // (and one whose day began at 01:00 on a switch), falls in its bounds.
        for zone in ["Asia/Seoul", "America/New_York", "America/Santiago", "Asia/Beirut"] {
            let s = settings(zone);
            let mut t = at("2025-01-01 00:00:00");
            while t < at("2027-01-01 00:00:00") {
                let (from, until) = s.month_bounds(s.month_of(t));
                assert!(from <= t && t < until, "{zone} {t}");
                t += chrono::Duration::minutes(59);
            }
        }
    }
}
