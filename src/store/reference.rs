//! The `reference_version` row: bumped by triggers in every transaction that
//! changes holidays, categories, routing rules, teams, operators, their teams
//! or API tokens.

use diesel::prelude::*;

use crate::db::schema::reference_version;
use crate::db::Conn;

/// The database's identity and its reference data's version.
pub fn version(conn: &mut Conn) -> QueryResult<(String, i64)> {
    reference_version::table
        .find(1)
        .select((reference_version::database_id, reference_version::version))
        .first(conn)
}
