//! The `reference_version` row: bumped by triggers in every transaction that
//! changes holidays, categories, routing rules, teams, operators, their teams
//! or API tokens.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::Conn;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    database: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
}

/// Which database this is, and its reference data's version. The id written
/// by the migration is copied with the data (a database made from a template,
/// a restored dump, a copied file), so the identity also names the database
/// itself: its name and oid on PostgreSQL, its file on SQLite.
pub fn version(conn: &mut Conn) -> QueryResult<(String, i64)> {
    let sql = match conn {
        Conn::Pg(_) => {
            "SELECT database_id || '/' || current_database() || '/' || \
             (SELECT oid FROM pg_database WHERE datname = current_database())::text AS database, version \
             FROM reference_version WHERE id = 1"
        }
        Conn::Sqlite(_) => {
            "SELECT database_id || '/' || (SELECT file FROM pragma_database_list WHERE name = 'main') AS database, \
             version FROM reference_version WHERE id = 1"
        }
    };
    let row: Row = diesel::sql_query(sql).get_result(conn)?;
    Ok((row.database, row.version))
}
