//! Performing an action on a case: the status machine decides, the row
//! changes only if nobody changed it meanwhile, and every change is an event
//! written in the same transaction.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::config::Settings;
use crate::db::types::now;
use crate::db::Conn;
use crate::domain::calendar::Calendar;
use crate::domain::case::Status;
use crate::domain::status::{transition, Action};
use crate::store::{self, cases::CaseRow, events::Event};
use crate::web::auth::Operator;
use crate::web::problem::ApiError;

/// Who acts.
#[derive(Debug, Clone)]
pub enum Actor<'a> {
    /// An operator.
    Operator(&'a Operator),
    /// The citizen, through their access token.
    Citizen,
}

/// What an action handler sees and changes.
pub struct Ctx<'a> {
    /// The connection, inside the action's transaction.
    pub c: &'a mut Conn,
    /// Settings.
    pub settings: &'a Settings,
    /// The business calendar.
    pub calendar: &'a Calendar,
    /// The moment of the action.
    pub now: DateTime<Utc>,
    /// The case, already moved to its next status; change what the action changes.
    pub row: CaseRow,
    /// The status before the action.
    pub from: Status,
    events: Vec<(String, bool, Value)>,
}

impl Ctx<'_> {
    /// Records an event of this action; `public` ones show on the citizen's timeline.
    pub fn event(&mut self, kind: &str, public: bool, data: Value) {
        self.events.push((kind.to_string(), public, data));
    }

    /// An instant formatted for people.
    pub fn time(&self, t: DateTime<Utc>) -> String {
        self.settings.format_time(t)
    }
}

/// Runs `action` on `row`: 409 when the status does not allow it or the case
/// changed meanwhile; otherwise the changed row, saved with its events.
pub fn perform<F>(
    c: &mut Conn,
    settings: &Settings,
    calendar: &Calendar,
    actor: Actor<'_>,
    row: CaseRow,
    action: Action,
    change: F,
) -> Result<CaseRow, ApiError>
where
    F: FnOnce(&mut Ctx<'_>) -> Result<(), ApiError>,
{
    let from = Status::parse(&row.status).ok_or_else(|| ApiError::Internal(format!("stored status {}", row.status)))?;
    let next = transition(from, action).map_err(|e| ApiError::Conflict(e.to_string()))?;
    let version = row.version;
    let at = now();
    let mut ctx = Ctx {
        c,
        settings,
        calendar,
        now: at,
        row,
        from,
        events: Vec::new(),
    };
    ctx.row.status = next.as_str().into();
    ctx.row.is_open = next.is_open();
    change(&mut ctx)?;
    let Ctx { c, mut row, events, .. } = ctx;
    // A note changes nothing of the case, so it never conflicts with other work.
    if action != Action::Note {
        row.version = version + 1;
        row.updated_at = at.naive_utc();
        if !store::cases::update_versioned(c, &row, version)? {
            return Err(ApiError::Conflict(
                "the case changed meanwhile; reload it and try again".into(),
            ));
        }
    }
    let (actor_kind, actor_id) = match actor {
        Actor::Operator(o) => ("operator", Some(o.id.clone())),
        Actor::Citizen => ("citizen", None),
    };
    for (kind, public, data) in events {
        store::events::append(
            c,
            &Event::new(
                &row.id,
                at.naive_utc(),
                actor_kind,
                actor_id.clone(),
                &kind,
                public,
                data,
            ),
        )?;
    }
    Ok(row)
}

/// Ends the current hold, if any: the due instant moves out by the working
/// time spent on hold (RULES.md). Returns the working seconds held.
pub fn end_hold(ctx: &mut Ctx<'_>) -> Result<i64, ApiError> {
    let Some(since) = ctx.row.held_since.take() else {
        return Ok(0);
    };
    let held = ctx.calendar.held_seconds(since.and_utc(), ctx.now);
    if held > 0 {
        let due = ctx.calendar.add_working_seconds(ctx.row.due_at.and_utc(), held);
        ctx.row.due_at = due.naive_utc();
    }
    store::holds::end(ctx.c, &ctx.row.id, ctx.now.naive_utc())?;
    Ok(held)
}
