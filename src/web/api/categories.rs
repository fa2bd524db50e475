//! `/api/v1/categories`: list (any operator), create, update, deactivate (admin).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::catalog::is_code;
use crate::domain::deadline::{Deadline, DeadlineUnit};
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::store::{self, categories::Category};
use crate::web::api::config::Resource;
use crate::web::extract::{nullable, JsonBody};
use crate::web::problem::ApiError;
use crate::web::{created, items, AppState};

/// A deadline as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    amount: Option<i64>,
    unit: Option<String>,
}

/// Fields a client may send; absent ones are left as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    code: Option<String>,
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    name_en: Option<Option<String>>,
    kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    default_team_id: Option<Option<String>>,
    deadline: Option<DeadlineInput>,
    keywords: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    active: Option<bool>,
}

fn view(c: &Category) -> Value {
    json!({
        "id": c.id, "code": c.code, "name": c.name, "name_en": c.name_en, "kind": c.kind,
        "default_team_id": c.default_team_id,
        "deadline": {"amount": c.deadline_amount, "unit": c.deadline_unit},
        "keywords": store::keywords_from_text(&c.keywords),
        "description": c.description, "active": c.active,
    })
}

/// Checks a keyword list: at most 100 non-blank words of at most 50 characters.
pub fn keywords(e: &mut Errors, field: &str, words: Vec<String>) -> Vec<String> {
    if words.len() > 100 {
        e.add(field, "at most 100 keywords");
    }
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(w) = e.required_text(&format!("{field}[{i}]"), Some(w), 50) {
            out.push(w);
        }
    }
    out
}

fn apply(c: &mut Conn, cat: &mut Category, input: CategoryInput, new: bool) -> Result<(), ApiError> {
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
    if let Some(words) = input.keywords {
        cat.keywords = store::keywords_to_text(&keywords(&mut e, "keywords", words));
    }
    if let Some(v) = input.description {
        cat.description = e.optional_text("description", v.as_deref(), 2000);
    }
    if let Some(a) = input.active {
        cat.active = a;
    }
    e.finish(()).map_err(ApiError::Validation)
}

fn save(c: &mut Conn, cat: &Category, new: bool) -> Result<(), ApiError> {
    let r = if new {
        store::categories::insert(c, cat)
    } else {
        store::categories::update(c, cat)
    };
    r.map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::Conflict(format!("a category with code \"{}\" already exists", cat.code)),
        other => other,
    })
}

/// `GET /api/v1/categories`.
pub async fn list(state: web::Data<AppState>, _op: Operator) -> Result<HttpResponse, ApiError> {
    let all = state
        .db
        .read(|c| store::categories::list(c).map_err(ApiError::from))
        .await?;
    Ok(HttpResponse::Ok().json(items(all.iter().map(view).collect())))
}

/// `POST /api/v1/categories`.
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<CategoryInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let input = body.into_inner();
    let cat = state
        .db
        .write(move |c| {
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
            };
            apply(c, &mut cat, input, true)?;
            save(c, &cat, true)?;
            Ok::<_, ApiError>(cat)
        })
        .await?;
    Ok(created(format!("/api/v1/categories/{}", cat.id), view(&cat)))
}

fn change(c: &mut Conn, id: &Id, input: CategoryInput) -> Result<Category, ApiError> {
    let mut cat = store::categories::find(c, id)?.ok_or_else(|| ApiError::not_found("category", id.as_str()))?;
    apply(c, &mut cat, input, false)?;
    cat.updated_at = now().naive_utc();
    save(c, &cat, false)?;
    Ok(cat)
}

/// Categories as a configuration resource.
pub struct Categories;

impl Resource for Categories {
    type Input = CategoryInput;
    const WHAT: &'static str = "category";

    fn show(c: &mut Conn, id: &Id) -> Result<Value, ApiError> {
        let cat = store::categories::find(c, id)?.ok_or_else(|| ApiError::not_found("category", id.as_str()))?;
        Ok(view(&cat))
    }

    fn change(c: &mut Conn, id: &Id, input: CategoryInput) -> Result<Value, ApiError> {
        change(c, id, input).map(|cat| view(&cat))
    }

    fn deactivation() -> CategoryInput {
        CategoryInput {
            active: Some(false),
            ..Default::default()
        }
    }
}
