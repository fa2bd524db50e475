//! `/office/settings/rules`: the routing rules in the order they run, what
//! each matches and where it sends a case; a form to add one; buttons to move
//! one earlier or later and to deactivate one — through the same use cases
//! as `/api/v1/routing-rules`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{admin, html, one};
use crate::domain::routing::Step;
use crate::service::settings::categories;
use crate::service::settings::rules::{self, RuleChange};
use crate::service::settings::teams;
use crate::service::ServiceError;
use crate::store;
use crate::web::extract::Body;
use crate::web::office::words::t;
use crate::web::office::{checked_form, form_problem, see_other, Frame, Office, OfficeError};
use crate::web::problem::ApiError;
use crate::web::AppState;

const LIST: &str = "/office/settings/rules";

/// A rule as the list shows it.
struct RuleRow {
    id: String,
    position: i32,
    /// The kind it matches, in words; empty for any.
    kind: &'static str,
    /// The category code it matches; empty for any.
    category: String,
    keywords: String,
    team: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "office/rules.html")]
struct RulesPage {
    frame: Frame,
    rules: Vec<RuleRow>,
    teams: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    problem: String,
}

async fn rules_page(
    state: &AppState,
    office: &Office,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let (list, all_teams, all_categories) = state
        .db
        .read(move |c| Ok::<_, ServiceError>((rules::list(c, &op)?, teams::list(c, &op)?, categories::list(c, &op)?)))
        .await?;
    let lang = office.lang().to_string();
    let rows = list
        .into_iter()
        .map(|r| RuleRow {
            id: r.id.to_string(),
            position: r.position,
            kind: r.kind.as_deref().map(|k| t(&lang, k)).unwrap_or(""),
            category: r.category_code.unwrap_or_default(),
            keywords: store::keywords_from_text(&r.keywords).join(", "),
            team: all_teams
                .iter()
                .find(|tm| tm.id == r.team_id)
                .map(|tm| tm.name.clone())
                .unwrap_or_default(),
            active: r.active,
        })
        .collect();
    html(
        status,
        RulesPage {
            frame: office.frame("settings", t(&lang, "routing_rules").into()),
            rules: rows,
            teams: all_teams
                .into_iter()
                .filter(|tm| tm.active)
                .map(|tm| (tm.id.to_string(), tm.name))
                .collect(),
            categories: all_categories
                .into_iter()
                .filter(|c| c.active)
                .map(|c| (c.code, c.name))
                .collect(),
            problem,
        },
    )
}

/// `GET /office/settings/rules`.
pub async fn list(state: web::Data<AppState>, office: Office) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    rules_page(&state, &office, StatusCode::OK, String::new()).await
}

/// A blank choice means "any": the condition is left off.
fn chosen(fields: &super::Fields, name: &str) -> Option<Option<String>> {
    one(fields, name).filter(|v| !v.trim().is_empty()).map(Some)
}

/// `POST /office/settings/rules` (`position`, `kind`, `category`, `keywords`, `team_id`).
pub async fn create(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    // Checked before the form is read: a refusal shows the admin's page.
    admin(&office)?;
    let position = match one(&fields, "position").as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => p
            .parse::<i32>()
            .map(Some)
            .map_err(|_| ServiceError::field("position", "must be a whole number from 0 to 1000000")),
    };
    let input = position.map(|position| RuleChange {
        position,
        kind: chosen(&fields, "kind"),
        category: chosen(&fields, "category"),
        keywords: Some(
            one(&fields, "keywords")
                .unwrap_or_default()
                .split([',', '\n'])
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
        ),
        team_id: one(&fields, "team_id").filter(|v| !v.is_empty()),
        active: None,
    });
    let op = office.current.operator.clone();
    let result = match input {
        Ok(input) => state.db.write(move |c| rules::create(c, &op, input)).await,
        Err(e) => Err(e),
    };
    answer(&state, &office, result.map(drop)).await
}

/// `POST /office/settings/rules/{id}/{action}`: `up`, `down` or `deactivate`.
pub async fn act(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    checked_form(&req, &office, body, &state).await?;
    admin(&office)?;
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    let step = match req.match_info().get("action") {
        Some("up") => Some(Step::Earlier),
        Some("down") => Some(Step::Later),
        Some("deactivate") => None,
        _ => return Err(OfficeError::NotFound),
    };
    let op = office.current.operator.clone();
    let result = state
        .db
        .write(move |c| match step {
            Some(step) => rules::move_rule(c, &op, &id, step),
            None => rules::deactivate(c, &op, &id),
        })
        .await;
    answer(&state, &office, result.map(drop)).await
}

/// To the list after a change; the page again with the refusal otherwise.
async fn answer(
    state: &AppState,
    office: &Office,
    result: Result<(), ServiceError>,
) -> Result<HttpResponse, OfficeError> {
    match result {
        Ok(()) => Ok(see_other(LIST)),
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            rules_page(state, office, status, problem).await
        }
    }
}
