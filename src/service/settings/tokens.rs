//! API tokens (admin): each acts as one operator, is shown once when
//! created, and is stored only as a hash.

use chrono::NaiveDateTime;

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
    /// The id the form that asks chose for it (the office's): the same form
    /// sent twice (a page reloaded) finds its token made and makes no other.
    pub id: Option<String>,
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
    let chosen = input.id.as_deref().map(|raw| (raw, Id::parse(raw)));
    if let Some((raw, None)) = chosen {
        e.add("id", format!("\"{raw}\" is not an id"));
    }
    e.finish(()).map_err(ServiceError::Invalid)?;
    let made_before = || {
        ServiceError::Conflict(
            "this token was already made, and its secret shown once then; if it was not kept, revoke it and make another"
                .into(),
        )
    };
    let id = match chosen {
        Some((_, Some(id))) => {
            if store::tokens::find(c, &id)?.is_some() {
                return Err(made_before());
            }
            id
        }
        _ => Id::new(),
    };
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
        id,
        operator_id,
        name,
        token_hash: token_hash(&token),
        active: true,
        created_at: now().naive_utc(),
        last_used_at: None,
    };
    match store::tokens::insert(c, &row) {
        // The same form sent twice at once: the second finds the first's.
        Err(e) if crate::db::is_unique_violation(&e) => Err(made_before()),
        inserted => {
            inserted?;
            Ok((row, token))
        }
    }
}

/// How stale a token's last use may be before a request records it again:
/// a write per API call would contend for the write turn; a minute is
/// precise enough to tell a token in use from a forgotten one.
const TOUCH_SECONDS: i64 = 60;

/// Whether a request authenticated by a token last used at `last` should
/// record its use at `at`.
pub fn use_is_stale(last: Option<NaiveDateTime>, at: NaiveDateTime) -> bool {
    last.is_none_or(|last| at - last >= chrono::Duration::seconds(TOUCH_SECONDS))
}

/// Records that a token authenticated a request (no role: the request is the token's own).
pub fn record_use(c: &mut Conn, id: &Id, at: NaiveDateTime) -> Result<(), ServiceError> {
    Ok(store::tokens::touch(c, id, at)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_is_recorded_at_most_once_a_minute() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        assert!(use_is_stale(None, at), "never used");
        assert!(!use_is_stale(Some(at - chrono::Duration::seconds(59)), at));
        assert!(use_is_stale(Some(at - chrono::Duration::seconds(60)), at));
    }
}
