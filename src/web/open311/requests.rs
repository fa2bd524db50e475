//! `requests.{xml,json}` (list and file), `requests/{id}` and `tokens/{token}`:
//! service requests as the standard shows them, filed through the intake use
//! case and read from the published feed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::format::{render, Format, Open311Error};
use super::{arguments, check_jurisdiction, comma_list, format_of, one};
use crate::config::Settings;
use crate::db::types::utc;
use crate::service::published::{self, Openness, PublishedRequest, RequestQuery};
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
    let xml = RequestsXml { request: &items };
    render(format, StatusCode::OK, &items, &xml, "service_requests")
}

fn when(format: Format, name: &str, v: Option<&str>) -> Result<Option<DateTime<Utc>>, Open311Error> {
    v.map(|v| {
        DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).map_err(|_| {
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
        (status = 200, description = "At most 1,000 requests filed through Open311, newest first", body = Vec<ServiceRequest>,
            content_type = ["application/json", "text/xml"]),
        (status = 400, description = "A bad argument", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
        (status = 404, description = "An unknown format or jurisdiction", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
        (status = 503, description = "The database is unavailable", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
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
        (status = 200, description = "The request, as a list of one", body = Vec<ServiceRequest>, content_type = ["application/json", "text/xml"]),
        (status = 404, description = "No such request, format or jurisdiction", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
        (status = 503, description = "The database is unavailable", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
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
        (status = 200, description = "The request id, as a list of one", body = Vec<TokenAnswer>, content_type = ["application/json", "text/xml"]),
        (status = 404, description = "An unknown token, format or jurisdiction", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
        (status = 503, description = "The database is unavailable", body = Vec<super::services::ErrorItemDoc>, content_type = ["application/json", "text/xml"]),
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
    let xml = RequestsXml { request: &items };
    Ok(render(format, StatusCode::OK, &items, &xml, "service_requests"))
}
