//! The citizen's view: `GET /api/v1/track/{receipt_no}` and withdraw, with
//! the case's access token in `X-Access-Token` (use cases in `service::tracking`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::config::Settings;
use crate::db::types::utc;
use crate::service::tracking::{self, public_fields, PublicCase};
use crate::web::api::doc::Problem;
use crate::web::extract::{JsonBody, OptionalJson};
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::AppState;

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(show, withdraw, re_review))]
pub struct Doc;

/// The `X-Access-Token` header, trimmed; blank counts as absent.
pub fn access_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("x-access-token")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A category as the citizen sees it.
#[derive(Serialize, ToSchema)]
pub struct PublicCategory {
    /// Code.
    pub code: String,
    /// Korean name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
}

/// The team as the citizen sees it.
#[derive(Serialize, ToSchema)]
pub struct PublicTeam {
    /// Name.
    pub name: String,
    /// Its contact address.
    pub email: Option<String>,
}

/// The citizen's view of a case: no internal notes, no operator names.
#[derive(Serialize, ToSchema)]
pub struct TrackView {
    /// Receipt number.
    pub receipt_no: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Category.
    pub category: Option<PublicCategory>,
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
    /// The team handling it.
    pub team: Option<PublicTeam>,
    /// Received at.
    pub received_at: String,
    /// Due at.
    pub due_at: String,
    /// Whether the deadline was extended.
    pub extended: bool,
    /// Business days of processing so far.
    pub processing_days: i64,
    /// Open and past due.
    pub overdue: bool,
    /// Resolved at.
    pub resolved_at: Option<String>,
    /// Closed at.
    pub closed_at: Option<String>,
    /// Withdrawn at.
    pub withdrawn_at: Option<String>,
    /// A proposal's outcome.
    pub outcome: Option<String>,
    /// The answer.
    pub resolution: Option<String>,
    /// Public events: `at`, `type` and the fields the citizen may see.
    #[schema(value_type = Vec<Object>)]
    pub timeline: Vec<Map<String, Value>>,
}

impl TrackView {
    /// The view of a citizen's case.
    pub fn of(settings: &Settings, p: &PublicCase) -> TrackView {
        let row = &p.row;
        let t = |v: Option<chrono::NaiveDateTime>| v.map(|v| settings.format_time(utc(v)));
        TrackView {
            receipt_no: row.receipt_no.clone(),
            kind: row.kind.clone(),
            category: p.category.as_ref().map(|c| PublicCategory {
                code: c.code.clone(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
            }),
            title: row.title.clone(),
            status: row.status.clone(),
            team: p.team.as_ref().map(|t| PublicTeam {
                name: t.name.clone(),
                email: t.email.clone(),
            }),
            received_at: settings.format_time(utc(row.received_at)),
            due_at: settings.format_time(p.figures.due_at),
            extended: row.extended,
            processing_days: p.figures.processing_days,
            overdue: p.figures.overdue,
            resolved_at: t(row.resolved_at),
            closed_at: t(row.closed_at),
            withdrawn_at: t(row.withdrawn_at),
            outcome: row.outcome.clone(),
            resolution: row.resolution.clone(),
            timeline: p
                .timeline
                .iter()
                .map(|e| {
                    let mut out = Map::new();
                    out.insert("at".into(), Value::String(settings.format_time(utc(e.at))));
                    out.insert("type".into(), Value::String(e.event_type.clone()));
                    out.extend(public_fields(e));
                    out
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/track/{receipt_no}`.
#[utoipa::path(get, path = "/api/v1/track/{receipt_no}", tag = "tracking", params(("receipt_no" = String, Path, description = "The receipt number"), ("X-Access-Token" = Option<String>, Header, description = "The access token from the receipt")),
    responses(
        (status = 200, description = "The citizen's view of the case", body = TrackView),
        (status = 404, description = "No case with that receipt number and access token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let receipt_no = path.into_inner();
    let token = access_token(&req);
    let settings = state.settings.clone();
    let case = state
        .db
        .read(move |c| tracking::show(c, &settings, &receipt_no, token.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(TrackView::of(&state.settings, &case)))
}

/// The optional body of a withdrawal, or the body of a re-review request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why, in the citizen's words (at most 1,000 characters).
    pub reason: Option<String>,
}

/// `POST /api/v1/track/{receipt_no}/withdraw`: an open case only (409 otherwise).
#[utoipa::path(post, path = "/api/v1/track/{receipt_no}/withdraw", tag = "tracking", params(("receipt_no" = String, Path, description = "The receipt number"), ("X-Access-Token" = Option<String>, Header, description = "The access token from the receipt")),
    request_body(content = Option<ReasonInput>, content_type = "application/json"),
    responses(
        (status = 200, description = "Withdrawn", body = TrackView),
        (status = 404, description = "No case with that receipt number and access token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is no longer open", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn withdraw(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: OptionalJson<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let receipt_no = path.into_inner();
    let token = access_token(&req);
    let reason = body.0.and_then(|b| b.reason);
    let settings = state.settings.clone();
    let case = state
        .db
        .write(move |c| tracking::withdraw(c, &settings, &receipt_no, token.as_deref(), reason))
        .await?;
    Ok(HttpResponse::Ok().json(TrackView::of(&state.settings, &case)))
}

/// `POST /api/v1/track/{receipt_no}/re-review`: `{"reason"}`; a rejected
/// proposal goes back to its team, within 15 days of the decision.
#[utoipa::path(post, path = "/api/v1/track/{receipt_no}/re-review", tag = "tracking", params(("receipt_no" = String, Path, description = "The receipt number"), ("X-Access-Token" = Option<String>, Header, description = "The access token from the receipt")),
    request_body(content = ReasonInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Back with the team for a re-review", body = TrackView),
        (status = 404, description = "No case with that receipt number and access token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a rejected proposal, or more than 15 days after the decision", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn re_review(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let receipt_no = path.into_inner();
    let token = access_token(&req);
    let reason = body.into_inner().reason;
    let settings = state.settings.clone();
    let case = state
        .db
        .write(move |c| tracking::re_review(c, &settings, &receipt_no, token.as_deref(), reason))
        .await?;
    Ok(HttpResponse::Ok().json(TrackView::of(&state.settings, &case)))
}
