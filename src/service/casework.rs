//! Case work, every action on a case: the status machine decides, the row
//! changes only if nobody changed it meanwhile, and every change is an event
//! written in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::config::Settings;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::calendar::Calendar;
use crate::domain::case::{Kind, Outcome, Status};
use crate::domain::catalog::Role;
use crate::domain::deadline::{max_extension_days, Deadline, DeadlineUnit};
use crate::domain::status::{transition, Action};
use crate::domain::validation::Errors;
use crate::mail::notices::{to_citizen, Notice};
use crate::service::caller::Operator;
use crate::service::cases::workable_case;
use crate::service::ServiceError;
use crate::store::{self, cases::CaseRow, events::Event};

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
) -> Result<CaseRow, ServiceError>
where
    F: FnOnce(&mut Ctx<'_>) -> Result<(), ServiceError>,
{
    let from = Status::parse(&row.status)
        .ok_or_else(|| ServiceError::Conflict(format!("the case has an unknown status {}", row.status)))?;
    let next = transition(from, action).map_err(|e| ServiceError::Conflict(e.to_string()))?;
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
            return Err(ServiceError::Conflict(
                "the case changed meanwhile; reload it and try again".into(),
            ));
        }
    }
    // Only these change whether (and how) a case counts as resolved.
    if matches!(action, Action::Resolve | Action::Reopen | Action::ReReview) {
        crate::service::figures::refresh(c, settings, calendar, &row)?;
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
pub fn end_hold(ctx: &mut Ctx<'_>) -> Result<i64, ServiceError> {
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

/// Longest note, reply or resolution.
const TEXT_MAX: usize = 10_000;
/// Longest reason.
const REASON_MAX: usize = 1_000;

fn checked<T>(e: Errors, value: T) -> Result<T, ServiceError> {
    e.finish(value).map_err(ServiceError::Invalid)
}

/// Runs one action for an operator who may work the case, and answers the changed case.
fn act<F>(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    action: Action,
    change: F,
) -> Result<CaseRow, ServiceError>
where
    F: FnOnce(&mut Ctx<'_>) -> Result<(), ServiceError>,
{
    let row = workable_case(c, op, id)?;
    let calendar = settings.calendar(c)?;
    perform(c, settings, &calendar, Actor::Operator(op), row, action, change)
}

/// Assigns the case to an active operator of its team.
pub fn assign(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    assignee_id: Option<String>,
) -> Result<CaseRow, ServiceError> {
    act(c, settings, op, id, Action::Assign, move |ctx| {
        let raw = assignee_id.ok_or_else(|| ServiceError::field("assignee_id", "is required"))?;
        let team = ctx
            .row
            .team_id
            .clone()
            .ok_or_else(|| ServiceError::Conflict("the case has no team yet; transfer it to one first".into()))?;
        let assignee = Id::parse(&raw)
            .map(|id| store::operators::find(ctx.c, &id))
            .transpose()?
            .flatten()
            .filter(|o| o.active && o.role != Role::Happycall.as_str())
            .ok_or_else(|| ServiceError::field("assignee_id", format!("no active operator with id \"{raw}\"")))?;
        if !store::operators::is_member(ctx.c, &assignee.id, &team)? {
            return Err(ServiceError::field(
                "assignee_id",
                format!("{} is not in the case's team", assignee.name),
            ));
        }
        ctx.row.assignee_id = Some(assignee.id.clone());
        ctx.event(
            "assigned",
            false,
            json!({"assignee_id": assignee.id, "assignee": assignee.name}),
        );
        Ok(())
    })
}

/// Transfers the case to another active team with a reason; receipt time and due date stay.
pub fn transfer(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    team_id: Option<String>,
    reason: Option<String>,
) -> Result<CaseRow, ServiceError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", reason.as_deref(), REASON_MAX);
    if team_id.is_none() {
        e.add("team_id", "is required");
    }
    let reason = checked(e, reason)?;
    let raw = team_id.unwrap_or_default();
    act(c, settings, op, id, Action::Transfer, move |ctx| {
        let team = Id::parse(&raw)
            .map(|id| store::teams::find(ctx.c, &id))
            .transpose()?
            .flatten()
            .ok_or_else(|| ServiceError::field("team_id", format!("no team with id \"{raw}\"")))?;
        if !team.active {
            return Err(ServiceError::field("team_id", format!("{} is inactive", team.name)));
        }
        if ctx.row.team_id.as_ref() == Some(&team.id) {
            return Err(ServiceError::field("team_id", "the case is already with this team"));
        }
        // How long the team handing over had the case, in working hours, so a
        // drill-down can show each team's share of a transferred case.
        let since = store::events::for_case(ctx.c, &ctx.row.id, false)?
            .iter()
            .rev()
            .find(|e| e.event_type == "transferred")
            .map(|e| e.at)
            .unwrap_or(ctx.row.received_at);
        let hours = ctx.calendar.working_seconds_between(since.and_utc(), ctx.now) as f64 / 3600.0;
        let from = ctx.row.team_id.replace(team.id.clone());
        ctx.row.assignee_id = None;
        ctx.event(
            "transferred",
            true,
            json!({"from_team_id": from, "from_team_working_hours": (hours * 100.0).round() / 100.0,
                   "team_id": team.id, "team": team.name, "reason": reason}),
        );
        Ok(())
    })
}

/// An internal note, never shown to the citizen.
pub fn note(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    body: Option<String>,
) -> Result<CaseRow, ServiceError> {
    message(c, settings, op, id, body, false)
}

/// A public reply on the citizen's timeline, also sent to them.
pub fn reply(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    body: Option<String>,
) -> Result<CaseRow, ServiceError> {
    message(c, settings, op, id, body, true)
}

fn message(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    body: Option<String>,
    public: bool,
) -> Result<CaseRow, ServiceError> {
    let mut e = Errors::default();
    let body = e.required_text("body", body.as_deref(), TEXT_MAX);
    let text = checked(e, body.unwrap_or_default())?;
    let (action, event) = if public {
        (Action::Reply, "replied")
    } else {
        (Action::Note, "note")
    };
    act(c, settings, op, id, action, move |ctx| {
        if public {
            let now = ctx.now;
            to_citizen(ctx.c, ctx.settings, &ctx.row, Notice::Reply { body: text.clone() }, now)?;
        }
        ctx.event(event, public, json!({"body": text}));
        Ok(())
    })
}

/// Begins work; an unassigned case goes to the operator starting it.
pub fn start(c: &mut Conn, settings: &Settings, op: &Operator, id: &Id) -> Result<CaseRow, ServiceError> {
    act(c, settings, op, id, Action::Start, move |ctx| {
        if ctx.row.assignee_id.is_none() {
            ctx.row.assignee_id = Some(op.id.clone());
        }
        ctx.event("started", false, json!({"assignee_id": ctx.row.assignee_id}));
        Ok(())
    })
}

/// Puts the case on hold, waiting on the citizen or a third party; the clock stops.
pub fn hold(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    reason: Option<String>,
) -> Result<CaseRow, ServiceError> {
    let mut e = Errors::default();
    let reason = e.optional_text("reason", reason.as_deref(), REASON_MAX);
    let reason = checked(e, reason)?;
    act(c, settings, op, id, Action::Hold, move |ctx| {
        ctx.row.held_since = Some(ctx.now.naive_utc());
        store::holds::start(ctx.c, &ctx.row.id, ctx.now.naive_utc())?;
        ctx.event("held", false, json!({"reason": reason}));
        Ok(())
    })
}

/// Resumes work; the due date moves out by the working time on hold.
pub fn resume(c: &mut Conn, settings: &Settings, op: &Operator, id: &Id) -> Result<CaseRow, ServiceError> {
    act(c, settings, op, id, Action::Resume, move |ctx| {
        let held = end_hold(ctx)?;
        let due = ctx.time(ctx.row.due_at.and_utc());
        ctx.event(
            "resumed",
            false,
            json!({"held_working_minutes": held / 60, "due_at": due}),
        );
        Ok(())
    })
}

/// What an extension asks for.
#[derive(Debug, Clone, Default)]
pub struct Extension {
    /// Business days to add.
    pub business_days: Option<i64>,
    /// Why, shown to the citizen.
    pub reason: Option<String>,
    /// The citizen agreed (needed for a second extension).
    pub citizen_consent: bool,
}

/// Extends the deadline: once by at most the original period; again only with
/// the citizen's consent. The citizen sees the reason and the new due date.
pub fn extend(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    input: Extension,
) -> Result<CaseRow, ServiceError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", input.reason.as_deref(), REASON_MAX);
    let days = match input.business_days {
        None => {
            e.add("business_days", "is required");
            0
        }
        Some(d) if d < 1 => {
            e.add("business_days", "must be at least 1");
            0
        }
        Some(d) => d,
    };
    let reason = checked(e, reason)?;
    let consent = input.citizen_consent;
    act(c, settings, op, id, Action::Extend, move |ctx| {
        if ctx.row.extension_count >= 1 && !consent {
            return Err(ServiceError::Conflict(
                "the deadline was already extended once; a second extension needs the citizen's consent \
                 (send \"citizen_consent\": true once they agreed)"
                    .into(),
            ));
        }
        let unit = DeadlineUnit::parse(&ctx.row.deadline_unit).unwrap_or(DeadlineUnit::Days);
        let deadline = Deadline {
            amount: ctx.row.deadline_amount.max(1) as u32,
            unit,
        };
        let received = ctx.row.received_at.and_utc();
        let start_day = ctx.calendar.local_date(ctx.calendar.clock_start(received));
        let original_due = ctx.calendar.local_date(ctx.calendar.due_at(received, deadline));
        let max = max_extension_days(deadline, ctx.calendar.business_days_between(start_day, original_due));
        if days > max {
            return Err(ServiceError::field(
                "business_days",
                format!("at most {max} business days: an extension may not exceed the original period"),
            ));
        }
        let due = ctx
            .calendar
            .add_working_seconds(ctx.row.due_at.and_utc(), days * ctx.calendar.day_seconds());
        ctx.row.due_at = due.naive_utc();
        ctx.row.extended = true;
        ctx.row.extension_count += 1;
        let now = ctx.now;
        to_citizen(
            ctx.c,
            ctx.settings,
            &ctx.row,
            Notice::Extension {
                reason: reason.clone().unwrap_or_default(),
            },
            now,
        )?;
        let due = ctx.time(due);
        ctx.event(
            "extended",
            true,
            json!({"business_days": days, "reason": reason, "due_at": due, "citizen_consent": consent,
                   "extension": ctx.row.extension_count}),
        );
        Ok(())
    })
}

/// How far ahead an adopted proposal's implementation may be planned, in years.
pub const PLAN_HORIZON_YEARS: u32 = 10;

/// The answer to the citizen that resolves a case.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// The answer.
    pub resolution: Option<String>,
    /// A proposal's outcome (`adopted`, `rejected`, …).
    pub outcome: Option<String>,
    /// When an adopted proposal will be carried out.
    pub planned_implementation_date: Option<NaiveDate>,
}

/// Resolves the case with the answer to the citizen; proposals carry an
/// outcome, adopted ones a planned implementation date. The happy call starts.
pub fn resolve(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    input: Resolution,
) -> Result<CaseRow, ServiceError> {
    let mut e = Errors::default();
    let resolution = e.required_text("resolution", input.resolution.as_deref(), TEXT_MAX);
    let outcome = e.one_of("outcome", input.outcome.as_deref(), Outcome::parse, &Outcome::names());
    let resolution = checked(e, resolution)?.unwrap_or_default();
    let planned = input.planned_implementation_date;
    let outcome_sent = input.outcome.is_some();
    act(c, settings, op, id, Action::Resolve, move |ctx| {
        let mut e = Errors::default();
        match Kind::parse(&ctx.row.kind) {
            Some(Kind::Proposal) => match outcome {
                None if !outcome_sent => e.add(
                    "outcome",
                    format!("is required for a proposal: one of {}", Outcome::names()),
                ),
                Some(Outcome::Adopted) if planned.is_none() => {
                    e.add("planned_implementation_date", "is required when a proposal is adopted")
                }
                Some(Outcome::Rejected) if planned.is_some() => e.add(
                    "planned_implementation_date",
                    "a rejected proposal has no implementation date",
                ),
                // A plan is for the future: today at the earliest, in the calendar's zone.
                _ if planned.is_some_and(|d| d < ctx.calendar.local_date(ctx.now)) => e.add(
                    "planned_implementation_date",
                    "must be today or later: an implementation plan is for the future",
                ),
                // Further out is not a plan a citizen can hold anyone to (and year 10000 cannot be written as a date).
                _ if planned.is_some_and(|d| {
                    ctx.calendar
                        .local_date(ctx.now)
                        .checked_add_months(chrono::Months::new(12 * PLAN_HORIZON_YEARS))
                        .is_none_or(|last| d > last)
                }) =>
                {
                    e.add(
                        "planned_implementation_date",
                        format!("must be within {PLAN_HORIZON_YEARS} years from today"),
                    )
                }
                _ => {}
            },
            _ => {
                if outcome_sent {
                    e.add("outcome", "only proposals have an outcome");
                }
                if planned.is_some() {
                    e.add("planned_implementation_date", "only adopted proposals have one");
                }
            }
        }
        checked(e, ())?;
        ctx.row.resolution = Some(resolution.clone());
        ctx.row.outcome = outcome.map(|o| o.as_str().to_string());
        ctx.row.planned_implementation_date = planned;
        ctx.row.resolved_at = Some(ctx.now.naive_utc());
        let now = ctx.now;
        to_citizen(ctx.c, ctx.settings, &ctx.row, Notice::Resolution, now)?;
        ctx.event(
            "resolved",
            true,
            json!({"resolution": resolution, "outcome": ctx.row.outcome, "planned_implementation_date": planned}),
        );
        crate::service::surveys::start(ctx)?;
        Ok(())
    })
}

/// Takes the case back to work with a reason; the earlier answer stays in the history.
pub fn reopen(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    id: &Id,
    reason: Option<String>,
) -> Result<CaseRow, ServiceError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", reason.as_deref(), REASON_MAX);
    let reason = checked(e, reason)?;
    act(c, settings, op, id, Action::Reopen, move |ctx| {
        clear_answer(ctx);
        ctx.event(
            "reopened",
            true,
            json!({"reason": reason, "from_status": ctx.from.as_str()}),
        );
        Ok(())
    })
}

/// Takes an answered case back to work: the answer lives on in its event.
pub fn clear_answer(ctx: &mut Ctx<'_>) {
    ctx.row.resolved_at = None;
    ctx.row.closed_at = None;
    ctx.row.resolution = None;
    ctx.row.outcome = None;
    ctx.row.planned_implementation_date = None;
}

/// Closes a resolved case.
pub fn close(c: &mut Conn, settings: &Settings, op: &Operator, id: &Id) -> Result<CaseRow, ServiceError> {
    act(c, settings, op, id, Action::Close, move |ctx| {
        ctx.row.closed_at = Some(ctx.now.naive_utc());
        ctx.event("closed", true, json!({}));
        Ok(())
    })
}
