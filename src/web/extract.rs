//! Request extractors whose every failure is a specific problem+json error.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::problem::ApiError;
use super::wording::api_words;
use crate::domain::validation::FieldError;

/// Largest accepted JSON body: a 10,000-character description in Korean is ~30 KB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON body: 415 when not JSON, 413 when too large, 400 when malformed,
/// 422 naming the field when a value has the wrong type or is unknown.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    /// The parsed value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Whether a content type is JSON (`application/json` or any `+json`).
fn is_json(req: &HttpRequest) -> bool {
    let m = media_type(req);
    m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
}

/// Parses JSON bytes into `T`, naming the offending field on a type error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    // Every body of this API is an object; serde would read a list as one, field by field.
    if !value.is_object() {
        let got = match &value {
            serde_json::Value::Array(_) => "a list".to_string(),
            other => other.to_string(),
        };
        return Err(ApiError::Validation(vec![FieldError {
            field: "body".into(),
            message: format!("must be an object (got {got})"),
        }]));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_string() } else { path };
        ApiError::Validation(vec![FieldError {
            field,
            message: api_words(&e.inner().to_string()),
        }])
    })
}

/// The raw body, as long as it arrives within `CIVICDESK_BODY_TIMEOUT_SECS`:
/// a client that stalls halfway gets a 408, not a worker held forever.
#[derive(Debug)]
pub struct Body(pub web::Bytes);

impl FromRequest for Body {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<super::AppState>>()
            .map_or(30, |s| s.settings.body_timeout_secs);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            match actix_web::rt::time::timeout(std::time::Duration::from_secs(limit), bytes).await {
                Ok(read) => read.map(Body).map_err(body_error),
                Err(_) => Err(ApiError::RequestTimeout(format!(
                    "the request body did not arrive within {limit} s"
                ))),
            }
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = Body::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as JSON with Content-Type: application/json".into(),
                ));
            }
            let Body(bytes) = bytes.await?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// An optional JSON body: absent (empty) is `None`; present must be valid JSON.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = Body::from_request(req, payload);
        Box::pin(async move {
            let Body(bytes) = bytes.await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as JSON with Content-Type: application/json".into(),
                ));
            }
            parse_json(&bytes).map(|v| OptionalJson(Some(v)))
        })
    }
}

fn body_error(e: actix_web::Error) -> ApiError {
    if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(format!("the body must be at most {MAX_BODY_BYTES} bytes"))
    } else {
        ApiError::BadRequest(format!("the body could not be read: {e}"))
    }
}

/// Extractor settings that turn the framework's query, path and body errors into problems.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            let said = e.to_string();
            let said = said.strip_prefix("Query deserialize error: ").unwrap_or(&said);
            ApiError::BadRequest(format!("the query string is invalid: {}", api_words(said))).into()
        }))
        .app_data(
            web::PathConfig::default()
                .error_handler(|e, _| ApiError::NotFound(format!("no such resource: {e}")).into()),
        );
}

/// Deserializes a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}

/// Fields by name, from a query string or a form body: an empty value counts
/// as absent; `name[]` collects every value given under `name`.
pub fn form_fields(raw: &[u8]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for (k, v) in form_urlencoded::parse(raw) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let k = k.strip_suffix("[]").unwrap_or(&k).to_string();
        out.entry(k).or_default().push(v.to_string());
    }
    out
}

/// One field of a form body exactly as typed (not trimmed): for passwords.
pub fn raw_field(raw: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(raw)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The media type of a request's body, lowercase, without parameters (`""` when unsaid).
pub fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default()
}
