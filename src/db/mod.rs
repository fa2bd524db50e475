//! The database: one connection type over SQLite and PostgreSQL, its pool,
//! and the migrations of each backend.

pub mod prepared;
pub mod schema;
pub mod types;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; every store function takes this.
#[derive(diesel::MultiConnection)]
pub enum Conn {
    /// PostgreSQL, the production database.
    Pg(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection, for the few
/// statements diesel builds per backend only (multi-row inserts).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::Conn::Pg($c) => $body,
            $crate::db::Conn::Sqlite($c) => $body,
        }
    };
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH`.
    Sqlite,
    /// `postgres://…` or `postgresql://…`.
    Postgres,
}

/// A database URL split into its backend and what that backend's driver takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The backend.
    pub backend: Backend,
    /// A file path for SQLite, the whole URL for PostgreSQL.
    pub target: String,
}

impl DatabaseUrl {
    /// Picks the backend from the prefix; anything else is refused, because
    /// SQLite would take a mistyped URL as a file name and make a new database.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://civicdesk.db".into());
            }
            Ok(DatabaseUrl {
                backend: Backend::Sqlite,
                target: path.to_string(),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_string(),
            })
        } else {
            Err("must start with sqlite:// or postgres://".into())
        }
    }
}

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had in time, or the database is down.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A query failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Opens connections for the pool and sets every SQLite connection up the same way.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// A pooled connection with what the pool needs to know to reuse it.
pub struct Pooled {
    conn: Conn,
    /// When its last work ended: one idle for long is checked before use.
    last_used: Instant,
    /// Found dead after failed work: the pool drops it instead of handing it out again.
    dead: bool,
}

/// A connection idle at least this long is checked (`SELECT 1`) before use:
/// a database restart or an idle timeout in between is found before a request
/// fails on it. A busy pool's connections are never idle this long, so the
/// check costs them nothing.
const IDLE_CHECK: Duration = Duration::from_secs(1);

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<Pooled, Self::Error> {
        Ok(Pooled {
            conn: establish(&self.url)?,
            last_used: Instant::now(),
            dead: false,
        })
    }

    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), Self::Error> {
        ping(&mut pooled.conn)
    }

    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        use diesel::r2d2::R2D2Connection;
        pooled.dead || pooled.conn.is_broken()
    }
}

fn ping(conn: &mut Conn) -> Result<(), diesel::ConnectionError> {
    conn.batch_execute("SELECT 1")
        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
}

/// A connection checked out of the pool; returned to it when dropped.
pub struct Checkout(r2d2::PooledConnection<Manager>);

impl std::ops::Deref for Checkout {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0.conn
    }
}

impl std::ops::DerefMut for Checkout {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0.conn
    }
}

impl Checkout {
    /// SQLite: syncs each commit to disk (`FULL`, the default here) or not
    /// (`NORMAL`); false when it could not be set. Nothing to do on PostgreSQL.
    fn set_synced(&mut self, synced: bool) -> bool {
        match &mut self.0.conn {
            Conn::Sqlite(c) => c
                .batch_execute(if synced {
                    "PRAGMA synchronous = FULL"
                } else {
                    "PRAGMA synchronous = NORMAL"
                })
                .is_ok(),
            Conn::Pg(_) => true,
        }
    }

    /// Runs work on the connection; when it fails, checks whether the
    /// connection itself died, so that the pool opens a new one instead of
    /// failing the next request on it too.
    fn run<T, E>(&mut self, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E> {
        let done = f(&mut self.0.conn);
        if done.is_err() && ping(&mut self.0.conn).is_err() {
            self.0.dead = true;
        }
        self.0.last_used = Instant::now();
        done
    }
}

/// One connection to the database a URL names.
pub fn establish(url: &DatabaseUrl) -> Result<Conn, diesel::ConnectionError> {
    match url.backend {
        Backend::Postgres => Ok(Conn::Pg(PgConnection::establish(&url.target)?)),
        Backend::Sqlite => {
            let mut c = SqliteConnection::establish(&url.target)?;
            // Foreign keys, the busy timeout and the caches are per connection
            // in SQLite. The default 2 MB page cache makes every scorecard
            // re-read its index pages; memory mapping reads them without copies.
            // FULL syncs the WAL at every commit: an acknowledged case survives
            // a power loss (NORMAL may lose the last commits when the machine,
            // not the process, dies).
            c.batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; \
                 PRAGMA cache_size = -32768; PRAGMA mmap_size = 1073741824;",
            )
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            Ok(Conn::Sqlite(c))
        }
    }
}

/// The pool and what the handlers need to use it well.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    /// SQLite has one writer at a time; taking turns here spares writers the
    /// busy-wait and the deadlock of two deferred transactions upgrading.
    write_turn: Option<Arc<Mutex<()>>>,
    /// Requests take turns for the pool here, first come first served, before
    /// they take a blocking thread: r2d2's own wait lets a newcomer take a
    /// connection just returned before a sleeping waiter wakes, and under
    /// load some requests then waited over a second (p99 370 ms at 12k reads/s).
    turns: Arc<tokio::sync::Semaphore>,
    /// How long a request waits for its turn.
    timeout: Duration,
}

impl Db {
    /// Opens the pool, sets WAL on SQLite and runs pending migrations.
    pub fn open(url: &DatabaseUrl, pool_size: u32, timeout: Duration) -> Result<Db, String> {
        let mut first = establish(url).map_err(|e| format!("cannot connect to the database: {e}"))?;
        if let Conn::Sqlite(c) = &mut first {
            c.batch_execute("PRAGMA journal_mode = WAL;")
                .map_err(|e| format!("cannot set WAL mode: {e}"))?;
        }
        run_migrations(&mut first)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            // No query before every checkout: `checkout` checks only connections idle for long.
            .test_on_check_out(false)
            .build(Manager { url: url.clone() })
            .map_err(|e| format!("cannot open the connection pool: {e}"))?;
        Ok(Db {
            pool,
            backend: url.backend,
            write_turn: (url.backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            turns: Arc::new(tokio::sync::Semaphore::new(pool_size as usize)),
            timeout,
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for blocking code (CLI commands, the tests' set-up).
    pub fn get(&self) -> Result<Checkout, DbError> {
        checkout(&self.pool)
    }

    /// Connections open in the pool and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    /// Runs read-only work on a pooled connection off the async threads.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let turn = self.turn().await.map_err(E::from)?;
        // The request's span (its request id) follows the work onto the blocking thread.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _in = span.enter();
            let _turn = turn;
            let mut conn = checkout(&pool).map_err(E::from)?;
            conn.run(f)
        })
        .await
        .map_err(|e| E::from(DbError::Unavailable(e.to_string())))?
    }

    /// Runs work in one transaction (committed when it returns `Ok`), off the async threads.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let db = self.clone();
        let turn = self.turn().await.map_err(E::from)?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _in = span.enter();
            let _turn = turn;
            db.write_blocking(f)
        })
        .await
        .map_err(|e| E::from(DbError::Unavailable(e.to_string())))?
    }

    /// A request's turn at the pool (held until its work is done, even when
    /// the request itself goes away meanwhile).
    ///
    /// Waits at most the pool's connection timeout, as a checkout did: a
    /// database that does not keep up answers 503 instead of a growing queue.
    async fn turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, DbError> {
        if self.turns.available_permits() == 0 {
            crate::metrics::METRICS.pool_waits.inc();
        }
        match tokio::time::timeout(self.timeout, self.turns.clone().acquire_owned()).await {
            Ok(Ok(turn)) => Ok(turn),
            Ok(Err(closed)) => Err(DbError::Unavailable(closed.to_string())),
            Err(_) => Err(DbError::Unavailable(
                "no database connection became free in time".into(),
            )),
        }
    }

    /// The blocking form of [`Db::write`].
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Conn) -> Result<T, E>,
        E: From<DbError> + From<diesel::result::Error>,
    {
        // The writer's turn before the connection: a writer waiting for its
        // turn holds no connection that readers could use meanwhile.
        let _turn = self
            .write_turn
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        let mut conn = self.get().map_err(E::from)?;
        conn.run(|conn| {
            conn.transaction(|c| {
                if let Conn::Sqlite(sqlite) = c {
                    // Take the write lock first, as BEGIN IMMEDIATE would: a
                    // transaction that reads first and then writes cannot wait for
                    // another process's writer (`civicdesk seed-demo`, an instance
                    // stopping) and fails at once with "database is locked".
                    sqlite.batch_execute("UPDATE receipt_counters SET year = year WHERE 0")?;
                }
                f(c)
            })
        })
    }

    /// Runs work of ONE writing statement outside a transaction, in the
    /// writer's turn on SQLite: a single statement commits on its own, so a
    /// BEGIN and a COMMIT would only add two round trips. (SQLite takes the
    /// write lock when such a statement starts, not after it has read.)
    ///
    /// Only for bookkeeping whose loss in a power cut is harmless (the
    /// outbox's sent marks: an email is then sent again with its own
    /// Message-ID, the at-least-once the README states): on SQLite its
    /// commit is not synced on its own (`synchronous = NORMAL` for it) but
    /// with the next synced commit of any connection, as the WAL is written
    /// in order. Before, each email's commit held SQLite's one writer
    /// through a disk sync, in turn with the intakes (intake 2,200 → 2,800/s).
    pub fn write_one_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Conn) -> Result<T, E>,
        E: From<DbError>,
    {
        let _turn = self
            .write_turn
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        let mut conn = self.get().map_err(E::from)?;
        if !conn.set_synced(false) {
            return Err(E::from(DbError::Unavailable(
                "cannot set SQLite's synchronous mode".into(),
            )));
        }
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| conn.run(f)));
        // Every other write must stay synced: a connection that cannot be set
        // back (or whose work panicked) is never handed out again.
        if !conn.set_synced(true) || done.is_err() {
            conn.0.dead = true;
        }
        done.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// Refreshes the planner's statistics after a bulk load (and, on
    /// PostgreSQL, the visibility map that index-only scans rely on).
    pub fn analyze(&self) -> Result<(), DbError> {
        let mut conn = self.get()?;
        let sql = match self.backend() {
            Backend::Postgres => "VACUUM ANALYZE",
            Backend::Sqlite => "ANALYZE",
        };
        diesel::sql_query(sql)
            .execute(&mut *conn)
            .map(drop)
            .map_err(DbError::from)
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        self.read(|c| diesel::sql_query("SELECT 1").execute(c).map_err(DbError::from))
            .await
            .is_ok()
    }
}

/// A connection from the pool; a checkout that finds none idle is counted as
/// a wait. One idle for long is checked first and replaced when dead.
fn checkout(pool: &r2d2::Pool<Manager>) -> Result<Checkout, DbError> {
    if pool.state().idle_connections == 0 {
        crate::metrics::METRICS.pool_waits.inc();
    }
    // Each dead connection found is dropped; the pool opens new ones in its place.
    for _ in 0..=pool.max_size() {
        let mut conn = pool.get().map_err(|e| DbError::Unavailable(e.to_string()))?;
        if conn.last_used.elapsed() < IDLE_CHECK || ping(&mut conn.conn).is_ok() {
            return Ok(Checkout(conn));
        }
        conn.dead = true;
    }
    Err(DbError::Unavailable("no live connection to the database".into()))
}

/// Runs the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut Conn) -> Result<(), String> {
    let done = match conn {
        // The same for processes on one SQLite file: the write lock taken
        // first makes the others wait, then find nothing to do.
        Conn::Sqlite(c) => c
            .immediate_transaction(|c| {
                c.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map(|v| v.len())
                    .map_err(diesel::result::Error::QueryBuilderError)
            })
            .map_err(Into::into),
        Conn::Pg(c) => {
            // Instances started together (a scaled deployment, a rolling
            // upgrade) migrate one at a time; the others then find nothing to do.
            c.batch_execute("SELECT pg_advisory_lock(7426163501)")
                .map_err(|e| format!("migrations: cannot take the migration lock: {e}"))?;
            let done = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len());
            let _ = c.batch_execute("SELECT pg_advisory_unlock(7426163501)");
            done
        }
    };
    match done {
        Ok(n) => {
            if n > 0 {
                tracing::info!(applied = n, "database migrations applied");
            }
            Ok(())
        }
        Err(e) => Err(format!("migrations failed: {e}")),
    }
}

/// Whether an error means the connection itself is gone (the database
/// restarted, or an administrator ended the session): the request may be
/// retried, on another connection.
pub fn is_connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as K, Error as E};
    match e {
        E::DatabaseError(K::ClosedConnection, _) => true,
        E::DatabaseError(_, info) => {
            let m = info.message();
            // PostgreSQL's words when it ends a session (57P01, 57P02, 57P03) or the socket is gone.
            m.contains("terminating connection")
                || m.contains("server closed the connection")
                || m.contains("no connection to the server")
        }
        _ => false,
    }
}

/// Whether an error is a unique-constraint violation (a duplicate).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Throwaway SQLite files for unit tests.
#[cfg(test)]
pub(crate) mod scratch {
    use super::DatabaseUrl;

    /// A URL to a new SQLite file in the temporary folder, and the file.
    pub fn temp_sqlite() -> (DatabaseUrl, std::path::PathBuf) {
        let file = std::env::temp_dir().join(format!("civicdesk-db-{}.db", uuid::Uuid::now_v7().simple()));
        (
            DatabaseUrl::parse(&format!("sqlite://{}", file.display())).unwrap(),
            file,
        )
    }

    /// Removes the file and its WAL companions.
    pub fn remove(file: &std::path::Path) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scratch::{remove, temp_sqlite};
    use super::*;

    #[test]
    fn urls_pick_their_backend_and_typos_are_refused() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://civicdesk.db").unwrap().target,
            "civicdesk.db"
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/c.db").unwrap().target,
            "/var/lib/c.db"
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().backend,
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend,
            Backend::Postgres
        );
        assert!(DatabaseUrl::parse("postgress://u@h/db").is_err());
        assert!(DatabaseUrl::parse("civicdesk.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn a_writer_that_reads_first_waits_for_another_process_writer() {
        use diesel::prelude::*;
        // Two pools on one file stand for two processes (an instance and `seed-demo`).
        let (url, file) = temp_sqlite();
        let first = Db::open(&url, 1, Duration::from_secs(5)).unwrap();
        let second = Db::open(&url, 1, Duration::from_secs(5)).unwrap();
        let holder = std::thread::spawn(move || {
            first.write_blocking(|c| {
                diesel::sql_query("INSERT INTO receipt_counters (year, last_seq) VALUES (1999, 1)").execute(c)?;
                std::thread::sleep(Duration::from_millis(300));
                Ok::<_, DbError>(())
            })
        });
        std::thread::sleep(Duration::from_millis(50));
        let waited = second.write_blocking(|c| {
            let seen: Vec<i32> = crate::db::schema::receipt_counters::table
                .select(crate::db::schema::receipt_counters::year)
                .load(c)?;
            diesel::sql_query("INSERT INTO receipt_counters (year, last_seq) VALUES (2000, 1)").execute(c)?;
            Ok::<_, DbError>(seen)
        });
        holder.join().unwrap().unwrap();
        assert_eq!(
            waited.unwrap(),
            vec![1999],
            "the second writer waited and saw the first one's commit"
        );
        remove(&file);
    }

    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        synchronous: i32,
    }

    #[test]
    fn sqlite_commits_are_synced_in_full_before_they_are_acknowledged() {
        let (url, file) = temp_sqlite();
        let db = Db::open(&url, 2, Duration::from_secs(5)).unwrap();
        let mut conn = db.get().unwrap();
        let mode: Setting = diesel::sql_query("PRAGMA synchronous").get_result(&mut *conn).unwrap();
        // 2 is FULL: the WAL is synced at every commit.
        assert_eq!(mode.synchronous, 2);
        drop(conn);
        drop(db);
        remove(&file);
    }

    #[test]
    fn an_unsynced_bookkeeping_write_leaves_its_connection_synced_again() {
        let (url, file) = temp_sqlite();
        // One connection: the next checkout gets the very one the write used.
        let db = Db::open(&url, 1, Duration::from_secs(5)).unwrap();
        let mode = |db: &Db| -> i32 {
            let mut conn = db.get().unwrap();
            let m: Setting = diesel::sql_query("PRAGMA synchronous").get_result(&mut *conn).unwrap();
            m.synchronous
        };
        let during = db
            .write_one_blocking(|c| {
                let m: Setting = diesel::sql_query("PRAGMA synchronous").get_result(c)?;
                diesel::sql_query("INSERT INTO receipt_counters (year, last_seq) VALUES (1999, 1)").execute(c)?;
                Ok::<_, DbError>(m.synchronous)
            })
            .unwrap();
        assert_eq!(
            (during, mode(&db)),
            (1, 2),
            "NORMAL for the bookkeeping, FULL again after"
        );
        let failed = db.write_one_blocking(|c| {
            diesel::sql_query("INSERT INTO receipt_counters (year, last_seq) VALUES (1999, 1)").execute(c)?;
            Ok::<_, DbError>(())
        });
        assert!(failed.is_err(), "a duplicate year");
        assert_eq!(mode(&db), 2, "FULL again after a failed write too");
        drop(db);
        remove(&file);
    }
}
