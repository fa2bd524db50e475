//! API tokens (admin): each acts as one operator, is shown once when
//! created, and is stored only as a hash.

use super::key;
use crate::credentials::{new_token, token_hash};
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::service::ServiceError;
use crate::store::{self, tokens::ApiToken};

/// Prefix of every API token, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "cd_";

/// A token to create.
#[derive(Debug, Default)]
pub struct NewToken {
    /// The operator it acts as.
    pub operator_id: Option<String>,
    /// What it is for, e.g. the integration using it.
    pub name: Option<String>,
}

/// Every token, never the secrets themselves.
pub fn list(c: &mut Conn, op: &Operator) -> Result<Vec<ApiToken>, ServiceError> {
    op.require_admin()?;
    Ok(store::tokens::list(c)?)
}

/// A new token for an active operator, with its secret: returned here and
/// nowhere else, ever.
pub fn create(c: &mut Conn, op: &Operator, input: NewToken) -> Result<(ApiToken, String), ServiceError> {
    op.require_admin()?;
    let mut e = Errors::default();
    let name = e.required_line("name", input.name.as_deref(), 100);
    let operator_id = match input.operator_id.as_deref() {
        None => {
            e.add("operator_id", "is required");
            None
        }
        Some(raw) => {
            let id = Id::parse(raw);
            if id.is_none() {
                e.add("operator_id", format!("no operator with id \"{raw}\""));
            }
            id
        }
    };
    e.finish(()).map_err(ServiceError::Invalid)?;
    let (Some(name), Some(operator_id)) = (name, operator_id) else {
        return Err(ServiceError::field("body", "is incomplete"));
    };
    match store::operators::find(c, &operator_id)? {
        Some(o) if o.active => {}
        Some(_) => return Err(ServiceError::field("operator_id", "the operator is inactive")),
        None => {
            return Err(ServiceError::field(
                "operator_id",
                format!("no operator with id \"{operator_id}\""),
            ))
        }
    }
    let token = new_token(TOKEN_PREFIX);
    let row = ApiToken {
        id: Id::new(),
        operator_id,
        name,
        token_hash: token_hash(&token),
        active: true,
        created_at: now().naive_utc(),
    };
    store::tokens::insert(c, &row)?;
    Ok((row, token))
}

/// A revoked token (`active: false`); it stops working at once.
pub fn deactivate(c: &mut Conn, op: &Operator, id: &str) -> Result<ApiToken, ServiceError> {
    op.require_admin()?;
    let id = key(id, "token")?;
    let missing = || ServiceError::not_found("token", id.as_str());
    store::tokens::find(c, &id)?.ok_or_else(missing)?;
    store::tokens::deactivate(c, &id)?;
    store::tokens::find(c, &id)?.ok_or_else(missing)
}
