//! `discovery.{xml,json}`: where this server's GeoReport v2 endpoint is and
//! how to get a key (the standard's Service Discovery).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::format::{render, Open311Error};
use super::{arguments, check_jurisdiction, format_of, BASE};
use crate::web::AppState;

/// The specification every client looks for.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this endpoint's behaviour last changed (the discovery `changeset`).
pub const CHANGESET: &str = "2026-12-02T00:00:00Z";

/// One endpoint, as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Endpoint {
    /// `http://wiki.open311.org/GeoReport_v2`.
    pub specification: &'static str,
    /// The endpoint's base URL.
    pub url: String,
    /// When it last changed.
    pub changeset: &'static str,
    /// `production`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The media types it answers in.
    pub formats: Vec<&'static str>,
}

/// The discovery document, as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Discovery {
    /// When it last changed.
    pub changeset: &'static str,
    /// Whom to ask.
    pub contact: String,
    /// How to get an `api_key`.
    pub key_service: String,
    /// The endpoints.
    pub endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
struct FormatsXml {
    format: Vec<&'static str>,
}

#[derive(Serialize)]
struct EndpointXml<'a> {
    specification: &'static str,
    url: &'a str,
    changeset: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    formats: FormatsXml,
}

#[derive(Serialize)]
struct EndpointsXml<'a> {
    endpoint: Vec<EndpointXml<'a>>,
}

#[derive(Serialize)]
struct DiscoveryXml<'a> {
    changeset: &'static str,
    contact: &'a str,
    key_service: &'a str,
    endpoints: EndpointsXml<'a>,
}

/// `GET /open311/v2/discovery.{format}`.
#[utoipa::path(get, path = "/open311/v2/discovery.{format}", tag = "open311",
    params(("format" = String, Path, description = "`xml` or `json`")),
    responses(
        (status = 200, description = "The discovery document", content((Discovery = "application/json"), (String = "text/xml"))),
        (status = 404, description = "An unknown format or jurisdiction", content((Vec<super::services::ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn show(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    check_jurisdiction(&state, format, &arguments(req.query_string().as_bytes()))?;
    let s = &state.settings;
    let url = format!("{}{BASE}", s.public_url);
    let contact = format!("{} ({})", s.mail_from, s.public_url);
    let key_service = format!(
        "An api_key is an API token of the agency: ask its administrators ({}) for one; \
         they issue it with POST /api/v1/tokens.",
        s.mail_from
    );
    let formats = vec!["text/xml", "application/json"];
    let json = Discovery {
        changeset: CHANGESET,
        contact: contact.clone(),
        key_service: key_service.clone(),
        endpoints: vec![Endpoint {
            specification: SPECIFICATION,
            url: url.clone(),
            changeset: CHANGESET,
            kind: "production",
            formats: formats.clone(),
        }],
    };
    let xml = DiscoveryXml {
        changeset: CHANGESET,
        contact: &contact,
        key_service: &key_service,
        endpoints: EndpointsXml {
            endpoint: vec![EndpointXml {
                specification: SPECIFICATION,
                url: &url,
                changeset: CHANGESET,
                kind: "production",
                formats: FormatsXml { format: formats },
            }],
        },
    };
    Ok(render(format, StatusCode::OK, &json, &xml, "discovery"))
}
