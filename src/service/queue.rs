//! Work queues: the cases an operator may list, filtered, keyset-paged, each
//! with its figures as of now. Managers and agents see their teams' cases;
//! happy-call operators have their own list (the happy-call worklist).

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeZone};

use super::caller::Operator;
use super::cases::Figures;
use super::ServiceError;
use crate::config::Settings;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::access::may_list_cases;
use crate::domain::case::{Status, OPEN_STATUSES};
use crate::domain::catalog::Role;
use crate::store::{
    self,
    cases::{CaseRow, Filter, Sort},
};

/// The filters a queue is asked for, every one optional and all combined.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Status in this list.
    pub statuses: Vec<String>,
    /// This kind.
    pub kind: Option<String>,
    /// This team (a manager's or agent's own).
    pub team: Option<Id>,
    /// This category, by code.
    pub category: Option<String>,
    /// This assignee.
    pub assignee: Option<Id>,
    /// Only open cases past their due date.
    pub overdue: bool,
    /// Due before this instant.
    pub due_before: Option<NaiveDateTime>,
    /// Received at or after this instant.
    pub received_from: Option<NaiveDateTime>,
    /// Received before this instant.
    pub received_before: Option<NaiveDateTime>,
    /// Words in the title or description.
    pub text: Option<String>,
}

impl QueueFilter {
    /// Only cases in these statuses.
    pub fn of_statuses(list: &[Status]) -> QueueFilter {
        QueueFilter {
            statuses: list.iter().map(|s| s.as_str().to_string()).collect(),
            ..Default::default()
        }
    }
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone)]
pub struct Page {
    /// The order.
    pub sort: Sort,
    /// The sort key and id of the last case of the previous page.
    pub after: Option<(NaiveDateTime, Id)>,
    /// At most this many cases.
    pub limit: i64,
}

/// A case on a queue, with what the list shows beside it.
pub struct QueueItem {
    /// The case.
    pub row: CaseRow,
    /// Its category's code.
    pub category_code: Option<String>,
    /// Its team's name.
    pub team_name: Option<String>,
    /// Processing days, due date and whether it is overdue, as of now.
    pub figures: Figures,
}

/// One page of a queue.
pub struct Queue {
    /// The cases, in the page's order.
    pub items: Vec<QueueItem>,
    /// Whether more follow this page.
    pub more: bool,
}

/// The store's filter for an operator's queue: managers and agents within their teams.
fn scoped(
    c: &mut Conn,
    op: &Operator,
    filter: QueueFilter,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Filter, ServiceError> {
    let mut f = Filter {
        statuses: filter.statuses,
        kind: filter.kind,
        team: filter.team,
        assignee: filter.assignee,
        overdue_at: filter.overdue.then(|| at.naive_utc()),
        due_before: filter.due_before,
        received_from: filter.received_from,
        received_before: filter.received_before,
        text: filter.text,
        ..Filter::default()
    };
    if matches!(op.role, Role::Manager | Role::Agent) {
        if let Some(t) = &f.team {
            if !op.team_ids.contains(t) {
                return Err(ServiceError::Forbidden("that team is not one of yours".into()));
            }
        }
        f.within_teams = Some(op.team_ids.clone());
    }
    if let Some(code) = &filter.category {
        let cat = store::categories::find_by_code(c, code)?
            .ok_or_else(|| ServiceError::field("category", format!("no category with code \"{code}\"")))?;
        f.category = Some(cat.id);
    }
    Ok(f)
}

/// The counts of an operator's cases the dashboard shows.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// Received, nobody assigned yet.
    pub new: i64,
    /// Assigned or being worked on.
    pub in_progress: i64,
    /// Waiting on the citizen or a third party.
    pub on_hold: i64,
    /// Open and due before the end of today (not yet overdue).
    pub due_today: i64,
    /// Open and past due.
    pub overdue: i64,
}

/// The counts of the cases an operator may list (managers and agents: their teams).
pub fn overview(c: &mut Conn, settings: &Settings, op: &Operator) -> Result<Overview, ServiceError> {
    let at = now();
    let statuses = QueueFilter::of_statuses;
    let count = |c: &mut Conn, f: QueueFilter| -> Result<i64, ServiceError> {
        let f = scoped(c, op, f, at)?;
        Ok(store::cases::count(c, &f)?)
    };
    // On hold the clock stands still: those cases are neither due today nor overdue by their stored date.
    let working: Vec<Status> = OPEN_STATUSES.into_iter().filter(|s| *s != Status::OnHold).collect();
    let open = OPEN_STATUSES;
    let tomorrow = settings
        .timezone
        .from_utc_datetime(&at.naive_utc())
        .date_naive()
        .succ_opt()
        .map(|d| settings.start_of_day(d));
    let overdue = count(
        c,
        QueueFilter {
            overdue: true,
            ..statuses(&open)
        },
    )?;
    let late = count(
        c,
        QueueFilter {
            overdue: true,
            ..statuses(&working)
        },
    )?;
    let due_by_tonight = count(
        c,
        QueueFilter {
            due_before: tomorrow,
            ..statuses(&working)
        },
    )?;
    Ok(Overview {
        new: count(c, statuses(&[Status::Received]))?,
        in_progress: count(c, statuses(&[Status::Assigned, Status::InProgress]))?,
        on_hold: count(c, statuses(&[Status::OnHold]))?,
        due_today: (due_by_tonight - late).max(0),
        overdue,
    })
}

/// The page of the queue the filters describe. A category code nobody
/// knows is an invalid `category`.
pub fn list(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    filter: QueueFilter,
    page: Page,
) -> Result<Queue, ServiceError> {
    if !may_list_cases(op.role) {
        return Err(ServiceError::Forbidden(
            "a happy-call operator's cases are on GET /api/v1/happy-calls".into(),
        ));
    }
    let at = now();
    let f = scoped(c, op, filter, at)?;
    let mut rows = store::cases::queue(c, &f, page.sort, page.after, page.limit + 1)?;
    let more = rows.len() as i64 > page.limit;
    rows.truncate(page.limit as usize);
    let calendar = settings.calendar(c)?;
    let teams: HashMap<Id, String> = store::teams::list(c)?.into_iter().map(|t| (t.id, t.name)).collect();
    let cats: HashMap<Id, String> = store::categories::list(c)?
        .into_iter()
        .map(|k| (k.id, k.code))
        .collect();
    let ids: Vec<Id> = rows.iter().map(|r| r.id.clone()).collect();
    let mut holds = store::holds::for_cases(c, &ids)?;
    let items = rows
        .into_iter()
        .map(|row| QueueItem {
            figures: Figures::of(&calendar, &row, &holds.remove(&row.id).unwrap_or_default(), at),
            category_code: row.category_id.as_ref().and_then(|id| cats.get(id)).cloned(),
            team_name: row.team_id.as_ref().and_then(|id| teams.get(id)).cloned(),
            row,
        })
        .collect();
    Ok(Queue { items, more })
}
