//! `requests.{xml,json}` (list and file), `requests/{id}` and `tokens/{token}`:
//! service requests as the standard shows them, filed through the intake use
//! case and read from the published feed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::format::{render, Format, Open311Error};
use super::services::ErrorItemDoc;
use super::{arguments, check_jurisdiction, comma_list, format_of, one};
use crate::config::Settings;
use crate::db::types::utc;
use crate::domain::attributes::Answer;
use crate::domain::case::Channel;
use crate::domain::intake::{CitizenInput, IntakeInput, LocationInput};
use crate::service::published::{self, Openness, PublishedRequest, RequestQuery};
use crate::service::{catalog, intake, ServiceError};
use crate::web::AppState;

/// A service request as the standard lists it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceRequest {
    /// The receipt number.
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    /// The resolution, or the latest public reply.
    pub status_notes: Option<String>,
    /// The service's name.
    pub service_name: Option<String>,
    /// The service's code.
    pub service_code: Option<String>,
    /// What was reported.
    pub description: String,
    /// The team responsible.
    pub agency_responsible: Option<String>,
    /// What the agency says about its handling: the legal deadline.
    pub service_notice: String,
    /// When filed.
    pub requested_datetime: String,
    /// When last changed.
    pub updated_datetime: String,
    /// When due.
    pub expected_datetime: String,
    /// Where.
    pub address: Option<String>,
    /// The address id given, if any.
    pub address_id: Option<String>,
    /// Not kept: always empty.
    pub zipcode: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(rename = "long")]
    pub lng: Option<f64>,
    /// A photo or document.
    pub media_url: Option<String>,
}

#[derive(Serialize)]
struct RequestsXml<T: Serialize> {
    request: Vec<T>,
}

/// The deadline notice given at filing and with every request.
pub fn notice(settings: &Settings, due: DateTime<Utc>) -> String {
    format!(
        "처리 기한 {} (법정 처리기간, 근무일 기준) / Expected by {} (the legal deadline in business days)",
        settings.format_time(due),
        settings.format_time(due)
    )
}

fn view(settings: &Settings, p: PublishedRequest) -> ServiceRequest {
    let row = p.row;
    // An address id is kept in the address as `address_id:<id>` when no address was given.
    let (address, address_id) = match row.address.as_deref() {
        Some(a) if a.starts_with("address_id:") => (None, Some(a["address_id:".len()..].to_string())),
        other => (other.map(String::from), None),
    };
    ServiceRequest {
        service_request_id: row.receipt_no.clone(),
        status: Openness::of(&row.status).as_str(),
        status_notes: p.notes,
        service_name: p.category.as_ref().map(|c| c.name.clone()),
        service_code: p.category.as_ref().map(|c| c.code.clone()),
        description: row.description.clone(),
        agency_responsible: p.team.as_ref().map(|t| t.name.clone()),
        service_notice: notice(settings, utc(row.due_at)),
        requested_datetime: settings.format_time(utc(row.received_at)),
        updated_datetime: settings.format_time(utc(row.updated_at)),
        expected_datetime: settings.format_time(utc(row.due_at)),
        address,
        address_id,
        zipcode: None,
        lat: row.lat,
        lng: row.lng,
        media_url: row.media_url.clone(),
    }
}

fn answer(settings: &Settings, format: Format, list: Vec<PublishedRequest>) -> HttpResponse {
    let items: Vec<ServiceRequest> = list.into_iter().map(|p| view(settings, p)).collect();
    let xml = RequestsXml {
        request: items.iter().collect(),
    };
    render(format, StatusCode::OK, &items, &xml, "service_requests")
}

fn when(format: Format, name: &str, v: Option<&str>) -> Result<Option<DateTime<Utc>>, Open311Error> {
    v.map(|v| {
        DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                Open311Error::bad(
                    format,
                    format!("{name} must be a W3C date-time with Z or an offset, e.g. 2026-12-01T09:00:00+09:00"),
                )
            })
    })
    .transpose()
}

/// `GET /open311/v2/requests.{format}`.
#[utoipa::path(get, path = "/open311/v2/requests.{format}", tag = "open311",
    params(
        ("format" = String, Path, description = "`xml` or `json`"),
        ("service_request_id" = Option<String>, Query, description = "Receipt numbers, comma separated; overrides every other argument"),
        ("service_code" = Option<String>, Query, description = "Service codes, comma separated"),
        ("start_date" = Option<String>, Query, description = "W3C date-time with Z or an offset"),
        ("end_date" = Option<String>, Query, description = "W3C date-time; at most 90 days after start_date (default: the last 90 days)"),
        ("status" = Option<String>, Query, description = "`open`, `closed`, or both comma separated"),
        ("jurisdiction_id" = Option<String>, Query, description = "This server's jurisdiction, when it has one"),
    ),
    responses(
        (status = 200, description = "At most 1,000 requests filed through Open311, newest first", content((Vec<ServiceRequest> = "application/json"), (String = "text/xml"))),
        (status = 400, description = "A bad argument", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "An unknown format or jurisdiction", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 503, description = "The database is unavailable", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn list(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    let args = arguments(req.query_string().as_bytes());
    check_jurisdiction(&state, format, &args)?;
    let mut q = RequestQuery::default();
    let ids = comma_list(&args, "service_request_id");
    if !ids.is_empty() {
        q.receipts = Some(ids);
    } else {
        q.services = comma_list(&args, "service_code");
        for s in comma_list(&args, "status") {
            let state = Openness::parse(&s)
                .ok_or_else(|| Open311Error::bad(format, format!("status \"{s}\" is not open or closed")))?;
            q.states.push(state);
        }
        q.from = when(format, "start_date", one(&args, "start_date"))?;
        q.to = when(format, "end_date", one(&args, "end_date"))?;
    }
    let found = state
        .db
        .read(move |c| published::list(c, &q))
        .await
        .map_err(|e| Open311Error::from_api(format, e.into()))?;
    Ok(answer(&state.settings, format, found))
}

/// `GET /open311/v2/requests/{service_request_id}.{format}`: an array of one.
#[utoipa::path(get, path = "/open311/v2/requests/{service_request_id}.{format}", tag = "open311",
    params(
        ("service_request_id" = String, Path, description = "The receipt number"),
        ("format" = String, Path, description = "`xml` or `json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This server's jurisdiction, when it has one"),
    ),
    responses(
        (status = 200, description = "The request, as a list of one", content((Vec<ServiceRequest> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "No such request, format or jurisdiction", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 503, description = "The database is unavailable", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn show(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    check_jurisdiction(&state, format, &arguments(req.query_string().as_bytes()))?;
    let id = req.match_info().get("service_request_id").unwrap_or("").to_string();
    let found = state
        .db
        .read(move |c| published::one(c, &id))
        .await
        .map_err(|e| Open311Error::from_api(format, e.into()))?;
    Ok(answer(&state.settings, format, vec![found]))
}

/// The receipt number a filing's token stands for.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenAnswer {
    /// The receipt number.
    pub service_request_id: String,
    /// The token asked about.
    pub token: String,
}

/// `GET /open311/v2/tokens/{token}.{format}`.
#[utoipa::path(get, path = "/open311/v2/tokens/{token}.{format}", tag = "open311",
    params(
        ("token" = String, Path, description = "The token a filing answered"),
        ("format" = String, Path, description = "`xml` or `json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This server's jurisdiction, when it has one"),
    ),
    responses(
        (status = 200, description = "The request id, as a list of one", content((Vec<TokenAnswer> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "An unknown token, format or jurisdiction", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 503, description = "The database is unavailable", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn token(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    check_jurisdiction(&state, format, &arguments(req.query_string().as_bytes()))?;
    let token = req.match_info().get("token").unwrap_or("").to_string();
    let t = token.clone();
    let receipt = state
        .db
        .read(move |c| published::by_token(c, &t))
        .await
        .map_err(|e| Open311Error::from_api(format, e.into()))?;
    let items = vec![TokenAnswer {
        service_request_id: receipt,
        token,
    }];
    let xml = RequestsXml {
        request: items.iter().collect(),
    };
    Ok(render(format, StatusCode::OK, &items, &xml, "service_requests"))
}

/// Longest description the standard allows.
pub const DESCRIPTION_MAX: usize = 4000;

/// What a filing answers, as a list of one.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Filed {
    /// The receipt number.
    pub service_request_id: String,
    /// The legal deadline, in words.
    pub service_notice: String,
    /// Not used: always empty.
    pub account_id: Option<String>,
    /// Stands for the request at `tokens/{token}` too.
    pub token: String,
}

/// The standard's arguments of a filing (documentation of the form).
#[derive(Serialize, utoipa::ToSchema)]
pub struct FilingForm {
    /// An API token of the agency.
    pub api_key: String,
    /// The service (category) code.
    pub service_code: String,
    /// This server's jurisdiction, when it has one (also in the query).
    pub jurisdiction_id: Option<String>,
    /// Latitude, with `long`.
    pub lat: Option<f64>,
    /// Longitude, with `lat`.
    pub long: Option<f64>,
    /// A street address.
    pub address_string: Option<String>,
    /// An address id of the agency's own.
    pub address_id: Option<String>,
    /// For the receipt email.
    pub email: Option<String>,
    /// Not kept.
    pub device_id: Option<String>,
    /// Not kept.
    pub account_id: Option<String>,
    /// The citizen's first name.
    pub first_name: Option<String>,
    /// The citizen's last name.
    pub last_name: Option<String>,
    /// The citizen's phone.
    pub phone: Option<String>,
    /// What is wrong, at most 4,000 characters.
    pub description: Option<String>,
    /// A photo, as an http(s) URL.
    pub media_url: Option<String>,
    /// `attribute[code]=value`; repeat `attribute[code][]=key` for a multi-value list.
    #[serde(rename = "attribute[code]")]
    pub attribute: Option<String>,
}

#[derive(Serialize)]
struct FiledXml<'a> {
    request: &'a [Filed],
}

/// Whether the body is form-urlencoded (with or without a charset).
fn is_form(req: &HttpRequest) -> bool {
    crate::web::extract::media_type(req) == "application/x-www-form-urlencoded"
}

/// A field of the intake in the standard's words.
fn argument_name(field: &str) -> String {
    match field {
        "citizen.email" => "email".into(),
        "citizen.phone" => "phone".into(),
        "citizen.name" => "first_name".into(),
        "location.lat" => "lat".into(),
        "location.long" => "long".into(),
        "location.address" => "address_string".into(),
        "category" => "service_code".into(),
        f => match f.strip_prefix("attributes.") {
            Some(code) => format!("attribute[{code}]"),
            None => f.into(),
        },
    }
}

/// Counts one unauthenticated filing against the client's limit.
fn count(state: &AppState, req: &HttpRequest, format: Format) -> Result<(), Open311Error> {
    if let Some(ip) = state.limiter.client(req) {
        state
            .limiter
            .check(ip)
            .map_err(|s| Open311Error::from_api(format, crate::web::problem::ApiError::TooManyRequests(s.max(1))))?;
    }
    Ok(())
}

/// `POST /open311/v2/requests.{format}` (form-urlencoded): files a case.
#[utoipa::path(post, path = "/open311/v2/requests.{format}", tag = "open311",
    params(
        ("format" = String, Path, description = "`xml` or `json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This server's jurisdiction, when it has one"),
    ),
    request_body(content = FilingForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "Filed: the receipt number and the deadline", content((Vec<Filed> = "application/json"), (String = "text/xml"))),
        (status = 400, description = "A missing or bad argument", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 403, description = "A missing or bad api_key", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "An unknown service, format or jurisdiction", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 408, description = "The body did not arrive in time", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 413, description = "The body is too large", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 429, description = "Too many filings without a good api_key from this address", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml")), headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The database is unavailable", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Result<crate::web::extract::Body, crate::web::problem::ApiError>,
) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    let body = body.map_err(|e| Open311Error::from_api(format, e))?;
    let mut args = arguments(req.query_string().as_bytes());
    if !body.0.is_empty() {
        if !is_form(&req) {
            return Err(Open311Error::bad(
                format,
                "send the arguments as application/x-www-form-urlencoded",
            ));
        }
        args.extend(arguments(&body.0));
    }
    check_jurisdiction(&state, format, &args)?;

    // A good api_key is an operator's token: not counted, like a bearer token.
    // The key only from the body: in a query string it would end up in access logs.
    let body_key = arguments(&body.0).get("api_key").and_then(|v| v.first()).cloned();
    let operator = match body_key.as_deref() {
        None => {
            count(&state, &req, format)?;
            return Err(Open311Error::new(
                format,
                403,
                "api_key is required: an API token of the agency",
            ));
        }
        Some(key) => match crate::web::auth::authenticate(state.clone(), key.to_string()).await {
            Ok(op) => op,
            Err(crate::web::problem::ApiError::Unauthorized(_)) => {
                count(&state, &req, format)?;
                return Err(Open311Error::new(format, 403, "api_key is unknown or revoked"));
            }
            Err(e) => return Err(Open311Error::from_api(format, e)),
        },
    };

    let code = one(&args, "service_code")
        .ok_or_else(|| Open311Error::bad(format, "service_code is required"))?
        .to_string();
    let number = |name: &str| -> Result<Option<f64>, Open311Error> {
        one(&args, name)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| Open311Error::bad(format, format!("{name} must be a number")))
            })
            .transpose()
    };
    let (lat, long) = (number("lat")?, number("long")?);
    let address = one(&args, "address_string").map(String::from);
    let address_id = one(&args, "address_id").map(String::from);
    if lat.is_some() != long.is_some() {
        return Err(Open311Error::bad(format, "lat and long go together"));
    }
    if lat.is_none() && address.is_none() && address_id.is_none() {
        return Err(Open311Error::bad(
            format,
            "a location is required: lat and long, address_string or address_id",
        ));
    }
    let description = one(&args, "description").map(String::from);
    if let Some(d) = &description {
        let n = d.chars().count();
        if n > DESCRIPTION_MAX {
            return Err(Open311Error::bad(
                format,
                format!("description must be at most {DESCRIPTION_MAX} characters (got {n})"),
            ));
        }
    }
    let mut answers = std::collections::BTreeMap::new();
    for (name, values) in &args {
        if let Some(code) = name.strip_prefix("attribute[").and_then(|r| r.strip_suffix(']')) {
            let answer = if values.len() == 1 {
                Answer::One(values[0].clone())
            } else {
                Answer::Many(values.clone())
            };
            answers.insert(code.to_string(), answer);
        }
    }
    let name = [one(&args, "first_name"), one(&args, "last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let email = one(&args, "email").map(String::from);
    let phone = one(&args, "phone").map(String::from);
    let media_url = one(&args, "media_url").map(String::from);

    let settings = state.settings.clone();
    let receipt = state
        .db
        .write(move |c| {
            let service = catalog::service(c, &code)?;
            let cat = &service.category;
            let text = description.clone().unwrap_or_else(|| cat.name.clone());
            let first_line: String = text.lines().next().unwrap_or("").chars().take(80).collect();
            let input = IntakeInput {
                kind: Some(cat.kind.clone()),
                category: Some(cat.code.clone()),
                title: Some(format!("{} — {}", cat.name, first_line).chars().take(200).collect()),
                description: Some(text),
                citizen: Some(CitizenInput {
                    name: (!name.is_empty()).then_some(name),
                    email,
                    phone,
                }),
                location: Some(LocationInput {
                    lat,
                    long,
                    address: address.or(address_id.map(|id| format!("address_id:{id}"))),
                }),
                channel: Some(Channel::Open311.as_str().into()),
                attributes: (!answers.is_empty()).then_some(answers),
                media_url,
                ..Default::default()
            };
            intake::receive(c, &settings, &input, Some(&operator), None)
        })
        .await
        .map_err(|e| match e {
            ServiceError::Invalid(fields) => Open311Error::bad(
                format,
                fields
                    .iter()
                    .map(|f| format!("{}: {}", argument_name(&f.field), f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => Open311Error::from_api(format, other.into()),
        })?;
    let due = DateTime::parse_from_rfc3339(&receipt.due_at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now());
    let items = vec![Filed {
        service_request_id: receipt.receipt_no,
        service_notice: notice(&state.settings, due),
        account_id: None,
        token: receipt.id,
    }];
    Ok(render(
        format,
        StatusCode::CREATED,
        &items,
        &FiledXml { request: &items },
        "service_requests",
    ))
}
