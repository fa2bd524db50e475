//! Configuration as use cases: teams, categories, routing rules, operators,
//! API tokens and satisfaction targets. Any operator reads most of it; only
//! an admin changes it, and a deactivated record stays for the history that
//! points at it.

pub mod categories;
pub mod operators;
pub mod rules;
pub mod targets;
pub mod teams;
pub mod tokens;

use super::ServiceError;
use crate::db::is_unique_violation;
use crate::db::types::Id;
use crate::domain::validation::Errors;

/// The record a client named by id; a malformed id is simply not found.
/// Parsed here rather than by the door so the caller's role is checked first.
fn key(raw: &str, what: &str) -> Result<Id, ServiceError> {
    Id::parse(raw).ok_or_else(|| ServiceError::not_found(what, raw))
}

/// A store error, with a duplicate named the way the resource names it.
fn duplicate(e: diesel::result::Error, message: impl FnOnce() -> String) -> ServiceError {
    if is_unique_violation(&e) {
        ServiceError::Conflict(message())
    } else {
        ServiceError::Store(e)
    }
}

/// Checks a keyword list: at most 100 non-blank words of at most 50 characters.
pub fn keywords(e: &mut Errors, field: &str, words: Vec<String>) -> Vec<String> {
    if words.len() > 100 {
        e.add(field, "at most 100 keywords");
    }
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(w) = e.required_text(&format!("{field}[{i}]"), Some(w), 50) {
            out.push(w);
        }
    }
    out
}
