//! Happy calls: the survey started on resolution, answered by email link (HTML
//! page or its JSON twin) or by phone; a low score opens a follow-up.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::Settings;
use crate::credentials::{new_token, token_hash};
use crate::db::types::{now, utc, Id};
use crate::db::Conn;
use crate::domain::access::{may_read_answers, may_record_phone_answer};
use crate::domain::catalog::Role;
use crate::domain::links;
use crate::domain::sampling::{dissatisfied, in_sample};
use crate::domain::validation::Errors;
use crate::mail::notices::{dissatisfied_alert, enqueue, to_citizen, Notice};
use crate::store::{self, cases::CaseRow, events::Event, surveys::FollowUp, surveys::Survey};
use crate::web::api::lifecycle::Ctx;
use crate::web::auth::Operator;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::{items, path_id, AppState};

/// Starts the happy call of a case being resolved, when the draw puts it in the
/// sample and it has none yet: an emailed link (and a scheduled reminder), or a
/// phone call for citizens without email.
pub fn start(ctx: &mut Ctx<'_>) -> Result<(), ApiError> {
    let settings = ctx.settings;
    if !in_sample(ctx.row.id.as_str(), settings.survey_sample_rate)
        || store::surveys::for_case(ctx.c, &ctx.row.id)?.is_some()
    {
        return Ok(());
    }
    let at = ctx.now;
    let mut survey = Survey::pending(Id::new(), ctx.row.id.clone(), ctx.row.team_id.clone(), at.naive_utc());
    if ctx.row.citizen_email.is_some() {
        let token = new_token("");
        let ttl = chrono::Duration::days(settings.survey_ttl_days as i64);
        let expires = at + ttl;
        let link = links::survey_url(&settings.public_url, &token, &ctx.row.locale);
        // One reminder: three days before expiry, or halfway for short links.
        let remind_at = if ttl >= chrono::Duration::days(6) {
            expires - chrono::Duration::days(3)
        } else {
            at + ttl / 2
        };
        to_citizen(
            ctx.c,
            settings,
            &ctx.row,
            Notice::Survey {
                link: link.clone(),
                expires,
                reminder: false,
            },
            at,
        )?;
        survey.reminder_id = to_citizen(
            ctx.c,
            settings,
            &ctx.row,
            Notice::Survey {
                link,
                expires,
                reminder: true,
            },
            remind_at,
        )?;
        survey.channel = "email".into();
        survey.token_hash = Some(token_hash(&token));
        survey.expires_at = Some(expires.naive_utc());
    }
    store::surveys::insert(ctx.c, &survey)?;
    crate::metrics::METRICS
        .surveys_sent
        .with_label_values(&[survey.channel.as_str()])
        .inc();
    let channel = survey.channel.clone();
    ctx.event("survey_started", false, json!({"channel": channel}));
    Ok(())
}

/// Two scores and a comment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    process_score: Option<i64>,
    result_score: Option<i64>,
    comment: Option<String>,
    /// Phone answers say `"phone"`.
    channel: Option<String>,
}

impl Answer {
    /// An answer from the HTML form.
    pub fn from_form(process_score: Option<i64>, result_score: Option<i64>, comment: Option<String>) -> Answer {
        Answer {
            process_score,
            result_score,
            comment,
            channel: None,
        }
    }
}

/// Checked scores.
struct Scores {
    process: i32,
    result: i32,
    comment: Option<String>,
}

fn check(a: &Answer) -> Result<Scores, ApiError> {
    let mut e = Errors::default();
    let mut score = |field: &str, v: Option<i64>| match v {
        Some(s @ 1..=5) => s as i32,
        Some(_) => {
            e.add(field, "must be a whole number from 1 to 5");
            0
        }
        None => {
            e.add(field, "is required: 1 (very dissatisfied) to 5 (very satisfied)");
            0
        }
    };
    let process = score("process_score", a.process_score);
    let result = score("result_score", a.result_score);
    let comment = e.optional_text("comment", a.comment.as_deref(), 2000);
    e.finish(Scores {
        process,
        result,
        comment,
    })
    .map_err(ApiError::Validation)
}

/// Where a survey stands for its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Waiting for an answer.
    Open,
    /// Already answered.
    Answered,
    /// Past its expiry.
    Expired,
}

fn state_of(s: &Survey, at: DateTime<Utc>) -> LinkState {
    if s.answered_at.is_some() {
        LinkState::Answered
    } else if s.expires_at.is_some_and(|e| utc(e) < at) {
        LinkState::Expired
    } else {
        LinkState::Open
    }
}

/// The survey and its case for a link token; 404 when unknown.
pub fn by_token(c: &mut Conn, token: &str) -> Result<(Survey, CaseRow), ApiError> {
    let not_found = || ApiError::NotFound("no survey for this link".into());
    let survey = store::surveys::by_token_hash(c, &token_hash(token))?.ok_or_else(not_found)?;
    let case = store::cases::find(c, &survey.case_id)?.ok_or_else(not_found)?;
    Ok((survey, case))
}

/// Records an answer: 409 when already answered, 410 when an email link expired.
/// A score of 2 or less opens a follow-up and alerts the team at once.
fn record(
    c: &mut Conn,
    mut survey: Survey,
    case: &CaseRow,
    scores: Scores,
    by: Option<&Operator>,
) -> Result<bool, ApiError> {
    let at = now();
    match state_of(&survey, at) {
        LinkState::Answered => return Err(ApiError::Conflict("this survey was already answered; thank you".into())),
        LinkState::Expired if by.is_none() => {
            return Err(ApiError::Gone(
                "this survey link has expired; the team may call you instead".into(),
            ))
        }
        _ => {}
    }
    survey.answered_at = Some(at.naive_utc());
    survey.process_score = Some(scores.process);
    survey.result_score = Some(scores.result);
    survey.comment = scores.comment.clone();
    if let Some(op) = by {
        survey.channel = "phone".into();
        survey.answered_by = Some(op.id.clone());
    }
    crate::metrics::METRICS
        .surveys_answered
        .with_label_values(&[survey.channel.as_str()])
        .inc();
    if let Some(reminder) = &survey.reminder_id {
        store::outbox::cancel(c, reminder)?;
    }
    store::surveys::update(c, &survey)?;
    let (actor_kind, actor_id) = match by {
        Some(op) => ("operator", Some(op.id.clone())),
        None => ("citizen", None),
    };
    let unhappy = dissatisfied(scores.process, scores.result);
    let event = |kind: &str, data: Value| {
        Event::new(
            &case.id,
            at.naive_utc(),
            actor_kind,
            actor_id.clone(),
            kind,
            false,
            data,
        )
    };
    store::events::append(
        c,
        &event(
            "survey_answered",
            json!({"process_score": scores.process, "result_score": scores.result, "comment": scores.comment,
                   "channel": survey.channel}),
        ),
    )?;
    if unhappy {
        let follow_up = FollowUp {
            id: Id::new(),
            survey_id: survey.id.clone(),
            case_id: case.id.clone(),
            team_id: survey.team_id.clone(),
            status: "open".into(),
            created_at: at.naive_utc(),
            done_at: None,
            done_by: None,
            note: None,
        };
        store::surveys::insert_follow_up(c, &follow_up)?;
        store::events::append(c, &event("follow_up_opened", json!({"follow_up_id": follow_up.id})))?;
        let team = match &survey.team_id {
            Some(id) => store::teams::find(c, id)?,
            None => None,
        };
        if let Some(email) = team.and_then(|t| t.email) {
            let alert = dissatisfied_alert(
                case,
                &follow_up.id,
                scores.process,
                scores.result,
                scores.comment.as_deref(),
            );
            enqueue(c, "follow_up", Some(&case.id), &email, alert, at)?;
        }
    }
    Ok(unhappy)
}

/// What a citizen's survey link shows, in data.
fn link_view(settings: &Settings, c: &mut Conn, survey: &Survey, case: &CaseRow) -> Result<Value, ApiError> {
    let team = match &survey.team_id {
        Some(id) => store::teams::find(c, id)?.map(|t| t.name),
        None => None,
    };
    let status = match state_of(survey, now()) {
        LinkState::Open => "open",
        LinkState::Answered => "answered",
        LinkState::Expired => "expired",
    };
    Ok(json!({
        "receipt_no": case.receipt_no,
        "title": case.title,
        "team": team,
        "status": status,
        "expires_at": survey.expires_at.map(|t| settings.format_time(utc(t))),
        "questions": {
            "process_score": "처리 과정에 얼마나 만족하셨습니까? (1–5) / How satisfied are you with the process?",
            "result_score": "처리 결과에 얼마나 만족하셨습니까? (1–5) / How satisfied are you with the result?",
            "comment": "하고 싶은 말씀 (선택) / Anything else (optional)",
        },
    }))
}

/// `GET /api/v1/surveys/{token}`: opening it records nothing (mail scanners open links).
pub async fn show(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = path.into_inner();
    let settings = state.settings.clone();
    let view = state
        .db
        .read(move |c| {
            let (survey, case) = by_token(c, &token)?;
            if state_of(&survey, now()) == LinkState::Expired {
                return Err(ApiError::Gone("this survey link has expired".into()));
            }
            link_view(&settings, c, &survey, &case)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /api/v1/surveys/{token}`: 201; again 409; expired 410; unknown 404.
pub async fn answer(
    state: web::Data<AppState>,
    _limit: PublicCaller,
    path: web::Path<String>,
    body: JsonBody<Answer>,
) -> Result<HttpResponse, ApiError> {
    let token = path.into_inner();
    let scores = check(&body.0)?;
    let unhappy = state
        .db
        .write(move |c| {
            let (survey, case) = by_token(c, &token)?;
            record(c, survey, &case, scores, None)
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({"status": "answered", "follow_up": unhappy})))
}

/// Answers a survey by link, for the HTML page: the outcome and the case, or the error.
pub async fn answer_by_link(state: &web::Data<AppState>, token: String, a: Answer) -> Result<(), ApiError> {
    let scores = check(&a)?;
    state
        .db
        .write(move |c| {
            let (survey, case) = by_token(c, &token)?;
            record(c, survey, &case, scores, None).map(drop)
        })
        .await
}

/// The link's survey and case for the HTML page.
pub async fn for_page(state: &web::Data<AppState>, token: String) -> Result<(LinkState, Value), ApiError> {
    let settings = state.settings.clone();
    state
        .db
        .read(move |c| {
            let (survey, case) = by_token(c, &token)?;
            let view = link_view(&settings, c, &survey, &case)?;
            Ok((state_of(&survey, now()), view))
        })
        .await
}

/// `POST /api/v1/cases/{id}/survey`: a phone answer taken by a happy-call
/// operator, for any resolved or closed case (in the sample or not).
pub async fn phone(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<Answer>,
) -> Result<HttpResponse, ApiError> {
    if !may_record_phone_answer(op.role) {
        return Err(ApiError::Forbidden(
            "phone answers are recorded by happy-call operators".into(),
        ));
    }
    let id = path_id(&path, "case")?;
    let a = body.into_inner();
    if a.channel.as_deref().is_some_and(|c| c != "phone") {
        return Err(ApiError::field(
            "channel",
            "a happy-call answer is taken by phone: \"phone\"",
        ));
    }
    let scores = check(&a)?;
    let unhappy = state
        .db
        .write(move |c| {
            let case = store::cases::find(c, &id)?.ok_or_else(|| ApiError::not_found("case", id.as_str()))?;
            if !matches!(case.status.as_str(), "resolved" | "closed") {
                return Err(ApiError::Conflict(format!(
                    "the case is {}; a happy call follows a resolved case",
                    case.status.replace('_', " ")
                )));
            }
            let survey = match store::surveys::for_case(c, &case.id)? {
                Some(s) => s,
                None => {
                    let s = Survey::pending(Id::new(), case.id.clone(), case.team_id.clone(), now().naive_utc());
                    store::surveys::insert(c, &s)?;
                    s
                }
            };
            record(c, survey, &case, scores, Some(&op))
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({"status": "answered", "channel": "phone", "follow_up": unhappy})))
}

/// The teams an operator's lists are limited to (`None`: all).
fn scope(op: &Operator) -> Option<Vec<Id>> {
    matches!(op.role, Role::Manager | Role::Agent).then(|| op.team_ids.clone())
}

/// `GET /api/v1/happy-calls`: resolved cases in the sample to phone: no email,
/// or the link expired unanswered.
pub async fn worklist(state: web::Data<AppState>, op: Operator) -> Result<HttpResponse, ApiError> {
    op.require(&[Role::Happycall, Role::Manager, Role::Admin])?;
    let settings = state.settings.clone();
    let body = state
        .db
        .read(move |c| {
            let teams = scope(&op);
            let list = store::surveys::to_call(c, now().naive_utc(), teams.as_deref(), 500)?;
            let mut out = Vec::new();
            for s in list {
                let Some(case) = store::cases::find(c, &s.case_id)? else {
                    continue;
                };
                out.push(json!({
                    "survey_id": s.id,
                    "case_id": case.id,
                    "receipt_no": case.receipt_no,
                    "title": case.title,
                    "citizen": {"name": case.citizen_name, "phone": case.citizen_phone, "email": case.citizen_email},
                    "team_id": s.team_id,
                    "resolved_at": case.resolved_at.map(|t| settings.format_time(utc(t))),
                    "reason": if s.channel == "phone" { "no_email" } else { "expired" },
                }));
            }
            Ok::<_, ApiError>(items(out))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /api/v1/surveys` filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyQuery {
    team: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    max_score: Option<i32>,
}

/// `GET /api/v1/surveys`: answered surveys, newest first (managers and agents: their teams).
pub async fn list(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<SurveyQuery>,
) -> Result<HttpResponse, ApiError> {
    if !may_read_answers(op.role) {
        return Err(ApiError::Forbidden(
            "survey answers are read by the teams and their managers".into(),
        ));
    }
    let q = q.into_inner();
    let settings = state.settings.clone();
    let mut f = store::surveys::Filter {
        within_teams: scope(&op),
        max_score: q.max_score,
        ..Default::default()
    };
    if let Some(t) = q.team.as_deref().filter(|t| !t.is_empty()) {
        f.team = Some(Id::parse(t).ok_or_else(|| ApiError::BadRequest("team must be an id".into()))?);
    }
    f.from = q.from.map(|d| settings.start_of_day(d));
    f.before = q.to.and_then(|d| d.succ_opt()).map(|d| settings.start_of_day(d));
    let body = state
        .db
        .read(move |c| {
            let list = store::surveys::answered(c, &f, 1000)?;
            let ids: Vec<Id> = list.iter().map(|s| s.case_id.clone()).collect();
            let receipts: std::collections::HashMap<Id, String> =
                store::surveys::receipt_numbers(c, &ids)?.into_iter().collect();
            let out: Vec<Value> = list
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id, "case_id": s.case_id, "receipt_no": receipts.get(&s.case_id), "team_id": s.team_id,
                        "channel": s.channel, "process_score": s.process_score, "result_score": s.result_score,
                        "comment": s.comment, "answered_at": s.answered_at.map(|t| settings.format_time(utc(t))),
                    })
                })
                .collect();
            Ok::<_, ApiError>(items(out))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `?status=open|done`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpQuery {
    status: Option<String>,
}

fn follow_up_view(settings: &Settings, f: &FollowUp, receipt: Option<&String>) -> Value {
    json!({
        "id": f.id, "case_id": f.case_id, "receipt_no": receipt, "survey_id": f.survey_id, "team_id": f.team_id,
        "status": f.status, "created_at": settings.format_time(utc(f.created_at)),
        "done_at": f.done_at.map(|t| settings.format_time(utc(t))), "done_by": f.done_by, "note": f.note,
    })
}

/// `GET /api/v1/follow-ups`: for managers of the team (and admins).
pub async fn follow_ups(
    state: web::Data<AppState>,
    op: Operator,
    q: web::Query<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    op.require(&[Role::Manager, Role::Admin])?;
    let status = q.into_inner().status.filter(|s| !s.is_empty());
    if let Some(s) = &status {
        if s != "open" && s != "done" {
            return Err(ApiError::BadRequest("status must be open or done".into()));
        }
    }
    let settings = state.settings.clone();
    let body = state
        .db
        .read(move |c| {
            let list = store::surveys::follow_ups(c, status.as_deref(), scope(&op).as_deref())?;
            let ids: Vec<Id> = list.iter().map(|f| f.case_id.clone()).collect();
            let receipts: std::collections::HashMap<Id, String> =
                store::surveys::receipt_numbers(c, &ids)?.into_iter().collect();
            Ok::<_, ApiError>(items(
                list.iter()
                    .map(|f| follow_up_view(&settings, f, receipts.get(&f.case_id)))
                    .collect(),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `{"note"}`: what the manager did.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    note: Option<String>,
}

/// `POST /api/v1/follow-ups/{id}/done`.
pub async fn follow_up_done(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
    body: JsonBody<DoneInput>,
) -> Result<HttpResponse, ApiError> {
    op.require(&[Role::Manager, Role::Admin])?;
    let id = path_id(&path, "follow-up")?;
    let mut e = Errors::default();
    let note = e.required_text("note", body.into_inner().note.as_deref(), 4000);
    e.finish(()).map_err(ApiError::Validation)?;
    let settings = state.settings.clone();
    let view = state
        .db
        .write(move |c| {
            let mut f =
                store::surveys::find_follow_up(c, &id)?.ok_or_else(|| ApiError::not_found("follow-up", id.as_str()))?;
            if op.role == Role::Manager && !f.team_id.as_ref().is_some_and(|t| op.team_ids.contains(t)) {
                return Err(ApiError::Forbidden(
                    "this follow-up belongs to a team you do not manage".into(),
                ));
            }
            if f.status == "done" {
                return Err(ApiError::Conflict("this follow-up is already done".into()));
            }
            let at = now().naive_utc();
            f.status = "done".into();
            f.done_at = Some(at);
            f.done_by = Some(op.id.clone());
            f.note = note;
            store::surveys::update_follow_up(c, &f)?;
            store::events::append(
                c,
                &Event::new(
                    &f.case_id,
                    at,
                    "operator",
                    Some(op.id.clone()),
                    "follow_up_done",
                    false,
                    json!({"follow_up_id": f.id, "note": f.note}),
                ),
            )?;
            Ok(follow_up_view(&settings, &f, None))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
