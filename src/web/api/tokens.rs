//! `/api/v1/tokens` (admin): API tokens, shown once, stored hashed.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::credentials::{new_token, token_hash};
use crate::db::types::{now, Id};
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::store::{self, tokens::ApiToken};
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, items, path_id, AppState};

/// Prefix of every API token, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "cd_";

/// A token to create.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    operator_id: Option<String>,
    name: Option<String>,
}

fn view(t: &ApiToken) -> Value {
    json!({"id": t.id, "operator_id": t.operator_id, "name": t.name, "active": t.active,
           "created_at": t.created_at.and_utc().to_rfc3339()})
}

/// `GET /api/v1/tokens`: never the tokens themselves.
pub async fn list(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let all = state
        .db
        .read(|c| store::tokens::list(c).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(items(all.iter().map(view).collect())))
}

/// `POST /api/v1/tokens`: the token is in this response and nowhere else, ever.
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<TokenInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let input = body.into_inner();
    let mut e = Errors::default();
    let name = e.required_line("name", input.name.as_deref(), 100);
    let operator_id = match input.operator_id.as_deref() {
        None => {
            e.add("operator_id", "is required");
            None
        }
        Some(raw) => {
            let id = Id::parse(raw);
            if id.is_none() {
                e.add("operator_id", format!("no operator with id \"{raw}\""));
            }
            id
        }
    };
    e.finish(()).map_err(ApiError::Validation)?;
    let (Some(name), Some(operator_id)) = (name, operator_id) else {
        return Err(ApiError::field("body", "is incomplete"));
    };
    let token = new_token(TOKEN_PREFIX);
    let row = ApiToken {
        id: Id::new(),
        operator_id: operator_id.clone(),
        name,
        token_hash: token_hash(&token),
        active: true,
        created_at: now().naive_utc(),
    };
    let row = state
        .db
        .write(move |c| {
            match store::operators::find(c, &operator_id)? {
                Some(o) if o.active => {}
                Some(_) => return Err(ApiError::field("operator_id", "the operator is inactive")),
                None => {
                    return Err(ApiError::field(
                        "operator_id",
                        format!("no operator with id \"{operator_id}\""),
                    ))
                }
            }
            store::tokens::insert(c, &row)?;
            Ok(row)
        })
        .await?;
    let mut body = view(&row);
    body["token"] = json!(token);
    Ok(created(format!("/api/v1/tokens/{}", row.id), body))
}

/// `DELETE /api/v1/tokens/{id}`: revokes it (`active: false`).
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let id = path_id(&path, "token")?;
    let row = state
        .db
        .write(move |c| {
            store::tokens::find(c, &id)?.ok_or_else(|| ApiError::not_found("token", id.as_str()))?;
            store::tokens::deactivate(c, &id)?;
            store::tokens::find(c, &id)?.ok_or_else(|| ApiError::not_found("token", id.as_str()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(&row)))
}
