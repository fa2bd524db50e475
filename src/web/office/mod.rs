//! The operator back office (API.md "Operator back office"): pages rendered
//! on the server that work without JavaScript, in the operator's language,
//! over the same use cases as the API. A session cookie (the value is random,
//! kept on the server only as a hash) signs an operator in; every form carries
//! the session's CSRF token and a post from another origin is refused.

pub mod assets;
pub mod calls;
pub mod case;
pub mod dashboard;
pub mod guard;
pub mod login;
pub mod queue;
pub mod scorecards;
pub mod settings;
pub mod words;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::http::{header, StatusCode};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use super::hygiene::at;
use super::AppState;
use crate::credentials::same_hash;
use crate::service::sessions::{self, Current};
use crate::service::ServiceError;

/// The session cookie's name.
pub const COOKIE: &str = "civicdesk_session";

/// Registers the back office's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/office").get(to_dashboard).done())
        .service(at("/office/").get(dashboard::page).done())
        .service(at("/office/login").get(login::form).post(login::submit).done())
        .service(at("/office/logout").post(login::logout).done())
        .service(at("/office/office.css").get(assets::css).done())
        .service(at("/office/office.js").get(assets::js).done())
        .service(at("/office/cases").get(queue::page).done())
        .service(at("/office/cases/{id}").get(case::page).done())
        .service(at("/office/cases/{id}/{action}").post(case::act).done())
        .service(at("/office/happy-calls").get(calls::list).done())
        .service(
            at("/office/happy-calls/{case_id}")
                .get(calls::call)
                .post(calls::answer)
                .done(),
        )
        .service(at("/office/follow-ups").get(calls::follow_ups).done())
        .service(at("/office/follow-ups/{id}/done").post(calls::done).done())
        .service(at("/office/scorecards").get(scorecards::page).done())
        .service(at("/office/scorecards.csv").get(scorecards::csv).done())
        .service(at("/office/settings").get(settings::index).done())
        .service(
            at("/office/settings/teams")
                .get(settings::teams_list)
                .post(settings::teams_post)
                .done(),
        )
        .service(
            at("/office/settings/teams/{id}/deactivate")
                .post(settings::teams_post)
                .done(),
        )
        .service(
            at("/office/settings/operators")
                .get(settings::operators_list)
                .post(settings::operators_post)
                .done(),
        )
        .service(
            at("/office/settings/operators/{id}/deactivate")
                .post(settings::operators_post)
                .done(),
        )
        .service(
            at("/office/settings/holidays")
                .get(settings::holidays_list)
                .post(settings::holidays_post)
                .done(),
        )
        .service(
            at("/office/settings/holidays/{date}/deactivate")
                .post(settings::holidays_post)
                .done(),
        )
        .service(
            at("/office/settings/categories")
                .get(settings::categories::list)
                .post(settings::categories::create)
                .done(),
        )
        .service(
            at("/office/settings/categories/{id}")
                .get(settings::categories::edit)
                .post(settings::categories::save)
                .done(),
        )
        .service(
            at("/office/settings/categories/{id}/deactivate")
                .post(settings::categories::deactivate)
                .done(),
        )
        .service(
            at("/office/settings/rules")
                .get(settings::rules::list)
                .post(settings::rules::create)
                .done(),
        )
        .service(
            at("/office/settings/rules/{id}/{action}")
                .post(settings::rules::act)
                .done(),
        )
        .service(
            at("/office/settings/tokens")
                .get(settings::tokens::list)
                .post(settings::tokens::create)
                .done(),
        )
        .service(
            at("/office/settings/tokens/{id}/revoke")
                .post(settings::tokens::revoke)
                .done(),
        );
}

async fn to_dashboard() -> HttpResponse {
    see_other("/office/")
}

/// A page of the back office with its status.
pub fn html<T: Template>(status: StatusCode, page: T) -> Result<HttpResponse, OfficeError> {
    let body = page.render().map_err(|e| OfficeError::Internal(e.to_string()))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A 303 to `location` (after a post, or to the sign-in page).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A signed-in operator's request.
pub struct Office {
    /// Who, with role, teams, CSRF token and language.
    pub current: Current,
}

impl Office {
    /// The operator's language.
    pub fn lang(&self) -> &str {
        &self.current.locale
    }

    /// The page frame (header, navigation) for a page titled `title`.
    pub fn frame(&self, active: &'static str, title: String) -> Frame {
        Frame {
            lang: self.current.locale.clone(),
            name: self.current.operator.name.clone(),
            role: self.current.operator.role.as_str(),
            csrf: self.current.csrf.clone(),
            active,
            title,
        }
    }
}

/// What every page's frame shows.
pub struct Frame {
    /// `ko` or `en`.
    pub lang: String,
    /// The operator's name.
    pub name: String,
    /// The operator's role.
    pub role: &'static str,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// The navigation entry of this page.
    pub active: &'static str,
    /// The page's title.
    pub title: String,
}

impl Frame {
    /// A word in the operator's language.
    pub fn t(&self, key: &str) -> &'static str {
        words::t(&self.lang, key)
    }

    /// `aria-current` for the navigation entry of this page.
    pub fn current(&self, entry: &str) -> &'static str {
        if entry == self.active {
            "page"
        } else {
            "false"
        }
    }
}

/// What a back-office request can answer instead of its page.
#[derive(Debug)]
pub enum OfficeError {
    /// No session: to the sign-in page.
    SignIn,
    /// A post without the session's CSRF token, or from another origin.
    ExpiredForm,
    /// The role forbids it.
    Forbidden(String),
    /// Nothing there.
    NotFound,
    /// The database cannot be reached now.
    Unavailable,
    /// The form's body is larger than any form of ours (413).
    TooLarge,
    /// The form's body did not arrive in time (408).
    TooSlow,
    /// The form's body could not be read (400).
    BadForm,
    /// A fault of ours; the cause is logged, never shown.
    Internal(String),
}

impl std::fmt::Display for OfficeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl From<ServiceError> for OfficeError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(_) => OfficeError::NotFound,
            ServiceError::Forbidden(m) | ServiceError::Unauthenticated(m) => OfficeError::Forbidden(m),
            ServiceError::Unavailable(_) => OfficeError::Unavailable,
            other => OfficeError::Internal(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "office/error.html")]
struct ErrorPage<'a> {
    heading: &'a str,
    detail: &'a str,
}

impl From<super::problem::ApiError> for OfficeError {
    /// A form body the extractor refused: the client's fault, said as such
    /// (never a 500); anything else the extractor may one day answer is ours.
    fn from(e: super::problem::ApiError) -> Self {
        use super::problem::ApiError as A;
        match e {
            A::PayloadTooLarge(_) => OfficeError::TooLarge,
            A::RequestTimeout(_) => OfficeError::TooSlow,
            A::BadRequest(_) | A::UnsupportedMediaType(_) | A::Validation(_) => OfficeError::BadForm,
            A::Unavailable(_) => OfficeError::Unavailable,
            other => OfficeError::Internal(format!("form body: {other}")),
        }
    }
}

impl ResponseError for OfficeError {
    fn status_code(&self) -> StatusCode {
        match self {
            OfficeError::SignIn => StatusCode::SEE_OTHER,
            OfficeError::ExpiredForm | OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
            OfficeError::NotFound => StatusCode::NOT_FOUND,
            OfficeError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            OfficeError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            OfficeError::TooSlow => StatusCode::REQUEST_TIMEOUT,
            OfficeError::BadForm => StatusCode::BAD_REQUEST,
            OfficeError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // Without a session the language is unknown: both, Korean first.
        let both = |key: &str| format!("{} / {}", words::t("ko", key), words::t("en", key));
        let (heading, detail) = match self {
            OfficeError::SignIn => return see_other("/office/login"),
            OfficeError::ExpiredForm => (both("expired_form"), String::new()),
            OfficeError::Forbidden(m) => (both("forbidden"), m.clone()),
            OfficeError::NotFound => (both("not_found"), String::new()),
            OfficeError::Unavailable => (both("unavailable"), String::new()),
            OfficeError::TooLarge => (both("too_large"), String::new()),
            OfficeError::TooSlow => (both("too_slow"), String::new()),
            OfficeError::BadForm => (both("bad_form"), String::new()),
            OfficeError::Internal(cause) => {
                tracing::error!(cause = %crate::domain::privacy::mask_emails(cause), "internal error");
                (both("error"), String::new())
            }
        };
        let html = ErrorPage {
            heading: &heading,
            detail: &detail,
        }
        .render()
        .unwrap_or_else(|_| heading.clone());
        let mut res = HttpResponse::build(self.status_code());
        if matches!(self, OfficeError::Unavailable) {
            res.insert_header((header::RETRY_AFTER, "5"));
        }
        res.content_type("text/html; charset=utf-8").body(html)
    }
}

impl FromRequest for Office {
    type Error = OfficeError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, OfficeError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(COOKIE).map(|c| c.value().to_string());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(OfficeError::SignIn);
            };
            let t = token.clone();
            let (current, stale) = state
                .db
                .read(move |c| sessions::current(c, &t))
                .await?
                .ok_or(OfficeError::SignIn)?;
            if stale {
                state.db.write(move |c| sessions::touch(c, &token)).await?;
            }
            Ok(Office { current })
        })
    }
}

/// A posted form of a signed-in operator, its CSRF token and origin checked.
pub async fn checked_form(
    req: &HttpRequest,
    office: &Office,
    body: Result<super::extract::Body, super::problem::ApiError>,
    state: &AppState,
) -> Result<BTreeMap<String, Vec<String>>, OfficeError> {
    if !same_origin(req, state) {
        return Err(OfficeError::ExpiredForm);
    }
    let body = body?;
    let fields = super::extract::form_fields(&body.0);
    let sent = fields
        .get("csrf")
        .and_then(|v| v.first())
        .map(String::as_str)
        .unwrap_or("");
    if !same_hash(sent, &office.current.csrf) {
        return Err(OfficeError::ExpiredForm);
    }
    Ok(fields)
}

/// Whether a post comes from this site: no `Origin` (an old browser, or a
/// same-origin form some browsers leave it off), or the public URL's or the
/// request's own origin.
pub fn same_origin(req: &HttpRequest, state: &AppState) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let info = req.connection_info();
    let own = format!("{}://{}", info.scheme(), info.host());
    origin == own
        || state.settings.public_url.starts_with(origin) && {
            let rest = &state.settings.public_url[origin.len()..];
            rest.is_empty() || rest.starts_with('/')
        }
}

impl From<crate::db::DbError> for OfficeError {
    fn from(e: crate::db::DbError) -> Self {
        ServiceError::from(e).into()
    }
}

/// What a form's refusal says on the page again: its status and message
/// (invalid fields named, or the state that forbids it); other errors are pages of their own.
pub fn form_problem(lang: &str, e: ServiceError) -> Result<(StatusCode, String), OfficeError> {
    match e {
        ServiceError::Invalid(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "{} {}",
                words::t(lang, "invalid"),
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )),
        ServiceError::Conflict(m) => Ok((StatusCode::CONFLICT, format!("{} {m}", words::t(lang, "conflict")))),
        other => Err(other.into()),
    }
}
