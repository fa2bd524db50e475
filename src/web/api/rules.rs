//! `/api/v1/routing-rules`: list (any operator), create, update, deactivate (admin).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::types::{now, Id};
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::store::{self, rules::RoutingRule};
use crate::web::api::categories::keywords;
use crate::web::api::config::Resource;
use crate::web::extract::{nullable, JsonBody};
use crate::web::problem::ApiError;
use crate::web::{created, items, AppState};

/// Fields a client may send; absent ones are left as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    position: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    category: Option<Option<String>>,
    keywords: Option<Vec<String>>,
    team_id: Option<String>,
    active: Option<bool>,
}

fn view(r: &RoutingRule) -> Value {
    json!({
        "id": r.id, "position": r.position, "kind": r.kind, "category": r.category_code,
        "keywords": store::keywords_from_text(&r.keywords), "team_id": r.team_id, "active": r.active,
    })
}

fn apply(c: &mut Conn, rule: &mut RoutingRule, input: RuleInput, new: bool) -> Result<(), ApiError> {
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
    e.finish(()).map_err(ApiError::Validation)
}

/// `GET /api/v1/routing-rules`: in the order they run.
pub async fn list(state: web::Data<AppState>, _op: Operator) -> Result<HttpResponse, ApiError> {
    let all = state.db.read(|c| store::rules::list(c).map_err(ApiError::from)).await?;
    Ok(HttpResponse::Ok().json(items(all.iter().map(view).collect())))
}

/// `POST /api/v1/routing-rules`.
pub async fn create(
    state: web::Data<AppState>,
    op: Operator,
    body: JsonBody<RuleInput>,
) -> Result<HttpResponse, ApiError> {
    op.require_admin()?;
    let input = body.into_inner();
    let rule = state
        .db
        .write(move |c| {
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
            Ok::<_, ApiError>(rule)
        })
        .await?;
    Ok(created(format!("/api/v1/routing-rules/{}", rule.id), view(&rule)))
}

fn change(c: &mut Conn, id: &Id, input: RuleInput) -> Result<RoutingRule, ApiError> {
    let mut rule = store::rules::find(c, id)?.ok_or_else(|| ApiError::not_found("routing rule", id.as_str()))?;
    apply(c, &mut rule, input, false)?;
    rule.updated_at = now().naive_utc();
    store::rules::update(c, &rule)?;
    Ok(rule)
}

/// Routing rules as a configuration resource.
pub struct Rules;

impl Resource for Rules {
    type Input = RuleInput;
    const WHAT: &'static str = "routing rule";

    fn show(c: &mut Conn, id: &Id) -> Result<Value, ApiError> {
        let rule = store::rules::find(c, id)?.ok_or_else(|| ApiError::not_found("routing rule", id.as_str()))?;
        Ok(view(&rule))
    }

    fn change(c: &mut Conn, id: &Id, input: RuleInput) -> Result<Value, ApiError> {
        change(c, id, input).map(|r| view(&r))
    }

    fn deactivation() -> RuleInput {
        RuleInput {
            active: Some(false),
            ..Default::default()
        }
    }
}
