//! `/api/v1/teams`: list (any operator), create, update, deactivate (admin).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::store::{self, teams::Team};
use crate::web::api::config::Resource;
use crate::web::extract::{nullable, JsonBody};
use crate::web::problem::ApiError;
use crate::web::{created, items, AppState};

/// Fields a client may send; absent ones are left as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    email: Option<Option<String>>,
    triage: Option<bool>,
    active: Option<bool>,
}

fn view(t: &Team) -> Value {
    json!({"id": t.id, "name": t.name, "email": t.email, "triage": t.triage, "active": t.active})
}

fn apply(team: &mut Team, input: TeamInput) -> Result<(), ApiError> {
    let mut e = Errors::default();
    if let Some(name) = input.name.as_deref().or(team.name.is_empty().then_some("")) {
        if let Some(n) = e.required_line("name", Some(name), 100) {
            team.name = n;
        }
    }
    if let Some(email) = input.email {
        team.email = e.email("email", email.as_deref());
    }
    if let Some(t) = input.triage {
        team.triage = t;
    }
    if let Some(a) = input.active {
        team.active = a;
    }
    if team.triage && !team.active {
        e.add(
            "active",
            "the triage team must stay active; make another team the triage team first",
        );
    }
    e.finish(()).map_err(ApiError::Validation)
}

fn save(c: &mut Conn, team: &Team, new: bool) -> Result<(), ApiError> {
    let r = if new {
        store::teams::insert(c, team)
    } else {
        store::teams::update(c, team)
    };
    r.map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::Conflict(format!("a team named \"{}\" already exists", team.name)),
        other => other,
    })?;
    if team.triage {
        store::teams::clear_other_triage(c, &team.id)?;
    }
    Ok(())
}

/// `GET /api/v1/teams`.
pub async fn list(state: web::Data<AppState>, _op: Operator) -> Result<HttpResponse, ApiError> {
    let teams = state.db.read(|c| store::teams::list(c).map_err(ApiError::from)).await?;
    Ok(HttpResponse::Ok().json(items(teams.iter().map(view).collect())))
}

/// `POST /api/v1/teams`.
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<TeamInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let at = now().naive_utc();
    let mut team = Team {
        id: Id::new(),
        name: String::new(),
        email: None,
        triage: false,
        active: true,
        created_at: at,
        updated_at: at,
    };
    apply(&mut team, body.into_inner())?;
    let team = state.db.write(move |c| save(c, &team, true).map(|_| team)).await?;
    Ok(created(format!("/api/v1/teams/{}", team.id), view(&team)))
}

fn change(c: &mut Conn, id: &Id, input: TeamInput) -> Result<Team, ApiError> {
    let mut team = store::teams::find(c, id)?.ok_or_else(|| ApiError::not_found("team", id.as_str()))?;
    apply(&mut team, input)?;
    team.updated_at = now().naive_utc();
    save(c, &team, false)?;
    Ok(team)
}

/// Teams as a configuration resource; a deactivated team's cases keep pointing at it.
pub struct Teams;

impl Resource for Teams {
    type Input = TeamInput;
    const WHAT: &'static str = "team";

    fn show(c: &mut Conn, id: &Id) -> Result<Value, ApiError> {
        let team = store::teams::find(c, id)?.ok_or_else(|| ApiError::not_found("team", id.as_str()))?;
        Ok(view(&team))
    }

    fn change(c: &mut Conn, id: &Id, input: TeamInput) -> Result<Value, ApiError> {
        change(c, id, input).map(|t| view(&t))
    }

    fn deactivation() -> TeamInput {
        TeamInput {
            active: Some(false),
            ..Default::default()
        }
    }
}
