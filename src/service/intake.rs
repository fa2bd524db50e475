//! Intake: a grievance or proposal received from a citizen (public) or an
//! operator, routed to its team with its due date, acknowledged by email.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::caller::Operator;
use super::catalog::questions;
use super::reference::{self, Reference};
use super::ServiceError;
use crate::config::Settings;
use crate::credentials::{new_token, token_hash};
use crate::db::types::{now, utc, Id};
use crate::db::{is_unique_violation, Conn};
use crate::domain::attributes::check_answers;
use crate::domain::calendar::Calendar;
use crate::domain::case::{Channel, Kind, Status};
use crate::domain::deadline::{Deadline, DeadlineUnit, PROGRESS_NOTICE_DAYS};
use crate::domain::intake::{self, Intake, IntakeInput};
use crate::domain::links;
use crate::domain::routing::{self, CaseFacts, CategoryKeywords};
use crate::mail::notices::{self, Notice};
use crate::store::{self, cases::CaseRow, categories::Category, events::Event};

/// What an intake answers: the receipt, with the token that opens the case.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    /// The case's id.
    pub id: String,
    /// The receipt number, `YYYY-NNNNNN`.
    pub receipt_no: String,
    /// The citizen's access token (shown once).
    pub access_token: String,
    /// `received`.
    pub status: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The category, named or classified.
    pub category: Option<ReceiptCategory>,
    /// The team it was routed to.
    pub team: Option<ReceiptTeam>,
    /// How it came in.
    pub channel: String,
    /// When received.
    pub received_at: String,
    /// When due.
    pub due_at: String,
    /// The deadline that applies.
    pub deadline: Deadline,
    /// The citizen's tracking page.
    pub tracking_url: String,
}

/// A category as a receipt names it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptCategory {
    /// Code.
    pub code: String,
    /// Korean name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
}

/// A team as a receipt names it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptTeam {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A client's idempotency key with what it is bound to.
#[derive(Debug, Clone)]
struct Idempotency {
    scope: String,
    key: String,
    request_hash: String,
}

impl Idempotency {
    fn of(key: &str, input: &IntakeInput, operator: Option<&Operator>) -> Idempotency {
        // The scope keeps the wording of the first release so that keys stored then still match.
        let scope = format!(
            "POST /api/v1/cases by {}",
            operator.map_or("public".to_string(), |o| o.id.to_string())
        );
        let canonical = serde_json::to_vec(&serde_json::to_value(input).unwrap_or(Value::Null)).unwrap_or_default();
        let request_hash = Sha256::digest(&canonical).iter().map(|b| format!("{b:02x}")).collect();
        Idempotency {
            scope,
            key: key.to_string(),
            request_hash,
        }
    }

    fn replay(&self, saved: store::idempotency::Saved) -> Result<Receipt, ServiceError> {
        if saved.request_hash != self.request_hash {
            return Err(ServiceError::field(
                "Idempotency-Key",
                "this key was already used for a different request; use a new key for a new case",
            ));
        }
        serde_json::from_str(&saved.response_body)
            .map_err(|e| ServiceError::Conflict(format!("the answer stored for this key cannot be read: {e}")))
    }
}

/// The receipt stored for a key whose intake committed in a concurrent
/// request (after [`receive`] answered a conflict for that key).
pub fn replay(
    c: &mut Conn,
    input: &IntakeInput,
    operator: Option<&Operator>,
    key: &str,
) -> Result<Receipt, ServiceError> {
    let idem = Idempotency::of(key, input, operator);
    let saved = store::idempotency::find(c, &idem.scope, &idem.key)?
        .ok_or_else(|| ServiceError::Conflict("a concurrent request with this Idempotency-Key failed; retry".into()))?;
    idem.replay(saved)
}

/// An intake that passed every check needing no database, ready to be received.
#[derive(Debug, Clone)]
pub struct Checked {
    intake: Intake,
    operator: Option<Operator>,
    idem: Option<Idempotency>,
    at: DateTime<Utc>,
}

/// Checks an intake sent to the REST API (no database needed): its fields,
/// who may set them, and that it does not pose as an Open311 request —
/// Open311's feed publishes those, and a case sent here is a private 민원.
pub fn check(
    settings: &Settings,
    input: &IntakeInput,
    operator: Option<&Operator>,
    idempotency_key: Option<&str>,
) -> Result<Checked, ServiceError> {
    let checked = check_fields(settings, input, operator, idempotency_key)?;
    if checked.intake.channel == Some(Channel::Open311) {
        return Err(ServiceError::field(
            "channel",
            "open311 is for requests filed through /open311/v2/, which are published; a case sent here stays private: use another channel",
        ));
    }
    Ok(checked)
}

/// Checks an intake's fields and who may set them (no database needed).
fn check_fields(
    settings: &Settings,
    input: &IntakeInput,
    operator: Option<&Operator>,
    idempotency_key: Option<&str>,
) -> Result<Checked, ServiceError> {
    let at = now();
    let intake = intake::validate(input, at, settings.backdate_days).map_err(ServiceError::Invalid)?;
    if operator.is_none() {
        for (field, set) in [
            ("channel", intake.channel.is_some()),
            ("received_at", intake.received_at.is_some()),
        ] {
            if set {
                return Err(ServiceError::Forbidden(format!(
                    "{field} can be set only by an operator (send Authorization: Bearer <token>)"
                )));
            }
        }
    }
    Ok(Checked {
        intake,
        operator: operator.cloned(),
        idem: idempotency_key.map(|key| Idempotency::of(key, input, operator)),
        at,
    })
}

/// Receives a case in the caller's transaction (Open311's door, whose
/// requests carry channel `open311`): the case, its first two
/// events, the receipt email and the idempotency record. With a key already
/// used, the first answer again (or invalid, when the key came with another request).
pub fn receive(
    c: &mut Conn,
    settings: &Settings,
    input: &IntakeInput,
    operator: Option<&Operator>,
    idempotency_key: Option<&str>,
) -> Result<Receipt, ServiceError> {
    let checked = check_fields(settings, input, operator, idempotency_key)?;
    receive_many(c, settings, std::slice::from_ref(&checked))?
        .pop()
        .unwrap_or_else(|| Err(ServiceError::Conflict("the intake was not received; retry".into())))
}

/// Receives checked intakes together in the caller's transaction, with a
/// handful of statements for all of them: each gets its receipt, or why it
/// was refused (refused ones write nothing). A database error fails them
/// all, and the caller's transaction must roll back.
pub fn receive_many(
    c: &mut Conn,
    settings: &Settings,
    batch: &[Checked],
) -> Result<Vec<Result<Receipt, ServiceError>>, ServiceError> {
    let reference = reference::current(c)?;
    let calendar = settings.calendar_of(&reference);
    let mut answers: Vec<Option<Result<Receipt, ServiceError>>> = Vec::with_capacity(batch.len());
    let mut ready: Vec<(usize, Prepared)> = Vec::with_capacity(batch.len());
    for (i, checked) in batch.iter().enumerate() {
        if let Some(key) = &checked.idem {
            if let Some(saved) = store::idempotency::find(c, &key.scope, &key.key)? {
                answers.push(Some(key.replay(saved)));
                continue;
            }
        }
        match prepare(settings, &reference, &calendar, checked) {
            Ok(p) => {
                answers.push(None);
                ready.push((i, p));
            }
            Err(e) => answers.push(Some(Err(e))),
        }
    }
    if ready.is_empty() {
        return Ok(answers.into_iter().flatten().collect());
    }

    // A public intake may name anyone's address: one address gets at most so
    // many receipts a day from them, so nobody can flood an inbox through us.
    let public_addresses: Vec<String> = ready
        .iter()
        .filter(|(_, p)| p.public)
        .filter_map(|(_, p)| p.row.citizen_email.as_ref().map(|e| e.to_lowercase()))
        .collect();
    let since = (ready[0].1.at - chrono::Duration::days(1)).naive_utc();
    let mut sent = store::outbox::count_to_many(c, &public_addresses, "receipt", since)?;

    // Receipt numbers in arrival order, one reservation per year in the batch.
    let mut years: Vec<i32> = ready.iter().map(|(_, p)| p.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut next_seq = HashMap::new();
    for year in years {
        let n = ready.iter().filter(|(_, p)| p.year == year).count() as i32;
        next_seq.insert(year, store::cases::reserve_receipt_numbers(c, year, n)?);
    }

    let mut rows = Vec::with_capacity(ready.len());
    let mut events = Vec::with_capacity(ready.len() * 2);
    let mut mails = Vec::with_capacity(ready.len());
    let mut saved_keys = Vec::new();
    for (i, mut p) in ready {
        let seq = next_seq.get_mut(&p.year).expect("a reservation for every year");
        p.row.receipt_no = store::cases::receipt_no(p.year, *seq);
        *seq += 1;
        let at = p.at.naive_utc();
        events.append(&mut p.events);
        let flooded = match (&p.row.citizen_email, p.public) {
            (Some(email), true) => {
                let count = sent.entry(email.to_lowercase()).or_insert(0);
                *count += 1;
                *count > i64::from(settings.receipts_per_address)
            }
            _ => false,
        };
        if flooded {
            let note = format!(
                "no receipt email was sent: this address already had {} receipts from public intakes in the last 24 hours",
                settings.receipts_per_address
            );
            events.push(Event::by_system(&p.row.id, at, "note", false, json!({"body": note})));
        } else {
            let team = p.row.team_id.as_ref().and_then(|id| reference.teams.get(id));
            let notice = Notice::Receipt {
                token: p.access_token.clone(),
            };
            mails.extend(notices::citizen_mail(settings, &p.row, team, &notice, p.at));
        }
        let receipt = p.receipt(settings);
        if let Some(key) = &batch[i].idem {
            saved_keys.push(store::idempotency::Saved {
                scope: key.scope.clone(),
                idem_key: key.key.clone(),
                request_hash: key.request_hash.clone(),
                response_status: 201,
                response_body: serde_json::to_string(&receipt).unwrap_or_default(),
                created_at: at,
            });
        }
        crate::metrics::METRICS
            .cases_received
            .with_label_values(&[&p.row.kind, &p.row.channel])
            .inc();
        answers[i] = Some(Ok(receipt));
        rows.push(p.row);
    }
    store::cases::insert_many(c, &rows)?;
    store::events::append_many(c, &events)?;
    store::outbox::insert_many(c, &mails)?;
    // A duplicate key means a concurrent twin committed first: the caller rolls
    // back and the request answers what the twin stored.
    store::idempotency::insert_many(c, &saved_keys).map_err(|e| {
        if is_unique_violation(&e) {
            ServiceError::Conflict("idempotency key raced".into())
        } else {
            e.into()
        }
    })?;
    Ok(answers.into_iter().flatten().collect())
}

/// An intake routed and dated against the reference data: all but its receipt number.
struct Prepared {
    row: CaseRow,
    year: i32,
    at: DateTime<Utc>,
    public: bool,
    access_token: String,
    events: Vec<Event>,
    category: Option<Category>,
    team_name: Option<String>,
    deadline: Deadline,
}

impl Prepared {
    fn receipt(&self, settings: &Settings) -> Receipt {
        let row = &self.row;
        let received_at = utc(row.received_at);
        Receipt {
            id: row.id.to_string(),
            receipt_no: row.receipt_no.clone(),
            access_token: self.access_token.clone(),
            status: row.status.clone(),
            kind: row.kind.clone(),
            category: self.category.as_ref().map(|c| ReceiptCategory {
                code: c.code.clone(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
            }),
            team: row
                .team_id
                .as_ref()
                .zip(self.team_name.as_ref())
                .map(|(id, name)| ReceiptTeam {
                    id: id.to_string(),
                    name: name.clone(),
                }),
            channel: row.channel.clone(),
            received_at: settings.format_time(received_at),
            due_at: settings.format_time(utc(row.due_at)),
            deadline: self.deadline,
            tracking_url: links::tracking_url(&settings.public_url, &row.receipt_no, &self.access_token, &row.locale),
        }
    }
}

/// Classifies, routes and dates one intake; refuses what the reference data does not allow.
fn prepare(
    settings: &Settings,
    reference: &Reference,
    calendar: &Calendar,
    checked: &Checked,
) -> Result<Prepared, ServiceError> {
    let Checked {
        intake, operator, at, ..
    } = checked;
    let at = *at;
    let category = resolve_category(reference, intake)?;
    let answers = match category {
        Some(cat) => check_answers(&questions(cat), &intake.attributes).map_err(ServiceError::Invalid)?,
        None if !intake.attributes.is_empty() => {
            return Err(ServiceError::field(
                "attributes",
                "only a case with a category answers its questions: name the category",
            ))
        }
        None => Default::default(),
    };
    let facts = CaseFacts {
        kind: intake.kind,
        category: category.map(|c| c.code.as_str()),
        title: &intake.title,
        description: &intake.description,
    };
    let default_team = category
        .and_then(|c| c.default_team_id.as_ref())
        .and_then(|id| reference.teams.get(id))
        .filter(|t| t.active)
        .map(|t| t.id.to_string());
    let triage = reference.triage().map(|t| t.id.to_string());
    let decision = routing::route(&facts, &reference.rules, default_team.as_deref(), triage.as_deref());
    let team = decision
        .team_id
        .as_deref()
        .and_then(Id::parse)
        .and_then(|id| reference.teams.get(&id));

    let deadline = category
        .and_then(|c| {
            DeadlineUnit::parse(&c.deadline_unit).and_then(|u| Deadline::new(c.deadline_amount as u32, u).ok())
        })
        .unwrap_or_else(|| Deadline::default_for(intake.kind));
    let received_at = intake.received_at.unwrap_or(at);
    let due_at = calendar.due_at(received_at, deadline);
    let year = chrono::Datelike::year(&calendar.local_date(received_at));
    let access_token = new_token("");
    let channel = intake
        .channel
        .unwrap_or(if operator.is_some() { Channel::Api } else { Channel::Web });

    let id = Id::new();
    let row = CaseRow {
        id: id.clone(),
        receipt_no: String::new(),
        kind: intake.kind.as_str().into(),
        category_id: category.map(|c| c.id.clone()),
        title: intake.title.clone(),
        description: intake.description.clone(),
        citizen_name: intake.citizen.name.clone(),
        citizen_email: intake.citizen.email.clone(),
        citizen_phone: intake.citizen.phone.clone(),
        lat: intake.location.as_ref().and_then(|l| l.lat),
        lng: intake.location.as_ref().and_then(|l| l.long),
        address: intake.location.as_ref().and_then(|l| l.address.clone()),
        locale: intake.locale.as_str().into(),
        channel: channel.as_str().into(),
        status: Status::Received.as_str().into(),
        outcome: None,
        team_id: team.map(|t| t.id.clone()),
        assignee_id: None,
        access_token_hash: token_hash(&access_token),
        deadline_amount: deadline.amount as i32,
        deadline_unit: deadline.unit.as_str().into(),
        received_at: received_at.naive_utc(),
        due_at: due_at.naive_utc(),
        extended: false,
        extension_count: 0,
        held_since: None,
        resolved_at: None,
        closed_at: None,
        withdrawn_at: None,
        resolution: None,
        planned_implementation_date: None,
        created_at: at.naive_utc(),
        updated_at: at.naive_utc(),
        version: 0,
        is_open: true,
        next_notice_at: Some((received_at + chrono::Duration::days(PROGRESS_NOTICE_DAYS)).naive_utc()),
        attributes: (!answers.is_empty()).then(|| serde_json::to_string(&answers).unwrap_or_default()),
        media_url: intake.media_url.clone(),
    };

    let (actor_kind, actor_id) = match operator {
        Some(o) => ("operator", Some(o.id.clone())),
        None => ("citizen", None),
    };
    let received = Event::new(
        &id,
        at.naive_utc(),
        actor_kind,
        actor_id,
        "received",
        true,
        json!({
            "channel": channel.as_str(),
            "kind": intake.kind.as_str(),
            "category": category.map(|c| c.code.clone()),
            "classified": intake.category.is_none() && category.is_some(),
            "received_at": settings.format_time(received_at),
            "due_at": settings.format_time(due_at),
        }),
    );
    let mut routed = serde_json::to_value(&decision.by).unwrap_or(Value::Null);
    routed["team_id"] = json!(team.map(|t| t.id.to_string()));
    routed["team"] = json!(team.map(|t| t.name.clone()));
    let routed = Event::by_system(&id, at.naive_utc(), "routed", true, routed);

    Ok(Prepared {
        row,
        year,
        at,
        public: operator.is_none(),
        access_token,
        events: vec![received, routed],
        category: category.cloned(),
        team_name: team.map(|t| t.name.clone()),
        deadline,
    })
}

/// The category named by the intake (active, of the same kind), or the one
/// its words suggest when none is named.
fn resolve_category<'r>(reference: &'r Reference, intake: &Intake) -> Result<Option<&'r Category>, ServiceError> {
    match &intake.category {
        Some(code) => {
            let cat = reference
                .category_by_code(code)
                .filter(|cat| cat.active)
                .ok_or_else(|| ServiceError::field("category", format!("no active category with code \"{code}\"")))?;
            if cat.kind != intake.kind.as_str() {
                return Err(ServiceError::field(
                    "category",
                    format!(
                        "\"{code}\" is a {} category but kind is {}",
                        cat.kind,
                        intake.kind.as_str()
                    ),
                ));
            }
            Ok(Some(cat))
        }
        None => {
            let active: Vec<&Category> = reference.categories.iter().filter(|c| c.active).collect();
            let candidates: Vec<CategoryKeywords> = active
                .iter()
                .filter_map(|cat| {
                    Some(CategoryKeywords {
                        code: cat.code.clone(),
                        kind: Kind::parse(&cat.kind)?,
                        keywords: store::keywords_from_text(&cat.keywords),
                    })
                })
                .collect();
            let facts = CaseFacts {
                kind: intake.kind,
                category: None,
                title: &intake.title,
                description: &intake.description,
            };
            let code = routing::classify(&facts, &candidates).map(|k| k.code.clone());
            Ok(code.and_then(|code| active.into_iter().find(|cat| cat.code == code)))
        }
    }
}
