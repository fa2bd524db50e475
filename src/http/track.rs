//! The citizen's view: `GET /api/v1/track/{receipt_no}` and withdraw, with
//! the case's access token in `X-Access-Token`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::cases::Figures;
use super::extract::OptionalJson;
use super::problem::ApiError;
use super::AppState;
use crate::config::Settings;
use crate::credentials::{same_hash, token_hash};
use crate::db::types::{now, utc, Id};
use crate::db::Conn;
use crate::domain::case::Status;
use crate::domain::validation::Errors;
use crate::store::{self, cases::CaseRow, events::Event};

/// Compared against when the receipt number is unknown, so that an unknown
/// number and a wrong token take the same work.
const NO_SUCH_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Keys of public event data a citizen may see; everything else (operator
/// ids, rule ids, notes) stays internal.
const PUBLIC_KEYS: &[&str] = &[
    "channel",
    "team",
    "reason",
    "body",
    "due_at",
    "resolution",
    "outcome",
    "received_at",
];

fn not_found() -> ApiError {
    ApiError::NotFound("no case with that receipt number and access token".into())
}

/// The case when the token matches, else 404 — the same answer for an
/// unknown receipt number, a missing token and a wrong one.
fn authorized(c: &mut Conn, receipt_no: &str, token: Option<&str>) -> Result<CaseRow, ApiError> {
    let row = store::cases::find_by_receipt(c, receipt_no)?;
    let given = token_hash(token.unwrap_or(""));
    let stored = row
        .as_ref()
        .map_or(NO_SUCH_HASH, |r| r.access_token_hash.as_str());
    let ok = same_hash(&given, stored) && token.is_some();
    match row {
        Some(r) if ok => Ok(r),
        _ => Err(not_found()),
    }
}

fn access_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("x-access-token")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The citizen's view of a case: no internal notes, no operator names.
fn public_view(c: &mut Conn, settings: &Settings, row: &CaseRow) -> Result<Value, ApiError> {
    let calendar = settings.calendar(c)?;
    let figures = Figures::of(&calendar, row, now());
    let category = match &row.category_id {
        Some(id) => store::categories::find(c, id)?,
        None => None,
    };
    let team = match &row.team_id {
        Some(id) => store::teams::find(c, id)?,
        None => None,
    };
    let timeline: Vec<Value> = store::events::for_case(c, &row.id, true)?
        .iter()
        .map(|e| public_event(settings, e))
        .collect();
    let t = |v: Option<chrono::NaiveDateTime>| v.map(|v| settings.format_time(utc(v)));
    Ok(json!({
        "receipt_no": row.receipt_no,
        "kind": row.kind,
        "category": category.map(|c| json!({"code": c.code, "name": c.name, "name_en": c.name_en})),
        "title": row.title,
        "status": row.status,
        "team": team.map(|t| json!({"name": t.name, "email": t.email})),
        "received_at": settings.format_time(utc(row.received_at)),
        "due_at": settings.format_time(utc(row.due_at)),
        "extended": row.extended,
        "processing_days": figures.processing_days,
        "overdue": figures.overdue,
        "resolved_at": t(row.resolved_at),
        "closed_at": t(row.closed_at),
        "withdrawn_at": t(row.withdrawn_at),
        "outcome": row.outcome,
        "resolution": row.resolution,
        "timeline": timeline,
    }))
}

fn public_event(settings: &Settings, e: &Event) -> Value {
    let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
    let mut out = Map::new();
    out.insert("at".into(), json!(settings.format_time(utc(e.at))));
    out.insert("type".into(), json!(e.event_type));
    if let Value::Object(fields) = data {
        for (k, v) in fields {
            if PUBLIC_KEYS.contains(&k.as_str()) && !v.is_null() {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

/// `GET /api/v1/track/{receipt_no}`.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let receipt_no = path.into_inner();
    let token = access_token(&req);
    let settings = state.settings.clone();
    let view = state
        .db
        .read(move |c| {
            let row = authorized(c, &receipt_no, token.as_deref())?;
            public_view(c, &settings, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The optional body of a withdrawal.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// Why, in the citizen's words.
    pub reason: Option<String>,
}

/// `POST /api/v1/track/{receipt_no}/withdraw`: an open case only (409 otherwise).
pub async fn withdraw(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: OptionalJson<WithdrawInput>,
) -> Result<HttpResponse, ApiError> {
    let receipt_no = path.into_inner();
    let token = access_token(&req);
    let mut e = Errors::default();
    let reason = e.optional_text("reason", body.0.and_then(|b| b.reason).as_deref(), 1000);
    e.finish(()).map_err(ApiError::Validation)?;
    let settings = state.settings.clone();
    let view = state
        .db
        .write(move |c| {
            let row = authorized(c, &receipt_no, token.as_deref())?;
            let status = Status::parse(&row.status).unwrap_or(Status::Received);
            if !status.is_open() {
                return Err(ApiError::Conflict(format!(
                    "the case is {}; only an open case can be withdrawn",
                    status.as_str()
                )));
            }
            let at = now();
            if !store::cases::set_withdrawn(c, &row.id, row.version, at.naive_utc())? {
                return Err(ApiError::Conflict(
                    "the case changed meanwhile; reload and retry".into(),
                ));
            }
            store::events::append(
                c,
                &Event {
                    id: Id::new(),
                    case_id: row.id.clone(),
                    at: at.naive_utc(),
                    actor_kind: "citizen".into(),
                    actor_id: None,
                    event_type: "withdrawn".into(),
                    public: true,
                    data: json!({ "reason": reason, "from_status": status.as_str() }).to_string(),
                },
            )?;
            let row = store::cases::find(c, &row.id)?.ok_or_else(not_found)?;
            public_view(c, &settings, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
