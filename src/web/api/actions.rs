//! `POST /api/v1/cases/{id}/{action}`: the operator's work on a case, each
//! answering the changed case (the use cases are in `service::casework`).

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::config::Settings;
use crate::db::types::Id;
use crate::db::Conn;
use crate::service::caller::Operator;
use crate::service::casework::{self, Extension, Resolution};
use crate::service::{cases, ServiceError};
use crate::store::cases::CaseRow;
use crate::web::api::cases::CaseView;
use crate::web::api::doc::Problem;
use crate::web::extract::{JsonBody, OptionalJson};
use crate::web::problem::ApiError;
use crate::web::{path_id, AppState};

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(assign, transfer, note, reply, start, hold, resume, extend, resolve, reopen, close))]
pub struct Doc;

/// What every action on a case answers beyond the shared answers.
// Never built: it only describes the answers to the document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, clippy::large_enum_variant)]
enum ActionAnswers {
    /// Done: the case as it is now.
    #[response(status = 200)]
    Done(CaseView),
    /// The operator may not work this case.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The case's status does not allow this, or it changed meanwhile.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
}

/// Runs one use case on the case of the path and answers the case as it is now.
async fn run<F>(state: web::Data<AppState>, op: Operator, raw: String, action: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut Conn, &Settings, &Operator, &Id) -> Result<CaseRow, ServiceError> + Send + 'static,
{
    let id = path_id(&raw, "case")?;
    let settings = state.settings.clone();
    let detail = state
        .db
        .write(move |c| {
            let row = action(c, &settings, &op, &id)?;
            cases::detail(c, &settings, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::of(&state.settings, &detail)))
}

/// `{"assignee_id"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// An active operator of the case's team.
    assignee_id: Option<String>,
}

/// `POST .../assign`: to an active operator of the case's team.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assign", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = AssignInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn assign(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<AssignInput>,
) -> Result<HttpResponse, ApiError> {
    let who = body.into_inner().assignee_id;
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::assign(c, s, op, id, who)
    })
    .await
}

/// `{"team_id", "reason"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// Another active team.
    team_id: Option<String>,
    /// Why (shown internally).
    reason: Option<String>,
}

/// `POST .../transfer`: to another active team; receipt time and due date stay.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transfer", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = TransferInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn transfer(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<TransferInput>,
) -> Result<HttpResponse, ApiError> {
    let TransferInput { team_id, reason } = body.into_inner();
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::transfer(c, s, op, id, team_id, reason)
    })
    .await
}

/// `{"body"}` of a note or a reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The text, at most 10,000 characters.
    body: Option<String>,
}

/// `POST .../notes`: internal, never shown to the citizen.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = MessageInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn note(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<MessageInput>,
) -> Result<HttpResponse, ApiError> {
    let text = body.into_inner().body;
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::note(c, s, op, id, text)
    })
    .await
}

/// `POST .../replies`: a public message on the citizen's timeline.
#[utoipa::path(post, path = "/api/v1/cases/{id}/replies", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = MessageInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn reply(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<MessageInput>,
) -> Result<HttpResponse, ApiError> {
    let text = body.into_inner().body;
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::reply(c, s, op, id, text)
    })
    .await
}

/// `POST .../start`: begin work; an unassigned case goes to the operator starting it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/start", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    responses(ActionAnswers))]
pub async fn start(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(state, op, path.into_inner(), casework::start).await
}

/// `{"reason"}`, optional or required by the action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why, at most 1,000 characters.
    reason: Option<String>,
}

/// `POST .../hold`: waiting on the citizen or a third party; the clock stops.
#[utoipa::path(post, path = "/api/v1/cases/{id}/hold", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = Option<ReasonInput>, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn hold(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: OptionalJson<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.0.and_then(|b| b.reason);
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::hold(c, s, op, id, reason)
    })
    .await
}

/// `POST .../resume`: the due date moves out by the working time on hold.
#[utoipa::path(post, path = "/api/v1/cases/{id}/resume", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    responses(ActionAnswers))]
pub async fn resume(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(state, op, path.into_inner(), casework::resume).await
}

/// `{"business_days", "reason", "citizen_consent"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendInput {
    /// Business days to add, at most the original period.
    business_days: Option<i64>,
    /// Why, shown to the citizen.
    reason: Option<String>,
    /// The citizen agreed; needed for a second extension.
    #[serde(default)]
    citizen_consent: bool,
}

/// `POST .../extend`: once by at most the original period; again only with
/// the citizen's consent. The citizen sees the reason and the new due date.
#[utoipa::path(post, path = "/api/v1/cases/{id}/extend", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = ExtendInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn extend(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<ExtendInput>,
) -> Result<HttpResponse, ApiError> {
    let i = body.into_inner();
    let input = Extension {
        business_days: i.business_days,
        reason: i.reason,
        citizen_consent: i.citizen_consent,
    };
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::extend(c, s, op, id, input)
    })
    .await
}

/// `{"resolution", "outcome", "planned_implementation_date"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    /// The answer to the citizen.
    resolution: Option<String>,
    /// A proposal's outcome: adopted, partially_adopted, rejected.
    outcome: Option<String>,
    /// When an adopted proposal will be carried out (today or later).
    planned_implementation_date: Option<NaiveDate>,
}

/// `POST .../resolve`: the answer to the citizen; proposals carry an outcome,
/// adopted ones a planned implementation date.
#[utoipa::path(post, path = "/api/v1/cases/{id}/resolve", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = ResolveInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn resolve(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<ResolveInput>,
) -> Result<HttpResponse, ApiError> {
    let i = body.into_inner();
    let input = Resolution {
        resolution: i.resolution,
        outcome: i.outcome,
        planned_implementation_date: i.planned_implementation_date,
    };
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::resolve(c, s, op, id, input)
    })
    .await
}

/// `POST .../reopen`: `{"reason"}`; back to work, the earlier answer stays in the history.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reopen", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = ReasonInput, content_type = "application/json"),
    responses(ActionAnswers))]
pub async fn reopen(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason;
    run(state, op, path.into_inner(), move |c, s, op, id| {
        casework::reopen(c, s, op, id, reason)
    })
    .await
}

/// `POST .../close`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", tag = "case work", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    responses(ActionAnswers))]
pub async fn close(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(state, op, path.into_inner(), casework::close).await
}
