//! `GET /api/v1/cases`: work queues with every filter of API.md, keyset-paged.
//! The query and the cursor are parsed here; the listing is `service::queue`.

use actix_web::{web, HttpResponse};
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::Settings;
use crate::db::types::{utc, Id};
use crate::domain::case::{Kind, Status};
use crate::service::caller::Operator;
use crate::service::queue::{self, Page, QueueFilter, QueueItem};
use crate::store::cases::Sort;
use crate::web::problem::ApiError;
use crate::web::{query_problem, AppState};

/// The work queue's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub struct Doc;

/// Default and largest page.
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// The query string; unknown parameters are refused so that a typo is not a silent no-op.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Statuses, comma-separated; `open` stands for every open one.
    status: Option<String>,
    /// `grievance` or `proposal`.
    kind: Option<String>,
    /// A team's id (managers and agents: one of theirs).
    team: Option<String>,
    /// A category's code.
    category: Option<String>,
    /// An operator's id, or `me`.
    assignee: Option<String>,
    /// Only open cases past their due date.
    overdue: Option<bool>,
    /// Due before this date (YYYY-MM-DD, the day's start) or RFC 3339 time.
    due_before: Option<String>,
    /// Received on or after this date.
    received_from: Option<NaiveDate>,
    /// Received on or before this date.
    received_to: Option<NaiveDate>,
    /// Words in the title or description, at most 200 characters.
    q: Option<String>,
    /// `due` (soonest first, the default) or `received` (newest first).
    sort: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    after: Option<String>,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

/// An opaque cursor: the sort key of the last item and its id.
pub fn encode_cursor(sort: Sort, t: NaiveDateTime, id: &Id) -> String {
    encode_key(if sort == Sort::Due { "d" } else { "r" }, t, id)
}

/// The sort key and id of a queue's cursor of this sort.
pub fn decode_cursor(sort: Sort, s: &str) -> Result<(NaiveDateTime, Id), ApiError> {
    let (tag, t, id) = decode_key(s).ok_or_else(|| bad("after is not a cursor from this queue's next_cursor"))?;
    if tag != if sort == Sort::Due { "d" } else { "r" } {
        return Err(bad("after belongs to a queue with another sort"));
    }
    Ok((t, id))
}

/// An opaque cursor of any list paged by (instant, id): a tag naming the
/// list (so that one list's cursor is not taken for another's), the last
/// item's instant and its id.
pub fn encode_key(tag: &str, t: NaiveDateTime, id: &Id) -> String {
    let raw = format!("{tag}|{}|{id}", t.and_utc().timestamp_micros());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// The tag, instant and id of a cursor `encode_key` made; `None` for anything else.
pub fn decode_key(s: &str) -> Option<(String, NaiveDateTime, Id)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let mut parts = raw.split('|');
    let tag = parts.next()?.to_string();
    let micros: i64 = parts.next()?.parse().ok()?;
    let id = Id::parse(parts.next()?)?;
    let t = DateTime::from_timestamp_micros(micros)?.naive_utc();
    Some((tag, t, id))
}

/// A team as a queue names it.
#[derive(Serialize, ToSchema)]
pub struct QueueTeam {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
}

/// A case on a work queue.
#[derive(Serialize, ToSchema)]
pub struct QueueItemView {
    /// Id.
    pub id: String,
    /// Receipt number, `YYYY-NNNNNN`.
    pub receipt_no: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The category's code.
    pub category: Option<String>,
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
    /// How it came in.
    pub channel: String,
    /// The team.
    pub team: Option<QueueTeam>,
    /// Who works it.
    pub assignee_id: Option<String>,
    /// When received.
    pub received_at: String,
    /// When due, moved out by a hold still running.
    pub due_at: String,
    /// Whether extended.
    pub extended: bool,
    /// Resolved at.
    pub resolved_at: Option<String>,
    /// Business days of processing so far.
    pub processing_days: i64,
    /// Open and past due.
    pub overdue: bool,
}

impl QueueItemView {
    /// A case on the queue, its times in the calendar's zone.
    pub fn of(settings: &Settings, item: QueueItem) -> QueueItemView {
        let QueueItem {
            row,
            category_code,
            team_name,
            figures,
        } = item;
        QueueItemView {
            id: row.id.to_string(),
            receipt_no: row.receipt_no,
            kind: row.kind,
            category: category_code,
            title: row.title,
            status: row.status,
            channel: row.channel,
            team: row.team_id.map(|id| QueueTeam {
                id: id.to_string(),
                name: team_name,
            }),
            assignee_id: row.assignee_id.map(|id| id.to_string()),
            received_at: settings.format_time(utc(row.received_at)),
            due_at: settings.format_time(figures.due_at),
            extended: row.extended,
            resolved_at: row.resolved_at.map(|t| settings.format_time(utc(t))),
            processing_days: figures.processing_days,
            overdue: figures.overdue,
        }
    }
}

/// One page of a work queue.
#[derive(Serialize, ToSchema)]
pub struct QueuePage {
    /// The cases.
    pub items: Vec<QueueItemView>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/cases`.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(QueueQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of the queue", body = QueuePage),
        (status = 403, description = "A happy-call operator, or a team that is not the operator's",
            body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let settings = state.settings.clone();
    let mut f = QueueFilter::default();
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
    f.overdue = q.overdue == Some(true);
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
    f.category = q.category.filter(|s| !s.is_empty());

    let page = Page { sort, after, limit };
    let found = state
        .db
        .read(move |c| queue::list(c, &settings, &op, f, page))
        .await
        .map_err(query_problem)?;
    let next_cursor = if found.more {
        found.items.last().map(|i| {
            let key = if sort == Sort::Due {
                i.row.due_at
            } else {
                i.row.received_at
            };
            encode_cursor(sort, key, &i.row.id)
        })
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(QueuePage {
        items: found
            .items
            .into_iter()
            .map(|i| QueueItemView::of(&state.settings, i))
            .collect(),
        next_cursor,
    }))
}
