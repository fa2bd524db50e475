//! `GET /api/v1/cases`: work queues with every filter of API.md, keyset-paged.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::types::{now, utc, Id};
use crate::domain::access::may_list_cases;
use crate::domain::case::{Kind, Status};
use crate::domain::catalog::Role;
use crate::service::caller::Operator;
use crate::service::cases::Figures;
use crate::store::{self, cases::Filter, cases::Sort};
use crate::web::problem::ApiError;
use crate::web::AppState;

/// Default and largest page.
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// The query string; unknown parameters are refused so that a typo is not a silent no-op.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    status: Option<String>,
    kind: Option<String>,
    team: Option<String>,
    category: Option<String>,
    assignee: Option<String>,
    overdue: Option<bool>,
    due_before: Option<String>,
    received_from: Option<NaiveDate>,
    received_to: Option<NaiveDate>,
    q: Option<String>,
    sort: Option<String>,
    limit: Option<i64>,
    after: Option<String>,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

/// An opaque cursor: the sort key of the last item and its id.
fn encode_cursor(sort: Sort, t: NaiveDateTime, id: &Id) -> String {
    let tag = if sort == Sort::Due { "d" } else { "r" };
    let raw = format!("{tag}|{}|{id}", t.and_utc().timestamp_micros());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_cursor(sort: Sort, s: &str) -> Result<(NaiveDateTime, Id), ApiError> {
    let invalid = || bad("after is not a cursor from this queue's next_cursor");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| invalid())?;
    let raw = String::from_utf8(raw).map_err(|_| invalid())?;
    let mut parts = raw.split('|');
    let tag = parts.next().ok_or_else(invalid)?;
    if tag != if sort == Sort::Due { "d" } else { "r" } {
        return Err(bad("after belongs to a queue with another sort"));
    }
    let micros: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(invalid)?;
    let id = parts.next().and_then(Id::parse).ok_or_else(invalid)?;
    let t = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?.naive_utc();
    Ok((t, id))
}

/// `GET /api/v1/cases`.
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    if !may_list_cases(op.role) {
        return Err(ApiError::Forbidden(
            "a happy-call operator's cases are on GET /api/v1/happy-calls".into(),
        ));
    }
    let q = q.into_inner();
    let settings = state.settings.clone();
    let mut f = Filter::default();
    if let Some(list) = q.status.as_deref().filter(|s| !s.is_empty()) {
        for s in list.split(',').map(str::trim) {
            if s == "open" {
                f.statuses.extend(
                    crate::domain::case::OPEN_STATUSES
                        .iter()
                        .map(|s| s.as_str().to_string()),
                );
            } else if Status::parse(s).is_some() {
                f.statuses.push(s.to_string());
            } else {
                return Err(bad(format!("status \"{s}\" is not one of open, {}", Status::names())));
            }
        }
    }
    if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
        Kind::parse(k).ok_or_else(|| bad(format!("kind must be one of {}", Kind::names())))?;
        f.kind = Some(k.to_string());
    }
    let parse_id = |name: &str, v: &str| Id::parse(v).ok_or_else(|| bad(format!("{name} must be an id")));
    if let Some(t) = q.team.as_deref().filter(|s| !s.is_empty()) {
        f.team = Some(parse_id("team", t)?);
    }
    if let Some(a) = q.assignee.as_deref().filter(|s| !s.is_empty()) {
        f.assignee = Some(if a == "me" {
            op.id.clone()
        } else {
            parse_id("assignee", a)?
        });
    }
    if matches!(op.role, Role::Manager | Role::Agent) {
        if let Some(t) = &f.team {
            if !op.team_ids.contains(t) {
                return Err(ApiError::Forbidden("that team is not one of yours".into()));
            }
        }
        f.within_teams = Some(op.team_ids.clone());
    }
    let at = now();
    if q.overdue == Some(true) {
        f.overdue_at = Some(at.naive_utc());
    }
    if let Some(d) = q.due_before.as_deref().filter(|s| !s.is_empty()) {
        f.due_before = Some(if let Ok(t) = DateTime::parse_from_rfc3339(d) {
            t.with_timezone(&Utc).naive_utc()
        } else if let Ok(day) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            settings.start_of_day(day)
        } else {
            return Err(bad("due_before must be a date (YYYY-MM-DD) or an RFC 3339 time"));
        });
    }
    f.received_from = q.received_from.map(|d| settings.start_of_day(d));
    f.received_before = q
        .received_to
        .and_then(|d| d.succ_opt())
        .map(|d| settings.start_of_day(d));
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if text.chars().count() > 200 {
            return Err(bad("q must be at most 200 characters"));
        }
        f.text = Some(text.to_string());
    }
    let sort = match q.sort.as_deref() {
        None | Some("") | Some("due") => Sort::Due,
        Some("received") => Sort::Received,
        Some(other) => return Err(bad(format!("sort \"{other}\" is not one of due, received"))),
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(bad(format!("limit must be from 1 to {MAX_LIMIT}")));
    }
    let after = q
        .after
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| decode_cursor(sort, s))
        .transpose()?;
    let category_code = q.category.filter(|s| !s.is_empty());

    let body = state
        .db
        .read(move |c| {
            if let Some(code) = &category_code {
                let cat = store::categories::find_by_code(c, code)?
                    .ok_or_else(|| bad(format!("no category with code \"{code}\"")))?;
                f.category = Some(cat.id);
            }
            let mut rows = store::cases::queue(c, &f, sort, after, limit + 1)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let calendar = settings.calendar(c)?;
            let teams: HashMap<Id, String> = store::teams::list(c)?.into_iter().map(|t| (t.id, t.name)).collect();
            let cats: HashMap<Id, String> = store::categories::list(c)?
                .into_iter()
                .map(|k| (k.id, k.code))
                .collect();
            let ids: Vec<Id> = rows.iter().map(|r| r.id.clone()).collect();
            let mut holds = store::holds::for_cases(c, &ids)?;
            let items: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let fig = Figures::of(&calendar, r, &holds.remove(&r.id).unwrap_or_default(), at);
                    json!({
                        "id": r.id,
                        "receipt_no": r.receipt_no,
                        "kind": r.kind,
                        "category": r.category_id.as_ref().and_then(|id| cats.get(id)),
                        "title": r.title,
                        "status": r.status,
                        "channel": r.channel,
                        "team": r.team_id.as_ref().map(|id| json!({"id": id, "name": teams.get(id)})),
                        "assignee_id": r.assignee_id,
                        "received_at": settings.format_time(utc(r.received_at)),
                        "due_at": settings.format_time(fig.due_at),
                        "extended": r.extended,
                        "resolved_at": r.resolved_at.map(|t| settings.format_time(utc(t))),
                        "processing_days": fig.processing_days,
                        "overdue": fig.overdue,
                    })
                })
                .collect();
            let next_cursor = if more {
                rows.last().map(|r| {
                    let key = if sort == Sort::Due { r.due_at } else { r.received_at };
                    encode_cursor(sort, key, &r.id)
                })
            } else {
                None
            };
            Ok::<_, ApiError>(json!({"items": items, "next_cursor": next_cursor}))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
