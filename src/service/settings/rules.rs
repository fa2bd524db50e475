//! Routing rules: in order of position, the first active rule whose kind,
//! category and keywords match a new case sends it to its team.

use super::{key, keywords};
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::routing::{moved, Step};
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::service::ServiceError;
use crate::store::{self, rules::RoutingRule};

/// The fields to set; `None` leaves one as it is (`Some(None)` clears a nullable one).
#[derive(Debug, Default)]
pub struct RuleChange {
    /// Where it runs among the rules, lowest first (0 to 1,000,000; new ones 100).
    pub position: Option<i32>,
    /// Matches only cases of this kind.
    pub kind: Option<Option<String>>,
    /// Matches only cases of this category (by code).
    pub category: Option<Option<String>>,
    /// Matches cases whose text has any of these words.
    pub keywords: Option<Vec<String>>,
    /// The team a matching case goes to; required for a new rule.
    pub team_id: Option<String>,
    /// Whether it runs.
    pub active: Option<bool>,
}

/// Every rule, in the order they run (any operator).
pub fn list(c: &mut Conn, _op: &Operator) -> Result<Vec<RoutingRule>, ServiceError> {
    Ok(store::rules::list(c)?)
}

/// One rule (any operator).
pub fn show(c: &mut Conn, _op: &Operator, id: &str) -> Result<RoutingRule, ServiceError> {
    let id = key(id, "routing rule")?;
    find(c, &id)
}

/// A new rule (admin).
pub fn create(c: &mut Conn, op: &Operator, input: RuleChange) -> Result<RoutingRule, ServiceError> {
    op.require_admin()?;
    let at = now().naive_utc();
    let mut rule = RoutingRule {
        id: Id::new(),
        position: 100,
        kind: None,
        category_code: None,
        keywords: "[]".into(),
        team_id: Id::new(),
        active: true,
        created_at: at,
        updated_at: at,
    };
    apply(c, &mut rule, input, true)?;
    store::rules::insert(c, &rule)?;
    Ok(rule)
}

/// Some fields of a rule changed (admin).
pub fn change(c: &mut Conn, op: &Operator, id: &str, input: RuleChange) -> Result<RoutingRule, ServiceError> {
    op.require_admin()?;
    let id = key(id, "routing rule")?;
    let mut rule = find(c, &id)?;
    apply(c, &mut rule, input, false)?;
    rule.updated_at = now().naive_utc();
    store::rules::update(c, &rule)?;
    Ok(rule)
}

/// A rule that no longer runs (admin).
pub fn deactivate(c: &mut Conn, op: &Operator, id: &str) -> Result<RoutingRule, ServiceError> {
    let off = RuleChange {
        active: Some(false),
        ..Default::default()
    };
    change(c, op, id, off)
}

/// A rule moved one place earlier or later in the order the rules run
/// (admin); every rule's position is renumbered 10, 20, 30, … so ties are
/// settled. The first rule moved earlier (or the last later) stays put.
pub fn move_rule(c: &mut Conn, op: &Operator, id: &str, step: Step) -> Result<RoutingRule, ServiceError> {
    op.require_admin()?;
    let id = key(id, "routing rule")?;
    let all = store::rules::list(c)?;
    let index = all
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| ServiceError::not_found("routing rule", id.as_str()))?;
    let at = now().naive_utc();
    for (mut rule, position) in moved(&all, index, step).unwrap_or_default() {
        if rule.position != position {
            rule.position = position;
            rule.updated_at = at;
            store::rules::update(c, &rule)?;
        }
    }
    find(c, &id)
}

fn find(c: &mut Conn, id: &Id) -> Result<RoutingRule, ServiceError> {
    store::rules::find(c, id)?.ok_or_else(|| ServiceError::not_found("routing rule", id.as_str()))
}

fn apply(c: &mut Conn, rule: &mut RoutingRule, input: RuleChange, new: bool) -> Result<(), ServiceError> {
    let mut e = Errors::default();
    if let Some(p) = input.position {
        if !(0..=1_000_000).contains(&p) {
            e.add("position", "must be from 0 to 1000000");
        }
        rule.position = p;
    }
    if let Some(kind) = input.kind {
        rule.kind = e
            .one_of("kind", kind.as_deref(), Kind::parse, &Kind::names())
            .map(|k| k.as_str().to_string());
    }
    if let Some(cat) = input.category {
        rule.category_code = match cat {
            None => None,
            Some(code) if store::categories::find_by_code(c, &code)?.is_some() => Some(code),
            Some(code) => {
                e.add("category", format!("no category with code \"{code}\""));
                None
            }
        };
    }
    if let Some(words) = input.keywords {
        rule.keywords = store::keywords_to_text(&keywords(&mut e, "keywords", words));
    }
    match input.team_id {
        Some(raw) => match Id::parse(&raw) {
            Some(id) if store::teams::find(c, &id)?.is_some() => rule.team_id = id,
            _ => e.add("team_id", format!("no team with id \"{raw}\"")),
        },
        None if new => e.add("team_id", "is required: the team a matching case goes to"),
        None => {}
    }
    if let Some(a) = input.active {
        rule.active = a;
    }
    e.finish(()).map_err(ServiceError::Invalid)
}
