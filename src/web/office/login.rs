//! Signing in and out: `GET/POST /office/login`, `POST /office/logout`.

use std::time::Instant;

use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::words::t;
use super::{checked_form, see_other, Office, OfficeError, COOKIE};
use crate::service::sessions::{self, ABSOLUTE_HOURS};
use crate::service::ServiceError;
use crate::web::extract::{form_fields, raw_field, Body};
use crate::web::problem::ApiError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "office/login.html")]
struct LoginPage<'a> {
    lang: &'a str,
    email: &'a str,
    error: &'a str,
}

impl LoginPage<'_> {
    fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }
}

fn lang_of(req: &HttpRequest) -> &'static str {
    crate::web::wording::page_lang(req)
}

fn page(status: StatusCode, lang: &str, email: &str, error: &str) -> HttpResponse {
    let html = LoginPage { lang, email, error }
        .render()
        .unwrap_or_else(|e| format!("<p>{e}</p>"));
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// `GET /office/login`: the form (a signed-in operator goes to the dashboard).
pub async fn form(req: HttpRequest, office: Result<Office, OfficeError>) -> HttpResponse {
    if office.is_ok() {
        return see_other("/office/");
    }
    page(StatusCode::OK, lang_of(&req), "", "")
}

/// `POST /office/login` (`email`, `password`): a session cookie and the
/// dashboard, or the form again; repeated failures meet 429.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let lang = lang_of(&req);
    if !super::same_origin(&req, &state) {
        return Err(OfficeError::ExpiredForm);
    }
    let body = body?;
    let fields = form_fields(&body.0);
    let email = fields.get("email").and_then(|v| v.first()).cloned().unwrap_or_default();
    // A password is taken as typed: spaces at its ends are part of it.
    let password = raw_field(&body.0, "password").unwrap_or_default();
    let address = state
        .limiter
        .client(&req)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let account = email.trim().to_lowercase();
    // Every sign-in counts against the public limit too, right or wrong.
    let over_limit = state.limiter.client(&req).and_then(|ip| state.limiter.check(ip).err());
    let admitted = match over_limit {
        Some(wait) => Err(wait),
        None => state.login_guard.attempt(&address, &account, Instant::now()),
    };
    if let Err(wait) = admitted {
        let mut res = page(StatusCode::TOO_MANY_REQUESTS, lang, &email, t(lang, "login_throttled"));
        if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(res);
    }
    // The slow password check runs on a read connection, holding no write turn.
    let e = email.clone();
    let checked = state.db.read(move |c| sessions::check_password(c, &e, &password)).await;
    let op = match checked {
        Ok(op) => op,
        Err(ServiceError::Forbidden(_)) => {
            return Ok(page(StatusCode::UNAUTHORIZED, lang, &email, t(lang, "login_failed")));
        }
        Err(other) => return Err(other.into()),
    };
    state.login_guard.succeeded(&address, &account);
    let signed = state.db.write(move |c| sessions::open_session(c, op)).await?;
    let cookie = Cookie::build(COOKIE, signed.token)
        .path("/office")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.public_url.starts_with("https://"))
        .max_age(CookieAge::hours(ABSOLUTE_HOURS))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/office/"))
        .cookie(cookie)
        .finish())
}

/// `POST /office/logout`: ends the session on the server and drops the cookie.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    office: Office,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    checked_form(&req, &office, body, &state).await?;
    if let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_string()) {
        state.db.write(move |c| sessions::sign_out(c, &token)).await?;
    }
    let mut gone = Cookie::build(COOKIE, "").path("/office").finish();
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/office/login"))
        .cookie(gone)
        .finish())
}
