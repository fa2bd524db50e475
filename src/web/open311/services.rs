//! `services.{xml,json}` and `services/{service_code}.{xml,json}`: the active
//! categories as the standard's service list and service definitions.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::format::{render, Open311Error};
use super::{arguments, check_jurisdiction, format_of};
use crate::service::catalog::{self, Service};
use crate::store;
use crate::web::AppState;

/// An error as the standard writes it (documentation of the error list's items).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorItemDoc {
    /// The HTTP status.
    pub code: u16,
    /// What went wrong.
    pub description: String,
}

/// One service: an active category.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceView {
    /// The category's code.
    pub service_code: String,
    /// Its name.
    pub service_name: String,
    /// What it covers (else its English name).
    pub description: Option<String>,
    /// Whether it asks extra questions (`services/{service_code}`).
    pub metadata: bool,
    /// Always `realtime`: a request is a case at once.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The words that classify a case into it, comma separated.
    pub keywords: String,
    /// `grievance` or `proposal`.
    pub group: String,
}

#[derive(Serialize)]
struct ServicesXml<'a> {
    service: &'a [ServiceView],
}

fn service_view(s: &Service) -> ServiceView {
    let c = &s.category;
    ServiceView {
        service_code: c.code.clone(),
        service_name: c.name.clone(),
        description: c.description.clone().or_else(|| c.name_en.clone()),
        metadata: s.questions.iter().any(|q| q.variable),
        kind: "realtime",
        keywords: store::keywords_from_text(&c.keywords).join(", "),
        group: c.kind.clone(),
    }
}

/// `GET /open311/v2/services.{format}`.
#[utoipa::path(get, path = "/open311/v2/services.{format}", tag = "open311",
    params(
        ("format" = String, Path, description = "`xml` or `json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This server's jurisdiction, when it has one"),
    ),
    responses(
        (status = 200, description = "Every active category", content((Vec<ServiceView> = "application/json"), (String = "text/xml"))),
        (status = 404, description = "An unknown format or jurisdiction", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 503, description = "The database is unavailable", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn list(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    check_jurisdiction(&state, format, &arguments(req.query_string().as_bytes()))?;
    let services = state
        .db
        .read(catalog::services)
        .await
        .map_err(|e| Open311Error::from_api(format, e.into()))?;
    let items: Vec<ServiceView> = services.iter().map(service_view).collect();
    Ok(render(
        format,
        StatusCode::OK,
        &items,
        &ServicesXml { service: &items },
        "services",
    ))
}

/// One choice of a list question.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ValueView {
    /// What is sent.
    pub key: String,
    /// What people read.
    pub name: String,
}

/// One extra question, as the standard defines it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AttributeView {
    /// False for a note that takes no answer.
    pub variable: bool,
    /// Sent as `attribute[code]`.
    pub code: String,
    /// string, number, datetime, text, singlevaluelist or multivaluelist.
    pub datatype: String,
    /// Whether a request must answer it.
    pub required: bool,
    /// Not used: always empty.
    pub datatype_description: Option<String>,
    /// Where it comes in the form.
    pub order: i32,
    /// The question.
    pub description: String,
    /// The choices of a list question.
    pub values: Vec<ValueView>,
}

/// A service definition: its extra questions.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Definition {
    /// The category's code.
    pub service_code: String,
    /// Its questions, in order.
    pub attributes: Vec<AttributeView>,
}

#[derive(Serialize)]
struct ValuesXml<'a> {
    value: &'a [ValueView],
}

#[derive(Serialize)]
struct AttributeXml<'a> {
    variable: bool,
    code: &'a str,
    datatype: &'a str,
    required: bool,
    datatype_description: Option<&'a str>,
    order: i32,
    description: &'a str,
    values: ValuesXml<'a>,
}

#[derive(Serialize)]
struct AttributesXml<'a> {
    attribute: Vec<AttributeXml<'a>>,
}

#[derive(Serialize)]
struct DefinitionXml<'a> {
    service_code: &'a str,
    attributes: AttributesXml<'a>,
}

/// `GET /open311/v2/services/{service_code}.{format}`.
#[utoipa::path(get, path = "/open311/v2/services/{service_code}.{format}", tag = "open311",
    params(
        ("service_code" = String, Path, description = "A category's code"),
        ("format" = String, Path, description = "`xml` or `json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This server's jurisdiction, when it has one"),
    ),
    responses(
        (status = 200, description = "The service's extra questions", content((Definition = "application/json"), (String = "text/xml"))),
        (status = 404, description = "No active service with this code, or an unknown format or jurisdiction", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
        (status = 503, description = "The database is unavailable", content((Vec<ErrorItemDoc> = "application/json"), (String = "text/xml"))),
    ))]
pub async fn show(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Open311Error> {
    let format = format_of(&req)?;
    check_jurisdiction(&state, format, &arguments(req.query_string().as_bytes()))?;
    let code = req.match_info().get("service_code").unwrap_or("").to_string();
    let service = state
        .db
        .read(move |c| catalog::service(c, &code))
        .await
        .map_err(|e| Open311Error::from_api(format, e.into()))?;
    let json = Definition {
        service_code: service.category.code.clone(),
        attributes: service
            .questions
            .iter()
            .map(|q| AttributeView {
                variable: q.variable,
                code: q.code.clone(),
                datatype: q.datatype.clone(),
                required: q.required,
                datatype_description: None,
                order: q.order,
                description: q.description.clone(),
                values: q
                    .values
                    .iter()
                    .map(|v| ValueView {
                        key: v.key.clone(),
                        name: v.name.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let xml = DefinitionXml {
        service_code: &json.service_code,
        attributes: AttributesXml {
            attribute: json
                .attributes
                .iter()
                .map(|a| AttributeXml {
                    variable: a.variable,
                    code: &a.code,
                    datatype: &a.datatype,
                    required: a.required,
                    datatype_description: None,
                    order: a.order,
                    description: &a.description,
                    values: ValuesXml { value: &a.values },
                })
                .collect(),
        },
    };
    Ok(render(format, StatusCode::OK, &json, &xml, "service_definition"))
}
