//! Signing in to the back office: sessions kept on the server, ended by
//! signing out, by the operator's deactivation or new password, after
//! `IDLE_MINUTES` without a request, and `ABSOLUTE_HOURS` after signing in.

use chrono::Duration;

use super::caller::{self, Operator};
use super::ServiceError;
use crate::credentials::{new_token, token_hash, verify_password};
use crate::db::types::now;
use crate::db::Conn;
use crate::store::{self, sessions::Session};

/// A session ends this long after its last request.
pub const IDLE_MINUTES: i64 = 30;
/// A session ends this long after signing in, however busy.
pub const ABSOLUTE_HOURS: i64 = 12;
/// A session's last request is written down at most this often.
const TOUCH_SECONDS: i64 = 60;

/// A signed-in operator, as each request of the session sees them.
#[derive(Debug, Clone)]
pub struct Current {
    /// The caller, with role and teams.
    pub operator: Operator,
    /// The token every form of the session carries.
    pub csrf: String,
    /// Their language: `ko` or `en`.
    pub locale: String,
}

/// A new session: the cookie's value (shown once, stored only hashed) and who it is.
pub struct SignedIn {
    /// The cookie's value.
    pub token: String,
    /// Who signed in.
    pub current: Current,
}

/// Compared against when the email is unknown, so that an unknown email and a
/// wrong password take the same time (argon2id of "civicdesk-unknown-operator").
const NO_SUCH_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$wXRWrdzYUd0eFd9iLr9XZ+K8hqgTr4p2dRtlXD3zSsw";

/// The active operator an email and password name: forbidden (one message
/// for an unknown email, a wrong password and an inactive operator). Only
/// reads: the slow password check holds no write turn.
pub fn check_password(c: &mut Conn, email: &str, password: &str) -> Result<store::operators::Operator, ServiceError> {
    let refused = || ServiceError::Forbidden("the email or the password is wrong".into());
    let found = store::operators::find_by_email(c, &email.trim().to_lowercase())?;
    let stored = found.as_ref().map_or(NO_SUCH_HASH, |o| o.password_hash.as_str());
    let matches = verify_password(password, stored);
    match found {
        Some(op) if matches && op.active => Ok(op),
        _ => Err(refused()),
    }
}

/// A new session for an operator whose password was just checked.
pub fn open_session(c: &mut Conn, op: store::operators::Operator) -> Result<SignedIn, ServiceError> {
    let locale = op.locale.clone();
    let token = new_token("");
    let at = now().naive_utc();
    let session = Session {
        token_hash: token_hash(&token),
        operator_id: op.id.clone(),
        csrf_token: new_token(""),
        created_at: at,
        last_seen_at: at,
    };
    store::sessions::insert(c, &session)?;
    let operator = caller::load(c, op)?;
    Ok(SignedIn {
        token,
        current: Current {
            operator,
            csrf: session.csrf_token,
            locale,
        },
    })
}

/// The operator a session cookie belongs to while the session lasts, and
/// whether its last request should be written down ([`touch`]). Only reads.
pub fn current(c: &mut Conn, token: &str) -> Result<Option<(Current, bool)>, ServiceError> {
    let Some(session) = store::sessions::find(c, &token_hash(token))? else {
        return Ok(None);
    };
    let at = now().naive_utc();
    let idle = at - session.last_seen_at > Duration::minutes(IDLE_MINUTES);
    let old = at - session.created_at > Duration::hours(ABSOLUTE_HOURS);
    // A session that ran out is refused here and removed by the sweep.
    let Some(op) = store::operators::find(c, &session.operator_id)?.filter(|o| o.active && !idle && !old) else {
        return Ok(None);
    };
    let stale = at - session.last_seen_at > Duration::seconds(TOUCH_SECONDS);
    let locale = op.locale.clone();
    Ok(Some((
        Current {
            operator: caller::load(c, op)?,
            csrf: session.csrf_token,
            locale,
        },
        stale,
    )))
}

/// Writes down a session's request (at most once a minute), for the idle timeout.
pub fn touch(c: &mut Conn, token: &str) -> Result<(), ServiceError> {
    Ok(store::sessions::touch(c, &token_hash(token), now().naive_utc())?)
}

/// Ends a session.
pub fn sign_out(c: &mut Conn, token: &str) -> Result<(), ServiceError> {
    Ok(store::sessions::end(c, &token_hash(token))?)
}

/// Removes every session that has run out (the worker calls it now and then).
pub fn sweep(c: &mut Conn) -> Result<usize, ServiceError> {
    let at = now().naive_utc();
    Ok(store::sessions::sweep(
        c,
        at - Duration::minutes(IDLE_MINUTES),
        at - Duration::hours(ABSOLUTE_HOURS),
    )?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stand_in_hash_is_a_real_argon2id_hash() {
        // An unparsable stand-in would make an unknown email answer faster than a wrong password.
        assert!(argon2::PasswordHash::new(super::NO_SUCH_HASH).is_ok());
        assert!(!crate::credentials::verify_password("anything", super::NO_SUCH_HASH));
    }
}
