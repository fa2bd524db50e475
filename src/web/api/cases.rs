//! `POST /api/v1/cases` (intake, public or operator) and `GET /api/v1/cases/{id}`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::credentials::{new_token, token_hash};
use crate::db::types::{now, utc, Id};
use crate::db::{is_unique_violation, Conn};
use crate::domain::access::{may_work, sight, Sight};
use crate::domain::calendar::{Calendar, Hold};
use crate::domain::case::{is_overdue, Channel, Kind, Status};
use crate::domain::catalog::Role;
use crate::domain::deadline::{Deadline, DeadlineUnit};
use crate::domain::intake::{self, Intake, IntakeInput};
use crate::domain::links;
use crate::domain::routing::{self, CaseFacts, CategoryKeywords, Rule};
use crate::mail::notices::{self, Notice};
use crate::store::{self, cases::CaseRow, categories::Category, events::Event};
use crate::web::auth::Operator;
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::AppState;

/// Days between progress notices to the citizen while a case is open (RULES.md).
pub const PROGRESS_NOTICE_DAYS: i64 = 30;

/// What a successful intake answers (stored as is for idempotent retries).
struct Created {
    status: u16,
    body: String,
}

/// `POST /api/v1/cases`.
pub async fn create(
    state: web::Data<AppState>,
    caller: PublicCaller,
    req: HttpRequest,
    body: JsonBody<IntakeInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let at = now();
    let intake = intake::validate(&input, at, state.settings.backdate_days).map_err(ApiError::Validation)?;
    let operator = caller.0;
    if operator.is_none() {
        for (field, set) in [
            ("channel", intake.channel.is_some()),
            ("received_at", intake.received_at.is_some()),
        ] {
            if set {
                return Err(ApiError::Forbidden(format!(
                    "{field} can be set only by an operator (send Authorization: Bearer <token>)"
                )));
            }
        }
    }
    let key = idempotency_key(&req)?;
    let scope = format!(
        "POST /api/v1/cases by {}",
        operator.as_ref().map_or("public".to_string(), |o| o.id.to_string())
    );
    let request_hash = {
        let canonical = serde_json::to_vec(&serde_json::to_value(&input).unwrap_or(Value::Null)).unwrap_or_default();
        Sha256::digest(&canonical)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };

    let settings = state.settings.clone();
    let (scope2, key2, hash2) = (scope.clone(), key.clone(), request_hash.clone());
    let result = state
        .db
        .write(move |c| {
            intake_tx(
                c,
                &settings,
                &intake,
                operator.as_ref(),
                at,
                key2.map(|k| (scope2, k, hash2)),
            )
        })
        .await;
    let created = match result {
        Ok(created) => created,
        // Two requests with one key raced; the loser answers what the winner stored.
        Err(ApiError::Conflict(_)) if key.is_some() => {
            let key = key.unwrap_or_default();
            let saved = state
                .db
                .read(move |c| store::idempotency::find(c, &scope, &key).map_err(ApiError::from))
                .await?
                .ok_or_else(|| {
                    ApiError::Conflict("a concurrent request with this Idempotency-Key failed; retry".into())
                })?;
            replay(saved, &request_hash)?
        }
        Err(e) => return Err(e),
    };
    Ok(respond(created))
}

fn respond(created: Created) -> HttpResponse {
    let id = serde_json::from_str::<Value>(&created.body)
        .ok()
        .and_then(|v| v["id"].as_str().map(String::from))
        .unwrap_or_default();
    let status = actix_web::http::StatusCode::from_u16(created.status).unwrap_or(actix_web::http::StatusCode::CREATED);
    HttpResponse::build(status)
        .insert_header((header::LOCATION, format!("/api/v1/cases/{id}")))
        .content_type("application/json")
        .body(created.body)
}

/// The `Idempotency-Key` header, if sent: 1 to 255 visible ASCII characters.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    match v.to_str() {
        Ok(s) if !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(s.to_string())),
        _ => Err(ApiError::BadRequest(
            "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
        )),
    }
}

fn replay(saved: store::idempotency::Saved, request_hash: &str) -> Result<Created, ApiError> {
    if saved.request_hash != request_hash {
        return Err(ApiError::field(
            "Idempotency-Key",
            "this key was already used for a different request; use a new key for a new case",
        ));
    }
    Ok(Created {
        status: saved.response_status as u16,
        body: saved.response_body,
    })
}

/// Everything an intake writes, in one transaction: the case, its first two
/// events and the idempotency record.
fn intake_tx(
    c: &mut Conn,
    settings: &Settings,
    intake: &Intake,
    operator: Option<&Operator>,
    at: DateTime<Utc>,
    idem: Option<(String, String, String)>,
) -> Result<Created, ApiError> {
    if let Some((scope, key, hash)) = &idem {
        if let Some(saved) = store::idempotency::find(c, scope, key)? {
            return replay(saved, hash);
        }
    }

    let category = resolve_category(c, intake)?;
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

    let body = json!({
        "id": id,
        "receipt_no": receipt_no,
        "access_token": access_token,
        "status": Status::Received.as_str(),
        "kind": intake.kind.as_str(),
        "category": category.as_ref().map(|c| json!({"code": c.code, "name": c.name, "name_en": c.name_en})),
        "team": team.as_ref().map(|t| json!({"id": t.id, "name": t.name})),
        "channel": channel.as_str(),
        "received_at": settings.format_time(received_at),
        "due_at": settings.format_time(due_at),
        "deadline": deadline,
        "tracking_url": links::tracking_url(&settings.public_url, &receipt_no, &access_token, intake.locale.as_str()),
    })
    .to_string();
    if let Some((scope, key, hash)) = idem {
        let saved = store::idempotency::Saved {
            scope,
            idem_key: key,
            request_hash: hash,
            response_status: 201,
            response_body: body.clone(),
            created_at: at.naive_utc(),
        };
        // A duplicate here means a concurrent twin committed first: roll back, replay theirs.
        store::idempotency::insert(c, &saved).map_err(|e| {
            if is_unique_violation(&e) {
                ApiError::Conflict("idempotency key raced".into())
            } else {
                e.into()
            }
        })?;
    }
    Ok(Created { status: 201, body })
}

/// The category named by the intake (active, of the same kind), or the one
/// its words suggest when none is named.
fn resolve_category(c: &mut Conn, intake: &Intake) -> Result<Option<Category>, ApiError> {
    match &intake.category {
        Some(code) => {
            let cat = store::categories::find_by_code(c, code)?
                .filter(|cat| cat.active)
                .ok_or_else(|| ApiError::field("category", format!("no active category with code \"{code}\"")))?;
            if cat.kind != intake.kind.as_str() {
                return Err(ApiError::field(
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

/// A case and how much of it the operator sees (domain::access): 404 when
/// unknown, 403 when they see nothing of it.
pub fn seen_case(c: &mut Conn, op: &Operator, id: &Id) -> Result<(CaseRow, Sight), ApiError> {
    let row = store::cases::find(c, id)?.ok_or_else(|| ApiError::not_found("case", id.as_str()))?;
    let in_teams = row.team_id.as_ref().is_some_and(|t| op.team_ids.contains(t));
    let status = Status::parse(&row.status).unwrap_or(Status::Received);
    let on_worklist = op.role == Role::Happycall && store::surveys::on_worklist(c, &row.id, now().naive_utc())?;
    match sight(op.role, in_teams, status, on_worklist) {
        Sight::Nothing if op.role == Role::Happycall => Err(ApiError::Forbidden(
            "a happy-call operator sees only resolved cases on the happy-call worklist".into(),
        )),
        Sight::Nothing => Err(ApiError::Forbidden("this case belongs to a team you are not in".into())),
        seen => Ok((row, seen)),
    }
}

/// A case the operator may work on (assign, reply, resolve, …).
pub fn workable_case(c: &mut Conn, op: &Operator, id: &Id) -> Result<CaseRow, ApiError> {
    let (row, seen) = seen_case(c, op, id)?;
    if !may_work(op.role, seen) {
        return Err(ApiError::Forbidden(format!(
            "the role {} does not work cases",
            op.role.as_str()
        )));
    }
    Ok(row)
}

/// `GET /api/v1/cases/{id}`: the whole case, for operators covering its team.
pub async fn get(state: web::Data<AppState>, op: Operator, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = crate::web::path_id(&path, "case")?;
    let settings = state.settings.clone();
    let view = state
        .db
        .read(move |c| {
            let (row, seen) = seen_case(c, &op, &id)?;
            let calendar = settings.calendar(c)?;
            let mut view = case_view(c, &settings, &calendar, &row)?;
            if seen == Sight::Public {
                // Who worked the case is internal.
                view["assignee"] = Value::Null;
            }
            Ok::<_, ApiError>(view)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `GET /api/v1/cases/{id}/events`: the whole history in order, with who acted.
pub async fn events(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = crate::web::path_id(&path, "case")?;
    let settings = state.settings.clone();
    let body = state
        .db
        .read(move |c| {
            let (_, seen) = seen_case(c, &op, &id)?;
            if seen == Sight::Public {
                // The citizen's timeline: public events, their public fields, no operator.
                let public = store::events::for_case(c, &id, true)?;
                let items: Vec<Value> = public
                    .iter()
                    .map(|e| {
                        json!({
                            "at": settings.format_time(utc(e.at)),
                            "actor": {"kind": e.actor_kind},
                            "type": e.event_type,
                            "public": true,
                            "data": crate::web::api::track::public_fields(e),
                        })
                    })
                    .collect();
                return Ok(crate::web::items(items));
            }
            let events = store::events::for_case(c, &id, false)?;
            let actor_ids: Vec<Id> = events.iter().filter_map(|e| e.actor_id.clone()).collect();
            let mut names = std::collections::HashMap::new();
            for a in actor_ids {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a.clone()) {
                    v.insert(store::operators::find(c, &a)?.map(|o| o.name));
                }
            }
            let items: Vec<Value> = events
                .iter()
                .map(|e| {
                    let name = e.actor_id.as_ref().and_then(|a| names.get(a).cloned().flatten());
                    json!({
                        "at": settings.format_time(utc(e.at)),
                        "actor": {"kind": e.actor_kind, "id": e.actor_id, "name": name},
                        "type": e.event_type,
                        "public": e.public,
                        "data": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
                    })
                })
                .collect();
            Ok::<_, ApiError>(crate::web::items(items))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The full operator view of a case.
pub fn case_view(c: &mut Conn, settings: &Settings, calendar: &Calendar, row: &CaseRow) -> Result<Value, ApiError> {
    let category = match &row.category_id {
        Some(id) => store::categories::find(c, id)?,
        None => None,
    };
    let team = match &row.team_id {
        Some(id) => store::teams::find(c, id)?,
        None => None,
    };
    let assignee = match &row.assignee_id {
        Some(id) => store::operators::find(c, id)?,
        None => None,
    };
    let t = |v: Option<chrono::NaiveDateTime>| v.map(|v| settings.format_time(utc(v)));
    let holds = store::holds::for_cases(c, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let figures = Figures::of(calendar, row, &holds, now());
    Ok(json!({
        "id": row.id,
        "receipt_no": row.receipt_no,
        "kind": row.kind,
        "category": category.map(|c| json!({"id": c.id, "code": c.code, "name": c.name, "name_en": c.name_en})),
        "title": row.title,
        "description": row.description,
        "citizen": {"name": row.citizen_name, "email": row.citizen_email, "phone": row.citizen_phone},
        "location": (row.lat.is_some() || row.address.is_some())
            .then(|| json!({"lat": row.lat, "long": row.lng, "address": row.address})),
        "locale": row.locale,
        "channel": row.channel,
        "status": row.status,
        "outcome": row.outcome,
        "team": team.map(|t| json!({"id": t.id, "name": t.name})),
        "assignee": assignee.map(|a| json!({"id": a.id, "name": a.name})),
        "deadline": {"amount": row.deadline_amount, "unit": row.deadline_unit},
        "received_at": settings.format_time(utc(row.received_at)),
        "due_at": settings.format_time(figures.due_at),
        "extended": row.extended,
        "extension_count": row.extension_count,
        "on_hold_since": t(row.held_since),
        "resolved_at": t(row.resolved_at),
        "closed_at": t(row.closed_at),
        "withdrawn_at": t(row.withdrawn_at),
        "processing_days": figures.processing_days,
        "overdue": figures.overdue,
        "resolution": row.resolution,
        "planned_implementation_date": row.planned_implementation_date,
    }))
}

/// Figures computed with the business calendar for a case at a moment.
pub struct Figures {
    /// Processing days so far (or to resolution or withdrawal).
    pub processing_days: i64,
    /// The due instant, moved out by a hold still running.
    pub due_at: DateTime<Utc>,
    /// Open and past due; on hold the clock is stopped.
    pub overdue: bool,
}

impl Figures {
    /// The figures of a case with its holds, as of `at`.
    pub fn of(calendar: &Calendar, row: &CaseRow, holds: &[Hold], at: DateTime<Utc>) -> Figures {
        let status = Status::parse(&row.status).unwrap_or(Status::Received);
        let end = row.resolved_at.or(row.withdrawn_at).map(utc).unwrap_or(at);
        let stored_due = utc(row.due_at);
        let (due_at, overdue) = match row.held_since.map(utc) {
            Some(since) => {
                let running = Hold {
                    from: since,
                    until: None,
                };
                (
                    calendar.due_after_holds(stored_due, &[running], at),
                    is_overdue(stored_due, Some(since), at),
                )
            }
            None => (stored_due, status.is_open() && is_overdue(stored_due, None, at)),
        };
        Figures {
            processing_days: calendar.processing_days(utc(row.received_at), end, holds),
            due_at,
            overdue,
        }
    }
}
