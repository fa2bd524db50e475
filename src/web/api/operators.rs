//! `/api/v1/operators` (admin): people of the back office, their role and teams.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::credentials::hash_password;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::catalog::{Role, PASSWORD_MIN};
use crate::domain::validation::Errors;
use crate::service::caller::Operator as Caller;
use crate::store::{self, operators::Operator};
use crate::web::api::config::Resource;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::{created, items, AppState};

/// Fields a client may send; absent ones are left as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorInput {
    email: Option<String>,
    name: Option<String>,
    role: Option<String>,
    team_ids: Option<Vec<String>>,
    password: Option<String>,
    active: Option<bool>,
}

fn view(o: &Operator, teams: &[Id]) -> Value {
    json!({"id": o.id, "email": o.email, "name": o.name, "role": o.role, "team_ids": teams, "active": o.active})
}

/// Applies the input; returns the new team list when it changes.
fn apply(c: &mut Conn, op: &mut Operator, input: OperatorInput, new: bool) -> Result<Option<Vec<Id>>, ApiError> {
    let mut e = Errors::default();
    match input.email {
        Some(email) => {
            if let Some(v) = e.email("email", Some(&email)) {
                op.email = v.to_lowercase();
            } else if email.trim().is_empty() {
                e.add("email", "is required");
            }
        }
        None if new => e.add("email", "is required"),
        None => {}
    }
    if let Some(name) = input.name.as_deref().or(new.then_some("")) {
        if let Some(n) = e.required_line("name", Some(name), 100) {
            op.name = n;
        }
    }
    if new && input.role.is_none() {
        e.add("role", format!("is required: one of {}", Role::names()));
    }
    if let Some(r) = e.one_of("role", input.role.as_deref(), Role::parse, &Role::names()) {
        op.role = r.as_str().into();
    }
    let mut teams = None;
    if let Some(ids) = input.team_ids {
        let mut found = Vec::new();
        for (i, raw) in ids.iter().enumerate() {
            match Id::parse(raw) {
                Some(id) if store::teams::find(c, &id)?.is_some() => {
                    if !found.contains(&id) {
                        found.push(id)
                    }
                }
                _ => e.add(format!("team_ids[{i}]"), format!("no team with id \"{raw}\"")),
            }
        }
        teams = Some(found);
    }
    match input.password {
        Some(p) if p.chars().count() < PASSWORD_MIN => {
            e.add("password", format!("must be at least {PASSWORD_MIN} characters"))
        }
        Some(p) if p.len() > 1024 => e.add("password", "must be at most 1024 bytes"),
        Some(p) => op.password_hash = hash_password(&p).map_err(ApiError::Internal)?,
        None if new => e.add("password", format!("is required: at least {PASSWORD_MIN} characters")),
        None => {}
    }
    if let Some(a) = input.active {
        op.active = a;
    }
    e.finish(()).map_err(ApiError::Validation)?;
    Ok(teams)
}

fn save(c: &mut Conn, op: &Operator, teams: Option<Vec<Id>>, new: bool) -> Result<Vec<Id>, ApiError> {
    let r = if new {
        store::operators::insert(c, op)
    } else {
        store::operators::update(c, op)
    };
    r.map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::Conflict(format!("an operator with email {} already exists", op.email)),
        other => other,
    })?;
    if let Some(t) = &teams {
        store::operators::set_teams(c, &op.id, t)?;
    }
    if store::operators::count_active_admins(c)? == 0 {
        return Err(ApiError::Conflict(
            "this would leave no active admin; make someone else admin first".into(),
        ));
    }
    Ok(store::operators::team_ids(c, &op.id)?)
}

/// `GET /api/v1/operators`.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let body = state
        .db
        .read(|c| {
            let ops = store::operators::list(c)?;
            let memberships = store::operators::all_memberships(c)?;
            let out: Vec<Value> = ops
                .iter()
                .map(|o| {
                    let teams: Vec<Id> = memberships
                        .iter()
                        .filter(|(op, _)| *op == o.id)
                        .map(|(_, t)| t.clone())
                        .collect();
                    view(o, &teams)
                })
                .collect();
            Ok::<_, ApiError>(items(out))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST /api/v1/operators`.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<OperatorInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let input = body.into_inner();
    let (op, teams) = state
        .db
        .write(move |c| {
            let at = now().naive_utc();
            let mut op = Operator {
                id: Id::new(),
                email: String::new(),
                name: String::new(),
                role: String::new(),
                password_hash: String::new(),
                active: true,
                created_at: at,
                updated_at: at,
            };
            let teams = apply(c, &mut op, input, true)?;
            let teams = save(c, &op, teams, true)?;
            Ok::<_, ApiError>((op, teams))
        })
        .await?;
    Ok(created(format!("/api/v1/operators/{}", op.id), view(&op, &teams)))
}

fn change(c: &mut Conn, id: &Id, input: OperatorInput) -> Result<Value, ApiError> {
    let mut op = store::operators::find(c, id)?.ok_or_else(|| ApiError::not_found("operator", id.as_str()))?;
    let teams = apply(c, &mut op, input, false)?;
    op.updated_at = now().naive_utc();
    let teams = save(c, &op, teams, false)?;
    Ok(view(&op, &teams))
}

/// Operators as a configuration resource (admins only); a deactivated
/// operator's tokens stop working.
pub struct Operators;

impl Resource for Operators {
    type Input = OperatorInput;
    const WHAT: &'static str = "operator";
    const ADMIN_READS: bool = true;

    fn show(c: &mut Conn, id: &Id) -> Result<Value, ApiError> {
        let op = store::operators::find(c, id)?.ok_or_else(|| ApiError::not_found("operator", id.as_str()))?;
        let teams = store::operators::team_ids(c, id)?;
        Ok(view(&op, &teams))
    }

    fn change(c: &mut Conn, id: &Id, input: OperatorInput) -> Result<Value, ApiError> {
        change(c, id, input)
    }

    fn deactivation() -> OperatorInput {
        OperatorInput {
            active: Some(false),
            ..Default::default()
        }
    }
}
