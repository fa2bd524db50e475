//! `POST /api/v1/cases` (intake, public or operator), `GET /api/v1/cases/{id}`
//! and its history (use cases in `service::intake` and `service::cases`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::config::Settings;
use crate::db::types::utc;
use crate::domain::intake::IntakeInput;
use crate::service::caller::Operator;
use crate::service::cases::{CaseDetail, History};
use crate::service::{self, intake, ServiceError};
use crate::web::api::doc::Problem;
use crate::web::auth::{authenticate_hash, note_use, Bearer};
use crate::web::extract::JsonBody;
use crate::web::problem::ApiError;
use crate::web::throttle::PublicCaller;
use crate::web::AppState;

/// This resource's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, get, events))]
pub struct Doc;

/// `POST /api/v1/cases`.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases",
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 255 visible ASCII characters; a retry with the same key and body answers the first receipt")),
    security((), ("bearer" = [])),
    request_body(content = IntakeInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Received and routed", body = ReceiptView, headers(("Location" = String, description = "The case"))),
        (status = 403, description = "channel or received_at sent without an operator's token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A concurrent request with the same Idempotency-Key failed; retry", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: PublicCaller,
    req: HttpRequest,
    body: JsonBody<IntakeInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let key = idempotency_key(&req)?;
    let operator = caller.0;
    let checked = intake::check(&state.settings, &input, operator.as_ref(), key.as_deref())?;
    let result = state.intakes.receive(checked).await;
    let receipt = match (result, key) {
        // Two requests with one key raced; the loser answers what the winner stored.
        (Err(ServiceError::Conflict(_)), Some(key)) => {
            state
                .db
                .read(move |c| intake::replay(c, &input, operator.as_ref(), &key))
                .await?
        }
        (result, _) => result?,
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/cases/{}", receipt.id)))
        .json(ReceiptView::from(receipt)))
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

/// The receipt of an intake, with the citizen's access token (shown once).
#[derive(Serialize, ToSchema)]
pub struct ReceiptView {
    /// The case's id.
    pub id: String,
    /// The receipt number, `YYYY-NNNNNN`.
    pub receipt_no: String,
    /// Opens the case for the citizen (`X-Access-Token`); shown only here.
    pub access_token: String,
    /// `received`.
    pub status: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The category, named or classified from the words.
    pub category: Option<ReceiptCategoryView>,
    /// The team it was routed to.
    pub team: Option<Named>,
    /// How it came in.
    pub channel: String,
    /// When received.
    pub received_at: String,
    /// When due.
    pub due_at: String,
    /// The deadline that applies.
    pub deadline: DeadlineView,
    /// The citizen's tracking page.
    pub tracking_url: String,
}

/// A category as a receipt names it.
#[derive(Serialize, ToSchema)]
pub struct ReceiptCategoryView {
    /// Code.
    pub code: String,
    /// Korean name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
}

impl From<intake::Receipt> for ReceiptView {
    fn from(r: intake::Receipt) -> Self {
        ReceiptView {
            id: r.id,
            receipt_no: r.receipt_no,
            access_token: r.access_token,
            status: r.status,
            kind: r.kind,
            category: r.category.map(|c| ReceiptCategoryView {
                code: c.code,
                name: c.name,
                name_en: c.name_en,
            }),
            team: r.team.map(|t| Named { id: t.id, name: t.name }),
            channel: r.channel,
            received_at: r.received_at,
            due_at: r.due_at,
            deadline: DeadlineView {
                amount: r.deadline.amount as i32,
                unit: r.deadline.unit.as_str().into(),
            },
            tracking_url: r.tracking_url,
        }
    }
}

/// `GET /api/v1/cases/{id}`: the whole case, for operators covering its team.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 403, description = "The case belongs to a team the operator is not in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = match crate::web::path_id(&path, "case") {
        Ok(id) => id,
        Err(not_found) => {
            // As everywhere, who asks is checked first: 401 before 404.
            authenticate_hash(state, bearer.0).await?;
            return Err(not_found);
        }
    };
    let settings = state.settings.clone();
    let (holder, detail) = state
        .db
        .read(move |c| service::cases::read_with_token(c, &settings, &bearer.0, &id))
        .await?;
    note_use(&state, &holder).await;
    Ok(HttpResponse::Ok().json(CaseView::of(&state.settings, &detail?)))
}

/// `GET /api/v1/cases/{id}/events`: the whole history in order, with who acted.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "cases", params(("id" = String, Path, description = "The case's id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The history in order", body = crate::web::api::doc::Items<EventView>),
        (status = 403, description = "The case belongs to a team the operator is not in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(
    state: web::Data<AppState>,
    op: Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = crate::web::path_id(&path, "case")?;
    let history = state.db.read(move |c| service::cases::history(c, &op, &id)).await?;
    let settings = &state.settings;
    let items: Vec<EventView> = match history {
        History::Public(events) => events
            .iter()
            .map(|e| EventView {
                at: settings.format_time(utc(e.at)),
                actor: ActorView {
                    kind: e.actor_kind.clone(),
                    id: None,
                    name: None,
                },
                kind: e.event_type.clone(),
                public: true,
                data: Value::Object(crate::service::tracking::public_fields(e)),
            })
            .collect(),
        History::Whole(events, names) => events
            .iter()
            .map(|e| EventView {
                at: settings.format_time(utc(e.at)),
                actor: ActorView {
                    kind: e.actor_kind.clone(),
                    id: Some(e.actor_id.as_ref().map(|a| a.to_string())),
                    name: Some(e.actor_id.as_ref().and_then(|a| names.get(a).cloned())),
                },
                kind: e.event_type.clone(),
                public: e.public,
                data: serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(crate::web::items(items)))
}

/// One event of a case's history.
#[derive(Serialize, ToSchema)]
pub struct EventView {
    /// When.
    pub at: String,
    /// Who acted.
    pub actor: ActorView,
    /// What happened (`received`, `routed`, `assigned`, `replied`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the citizen sees it on their timeline.
    pub public: bool,
    /// The event's facts; on the happy-call view only the citizen's fields.
    pub data: Value,
}

/// Who acted: `operator`, `citizen` or `system`; operators with id and name
/// (absent in the happy-call view).
#[derive(Serialize, ToSchema)]
pub struct ActorView {
    /// `operator`, `citizen` or `system`.
    pub kind: String,
    /// The operator's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Option<String>>,
    /// The operator's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Option<String>>,
}

/// A category as a case names it.
#[derive(Serialize, ToSchema)]
pub struct CaseCategory {
    /// Id.
    pub id: String,
    /// Code, e.g. `road-pothole`.
    pub code: String,
    /// Korean name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
}

/// A team or operator by id and name.
#[derive(Serialize, ToSchema)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// The citizen's contact details.
#[derive(Serialize, ToSchema)]
pub struct CitizenView {
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// Where the case is.
#[derive(Serialize, ToSchema)]
pub struct LocationView {
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub long: Option<f64>,
    /// Address.
    pub address: Option<String>,
}

/// A deadline as stored on the case.
#[derive(Serialize, ToSchema)]
pub struct DeadlineView {
    /// How many units.
    pub amount: i32,
    /// `days` (business days) or `hours` (working hours).
    pub unit: String,
}

/// The full operator view of a case.
#[derive(Serialize, ToSchema)]
pub struct CaseView {
    /// Id.
    pub id: String,
    /// Receipt number, `YYYY-NNNNNN`.
    pub receipt_no: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The category.
    pub category: Option<CaseCategory>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The citizen.
    pub citizen: CitizenView,
    /// Where.
    pub location: Option<LocationView>,
    /// The citizen's language, `ko` or `en`.
    pub locale: String,
    /// How it came in.
    pub channel: String,
    /// Status.
    pub status: String,
    /// A proposal's outcome.
    pub outcome: Option<String>,
    /// The team.
    pub team: Option<Named>,
    /// Who works it.
    pub assignee: Option<Named>,
    /// The deadline.
    pub deadline: DeadlineView,
    /// When received.
    pub received_at: String,
    /// When due.
    pub due_at: String,
    /// Whether extended.
    pub extended: bool,
    /// How many extensions.
    pub extension_count: i32,
    /// On hold since.
    pub on_hold_since: Option<String>,
    /// Resolved at.
    pub resolved_at: Option<String>,
    /// Closed at.
    pub closed_at: Option<String>,
    /// Withdrawn at.
    pub withdrawn_at: Option<String>,
    /// Business days of processing so far.
    pub processing_days: i64,
    /// Open and past due.
    pub overdue: bool,
    /// The answer.
    pub resolution: Option<String>,
    /// When an adopted proposal is carried out.
    pub planned_implementation_date: Option<NaiveDate>,
    /// Answers to the category's extra questions, by question code.
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Value>,
    /// A photo or document the citizen pointed to.
    pub media_url: Option<String>,
}

impl CaseView {
    /// The view of a case read by an operator.
    pub fn of(settings: &Settings, d: &CaseDetail) -> CaseView {
        let row = &d.row;
        let t = |v: Option<chrono::NaiveDateTime>| v.map(|v| settings.format_time(utc(v)));
        CaseView {
            id: row.id.to_string(),
            receipt_no: row.receipt_no.clone(),
            kind: row.kind.clone(),
            category: d.category.as_ref().map(|c| CaseCategory {
                id: c.id.to_string(),
                code: c.code.clone(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
            }),
            title: row.title.clone(),
            description: row.description.clone(),
            citizen: CitizenView {
                name: row.citizen_name.clone(),
                email: row.citizen_email.clone(),
                phone: row.citizen_phone.clone(),
            },
            location: (row.lat.is_some() || row.address.is_some()).then(|| LocationView {
                lat: row.lat,
                long: row.lng,
                address: row.address.clone(),
            }),
            locale: row.locale.clone(),
            channel: row.channel.clone(),
            status: row.status.clone(),
            outcome: row.outcome.clone(),
            team: d.team.as_ref().map(|t| Named {
                id: t.id.to_string(),
                name: t.name.clone(),
            }),
            assignee: d.assignee.as_ref().map(|a| Named {
                id: a.id.to_string(),
                name: a.name.clone(),
            }),
            deadline: DeadlineView {
                amount: row.deadline_amount,
                unit: row.deadline_unit.clone(),
            },
            received_at: settings.format_time(utc(row.received_at)),
            due_at: settings.format_time(d.figures.due_at),
            extended: row.extended,
            extension_count: row.extension_count,
            on_hold_since: t(row.held_since),
            resolved_at: t(row.resolved_at),
            closed_at: t(row.closed_at),
            withdrawn_at: t(row.withdrawn_at),
            processing_days: d.figures.processing_days,
            overdue: d.figures.overdue,
            resolution: row.resolution.clone(),
            planned_implementation_date: row.planned_implementation_date,
            attributes: row.attributes.as_deref().and_then(|a| serde_json::from_str(a).ok()),
            media_url: row.media_url.clone(),
        }
    }
}
