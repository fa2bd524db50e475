//! The published contract: the OpenAPI 3.1 document generated from the
//! handlers' annotations and the types they parse and render.
//!
//! Each resource module names its operations in its own `Doc`; this module
//! merges them and adds what every operation shares (security scheme,
//! problem+json errors, the request id header), so a handler lists only the
//! answers particular to it.

use std::sync::LazyLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

/// An error as every API operation answers it: RFC 9457 problem details.
#[derive(serde::Serialize, ToSchema)]
pub struct Problem {
    /// `urn:civicdesk:problem:<code>`, e.g. `urn:civicdesk:problem:validation`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
    /// On 422: one entry per invalid field.
    #[schema(nullable = false)]
    pub errors: Option<Vec<FieldProblem>>,
}

/// A list answer: `{"items": [...]}`.
#[derive(serde::Serialize, ToSchema)]
pub struct Items<T: ToSchema> {
    /// The items.
    pub items: Vec<T>,
}

/// One invalid field of a 422.
#[derive(serde::Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field as the request named it (`citizen.email`, `Idempotency-Key`).
    pub field: String,
    /// What is wrong with it and what would be right.
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "civicdesk",
        description = "Grievances and proposals for public agencies: intake, case work against business-day \
                       deadlines, the citizen's tracking, happy-call surveys and scorecards. Errors are \
                       application/problem+json (RFC 9457).",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(Problem, FieldProblem))
)]
struct Base;

/// Everything operations share, added to each.
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (POST /api/v1/tokens); the first admin's is printed at first start",
                    ))
                    .build(),
            ),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let has_params = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
            ]
            .into_iter()
            .flatten()
            {
                shared_answers(op, path.starts_with("/api/"), has_params);
            }
        }
    }
}

/// The problem+json answers an operation can give beyond its own.
fn shared_answers(op: &mut Operation, api: bool, has_params: bool) {
    let secured = op.security.as_ref().is_some_and(|s| {
        s.iter()
            .any(|req| serde_json::to_value(req).is_ok_and(|v| v.get("bearer").is_some()))
    });
    let mut add = |status: &str, why: &str| {
        if !op.responses.responses.contains_key(status) {
            op.responses.responses.insert(status.to_string(), problem(why));
        }
    };
    if !api {
        return;
    }
    if secured {
        add("401", "No, malformed or revoked bearer token");
    }
    if has_params {
        add("404", "Nothing with this key");
    }
    if op.request_body.is_some() {
        add("400", "The body is not the JSON this operation takes");
        add("408", "The body did not arrive in time");
        add("413", "The body is too large");
        add("415", "The body is not application/json");
        add("422", "Invalid fields, each named in `errors`");
    } else if !op.parameters.as_ref().is_none_or(|p| p.is_empty()) {
        add("400", "A malformed parameter");
    }
    add("503", "The database is unavailable; retry after `Retry-After` seconds");
}

/// A problem+json response.
pub fn problem(why: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(why)
            .content(
                "application/problem+json",
                Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem")))),
            )
            .build(),
    )
}

/// The whole document, built once.
pub static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let mut doc = Base::openapi();
    let parts = [
        super::ops::Doc::openapi(),
        super::cases::Doc::openapi(),
        super::actions::Doc::openapi(),
        super::track::Doc::openapi(),
        super::surveys::Doc::openapi(),
        crate::web::citizen::track::Doc::openapi(),
        crate::web::citizen::surveys::Doc::openapi(),
        crate::web::open311::Doc::openapi(),
        super::teams::Doc::openapi(),
        super::categories::Doc::openapi(),
        super::rules::Doc::openapi(),
        super::operators::Doc::openapi(),
        super::tokens::Doc::openapi(),
        super::targets::Doc::openapi(),
        super::holidays::Doc::openapi(),
        super::outbox::Doc::openapi(),
        super::queue::Doc::openapi(),
        super::stats::Doc::openapi(),
    ];
    for part in parts {
        doc.merge(part);
    }
    Shared.modify(&mut doc);
    doc
});

/// The document as JSON, rendered once.
pub static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| {
    DOCUMENT
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

/// `GET /api-docs/openapi.json`: the document.
pub async fn json() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT_JSON.as_str())
}

/// `GET /api-docs`: the page's files are named relative to the folder.
pub async fn folder() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/api-docs/"))
        .finish()
}

/// The docs page's settings: no validator badge, which would load from another host.
static PAGE: LazyLock<std::sync::Arc<utoipa_swagger_ui::Config<'static>>> = LazyLock::new(|| {
    std::sync::Arc::new(
        utoipa_swagger_ui::Config::new(["/api-docs/openapi.json"])
            .validator_url("none")
            .try_it_out_enabled(true),
    )
});

/// `GET /api-docs/{file}`: the docs page (Swagger UI) and its files, from the binary.
pub async fn page(
    file: actix_web::web::Path<String>,
) -> Result<actix_web::HttpResponse, crate::web::problem::ApiError> {
    match utoipa_swagger_ui::serve(&file, PAGE.clone()) {
        Ok(Some(f)) => Ok(actix_web::HttpResponse::Ok()
            .content_type(f.content_type)
            .body(f.bytes.into_owned())),
        Ok(None) => Err(crate::web::problem::ApiError::NotFound(format!(
            "no file \"{file}\" in the docs page"
        ))),
        Err(e) => Err(crate::web::problem::ApiError::Internal(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::DOCUMENT;

    #[test]
    fn every_resource_is_in_the_document_with_its_shared_answers() {
        let paths = &DOCUMENT.paths.paths;
        for path in [
            "/api/v1/cases",
            "/api/v1/teams",
            "/api/v1/teams/{id}",
            "/api/v1/categories",
            "/api/v1/categories/{id}",
            "/api/v1/routing-rules",
            "/api/v1/routing-rules/{id}",
            "/api/v1/operators",
            "/api/v1/operators/{id}",
            "/api/v1/tokens",
            "/api/v1/tokens/{id}",
            "/api/v1/targets",
            "/api/v1/targets/{year}/{kind}",
            "/api/v1/holidays",
            "/api/v1/holidays/{date}",
            "/api/v1/outbox",
            "/api/v1/outbox/{id}/retry",
            "/api/v1/stats/teams",
            "/api/v1/stats/monthly",
            "/api/v1/stats/ranking",
        ] {
            assert!(paths.contains_key(path), "{path} is missing");
        }
        let patch = paths["/api/v1/teams/{id}"]
            .patch
            .as_ref()
            .expect("PATCH /api/v1/teams/{id}");
        for status in ["200", "401", "403", "404", "409", "415", "422", "503"] {
            assert!(
                patch.responses.responses.contains_key(status),
                "PATCH team lacks {status}"
            );
        }
        let json = serde_json::to_value(&*DOCUMENT).expect("the document serializes");
        let schemas = &json["components"]["schemas"];
        for schema in [
            "TeamView",
            "CategoryInput",
            "OperatorView",
            "CreatedTokenView",
            "QueuePage",
            "TeamsCard",
        ] {
            assert!(schemas.get(schema).is_some(), "schema {schema} is missing");
        }
    }
}
