//! `/office/settings/tokens`: API tokens — what each is for, whose it is,
//! when it was made and last used, never its secret; a form to make one, whose secret the
//! answer to that form shows once (in the page, never in a URL); a button to
//! revoke one. Through the same use cases as `/api/v1/tokens`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::TimeZone;

use super::{admin, html, one};
use crate::service::settings::operators;
use crate::service::settings::tokens::{self, NewToken};
use crate::service::ServiceError;
use crate::web::extract::Body;
use crate::web::office::words::t;
use crate::web::office::{checked_form, form_problem, see_other, Frame, Office, OfficeError};
use crate::web::problem::ApiError;
use crate::web::AppState;

/// A token as the list shows it.
struct TokenRow {
    id: String,
    name: String,
    operator: String,
    created: String,
    /// When it last authenticated a request; empty if never.
    last_used: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "office/tokens.html")]
struct TokensPage {
    frame: Frame,
    tokens: Vec<TokenRow>,
    operators: Vec<(String, String)>,
    /// A token just made: its name and its secret, shown on this page only.
    created: Option<(String, String)>,
    problem: String,
    /// The id the form proposes for the next token (see `NewToken::id`).
    next_id: String,
}

async fn tokens_page(
    state: &AppState,
    office: &Office,
    status: StatusCode,
    created: Option<(String, String)>,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let (list, people) = state
        .db
        .read(move |c| Ok::<_, ServiceError>((tokens::list(c, &op)?, operators::list(c, &op)?)))
        .await?;
    let lang = office.lang().to_string();
    let tz = state.settings.timezone;
    let rows = list
        .into_iter()
        .map(|tk| TokenRow {
            id: tk.id.to_string(),
            operator: people
                .iter()
                .find(|(o, _)| o.id == tk.operator_id)
                .map(|(o, _)| format!("{} <{}>", o.name, o.email))
                .unwrap_or_default(),
            name: tk.name,
            created: tz
                .from_utc_datetime(&tk.created_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            last_used: tk
                .last_used_at
                .map(|at| tz.from_utc_datetime(&at).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            active: tk.active,
        })
        .collect();
    html(
        status,
        TokensPage {
            frame: office.frame("settings", t(&lang, "api_tokens").into()),
            tokens: rows,
            operators: people
                .into_iter()
                .filter(|(o, _)| o.active)
                .map(|(o, _)| (o.id.to_string(), format!("{} <{}> ({})", o.name, o.email, o.role)))
                .collect(),
            created,
            problem,
            next_id: crate::db::types::Id::new().to_string(),
        },
    )
}

/// `GET /office/settings/tokens`.
pub async fn list(state: web::Data<AppState>, office: Office) -> Result<HttpResponse, OfficeError> {
    admin(&office)?;
    tokens_page(&state, &office, StatusCode::OK, None, String::new()).await
}

/// `POST /office/settings/tokens` (`name`, `operator_id`): answers with the
/// list page itself (200, not a redirect) because it is the only place the
/// new secret is ever shown; the page is not cached (`no-store` on every answer).
pub async fn create(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    admin(&office)?;
    let op = office.current.operator.clone();
    let input = NewToken {
        operator_id: one(&fields, "operator_id").filter(|v| !v.is_empty()),
        name: one(&fields, "name"),
        id: one(&fields, "token_id").filter(|v| !v.is_empty()),
    };
    match state.db.write(move |c| tokens::create(c, &op, input)).await {
        Ok((row, secret)) => {
            tokens_page(&state, &office, StatusCode::OK, Some((row.name, secret)), String::new()).await
        }
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            tokens_page(&state, &office, status, None, problem).await
        }
    }
}

/// `POST /office/settings/tokens/{id}/revoke`.
pub async fn revoke(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    checked_form(&req, &office, body, &state).await?;
    admin(&office)?;
    let op = office.current.operator.clone();
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    match state.db.write(move |c| tokens::deactivate(c, &op, &id)).await {
        Ok(_) => Ok(see_other("/office/settings/tokens")),
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            tokens_page(&state, &office, status, None, problem).await
        }
    }
}
