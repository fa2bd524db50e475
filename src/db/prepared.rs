//! UPDATEs of a fixed shape, kept as prepared statements.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::{AsChangeset, AstPass, QueryFragment, QueryId};
use diesel::query_source::Table;
use diesel::sql_types::BoolOrNullableBool;
use diesel::{QueryResult, RunQueryDsl};

/// `UPDATE table SET changes WHERE filter`, kept in the connection's
/// statement cache (by its SQL) instead of prepared afresh at every call.
/// Diesel's own UPDATE is never cached, as its SET list may vary from call
/// to call; on PostgreSQL such a statement is parsed and planned at every
/// call, which for the outbox worker's short UPDATEs cost as much as running
/// them. Meant for statements whose SQL is the same at every call (every
/// value a bind, no optional changes): one whose SQL varies only adds entries
/// to the cache. The changes must not be empty (no `SET` list).
pub struct Update<T, V, W> {
    table: T,
    changes: V,
    filter: W,
}

/// An UPDATE of `table` kept prepared (see [`Update`]).
pub fn update<T, V, W>(table: T, filter: W, changes: V) -> Update<T::FromClause, V::Changeset, W>
where
    T: Table,
    V: AsChangeset<Target = T>,
    W: Expression + AppearsOnTable<T>,
    W::SqlType: BoolOrNullableBool,
{
    Update {
        table: table.from_clause(),
        changes: changes.as_changeset(),
        filter,
    }
}

impl<T, V, W, DB> QueryFragment<DB> for Update<T, V, W>
where
    DB: Backend,
    T: QueryFragment<DB>,
    V: QueryFragment<DB>,
    W: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // Unlike diesel's UpdateStatement, no unsafe_to_cache_prepared: the
        // SQL depends on the types only.
        out.push_sql("UPDATE ");
        self.table.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.changes.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE ");
        self.filter.walk_ast(out.reborrow())
    }
}

impl<T, V, W> QueryId for Update<T, V, W> {
    // No static id: the cache is keyed by the SQL and the types of the binds.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<T, V, W, C> RunQueryDsl<C> for Update<T, V, W> {}
