//! The doors, in actix-web: the REST API (`api`) and the citizen's pages
//! (`citizen`), with what they share: one `configure` for every route,
//! authentication, extractors, problem+json errors, rate limits, HTTP manners.

pub mod api;
pub mod auth;
pub mod citizen;
pub mod csv;
pub mod extract;
pub mod hygiene;
pub mod office;
pub mod open311;
pub mod problem;
pub mod routes;
pub mod throttle;
pub mod wire;
pub mod wording;

use std::sync::Arc;

use crate::config::Settings;
use crate::db::Db;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The validated settings.
    pub settings: Arc<Settings>,
    /// Where intakes wait to be committed together.
    pub intakes: crate::service::intake_writer::IntakeWriter,
    /// The public endpoints' limit per client address.
    pub limiter: Arc<throttle::Limiter>,
    /// Failed back-office sign-ins, per address and account.
    pub login_guard: Arc<office::guard::LoginGuard>,
    /// Set on shutdown: `/readyz` answers 503 so load balancers send no more.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

/// A `{"items": [...]}` list body.
pub fn items<T: serde::Serialize>(items: Vec<T>) -> serde_json::Value {
    serde_json::json!({ "items": items })
}

/// An id from a path segment; a malformed one is simply not found.
pub fn path_id(raw: &str, what: &str) -> Result<crate::db::types::Id, problem::ApiError> {
    crate::db::types::Id::parse(raw).ok_or_else(|| problem::ApiError::not_found(what, raw))
}

/// A 201 with `Location` and the created resource.
pub fn created(location: String, body: impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}

/// A use case's invalid input that came from the query string: a 400 with
/// the messages, as for any other malformed parameter, rather than a 422.
pub fn query_problem(e: crate::service::ServiceError) -> problem::ApiError {
    match e {
        crate::service::ServiceError::Invalid(errors) => {
            let said: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            problem::ApiError::BadRequest(said.join("; "))
        }
        other => other.into(),
    }
}
