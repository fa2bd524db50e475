//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::web::problem::ApiError;
use crate::web::AppState;

/// `GET /healthz`: the process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers and the server is not shutting down.
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

/// Every path no route matches.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(
        "no such resource; the API lives under /api/v1".into(),
    ))
}

/// `GET /metrics`: Prometheus text; the pool and the outbox are read now.
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
