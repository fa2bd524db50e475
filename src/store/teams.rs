//! The `teams` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::teams;
use crate::db::types::Id;
use crate::db::Conn;

/// A team that owns cases.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = teams, treat_none_as_null = true)]
pub struct Team {
    /// Id.
    pub id: Id,
    /// Unique name.
    pub name: String,
    /// Where team notices go.
    pub email: Option<String>,
    /// The team that takes what nothing else routes.
    pub triage: bool,
    /// Inactive teams get no new cases.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// Every team, by name.
pub fn list(conn: &mut Conn) -> QueryResult<Vec<Team>> {
    teams::table.order(teams::name).select(Team::as_select()).load(conn)
}

/// One team.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<Team>> {
    teams::table.find(id).select(Team::as_select()).first(conn).optional()
}

/// Adds a team.
pub fn insert(conn: &mut Conn, team: &Team) -> QueryResult<()> {
    diesel::insert_into(teams::table).values(team).execute(conn).map(drop)
}

/// Saves every field of a team.
pub fn update(conn: &mut Conn, team: &Team) -> QueryResult<()> {
    diesel::update(teams::table.find(&team.id))
        .set(team)
        .execute(conn)
        .map(drop)
}

/// Makes `id` the only triage team.
pub fn clear_other_triage(conn: &mut Conn, id: &Id) -> QueryResult<()> {
    diesel::update(teams::table.filter(teams::id.ne(id)).filter(teams::triage.eq(true)))
        .set(teams::triage.eq(false))
        .execute(conn)
        .map(drop)
}

/// Names of the given teams, for showing alongside ids.
pub fn names(conn: &mut Conn, ids: &[Id]) -> QueryResult<Vec<(Id, String)>> {
    teams::table
        .filter(teams::id.eq_any(ids))
        .select((teams::id, teams::name))
        .load(conn)
}
