//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::web::problem::ApiError;
use crate::web::AppState;

/// The operations' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz, metrics))]
pub struct Doc;

/// `{"status": "ok"}` or `{"status": "ready"}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` (alive) or `ready` (taking traffic).
    pub status: String,
}

/// `GET /healthz`: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers and the server is not shutting down.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready for traffic", body = Health),
        (status = 503, description = "Draining for shutdown, or the database does not answer",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ApiError::Unavailable(
            "shutting down: finishing the requests in flight".into(),
        ));
    }
    if state.db.ping().await {
        Ok(HttpResponse::Ok().json(json!({ "status": "ready" })))
    } else {
        Err(ApiError::Unavailable("the database does not answer".into()))
    }
}

/// Every path no route matches (in the Open311 door, as its error list).
pub async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    match crate::web::open311::format::Format::of_door(req.path()) {
        Some(format) => crate::web::open311::format::Open311Error::new(
            format,
            404,
            "no such resource; the paths are discovery, services, services/{service_code}, requests, \
             requests/{service_request_id} and tokens/{token}, each ending .xml or .json",
        )
        .error_response(),
        None => ApiError::NotFound("no such resource; the API lives under /api/v1".into()).error_response(),
    }
}

/// `GET /metrics`: Prometheus text; the pool and the outbox are read now.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format 0.0.4",
            body = String, content_type = "text/plain; version=0.0.4; charset=utf-8"),
        (status = 503, description = "The database does not answer",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let m = &crate::metrics::METRICS;
    let (open, idle) = state.db.pool_state();
    m.pool_connections.with_label_values(&["idle"]).set(i64::from(idle));
    m.pool_connections
        .with_label_values(&["in_use"])
        .set(i64::from(open.saturating_sub(idle)));
    let (pending, failed, oldest) = state
        .db
        .read(|c| crate::store::outbox::backlog(c).map_err(ApiError::from))
        .await?;
    let age = oldest.map_or(0, |t| (crate::db::types::now().naive_utc() - t).num_seconds().max(0));
    m.outbox.with_label_values(&["pending"]).set(pending);
    m.outbox.with_label_values(&["failed"]).set(failed);
    m.outbox.with_label_values(&["oldest_pending_age_seconds"]).set(age);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(m.render()))
}
