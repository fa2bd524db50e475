//! The Open311 GeoReport v2 door (API.md "Open311 GeoReport v2"): the
//! standard's paths under `/open311/v2/`, form arguments in, XML or JSON out
//! (chosen by the suffix), errors as the standard's list. Every answer comes
//! from the same use cases as the REST API: intake, the catalog, the
//! published request feed.

pub mod discovery;
pub mod format;
pub mod requests;
pub mod services;

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest};

use self::format::{Format, Open311Error};
use super::hygiene::at;
use super::AppState;

/// The door's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    discovery::show,
    services::list,
    services::show,
    requests::list,
    requests::create,
    requests::show,
    requests::token
))]
pub struct Doc;

/// Where the door is mounted.
pub const BASE: &str = "/open311/v2";

/// Registers the door's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(at("/open311/v2/discovery.{format}").get(discovery::show).done())
        .service(at("/open311/v2/services.{format}").get(services::list).done())
        .service(
            at("/open311/v2/services/{service_code}.{format}")
                .get(services::show)
                .done(),
        )
        .service(
            at("/open311/v2/requests.{format}")
                .get(requests::list)
                .post(requests::create)
                .done(),
        )
        .service(
            at("/open311/v2/requests/{service_request_id}.{format}")
                .get(requests::show)
                .done(),
        )
        .service(at("/open311/v2/tokens/{token}.{format}").get(requests::token).done());
}

/// Arguments by name, from a query string or a form body (see [`form_fields`]).
pub use crate::web::extract::form_fields as arguments;

/// The one value of an argument, if given.
pub fn one<'a>(args: &'a BTreeMap<String, Vec<String>>, name: &str) -> Option<&'a str> {
    args.get(name).and_then(|v| v.first()).map(String::as_str)
}

/// A comma list argument, blanks dropped.
pub fn comma_list(args: &BTreeMap<String, Vec<String>>, name: &str) -> Vec<String> {
    args.get(name)
        .into_iter()
        .flatten()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A 404 unless `jurisdiction_id`, when given, is the one this server answers for.
pub fn check_jurisdiction(
    state: &AppState,
    format: Format,
    args: &BTreeMap<String, Vec<String>>,
) -> Result<(), Open311Error> {
    match (one(args, "jurisdiction_id"), &state.settings.jurisdiction) {
        (Some(given), Some(ours)) if given != ours => Err(Open311Error::new(
            format,
            404,
            format!("no jurisdiction \"{given}\": this server answers for \"{ours}\""),
        )),
        _ => Ok(()),
    }
}

/// The format of the path's suffix.
pub fn format_of(req: &HttpRequest) -> Result<Format, Open311Error> {
    Format::of(req.match_info().get("format").unwrap_or(""))
}
