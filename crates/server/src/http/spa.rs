//! The browser app: Trunk's output, with `index.html` for every client-side route.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};

/// Serves `dir`; unknown paths get `index.html` so the client router can take them.
pub fn files(dir: &Path) -> Files {
    let index: PathBuf = dir.join("index.html");
    Files::new("/", dir)
        .index_file("index.html")
        .use_etag(true)
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = NamedFile::open_async(&index).await?.into_response(&req);
                Ok(ServiceResponse::new(req, response))
            }
        }))
}

/// Hashed asset names (`app-1a2b3c4d5e6f7a8b.js`) never change content: cache them forever.
/// Everything else (`index.html`, client routes) is revalidated every time.
pub fn cache_control(path: &str) -> HeaderValue {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let hashed = stem
        .split(['-', '_'])
        .any(|part| part.len() >= 16 && part.chars().all(|c| c.is_ascii_hexdigit()));
    HeaderValue::from_static(if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    })
}

/// Whether a path belongs to the SPA (not the API or operations endpoints).
pub fn is_spa_path(path: &str) -> bool {
    !(path.starts_with("/api") || path == "/healthz" || path == "/readyz")
}

/// Adds `Cache-Control` to a SPA response that has none.
pub fn add_cache_control<B>(mut response: ServiceResponse<B>) -> ServiceResponse<B> {
    let path = response.request().path().to_owned();
    if is_spa_path(&path)
        && response.status().is_success()
        && !response.headers().contains_key(CACHE_CONTROL)
    {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, cache_control(&path));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_immutable_and_pages_are_not() {
        assert_eq!(
            cache_control("/frontend-4f9a0c1d2e3b4a5c.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("/frontend-4f9a0c1d2e3b4a5c_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("/users/0193ab4c-7d2e-7a10-9b1c-5e6f7a8b9c0d"),
            "no-cache"
        );
        assert_eq!(cache_control("/index.html"), "no-cache");
        assert_eq!(cache_control("/sessions/123"), "no-cache");
    }
}
