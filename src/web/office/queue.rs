//! `GET /office/cases`: the work queue with the API's filters as query
//! parameters, due-date badges by time left, and paging by cursor.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, TimeZone};

use super::words::{status, t};
use super::{Frame, Office, OfficeError};
use crate::config::Settings;
use crate::db::types::{now, Id};
use crate::domain::case::{Status, OPEN_STATUSES};
use crate::service::queue::{self, Page, QueueFilter, QueueItem};
use crate::store::cases::Sort;
use crate::web::api::queue::{decode_cursor, encode_cursor};
use crate::web::extract::form_fields;
use crate::web::AppState;

/// A case as a list shows it.
pub struct Row {
    /// Link target.
    pub id: String,
    /// Receipt number.
    pub receipt_no: String,
    /// Title.
    pub title: String,
    /// Status in words.
    pub status: &'static str,
    /// Team.
    pub team: String,
    /// Due, as people read it.
    pub due: String,
    /// `overdue`, `today`, `week` or empty.
    pub badge: &'static str,
    /// The badge's words.
    pub badge_text: &'static str,
    /// Processing days.
    pub days: i64,
}

/// An instant as people read it in the calendar's zone.
pub fn readable(settings: &Settings, t: chrono::DateTime<chrono::Utc>) -> String {
    settings
        .timezone
        .from_utc_datetime(&t.naive_utc())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The list row of a queue item.
pub fn row_of(settings: &Settings, lang: &str, i: &QueueItem) -> Row {
    let at = now();
    let tz = settings.timezone;
    let due_day = tz.from_utc_datetime(&i.figures.due_at.naive_utc()).date_naive();
    let today = tz.from_utc_datetime(&at.naive_utc()).date_naive();
    let open = Status::parse(&i.row.status).is_some_and(Status::is_open);
    let badge = if !open {
        ""
    } else if i.figures.overdue {
        "overdue"
    } else if due_day == today {
        "today"
    } else if due_day < today + Duration::days(7) {
        "week"
    } else {
        ""
    };
    Row {
        id: i.row.id.to_string(),
        receipt_no: i.row.receipt_no.clone(),
        title: i.row.title.clone(),
        status: status(lang, &i.row.status),
        team: i.team_name.clone().unwrap_or_default(),
        due: readable(settings, i.figures.due_at),
        badge,
        badge_text: match badge {
            "overdue" => t(lang, "overdue"),
            "today" => t(lang, "due_today"),
            "week" => t(lang, "this_week"),
            _ => "",
        },
        days: i.figures.processing_days,
    }
}

#[derive(Template)]
#[template(path = "office/queue.html")]
struct QueuePage {
    frame: Frame,
    rows: Vec<Row>,
    q: BTreeMap<String, String>,
    next: Option<String>,
    problem: String,
}

impl QueuePage {
    fn value(&self, name: &str) -> &str {
        self.q.get(name).map_or("", String::as_str)
    }

    fn selected(&self, name: &str, option: &str) -> &'static str {
        if self.value(name) == option {
            " selected"
        } else {
            ""
        }
    }

    fn rows_list(&self) -> &[Row] {
        &self.rows
    }
}

/// `GET /office/cases`.
pub async fn page(state: web::Data<AppState>, office: Office, req: HttpRequest) -> Result<HttpResponse, OfficeError> {
    let lang = office.lang().to_string();
    let fields = form_fields(req.query_string().as_bytes());
    let q: BTreeMap<String, String> = fields.iter().map(|(k, v)| (k.clone(), v.join(","))).collect();
    let get = |name: &str| q.get(name).cloned();
    let sort = if get("sort").as_deref() == Some("received") {
        Sort::Received
    } else {
        Sort::Due
    };
    let mut problem = String::new();
    let after = match get("after") {
        Some(a) => decode_cursor(sort, &a).map_err(|e| problem = e.to_string()).ok(),
        None => None,
    };
    let statuses: Vec<String> = match get("status").as_deref() {
        None => Vec::new(),
        Some("open") => QueueFilter::of_statuses(&OPEN_STATUSES).statuses,
        Some(list) => list.split(',').map(|s| s.trim().to_string()).collect(),
    };
    let filter = QueueFilter {
        statuses,
        kind: get("kind"),
        team: get("team").and_then(|t| Id::parse(&t)),
        category: get("category"),
        assignee: match get("assignee").as_deref() {
            Some("me") => Some(office.current.operator.id.clone()),
            Some(other) => Id::parse(other),
            None => None,
        },
        overdue: get("overdue").as_deref() == Some("true"),
        text: get("q"),
        ..Default::default()
    };
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    let page = Page { sort, after, limit: 50 };
    let listed = state
        .db
        .read(move |c| queue::list(c, &settings, &op, filter, page))
        .await;
    let (rows, next) = match listed {
        Ok(list) => {
            let next = list.more.then(|| {
                let last = &list.items[list.items.len() - 1];
                let key = match sort {
                    Sort::Due => last.row.due_at,
                    Sort::Received => last.row.received_at,
                };
                let mut next = q.clone();
                next.insert("after".into(), encode_cursor(sort, key, &last.row.id));
                let query: String = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(next.iter())
                    .finish();
                format!("/office/cases?{query}")
            });
            (
                list.items.iter().map(|i| row_of(&state.settings, &lang, i)).collect(),
                next,
            )
        }
        Err(crate::service::ServiceError::Invalid(errors)) => {
            problem = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            (Vec::new(), None)
        }
        Err(e) => return Err(e.into()),
    };
    let html = QueuePage {
        frame: office.frame("queue", t(&lang, "queue").into()),
        rows,
        q,
        next,
        problem,
    }
    .render()
    .map_err(|e| OfficeError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}
