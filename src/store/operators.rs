//! The `operators` and `operator_teams` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{operator_teams, operators};
use crate::db::types::Id;
use crate::db::Conn;

/// A person working in the back office.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = operators)]
pub struct Operator {
    /// Id.
    pub id: Id,
    /// Login, stored lowercase, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `admin`, `manager`, `agent` or `happycall`.
    pub role: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Inactive operators cannot sign in and their tokens stop working.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The back office's language for them: `ko` or `en`.
    pub locale: String,
}

/// Every operator, by email.
pub fn list(conn: &mut Conn) -> QueryResult<Vec<Operator>> {
    operators::table
        .order(operators::email)
        .select(Operator::as_select())
        .load(conn)
}

/// One operator.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<Operator>> {
    operators::table
        .find(id)
        .select(Operator::as_select())
        .first(conn)
        .optional()
}

/// One operator by login.
pub fn find_by_email(conn: &mut Conn, email: &str) -> QueryResult<Option<Operator>> {
    operators::table
        .filter(operators::email.eq(email.to_lowercase()))
        .select(Operator::as_select())
        .first(conn)
        .optional()
}

/// Adds an operator.
pub fn insert(conn: &mut Conn, op: &Operator) -> QueryResult<()> {
    diesel::insert_into(operators::table).values(op).execute(conn).map(drop)
}

/// Saves every field of an operator.
pub fn update(conn: &mut Conn, op: &Operator) -> QueryResult<()> {
    diesel::update(operators::table.find(&op.id))
        .set(op)
        .execute(conn)
        .map(drop)
}

/// How many operators exist at all (zero on a first start).
pub fn count(conn: &mut Conn) -> QueryResult<i64> {
    operators::table.count().get_result(conn)
}

/// How many active admins there are.
pub fn count_active_admins(conn: &mut Conn) -> QueryResult<i64> {
    operators::table
        .filter(operators::role.eq("admin"))
        .filter(operators::active.eq(true))
        .count()
        .get_result(conn)
}

/// The teams an operator belongs to.
pub fn team_ids(conn: &mut Conn, operator: &Id) -> QueryResult<Vec<Id>> {
    operator_teams::table
        .filter(operator_teams::operator_id.eq(operator))
        .order(operator_teams::team_id)
        .select(operator_teams::team_id)
        .load(conn)
}

/// Team memberships of many operators at once, as (operator, team) pairs.
pub fn all_memberships(conn: &mut Conn) -> QueryResult<Vec<(Id, Id)>> {
    operator_teams::table
        .order((operator_teams::operator_id, operator_teams::team_id))
        .select((operator_teams::operator_id, operator_teams::team_id))
        .load(conn)
}

/// Replaces an operator's teams.
pub fn set_teams(conn: &mut Conn, operator: &Id, teams: &[Id]) -> QueryResult<()> {
    diesel::delete(operator_teams::table.filter(operator_teams::operator_id.eq(operator))).execute(conn)?;
    for team in teams {
        diesel::insert_into(operator_teams::table)
            .values((
                operator_teams::operator_id.eq(operator),
                operator_teams::team_id.eq(team),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether an operator is a member of a team.
pub fn is_member(conn: &mut Conn, operator: &Id, team: &Id) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        operator_teams::table
            .filter(operator_teams::operator_id.eq(operator))
            .filter(operator_teams::team_id.eq(team)),
    ))
    .get_result(conn)
}
