//! The `reference_version` row: bumped by triggers in every transaction that
//! changes holidays, categories, routing rules, teams, operators, their teams
//! or API tokens.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::schema::reference_version;
use crate::db::Conn;

diesel::define_sql_function! {
    /// PostgreSQL's name of the database the connection uses.
    fn current_database() -> Text;
}

/// The identity of a database: the id its migration wrote and its own name (or file).
pub fn identity(database_id: &str, name: &str) -> String {
    format!("{database_id}/{name}")
}

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
/// itself: its name on PostgreSQL, its file on SQLite. (On PostgreSQL the
/// query is built with the DSL so that it stays a prepared statement: it runs
/// in every unit of work.)
pub fn version(conn: &mut Conn) -> QueryResult<(String, i64)> {
    match conn {
        Conn::Pg(pg) => {
            let (id, name, version): (String, String, i64) = reference_version::table
                .find(1)
                .select((
                    reference_version::database_id,
                    current_database(),
                    reference_version::version,
                ))
                .first(pg)?;
            Ok((identity(&id, &name), version))
        }
        Conn::Sqlite(_) => {
            let row: Row = diesel::sql_query(
                "SELECT database_id || '/' || (SELECT file FROM pragma_database_list WHERE name = 'main') \
                 AS database, version FROM reference_version WHERE id = 1",
            )
            .get_result(conn)?;
            Ok((row.database, row.version))
        }
    }
}
