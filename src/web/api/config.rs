//! The shape every configuration resource shares (teams, categories,
//! routing rules, operators): read one, change some of its fields, and
//! deactivate it (history keeps pointing at it). Each resource says how.

use actix_web::{web, HttpResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::db::types::Id;
use crate::db::Conn;
use crate::service::caller::Operator;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{path_id, AppState};

/// A configuration resource kept by id.
pub trait Resource: 'static {
    /// The fields a client may send; absent ones are left as they are.
    type Input: DeserializeOwned + Send + 'static;
    /// How paths and errors name one ("team").
    const WHAT: &'static str;
    /// Whether reading one needs an admin rather than any operator.
    const ADMIN_READS: bool = false;
    /// Its view, or a 404.
    fn show(c: &mut Conn, id: &Id) -> Result<Value, ApiError>;
    /// Applies the input, saves, and returns the view.
    fn change(c: &mut Conn, id: &Id, input: Self::Input) -> Result<Value, ApiError>;
    /// The input that sets `active: false`.
    fn deactivation() -> Self::Input;
}

/// `GET …/{id}`.
pub async fn get<R: Resource>(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if R::ADMIN_READS {
        op.require_admin()?;
    }
    let id = path_id(&path, R::WHAT)?;
    let body = state.db.read(move |c| R::show(c, &id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `PATCH …/{id}` (admin).
pub async fn update<R: Resource>(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<R::Input>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let id = path_id(&path, R::WHAT)?;
    let input = body.into_inner();
    let body = state.db.write(move |c| R::change(c, &id, input)).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `DELETE …/{id}` (admin): sets `active: false`.
pub async fn deactivate<R: Resource>(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let id = path_id(&path, R::WHAT)?;
    let body = state.db.write(move |c| R::change(c, &id, R::deactivation())).await?;
    Ok(HttpResponse::Ok().json(body))
}
