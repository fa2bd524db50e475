//! `/api/v1/holidays`, keyed by date: list (any operator), create, update, deactivate (admin).

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::types::now;
use crate::domain::validation::Errors;
use crate::service;
use crate::service::caller::Operator;
use crate::store::{self, holidays::Holiday, holidays::LAW};
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, items, AppState};

/// Fields a client may send.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayInput {
    date: Option<NaiveDate>,
    name: Option<String>,
    active: Option<bool>,
}

/// `?year=` filter.
#[derive(Debug, Deserialize)]
pub struct HolidayQuery {
    year: Option<i32>,
}

fn view(h: &Holiday) -> Value {
    let source = if h.origin == LAW { "rules" } else { "admin" };
    json!({"date": h.date, "name": h.name, "active": h.active, "source": source})
}

fn date_of(raw: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ApiError::NotFound(format!("no holiday on \"{raw}\" (dates are YYYY-MM-DD)")))
}

/// `GET /api/v1/holidays?year=2045`: a year never asked for gets its rules applied first.
pub async fn list(
    state: web::Data<AppState>,
    _op: Operator,
    q: web::Query<HolidayQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = q.year;
    if year.is_some_and(|y| !(1..=9999).contains(&y)) {
        return Err(ApiError::BadRequest("year must be between 1 and 9999".into()));
    }
    let settings = state.settings.clone();
    // A year already kept is read; only a year never seen takes the writer.
    let kept = state
        .db
        .read(move |c| {
            let fresh = match year {
                Some(y) => service::holidays::needs_rules(c, y)?,
                None => false,
            };
            Ok::<_, ApiError>((!fresh).then(|| store::holidays::list(c, year)).transpose()?)
        })
        .await?;
    let all = match kept {
        Some(all) => all,
        None => {
            state
                .db
                .write(move |c| service::holidays::list(c, &settings, year, now()).map_err(ApiError::from))
                .await?
        }
    };
    Ok(HttpResponse::Ok().json(items(all.iter().map(view).collect())))
}

/// `POST /api/v1/holidays`: 409 when the date already has one; open cases
/// whose deadline runs over it get their due date moved.
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<HolidayInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let input = body.into_inner();
    let mut e = Errors::default();
    if input.date.is_none() {
        e.add("date", "is required (YYYY-MM-DD)");
    }
    let name = e.required_line("name", input.name.as_deref(), 100);
    e.finish(()).map_err(ApiError::Validation)?;
    let (Some(date), Some(name)) = (input.date, name) else {
        return Err(ApiError::field("body", "is incomplete"));
    };
    let active = input.active.unwrap_or(true);
    let settings = state.settings.clone();
    let h = state
        .db
        .write(move |c| service::holidays::add(c, &settings, date, name, active, now()).map_err(ApiError::from))
        .await?;
    Ok(created(format!("/api/v1/holidays/{}", h.date), view(&h)))
}

/// `PATCH /api/v1/holidays/{date}`.
pub async fn update(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<HolidayInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let date = date_of(&path)?;
    let input = body.into_inner();
    if input.date.is_some_and(|d| d != date) {
        return Err(ApiError::field(
            "date",
            "is the key and cannot change; deactivate this one and create another",
        ));
    }
    let mut e = Errors::default();
    let name = match input.name {
        Some(n) => e.required_line("name", Some(&n), 100),
        None => None,
    };
    e.finish(()).map_err(ApiError::Validation)?;
    let active = input.active;
    let settings = state.settings.clone();
    let h = state
        .db
        .write(move |c| service::holidays::change(c, &settings, date, name, active, now()).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(view(&h)))
}

/// `DELETE /api/v1/holidays/{date}`: sets `active: false` (a business day again).
pub async fn deactivate(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let date = date_of(&path)?;
    let settings = state.settings.clone();
    let h = state
        .db
        .write(move |c| service::holidays::change(c, &settings, date, None, Some(false), now()).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(view(&h)))
}
