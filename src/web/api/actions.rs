//! `POST /api/v1/cases/{id}/{action}`: the operator's work on a case.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::db::types::Id;
use crate::domain::case::{Kind, Outcome};
use crate::domain::catalog::Role;
use crate::domain::deadline::{max_extension_days, Deadline, DeadlineUnit};
use crate::domain::status::Action;
use crate::domain::validation::Errors;
use crate::mail::notices::{to_citizen, Notice};
use crate::store;
use crate::web::api::cases::{case_view, workable_case};
use crate::web::api::lifecycle::{end_hold, perform, Actor, Ctx};
use crate::web::auth::Operator;
use crate::web::extract::{JsonBody, OptionalJson};
use crate::web::problem::ApiError;
use crate::web::{path_id, AppState};

/// Longest note, reply or resolution.
const TEXT_MAX: usize = 10_000;
/// Longest reason.
const REASON_MAX: usize = 1_000;

/// Runs one action for an operator who covers the case's team, and answers the case.
async fn run<F>(
    state: web::Data<AppState>,
    op: Operator,
    raw: String,
    action: Action,
    change: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut Ctx<'_>, &Operator) -> Result<(), ApiError> + Send + 'static,
{
    let id = path_id(&raw, "case")?;
    let settings = state.settings.clone();
    let view = state
        .db
        .write(move |c| {
            let row = workable_case(c, &op, &id)?;
            let calendar = settings.calendar(c)?;
            let row = perform(c, &settings, &calendar, Actor::Operator(&op), row, action, |ctx| {
                change(ctx, &op)
            })?;
            case_view(c, &settings, &calendar, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

fn checked<T>(e: Errors, value: T) -> Result<T, ApiError> {
    e.finish(value).map_err(ApiError::Validation)
}

/// `{"assignee_id"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    assignee_id: Option<String>,
}

/// `POST .../assign`: to an active operator of the case's team.
pub async fn assign(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<AssignInput>,
) -> Result<HttpResponse, ApiError> {
    let raw = body.into_inner().assignee_id;
    run(state, op, path.into_inner(), Action::Assign, move |ctx, _| {
        let raw = raw.ok_or_else(|| ApiError::field("assignee_id", "is required"))?;
        let team = ctx
            .row
            .team_id
            .clone()
            .ok_or_else(|| ApiError::Conflict("the case has no team yet; transfer it to one first".into()))?;
        let assignee = Id::parse(&raw)
            .map(|id| store::operators::find(ctx.c, &id))
            .transpose()?
            .flatten()
            .filter(|o| o.active && o.role != Role::Happycall.as_str())
            .ok_or_else(|| ApiError::field("assignee_id", format!("no active operator with id \"{raw}\"")))?;
        if !store::operators::is_member(ctx.c, &assignee.id, &team)? {
            return Err(ApiError::field(
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
    .await
}

/// `{"team_id", "reason"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    team_id: Option<String>,
    reason: Option<String>,
}

/// `POST .../transfer`: to another active team; receipt time and due date stay.
pub async fn transfer(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<TransferInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut e = Errors::default();
    let reason = e.required_text("reason", input.reason.as_deref(), REASON_MAX);
    if input.team_id.is_none() {
        e.add("team_id", "is required");
    }
    let reason = checked(e, reason)?;
    let raw = input.team_id.unwrap_or_default();
    run(state, op, path.into_inner(), Action::Transfer, move |ctx, _| {
        let team = Id::parse(&raw)
            .map(|id| store::teams::find(ctx.c, &id))
            .transpose()?
            .flatten()
            .ok_or_else(|| ApiError::field("team_id", format!("no team with id \"{raw}\"")))?;
        if !team.active {
            return Err(ApiError::field("team_id", format!("{} is inactive", team.name)));
        }
        if ctx.row.team_id.as_ref() == Some(&team.id) {
            return Err(ApiError::field("team_id", "the case is already with this team"));
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
    .await
}

/// `{"body"}` of a note or a reply.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    body: Option<String>,
}

fn message(input: MessageInput) -> Result<String, ApiError> {
    let mut e = Errors::default();
    let body = e.required_text("body", input.body.as_deref(), TEXT_MAX);
    checked(e, body.unwrap_or_default())
}

/// A note or a reply: one event carrying the body.
async fn post_message(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<MessageInput>,
    (action, event, public): (Action, &'static str, bool),
) -> Result<HttpResponse, ApiError> {
    let text = message(body.into_inner())?;
    run(state, op, path.into_inner(), action, move |ctx, _| {
        if public {
            let now = ctx.now;
            to_citizen(ctx.c, ctx.settings, &ctx.row, Notice::Reply { body: text.clone() }, now)?;
        }
        ctx.event(event, public, json!({"body": text}));
        Ok(())
    })
    .await
}

/// `POST .../notes`: internal, never shown to the citizen.
pub async fn note(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<MessageInput>,
) -> Result<HttpResponse, ApiError> {
    post_message(state, op, path, body, (Action::Note, "note", false)).await
}

/// `POST .../replies`: a public message on the citizen's timeline.
pub async fn reply(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<MessageInput>,
) -> Result<HttpResponse, ApiError> {
    post_message(state, op, path, body, (Action::Reply, "replied", true)).await
}

/// `POST .../start`: begin work; an unassigned case goes to the operator starting it.
pub async fn start(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(state, op, path.into_inner(), Action::Start, move |ctx, op| {
        if ctx.row.assignee_id.is_none() {
            ctx.row.assignee_id = Some(op.id.clone());
        }
        ctx.event("started", false, json!({"assignee_id": ctx.row.assignee_id}));
        Ok(())
    })
    .await
}

/// `{"reason"}`, optional or required by the action.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    reason: Option<String>,
}

/// `POST .../hold`: waiting on the citizen or a third party; the clock stops.
pub async fn hold(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: OptionalJson<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Errors::default();
    let reason = e.optional_text("reason", body.0.and_then(|b| b.reason).as_deref(), REASON_MAX);
    let reason = checked(e, reason)?;
    run(state, op, path.into_inner(), Action::Hold, move |ctx, _| {
        ctx.row.held_since = Some(ctx.now.naive_utc());
        store::holds::start(ctx.c, &ctx.row.id, ctx.now.naive_utc())?;
        ctx.event("held", false, json!({"reason": reason}));
        Ok(())
    })
    .await
}

/// `POST .../resume`: the due date moves out by the working time on hold.
pub async fn resume(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(state, op, path.into_inner(), Action::Resume, move |ctx, _| {
        let held = end_hold(ctx)?;
        let due = ctx.time(ctx.row.due_at.and_utc());
        ctx.event(
            "resumed",
            false,
            json!({"held_working_minutes": held / 60, "due_at": due}),
        );
        Ok(())
    })
    .await
}

/// `{"business_days", "reason", "citizen_consent"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtendInput {
    business_days: Option<i64>,
    reason: Option<String>,
    #[serde(default)]
    citizen_consent: bool,
}

/// `POST .../extend`: once by at most the original period; again only with
/// the citizen's consent. The citizen sees the reason and the new due date.
pub async fn extend(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<ExtendInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
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
    run(state, op, path.into_inner(), Action::Extend, move |ctx, _| {
        if ctx.row.extension_count >= 1 && !consent {
            return Err(ApiError::Conflict(
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
            return Err(ApiError::field(
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
    .await
}

/// `{"resolution", "outcome", "planned_implementation_date"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    resolution: Option<String>,
    outcome: Option<String>,
    planned_implementation_date: Option<NaiveDate>,
}

/// `POST .../resolve`: the answer to the citizen; proposals carry an outcome,
/// adopted ones a planned implementation date.
pub async fn resolve(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<ResolveInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut e = Errors::default();
    let resolution = e.required_text("resolution", input.resolution.as_deref(), TEXT_MAX);
    let outcome = e.one_of("outcome", input.outcome.as_deref(), Outcome::parse, &Outcome::names());
    let resolution = checked(e, resolution)?.unwrap_or_default();
    let planned = input.planned_implementation_date;
    let outcome_sent = input.outcome.is_some();
    run(state, op, path.into_inner(), Action::Resolve, move |ctx, _| {
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
        crate::web::api::surveys::start(ctx)?;
        Ok(())
    })
    .await
}

/// `POST .../reopen`: `{"reason"}`; back to work, the earlier answer stays in the history.
pub async fn reopen(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", body.into_inner().reason.as_deref(), REASON_MAX);
    let reason = checked(e, reason)?;
    run(state, op, path.into_inner(), Action::Reopen, move |ctx, _| {
        clear_answer(ctx);
        ctx.event(
            "reopened",
            true,
            json!({"reason": reason, "from_status": ctx.from.as_str()}),
        );
        Ok(())
    })
    .await
}

/// Takes an answered case back to work: the answer lives on in its event.
pub fn clear_answer(ctx: &mut Ctx<'_>) {
    ctx.row.resolved_at = None;
    ctx.row.closed_at = None;
    ctx.row.resolution = None;
    ctx.row.outcome = None;
    ctx.row.planned_implementation_date = None;
}

/// `POST .../close`.
pub async fn close(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(state, op, path.into_inner(), Action::Close, move |ctx, _| {
        ctx.row.closed_at = Some(ctx.now.naive_utc());
        ctx.event("closed", true, json!({}));
        Ok(())
    })
    .await
}
