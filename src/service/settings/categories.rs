//! Categories: what a case is about, with the deadline it gets, the team it
//! goes to when no rule says otherwise, and the words that classify it.

use super::{duplicate, key, keywords};
use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::attributes::{check_definitions, Attribute};
use crate::domain::case::Kind;
use crate::domain::catalog::is_code;
use crate::domain::deadline::{Deadline, DeadlineUnit};
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::service::ServiceError;
use crate::store::{self, categories::Category};

/// A deadline as sent; both parts are required when it is.
#[derive(Debug, Default)]
pub struct DeadlineChange {
    /// How many units.
    pub amount: Option<i64>,
    /// `hours`, `days` or `months`.
    pub unit: Option<String>,
}

/// The fields to set; `None` leaves one as it is (`Some(None)` clears a nullable one).
#[derive(Debug, Default)]
pub struct CategoryChange {
    /// URL-safe code, unique.
    pub code: Option<String>,
    /// Korean name.
    pub name: Option<String>,
    /// English name.
    pub name_en: Option<Option<String>>,
    /// `grievance` or `proposal`.
    pub kind: Option<String>,
    /// The team its cases go to when no rule routes them.
    pub default_team_id: Option<Option<String>>,
    /// The deadline its cases get.
    pub deadline: Option<DeadlineChange>,
    /// Words that classify a case into it.
    pub keywords: Option<Vec<String>>,
    /// What it covers.
    pub description: Option<Option<String>>,
    /// Whether it takes new cases.
    pub active: Option<bool>,
    /// Its extra questions, the whole list.
    pub attributes: Option<Vec<Attribute>>,
}

/// Every category, active or not (any operator).
pub fn list(c: &mut Conn, _op: &Operator) -> Result<Vec<Category>, ServiceError> {
    Ok(store::categories::list(c)?)
}

/// One category (any operator).
pub fn show(c: &mut Conn, _op: &Operator, id: &str) -> Result<Category, ServiceError> {
    let id = key(id, "category")?;
    find(c, &id)
}

/// A new category (admin).
pub fn create(c: &mut Conn, op: &Operator, input: CategoryChange) -> Result<Category, ServiceError> {
    op.require_admin()?;
    let at = now().naive_utc();
    let mut cat = Category {
        id: Id::new(),
        code: String::new(),
        name: String::new(),
        name_en: None,
        kind: String::new(),
        default_team_id: None,
        deadline_amount: 0,
        deadline_unit: String::new(),
        keywords: "[]".into(),
        description: None,
        active: true,
        created_at: at,
        updated_at: at,
        attributes: "[]".into(),
    };
    apply(c, &mut cat, input, true)?;
    save(c, &cat, true)?;
    Ok(cat)
}

/// Some fields of a category changed (admin).
pub fn change(c: &mut Conn, op: &Operator, id: &str, input: CategoryChange) -> Result<Category, ServiceError> {
    op.require_admin()?;
    let id = key(id, "category")?;
    let mut cat = find(c, &id)?;
    apply(c, &mut cat, input, false)?;
    cat.updated_at = now().naive_utc();
    save(c, &cat, false)?;
    Ok(cat)
}

/// A category that takes no new cases (admin).
pub fn deactivate(c: &mut Conn, op: &Operator, id: &str) -> Result<Category, ServiceError> {
    let off = CategoryChange {
        active: Some(false),
        ..Default::default()
    };
    change(c, op, id, off)
}

fn find(c: &mut Conn, id: &Id) -> Result<Category, ServiceError> {
    store::categories::find(c, id)?.ok_or_else(|| ServiceError::not_found("category", id.as_str()))
}

fn apply(c: &mut Conn, cat: &mut Category, input: CategoryChange, new: bool) -> Result<(), ServiceError> {
    let mut e = Errors::default();
    if let Some(code) = input.code.as_deref().or(new.then_some("")) {
        match e.required_text("code", Some(code), 64) {
            Some(code) if is_code(&code) => cat.code = code,
            Some(_) => e.add(
                "code",
                "use lowercase letters, digits, - and _ (URL-safe), starting with a letter or digit",
            ),
            None => {}
        }
    }
    if let Some(name) = input.name.as_deref().or(new.then_some("")) {
        if let Some(n) = e.required_line("name", Some(name), 100) {
            cat.name = n;
        }
    }
    if let Some(v) = input.name_en {
        cat.name_en = e.optional_text("name_en", v.as_deref(), 100);
    }
    if new && input.kind.is_none() {
        e.add("kind", format!("is required: one of {}", Kind::names()));
    }
    if let Some(k) = e.one_of("kind", input.kind.as_deref(), Kind::parse, &Kind::names()) {
        cat.kind = k.as_str().into();
    }
    if let Some(team) = input.default_team_id {
        cat.default_team_id = match team {
            None => None,
            Some(raw) => match Id::parse(&raw) {
                Some(id) if store::teams::find(c, &id)?.is_some() => Some(id),
                _ => {
                    e.add("default_team_id", format!("no team with id \"{raw}\""));
                    None
                }
            },
        };
    }
    match input.deadline {
        Some(d) => {
            let unit = if d.unit.is_none() {
                e.add("deadline.unit", "is required: one of hours, days, months");
                None
            } else {
                e.one_of(
                    "deadline.unit",
                    d.unit.as_deref(),
                    DeadlineUnit::parse,
                    "hours, days, months",
                )
            };
            match (d.amount, unit) {
                (None, _) => e.add("deadline.amount", "is required"),
                (Some(amount), Some(unit)) => match Deadline::new(u32::try_from(amount).unwrap_or(0), unit) {
                    Ok(d) => {
                        cat.deadline_amount = d.amount as i32;
                        cat.deadline_unit = d.unit.as_str().into();
                    }
                    Err(m) => e.add("deadline.amount", m),
                },
                _ => {}
            }
        }
        None if new => e.add("deadline", "is required: {\"amount\": 7, \"unit\": \"days\"}"),
        None => {}
    }
    if let Some(list) = input.attributes {
        match check_definitions(&list) {
            Ok(sorted) => cat.attributes = serde_json::to_string(&sorted).unwrap_or_else(|_| "[]".into()),
            Err(errors) => {
                for f in errors {
                    e.add(f.field, f.message);
                }
            }
        }
    }
    if let Some(words) = input.keywords {
        cat.keywords = store::keywords_to_text(&keywords(&mut e, "keywords", words));
    }
    if let Some(v) = input.description {
        cat.description = e.optional_text("description", v.as_deref(), 2000);
    }
    if let Some(a) = input.active {
        cat.active = a;
    }
    e.finish(()).map_err(ServiceError::Invalid)
}

fn save(c: &mut Conn, cat: &Category, new: bool) -> Result<(), ServiceError> {
    let r = if new {
        store::categories::insert(c, cat)
    } else {
        store::categories::update(c, cat)
    };
    r.map_err(|e| duplicate(e, || format!("a category with code \"{}\" already exists", cat.code)))
}
