//! `/api/v1/holidays`, keyed by date: list (any operator), create, change and
//! deactivate (admin); use cases in `service::holidays`.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::types::now;
use crate::service::caller::Operator;
use crate::service::holidays::{self, HolidayEdit};
use crate::store::holidays::{Holiday, LAW};
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, AppState};

/// The holidays' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, update, deactivate))]
pub struct Doc;

/// Fields a client may send.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayInput {
    /// The day, `YYYY-MM-DD`: required to create one; the key, so never changed.
    date: Option<NaiveDate>,
    /// Its name; required to create one.
    name: Option<String>,
    /// Whether it counts (a new one does unless `false`).
    active: Option<bool>,
}

impl From<HolidayInput> for HolidayEdit {
    fn from(i: HolidayInput) -> Self {
        HolidayEdit {
            date: i.date,
            name: i.name,
            active: i.active,
        }
    }
}

/// `?year=` filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayQuery {
    /// Only this year's (1 to 9999); a year never asked for gets its rules applied first.
    year: Option<i32>,
}

/// A holiday.
#[derive(Serialize, ToSchema)]
pub struct HolidayView {
    /// The day.
    pub date: NaiveDate,
    /// Its name.
    pub name: String,
    /// Whether it counts (else it is a business day).
    pub active: bool,
    /// `rules` (the law, as shipped) or `admin` (added or changed by an admin).
    pub source: &'static str,
}

impl From<Holiday> for HolidayView {
    fn from(h: Holiday) -> Self {
        HolidayView {
            source: if h.origin == LAW { "rules" } else { "admin" },
            date: h.date,
            name: h.name,
            active: h.active,
        }
    }
}

/// `{"items": [...]}`.
#[derive(Serialize, ToSchema)]
pub struct HolidayList {
    /// The holidays, by date.
    pub items: Vec<HolidayView>,
}

/// `GET /api/v1/holidays?year=2045`: a year never asked for gets its rules applied first.
#[utoipa::path(get, path = "/api/v1/holidays", tag = "holidays", params(HolidayQuery), security(("bearer" = [])),
    responses((status = 200, description = "The holidays, active or not", body = HolidayList)))]
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<HolidayQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = q.year;
    if year.is_some_and(|y| !(1..=9999).contains(&y)) {
        return Err(ApiError::BadRequest("year must be between 1 and 9999".into()));
    }
    // A year already kept is read; only a year never seen takes the writer.
    let reader = op.clone();
    let kept = state.db.read(move |c| holidays::kept(c, &reader, year)).await?;
    let all = match kept {
        Some(all) => all,
        None => {
            let settings = state.settings.clone();
            state
                .db
                .write(move |c| holidays::list(c, &settings, &op, year, now()))
                .await?
        }
    };
    Ok(HttpResponse::Ok().json(HolidayList {
        items: all.into_iter().map(HolidayView::from).collect(),
    }))
}

/// `POST /api/v1/holidays`: 409 when the date already has one; open cases
/// whose deadline runs over it get their due date moved.
#[utoipa::path(post, path = "/api/v1/holidays", tag = "holidays", security(("bearer" = [])),
    request_body(content = HolidayInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; due dates it touches moved", body = HolidayView,
            headers(("Location" = String, description = "The holiday's path"))),
        (status = 403, description = "Only an admin adds holidays",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The date already has a holiday",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<HolidayInput>,
) -> Result<HttpResponse, ApiError> {
    let input = HolidayEdit::from(body.into_inner());
    let settings = state.settings.clone();
    let h = state
        .db
        .write(move |c| holidays::create(c, &settings, &op, input, now()))
        .await?;
    Ok(created(format!("/api/v1/holidays/{}", h.date), HolidayView::from(h)))
}

/// `PATCH /api/v1/holidays/{date}`.
#[utoipa::path(patch, path = "/api/v1/holidays/{date}", tag = "holidays",
    params(("date" = String, Path, description = "The holiday's date, YYYY-MM-DD")), security(("bearer" = [])),
    request_body(content = HolidayInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The holiday as changed; due dates it touches moved", body = HolidayView),
        (status = 403, description = "Only an admin changes holidays",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<HolidayInput>,
) -> Result<HttpResponse, ApiError> {
    let date = path.into_inner();
    let input = HolidayEdit::from(body.into_inner());
    let settings = state.settings.clone();
    let h = state
        .db
        .write(move |c| holidays::change(c, &settings, &op, &date, input, now()))
        .await?;
    Ok(HttpResponse::Ok().json(HolidayView::from(h)))
}

/// `DELETE /api/v1/holidays/{date}`: sets `active: false` (a business day again).
#[utoipa::path(delete, path = "/api/v1/holidays/{date}", tag = "holidays",
    params(("date" = String, Path, description = "The holiday's date, YYYY-MM-DD")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The holiday, inactive; due dates it touches moved", body = HolidayView),
        (status = 403, description = "Only an admin deactivates holidays",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let date = path.into_inner();
    let settings = state.settings.clone();
    let h = state
        .db
        .write(move |c| holidays::deactivate(c, &settings, &op, &date, now()))
        .await?;
    Ok(HttpResponse::Ok().json(HolidayView::from(h)))
}
