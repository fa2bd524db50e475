//! The `idempotency_keys` table: the first response to a keyed request, kept
//! so that a retry gets it again instead of a second effect.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::Conn;

/// A stored response.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct Saved {
    /// What the key belongs to (an endpoint and a caller).
    pub scope: String,
    /// The client's `Idempotency-Key`.
    pub idem_key: String,
    /// Hash of the request body, to catch a key reused for another request.
    pub request_hash: String,
    /// The response status.
    pub response_status: i32,
    /// The response body.
    pub response_body: String,
    /// When first answered.
    pub created_at: NaiveDateTime,
}

/// The saved response for a key, if any.
pub fn find(conn: &mut Conn, scope: &str, key: &str) -> QueryResult<Option<Saved>> {
    idempotency_keys::table
        .find((scope, key))
        .select(Saved::as_select())
        .first(conn)
        .optional()
}

/// Saves a response; a unique violation means another request won the race.
pub fn insert(conn: &mut Conn, saved: &Saved) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(saved)
        .execute(conn)
        .map(drop)
}

/// Stores many answers at once.
pub fn insert_many(conn: &mut Conn, saved: &[Saved]) -> QueryResult<()> {
    for chunk in saved.chunks(500) {
        crate::on_backend!(conn, c => diesel::insert_into(idempotency_keys::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Forgets keys older than `before`.
pub fn purge(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before))).execute(conn)
}
