//! Who is calling: an operator by bearer token, or the public.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use super::problem::ApiError;
use super::AppState;
use crate::credentials::token_hash;
use crate::db::types::now;
use crate::service::caller::Operator;
use crate::service::reference::TokenHolder;
use crate::service::settings::tokens;
use crate::service::{reference, ServiceError};

/// The bearer token of a request: `None` without an Authorization header,
/// an error when the header is there but not a bearer token.
fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is not readable text".into()))?;
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(ApiError::Unauthorized("use Authorization: Bearer <token>".into())),
    }
}

/// The operator whose API token this is; 401 when unknown or revoked.
pub async fn authenticate(state: web::Data<AppState>, token: String) -> Result<Operator, ApiError> {
    authenticate_hash(state, token_hash(&token)).await
}

/// The operator whose API token has this hash; 401 when unknown or revoked.
pub async fn authenticate_hash(state: web::Data<AppState>, hash: String) -> Result<Operator, ApiError> {
    let found = state
        .db
        .read(move |c| Ok::<_, ServiceError>(reference::current(c)?.token(c, &hash)?))
        .await?;
    let holder = found.ok_or_else(|| ApiError::Unauthorized(crate::service::UNKNOWN_TOKEN.into()))?;
    note_use(&state, &holder).await;
    Ok(holder.operator.clone())
}

/// Records a token's use when the last one recorded is stale.
pub async fn note_use(state: &AppState, holder: &TokenHolder) {
    let at = now().naive_utc();
    let stale = {
        let mut last = holder.last_used_at.lock().unwrap_or_else(|p| p.into_inner());
        let stale = tokens::use_is_stale(*last, at);
        if stale {
            *last = Some(at);
        }
        stale
    };
    if stale {
        // The last use is a hint for admins: a request is not refused because it could not be written.
        let id = holder.token_id.clone();
        let recorded = state.db.write(move |c| tokens::record_use(c, &id, at)).await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "could not record a token's use");
        }
    }
}

/// A bearer token that must be there, by its hash, for a handler that
/// authenticates in its own unit of work (see `service::cases::read_with_token`).
pub struct Bearer(pub String);

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(bearer(req).and_then(|token| {
            let token = token.ok_or_else(missing)?;
            Ok(Bearer(token_hash(&token)))
        }))
    }
}

fn missing() -> ApiError {
    ApiError::Unauthorized("this needs an operator: send Authorization: Bearer <token>".into())
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))
}

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = state_of(req);
        Box::pin(async move {
            let token = token?.ok_or_else(missing)?;
            authenticate(state?, token).await
        })
    }
}

/// An operator when credentials are sent (and then they must be good), else the public.
#[derive(Debug, Clone)]
pub struct MaybeOperator(pub Option<Operator>);

impl FromRequest for MaybeOperator {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = state_of(req);
        Box::pin(async move {
            match token? {
                None => Ok(MaybeOperator(None)),
                Some(t) => authenticate(state?, t).await.map(|o| MaybeOperator(Some(o))),
            }
        })
    }
}
