//! `/api/v1/categories`: list and read (any operator), create, change and
//! deactivate (admin); use cases in `service::settings::categories`.

use crate::domain::attributes::Attribute;
use crate::service::catalog::questions;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::caller::Operator;
use crate::service::settings::categories::{self, CategoryChange, DeadlineChange};
use crate::store::{self, categories::Category};
use crate::web::extract::{nullable, JsonBody};
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The categories' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, update, deactivate))]
pub struct Doc;

/// A deadline as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    /// How many units, e.g. 7.
    amount: Option<i64>,
    /// `hours` (working hours), `days` (business days) or `months`.
    unit: Option<String>,
}

/// Fields a client may send; absent ones are left as they are, `null` clears a nullable one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    /// URL-safe code, unique, e.g. `road-pothole`; required to create one.
    code: Option<String>,
    /// Korean name; required to create one.
    name: Option<String>,
    /// English name.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    name_en: Option<Option<String>>,
    /// `grievance` or `proposal`; required to create one.
    kind: Option<String>,
    /// The team its cases go to when no routing rule matches.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    default_team_id: Option<Option<String>>,
    /// The deadline its cases get; required to create one.
    deadline: Option<DeadlineInput>,
    /// Words that classify a case into it.
    keywords: Option<Vec<String>>,
    /// What it covers.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    description: Option<Option<String>>,
    /// Whether it takes new cases.
    active: Option<bool>,
    /// Its extra questions (Open311 attributes), the whole list; `[]` removes them.
    attributes: Option<Vec<Attribute>>,
}

impl From<CategoryInput> for CategoryChange {
    fn from(i: CategoryInput) -> Self {
        CategoryChange {
            code: i.code,
            name: i.name,
            name_en: i.name_en,
            kind: i.kind,
            default_team_id: i.default_team_id,
            deadline: i.deadline.map(|d| DeadlineChange {
                amount: d.amount,
                unit: d.unit,
            }),
            keywords: i.keywords,
            description: i.description,
            active: i.active,
            attributes: i.attributes,
        }
    }
}

/// A category's deadline.
#[derive(Serialize, ToSchema)]
pub struct CategoryDeadline {
    /// How many units.
    pub amount: i32,
    /// `hours`, `days` or `months`.
    pub unit: String,
}

/// A category.
#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    /// Id.
    pub id: String,
    /// URL-safe code.
    pub code: String,
    /// Korean name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The team its cases go to when no routing rule matches.
    pub default_team_id: Option<String>,
    /// The deadline its cases get.
    pub deadline: CategoryDeadline,
    /// Words that classify a case into it.
    pub keywords: Vec<String>,
    /// What it covers.
    pub description: Option<String>,
    /// Whether it takes new cases.
    pub active: bool,
    /// Its extra questions, in order.
    pub attributes: Vec<Attribute>,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        let attributes = questions(&c);
        CategoryView {
            id: c.id.to_string(),
            keywords: store::keywords_from_text(&c.keywords),
            code: c.code,
            name: c.name,
            name_en: c.name_en,
            kind: c.kind,
            default_team_id: c.default_team_id.map(|t| t.to_string()),
            deadline: CategoryDeadline {
                amount: c.deadline_amount,
                unit: c.deadline_unit,
            },
            description: c.description,
            active: c.active,
            attributes,
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    /// Every category, active or not.
    pub items: Vec<CategoryView>,
}

/// `GET /api/v1/categories`.
#[utoipa::path(get, path = "/api/v1/categories", tag = "categories", security(("bearer" = [])),
    responses((status = 200, description = "Every category, active or not", body = CategoryList)))]
pub async fn list(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    let all = state.db.read(move |c| categories::list(c, &op)).await?;
    Ok(HttpResponse::Ok().json(CategoryList {
        items: all.into_iter().map(CategoryView::from).collect(),
    }))
}

/// `POST /api/v1/categories`.
#[utoipa::path(post, path = "/api/v1/categories", tag = "categories", security(("bearer" = [])),
    request_body(content = CategoryInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = CategoryView,
            headers(("Location" = String, description = "The new category's path"))),
        (status = 403, description = "Only an admin creates categories",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A category with this code already exists",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<CategoryInput>,
) -> Result<HttpResponse, ApiError> {
    let input = CategoryChange::from(body.into_inner());
    let cat = state.db.write(move |c| categories::create(c, &op, input)).await?;
    Ok(created(
        format!("/api/v1/categories/{}", cat.id),
        CategoryView::from(cat),
    ))
}

/// `GET /api/v1/categories/{id}`.
#[utoipa::path(get, path = "/api/v1/categories/{id}", tag = "categories",
    params(("id" = String, Path, description = "The category's id")), security(("bearer" = [])),
    responses((status = 200, description = "The category", body = CategoryView)))]
pub async fn get(state: web::Data<AppState>, op: Operator, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let cat = state.db.read(move |c| categories::show(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(CategoryView::from(cat)))
}

/// `PATCH /api/v1/categories/{id}`.
#[utoipa::path(patch, path = "/api/v1/categories/{id}", tag = "categories",
    params(("id" = String, Path, description = "The category's id")), security(("bearer" = [])),
    request_body(content = CategoryInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The category as changed", body = CategoryView),
        (status = 403, description = "Only an admin changes categories",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another category has this code",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<CategoryInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let input = CategoryChange::from(body.into_inner());
    let cat = state.db.write(move |c| categories::change(c, &op, &id, input)).await?;
    Ok(HttpResponse::Ok().json(CategoryView::from(cat)))
}

/// `DELETE /api/v1/categories/{id}`: sets `active: false`; it takes no new cases.
#[utoipa::path(delete, path = "/api/v1/categories/{id}", tag = "categories",
    params(("id" = String, Path, description = "The category's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The category, inactive", body = CategoryView),
        (status = 403, description = "Only an admin deactivates categories",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let cat = state.db.write(move |c| categories::deactivate(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(CategoryView::from(cat)))
}
