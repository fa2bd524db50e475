//! Teams: cases are routed to them; exactly one is the triage team that
//! takes what no rule routes. A deactivated team's cases keep pointing at it.

use super::{duplicate, key};
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::service::ServiceError;
use crate::store::{self, teams::Team};

/// The fields to set; `None` leaves one as it is (`email: Some(None)` clears it).
#[derive(Debug, Default)]
pub struct TeamChange {
    /// Name, unique.
    pub name: Option<String>,
    /// The team's shared mailbox.
    pub email: Option<Option<String>>,
    /// Whether it is the triage team (the previous one stops being it).
    pub triage: Option<bool>,
    /// Whether it takes new cases.
    pub active: Option<bool>,
}

/// Every team, active or not (any operator).
pub fn list(c: &mut Conn, _op: &Operator) -> Result<Vec<Team>, ServiceError> {
    Ok(store::teams::list(c)?)
}

/// One team (any operator).
pub fn show(c: &mut Conn, _op: &Operator, id: &str) -> Result<Team, ServiceError> {
    let id = key(id, "team")?;
    find(c, &id)
}

/// A new team (admin).
pub fn create(c: &mut Conn, op: &Operator, input: TeamChange) -> Result<Team, ServiceError> {
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
    apply(&mut team, input)?;
    save(c, &team, true)?;
    Ok(team)
}

/// Some fields of a team changed (admin).
pub fn change(c: &mut Conn, op: &Operator, id: &str, input: TeamChange) -> Result<Team, ServiceError> {
    op.require_admin()?;
    let id = key(id, "team")?;
    let mut team = find(c, &id)?;
    apply(&mut team, input)?;
    team.updated_at = now().naive_utc();
    save(c, &team, false)?;
    Ok(team)
}

/// A team that takes no new cases (admin).
pub fn deactivate(c: &mut Conn, op: &Operator, id: &str) -> Result<Team, ServiceError> {
    let off = TeamChange {
        active: Some(false),
        ..Default::default()
    };
    change(c, op, id, off)
}

fn find(c: &mut Conn, id: &Id) -> Result<Team, ServiceError> {
    store::teams::find(c, id)?.ok_or_else(|| ServiceError::not_found("team", id.as_str()))
}

fn apply(team: &mut Team, input: TeamChange) -> Result<(), ServiceError> {
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
    e.finish(()).map_err(ServiceError::Invalid)
}

fn save(c: &mut Conn, team: &Team, new: bool) -> Result<(), ServiceError> {
    let r = if new {
        store::teams::insert(c, team)
    } else {
        store::teams::update(c, team)
    };
    r.map_err(|e| duplicate(e, || format!("a team named \"{}\" already exists", team.name)))?;
    if team.triage {
        store::teams::clear_other_triage(c, &team.id)?;
    }
    Ok(())
}
