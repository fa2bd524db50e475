//! Operators: the people of the back office, their role and their teams
//! (admin only). At least one active admin always remains; a deactivated
//! operator's tokens stop working.

use super::{duplicate, key};
use crate::credentials::hash_password;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::case::Locale;
use crate::domain::catalog::{Role, PASSWORD_MIN};
use crate::domain::validation::Errors;
use crate::service::caller::Operator as Caller;
use crate::service::ServiceError;
use crate::store::{self, operators::Operator};

/// The fields to set; `None` leaves one as it is.
#[derive(Debug, Default)]
pub struct OperatorChange {
    /// Sign-in email, unique, kept in lowercase.
    pub email: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// `admin`, `manager`, `agent` or `happycall`.
    pub role: Option<String>,
    /// Every team they belong to (replaces the list).
    pub team_ids: Option<Vec<String>>,
    /// A new password, stored hashed.
    pub password: Option<String>,
    /// Whether they may sign in.
    pub active: Option<bool>,
    /// The back office's language for them: `ko` or `en`.
    pub locale: Option<String>,
}

/// Every operator with their teams.
pub fn list(c: &mut Conn, caller: &Caller) -> Result<Vec<(Operator, Vec<Id>)>, ServiceError> {
    caller.require_admin()?;
    let ops = store::operators::list(c)?;
    let memberships = store::operators::all_memberships(c)?;
    Ok(ops
        .into_iter()
        .map(|o| {
            let teams: Vec<Id> = memberships
                .iter()
                .filter(|(op, _)| *op == o.id)
                .map(|(_, t)| t.clone())
                .collect();
            (o, teams)
        })
        .collect())
}

/// One operator with their teams.
pub fn show(c: &mut Conn, caller: &Caller, id: &str) -> Result<(Operator, Vec<Id>), ServiceError> {
    caller.require_admin()?;
    let id = key(id, "operator")?;
    let op = find(c, &id)?;
    let teams = store::operators::team_ids(c, &id)?;
    Ok((op, teams))
}

/// A new operator.
pub fn create(c: &mut Conn, caller: &Caller, input: OperatorChange) -> Result<(Operator, Vec<Id>), ServiceError> {
    caller.require_admin()?;
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
        locale: "ko".into(),
    };
    let teams = apply(c, &mut op, input, true)?;
    let teams = save(c, &op, teams, true)?;
    Ok((op, teams))
}

/// Some fields of an operator changed; refused when no active admin would remain.
pub fn change(
    c: &mut Conn,
    caller: &Caller,
    id: &str,
    input: OperatorChange,
) -> Result<(Operator, Vec<Id>), ServiceError> {
    caller.require_admin()?;
    let id = key(id, "operator")?;
    let mut op = find(c, &id)?;
    let new_password = input.password.is_some();
    let teams = apply(c, &mut op, input, false)?;
    op.updated_at = now().naive_utc();
    let teams = save(c, &op, teams, false)?;
    // A deactivated operator, or one whose password changed, is signed out everywhere at once.
    if !op.active || new_password {
        store::sessions::end_all(c, &op.id)?;
    }
    Ok((op, teams))
}

/// An operator who may no longer sign in; refused for the last active admin.
pub fn deactivate(c: &mut Conn, caller: &Caller, id: &str) -> Result<(Operator, Vec<Id>), ServiceError> {
    let off = OperatorChange {
        active: Some(false),
        ..Default::default()
    };
    change(c, caller, id, off)
}

fn find(c: &mut Conn, id: &Id) -> Result<Operator, ServiceError> {
    store::operators::find(c, id)?.ok_or_else(|| ServiceError::not_found("operator", id.as_str()))
}

/// Applies the input; returns the new team list when it changes.
fn apply(c: &mut Conn, op: &mut Operator, input: OperatorChange, new: bool) -> Result<Option<Vec<Id>>, ServiceError> {
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
        Some(p) => op.password_hash = hash_password(&p).map_err(hashing_failed)?,
        None if new => e.add("password", format!("is required: at least {PASSWORD_MIN} characters")),
        None => {}
    }
    if let Some(a) = input.active {
        op.active = a;
    }
    if let Some(l) = e.one_of("locale", input.locale.as_deref(), Locale::parse, &Locale::names()) {
        op.locale = l.as_str().into();
    }
    e.finish(()).map_err(ServiceError::Invalid)?;
    Ok(teams)
}

/// A password that could not be hashed is a fault of ours, not the client's:
/// it travels as an unexpected store error so the door logs it and answers 500.
fn hashing_failed(cause: String) -> ServiceError {
    ServiceError::Store(diesel::result::Error::SerializationError(
        format!("password hashing: {cause}").into(),
    ))
}

fn save(c: &mut Conn, op: &Operator, teams: Option<Vec<Id>>, new: bool) -> Result<Vec<Id>, ServiceError> {
    let r = if new {
        store::operators::insert(c, op)
    } else {
        store::operators::update(c, op)
    };
    r.map_err(|e| duplicate(e, || format!("an operator with email {} already exists", op.email)))?;
    if let Some(t) = &teams {
        store::operators::set_teams(c, &op.id, t)?;
    }
    // Checked after writing, inside the transaction: a refused change is rolled back whole.
    if store::operators::count_active_admins(c)? == 0 {
        return Err(ServiceError::Conflict(
            "this would leave no active admin; make someone else admin first".into(),
        ));
    }
    Ok(store::operators::team_ids(c, &op.id)?)
}
