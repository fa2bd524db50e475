//! `/api/v1/outbox` (admin): what the mail worker could not deliver, and a retry.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::Settings;
use crate::db::types::{now, utc};
use crate::service::caller::Operator;
use crate::store::{self, outbox::Mail};
use crate::web::problem::ApiError;
use crate::web::{items, path_id, AppState};

/// `?status=pending|sent|failed|cancelled`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    status: Option<String>,
}

fn view(settings: &Settings, m: &Mail) -> Value {
    json!({
        "id": m.id, "kind": m.kind, "case_id": m.case_id, "to": m.to_addr, "subject": m.subject,
        "status": m.status, "attempts": m.attempts, "last_error": m.last_error,
        "not_before": settings.format_time(utc(m.not_before)),
        "created_at": settings.format_time(utc(m.created_at)),
        "sent_at": m.sent_at.map(|t| settings.format_time(utc(t))),
    })
}

/// `GET /api/v1/outbox?status=failed`: newest first, at most 500.
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let status = q.into_inner().status.filter(|s| !s.is_empty());
    if let Some(s) = &status {
        if !["pending", "sent", "failed", "cancelled"].contains(&s.as_str()) {
            return Err(ApiError::BadRequest(
                "status must be pending, sent, failed or cancelled".into(),
            ));
        }
    }
    let settings = state.settings.clone();
    let body = state
        .db
        .read(move |c| {
            let list = store::outbox::list(c, status.as_deref(), 500)?;
            Ok::<_, ApiError>(items(list.iter().map(|m| view(&settings, m)).collect()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST /api/v1/outbox/{id}/retry`: a failed email goes back in line (409 if not failed).
pub async fn retry(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let id = path_id(&path, "email")?;
    let settings = state.settings.clone();
    let body = state
        .db
        .write(move |c| {
            let mail = store::outbox::find(c, &id)?.ok_or_else(|| ApiError::not_found("email", id.as_str()))?;
            if !store::outbox::retry(c, &id, now().naive_utc())? {
                return Err(ApiError::Conflict(format!(
                    "the email is {}; only a failed one is retried",
                    mail.status
                )));
            }
            let mail = store::outbox::find(c, &id)?.ok_or_else(|| ApiError::not_found("email", id.as_str()))?;
            Ok(view(&settings, &mail))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
