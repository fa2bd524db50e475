//! Diesel queries, one file per table family. Functions take a connection
//! and return `QueryResult`; the caller decides the transaction.

pub mod cases;
pub mod categories;
pub mod events;
pub mod figures;
pub mod holds;
pub mod holidays;
pub mod idempotency;
pub mod operators;
pub mod outbox;
pub mod reference;
pub mod rules;
pub mod sessions;
pub mod stats;
pub mod surveys;
pub mod tallies;
pub mod targets;
pub mod teams;
pub mod tokens;

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Keyword lists are stored as a JSON array in a text column on both backends.
pub fn keywords_to_text(k: &[String]) -> String {
    serde_json::to_string(k).unwrap_or_else(|_| "[]".into())
}

/// The stored keyword list; an unreadable one reads as empty rather than failing a request.
pub fn keywords_from_text(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}
