//! The `office_sessions` table: back-office sessions, by the hash of their cookie.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::office_sessions;
use crate::db::types::Id;
use crate::db::Conn;

/// A signed-in operator's session.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = office_sessions)]
pub struct Session {
    /// SHA-256 of the cookie's value.
    pub token_hash: String,
    /// Who signed in.
    pub operator_id: Id,
    /// Every form of the session carries it.
    pub csrf_token: String,
    /// When they signed in (the absolute timeout counts from here).
    pub created_at: NaiveDateTime,
    /// Their last request (the idle timeout counts from here).
    pub last_seen_at: NaiveDateTime,
}

/// Stores a new session.
pub fn insert(conn: &mut Conn, s: &Session) -> QueryResult<()> {
    diesel::insert_into(office_sessions::table)
        .values(s)
        .execute(conn)
        .map(drop)
}

/// The session of a cookie hash.
pub fn find(conn: &mut Conn, token_hash: &str) -> QueryResult<Option<Session>> {
    office_sessions::table
        .find(token_hash)
        .select(Session::as_select())
        .first(conn)
        .optional()
}

/// Notes a request of the session.
pub fn touch(conn: &mut Conn, token_hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(office_sessions::table.find(token_hash))
        .set(office_sessions::last_seen_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Ends one session.
pub fn end(conn: &mut Conn, token_hash: &str) -> QueryResult<()> {
    diesel::delete(office_sessions::table.find(token_hash))
        .execute(conn)
        .map(drop)
}

/// Ends every session of an operator.
pub fn end_all(conn: &mut Conn, operator: &Id) -> QueryResult<()> {
    diesel::delete(office_sessions::table.filter(office_sessions::operator_id.eq(operator)))
        .execute(conn)
        .map(drop)
}

/// Removes sessions idle since before `idle_before` or begun before `begun_before`.
pub fn sweep(conn: &mut Conn, idle_before: NaiveDateTime, begun_before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        office_sessions::table.filter(
            office_sessions::last_seen_at
                .lt(idle_before)
                .or(office_sessions::created_at.lt(begun_before)),
        ),
    )
    .execute(conn)
}
