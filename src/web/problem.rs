//! The one error type of the HTTP layer, rendered as `application/problem+json` (RFC 9457).

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::db::DbError;
use crate::domain::validation::FieldError;

/// Everything a handler can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: malformed JSON, query or header.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no or bad credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the role forbids it.
    #[error("{0}")]
    Forbidden(String),
    /// 404: unknown.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, the method does not.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 408: the request body did not arrive in time.
    #[error("{0}")]
    RequestTimeout(String),
    /// 409: the state does not allow it, or a duplicate.
    #[error("{0}")]
    Conflict(String),
    /// 410: gone for good (an expired survey link).
    #[error("{0}")]
    Gone(String),
    /// 413: body too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: wrong content type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: this client sent too many public requests; retry after so many seconds.
    #[error("too many requests from this address; retry in {0} s")]
    TooManyRequests(u64),
    /// 422: validation, with one entry per field.
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    /// 503: the database is unavailable.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a fault of ours; the cause is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A 422 for one field.
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// A 404 naming what was not found.
    pub fn not_found(what: &str, key: &str) -> ApiError {
        ApiError::NotFound(format!("no {what} with id \"{key}\""))
    }

    /// The machine-readable kind, the last part of the problem `type`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::RequestTimeout(_) => "request-timeout",
            ApiError::Conflict(_) => "conflict",
            ApiError::Gone(_) => "gone",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Validation(_) => "validation",
            ApiError::TooManyRequests(_) => "too-many-requests",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The error matching a status the framework produced on its own.
    pub fn from_status(status: StatusCode) -> ApiError {
        match status.as_u16() {
            404 => ApiError::NotFound("no such resource".into()),
            405 => ApiError::MethodNotAllowed("this resource does not accept that method".into()),
            413 => ApiError::PayloadTooLarge("the request body is too large".into()),
            415 => ApiError::UnsupportedMediaType("unsupported content type".into()),
            401 => ApiError::Unauthorized("credentials are missing or wrong".into()),
            403 => ApiError::Forbidden("not allowed".into()),
            409 => ApiError::Conflict("the request conflicts with the current state".into()),
            410 => ApiError::Gone("gone".into()),
            422 => ApiError::Validation(Vec::new()),
            429 => ApiError::TooManyRequests(60),
            503 => ApiError::Unavailable("the service is unavailable".into()),
            s if (400..500).contains(&s) => {
                ApiError::BadRequest(status.canonical_reason().unwrap_or("bad request").to_lowercase())
            }
            _ => ApiError::Internal(format!("framework error {status}")),
        }
    }
}

impl From<crate::service::ServiceError> for ApiError {
    fn from(e: crate::service::ServiceError) -> Self {
        use crate::service::ServiceError as S;
        match e {
            S::NotFound(m) => ApiError::NotFound(m),
            S::Unauthenticated(m) => ApiError::Unauthorized(m),
            S::Forbidden(m) => ApiError::Forbidden(m),
            S::Conflict(m) => ApiError::Conflict(m),
            S::Gone(m) => ApiError::Gone(m),
            S::Invalid(errors) => ApiError::Validation(errors),
            S::Unavailable(m) => DbError::Unavailable(m).into(),
            S::Store(e) => e.into(),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(m) => {
                tracing::warn!(cause = %crate::domain::privacy::mask_emails(&m), "database unavailable");
                ApiError::Unavailable("the database is unavailable; try again shortly".into())
            }
            DbError::Query(e) => e.into(),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match &e {
            E::NotFound => ApiError::NotFound("not found".into()),
            E::DatabaseError(K::UniqueViolation, _) => {
                ApiError::Conflict("a record with the same unique value already exists".into())
            }
            E::DatabaseError(K::ForeignKeyViolation, _) => {
                ApiError::Conflict("the record refers to something that does not exist".into())
            }
            E::DatabaseError(K::SerializationFailure, _) => {
                ApiError::Conflict("a concurrent change got there first; retry".into())
            }
            _ if crate::db::is_connection_lost(&e) => {
                ApiError::Unavailable("the database connection was lost; try again shortly".into())
            }
            E::DatabaseError(_, info) if info.message().contains("database is locked") => {
                ApiError::Unavailable("the database is busy; try again shortly".into())
            }
            _ => ApiError::Internal(e.to_string()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            ApiError::Internal(cause) => {
                tracing::error!(cause = %crate::domain::privacy::mask_emails(cause), "internal error");
                "an internal error occurred; it has been logged".to_string()
            }
            ApiError::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("invalid fields: {}", fields.join(", "))
            }
            other => other.to_string(),
        };
        let mut body = json!({
            "type": format!("urn:civicdesk:problem:{}", self.code()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        });
        if let ApiError::Validation(errors) = self {
            body["errors"] = json!(errors);
        }
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            ApiError::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"civicdesk\""));
            }
            ApiError::Unavailable(_) => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::TooManyRequests(seconds) => {
                res.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            _ => {}
        }
        res.body(body.to_string())
    }
}

/// Middleware hook: any error response not already problem+json (the
/// framework's own 404, 405, extractor errors) is rewritten as one.
pub fn problemize<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json") || v.starts_with("text/html"));
    // Open311 answers errors in its own list, XML or JSON.
    let open311 = res.request().path().starts_with(crate::web::open311::BASE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/xml") || v.starts_with("application/json"));
    // Our own problems, and the citizen's HTML pages, pass through as they are.
    if is_problem || open311 {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let rewritten: HttpResponse<BoxBody> = ApiError::from_status(status).error_response();
    let res: ServiceResponse<EitherBody<B>> = ServiceResponse::new(req, rewritten).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
