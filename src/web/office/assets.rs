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
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
    /// The first bytes of the body's SHA-256, in hex.
    version: String,
}

impl Asset {
    fn new(path: &'static str, content_type: &'static str, body: &'static str) -> Asset {
        Asset {
            path,
            content_type,
            body,
            version: version(body),
        }
    }

    fn href(&self) -> String {
        format!("{}?v={}", self.path, self.version)
    }

    /// The body; kept a year when asked for by this version, else revalidated each time.
    fn serve(&self, req: &HttpRequest) -> HttpResponse {
        let pinned = req.query_string() == format!("v={}", self.version);
        let cache = if pinned {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        HttpResponse::Ok()
            .content_type(self.content_type)
            .insert_header((header::CACHE_CONTROL, cache))
            .body(self.body)
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

static CSS_HREF: LazyLock<String> = LazyLock::new(|| CSS.href());
static JS_HREF: LazyLock<String> = LazyLock::new(|| JS.href());

/// The style sheet's URL, with its version (for the templates).
pub fn css_href() -> &'static str {
    &CSS_HREF
}

/// The script's URL, with its version (for the templates).
pub fn js_href() -> &'static str {
    &JS_HREF
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
