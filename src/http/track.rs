//! The citizen's view: `GET /api/v1/track/{receipt_no}` and withdraw, with
//! the case's access token in `X-Access-Token`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::actions::clear_answer;
use super::cases::Figures;
use super::extract::{JsonBody, OptionalJson};
use super::lifecycle::{end_hold, perform, Actor, Ctx};
use super::problem::ApiError;
use super::throttle::PublicCaller;
use super::AppState;
use crate::config::Settings;
use crate::credentials::{same_hash, token_hash};
use crate::db::types::{now, utc};
use crate::db::Conn;
use crate::domain::case::{Kind, Outcome};
use crate::domain::status::Action;
use crate::domain::validation::Errors;
use crate::store::{self, cases::CaseRow, events::Event};

/// Compared against when the receipt number is unknown, so that an unknown
/// number and a wrong token take the same work.
const NO_SUCH_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What of a public event's data the citizen sees; everything else (operator
/// ids and names, rule ids, transfer reasons) stays internal.
pub fn public_keys(event_type: &str) -> &'static [&'static str] {
    match event_type {
        "received" => &["channel", "received_at", "due_at"],
        "routed" | "transferred" => &["team"],
        "replied" => &["body"],
        "extended" => &["business_days", "reason", "due_at"],
        "due_date_changed" => &["due_at", "previous_due_at", "reason"],
        "resolved" => &["resolution", "outcome", "planned_implementation_date"],
        "withdrawn" | "re_review_requested" => &["reason"],
        _ => &[],
    }
}

fn not_found() -> ApiError {
    ApiError::NotFound("no case with that receipt number and access token".into())
}

/// The case when the token matches, else 404 — the same answer for an
/// unknown receipt number, a missing token and a wrong one.
fn authorized(c: &mut Conn, receipt_no: &str, token: Option<&str>) -> Result<CaseRow, ApiError> {
    let row = store::cases::find_by_receipt(c, receipt_no)?;
    let given = token_hash(token.unwrap_or(""));
    let stored = row.as_ref().map_or(NO_SUCH_HASH, |r| r.access_token_hash.as_str());
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
    let holds = store::holds::for_cases(c, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let figures = Figures::of(&calendar, row, &holds, now());
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
        "due_at": settings.format_time(figures.due_at),
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
            if public_keys(&e.event_type).contains(&k.as_str()) && !v.is_null() {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

/// `GET /api/v1/track/{receipt_no}`.
pub async fn show(
    state: web::Data<AppState>,
    _limit: PublicCaller,
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

/// The optional body of a withdrawal, or the body of a re-review request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why, in the citizen's words.
    pub reason: Option<String>,
}

/// Days after a rejection during which the proposer may ask for a re-review.
pub const RE_REVIEW_DAYS: i64 = 15;

/// Runs a citizen's action on the case their token opens, and answers their view.
async fn citizen_action<F>(
    state: web::Data<AppState>,
    req: HttpRequest,
    receipt_no: String,
    action: Action,
    change: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut Ctx<'_>) -> Result<(), ApiError> + Send + 'static,
{
    let token = access_token(&req);
    let settings = state.settings.clone();
    let view = state
        .db
        .write(move |c| {
            let row = authorized(c, &receipt_no, token.as_deref())?;
            let calendar = settings.calendar(c)?;
            let row = perform(c, &settings, &calendar, Actor::Citizen, row, action, change)?;
            public_view(c, &settings, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /api/v1/track/{receipt_no}/withdraw`: an open case only (409 otherwise).
pub async fn withdraw(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: OptionalJson<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Errors::default();
    let reason = e.optional_text("reason", body.0.and_then(|b| b.reason).as_deref(), 1000);
    e.finish(()).map_err(ApiError::Validation)?;
    citizen_action(state, req, path.into_inner(), Action::Withdraw, move |ctx| {
        end_hold(ctx)?;
        ctx.row.withdrawn_at = Some(ctx.now.naive_utc());
        ctx.event(
            "withdrawn",
            true,
            json!({"reason": reason, "from_status": ctx.from.as_str()}),
        );
        Ok(())
    })
    .await
}

/// `POST /api/v1/track/{receipt_no}/re-review`: `{"reason"}`; a rejected
/// proposal goes back to its team, within 15 days of the decision.
pub async fn re_review(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ReasonInput>,
) -> Result<HttpResponse, ApiError> {
    let mut e = Errors::default();
    let reason = e.required_text("reason", body.into_inner().reason.as_deref(), 1000);
    e.finish(()).map_err(ApiError::Validation)?;
    citizen_action(state, req, path.into_inner(), Action::ReReview, move |ctx| {
        if ctx.row.kind != Kind::Proposal.as_str() || ctx.row.outcome.as_deref() != Some(Outcome::Rejected.as_str()) {
            return Err(ApiError::Conflict(
                "only a rejected proposal can be sent back for re-review".into(),
            ));
        }
        let decided = ctx.row.resolved_at.map(|t| ctx.calendar.local_date(t.and_utc()));
        let last_day = decided.map(|d| d + chrono::Duration::days(RE_REVIEW_DAYS));
        if let Some(last) = last_day {
            if ctx.calendar.local_date(ctx.now) > last {
                return Err(ApiError::Conflict(format!(
                    "a re-review could be requested until {last}, {RE_REVIEW_DAYS} days after the decision"
                )));
            }
        }
        let rejected = ctx.row.resolution.clone();
        clear_answer(ctx);
        ctx.event(
            "re_review_requested",
            true,
            json!({"reason": reason, "rejected_with": rejected}),
        );
        Ok(())
    })
    .await
}

#[derive(askama::Template)]
#[template(path = "track.html")]
struct TrackPage<'a> {
    lang: &'a str,
    heading: String,
    token: &'a str,
    found: bool,
    facts: Vec<(&'a str, String)>,
    answer_heading: &'a str,
    answer: String,
    timeline_heading: &'a str,
    timeline: Vec<(String, String)>,
    not_found: &'a str,
}

/// `?token=&lang=` of the HTML tracking page.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    token: Option<String>,
    lang: Option<String>,
}

/// An RFC 3339 time as people read it, in the time's own zone:
/// `2026년 11월 24일 11:27` or `24 Nov 2026, 11:27`.
fn readable(t: &str, en: bool) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(t) if en => t.format("%-d %b %Y, %H:%M").to_string(),
        Ok(t) => t.format("%Y년 %-m월 %-d일 %H:%M").to_string(),
        Err(_) => t.to_string(),
    }
}

/// A status in the citizen's words.
fn status_words(status: &str, en: bool) -> String {
    let (ko, english) = match status {
        "received" => ("접수", "Received"),
        "assigned" => ("담당자 배정", "Assigned"),
        "in_progress" => ("처리 중", "In progress"),
        "on_hold" => ("보류 (자료 대기)", "On hold"),
        "resolved" => ("처리 완료", "Answered"),
        "closed" => ("종결", "Closed"),
        "withdrawn" => ("취하", "Withdrawn"),
        other => (other, other),
    };
    if en { english } else { ko }.to_string()
}

/// A timeline step in words.
fn step_text(en: bool, e: &Value) -> String {
    let s = |k: &str| match k {
        "due_at" => readable(e[k].as_str().unwrap_or(""), en),
        _ => e[k].as_str().unwrap_or("").to_string(),
    };
    match (e["type"].as_str().unwrap_or(""), en) {
        ("received", false) => "접수되었습니다".into(),
        ("received", true) => "Received".into(),
        ("routed" | "transferred", false) => format!("담당 부서: {}", s("team")),
        ("routed" | "transferred", true) => format!("Handled by {}", s("team")),
        ("replied", false) => format!("답변: {}", s("body")),
        ("replied", true) => format!("Message: {}", s("body")),
        ("extended", false) => format!("처리 기간 연장 ({}): 새 기한 {}", s("reason"), s("due_at")),
        ("extended", true) => format!("Deadline extended ({}): now due {}", s("reason"), s("due_at")),
        ("due_date_changed", false) => format!("공휴일 변경으로 처리 기한이 바뀌었습니다: 새 기한 {}", s("due_at")),
        ("due_date_changed", true) => format!("The public holidays changed: now due {}", s("due_at")),
        ("resolved", false) => "처리 결과를 알려 드렸습니다".into(),
        ("resolved", true) => "Answered".into(),
        ("withdrawn", false) => "민원을 취하하셨습니다".into(),
        ("withdrawn", true) => "Withdrawn".into(),
        ("closed", false) => "종결되었습니다".into(),
        ("closed", true) => "Closed".into(),
        ("reopened", false) => "다시 처리 중입니다".into(),
        ("reopened", true) => "Reopened".into(),
        ("progress_notice", false) => "처리 중 안내를 보냈습니다".into(),
        ("progress_notice", true) => "Progress notice sent".into(),
        ("re_review_requested", false) => "재심사를 요청하셨습니다".into(),
        ("re_review_requested", true) => "Re-review requested".into(),
        (other, _) => other.replace('_', " "),
    }
}

/// `GET /track/{receipt_no}?token=`: the citizen's tracking page, linked from
/// the receipt email (the same facts as the JSON view; 404 page otherwise).
pub async fn page(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    q: web::Query<PageQuery>,
) -> HttpResponse {
    use askama::Template;
    let q = q.into_inner();
    let en = match q.lang.as_deref() {
        Some("en") => true,
        Some("ko") => false,
        _ => req
            .headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en")),
    };
    let receipt_no = path.into_inner();
    let token = q.token.unwrap_or_default();
    let settings = state.settings.clone();
    let (r, t) = (receipt_no.clone(), token.clone());
    let view = state
        .db
        .read(move |c| {
            let row = authorized(c, &r, (!t.is_empty()).then_some(t.as_str()))?;
            public_view(c, &settings, &row)
        })
        .await;
    let label = |ko: &'static str, english: &'static str| if en { english } else { ko };
    let mut page = TrackPage {
        lang: if en { "en" } else { "ko" },
        heading: format!("{} {receipt_no}", label("민원 처리 현황", "Case")),
        token: &token,
        found: false,
        facts: Vec::new(),
        answer_heading: label("처리 결과", "Answer"),
        answer: String::new(),
        timeline_heading: label("처리 과정", "Timeline"),
        timeline: Vec::new(),
        not_found: label(
            "접수번호나 링크가 맞지 않습니다. 접수 안내 이메일의 링크를 확인해 주세요.",
            "This receipt number or link does not match a case. Please check the link in your receipt email.",
        ),
    };
    let status = match view {
        Ok(v) => {
            let text = |k: &str| v[k].as_str().unwrap_or("").to_string();
            page.found = true;
            page.facts = vec![
                (label("제목", "Title"), text("title")),
                (label("상태", "Status"), status_words(&text("status"), en)),
                (
                    label("담당 부서", "Team"),
                    v["team"]["name"].as_str().unwrap_or("-").to_string(),
                ),
                (label("처리 기한", "Due"), readable(&text("due_at"), en)),
                (label("처리 일수", "Processing days"), v["processing_days"].to_string()),
            ];
            page.answer = text("resolution");
            page.timeline = v["timeline"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| (readable(e["at"].as_str().unwrap_or(""), en), step_text(en, e)))
                        .collect()
                })
                .unwrap_or_default();
            actix_web::http::StatusCode::OK
        }
        Err(_) => actix_web::http::StatusCode::NOT_FOUND,
    };
    let html = page.render().unwrap_or_else(|e| format!("<p>{e}</p>"));
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html)
}

#[cfg(test)]
mod tests {
    use super::{readable, status_words};

    #[test]
    fn times_and_statuses_in_the_citizens_words() {
        assert_eq!(
            readable("2026-11-24T11:27:03.123456+09:00", false),
            "2026년 11월 24일 11:27"
        );
        assert_eq!(readable("2026-11-24T11:27:03+09:00", true), "24 Nov 2026, 11:27");
        assert_eq!(status_words("in_progress", false), "처리 중");
        assert_eq!(status_words("on_hold", true), "On hold");
    }
}
