//! HTTP manners every response keeps: security headers, `HEAD` wherever
//! `GET` works, `405` with `Allow`, and routes built so that each answers so.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{web, FromRequest, Handler, HttpResponse, Resource, Responder, ResponseError};

use super::problem::ApiError;

/// Headers on every response (a handler may set its own first): no framing,
/// no content sniffing, no referrer (links carry tokens), no caching of
/// answers that hold citizens' data.
pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CACHE_CONTROL, "no-store"))
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
    allow: Vec<Method>,
}

/// Starts the routes of one path.
pub fn at(path: &str) -> Routes {
    Routes {
        resource: web::resource(path),
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
        let mut names: Vec<&str> = self.allow.iter().map(Method::as_str).collect();
        if self.allow.contains(&Method::GET) {
            names.insert(names.iter().position(|m| *m == "GET").map_or(0, |i| i + 1), "HEAD");
        }
        let allow = names.join(", ");
        self.resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move {
                let mut res: HttpResponse =
                    ApiError::MethodNotAllowed(format!("this resource accepts {allow}")).error_response();
                if let Ok(v) = header::HeaderValue::from_str(&allow) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
                res
            }
        }))
    }
}
