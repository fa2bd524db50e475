//! `GET /office/cases`: the work queue with the API's filters as query
//! parameters, due-date badges by time left, and paging by cursor.
//!
//! A cursor only leads forward, so each link also carries `back`, the cursors
//! of the pages before it (`0` for the first page), joined by `.` (not in the
//! cursors' alphabet): that is what the previous page's link is made of.

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

/// How many earlier pages a link remembers, so that a deep page's URL stays short.
const TRAIL: usize = 40;

/// The first page's place in a trail (it has no cursor).
const FIRST: &str = "0";

/// The queue's URL with these parameters.
fn link(q: &BTreeMap<String, String>) -> String {
    if q.is_empty() {
        return "/office/cases".into();
    }
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.iter())
        .finish();
    format!("/office/cases?{query}")
}

/// The pages before this one, as `back` lists them; a trail that was not
/// made here counts as none (no previous link rather than a wrong one).
fn trail(sort: Sort, back: Option<&str>) -> Vec<String> {
    let Some(back) = back else { return Vec::new() };
    let steps: Vec<String> = back.split('.').map(str::to_string).collect();
    let sound = steps.len() <= TRAIL && steps.iter().all(|s| s == FIRST || decode_cursor(sort, s).is_ok());
    if sound {
        steps
    } else {
        Vec::new()
    }
}

/// The link to the page before this one, when there is one.
fn prev_link(q: &BTreeMap<String, String>, mut back: Vec<String>) -> Option<String> {
    let before = back.pop()?;
    let mut prev = q.clone();
    if before == FIRST {
        prev.remove("after");
    } else {
        prev.insert("after".into(), before);
    }
    if back.is_empty() {
        prev.remove("back");
    } else {
        prev.insert("back".into(), back.join("."));
    }
    Some(link(&prev))
}

/// The link to the page after this one, which remembers this one.
fn next_link(q: &BTreeMap<String, String>, mut back: Vec<String>, cursor: String) -> String {
    back.push(q.get("after").cloned().unwrap_or_else(|| FIRST.to_string()));
    if back.len() > TRAIL {
        back.remove(0);
    }
    let mut next = q.clone();
    next.insert("after".into(), cursor);
    next.insert("back".into(), back.join("."));
    link(&next)
}

#[derive(Template)]
#[template(path = "office/queue.html")]
struct QueuePage {
    frame: Frame,
    rows: Vec<Row>,
    q: BTreeMap<String, String>,
    next: Option<String>,
    prev: Option<String>,
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
    // The first page has no page before it, whatever `back` says.
    let back = if after.is_some() {
        trail(sort, get("back").as_deref())
    } else {
        Vec::new()
    };
    let page = Page { sort, after, limit: 50 };
    let listed = state
        .db
        .read(move |c| queue::list(c, &settings, &op, filter, page))
        .await;
    let prev = prev_link(&q, back.clone());
    let (rows, next) = match listed {
        Ok(list) => {
            let next = list.more.then(|| {
                let last = &list.items[list.items.len() - 1];
                let key = match sort {
                    Sort::Due => last.row.due_at,
                    Sort::Received => last.row.received_at,
                };
                next_link(&q, back, encode_cursor(sort, key, &last.row.id))
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
        prev,
        problem,
    }
    .render()
    .map_err(|e| OfficeError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(link: &str) -> BTreeMap<String, String> {
        let query = link.strip_prefix("/office/cases").unwrap().trim_start_matches('?');
        form_urlencoded::parse(query.as_bytes()).into_owned().collect()
    }

    #[test]
    fn next_then_prev_walks_back_page_by_page() {
        let first: BTreeMap<String, String> = [("status".to_string(), "open".to_string())].into();
        let t = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let c1 = encode_cursor(Sort::Due, t, &Id::new());
        let c2 = encode_cursor(Sort::Due, t, &Id::new());
        assert_eq!(prev_link(&first, Vec::new()), None, "the first page has none before it");

        let second = params(&next_link(&first, Vec::new(), c1.clone()));
        assert_eq!(second["after"], c1);
        let back = trail(Sort::Due, second.get("back").map(String::as_str));
        let third = params(&next_link(&second, back.clone(), c2.clone()));
        assert_eq!(params(&prev_link(&second, back).unwrap()), first);

        let back = trail(Sort::Due, third.get("back").map(String::as_str));
        assert_eq!(params(&prev_link(&third, back).unwrap()), second);
    }

    #[test]
    fn a_trail_not_made_here_gives_no_previous_link() {
        assert!(trail(Sort::Due, Some("0.not-a-cursor")).is_empty());
        let t = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let other_sort = encode_cursor(Sort::Received, t, &Id::new());
        assert!(trail(Sort::Due, Some(&other_sort)).is_empty());
        assert!(trail(Sort::Due, Some(&vec!["0"; TRAIL + 1].join("."))).is_empty());
    }
}
