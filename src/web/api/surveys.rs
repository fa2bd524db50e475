//! Happy calls over the API: the citizen's survey link as JSON, phone
//! answers, the call list, answered surveys and follow-ups (use cases in
//! `service::surveys`).

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::Settings;
use crate::db::types::{utc, Id};
use crate::service::caller::Operator;
use crate::service::surveys::{self, Answer, LinkState};
use crate::service::ServiceError;
use crate::store::surveys::FollowUp;
use crate::web::api::doc::Problem;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::{items, path_id, AppState};

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(show, answer, phone, worklist, list, follow_ups, follow_up_done))]
pub struct Doc;

/// Two scores and a comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// How satisfied with the process: 1 (very dissatisfied) to 5 (very satisfied).
    process_score: Option<i64>,
    /// How satisfied with the result: 1 to 5.
    result_score: Option<i64>,
    /// Anything else, at most 2,000 characters.
    comment: Option<String>,
    /// Phone answers say `"phone"`.
    channel: Option<String>,
}

impl AnswerInput {
    fn answer(self) -> Answer {
        Answer {
            process_score: self.process_score,
            result_score: self.result_score,
            comment: self.comment,
        }
    }
}

/// The questions a survey asks.
#[derive(Serialize, ToSchema)]
pub struct Questions {
    /// The process question.
    pub process_score: &'static str,
    /// The result question.
    pub result_score: &'static str,
    /// The comment prompt.
    pub comment: &'static str,
}

/// What a citizen's survey link shows.
#[derive(Serialize, ToSchema)]
pub struct SurveyLinkView {
    /// The case's receipt number.
    pub receipt_no: String,
    /// The case's title.
    pub title: String,
    /// The team that handled it.
    pub team: Option<String>,
    /// `open` or `answered`.
    pub status: String,
    /// When the link expires.
    pub expires_at: Option<String>,
    /// The questions.
    pub questions: Questions,
}

/// `GET /api/v1/surveys/{token}`: opening it records nothing (mail scanners open links).
#[utoipa::path(get, path = "/api/v1/surveys/{token}", tag = "surveys", params(("token" = String, Path, description = "The token from the survey email")),
    responses(
        (status = 200, description = "The survey the link opens", body = SurveyLinkView),
        (status = 404, description = "No survey for this link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = path.into_inner();
    let link = state.db.read(move |c| surveys::link(c, &token)).await?;
    let status = match link.state {
        LinkState::Open => "open",
        LinkState::Answered => "answered",
        LinkState::Expired => return Err(ApiError::Gone("this survey link has expired".into())),
    };
    Ok(HttpResponse::Ok().json(SurveyLinkView {
        receipt_no: link.receipt_no,
        title: link.title,
        team: link.team,
        status: status.into(),
        expires_at: link.expires_at.map(|t| state.settings.format_time(t)),
        questions: Questions {
            process_score: "처리 과정에 얼마나 만족하셨습니까? (1–5) / How satisfied are you with the process?",
            result_score: "처리 결과에 얼마나 만족하셨습니까? (1–5) / How satisfied are you with the result?",
            comment: "하고 싶은 말씀 (선택) / Anything else (optional)",
        },
    }))
}

/// An answer recorded.
#[derive(Serialize, ToSchema)]
pub struct Answered {
    /// `answered`.
    pub status: &'static str,
    /// `phone` for a phone answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<&'static str>,
    /// Whether a low score opened a follow-up.
    pub follow_up: bool,
}

/// `POST /api/v1/surveys/{token}`: 201; again 409; expired 410; unknown 404.
#[utoipa::path(post, path = "/api/v1/surveys/{token}", tag = "surveys", params(("token" = String, Path, description = "The token from the survey email")),
    request_body(content = AnswerInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Answered),
        (status = 404, description = "No survey for this link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn answer(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    path: web::Path<String>,
    body: JsonBody<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    let token = path.into_inner();
    let answer = body.into_inner().answer();
    let unhappy = state
        .db
        .write(move |c| surveys::answer_by_link(c, &token, &answer))
        .await?;
    Ok(HttpResponse::Created().json(Answered {
        status: "answered",
        channel: None,
        follow_up: unhappy,
    }))
}

/// `POST /api/v1/cases/{id}/survey`: a phone answer taken by a happy-call
/// operator, for any resolved or closed case (in the sample or not).
#[utoipa::path(post, path = "/api/v1/cases/{id}/survey", tag = "surveys", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    request_body(content = AnswerInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Answered),
        (status = 403, description = "Phone answers are recorded by happy-call operators", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is not resolved, or the survey was already answered", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn phone(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "case")?;
    let input = body.into_inner();
    if input.channel.as_deref().is_some_and(|c| c != "phone") {
        return Err(ServiceError::field("channel", "a happy-call answer is taken by phone: \"phone\"").into());
    }
    let answer = input.answer();
    let unhappy = state
        .db
        .write(move |c| surveys::answer_by_phone(c, &op, &id, &answer))
        .await?;
    Ok(HttpResponse::Created().json(Answered {
        status: "answered",
        channel: Some("phone"),
        follow_up: unhappy,
    }))
}

/// The citizen as the call list shows them.
#[derive(Serialize, ToSchema)]
pub struct CallCitizen {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// One call to make.
#[derive(Serialize, ToSchema)]
pub struct CallView {
    /// The survey.
    pub survey_id: String,
    /// The case.
    pub case_id: String,
    /// Its receipt number.
    pub receipt_no: String,
    /// Its title.
    pub title: String,
    /// Whom to call.
    pub citizen: CallCitizen,
    /// The team that handled it.
    pub team_id: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<String>,
    /// `no_email` or `expired` (the link went unanswered).
    pub reason: &'static str,
}

/// `GET /api/v1/happy-calls`: resolved cases in the sample to phone: no email,
/// or the link expired unanswered; oldest first, at most 500.
#[utoipa::path(get, path = "/api/v1/happy-calls", tag = "surveys", security(("bearer" = [])),
    responses(
        (status = 200, description = "The calls to make, oldest first, at most 500", body = crate::web::api::doc::Items<CallView>),
        (status = 403, description = "For happy-call operators, managers and admins", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn worklist(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    let list = state.db.read(move |c| surveys::worklist(c, &op)).await?;
    let settings = &state.settings;
    let out: Vec<CallView> = list
        .into_iter()
        .map(|(s, case)| CallView {
            survey_id: s.id.to_string(),
            case_id: case.id.to_string(),
            receipt_no: case.receipt_no,
            title: case.title,
            citizen: CallCitizen {
                name: case.citizen_name,
                phone: case.citizen_phone,
                email: case.citizen_email,
            },
            team_id: s.team_id.map(|t| t.to_string()),
            resolved_at: case.resolved_at.map(|t| settings.format_time(utc(t))),
            reason: if s.channel == "phone" { "no_email" } else { "expired" },
        })
        .collect();
    Ok(HttpResponse::Ok().json(items(out)))
}

/// `GET /api/v1/surveys` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SurveyQuery {
    /// One team's id.
    team: Option<String>,
    /// Answered on or after this date.
    from: Option<NaiveDate>,
    /// Answered on or before this date.
    to: Option<NaiveDate>,
    /// Either score at most this.
    max_score: Option<i32>,
}

/// One answered survey.
#[derive(Serialize, ToSchema)]
pub struct SurveyView {
    /// Id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Its receipt number.
    pub receipt_no: Option<String>,
    /// The team that handled it.
    pub team_id: Option<String>,
    /// `email` or `phone`.
    pub channel: String,
    /// 1 to 5.
    pub process_score: Option<i32>,
    /// 1 to 5.
    pub result_score: Option<i32>,
    /// The citizen's words.
    pub comment: Option<String>,
    /// When answered.
    pub answered_at: Option<String>,
}

/// `GET /api/v1/surveys`: answered surveys, newest first (managers and agents: their teams).
#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", params(SurveyQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Answered surveys, newest first", body = crate::web::api::doc::Items<SurveyView>),
        (status = 403, description = "Survey answers are read by the teams and their managers", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<SurveyQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let team = match q.team.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(Id::parse(t).ok_or_else(|| ApiError::BadRequest("team must be an id".into()))?),
        None => None,
    };
    let filter = surveys::AnswerFilter {
        team,
        from: q.from,
        to: q.to,
        max_score: q.max_score,
    };
    let settings = state.settings.clone();
    let list = state
        .db
        .read(move |c| surveys::answered(c, &settings, &op, filter))
        .await?;
    let settings = &state.settings;
    let out: Vec<SurveyView> = list
        .into_iter()
        .map(|(s, receipt_no)| SurveyView {
            id: s.id.to_string(),
            case_id: s.case_id.to_string(),
            receipt_no,
            team_id: s.team_id.map(|t| t.to_string()),
            channel: s.channel,
            process_score: s.process_score,
            result_score: s.result_score,
            comment: s.comment,
            answered_at: s.answered_at.map(|t| settings.format_time(utc(t))),
        })
        .collect();
    Ok(HttpResponse::Ok().json(items(out)))
}

/// `?status=open|done`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// `open` or `done`; both when absent.
    status: Option<String>,
}

/// A follow-up of a dissatisfied citizen.
#[derive(Serialize, ToSchema)]
pub struct FollowUpView {
    /// Id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Its receipt number.
    pub receipt_no: Option<String>,
    /// The survey answered.
    pub survey_id: String,
    /// The team.
    pub team_id: Option<String>,
    /// `open` or `done`.
    pub status: String,
    /// When opened.
    pub created_at: String,
    /// When done.
    pub done_at: Option<String>,
    /// Who did it.
    pub done_by: Option<String>,
    /// What was done.
    pub note: Option<String>,
}

fn follow_up_view(settings: &Settings, f: FollowUp, receipt_no: Option<String>) -> FollowUpView {
    FollowUpView {
        id: f.id.to_string(),
        case_id: f.case_id.to_string(),
        receipt_no,
        survey_id: f.survey_id.to_string(),
        team_id: f.team_id.map(|t| t.to_string()),
        status: f.status,
        created_at: settings.format_time(utc(f.created_at)),
        done_at: f.done_at.map(|t| settings.format_time(utc(t))),
        done_by: f.done_by.map(|t| t.to_string()),
        note: f.note,
    }
}

/// `GET /api/v1/follow-ups`: for managers of the team (and admins).
#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "surveys", params(FollowUpQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Follow-ups", body = crate::web::api::doc::Items<FollowUpView>),
        (status = 403, description = "For managers and admins", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn follow_ups(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = q.into_inner().status.filter(|s| !s.is_empty());
    if status.as_deref().is_some_and(|s| s != "open" && s != "done") {
        return Err(ApiError::BadRequest("status must be open or done".into()));
    }
    let list = state
        .db
        .read(move |c| surveys::follow_ups(c, &op, status.as_deref()))
        .await?;
    let out: Vec<FollowUpView> = list
        .into_iter()
        .map(|(f, r)| follow_up_view(&state.settings, f, r))
        .collect();
    Ok(HttpResponse::Ok().json(items(out)))
}

/// `{"note"}`: what the manager did.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    /// What was done, at most 4,000 characters.
    note: Option<String>,
}

/// `POST /api/v1/follow-ups/{id}/done`.
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/done", tag = "surveys", params(("id" = String, Path, description = "The follow-up's id")), security(("bearer" = [])),
    request_body(content = DoneInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Done", body = FollowUpView),
        (status = 403, description = "For managers of the team and admins", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already done", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn follow_up_done(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<DoneInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "follow-up")?;
    let note = body.into_inner().note;
    let f = state
        .db
        .write(move |c| surveys::follow_up_done(c, &op, &id, note))
        .await?;
    Ok(HttpResponse::Ok().json(follow_up_view(&state.settings, f, None)))
}
