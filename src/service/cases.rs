//! Reading cases: who sees how much of a case, the case with what an
//! operator reads beside it, its history, and the figures the calendar gives it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::caller::Operator;
use super::reference::{Reference, TokenHolder};
use super::ServiceError;
use crate::config::Settings;
use crate::db::types::{now, utc, Id};
use crate::db::Conn;
use crate::domain::access::{may_work, sight, Sight};
use crate::domain::calendar::{Calendar, Hold};
use crate::domain::case::{is_overdue, Status};
use crate::domain::catalog::Role;
use crate::store::{self, cases::CaseRow, categories::Category, events::Event, operators, teams::Team};

/// A case and how much of it the operator sees (domain::access): not found
/// when unknown, forbidden when they see nothing of it.
pub fn seen_case(c: &mut Conn, op: &Operator, id: &Id) -> Result<(CaseRow, Sight), ServiceError> {
    let row = store::cases::find(c, id)?.ok_or_else(|| ServiceError::not_found("case", id.as_str()))?;
    let seen = sight_of(c, op, &row)?;
    Ok((row, seen))
}

/// How much of a case the operator sees; forbidden when nothing.
fn sight_of(c: &mut Conn, op: &Operator, row: &CaseRow) -> Result<Sight, ServiceError> {
    let in_teams = row.team_id.as_ref().is_some_and(|t| op.team_ids.contains(t));
    let status = Status::parse(&row.status).unwrap_or(Status::Received);
    let on_worklist = op.role == Role::Happycall && store::surveys::on_worklist(c, &row.id, now().naive_utc())?;
    match sight(op.role, in_teams, status, on_worklist) {
        Sight::Nothing if op.role == Role::Happycall => Err(ServiceError::Forbidden(
            "a happy-call operator sees only resolved cases on the happy-call worklist".into(),
        )),
        Sight::Nothing => Err(ServiceError::Forbidden(
            "this case belongs to a team you are not in".into(),
        )),
        seen => Ok(seen),
    }
}

/// A case the operator may work on (assign, reply, resolve, …).
pub fn workable_case(c: &mut Conn, op: &Operator, id: &Id) -> Result<CaseRow, ServiceError> {
    let (row, seen) = seen_case(c, op, id)?;
    if !may_work(op.role, seen) {
        return Err(ServiceError::Forbidden(format!(
            "the role {} does not work cases",
            op.role.as_str()
        )));
    }
    Ok(row)
}

/// A case with what an operator reads beside it.
pub struct CaseDetail {
    /// The case.
    pub row: CaseRow,
    /// Its category.
    pub category: Option<Category>,
    /// The team it is with.
    pub team: Option<Team>,
    /// Who works it; `None` also when the reader may not know (the happy-call view).
    pub assignee: Option<operators::Operator>,
    /// Processing days, due date and whether it is overdue, as of now.
    pub figures: Figures,
}

/// The case as an operator reads it, with its figures as of now.
pub fn detail(c: &mut Conn, settings: &Settings, row: CaseRow) -> Result<CaseDetail, ServiceError> {
    let reference = super::reference::current(c)?;
    let holds = store::holds::for_cases(c, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(detail_with(settings, &reference, row, &holds))
}

/// The case as an operator reads it, from its holds and the reference data.
fn detail_with(settings: &Settings, reference: &Reference, row: CaseRow, holds: &[Hold]) -> CaseDetail {
    let calendar = settings.calendar_of(reference);
    let category = row.category_id.as_ref().and_then(|id| reference.category(id)).cloned();
    let team = row.team_id.as_ref().and_then(|id| reference.teams.get(id)).cloned();
    let assignee = row
        .assignee_id
        .as_ref()
        .and_then(|id| reference.operators.get(id))
        .cloned();
    let figures = Figures::of(&calendar, &row, holds, now());
    CaseDetail {
        row,
        category,
        team,
        assignee,
        figures,
    }
}

/// One case for an operator covering it; a happy-call operator does not learn who worked it.
pub fn show(c: &mut Conn, settings: &Settings, op: &Operator, id: &Id) -> Result<CaseDetail, ServiceError> {
    let (row, seen) = seen_case(c, op, id)?;
    Ok(as_seen(detail(c, settings, row)?, seen))
}

/// The case as this much sight shows it: the public view leaves out who works it.
fn as_seen(mut detail: CaseDetail, seen: Sight) -> CaseDetail {
    if seen == Sight::Public {
        detail.assignee = None;
    }
    detail
}

/// One case for the holder of an API token (by its hash), with the holder:
/// the API's most frequent request, so the case, its holds and the reference
/// data's version come in one statement on PostgreSQL, and the token from
/// the reference data in memory. An unknown token is the outer error; what
/// the holder may not read (no such case, another team's) the inner one, so
/// that the holder's use of the token is recorded either way.
pub fn read_with_token(
    c: &mut Conn,
    settings: &Settings,
    token_hash: &str,
    id: &Id,
) -> Result<(Arc<TokenHolder>, Result<CaseDetail, ServiceError>), ServiceError> {
    let found = store::cases::find_for_reading(c, id)?;
    let reference = match &found {
        Some(f) => super::reference::at(c, f.version.0.clone(), f.version.1)?,
        None => super::reference::current(c)?,
    };
    // Who asks comes first: an unknown token learns nothing, not even whether the case exists.
    let holder = reference
        .token(c, token_hash)?
        .ok_or_else(|| ServiceError::Unauthenticated(super::UNKNOWN_TOKEN.into()))?;
    let Some(found) = found else {
        return Ok((holder, Err(ServiceError::not_found("case", id.as_str()))));
    };
    let seen = match sight_of(c, &holder.operator, &found.row) {
        Ok(seen) => seen,
        Err(refused @ ServiceError::Forbidden(_)) => return Ok((holder, Err(refused))),
        Err(failed) => return Err(failed),
    };
    let detail = detail_with(settings, &reference, found.row, &found.holds);
    Ok((holder, Ok(as_seen(detail, seen))))
}

/// A case's history as the operator may read it.
pub enum History {
    /// Everything, with the names of the operators who acted.
    Whole(Vec<Event>, HashMap<Id, String>),
    /// The citizen's timeline only (public events; their public fields).
    Public(Vec<Event>),
}

/// The history of a case, in order.
pub fn history(c: &mut Conn, op: &Operator, id: &Id) -> Result<History, ServiceError> {
    let (_, seen) = seen_case(c, op, id)?;
    if seen == Sight::Public {
        return Ok(History::Public(store::events::for_case(c, id, true)?));
    }
    let events = store::events::for_case(c, id, false)?;
    let mut names = HashMap::new();
    for a in events.iter().filter_map(|e| e.actor_id.as_ref()) {
        if !names.contains_key(a) {
            if let Some(o) = store::operators::find(c, a)? {
                names.insert(a.clone(), o.name);
            }
        }
    }
    Ok(History::Whole(events, names))
}

/// Figures computed with the business calendar for a case at a moment.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Processing days so far (or to resolution or withdrawal).
    pub processing_days: i64,
    /// The due instant, moved out by a hold still running.
    pub due_at: DateTime<Utc>,
    /// Open and past due; on hold the clock is stopped.
    pub overdue: bool,
}

impl Figures {
    /// The figures of a case with its holds, as of `at`.
    pub fn of(calendar: &Calendar, row: &CaseRow, holds: &[Hold], at: DateTime<Utc>) -> Figures {
        let status = Status::parse(&row.status).unwrap_or(Status::Received);
        let end = row.resolved_at.or(row.withdrawn_at).map(utc).unwrap_or(at);
        let stored_due = utc(row.due_at);
        let (due_at, overdue) = match row.held_since.map(utc) {
            Some(since) => {
                let running = Hold {
                    from: since,
                    until: None,
                };
                (
                    calendar.due_after_holds(stored_due, &[running], at),
                    is_overdue(stored_due, Some(since), at),
                )
            }
            None => (stored_due, status.is_open() && is_overdue(stored_due, None, at)),
        };
        Figures {
            processing_days: calendar.processing_days(utc(row.received_at), end, holds),
            due_at,
            overdue,
        }
    }
}

/// Everything the case page shows: the case, its history, its survey, who it
/// may be assigned to, the teams it may go to, and whether the reader works it.
pub struct Workbench {
    /// The case.
    pub detail: CaseDetail,
    /// Its history as the reader may see it.
    pub history: History,
    /// Its happy-call survey, if one was drawn.
    pub survey: Option<crate::store::surveys::Survey>,
    /// Active operators of its team (not happy-call), by name.
    pub assignable: Vec<(Id, String)>,
    /// Active teams, by name.
    pub teams: Vec<(Id, String)>,
    /// Whether the reader may work the case.
    pub workable: bool,
}

/// The case page's contents for an operator.
pub fn workbench(c: &mut Conn, settings: &Settings, op: &Operator, id: &Id) -> Result<Workbench, ServiceError> {
    let (_, seen) = seen_case(c, op, id)?;
    let detail = show(c, settings, op, id)?;
    let history = history(c, op, id)?;
    let survey = store::surveys::for_case(c, id)?;
    let mut assignable = Vec::new();
    if let Some(team) = &detail.row.team_id {
        let members: Vec<Id> = store::operators::all_memberships(c)?
            .into_iter()
            .filter(|(_, t)| t == team)
            .map(|(o, _)| o)
            .collect();
        for o in store::operators::list(c)? {
            if o.active && o.role != Role::Happycall.as_str() && members.contains(&o.id) {
                assignable.push((o.id, o.name));
            }
        }
    }
    let teams = store::teams::list(c)?
        .into_iter()
        .filter(|t| t.active)
        .map(|t| (t.id, t.name))
        .collect();
    Ok(Workbench {
        detail,
        history,
        survey,
        assignable,
        teams,
        workable: may_work(op.role, seen),
    })
}
