//! Settings for admins: `/office/settings` (index), teams, operators and the
//! holidays of a year — each a list with a form to add one and a button to
//! deactivate one, through the same use cases as `/api/v1/...`; categories,
//! routing rules and API tokens in their own files.

pub mod categories;
pub mod rules;
pub mod tokens;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate, TimeZone};

use super::words::t;
use super::{checked_form, html, see_other, Frame, Office, OfficeError};
use crate::db::types::now;
use crate::service::holidays::{self, HolidayEdit};
use crate::service::settings::operators::{self, OperatorChange};
use crate::service::settings::teams::{self, TeamChange};
use crate::service::ServiceError;
use crate::web::extract::{form_fields, raw_field, Body};
use crate::web::problem::ApiError;
use crate::web::AppState;

type Fields = std::collections::BTreeMap<String, Vec<String>>;

fn one(fields: &Fields, name: &str) -> Option<String> {
    fields.get(name).and_then(|v| v.first()).cloned()
}

fn admin(office: &Office) -> Result<(), OfficeError> {
    office.current.operator.require_admin().map_err(OfficeError::from)
}

#[derive(Template)]
#[template(path = "office/settings.html")]
struct IndexPage {
    frame: Frame,
}

/// `GET /office/settings`.
pub async fn index(office: Office) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    let lang = office.lang().to_string();
    html(
        StatusCode::OK,
        IndexPage {
            frame: office.frame("settings", t(&lang, "settings").into()),
        },
    )
}

#[derive(Template)]
#[template(path = "office/teams.html")]
struct TeamsPage {
    frame: Frame,
    teams: Vec<(String, String, String, bool, bool)>,
    problem: String,
}

async fn teams_page(
    state: &AppState,
    office: &Office,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let list = state.db.read(move |c| teams::list(c, &op)).await?;
    let lang = office.lang().to_string();
    html(
        status,
        TeamsPage {
            frame: office.frame("settings", t(&lang, "teams").into()),
            teams: list
                .into_iter()
                .map(|tm| {
                    (
                        tm.id.to_string(),
                        tm.name,
                        tm.email.unwrap_or_default(),
                        tm.triage,
                        tm.active,
                    )
                })
                .collect(),
            problem,
        },
    )
}

/// `GET /office/settings/teams`.
pub async fn teams_list(state: web::Data<AppState>, office: Office) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    teams_page(&state, &office, StatusCode::OK, String::new()).await
}

/// `POST /office/settings/teams` (`name`, `email`) and `…/teams/{id}/deactivate`.
pub async fn teams_post(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    let op = office.current.operator.clone();
    let id = req.match_info().get("id").map(String::from);
    let result = state
        .db
        .write(move |c| match id {
            Some(id) => teams::deactivate(c, &op, &id),
            None => teams::create(
                c,
                &op,
                TeamChange {
                    name: one(&fields, "name"),
                    email: Some(one(&fields, "email")),
                    ..Default::default()
                },
            ),
        })
        .await;
    match result {
        Ok(_) => Ok(see_other("/office/settings/teams")),
        Err(e) => {
            let (status, problem) = super::form_problem(office.lang(), e)?;
            teams_page(&state, &office, status, problem).await
        }
    }
}

/// An operator as the settings list shows them.
struct OperatorRow {
    id: String,
    name: String,
    email: String,
    role: String,
    locale: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "office/operators.html")]
struct OperatorsPage {
    frame: Frame,
    operators: Vec<OperatorRow>,
    teams: Vec<(String, String)>,
    problem: String,
}

async fn operators_page(
    state: &AppState,
    office: &Office,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let (list, all_teams) = state
        .db
        .read(move |c| Ok::<_, ServiceError>((operators::list(c, &op)?, teams::list(c, &op)?)))
        .await?;
    let lang = office.lang().to_string();
    html(
        status,
        OperatorsPage {
            frame: office.frame("settings", t(&lang, "operators").into()),
            operators: list
                .into_iter()
                .map(|(o, _)| OperatorRow {
                    id: o.id.to_string(),
                    name: o.name,
                    email: o.email,
                    role: o.role,
                    locale: o.locale,
                    active: o.active,
                })
                .collect(),
            teams: all_teams
                .into_iter()
                .filter(|t| t.active)
                .map(|t| (t.id.to_string(), t.name))
                .collect(),
            problem,
        },
    )
}

/// `GET /office/settings/operators`.
pub async fn operators_list(state: web::Data<AppState>, office: Office) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    operators_page(&state, &office, StatusCode::OK, String::new()).await
}

/// `POST /office/settings/operators` (`name`, `email`, `role`, `team_ids`, `password`, `locale`) and `…/{id}/deactivate`.
pub async fn operators_post(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let body = body.map(|b| {
        // A password is taken as typed: spaces at its ends are part of it.
        let password = raw_field(&b.0, "password").filter(|p| !p.is_empty());
        (b, password)
    });
    let (body, password) = match body {
        Ok((b, p)) => (Ok(b), p),
        Err(e) => (Err(e), None),
    };
    let fields = checked_form(&req, &office, body, &state).await?;
    let op = office.current.operator.clone();
    let id = req.match_info().get("id").map(String::from);
    let result = state
        .db
        .write(move |c| match id {
            Some(id) => operators::deactivate(c, &op, &id),
            None => operators::create(
                c,
                &op,
                OperatorChange {
                    email: one(&fields, "email"),
                    name: one(&fields, "name"),
                    role: one(&fields, "role"),
                    team_ids: Some(fields.get("team_ids").cloned().unwrap_or_default()),
                    password,
                    active: None,
                    locale: one(&fields, "locale"),
                },
            ),
        })
        .await;
    match result {
        Ok(_) => Ok(see_other("/office/settings/operators")),
        Err(e) => {
            let (status, problem) = super::form_problem(office.lang(), e)?;
            operators_page(&state, &office, status, problem).await
        }
    }
}

#[derive(Template)]
#[template(path = "office/holidays.html")]
struct HolidaysPage {
    frame: Frame,
    year: i32,
    holidays: Vec<(String, String, String, bool)>,
    problem: String,
}

fn year_of(req: &HttpRequest, state: &AppState) -> i32 {
    form_fields(req.query_string().as_bytes())
        .get("year")
        .and_then(|v| v.first())
        .and_then(|y| y.parse().ok())
        .filter(|y| (1..=9999).contains(y))
        .unwrap_or_else(|| state.settings.timezone.from_utc_datetime(&now().naive_utc()).year())
}

async fn holidays_page(
    state: &AppState,
    office: &Office,
    year: i32,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    let list = state
        .db
        .write(move |c| holidays::list(c, &settings, &op, Some(year), now()))
        .await?;
    let lang = office.lang().to_string();
    html(
        status,
        HolidaysPage {
            frame: office.frame("settings", t(&lang, "holidays").into()),
            year,
            holidays: list
                .into_iter()
                .map(|h| (h.date.to_string(), h.name, h.origin, h.active))
                .collect(),
            problem,
        },
    )
}

/// `GET /office/settings/holidays?year=`.
pub async fn holidays_list(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    let year = year_of(&req, &state);
    holidays_page(&state, &office, year, StatusCode::OK, String::new()).await
}

/// `POST /office/settings/holidays` (`date`, `name`) and `…/{date}/deactivate`.
pub async fn holidays_post(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    let day = req.match_info().get("date").map(String::from);
    let typed = one(&fields, "date");
    let date = typed
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let year = day
        .as_deref()
        .or(typed.as_deref())
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| year_of(&req, &state));
    let result = state
        .db
        .write(move |c| match day {
            Some(day) => holidays::deactivate(c, &settings, &op, &day, now()),
            None => holidays::create(
                c,
                &settings,
                &op,
                HolidayEdit {
                    date,
                    name: one(&fields, "name"),
                    active: None,
                },
                now(),
            ),
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/office/settings/holidays?year={year}"))),
        Err(e) => {
            let (status, problem) = super::form_problem(office.lang(), e)?;
            holidays_page(&state, &office, year, status, problem).await
        }
    }
}
