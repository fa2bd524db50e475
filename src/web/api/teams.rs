//! `/api/v1/teams`: list and read (any operator), create, change and
//! deactivate (admin); use cases in `service::settings::teams`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::caller::Operator;
use crate::service::settings::teams::{self, TeamChange};
use crate::store::teams::Team;
use crate::web::extract::{nullable, JsonBody};
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The teams' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, update, deactivate))]
pub struct Doc;

/// Fields a client may send; absent ones are left as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// Name, unique; required to create one.
    name: Option<String>,
    /// The team's shared mailbox; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    email: Option<Option<String>>,
    /// Makes it the triage team, which takes what no rule routes (the previous one stops being it).
    triage: Option<bool>,
    /// Whether it takes new cases.
    active: Option<bool>,
}

impl From<TeamInput> for TeamChange {
    fn from(i: TeamInput) -> Self {
        TeamChange {
            name: i.name,
            email: i.email,
            triage: i.triage,
            active: i.active,
        }
    }
}

/// A team.
#[derive(Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The team's shared mailbox.
    pub email: Option<String>,
    /// Whether it is the triage team.
    pub triage: bool,
    /// Whether it takes new cases.
    pub active: bool,
}

impl From<Team> for TeamView {
    fn from(t: Team) -> Self {
        TeamView {
            id: t.id.to_string(),
            name: t.name,
            email: t.email,
            triage: t.triage,
            active: t.active,
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct TeamList {
    /// Every team, active or not.
    pub items: Vec<TeamView>,
}

/// `GET /api/v1/teams`.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, description = "Every team, active or not", body = TeamList)))]
pub async fn list(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    let all = state.db.read(move |c| teams::list(c, &op)).await?;
    Ok(HttpResponse::Ok().json(TeamList {
        items: all.into_iter().map(TeamView::from).collect(),
    }))
}

/// `POST /api/v1/teams`.
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])),
    request_body(content = TeamInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = TeamView,
            headers(("Location" = String, description = "The new team's path"))),
        (status = 403, description = "Only an admin creates teams",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A team with this name already exists",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<TeamInput>,
) -> Result<HttpResponse, ApiError> {
    let input = TeamChange::from(body.into_inner());
    let team = state.db.write(move |c| teams::create(c, &op, input)).await?;
    Ok(created(format!("/api/v1/teams/{}", team.id), TeamView::from(team)))
}

/// `GET /api/v1/teams/{id}`.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams",
    params(("id" = String, Path, description = "The team's id")), security(("bearer" = [])),
    responses((status = 200, description = "The team", body = TeamView)))]
pub async fn get(state: web::Data<AppState>, op: Operator, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let team = state.db.read(move |c| teams::show(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(TeamView::from(team)))
}

/// `PATCH /api/v1/teams/{id}`.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "teams",
    params(("id" = String, Path, description = "The team's id")), security(("bearer" = [])),
    request_body(content = TeamInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The team as changed", body = TeamView),
        (status = 403, description = "Only an admin changes teams",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another team has this name",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<TeamInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let input = TeamChange::from(body.into_inner());
    let team = state.db.write(move |c| teams::change(c, &op, &id, input)).await?;
    Ok(HttpResponse::Ok().json(TeamView::from(team)))
}

/// `DELETE /api/v1/teams/{id}`: sets `active: false`; its cases keep pointing at it.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "teams",
    params(("id" = String, Path, description = "The team's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The team, inactive", body = TeamView),
        (status = 403, description = "Only an admin deactivates teams",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The triage team must stay active",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let team = state.db.write(move |c| teams::deactivate(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(TeamView::from(team)))
}
