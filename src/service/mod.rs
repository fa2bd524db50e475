//! The use cases, below every door: each runs in the caller's transaction
//! and answers with domain values or one [`ServiceError`], never HTTP.

pub mod due_dates;
pub mod holidays;

use crate::domain::validation::FieldError;

/// What a use case answers instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The current state does not allow it, or it already exists.
    #[error("{0}")]
    Conflict(String),
    /// Invalid input, one entry per field.
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] diesel::result::Error),
}

impl ServiceError {
    /// An invalid input with one field's message.
    pub fn field(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}
