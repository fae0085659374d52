//! Security headers, including a Content-Security-Policy that allows exactly the inline
//! bootstrap script Trunk writes into `index.html` (by hash) and nothing else inline; and CORS
//! for the other sites `CORS_ORIGINS` lists.

use std::path::Path;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName};
use actix_web::middleware::{DefaultHeaders, Next};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Cross-origin access for the `origins` listed, and none for any other: a listed origin's
/// pages may call the API with a bearer token, or read with the browser's cookies (a cookie
/// write from it is refused: `auth::cookies::check_csrf`); preflights are cached an hour.
pub fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
        ])
        .supports_credentials()
        .max_age(3600)
}

/// Removes `Access-Control-Allow-Credentials` from an answer that allows no origin: actix-cors
/// sends it to every origin once credentials are supported, and an origin that is not listed
/// gets no CORS header at all. Wraps [`cors`].
pub async fn no_stray_cors_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
    }
    Ok(response)
}

/// The headers every response carries (handlers may override).
pub fn security_headers(static_dir: Option<&Path>, https: bool) -> DefaultHeaders {
    let scripts: String = static_dir
        .and_then(|dir| std::fs::read_to_string(dir.join("index.html")).ok())
        .map(|html| inline_script_hashes(&html))
        .unwrap_or_default()
        .iter()
        .map(|hash| format!(" '{hash}'"))
        .collect();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    let mut headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", csp))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if https {
        headers = headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ));
    }
    headers
}

/// `sha256-...` sources for every inline `<script>` in `html`.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let open_tag = &rest[..open_end];
        let body_start = open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !open_tag.contains("src=") && !body.trim().is_empty() {
            let digest = ring::digest::digest(&ring::digest::SHA256, body.as_bytes());
            hashes.push(format!("sha256-{}", STANDARD.encode(digest.as_ref())));
        }
        rest = &rest[body_start + close..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<script src="/a.js"></script><script type="module">boot()</script>"#;
        let digest = ring::digest::digest(&ring::digest::SHA256, b"boot()");
        assert_eq!(
            inline_script_hashes(html),
            vec![format!("sha256-{}", STANDARD.encode(digest.as_ref()))]
        );
    }
}
