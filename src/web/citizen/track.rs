//! The citizen's tracking page, linked from the receipt email: the same facts
//! as the JSON view, in the citizen's language and words.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::Value;

use crate::db::types::utc;
use crate::service::tracking::{self, public_fields};
use crate::web::throttle::PublicCaller;
use crate::web::AppState;

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

/// The tracking page's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(page))]
pub struct Doc;

/// `?token=&lang=` of the HTML tracking page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The access token from the receipt email.
    token: Option<String>,
    /// `ko` or `en`; else the browser language.
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
#[utoipa::path(get, path = "/track/{receipt_no}", tag = "citizen pages",
    params(("receipt_no" = String, Path, description = "The receipt number"), PageQuery),
    responses(
        (status = 200, description = "The tracking page", body = String, content_type = "text/html; charset=utf-8"),
        (status = 400, description = "A malformed query", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 404, description = "The page saying no case matches", body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, description = "Too many requests from this address", body = crate::web::api::doc::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The database is unavailable", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
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
        .read(move |c| -> Result<_, crate::service::ServiceError> {
            tracking::show(c, &settings, &r, (!t.is_empty()).then_some(t.as_str()))
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
        Ok(case) => {
            let settings = &state.settings;
            page.found = true;
            page.facts = vec![
                (label("제목", "Title"), case.row.title.clone()),
                (label("상태", "Status"), status_words(&case.row.status, en)),
                (
                    label("담당 부서", "Team"),
                    case.team.as_ref().map_or("-".to_string(), |t| t.name.clone()),
                ),
                (
                    label("처리 기한", "Due"),
                    readable(&settings.format_time(case.figures.due_at), en),
                ),
                (
                    label("처리 일수", "Processing days"),
                    case.figures.processing_days.to_string(),
                ),
            ];
            // A proposal's decision, and when an adopted one is to be carried out.
            if let Some(outcome) = case.row.outcome.as_deref() {
                let words = crate::mail::notices::outcome_words(outcome, !en);
                page.facts.push((label("제안 결과", "Decision"), words.to_string()));
            }
            if let Some(date) = case.row.planned_implementation_date {
                let when = if en {
                    date.format("%-d %b %Y").to_string()
                } else {
                    date.format("%Y년 %-m월 %-d일").to_string()
                };
                page.facts.push((label("시행 예정일", "Planned implementation"), when));
            }
            page.answer = case.row.resolution.clone().unwrap_or_default();
            page.timeline = case
                .timeline
                .iter()
                .map(|e| {
                    let mut step = public_fields(e);
                    step.insert("type".into(), Value::String(e.event_type.clone()));
                    let at = readable(&settings.format_time(utc(e.at)), en);
                    (at, step_text(en, &Value::Object(step)))
                })
                .collect();
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
