//! The outbox as an admin sees it: what the mail worker sent, is still
//! trying, or gave up on, and a failed email sent back in line.

use super::caller::Operator;
use super::ServiceError;
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::store::{self, outbox::Mail};

/// The statuses an email can be in.
const STATUSES: [&str; 4] = ["pending", "sent", "failed", "cancelled"];

/// The longest list answered at once.
const LIMIT: i64 = 500;

/// Emails, newest first, of one status or all; at most 500.
pub fn list(c: &mut Conn, op: &Operator, status: Option<&str>) -> Result<Vec<Mail>, ServiceError> {
    op.require_admin()?;
    if let Some(s) = status {
        if !STATUSES.contains(&s) {
            return Err(ServiceError::field(
                "status",
                "status must be pending, sent, failed or cancelled",
            ));
        }
    }
    Ok(store::outbox::list(c, status, LIMIT)?)
}

/// A failed email back in line for the worker; a conflict when it is not failed.
pub fn retry(c: &mut Conn, op: &Operator, id: &str) -> Result<Mail, ServiceError> {
    op.require_admin()?;
    let id = Id::parse(id).ok_or_else(|| ServiceError::not_found("email", id))?;
    let missing = || ServiceError::not_found("email", id.as_str());
    let mail = store::outbox::find(c, &id)?.ok_or_else(missing)?;
    if !store::outbox::retry(c, &id, now().naive_utc())? {
        return Err(ServiceError::Conflict(format!(
            "the email is {}; only a failed one is retried",
            mail.status
        )));
    }
    store::outbox::find(c, &id)?.ok_or_else(missing)
}
