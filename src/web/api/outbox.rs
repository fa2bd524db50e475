//! `/api/v1/outbox` (admin): what the mail worker could not deliver, and a
//! retry; use cases in `service::outbox`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::Settings;
use crate::db::types::utc;
use crate::service::caller::Operator;
use crate::service::outbox;
use crate::store::outbox::Mail;
use crate::web::problem::ApiError;
use crate::web::{query_problem, AppState};

/// The outbox's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, retry))]
pub struct Doc;

/// `?status=pending|sent|failed|cancelled`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Only emails in this status: `pending`, `sent`, `failed` or `cancelled`.
    status: Option<String>,
}

/// An email in the outbox.
#[derive(Serialize, ToSchema)]
pub struct MailView {
    /// Id.
    pub id: String,
    /// Which notice it is.
    pub kind: String,
    /// The case it is about.
    pub case_id: Option<String>,
    /// The recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// `pending`, `sent`, `failed` or `cancelled`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Not sent before this time.
    pub not_before: String,
    /// When it was queued.
    pub created_at: String,
    /// When it was sent.
    pub sent_at: Option<String>,
}

impl MailView {
    /// An email with its times in the calendar's zone.
    pub fn of(settings: &Settings, m: Mail) -> MailView {
        MailView {
            id: m.id.to_string(),
            kind: m.kind,
            case_id: m.case_id.map(|id| id.to_string()),
            to: m.to_addr,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            not_before: settings.format_time(utc(m.not_before)),
            created_at: settings.format_time(utc(m.created_at)),
            sent_at: m.sent_at.map(|t| settings.format_time(utc(t))),
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct MailList {
    /// Newest first, at most 500.
    pub items: Vec<MailView>,
}

/// `GET /api/v1/outbox?status=failed`: newest first, at most 500.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "outbox", params(OutboxQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Emails, newest first, at most 500", body = MailList),
        (status = 403, description = "Only an admin reads the outbox",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = q.into_inner().status.filter(|s| !s.is_empty());
    let all = state
        .db
        .read(move |c| outbox::list(c, &op, status.as_deref()))
        .await
        .map_err(query_problem)?;
    Ok(HttpResponse::Ok().json(MailList {
        items: all.into_iter().map(|m| MailView::of(&state.settings, m)).collect(),
    }))
}

/// `POST /api/v1/outbox/{id}/retry`: a failed email goes back in line (409 if not failed).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "outbox",
    params(("id" = String, Path, description = "The email's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The email, pending again", body = MailView),
        (status = 403, description = "Only an admin retries emails",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is not failed",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mail = state.db.write(move |c| outbox::retry(c, &op, &id)).await?;
    Ok(HttpResponse::Ok().json(MailView::of(&state.settings, mail)))
}
