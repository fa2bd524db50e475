//! HTTP manners every response keeps: security headers, `HEAD` wherever
//! `GET` works, `405` with `Allow`, and routes built so that each answers so.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{web, FromRequest, Handler, HttpResponse, Resource, Responder, ResponseError};

use super::problem::ApiError;

/// Headers on every response (a handler may set its own first): no framing,
/// no content sniffing, no caching of answers that hold citizens' data.
pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::CACHE_CONTROL, "no-store"))
}

/// The referrer policy of a path: none at all, since citizens' links carry
/// tokens, except in the back office, whose forms need the browser to send
/// their `Origin` (under `no-referrer` a browser sends `Origin: null`, which
/// the office refuses as a cross-site post); `same-origin` still tells no
/// other site anything.
pub fn referrer_policy(path: &str) -> &'static str {
    if path == "/office" || path.starts_with("/office/") {
        "same-origin"
    } else {
        "no-referrer"
    }
}

/// Sets the referrer policy of the request's path on its response.
pub async fn referrer(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = referrer_policy(req.path());
    let mut res = next.call(req).await?;
    res.headers_mut()
        .insert(header::REFERRER_POLICY, header::HeaderValue::from_static(policy));
    Ok(res)
}

/// Answers `HEAD` as `GET` would; the server sends the headers without the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// A resource whose methods are listed as they are added, so that any other
/// method answers 405 with `Allow` naming them.
pub struct Routes {
    resource: Resource,
    path: String,
    allow: Vec<Method>,
}

/// Every path routed and its methods, as the builder registered them, so a
/// test can hold the routes and the published document to each other.
static REGISTERED: std::sync::Mutex<std::collections::BTreeMap<String, Vec<Method>>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// The paths routed so far (by any `configure`) with their methods.
pub fn registered() -> std::collections::BTreeMap<String, Vec<Method>> {
    REGISTERED.lock().map(|r| r.clone()).unwrap_or_default()
}

/// Starts the routes of one path (the whole path: the registry sees no scopes).
pub fn at(path: &str) -> Routes {
    Routes {
        resource: web::resource(path),
        path: path.to_string(),
        allow: Vec::new(),
    }
}

impl Routes {
    fn method<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::method(method.clone()).to(handler));
        self.allow.push(method);
        self
    }

    /// `GET` (and so `HEAD`).
    pub fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::GET, handler)
    }

    /// `POST`.
    pub fn post<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, handler)
    }

    /// `PUT`.
    pub fn put<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PUT, handler)
    }

    /// `PATCH`.
    pub fn patch<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PATCH, handler)
    }

    /// `DELETE`.
    pub fn delete<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::DELETE, handler)
    }

    /// The resource, answering any other method with 405 and `Allow`.
    pub fn done(self) -> Resource {
        if let Ok(mut r) = REGISTERED.lock() {
            r.insert(self.path.clone(), self.allow.clone());
        }
        let mut names: Vec<&str> = self.allow.iter().map(Method::as_str).collect();
        if self.allow.contains(&Method::GET) {
            names.insert(names.iter().position(|m| *m == "GET").map_or(0, |i| i + 1), "HEAD");
        }
        let allow = names.join(", ");
        self.resource
            .default_service(web::to(move |req: actix_web::HttpRequest| {
                let allow = allow.clone();
                async move {
                    let refusal = ApiError::MethodNotAllowed(format!("this resource accepts {allow}"));
                    let mut res: HttpResponse = match super::open311::format::Format::of_door(req.path()) {
                        Some(format) => {
                            super::open311::format::Open311Error::from_api(format, refusal).error_response()
                        }
                        None => refusal.error_response(),
                    };
                    if let Ok(v) = header::HeaderValue::from_str(&allow) {
                        res.headers_mut().insert(header::ALLOW, v);
                    }
                    res
                }
            }))
    }
}

/// The id of one request: the client's `X-Request-Id` when it is sane (1 to
/// 128 of `A-Z a-z 0-9 - _ . :`), else a new UUID.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn sane_request_id(v: &str) -> bool {
    (1..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Gives every request an id: sent back in `X-Request-Id` and carried by every
/// log line of the request (a tracing span around it).
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use tracing::Instrument;
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane_request_id(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    // actix finds a pattern by matching the path against every route again:
    // once here, not once for the access log and again for the metrics.
    let route = Route(req.match_pattern().unwrap_or_else(|| "(no route)".into()));
    {
        let mut extensions = actix_web::HttpMessage::extensions_mut(&req);
        extensions.insert(RequestId(id.clone()));
        extensions.insert(route);
    }
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = next.call(req).instrument(span).await?;
    if let Ok(v) = header::HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), v);
    }
    Ok(res)
}

/// The route pattern a request matched (`/api/v1/cases/{id}`), found once by [`request_id`].
#[derive(Clone)]
pub struct Route(pub String);

impl Route {
    /// The request's route pattern, or `(no route)`.
    pub fn of(req: &ServiceRequest) -> String {
        actix_web::HttpMessage::extensions(req)
            .get::<Route>()
            .map_or_else(|| "(no route)".into(), |r| r.0.clone())
    }
}

/// Counts every request by its route pattern (never the raw path), method and
/// status, and times it.
pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let route = Route::of(&req);
    let method = req.method().as_str().to_string();
    let res = next.call(req).await?;
    let m = &crate::metrics::METRICS;
    m.http_requests
        .with_label_values(&[route.as_str(), method.as_str(), res.status().as_str()])
        .inc();
    m.http_seconds
        .with_label_values(&[route.as_str(), method.as_str()])
        .observe(started.elapsed().as_secs_f64());
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::referrer_policy;

    #[test]
    fn only_the_office_sends_a_referrer_and_only_to_itself() {
        assert_eq!(referrer_policy("/office/login"), "same-origin");
        assert_eq!(referrer_policy("/office"), "same-origin");
        assert_eq!(referrer_policy("/officers"), "no-referrer");
        assert_eq!(referrer_policy("/track/2026-000001"), "no-referrer");
        assert_eq!(referrer_policy("/surveys/abc"), "no-referrer");
    }
}
