//! Happy calls and follow-ups: `GET /office/happy-calls` (the call list),
//! `GET/POST /office/happy-calls/{case_id}` (one screen to take a phone
//! answer), `GET /office/follow-ups` and `POST /office/follow-ups/{id}/done`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use super::queue::readable;
use super::words::t;
use super::{checked_form, form_problem, html, see_other, Frame, Office, OfficeError};
use crate::db::types::{utc, Id};
use crate::service::surveys::{self, Answer};
use crate::service::{cases, ServiceError};
use crate::store::surveys::FollowUp;
use crate::web::api::queue::{decode_key, encode_key};
use crate::web::extract::{form_fields, Body};
use crate::web::problem::ApiError;
use crate::web::AppState;

/// A call to make.
struct Call {
    case_id: String,
    receipt_no: String,
    title: String,
    citizen: String,
    phone: String,
    resolved: String,
    reason: &'static str,
}

#[derive(Template)]
#[template(path = "office/calls.html")]
struct CallsPage {
    frame: Frame,
    calls: Vec<Call>,
    /// The page after this one.
    next: Option<String>,
    /// Whether this is a later page (it links back to the first).
    later: bool,
    message: String,
}

/// Calls per page: enough to work through a morning, small at any backlog.
const CALLS_PER_PAGE: i64 = 50;

/// The tag of the call list's cursors.
const CALLS_CURSOR: &str = "c";

/// `GET /office/happy-calls` (`after`: the cursor of the previous page's
/// last call; one that is not ours is the first page).
pub async fn list(state: web::Data<AppState>, office: Office, req: HttpRequest) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let after = query_param(&req, "after").and_then(|a| cursor(CALLS_CURSOR, &a));
    let later = after.is_some();
    let page = state
        .db
        .read(move |c| surveys::worklist_page(c, &op, after, CALLS_PER_PAGE))
        .await?;
    let lang = office.lang().to_string();
    let next = page.more.then(|| {
        let (last, _) = &page.items[page.items.len() - 1];
        format!(
            "/office/happy-calls?after={}",
            encode_key(CALLS_CURSOR, last.created_at, &last.id)
        )
    });
    let calls = page
        .items
        .into_iter()
        .map(|(s, case)| Call {
            case_id: case.id.to_string(),
            receipt_no: case.receipt_no,
            title: case.title,
            citizen: case.citizen_name,
            phone: case.citizen_phone.unwrap_or_default(),
            resolved: case
                .resolved_at
                .map(|t| readable(&state.settings, utc(t)))
                .unwrap_or_default(),
            reason: if s.channel == "phone" {
                t(&lang, "reason_no_email")
            } else {
                t(&lang, "reason_expired")
            },
        })
        .collect();
    let message = if req.query_string().starts_with("done=") {
        t(&lang, "done").to_string()
    } else {
        String::new()
    };
    html(
        StatusCode::OK,
        CallsPage {
            frame: office.frame("happy_calls", t(&lang, "happy_calls").into()),
            calls,
            next,
            later,
            message,
        },
    )
}

/// One parameter of the query string.
fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    form_fields(req.query_string().as_bytes())
        .remove(name)
        .and_then(|v| v.into_iter().next())
}

/// The instant and id of a cursor of the list tagged `tag`.
fn cursor(tag: &str, s: &str) -> Option<(NaiveDateTime, Id)> {
    decode_key(s).filter(|(t, _, _)| t == tag).map(|(_, at, id)| (at, id))
}

#[derive(Template)]
#[template(path = "office/call.html")]
struct CallPage {
    frame: Frame,
    case_id: String,
    /// Whether the case is shown (it may have left the caller's worklist).
    shown: bool,
    receipt_no: String,
    title: String,
    citizen: String,
    phone: String,
    team: String,
    resolution: String,
    problem: String,
    may_answer: bool,
}

async fn call_page(
    state: &AppState,
    office: &Office,
    id: Id,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    let case = id.clone();
    let shown = state.db.read(move |c| cases::show(c, &settings, &op, &case)).await;
    let lang = office.lang().to_string();
    let (d, problem) = match shown {
        Ok(d) => (Some(d), problem),
        // After a refusal the case may have left a happy-call operator's
        // worklist (someone else took the answer first): they still learn
        // why, but not the service's words about a case they may not see.
        Err(ServiceError::Forbidden(_)) if !problem.is_empty() => (None, t(&lang, "off_worklist").to_string()),
        Err(e) => return Err(e.into()),
    };
    let html = CallPage {
        frame: office.frame("happy_calls", t(&lang, "happy_calls").into()),
        case_id: id.to_string(),
        shown: d.is_some(),
        receipt_no: d.as_ref().map_or(String::new(), |d| d.row.receipt_no.clone()),
        title: d.as_ref().map_or(String::new(), |d| d.row.title.clone()),
        citizen: d.as_ref().map_or(String::new(), |d| d.row.citizen_name.clone()),
        phone: d.as_ref().and_then(|d| d.row.citizen_phone.clone()).unwrap_or_default(),
        team: d
            .as_ref()
            .and_then(|d| d.team.as_ref())
            .map_or(String::new(), |t| t.name.clone()),
        resolution: d.as_ref().and_then(|d| d.row.resolution.clone()).unwrap_or_default(),
        problem,
        may_answer: d.is_some() && crate::domain::access::may_record_phone_answer(office.current.operator.role),
    }
    .render()
    .map_err(|e| OfficeError::Internal(e.to_string()))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// `GET /office/happy-calls/{case_id}`: the case, whom to call, and the two questions.
pub async fn call(
    state: web::Data<AppState>,
    office: Office,
    path: web::Path<String>,
) -> Result<HttpResponse, OfficeError> {
    let id = Id::parse(&path).ok_or(OfficeError::NotFound)?;
    call_page(&state, &office, id, StatusCode::OK, String::new()).await
}

/// `POST /office/happy-calls/{case_id}` (`process_score`, `result_score`, `comment`).
pub async fn answer(
    state: web::Data<AppState>,
    office: Office,
    path: web::Path<String>,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    let id = Id::parse(&path).ok_or(OfficeError::NotFound)?;
    let one = |name: &str| fields.get(name).and_then(|v| v.first()).cloned();
    let answer = Answer {
        process_score: one("process_score").and_then(|v| v.parse().ok()),
        result_score: one("result_score").and_then(|v| v.parse().ok()),
        comment: one("comment"),
    };
    let op = office.current.operator.clone();
    let case = id.clone();
    match state
        .db
        .write(move |c| surveys::answer_by_phone(c, &op, &case, &answer))
        .await
    {
        Ok(_) => Ok(see_other("/office/happy-calls?done=answered")),
        // A refusal about the state (already answered, not resolved) or the
        // fields: the call page again with why; a role that may not record
        // at all gets its 403 page from form_problem.
        Err(e) => {
            let (status, problem) = super::form_problem(office.lang(), e)?;
            call_page(&state, &office, id, status, problem).await
        }
    }
}

/// A follow-up as the list shows it.
struct FollowUpRow {
    id: String,
    case_id: String,
    receipt_no: String,
    opened: String,
    done: String,
    note: String,
}

#[derive(Template)]
#[template(path = "office/follow_ups.html")]
struct FollowUpsPage {
    frame: Frame,
    /// Every open follow-up, oldest first (the first page only).
    open: Vec<FollowUpRow>,
    /// Done ones, most recently done first.
    done: Vec<FollowUpRow>,
    /// The page of older done ones.
    older: Option<String>,
    /// Whether this is a page of older done ones.
    later: bool,
    message: String,
    /// Why the last form was refused (a note missing, already done).
    problem: String,
}

/// Done follow-ups per page: the recent ones the managers may look back at.
const DONE_PER_PAGE: i64 = 50;

/// The tag of the done follow-ups' cursors.
const DONE_CURSOR: &str = "f";

/// `GET /office/follow-ups`: every open one first (they are the work), then
/// the most recently done; `before` (a cursor) lists only done ones older
/// than it, so that the page stays small at any history size.
pub async fn follow_ups(
    state: web::Data<AppState>,
    office: Office,
    req: HttpRequest,
) -> Result<HttpResponse, OfficeError> {
    let before = query_param(&req, "before").and_then(|b| cursor(DONE_CURSOR, &b));
    let message = if req.query_string().starts_with("done=") {
        t(office.lang(), "done").to_string()
    } else {
        String::new()
    };
    follow_ups_page(&state, &office, before, message, StatusCode::OK, String::new()).await
}

/// The follow-ups page: the open ones (first page only) and a page of done ones.
async fn follow_ups_page(
    state: &AppState,
    office: &Office,
    before: Option<(NaiveDateTime, Id)>,
    message: String,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, OfficeError> {
    let op = office.current.operator.clone();
    let later = before.is_some();
    let (open, done) = state
        .db
        .read(move |c| {
            let open = if later {
                Vec::new()
            } else {
                surveys::follow_ups(c, &op, Some("open"))?
            };
            Ok::<_, ServiceError>((open, surveys::done_follow_ups(c, &op, before, DONE_PER_PAGE)?))
        })
        .await?;
    let lang = office.lang().to_string();
    let older = done.more.then(|| {
        let (last, _) = &done.items[done.items.len() - 1];
        let at = last.done_at.unwrap_or(last.created_at);
        format!("/office/follow-ups?before={}", encode_key(DONE_CURSOR, at, &last.id))
    });
    let row = |(f, receipt): (FollowUp, Option<String>)| FollowUpRow {
        id: f.id.to_string(),
        case_id: f.case_id.to_string(),
        receipt_no: receipt.unwrap_or_default(),
        opened: readable(&state.settings, utc(f.created_at)),
        done: f.done_at.map(|t| readable(&state.settings, utc(t))).unwrap_or_default(),
        note: f.note.unwrap_or_default(),
    };
    let page = FollowUpsPage {
        frame: office.frame("follow_ups", t(&lang, "follow_ups").into()),
        open: open.into_iter().map(row).collect(),
        done: done.items.into_iter().map(row).collect(),
        older,
        later,
        message,
        problem,
    };
    html(status, page)
}

/// `POST /office/follow-ups/{id}/done` (`note`: what was done): the list
/// again, saying so; a missing note or a second click answers the page
/// with why.
pub async fn done(
    state: web::Data<AppState>,
    office: Office,
    path: web::Path<String>,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    let id = Id::parse(&path).ok_or(OfficeError::NotFound)?;
    let note = fields.get("note").and_then(|v| v.first()).cloned();
    let op = office.current.operator.clone();
    match state
        .db
        .write(move |c| surveys::follow_up_done(c, &op, &id, note))
        .await
    {
        Ok(_) => Ok(see_other("/office/follow-ups?done=follow_up")),
        Err(e) => {
            let (status, problem) = form_problem(office.lang(), e)?;
            follow_ups_page(&state, &office, None, String::new(), status, problem).await
        }
    }
}
