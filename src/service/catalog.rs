//! The catalog as clients browse it: the active categories (Open311
//! "services"), each with its extra questions.

use super::ServiceError;
use crate::db::Conn;
use crate::domain::attributes::Attribute;
use crate::store::{self, categories::Category};

/// A category that takes cases, with its questions in order.
pub struct Service {
    /// The category.
    pub category: Category,
    /// Its extra questions.
    pub questions: Vec<Attribute>,
}

/// A category's extra questions, in order (none when the stored list cannot be read).
pub fn questions(cat: &Category) -> Vec<Attribute> {
    let mut list: Vec<Attribute> = serde_json::from_str(&cat.attributes).unwrap_or_default();
    list.sort_by_key(|a| a.order);
    list
}

/// Every active category, by code.
pub fn services(c: &mut Conn) -> Result<Vec<Service>, ServiceError> {
    Ok(store::categories::active(c)?
        .into_iter()
        .map(|category| Service {
            questions: questions(&category),
            category,
        })
        .collect())
}

/// One active category by code.
pub fn service(c: &mut Conn, code: &str) -> Result<Service, ServiceError> {
    let category = store::categories::find_by_code(c, code)?
        .filter(|cat| cat.active)
        .ok_or_else(|| ServiceError::NotFound(format!("no service with the code \"{code}\"")))?;
    Ok(Service {
        questions: questions(&category),
        category,
    })
}
