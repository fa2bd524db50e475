//! `/api/v1/routing-rules`: list and read (any operator), create, change and
//! deactivate (admin); use cases in `service::settings::rules`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::caller::Operator;
use crate::service::settings::rules::{self, RuleChange};
use crate::store::{self, rules::RoutingRule};
use crate::web::extract::{nullable, JsonBody};
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The routing rules' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, update, deactivate))]
pub struct Doc;

/// Fields a client may send; absent ones are left as they are, `null` clears a nullable one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// Where it runs among the rules, lowest first (0 to 1000000; a new one 100).
    position: Option<i32>,
    /// Matches only cases of this kind: `grievance` or `proposal`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    kind: Option<Option<String>>,
    /// Matches only cases of this category (its code).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    category: Option<Option<String>>,
    /// Matches cases whose title or description has any of these words.
    keywords: Option<Vec<String>>,
    /// The team a matching case goes to; required to create one.
    team_id: Option<String>,
    /// Whether it runs.
    active: Option<bool>,
}

impl From<RuleInput> for RuleChange {
    fn from(i: RuleInput) -> Self {
        RuleChange {
            position: i.position,
            kind: i.kind,
            category: i.category,
            keywords: i.keywords,
            team_id: i.team_id,
            active: i.active,
        }
    }
}

/// A routing rule.
#[derive(Serialize, ToSchema)]
pub struct RuleView {
    /// Id.
    pub id: String,
    /// Where it runs among the rules, lowest first.
    pub position: i32,
    /// The kind it matches, if only one.
    pub kind: Option<String>,
    /// The category code it matches, if only one.
    pub category: Option<String>,
    /// The words it matches.
    pub keywords: Vec<String>,
    /// The team a matching case goes to.
    pub team_id: String,
    /// Whether it runs.
    pub active: bool,
}

impl From<RoutingRule> for RuleView {
    fn from(r: RoutingRule) -> Self {
        RuleView {
            id: r.id.to_string(),
            position: r.position,
            kind: r.kind,
            category: r.category_code,
            keywords: store::keywords_from_text(&r.keywords),
            team_id: r.team_id.to_string(),
            active: r.active,
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct RuleList {
    /// Every rule, in the order they run.
    pub items: Vec<RuleView>,
}

/// `GET /api/v1/routing-rules`: in the order they run.
#[utoipa::path(get, path = "/api/v1/routing-rules", tag = "routing rules", security(("bearer" = [])),
    responses((status = 200, description = "Every rule, active or not, in the order they run", body = RuleList)))]
pub async fn list(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    let all = state.db.read(move |c| rules::list(c, &op)).await?;
    Ok(HttpResponse::Ok().json(RuleList {
        items: all.into_iter().map(RuleView::from).collect(),
    }))
}

/// `POST /api/v1/routing-rules`.
#[utoipa::path(post, path = "/api/v1/routing-rules", tag = "routing rules", security(("bearer" = [])),
    request_body(content = RuleInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = RuleView,
            headers(("Location" = String, description = "The new rule's path"))),
        (status = 403, description = "Only an admin creates routing rules",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<RuleInput>,
) -> Result<HttpResponse, ApiError> {
    let input = RuleChange::from(body.into_inner());
    let rule = state.db.write(move |c| rules::create(c, &op, input)).await?;
    Ok(created(
        format!("/api/v1/routing-rules/{}", rule.id),
        RuleView::from(rule),
    ))
}

/// `GET /api/v1/routing-rules/{id}`.
#[utoipa::path(get, path = "/api/v1/routing-rules/{id}", tag = "routing rules",
    params(("id" = String, Path, description = "The rule's id")), security(("bearer" = [])),
    responses((status = 200, description = "The rule", body = RuleView)))]
pub async fn get(state: web::Data<AppState>, op: Operator, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let rule = state.db.read(move |c| rules::show(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(RuleView::from(rule)))
}

/// `PATCH /api/v1/routing-rules/{id}`.
#[utoipa::path(patch, path = "/api/v1/routing-rules/{id}", tag = "routing rules",
    params(("id" = String, Path, description = "The rule's id")), security(("bearer" = [])),
    request_body(content = RuleInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The rule as changed", body = RuleView),
        (status = 403, description = "Only an admin changes routing rules",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<RuleInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let input = RuleChange::from(body.into_inner());
    let rule = state.db.write(move |c| rules::change(c, &op, &id, input)).await?;
    Ok(HttpResponse::Ok().json(RuleView::from(rule)))
}

/// `DELETE /api/v1/routing-rules/{id}`: sets `active: false`; it no longer runs.
#[utoipa::path(delete, path = "/api/v1/routing-rules/{id}", tag = "routing rules",
    params(("id" = String, Path, description = "The rule's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The rule, inactive", body = RuleView),
        (status = 403, description = "Only an admin deactivates routing rules",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let rule = state.db.write(move |c| rules::deactivate(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(RuleView::from(rule)))
}
