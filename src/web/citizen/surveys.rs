//! The citizen's survey page: `GET /s/{token}` shows the form (opening it
//! records nothing: mail scanners open links), `POST /s/{token}` records it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::service::surveys::{self, Answer, LinkState, SurveyLink};
use crate::service::ServiceError;
use crate::web::extract::Body;
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::AppState;

/// The page's words in one language.
struct Words {
    lang: &'static str,
    title: &'static str,
    low: &'static str,
    high: &'static str,
    comment: &'static str,
    submit: &'static str,
    process: &'static str,
    result: &'static str,
    thanks: &'static str,
    answered: &'static str,
    expired: &'static str,
    unknown: &'static str,
    invalid: &'static str,
    case: &'static str,
}

const KO: Words = Words {
    lang: "ko",
    title: "민원 처리 만족도 조사",
    low: "매우 불만족",
    high: "매우 만족",
    comment: "하고 싶은 말씀 (선택)",
    submit: "제출",
    process: "처리 과정에 얼마나 만족하셨습니까?",
    result: "처리 결과에 얼마나 만족하셨습니까?",
    thanks: "응답해 주셔서 감사합니다. 의견은 담당 부서에 바로 전달됩니다.",
    answered: "이미 응답하신 조사입니다. 감사합니다.",
    expired: "응답 기한이 지난 조사입니다. 필요하면 담당 부서에서 전화로 여쭙겠습니다.",
    unknown: "찾을 수 없는 조사 링크입니다. 이메일의 링크를 다시 확인해 주세요.",
    invalid: "두 질문 모두 1에서 5 사이로 골라 주세요.",
    case: "접수번호",
};

const EN: Words = Words {
    lang: "en",
    title: "How did we do?",
    low: "very dissatisfied",
    high: "very satisfied",
    comment: "Anything else you want to tell us (optional)",
    submit: "Send",
    process: "How satisfied are you with how your case was handled?",
    result: "How satisfied are you with the result?",
    thanks: "Thank you. Your answer goes straight to the team that handled your case.",
    answered: "This survey was already answered. Thank you.",
    expired: "This survey link has expired. The team may call you instead.",
    unknown: "We cannot find this survey link. Please check the link in your email.",
    invalid: "Please choose 1 to 5 for both questions.",
    case: "Case",
};

#[derive(Template)]
#[template(path = "survey.html")]
struct Page<'a> {
    t: &'a Words,
    case_line: String,
    message: &'a str,
    error: &'a str,
    show_form: bool,
    questions: [(&'a str, &'a str); 2],
}

fn words(req: &HttpRequest) -> &'static Words {
    if crate::web::wording::page_lang(req) == "en" {
        &EN
    } else {
        &KO
    }
}

fn page(status: StatusCode, t: &Words, case_line: String, message: &str, error: &str, show_form: bool) -> HttpResponse {
    let html = Page {
        t,
        case_line,
        message,
        error,
        show_form,
        questions: [("process_score", t.process), ("result_score", t.result)],
    }
    .render()
    .unwrap_or_else(|e| format!("<p>{e}</p>"));
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html)
}

fn case_line(t: &Words, link: &SurveyLink) -> String {
    format!("{} {} · {}", t.case, link.receipt_no, link.title)
}

/// An error as the page that explains it.
fn error_page(t: &Words, e: ServiceError) -> HttpResponse {
    match e {
        ServiceError::NotFound(_) => page(StatusCode::NOT_FOUND, t, String::new(), t.unknown, "", false),
        ServiceError::Gone(_) => page(StatusCode::GONE, t, String::new(), t.expired, "", false),
        ServiceError::Conflict(_) => page(StatusCode::CONFLICT, t, String::new(), t.answered, "", false),
        other => actix_web::ResponseError::error_response(&ApiError::from(other)),
    }
}

/// The survey a link opens.
async fn link(state: &web::Data<AppState>, token: String) -> Result<SurveyLink, ServiceError> {
    state.db.read(move |c| surveys::link(c, &token)).await
}

/// `GET /s/{token}`.
#[utoipa::path(get, path = "/s/{token}", tag = "citizen pages", params(("token" = String, Path, description = "The token from the survey email"), ("lang" = Option<String>, Query, description = "`ko` or `en`; else the browser language")),
    responses(
        (status = 200, description = "The survey form, or that it was answered", body = String, content_type = "text/html; charset=utf-8"),
        (status = 400, description = "A malformed query", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 404, description = "The page saying the link is unknown", body = String, content_type = "text/html; charset=utf-8"),
        (status = 410, description = "The page saying the link expired", body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, description = "Too many requests from this address", body = crate::web::api::doc::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The database is unavailable", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let t = words(&req);
    match link(&state, path.into_inner()).await {
        Ok(l) if l.state == LinkState::Open => page(StatusCode::OK, t, case_line(t, &l), "", "", true),
        Ok(l) if l.state == LinkState::Answered => page(StatusCode::OK, t, case_line(t, &l), t.answered, "", false),
        Ok(_) => page(StatusCode::GONE, t, String::new(), t.expired, "", false),
        Err(e) => error_page(t, e),
    }
}

/// The survey pages' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(show, submit))]
pub struct Doc;

/// The form as posted.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Form {
    /// 1 to 5.
    process_score: Option<String>,
    /// 1 to 5.
    result_score: Option<String>,
    /// Anything else.
    comment: Option<String>,
}

/// `POST /s/{token}` (form-urlencoded): records and thanks.
#[utoipa::path(post, path = "/s/{token}", tag = "citizen pages", params(("token" = String, Path, description = "The token from the survey email"), ("lang" = Option<String>, Query, description = "`ko` or `en`; else the browser language")),
    request_body(content = Form, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Thanks", body = String, content_type = "text/html; charset=utf-8"),
        (status = 400, description = "The form could not be read", body = String, content_type = "text/html; charset=utf-8"),
        (status = 404, description = "The link is unknown", body = String, content_type = "text/html; charset=utf-8"),
        (status = 408, description = "The body did not arrive in time", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered", body = String, content_type = "text/html; charset=utf-8"),
        (status = 410, description = "The link expired", body = String, content_type = "text/html; charset=utf-8"),
        (status = 413, description = "The body is too large", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The form again, asking for both scores", body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, description = "Too many requests from this address", body = crate::web::api::doc::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The database is unavailable", body = crate::web::api::doc::Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: Body,
) -> HttpResponse {
    let t = words(&req);
    let token = path.into_inner();
    let form: Form = match serde_urlencoded::from_bytes(&body.0) {
        Ok(f) => f,
        Err(_) => return page(StatusCode::BAD_REQUEST, t, String::new(), "", t.invalid, true),
    };
    let num = |v: Option<String>| v.and_then(|s| s.trim().parse::<i64>().ok());
    let answer = Answer {
        process_score: num(form.process_score),
        result_score: num(form.result_score),
        comment: form.comment,
    };
    let tok = token.clone();
    let answered = state.db.write(move |c| surveys::answer_by_link(c, &tok, &answer)).await;
    match answered {
        Ok(_) => page(StatusCode::OK, t, String::new(), t.thanks, "", false),
        Err(ServiceError::Invalid(_)) => {
            let line = link(&state, token).await.map(|l| case_line(t, &l)).unwrap_or_default();
            page(StatusCode::UNPROCESSABLE_ENTITY, t, line, "", t.invalid, true)
        }
        Err(e) => error_page(t, e),
    }
}
