//! The back office's style sheet and script, in the binary (nothing comes
//! from another host), at URLs that name their content: pages ask for
//! `/office/office.css?v=<digest>`, which a browser keeps for a year, and the
//! pages of a new release ask for a new URL, so an operator never runs
//! yesterday's script against today's pages.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// One file served from the binary.
struct Asset {
    content_type: &'static str,
    body: &'static str,
    /// The first bytes of the body's SHA-256, in hex.
    version: String,
    /// The path with the version: what the pages ask for.
    href: String,
    /// The version as an entity tag, for revalidation.
    tag: String,
}

impl Asset {
    fn new(path: &'static str, content_type: &'static str, body: &'static str) -> Asset {
        let version = version(body);
        Asset {
            content_type,
            body,
            href: format!("{path}?v={version}"),
            tag: format!("\"{version}\""),
            version,
        }
    }

    /// The body; kept a year when asked for by this version's URL, else
    /// revalidated each time (a 304 while it has not changed).
    fn serve(&self, req: &HttpRequest) -> HttpResponse {
        let pinned = req.query_string().strip_prefix("v=") == Some(self.version.as_str());
        let cache = if pinned {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == self.tag));
        let mut answer = if unchanged {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        answer
            .insert_header((header::CACHE_CONTROL, cache))
            .insert_header((header::ETAG, self.tag.as_str()));
        if unchanged {
            answer.finish()
        } else {
            answer.content_type(self.content_type).body(self.body)
        }
    }
}

/// A short digest of a file's content: what its URL carries.
fn version(body: &str) -> String {
    Sha256::digest(body.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

static CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "/office/office.css",
        "text/css; charset=utf-8",
        include_str!("../../../static/office.css"),
    )
});

static JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "/office/office.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/office.js"),
    )
});

/// The style sheet's URL, with its version (for the templates).
pub fn css_href() -> &'static str {
    &CSS.href
}

/// The script's URL, with its version (for the templates).
pub fn js_href() -> &'static str {
    &JS.href
}

/// `GET /office/office.css`.
pub async fn css(req: HttpRequest) -> HttpResponse {
    CSS.serve(&req)
}

/// `GET /office/office.js` (keys and refresh on the queue).
pub async fn js(req: HttpRequest) -> HttpResponse {
    JS.serve(&req)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_version_follows_the_content() {
        assert_eq!(super::version("a { color: red }"), super::version("a { color: red }"));
        assert_ne!(super::version("a { color: red }"), super::version("a { color: blue }"));
        assert_eq!(super::version("").len(), 16);
    }
}
