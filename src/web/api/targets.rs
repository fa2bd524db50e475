//! `/api/v1/targets`: the yearly satisfaction target per kind that scorecards
//! measure teams against. List (managers and admins), set and remove (admin);
//! use cases in `service::settings::targets`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::caller::Operator;
use crate::service::settings::targets::{self, TargetChange};
use crate::store::targets::Target;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The targets' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, put, delete))]
pub struct Doc;

/// A target as sent: in the path (`PUT .../{year}/{kind}`) or in the body (`POST`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// The year, 2000 to 2100 (on `PUT`, only repeating the path's).
    year: Option<i32>,
    /// `grievance` or `proposal` (on `PUT`, only repeating the path's).
    kind: Option<String>,
    /// A fraction from 0 to 1, e.g. 0.764 for 76.4%.
    satisfaction_rate: Option<f64>,
}

impl From<TargetInput> for TargetChange {
    fn from(i: TargetInput) -> Self {
        TargetChange {
            year: i.year,
            kind: i.kind,
            satisfaction_rate: i.satisfaction_rate,
        }
    }
}

/// `?year=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TargetQuery {
    /// Only this year's targets.
    year: Option<i32>,
}

/// A satisfaction target.
#[derive(Serialize, ToSchema)]
pub struct TargetView {
    /// The year.
    pub year: i32,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// A fraction from 0 to 1.
    pub satisfaction_rate: f64,
}

impl From<&Target> for TargetView {
    fn from(t: &Target) -> Self {
        TargetView {
            year: t.year,
            kind: t.kind.clone(),
            satisfaction_rate: t.satisfaction_rate,
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct TargetList {
    /// The targets.
    pub items: Vec<TargetView>,
}

/// `GET /api/v1/targets?year=2026`.
#[utoipa::path(get, path = "/api/v1/targets", tag = "targets", params(TargetQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The targets", body = TargetList),
        (status = 403, description = "Only managers and admins read targets",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<TargetQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = q.year;
    let all = state.db.read(move |c| targets::list(c, &op, year)).await?;
    Ok(HttpResponse::Ok().json(TargetList {
        items: all.iter().map(TargetView::from).collect(),
    }))
}

/// 201 with `Location` when the target is new, else 200.
fn answer((t, new): (Target, bool)) -> HttpResponse {
    if new {
        created(format!("/api/v1/targets/{}/{}", t.year, t.kind), TargetView::from(&t))
    } else {
        HttpResponse::Ok().json(TargetView::from(&t))
    }
}

/// `POST /api/v1/targets` `{"year", "kind", "satisfaction_rate"}`: sets it (201 new, 200 replaced).
#[utoipa::path(post, path = "/api/v1/targets", tag = "targets", security(("bearer" = [])),
    request_body(content = TargetInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced the year's target for the kind", body = TargetView),
        (status = 201, description = "Set", body = TargetView,
            headers(("Location" = String, description = "The target's path"))),
        (status = 403, description = "Only an admin sets targets",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<TargetInput>,
) -> Result<HttpResponse, ApiError> {
    let input = TargetChange::from(body.into_inner());
    let set = state.db.write(move |c| targets::set(c, &op, input)).await?;
    Ok(answer(set))
}

/// `PUT /api/v1/targets/{year}/{kind}` `{"satisfaction_rate"}`.
#[utoipa::path(put, path = "/api/v1/targets/{year}/{kind}", tag = "targets",
    params(
        ("year" = String, Path, description = "The year, e.g. 2026"),
        ("kind" = String, Path, description = "`grievance` or `proposal`"),
    ),
    security(("bearer" = [])),
    request_body(content = TargetInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = TargetView),
        (status = 201, description = "Set", body = TargetView,
            headers(("Location" = String, description = "The target's path"))),
        (status = 403, description = "Only an admin sets targets",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<(String, String)>,
    body: JsonBody<TargetInput>,
) -> Result<HttpResponse, ApiError> {
    let (year, kind) = path.into_inner();
    let input = TargetChange::from(body.into_inner());
    let set = state
        .db
        .write(move |c| targets::put(c, &op, &year, kind, input))
        .await?;
    Ok(answer(set))
}

/// `DELETE /api/v1/targets/{year}/{kind}`: 204, or 404 when none was set.
#[utoipa::path(delete, path = "/api/v1/targets/{year}/{kind}", tag = "targets",
    params(
        ("year" = String, Path, description = "The year, e.g. 2026"),
        ("kind" = String, Path, description = "`grievance` or `proposal`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Only an admin removes targets",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (year, kind) = path.into_inner();
    state.db.write(move |c| targets::remove(c, &op, &year, &kind)).await?;
    Ok(HttpResponse::NoContent().finish())
}
