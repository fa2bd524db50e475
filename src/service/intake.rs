//! Intake: a grievance or proposal received from a citizen (public) or an
//! operator, routed to its team with its due date, acknowledged by email.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::caller::Operator;
use super::catalog::questions;
use super::ServiceError;
use crate::config::Settings;
use crate::credentials::{new_token, token_hash};
use crate::db::types::{now, Id};
use crate::db::{is_unique_violation, Conn};
use crate::domain::attributes::check_answers;
use crate::domain::calendar::Calendar;
use crate::domain::case::{Channel, Kind, Status};
use crate::domain::deadline::{Deadline, DeadlineUnit, PROGRESS_NOTICE_DAYS};
use crate::domain::intake::{self, Intake, IntakeInput};
use crate::domain::links;
use crate::domain::routing::{self, CaseFacts, CategoryKeywords, Rule};
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

/// Receives a case, in one transaction: the case, its first two events, the
/// receipt email and the idempotency record. With a key already used, the
/// first answer again (or invalid, when the key came with another request).
pub fn receive(
    c: &mut Conn,
    settings: &Settings,
    input: &IntakeInput,
    operator: Option<&Operator>,
    idempotency_key: Option<&str>,
) -> Result<Receipt, ServiceError> {
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
    let idem = idempotency_key.map(|key| Idempotency::of(key, input, operator));
    if let Some(key) = &idem {
        if let Some(saved) = store::idempotency::find(c, &key.scope, &key.key)? {
            return key.replay(saved);
        }
    }
    let intake = &intake;

    let category = resolve_category(c, intake)?;
    let answers = match &category {
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
        category: category.as_ref().map(|c| c.code.as_str()),
        title: &intake.title,
        description: &intake.description,
    };
    let rules: Vec<Rule> = store::rules::runnable(c)?
        .into_iter()
        .map(|r| Rule {
            id: r.id.to_string(),
            position: r.position,
            kind: r.kind.as_deref().and_then(Kind::parse),
            category: r.category_code,
            keywords: store::keywords_from_text(&r.keywords),
            team_id: r.team_id.to_string(),
        })
        .collect();
    let default_team = match category.as_ref().and_then(|c| c.default_team_id.as_ref()) {
        Some(id) => store::teams::find(c, id)?
            .filter(|t| t.active)
            .map(|t| t.id.to_string()),
        None => None,
    };
    let triage = store::teams::triage(c)?.map(|t| t.id.to_string());
    let decision = routing::route(&facts, &rules, default_team.as_deref(), triage.as_deref());
    let team = match &decision.team_id {
        Some(id) => Id::parse(id)
            .map(|id| store::teams::find(c, &id))
            .transpose()?
            .flatten(),
        None => None,
    };

    let deadline = category
        .as_ref()
        .and_then(|c| {
            DeadlineUnit::parse(&c.deadline_unit).and_then(|u| Deadline::new(c.deadline_amount as u32, u).ok())
        })
        .unwrap_or_else(|| Deadline::default_for(intake.kind));
    let calendar: Calendar = settings.calendar(c)?;
    let received_at = intake.received_at.unwrap_or(at);
    let due_at = calendar.due_at(received_at, deadline);
    let year = chrono::Datelike::year(&calendar.local_date(received_at));
    let receipt_no = store::cases::next_receipt_no(c, year)?;
    let access_token = new_token("");
    let channel = intake
        .channel
        .unwrap_or(if operator.is_some() { Channel::Api } else { Channel::Web });
    crate::metrics::METRICS
        .cases_received
        .with_label_values(&[intake.kind.as_str(), channel.as_str()])
        .inc();

    let id = Id::new();
    let row = CaseRow {
        id: id.clone(),
        receipt_no: receipt_no.clone(),
        kind: intake.kind.as_str().into(),
        category_id: category.as_ref().map(|c| c.id.clone()),
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
        team_id: team.as_ref().map(|t| t.id.clone()),
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
    store::cases::insert(c, &row)?;

    let (actor_kind, actor_id) = match operator {
        Some(o) => ("operator", Some(o.id.clone())),
        None => ("citizen", None),
    };
    store::events::append(
        c,
        &Event::new(
            &id,
            at.naive_utc(),
            actor_kind,
            actor_id,
            "received",
            true,
            json!({
                "channel": channel.as_str(),
                "kind": intake.kind.as_str(),
                "category": category.as_ref().map(|c| c.code.clone()),
                "classified": intake.category.is_none() && category.is_some(),
                "received_at": settings.format_time(received_at),
                "due_at": settings.format_time(due_at),
            }),
        ),
    )?;
    let mut routed = serde_json::to_value(&decision.by).unwrap_or(Value::Null);
    routed["team_id"] = json!(team.as_ref().map(|t| t.id.to_string()));
    routed["team"] = json!(team.as_ref().map(|t| t.name.clone()));
    store::events::append(c, &Event::by_system(&id, at.naive_utc(), "routed", true, routed))?;

    // A public intake may name anyone's address: one address gets at most so
    // many receipts a day from them, so nobody can flood an inbox through us.
    let flooded = match (&row.citizen_email, operator) {
        (Some(email), None) => {
            let since = (at - chrono::Duration::days(1)).naive_utc();
            store::outbox::count_to(c, email, "receipt", since)? >= i64::from(settings.receipts_per_address)
        }
        _ => false,
    };
    if flooded {
        let note = format!(
            "no receipt email was sent: this address already had {} receipts from public intakes in the last 24 hours",
            settings.receipts_per_address
        );
        store::events::append(
            c,
            &Event::by_system(&id, at.naive_utc(), "note", false, json!({"body": note})),
        )?;
    } else {
        notices::to_citizen(
            c,
            settings,
            &row,
            Notice::Receipt {
                token: access_token.clone(),
            },
            at,
        )?;
    }

    let receipt = Receipt {
        id: id.to_string(),
        receipt_no: receipt_no.clone(),
        access_token: access_token.clone(),
        status: Status::Received.as_str().into(),
        kind: intake.kind.as_str().into(),
        category: category.as_ref().map(|c| ReceiptCategory {
            code: c.code.clone(),
            name: c.name.clone(),
            name_en: c.name_en.clone(),
        }),
        team: team.as_ref().map(|t| ReceiptTeam {
            id: t.id.to_string(),
            name: t.name.clone(),
        }),
        channel: channel.as_str().into(),
        received_at: settings.format_time(received_at),
        due_at: settings.format_time(due_at),
        deadline,
        tracking_url: links::tracking_url(&settings.public_url, &receipt_no, &access_token, intake.locale.as_str()),
    };
    if let Some(key) = idem {
        let saved = store::idempotency::Saved {
            scope: key.scope.clone(),
            idem_key: key.key.clone(),
            request_hash: key.request_hash.clone(),
            response_status: 201,
            response_body: serde_json::to_string(&receipt).unwrap_or_default(),
            created_at: at.naive_utc(),
        };
        // A duplicate here means a concurrent twin committed first: roll back, replay theirs.
        store::idempotency::insert(c, &saved).map_err(|e| {
            if is_unique_violation(&e) {
                ServiceError::Conflict("idempotency key raced".into())
            } else {
                e.into()
            }
        })?;
    }
    Ok(receipt)
}

/// The category named by the intake (active, of the same kind), or the one
/// its words suggest when none is named.
fn resolve_category(c: &mut Conn, intake: &Intake) -> Result<Option<Category>, ServiceError> {
    match &intake.category {
        Some(code) => {
            let cat = store::categories::find_by_code(c, code)?
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
            let active = store::categories::active(c)?;
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
