//! `/api/v1/tokens` (admin): API tokens, shown once, stored hashed; use
//! cases in `service::settings::tokens`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::caller::Operator;
use crate::service::settings::tokens::{self, NewToken};
use crate::store::tokens::ApiToken;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The tokens' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, deactivate))]
pub struct Doc;

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// The active operator it acts as.
    operator_id: Option<String>,
    /// What it is for, e.g. the integration using it.
    name: Option<String>,
}

/// A token, never its secret.
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    /// Id.
    pub id: String,
    /// The operator it acts as.
    pub operator_id: String,
    /// What it is for.
    pub name: String,
    /// Whether it still works.
    pub active: bool,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it last authenticated a request (RFC 3339, UTC, to the minute); `null` if never.
    pub last_used_at: Option<String>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        TokenView {
            id: t.id.to_string(),
            operator_id: t.operator_id.to_string(),
            name: t.name,
            active: t.active,
            created_at: t.created_at.and_utc().to_rfc3339(),
            last_used_at: t.last_used_at.map(|at| at.and_utc().to_rfc3339()),
        }
    }
}

/// A new token with its secret, shown in this answer only.
#[derive(Serialize, ToSchema)]
pub struct CreatedTokenView {
    /// The token.
    #[serde(flatten)]
    pub about: TokenView,
    /// The secret to send as `Authorization: Bearer …`; never shown again.
    pub token: String,
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    /// Every token, active or revoked.
    pub items: Vec<TokenView>,
}

/// `GET /api/v1/tokens`: never the tokens themselves.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every token, without secrets", body = TokenList),
        (status = 403, description = "Only an admin reads tokens",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    let all = state.db.read(move |c| tokens::list(c, &op)).await?;
    Ok(HttpResponse::Ok().json(TokenList {
        items: all.into_iter().map(TokenView::from).collect(),
    }))
}

/// `POST /api/v1/tokens`: the token is in this response and nowhere else, ever.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", security(("bearer" = [])),
    request_body(content = TokenInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, with the secret", body = CreatedTokenView,
            headers(("Location" = String, description = "The new token's path"))),
        (status = 403, description = "Only an admin creates tokens",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<TokenInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let input = NewToken {
        operator_id: input.operator_id,
        name: input.name,
        id: None,
    };
    let (row, token) = state.db.write(move |c| tokens::create(c, &op, input)).await?;
    let location = format!("/api/v1/tokens/{}", row.id);
    Ok(created(
        location,
        CreatedTokenView {
            about: TokenView::from(row),
            token,
        },
    ))
}

/// `DELETE /api/v1/tokens/{id}`: revokes it (`active: false`).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "The token's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The token, revoked", body = TokenView),
        (status = 403, description = "Only an admin revokes tokens",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let row = state.db.write(move |c| tokens::deactivate(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(TokenView::from(row)))
}
