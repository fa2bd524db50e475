//! Due dates follow the holiday table: when the set of holidays changes, every
//! open case whose deadline runs over a changed day is counted again, and the
//! citizen's timeline shows the new date with the reason.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::config::Settings;
use crate::db::types::utc;
use crate::db::Conn;
use crate::domain::deadline::{Deadline, DeadlineUnit};
use crate::store::{self, events::Event};

use super::holidays::HolidayChange;

/// Event type recording a due date moved by a change of the holidays.
pub const DUE_DATE_CHANGED: &str = "due_date_changed";

/// Why the due dates moved, in the words of the changes.
pub fn reason(changes: &[HolidayChange]) -> String {
    changes
        .iter()
        .map(|h| {
            let what = if h.added { "added" } else { "removed" };
            format!("holiday {what}: {} {}", h.date, h.name)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Recounts the open cases a change of the holiday set may touch, in the
/// transaction of the change; returns how many due dates moved.
pub fn holidays_changed(
    c: &mut Conn,
    settings: &Settings,
    changes: &[HolidayChange],
    now: DateTime<Utc>,
) -> diesel::QueryResult<usize> {
    let (Some(first), Some(last)) = (
        changes.iter().map(|h| h.date).min(),
        changes.iter().map(|h| h.date).max(),
    ) else {
        return Ok(0);
    };
    // Resolved cases keep their due dates, but their processing days are
    // counted again with the new set of holidays.
    super::figures::days_changed(
        c,
        settings,
        settings.start_of_day(first),
        settings.start_of_day(last + Duration::days(1)),
    )?;
    // A day can only move a deadline counted from before it to after it; the
    // margin takes in holds, which push a due date past the days they covered.
    let received_before = settings.start_of_day(last + Duration::days(1));
    let due_after = settings.start_of_day(first - Duration::days(31));
    let candidates = store::cases::open_in_window(c, received_before, due_after)?;
    if candidates.is_empty() {
        return Ok(0);
    }
    let calendar = settings.calendar(c)?;
    let why = reason(changes);
    let ids: Vec<_> = candidates.iter().map(|r| r.id.clone()).collect();
    let holds = store::holds::for_cases(c, &ids)?;
    let mut moved = 0;
    for row in candidates {
        let deadline = Deadline {
            amount: row.deadline_amount.max(1) as u32,
            unit: DeadlineUnit::parse(&row.deadline_unit).unwrap_or(DeadlineUnit::Days),
        };
        let extension_days = store::events::extension_days(c, &row.id)?;
        let case_holds = holds.get(&row.id).map(Vec::as_slice).unwrap_or(&[]);
        let due = calendar.due_with(utc(row.received_at), deadline, extension_days, case_holds);
        let previous = utc(row.due_at);
        if due == previous {
            continue;
        }
        store::cases::move_due(c, &row.id, due.naive_utc(), now.naive_utc())?;
        let data = json!({
            "due_at": settings.format_time(due),
            "previous_due_at": settings.format_time(previous),
            "reason": why,
            "holidays": changes.iter().map(|h| json!({
                "date": h.date, "name": h.name, "change": if h.added { "added" } else { "removed" },
            })).collect::<Vec<_>>(),
        });
        let event = Event::by_system(&row.id, now.naive_utc(), DUE_DATE_CHANGED, true, data);
        store::events::append(c, &event)?;
        moved += 1;
        tracing::info!(case = %row.id, "due date moved by a holiday change");
    }
    Ok(moved)
}
