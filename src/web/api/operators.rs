//! `/api/v1/operators` (admin): people of the back office, their role and
//! teams; use cases in `service::settings::operators`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::types::Id;
use crate::service::caller::Operator as Caller;
use crate::service::settings::operators::{self, OperatorChange};
use crate::store::operators::Operator;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The operators' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, update, deactivate))]
pub struct Doc;

/// Fields a client may send; absent ones are left as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorInput {
    /// Sign-in email, unique (kept in lowercase); required to create one.
    email: Option<String>,
    /// Display name; required to create one.
    name: Option<String>,
    /// `admin`, `manager`, `agent` or `happycall`; required to create one.
    role: Option<String>,
    /// Every team they belong to (replaces the list).
    team_ids: Option<Vec<String>>,
    /// A new password, at least the minimum length; required to create one.
    password: Option<String>,
    /// Whether they may sign in.
    active: Option<bool>,
    /// The back office's language for them: `ko` (default) or `en`.
    locale: Option<String>,
}

impl From<OperatorInput> for OperatorChange {
    fn from(i: OperatorInput) -> Self {
        OperatorChange {
            email: i.email,
            name: i.name,
            role: i.role,
            team_ids: i.team_ids,
            password: i.password,
            active: i.active,
            locale: i.locale,
        }
    }
}

/// An operator, never their password.
#[derive(Serialize, ToSchema)]
pub struct OperatorView {
    /// Id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `admin`, `manager`, `agent` or `happycall`.
    pub role: String,
    /// The teams they belong to.
    pub team_ids: Vec<String>,
    /// Whether they may sign in.
    pub active: bool,
    /// The back office's language for them.
    pub locale: String,
}

impl From<(Operator, Vec<Id>)> for OperatorView {
    fn from((o, teams): (Operator, Vec<Id>)) -> Self {
        OperatorView {
            id: o.id.to_string(),
            email: o.email,
            name: o.name,
            role: o.role,
            team_ids: teams.iter().map(Id::to_string).collect(),
            active: o.active,
            locale: o.locale,
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct OperatorList {
    /// Every operator, active or not.
    pub items: Vec<OperatorView>,
}

/// `GET /api/v1/operators`.
#[utoipa::path(get, path = "/api/v1/operators", tag = "operators", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every operator, active or not, with their teams", body = OperatorList),
        (status = 403, description = "Only an admin reads operators",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let all = state.db.read(move |c| operators::list(c, &caller)).await?;
    Ok(HttpResponse::Ok().json(OperatorList {
        items: all.into_iter().map(OperatorView::from).collect(),
    }))
}

/// `POST /api/v1/operators`.
#[utoipa::path(post, path = "/api/v1/operators", tag = "operators", security(("bearer" = [])),
    request_body(content = OperatorInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = OperatorView,
            headers(("Location" = String, description = "The new operator's path"))),
        (status = 403, description = "Only an admin creates operators",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "An operator with this email already exists",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<OperatorInput>,
) -> Result<HttpResponse, ApiError> {
    let input = OperatorChange::from(body.into_inner());
    let created_one = state.db.write(move |c| operators::create(c, &caller, input)).await?;
    let view = OperatorView::from(created_one);
    Ok(created(format!("/api/v1/operators/{}", view.id), view))
}

/// `GET /api/v1/operators/{id}`.
#[utoipa::path(get, path = "/api/v1/operators/{id}", tag = "operators",
    params(("id" = String, Path, description = "The operator's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The operator with their teams", body = OperatorView),
        (status = 403, description = "Only an admin reads operators",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let found = state.db.read(move |c| operators::show(c, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(OperatorView::from(found)))
}

/// `PATCH /api/v1/operators/{id}`.
#[utoipa::path(patch, path = "/api/v1/operators/{id}", tag = "operators",
    params(("id" = String, Path, description = "The operator's id")), security(("bearer" = [])),
    request_body(content = OperatorInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The operator as changed", body = OperatorView),
        (status = 403, description = "Only an admin changes operators",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another operator has this email, or no active admin would remain",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: JsonBody<OperatorInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let input = OperatorChange::from(body.into_inner());
    let changed = state
        .db
        .write(move |c| operators::change(c, &caller, &id, input))
        .await?;
    Ok(HttpResponse::Ok().json(OperatorView::from(changed)))
}

/// `DELETE /api/v1/operators/{id}`: sets `active: false`; their tokens stop working.
#[utoipa::path(delete, path = "/api/v1/operators/{id}", tag = "operators",
    params(("id" = String, Path, description = "The operator's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The operator, inactive", body = OperatorView),
        (status = 403, description = "Only an admin deactivates operators",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "No active admin would remain",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let changed = state.db.write(move |c| operators::deactivate(c, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(OperatorView::from(changed)))
}
