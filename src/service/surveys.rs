//! Happy calls: the survey a resolution starts, answered by email link or
//! by phone; a low score opens a follow-up for the team.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Value};

use super::caller::Operator;
use super::casework::Ctx;
use super::ServiceError;
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
use crate::store::surveys::{CallCase, FollowUp, Survey};
use crate::store::{self, cases::CaseRow, events::Event};

/// Starts the happy call of a case being resolved, when the draw puts it in the
/// sample and it has none yet: an emailed link (and a scheduled reminder), or a
/// phone call for citizens without email.
pub fn start(ctx: &mut Ctx<'_>) -> Result<(), ServiceError> {
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

/// Two scores and a comment, as given.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// How satisfied with the process, 1 to 5.
    pub process_score: Option<i64>,
    /// How satisfied with the result, 1 to 5.
    pub result_score: Option<i64>,
    /// Anything else.
    pub comment: Option<String>,
}

/// Checked scores.
struct Scores {
    process: i32,
    result: i32,
    comment: Option<String>,
}

fn check(a: &Answer) -> Result<Scores, ServiceError> {
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
    .map_err(ServiceError::Invalid)
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
pub fn by_token(c: &mut Conn, token: &str) -> Result<(Survey, CaseRow), ServiceError> {
    let not_found = || ServiceError::NotFound("no survey for this link".into());
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
) -> Result<bool, ServiceError> {
    let at = now();
    match state_of(&survey, at) {
        LinkState::Answered => {
            return Err(ServiceError::Conflict(
                "this survey was already answered; thank you".into(),
            ))
        }
        LinkState::Expired if by.is_none() => {
            return Err(ServiceError::Gone(
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
    // Under the case's lock, so a recount of its figures meanwhile (a holiday
    // change) either runs before and is updated here, or after and sees the answer.
    store::cases::lock(c, std::slice::from_ref(&case.id))?;
    store::figures::answered(c, &case.id, scores.process, scores.result)?;
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

/// What a citizen's survey link shows.
pub struct SurveyLink {
    /// Where the survey stands.
    pub state: LinkState,
    /// The case's receipt number.
    pub receipt_no: String,
    /// The case's title.
    pub title: String,
    /// The team that handled it.
    pub team: Option<String>,
    /// When the link expires.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The survey a link opens, whatever its state; opening it records nothing
/// (mail scanners open links).
pub fn link(c: &mut Conn, token: &str) -> Result<SurveyLink, ServiceError> {
    let (survey, case) = by_token(c, token)?;
    let team = match &survey.team_id {
        Some(id) => store::teams::find(c, id)?.map(|t| t.name),
        None => None,
    };
    Ok(SurveyLink {
        state: state_of(&survey, now()),
        receipt_no: case.receipt_no,
        title: case.title,
        team,
        expires_at: survey.expires_at.map(utc),
    })
}

/// Records the citizen's answer by link. Returns whether it opened a follow-up.
pub fn answer_by_link(c: &mut Conn, token: &str, answer: &Answer) -> Result<bool, ServiceError> {
    let scores = check(answer)?;
    let (survey, case) = by_token(c, token)?;
    record(c, survey, &case, scores, None)
}

/// A phone answer taken by a happy-call operator, for any resolved or closed
/// case (in the sample or not). Returns whether it opened a follow-up.
pub fn answer_by_phone(c: &mut Conn, op: &Operator, case_id: &Id, answer: &Answer) -> Result<bool, ServiceError> {
    if !may_record_phone_answer(op.role) {
        return Err(ServiceError::Forbidden(
            "phone answers are recorded by happy-call operators".into(),
        ));
    }
    let scores = check(answer)?;
    let case = store::cases::find(c, case_id)?.ok_or_else(|| ServiceError::not_found("case", case_id.as_str()))?;
    if !matches!(case.status.as_str(), "resolved" | "closed") {
        return Err(ServiceError::Conflict(format!(
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
    record(c, survey, &case, scores, Some(op))
}

/// How many calls the API's worklist lists at most (its documented behaviour:
/// one list, no paging).
pub const WORKLIST_MAX: i64 = 500;

/// One page of the happy-call worklist.
pub struct Calls {
    /// The calls, oldest survey first, each with its case.
    pub items: Vec<(Survey, CallCase)>,
    /// Whether more calls follow this page.
    pub more: bool,
}

/// The happy-call worklist: resolved cases in the sample to phone (no email,
/// or the link expired unanswered), with their surveys, oldest first; a page
/// of at most `limit` after the survey `after` (its creation and id).
pub fn worklist_page(
    c: &mut Conn,
    op: &Operator,
    after: Option<(NaiveDateTime, Id)>,
    limit: i64,
) -> Result<Calls, ServiceError> {
    op.require(&[Role::Happycall, Role::Manager, Role::Admin])?;
    let teams = op.list_scope();
    // One more than asked says whether another page follows.
    let mut items = store::surveys::to_call(c, now().naive_utc(), teams.as_deref(), after, limit + 1)?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok(Calls { items, more })
}

/// The happy-call worklist as one list of at most [`WORKLIST_MAX`] calls.
pub fn worklist(c: &mut Conn, op: &Operator) -> Result<Vec<(Survey, CallCase)>, ServiceError> {
    Ok(worklist_page(c, op, None, WORKLIST_MAX)?.items)
}

/// How many calls the worklist holds in all (the API's list stops at [`WORKLIST_MAX`]).
pub fn calls_to_make(c: &mut Conn, op: &Operator) -> Result<i64, ServiceError> {
    op.require(&[Role::Happycall, Role::Manager, Role::Admin])?;
    let teams = op.list_scope();
    Ok(store::surveys::count_to_call(c, now().naive_utc(), teams.as_deref())?)
}

/// Which answered surveys to list.
#[derive(Debug, Clone, Default)]
pub struct AnswerFilter {
    /// One team.
    pub team: Option<Id>,
    /// Answered on or after this local date.
    pub from: Option<NaiveDate>,
    /// Answered on or before this local date.
    pub to: Option<NaiveDate>,
    /// Either score at most this.
    pub max_score: Option<i32>,
}

/// Answered surveys, newest first, with their cases' receipt numbers
/// (managers and agents: their teams).
pub fn answered(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    q: AnswerFilter,
) -> Result<Vec<(Survey, Option<String>)>, ServiceError> {
    if !may_read_answers(op.role) {
        return Err(ServiceError::Forbidden(
            "survey answers are read by the teams and their managers".into(),
        ));
    }
    let f = store::surveys::Filter {
        within_teams: op.list_scope(),
        max_score: q.max_score,
        team: q.team,
        from: q.from.map(|d| settings.start_of_day(d)),
        before: q.to.and_then(|d| d.succ_opt()).map(|d| settings.start_of_day(d)),
    };
    let list = store::surveys::answered(c, &f, 1000)?;
    let ids: Vec<Id> = list.iter().map(|s| s.case_id.clone()).collect();
    let receipts: HashMap<Id, String> = store::surveys::receipt_numbers(c, &ids)?.into_iter().collect();
    Ok(list
        .into_iter()
        .map(|s| {
            let r = receipts.get(&s.case_id).cloned();
            (s, r)
        })
        .collect())
}

/// Follow-ups of dissatisfied citizens (`open` or `done`, or both), with
/// their cases' receipt numbers: for managers of the team and admins.
pub fn follow_ups(
    c: &mut Conn,
    op: &Operator,
    status: Option<&str>,
) -> Result<Vec<(FollowUp, Option<String>)>, ServiceError> {
    op.require(&[Role::Manager, Role::Admin])?;
    if let Some(s) = status {
        if s != "open" && s != "done" {
            return Err(ServiceError::field("status", "must be open or done"));
        }
    }
    let list = store::surveys::follow_ups(c, status, op.list_scope().as_deref())?;
    with_receipts(c, list)
}

/// Done follow-ups, most recently done first.
pub struct DoneFollowUps {
    /// The follow-ups with their cases' receipt numbers.
    pub items: Vec<(FollowUp, Option<String>)>,
    /// Whether older ones follow.
    pub more: bool,
}

/// The done follow-ups a manager's teams (or, for admins, every team) have,
/// most recently done first: at most `limit` done before `before` (the
/// instant it was done and its id), so that a long history is read a page at
/// a time.
pub fn done_follow_ups(
    c: &mut Conn,
    op: &Operator,
    before: Option<(NaiveDateTime, Id)>,
    limit: i64,
) -> Result<DoneFollowUps, ServiceError> {
    op.require(&[Role::Manager, Role::Admin])?;
    let mut list = store::surveys::done_follow_ups(c, op.list_scope().as_deref(), before, limit + 1)?;
    let more = list.len() as i64 > limit;
    list.truncate(limit as usize);
    Ok(DoneFollowUps {
        items: with_receipts(c, list)?,
        more,
    })
}

/// Follow-ups with their cases' receipt numbers (one query for all).
fn with_receipts(c: &mut Conn, list: Vec<FollowUp>) -> Result<Vec<(FollowUp, Option<String>)>, ServiceError> {
    let ids: Vec<Id> = list.iter().map(|f| f.case_id.clone()).collect();
    let receipts: HashMap<Id, String> = store::surveys::receipt_numbers(c, &ids)?.into_iter().collect();
    Ok(list
        .into_iter()
        .map(|f| {
            let r = receipts.get(&f.case_id).cloned();
            (f, r)
        })
        .collect())
}

/// Marks a follow-up done with what the manager did.
pub fn follow_up_done(c: &mut Conn, op: &Operator, id: &Id, note: Option<String>) -> Result<FollowUp, ServiceError> {
    op.require(&[Role::Manager, Role::Admin])?;
    let mut e = Errors::default();
    let note = e.required_text("note", note.as_deref(), 4000);
    e.finish(()).map_err(ServiceError::Invalid)?;
    let mut f =
        store::surveys::find_follow_up(c, id)?.ok_or_else(|| ServiceError::not_found("follow-up", id.as_str()))?;
    if op.role == Role::Manager && !f.team_id.as_ref().is_some_and(|t| op.team_ids.contains(t)) {
        return Err(ServiceError::Forbidden(
            "this follow-up belongs to a team you do not manage".into(),
        ));
    }
    if f.status == "done" {
        return Err(ServiceError::Conflict("this follow-up is already done".into()));
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
    Ok(f)
}
