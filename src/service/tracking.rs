//! The citizen's side of a case, opened by its receipt number and access
//! token: what they may see of it, and what they may do (withdraw, ask for
//! a re-review of a rejected proposal).

use serde_json::{json, Map, Value};

use super::cases::Figures;
use super::casework::{clear_answer, end_hold, perform, Actor, Ctx};
use super::ServiceError;
use crate::config::Settings;
use crate::credentials::{same_hash, token_hash};
use crate::db::Conn;
use crate::domain::case::{Kind, Outcome};
use crate::domain::status::Action;
use crate::domain::validation::Errors;
use crate::store::{self, cases::CaseRow, categories::Category, events::Event, teams::Team};

/// Compared against when the receipt number is unknown, so that an unknown
/// number and a wrong token take the same work.
const NO_SUCH_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Days after a rejection during which the proposer may ask for a re-review.
pub const RE_REVIEW_DAYS: i64 = 15;

/// Longest reason a citizen gives.
const REASON_MAX: usize = 1000;

/// What of a public event's data the citizen sees; everything else (operator
/// ids and names, rule ids, transfer reasons) stays internal.
pub fn public_keys(event_type: &str) -> &'static [&'static str] {
    match event_type {
        "received" => &["channel", "received_at", "due_at"],
        "routed" | "transferred" => &["team"],
        "replied" => &["body"],
        "extended" => &["business_days", "reason", "due_at"],
        "due_date_changed" => &["due_at", "previous_due_at", "reason"],
        "resolved" => &["resolution", "outcome", "planned_implementation_date"],
        "withdrawn" | "re_review_requested" => &["reason"],
        _ => &[],
    }
}

/// The fields of an event the citizen may see (see [`public_keys`]), nulls left out.
pub fn public_fields(e: &Event) -> Map<String, Value> {
    match serde_json::from_str::<Value>(&e.data) {
        Ok(Value::Object(fields)) => fields
            .into_iter()
            .filter(|(k, v)| public_keys(&e.event_type).contains(&k.as_str()) && !v.is_null())
            .collect(),
        _ => Map::new(),
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("no case with that receipt number and access token".into())
}

/// The case when the token matches, else not found — the same answer for an
/// unknown receipt number, a missing token and a wrong one.
pub fn authorized(c: &mut Conn, receipt_no: &str, token: Option<&str>) -> Result<CaseRow, ServiceError> {
    let row = store::cases::find_by_receipt(c, receipt_no)?;
    let given = token_hash(token.unwrap_or(""));
    let stored = row.as_ref().map_or(NO_SUCH_HASH, |r| r.access_token_hash.as_str());
    let ok = same_hash(&given, stored) && token.is_some();
    match row {
        Some(r) if ok => Ok(r),
        _ => Err(not_found()),
    }
}

/// What the citizen sees of their case: no internal notes, no operator names.
pub struct PublicCase {
    /// The case (render only what a citizen may see of it).
    pub row: CaseRow,
    /// Its category.
    pub category: Option<Category>,
    /// The team handling it.
    pub team: Option<Team>,
    /// Processing days, due date, overdue.
    pub figures: Figures,
    /// The public events, in order (show their [`public_fields`]).
    pub timeline: Vec<Event>,
}

fn public_case(c: &mut Conn, settings: &Settings, row: CaseRow) -> Result<PublicCase, ServiceError> {
    let timeline = store::events::for_case(c, &row.id, true)?;
    // The operator's reading of the case, of which the citizen gets the public part.
    let d = super::cases::detail(c, settings, row)?;
    Ok(PublicCase {
        row: d.row,
        category: d.category,
        team: d.team,
        figures: d.figures,
        timeline,
    })
}

/// The citizen's view of the case their receipt number and token open.
pub fn show(
    c: &mut Conn,
    settings: &Settings,
    receipt_no: &str,
    token: Option<&str>,
) -> Result<PublicCase, ServiceError> {
    let row = authorized(c, receipt_no, token)?;
    public_case(c, settings, row)
}

/// Runs a citizen's action on the case their token opens, and answers their view.
fn citizen_action<F>(
    c: &mut Conn,
    settings: &Settings,
    receipt_no: &str,
    token: Option<&str>,
    action: Action,
    change: F,
) -> Result<PublicCase, ServiceError>
where
    F: FnOnce(&mut Ctx<'_>) -> Result<(), ServiceError>,
{
    let row = authorized(c, receipt_no, token)?;
    let calendar = settings.calendar(c)?;
    let row = perform(c, settings, &calendar, Actor::Citizen, row, action, change)?;
    public_case(c, settings, row)
}

/// Withdraws an open case (a conflict otherwise), with an optional reason.
pub fn withdraw(
    c: &mut Conn,
    settings: &Settings,
    receipt_no: &str,
    token: Option<&str>,
    reason: Option<String>,
) -> Result<PublicCase, ServiceError> {
    let mut e = Errors::default();
    let reason = e.optional_text("reason", reason.as_deref(), REASON_MAX);
    e.finish(()).map_err(ServiceError::Invalid)?;
    citizen_action(c, settings, receipt_no, token, Action::Withdraw, move |ctx| {
        end_hold(ctx)?;
        ctx.row.withdrawn_at = Some(ctx.now.naive_utc());
        ctx.event(
            "withdrawn",
            true,
            json!({"reason": reason, "from_status": ctx.from.as_str()}),
        );
        Ok(())
    })
}

/// Sends a rejected proposal back to its team, within [`RE_REVIEW_DAYS`] of the decision.
pub fn re_review(
    c: &mut Conn,
    settings: &Settings,
    receipt_no: &str,
    token: Option<&str>,
    reason: Option<String>,
) -> Result<PublicCase, ServiceError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", reason.as_deref(), REASON_MAX);
    e.finish(()).map_err(ServiceError::Invalid)?;
    citizen_action(c, settings, receipt_no, token, Action::ReReview, move |ctx| {
        if ctx.row.kind != Kind::Proposal.as_str() || ctx.row.outcome.as_deref() != Some(Outcome::Rejected.as_str()) {
            return Err(ServiceError::Conflict(
                "only a rejected proposal can be sent back for re-review".into(),
            ));
        }
        let decided = ctx.row.resolved_at.map(|t| ctx.calendar.local_date(t.and_utc()));
        let last_day = decided.map(|d| d + chrono::Duration::days(RE_REVIEW_DAYS));
        if let Some(last) = last_day {
            if ctx.calendar.local_date(ctx.now) > last {
                return Err(ServiceError::Conflict(format!(
                    "a re-review could be requested until {last}, {RE_REVIEW_DAYS} days after the decision"
                )));
            }
        }
        let rejected = ctx.row.resolution.clone();
        clear_answer(ctx);
        ctx.event(
            "re_review_requested",
            true,
            json!({"reason": reason, "rejected_with": rejected}),
        );
        Ok(())
    })
}
