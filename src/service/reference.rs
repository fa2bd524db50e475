//! Reference data (holidays, categories, routing rules, teams, operators and
//! their API tokens) kept in memory for as long as the database says it has
//! not changed.
//!
//! Every unit of work reads one row, the database's reference version, which
//! triggers bump in the very transaction that changes any of that data (see
//! the `reference_version` migration). A change made through any instance is
//! therefore seen by every instance at its next request, with no message to
//! miss and no delay to wait out; the price is one small query where there
//! were several larger ones.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use chrono::{NaiveDate, NaiveDateTime};

use super::caller::Operator;
use crate::db::types::Id;
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::catalog::Role;
use crate::domain::routing::Rule;
use crate::store::{self, categories::Category, teams::Team};

/// One version of a database's reference data.
pub struct Reference {
    version: i64,
    /// Active holidays, shared by every calendar built from this version.
    pub holidays: Arc<BTreeSet<NaiveDate>>,
    /// Every category, active or not, in catalog order (oldest first).
    pub categories: Vec<Category>,
    /// The rules that can route (active, of an active team), in the order they run.
    pub rules: Vec<Rule>,
    /// Every team by id.
    pub teams: HashMap<Id, Team>,
    /// Every operator by id.
    pub operators: HashMap<Id, store::operators::Operator>,
    memberships: HashMap<Id, Vec<Id>>,
    /// Tokens seen since this version was loaded; filled on first use.
    tokens: Mutex<HashMap<String, Arc<TokenHolder>>>,
}

/// An API token that authenticated a request, with its operator.
pub struct TokenHolder {
    /// The operator the token stands for.
    pub operator: Operator,
    /// The token's id.
    pub token_id: Id,
    /// Its last use as recorded; only a hint for admins, so it lives here and
    /// is written at most once a minute.
    pub last_used_at: Mutex<Option<NaiveDateTime>>,
}

/// The reference data of each database this process uses, by database id.
static CURRENT: LazyLock<RwLock<HashMap<String, Arc<Reference>>>> = LazyLock::new(Default::default);

/// Tokens remembered per version at most; more are looked up every time
/// (unknown tokens are never remembered, so guessing cannot fill memory).
const MAX_TOKENS: usize = 10_000;

/// The current reference data: from memory when the database's version says
/// it is current, else read again (in the caller's transaction).
pub fn current(c: &mut Conn) -> diesel::QueryResult<Arc<Reference>> {
    let (database, version) = store::reference::version(c)?;
    at(c, database, version)
}

/// The reference data of this database at a version the caller has just read
/// (with other data, in one statement): from memory when it is that version.
pub fn at(c: &mut Conn, database: String, version: i64) -> diesel::QueryResult<Arc<Reference>> {
    if let Some(r) = read_cache().get(&database).filter(|r| r.version == version) {
        return Ok(r.clone());
    }
    let fresh = Arc::new(load(c, version)?);
    let mut cache = CURRENT.write().unwrap_or_else(|p| p.into_inner());
    // Another thread may have read a newer version meanwhile: keep the newest.
    if cache.get(&database).is_none_or(|r| r.version < version) {
        cache.insert(database, fresh.clone());
    }
    Ok(fresh)
}

fn read_cache() -> std::sync::RwLockReadGuard<'static, HashMap<String, Arc<Reference>>> {
    CURRENT.read().unwrap_or_else(|p| p.into_inner())
}

fn load(c: &mut Conn, version: i64) -> diesel::QueryResult<Reference> {
    let holidays = store::holidays::active_dates(c)?;
    let mut categories = store::categories::list(c)?;
    // Classification breaks ties by catalog order.
    categories.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let rules = store::rules::runnable(c)?
        .into_iter()
        .map(|r| Rule {
            id: r.id.to_string(),
            position: r.position,
            kind: r.kind.as_deref().and_then(Kind::parse),
            category: r.category_code,
            keywords: store::keywords_from_text(&r.keywords),
            team_id: r.team_id.to_string(),
        })
        .collect();
    let teams = store::teams::list(c)?.into_iter().map(|t| (t.id.clone(), t)).collect();
    let operators = store::operators::list(c)?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    let mut memberships: HashMap<Id, Vec<Id>> = HashMap::new();
    for (operator, team) in store::operators::all_memberships(c)? {
        memberships.entry(operator).or_default().push(team);
    }
    Ok(Reference {
        version,
        holidays: Arc::new(holidays.into_iter().collect()),
        categories,
        rules,
        teams,
        operators,
        memberships,
        tokens: Mutex::new(HashMap::new()),
    })
}

impl Reference {
    /// The category with this code, active or not.
    pub fn category_by_code(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// The category with this id.
    pub fn category(&self, id: &Id) -> Option<&Category> {
        self.categories.iter().find(|c| &c.id == id)
    }

    /// The team that takes what nothing else routes: the active triage team;
    /// failing that, the oldest active team.
    pub fn triage(&self) -> Option<&Team> {
        self.teams
            .values()
            .filter(|t| t.active)
            .min_by(|a, b| (!a.triage, a.created_at, &a.id).cmp(&(!b.triage, b.created_at, &b.id)))
    }

    /// The teams an operator belongs to, in id order.
    pub fn team_ids(&self, operator: &Id) -> Vec<Id> {
        self.memberships.get(operator).cloned().unwrap_or_default()
    }

    /// The active operator an active API token (by its hash) stands for.
    pub fn token(&self, c: &mut Conn, hash: &str) -> diesel::QueryResult<Option<Arc<TokenHolder>>> {
        if let Some(t) = self.tokens.lock().unwrap_or_else(|p| p.into_inner()).get(hash) {
            return Ok(Some(t.clone()));
        }
        let Some((op, token)) = store::tokens::operator_by_hash(c, hash)? else {
            return Ok(None);
        };
        // An unknown role is a 401 like an unknown token, not a crash.
        let Some(role) = Role::parse(&op.role) else {
            return Ok(None);
        };
        let holder = Arc::new(TokenHolder {
            operator: Operator {
                team_ids: self.team_ids(&op.id),
                id: op.id,
                name: op.name,
                role,
            },
            token_id: token.id,
            last_used_at: Mutex::new(token.last_used_at),
        });
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if tokens.len() < MAX_TOKENS {
            tokens.insert(hash.to_string(), holder.clone());
        }
        Ok(Some(holder))
    }
}
