//! The `api_tokens` table: bearer tokens, stored as SHA-256 hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::operators::Operator;
use crate::db::schema::{api_tokens, operators};
use crate::db::types::Id;
use crate::db::Conn;

/// An API token (its hash; the token itself is shown once at creation).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    /// Id.
    pub id: Id,
    /// Whose token.
    pub operator_id: Id,
    /// What it is for.
    pub name: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Revoked tokens are inactive.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// When it last authenticated a request (to the minute); never when `None`.
    pub last_used_at: Option<NaiveDateTime>,
}

/// Adds a token.
pub fn insert(conn: &mut Conn, token: &ApiToken) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)
        .map(drop)
}

/// Every token, newest first.
pub fn list(conn: &mut Conn) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .order(api_tokens::created_at.desc())
        .select(ApiToken::as_select())
        .load(conn)
}

/// One token.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// Revokes a token.
pub fn deactivate(conn: &mut Conn, id: &Id) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::active.eq(false))
        .execute(conn)
        .map(drop)
}

/// The active operator owning an active token with this hash, and the token.
pub fn operator_by_hash(conn: &mut Conn, hash: &str) -> QueryResult<Option<(Operator, ApiToken)>> {
    api_tokens::table
        .inner_join(operators::table)
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::active.eq(true))
        .filter(operators::active.eq(true))
        .select((Operator::as_select(), ApiToken::as_select()))
        .first(conn)
        .optional()
}

/// Records that a token authenticated a request at `at`.
pub fn touch(conn: &mut Conn, id: &Id, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(at))
        .execute(conn)
        .map(drop)
}
