//! The two formats of GeoReport v2, chosen by the path's suffix: XML (the
//! standard's required one, no namespace) and JSON mirroring it; and the
//! standard's error list in either.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use serde::Serialize;

use crate::web::problem::ApiError;

/// The response format a path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.xml`: `text/xml; charset=utf-8`.
    Xml,
    /// `.json`: `application/json; charset=utf-8`.
    Json,
}

impl Format {
    /// The format of a suffix; `None` for any other.
    pub fn parse(suffix: &str) -> Option<Format> {
        match suffix {
            "xml" => Some(Format::Xml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format of a path in this door by its suffix (XML unless `.json`);
    /// `None` for a path outside the door.
    pub fn of_door(path: &str) -> Option<Format> {
        path.starts_with(super::BASE).then(|| {
            if path.ends_with(".json") {
                Format::Json
            } else {
                Format::Xml
            }
        })
    }

    /// The format of a suffix; an unknown one is a 404 written as XML, the standard's default.
    pub fn of(suffix: &str) -> Result<Format, Open311Error> {
        Format::parse(suffix).ok_or_else(|| {
            Open311Error::new(
                Format::Xml,
                404,
                format!("no format \"{suffix}\": ask for .xml or .json"),
            )
        })
    }
}

/// Renders `value` as JSON, or as XML under the root element `root` (a
/// struct whose fields are the elements, lists as repeated elements).
pub fn render<T: Serialize, X: Serialize>(
    format: Format,
    status: StatusCode,
    json: &T,
    xml: &X,
    root: &str,
) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    match format {
        Format::Json => match serde_json::to_string(json) {
            Ok(body) => res.content_type("application/json; charset=utf-8").body(body),
            Err(e) => internal(e.to_string()),
        },
        Format::Xml => match to_xml(xml, root) {
            Ok(body) => res.content_type("text/xml; charset=utf-8").body(body),
            Err(e) => internal(e),
        },
    }
}

/// An XML document: the declaration, then `value` under `root`.
pub fn to_xml<X: Serialize>(value: &X, root: &str) -> Result<String, String> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let ser = quick_xml::se::Serializer::with_root(&mut out, Some(root)).map_err(|e| e.to_string())?;
    value.serialize(ser).map_err(|e| e.to_string())?;
    Ok(xml_chars(out))
}

/// The document with every character XML 1.0 cannot hold (control characters
/// but tab and line ends, U+FFFE, U+FFFF) as U+FFFD: text stored before such
/// characters were refused must not break the whole feed for its readers.
fn xml_chars(out: String) -> String {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if out.chars().all(allowed) {
        return out;
    }
    out.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect()
}

fn internal(cause: String) -> HttpResponse {
    tracing::error!(cause = %cause, "an Open311 answer could not be written");
    HttpResponse::InternalServerError()
        .content_type("text/xml; charset=utf-8")
        .body("<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>500</code><description>an internal error occurred; it has been logged</description></error></errors>")
}

/// An error as the standard writes it: `[{code, description}]` or `<errors><error>…`.
#[derive(Debug)]
pub struct Open311Error {
    format: Format,
    status: u16,
    description: String,
    retry_after: Option<u64>,
}

#[derive(Serialize)]
struct ErrorItem<'a> {
    code: u16,
    description: &'a str,
}

#[derive(Serialize)]
struct ErrorList<'a> {
    error: Vec<ErrorItem<'a>>,
}

impl Open311Error {
    /// An error with this status and explanation.
    pub fn new(format: Format, status: u16, description: impl Into<String>) -> Open311Error {
        Open311Error {
            format,
            status,
            description: description.into(),
            retry_after: None,
        }
    }

    /// A 400: a missing or bad argument.
    pub fn bad(format: Format, description: impl Into<String>) -> Open311Error {
        Open311Error::new(format, 400, description)
    }

    /// The same error written as another format.
    pub fn in_format(mut self, format: Format) -> Open311Error {
        self.format = format;
        self
    }

    /// The error of a use case or of the HTTP layer, in this door's words.
    pub fn from_api(format: Format, e: ApiError) -> Open311Error {
        let status = actix_web::ResponseError::status_code(&e).as_u16();
        let description = match &e {
            ApiError::Validation(errors) => errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            ApiError::Internal(cause) => {
                tracing::error!(cause = %crate::domain::privacy::mask_emails(cause), "internal error");
                "an internal error occurred; it has been logged".into()
            }
            other => other.to_string(),
        };
        // The standard knows 400 for any bad argument; a field error is one.
        let status = if status == 422 { 400 } else { status };
        Open311Error {
            format,
            status,
            description,
            retry_after: match e {
                ApiError::TooManyRequests(s) => Some(s),
                ApiError::Unavailable(_) => Some(5),
                _ => None,
            },
        }
    }
}

impl std::fmt::Display for Open311Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.description)
    }
}

impl actix_web::ResponseError for Open311Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST)
    }

    fn error_response(&self) -> HttpResponse {
        let items = vec![ErrorItem {
            code: self.status,
            description: &self.description,
        }];
        let mut res = render(
            self.format,
            self.status_code(),
            &items,
            &ErrorList {
                error: items
                    .iter()
                    .map(|i| ErrorItem {
                        code: i.code,
                        description: i.description,
                    })
                    .collect(),
            },
            "errors",
        );
        if let Some(s) = self.retry_after {
            if let Ok(v) = header::HeaderValue::from_str(&s.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Request {
        description: String,
    }

    #[test]
    fn text_xml_cannot_hold_is_replaced_not_written() {
        let stored = Request {
            description: "a\u{FFFF}b\u{1}c\td".into(),
        };
        let xml = super::to_xml(&stored, "request").unwrap();
        assert!(xml.contains("a\u{FFFD}b\u{FFFD}c\td"), "{xml}");
        assert!(!xml.contains('\u{FFFF}') && !xml.contains('\u{1}'));
    }
}
