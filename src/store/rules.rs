//! The `routing_rules` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{routing_rules, teams};
use crate::db::types::Id;
use crate::db::Conn;

/// A routing rule.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = routing_rules, treat_none_as_null = true)]
pub struct RoutingRule {
    /// Id.
    pub id: Id,
    /// Lower runs first.
    pub position: i32,
    /// Kind condition.
    pub kind: Option<String>,
    /// Category code condition.
    pub category_code: Option<String>,
    /// JSON array of keywords; any one must be found.
    pub keywords: String,
    /// Where a match sends the case.
    pub team_id: Id,
    /// Inactive rules are skipped.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// Every rule, in the order they run.
pub fn list(conn: &mut Conn) -> QueryResult<Vec<RoutingRule>> {
    routing_rules::table
        .order((routing_rules::position, routing_rules::created_at))
        .select(RoutingRule::as_select())
        .load(conn)
}

/// Active rules whose team is active, in the order they run.
pub fn runnable(conn: &mut Conn) -> QueryResult<Vec<RoutingRule>> {
    routing_rules::table
        .inner_join(teams::table)
        .filter(routing_rules::active.eq(true))
        .filter(teams::active.eq(true))
        .order((routing_rules::position, routing_rules::created_at))
        .select(RoutingRule::as_select())
        .load(conn)
}

/// One rule.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<RoutingRule>> {
    routing_rules::table
        .find(id)
        .select(RoutingRule::as_select())
        .first(conn)
        .optional()
}

/// Adds a rule.
pub fn insert(conn: &mut Conn, r: &RoutingRule) -> QueryResult<()> {
    diesel::insert_into(routing_rules::table)
        .values(r)
        .execute(conn)
        .map(drop)
}

/// Saves every field of a rule.
pub fn update(conn: &mut Conn, r: &RoutingRule) -> QueryResult<()> {
    diesel::update(routing_rules::table.find(&r.id))
        .set(r)
        .execute(conn)
        .map(drop)
}
