//! Keeps a statement of a fixed shape as a prepared statement.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// A statement that diesel would prepare afresh at every call, kept in the
/// connection's statement cache (by its SQL) instead. Diesel never caches an
/// UPDATE, as its SET list may vary from call to call; one whose SQL is the
/// same at every call is safe to cache. On PostgreSQL an uncached statement
/// is parsed and planned at every call, which for the outbox worker's short
/// UPDATEs cost as much as running them.
#[derive(Debug, Clone, Copy)]
pub struct Prepared<Q>(pub Q);

impl<Q, DB> QueryFragment<DB> for Prepared<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for Prepared<Q> {
    // No static id: the cache is keyed by the SQL and the types of the binds.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, C> RunQueryDsl<C> for Prepared<Q> {}
