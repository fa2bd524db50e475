//! `GET /office/cases/{id}`: the case with its whole timeline and a form for
//! every action its status allows; `POST /office/cases/{id}/{action}` runs the
//! action (the REST action's name and fields) and answers the page again with
//! a message, or the form's problems.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde_json::Value;

use super::queue::readable;
use super::words::{status, t};
use super::{checked_form, see_other, Frame, Office, OfficeError};
use crate::config::Settings;
use crate::db::types::{utc, Id};
use crate::domain::case::Status;
use crate::domain::status::{transition, Action};
use crate::service::cases::{self, History, Workbench};
use crate::service::casework::{self, Extension, Resolution};
use crate::service::ServiceError;
use crate::web::extract::Body;
use crate::web::problem::ApiError;
use crate::web::AppState;

/// The actions of the page, by their path name, in the order the page offers them.
const ACTIONS: [(&str, Action); 11] = [
    ("replies", Action::Reply),
    ("notes", Action::Note),
    ("assign", Action::Assign),
    ("start", Action::Start),
    ("transfer", Action::Transfer),
    ("hold", Action::Hold),
    ("resume", Action::Resume),
    ("extend", Action::Extend),
    ("resolve", Action::Resolve),
    ("reopen", Action::Reopen),
    ("close", Action::Close),
];

/// One step of the timeline.
struct Step {
    at: String,
    who: String,
    what: String,
    text: String,
    public: bool,
}

#[derive(Template)]
#[template(path = "office/case.html")]
struct CasePage {
    frame: Frame,
    id: String,
    receipt_no: String,
    title: String,
    status: &'static str,
    /// The header's due date, team and whether it is overdue.
    due: String,
    team: String,
    overdue: bool,
    facts: Vec<(&'static str, String)>,
    citizen: Vec<(&'static str, String)>,
    description: String,
    answers: Vec<(String, String)>,
    resolution: String,
    timeline: Vec<Step>,
    allowed: Vec<&'static str>,
    assignable: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    proposal: bool,
    survey: String,
    message: String,
    problem: String,
    /// The refused form, by its action, with what was typed into it.
    refused: Option<Refused>,
}

/// A form the server refused: shown again open, with what was typed.
struct Refused {
    action: String,
    fields: Vec<(String, String)>,
}

impl CasePage {
    fn allows(&self, action: &str) -> bool {
        self.allowed.contains(&action)
    }

    /// Whether `action`'s form is the one refused (then it is shown open).
    fn opened(&self, action: &str) -> bool {
        self.refused.as_ref().is_some_and(|r| r.action == action)
    }

    /// What was typed into `field` of `action`'s refused form; empty otherwise.
    fn kept(&self, action: &str, field: &str) -> &str {
        match &self.refused {
            Some(r) if r.action == action => r
                .fields
                .iter()
                .find(|(name, _)| name == field)
                .map_or("", |(_, value)| value.as_str()),
            _ => "",
        }
    }
}

fn render(
    settings: &Settings,
    office: &Office,
    w: Workbench,
    message: String,
    problem: String,
    refused: Option<Refused>,
) -> Result<String, OfficeError> {
    let lang = office.lang();
    let row = &w.detail.row;
    let from = Status::parse(&row.status).unwrap_or(Status::Received);
    let allowed = if w.workable {
        ACTIONS
            .iter()
            .filter(|(_, a)| transition(from, *a).is_ok())
            .map(|(name, _)| *name)
            .collect()
    } else {
        Vec::new()
    };
    // Status, due date and team are in the page's header.
    let mut facts = vec![
        (t(lang, "processing_days"), w.detail.figures.processing_days.to_string()),
        (
            t(lang, "assignee"),
            w.detail.assignee.as_ref().map_or("-".into(), |a| a.name.clone()),
        ),
        (t(lang, "kind"), t(lang, &row.kind).to_string()),
        (
            t(lang, "category"),
            w.detail.category.as_ref().map_or("-".into(), |c| c.name.clone()),
        ),
        (t(lang, "received"), readable(settings, utc(row.received_at))),
    ];
    // A proposal's decision, next to the answer that gave it.
    if let Some(outcome) = &row.outcome {
        facts.push((t(lang, "outcome"), t(lang, outcome).to_string()));
    }
    if let Some(date) = row.planned_implementation_date {
        facts.push((t(lang, "planned"), date.to_string()));
    }
    let mut citizen = vec![(t(lang, "citizen"), row.citizen_name.clone())];
    if let Some(e) = &row.citizen_email {
        citizen.push((t(lang, "email"), e.clone()));
    }
    if let Some(p) = &row.citizen_phone {
        citizen.push((t(lang, "phone"), p.clone()));
    }
    if let Some(a) = &row.address {
        citizen.push((t(lang, "location"), a.clone()));
    } else if let (Some(lat), Some(lng)) = (row.lat, row.lng) {
        citizen.push((t(lang, "location"), format!("{lat}, {lng}")));
    }
    let answers = row
        .attributes
        .as_deref()
        .and_then(|a| serde_json::from_str::<BTreeMap<String, Value>>(a).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k, s),
            Value::Array(list) => (k, list.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", ")),
            other => (k, other.to_string()),
        })
        .collect();
    let (events, names) = match &w.history {
        History::Whole(e, n) => (e.as_slice(), Some(n)),
        History::Public(e) => (e.as_slice(), None),
    };
    let timeline = events
        .iter()
        .map(|e| {
            // A reader of the public timeline gets only the citizen's fields of each step.
            let data: Value = if names.is_some() {
                serde_json::from_str(&e.data).unwrap_or(Value::Null)
            } else {
                Value::Object(crate::service::tracking::public_fields(e))
            };
            let text = ["body", "reason", "resolution", "team", "assignee", "due_at", "note"]
                .iter()
                .find_map(|k| data.get(*k).and_then(|v| v.as_str()).map(|v| (*k, v)))
                .map(|(k, v)| match (k, chrono::DateTime::parse_from_rfc3339(v)) {
                    // A due date is written as people read it, in the calendar's zone.
                    ("due_at", Ok(at)) => format!("{} {}", t(lang, "due"), readable(settings, at.to_utc())),
                    _ => v.to_string(),
                })
                .unwrap_or_default();
            let who = e
                .actor_id
                .as_ref()
                .and_then(|a| names.and_then(|n| n.get(a)).cloned())
                .unwrap_or_else(|| match t(lang, &e.actor_kind) {
                    "" => e.actor_kind.clone(),
                    w => w.to_string(),
                });
            let what = match t(lang, action_word(&e.event_type)) {
                "" => e.event_type.replace('_', " "),
                w => w.to_string(),
            };
            Step {
                at: readable(settings, utc(e.at)),
                who,
                what,
                text,
                public: e.public,
            }
        })
        .collect();
    let survey = w
        .survey
        .as_ref()
        .map_or(String::new(), |s| match (s.process_score, s.result_score) {
            (Some(p), Some(r)) => format!(
                "{} {p}/5, {} {r}/5 ({}){}",
                t(lang, "process_short"),
                t(lang, "result_short"),
                t(lang, &s.channel),
                s.comment.as_deref().map(|c| format!(" — {c}")).unwrap_or_default()
            ),
            _ => format!("{} ({})", t(lang, "survey_waiting"), t(lang, &s.channel)),
        });
    CasePage {
        frame: office.frame("queue", format!("{} {}", row.receipt_no, row.title)),
        id: row.id.to_string(),
        receipt_no: row.receipt_no.clone(),
        title: row.title.clone(),
        status: status(lang, &row.status),
        due: readable(settings, w.detail.figures.due_at),
        team: w.detail.team.as_ref().map_or("-".into(), |t| t.name.clone()),
        overdue: w.detail.figures.overdue,
        facts,
        citizen,
        description: row.description.clone(),
        answers,
        resolution: row.resolution.clone().unwrap_or_default(),
        timeline,
        allowed,
        assignable: w.assignable.iter().map(|(i, n)| (i.to_string(), n.clone())).collect(),
        teams: w.teams.iter().map(|(i, n)| (i.to_string(), n.clone())).collect(),
        proposal: row.kind == "proposal",
        survey,
        message,
        problem,
        refused,
    }
    .render()
    .map_err(|e| OfficeError::Internal(e.to_string()))
}

/// The word of an event type.
fn action_word(event: &str) -> &str {
    match event {
        "replied" => "replies",
        "note" => "notes",
        "assigned" => "assign",
        "transferred" => "transfer",
        "started" => "start",
        "held" => "hold",
        "resumed" => "resume",
        "extended" => "extend",
        "resolved" => "resolve",
        "reopened" => "reopen",
        "closed" => "close",
        "received" => "received",
        other => other,
    }
}

async fn workbench(state: &AppState, office: &Office, id: Id) -> Result<Workbench, OfficeError> {
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    Ok(state.db.read(move |c| cases::workbench(c, &settings, &op, &id)).await?)
}

fn case_id(raw: &str) -> Result<Id, OfficeError> {
    Id::parse(raw).ok_or(OfficeError::NotFound)
}

/// `GET /office/cases/{id}` (`?done=<action>` after an action).
pub async fn page(
    state: web::Data<AppState>,
    office: Office,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, OfficeError> {
    let id = case_id(&path)?;
    let w = workbench(&state, &office, id).await?;
    let done = req.query_string().starts_with("done=");
    let message = if done {
        t(office.lang(), "done").to_string()
    } else {
        String::new()
    };
    let html = render(&state.settings, &office, w, message, String::new(), None)?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

/// `POST /office/cases/{id}/{action}`.
pub async fn act(
    state: web::Data<AppState>,
    office: Office,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: Result<Body, ApiError>,
) -> Result<HttpResponse, OfficeError> {
    let fields = checked_form(&req, &office, body, &state).await?;
    let (raw, action) = path.into_inner();
    let id = case_id(&raw)?;
    if !ACTIONS.iter().any(|(name, _)| *name == action) {
        return Err(OfficeError::NotFound);
    }
    let one = |name: &str| fields.get(name).and_then(|v| v.first()).cloned();
    let op = office.current.operator.clone();
    let settings = state.settings.clone();
    let name = action.clone();
    let (one_body, reason) = (one("body"), one("reason"));
    let assignee = one("assignee_id");
    let team = one("team_id");
    let extension = Extension {
        business_days: one("business_days")
            .and_then(|d| d.parse().ok())
            .or(one("business_days").map(|_| 0)),
        reason: reason.clone(),
        citizen_consent: one("citizen_consent").is_some(),
    };
    let planned = one("planned_implementation_date");
    let bad_date = planned
        .as_ref()
        .is_some_and(|d| d.parse::<chrono::NaiveDate>().is_err());
    let resolution = Resolution {
        resolution: one("resolution"),
        outcome: one("outcome"),
        planned_implementation_date: planned.and_then(|d| d.parse().ok()),
    };
    let result = if bad_date {
        Err(ServiceError::field(
            "planned_implementation_date",
            "must be a date like 2026-12-31",
        ))
    } else {
        let iid = id.clone();
        state
            .db
            .write(move |c| {
                let (s, op, id) = (&settings, &op, &iid);
                match name.as_str() {
                    "assign" => casework::assign(c, s, op, id, assignee),
                    "transfer" => casework::transfer(c, s, op, id, team, reason),
                    "notes" => casework::note(c, s, op, id, one_body),
                    "replies" => casework::reply(c, s, op, id, one_body),
                    "start" => casework::start(c, s, op, id),
                    "hold" => casework::hold(c, s, op, id, reason),
                    "resume" => casework::resume(c, s, op, id),
                    "extend" => casework::extend(c, s, op, id, extension),
                    "resolve" => casework::resolve(c, s, op, id, resolution),
                    "reopen" => casework::reopen(c, s, op, id, reason),
                    _ => casework::close(c, s, op, id),
                }
            })
            .await
    };
    let lang = office.lang().to_string();
    let (status_code, problem) = match result {
        Ok(_) => return Ok(see_other(&format!("/office/cases/{id}?done={action}"))),
        Err(e) => super::form_problem(&lang, e)?,
    };
    let w = workbench(&state, &office, id).await?;
    let refused = Refused {
        action,
        fields: fields
            .iter()
            .filter(|(name, _)| name.as_str() != "csrf")
            .filter_map(|(name, values)| Some((name.clone(), values.first()?.clone())))
            .collect(),
    };
    let html = render(&state.settings, &office, w, String::new(), problem, Some(refused))?;
    Ok(HttpResponse::build(status_code)
        .content_type("text/html; charset=utf-8")
        .body(html))
}
