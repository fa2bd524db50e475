//! The citizen's view: `GET /api/v1/track/{receipt_no}` and withdraw, with
//! the case's access token in `X-Access-Token`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::config::Settings;
use crate::credentials::{same_hash, token_hash};
use crate::db::types::{now, utc};
use crate::db::Conn;
use crate::domain::case::{Kind, Outcome};
use crate::domain::status::Action;
use crate::domain::validation::Errors;
use crate::store::{self, cases::CaseRow, events::Event};
use crate::web::api::actions::clear_answer;
use crate::web::api::cases::Figures;
use crate::web::api::lifecycle::{end_hold, perform, Actor, Ctx};
use crate::web::extract::{JsonBody, OptionalJson};
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::AppState;

/// Compared against when the receipt number is unknown, so that an unknown
/// number and a wrong token take the same work.
const NO_SUCH_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

fn not_found() -> ApiError {
    ApiError::NotFound("no case with that receipt number and access token".into())
}

/// The case when the token matches, else 404 — the same answer for an
/// unknown receipt number, a missing token and a wrong one.
pub fn authorized(c: &mut Conn, receipt_no: &str, token: Option<&str>) -> Result<CaseRow, ApiError> {
    let row = store::cases::find_by_receipt(c, receipt_no)?;
    let given = token_hash(token.unwrap_or(""));
    let stored = row.as_ref().map_or(NO_SUCH_HASH, |r| r.access_token_hash.as_str());
    let ok = same_hash(&given, stored) && token.is_some();
    match row {
        Some(r) if ok => Ok(r),
        _ => Err(not_found()),
    }
}

fn access_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("x-access-token")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The citizen's view of a case: no internal notes, no operator names.
pub fn public_view(c: &mut Conn, settings: &Settings, row: &CaseRow) -> Result<Value, ApiError> {
    let calendar = settings.calendar(c)?;
    let holds = store::holds::for_cases(c, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let figures = Figures::of(&calendar, row, &holds, now());
    let category = match &row.category_id {
        Some(id) => store::categories::find(c, id)?,
        None => None,
    };
    let team = match &row.team_id {
        Some(id) => store::teams::find(c, id)?,
        None => None,
    };
    let timeline: Vec<Value> = store::events::for_case(c, &row.id, true)?
        .iter()
        .map(|e| public_event(settings, e))
        .collect();
    let t = |v: Option<chrono::NaiveDateTime>| v.map(|v| settings.format_time(utc(v)));
    Ok(json!({
        "receipt_no": row.receipt_no,
        "kind": row.kind,
        "category": category.map(|c| json!({"code": c.code, "name": c.name, "name_en": c.name_en})),
        "title": row.title,
        "status": row.status,
        "team": team.map(|t| json!({"name": t.name, "email": t.email})),
        "received_at": settings.format_time(utc(row.received_at)),
        "due_at": settings.format_time(figures.due_at),
        "extended": row.extended,
        "processing_days": figures.processing_days,
        "overdue": figures.overdue,
        "resolved_at": t(row.resolved_at),
        "closed_at": t(row.closed_at),
        "withdrawn_at": t(row.withdrawn_at),
        "outcome": row.outcome,
        "resolution": row.resolution,
        "timeline": timeline,
    }))
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

fn public_event(settings: &Settings, e: &Event) -> Value {
    let mut out = Map::new();
    out.insert("at".into(), json!(settings.format_time(utc(e.at))));
    out.insert("type".into(), json!(e.event_type));
    out.extend(public_fields(e));
    Value::Object(out)
}

/// `GET /api/v1/track/{receipt_no}`.
pub async fn show(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let receipt_no = path.into_inner();
    let token = access_token(&req);
    let settings = state.settings.clone();
    let view = state
        .db
        .read(move |c| {
            let row = authorized(c, &receipt_no, token.as_deref())?;
            public_view(c, &settings, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The optional body of a withdrawal, or the body of a re-review request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why, in the citizen's words.
    pub reason: Option<String>,
}

/// Days after a rejection during which the proposer may ask for a re-review.
pub const RE_REVIEW_DAYS: i64 = 15;

/// Runs a citizen's action on the case their token opens, and answers their view.
async fn citizen_action<F>(
    state: web::Data<AppState>,
    req: HttpRequest,
    receipt_no: String,
    action: Action,
    change: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut Ctx<'_>) -> Result<(), ApiError> + Send + 'static,
{
    let token = access_token(&req);
    let settings = state.settings.clone();
    let view = state
        .db
        .write(move |c| {
            let row = authorized(c, &receipt_no, token.as_deref())?;
            let calendar = settings.calendar(c)?;
            let row = perform(c, &settings, &calendar, Actor::Citizen, row, action, change)?;
            public_view(c, &settings, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /api/v1/track/{receipt_no}/withdraw`: an open case only (409 otherwise).
pub async fn withdraw(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: OptionalJson<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Errors::default();
    let reason = e.optional_text("reason", body.0.and_then(|b| b.reason).as_deref(), 1000);
    e.finish(()).map_err(ApiError::Validation)?;
    citizen_action(state, req, path.into_inner(), Action::Withdraw, move |ctx| {
        end_hold(ctx)?;
        ctx.row.withdrawn_at = Some(ctx.now.naive_utc());
        ctx.event(
            "withdrawn",
            true,
            json!({"reason": reason, "from_status": ctx.from.as_str()}),
        );
        Ok(())
    })
    .await
}

/// `POST /api/v1/track/{receipt_no}/re-review`: `{"reason"}`; a rejected
/// proposal goes back to its team, within 15 days of the decision.
pub async fn re_review(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", body.into_inner().reason.as_deref(), 1000);
    e.finish(()).map_err(ApiError::Validation)?;
    citizen_action(state, req, path.into_inner(), Action::ReReview, move |ctx| {
        if ctx.row.kind != Kind::Proposal.as_str() || ctx.row.outcome.as_deref() != Some(Outcome::Rejected.as_str()) {
            return Err(ApiError::Conflict(
                "only a rejected proposal can be sent back for re-review".into(),
            ));
        }
        let decided = ctx.row.resolved_at.map(|t| ctx.calendar.local_date(t.and_utc()));
        let last_day = decided.map(|d| d + chrono::Duration::days(RE_REVIEW_DAYS));
        if let Some(last) = last_day {
            if ctx.calendar.local_date(ctx.now) > last {
                return Err(ApiError::Conflict(format!(
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
    .await
}
