//! The `categories` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::categories;
use crate::db::types::Id;
use crate::db::Conn;

/// A category of cases, with its deadline and default team.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = categories, treat_none_as_null = true)]
pub struct Category {
    /// Id.
    pub id: Id,
    /// Unique, URL-safe code.
    pub code: String,
    /// Korean name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// Where its cases go when no rule matches.
    pub default_team_id: Option<Id>,
    /// Deadline amount.
    pub deadline_amount: i32,
    /// Deadline unit.
    pub deadline_unit: String,
    /// JSON array of keywords that suggest this category.
    pub keywords: String,
    /// For citizens choosing a category.
    pub description: Option<String>,
    /// Inactive categories take no new cases.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Its extra questions (Open311 attributes): a JSON list, in order.
    pub attributes: String,
}

/// Every category, by code.
pub fn list(conn: &mut Conn) -> QueryResult<Vec<Category>> {
    categories::table
        .order(categories::code)
        .select(Category::as_select())
        .load(conn)
}

/// Active categories in catalog order (oldest first), for classification.
pub fn active(conn: &mut Conn) -> QueryResult<Vec<Category>> {
    categories::table
        .filter(categories::active.eq(true))
        .order((categories::created_at, categories::id))
        .select(Category::as_select())
        .load(conn)
}

/// One category.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<Category>> {
    categories::table
        .find(id)
        .select(Category::as_select())
        .first(conn)
        .optional()
}

/// One category by code.
pub fn find_by_code(conn: &mut Conn, code: &str) -> QueryResult<Option<Category>> {
    categories::table
        .filter(categories::code.eq(code))
        .select(Category::as_select())
        .first(conn)
        .optional()
}

/// Adds a category.
pub fn insert(conn: &mut Conn, c: &Category) -> QueryResult<()> {
    diesel::insert_into(categories::table).values(c).execute(conn).map(drop)
}

/// Saves every field of a category.
pub fn update(conn: &mut Conn, c: &Category) -> QueryResult<()> {
    diesel::update(categories::table.find(&c.id))
        .set(c)
        .execute(conn)
        .map(drop)
}
