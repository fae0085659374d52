//! The OpenAPI document and the Swagger UI that browses it, served from assets compiled into the
//! binary (swagger-ui-dist 5.35.0, Apache-2.0: see `assets/swagger-ui/LICENSE`).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use utoipa::openapi::OpenApi;

/// Registers the routes (outside `/api/v1`) of the document of `operations`, and of its UI.
pub fn configure(operations: fn() -> Vec<OpenApi>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.route(
            "/api/openapi.json",
            web::get().to(move || async move { openapi_json(operations) }),
        )
        .route(
            "/api/docs",
            web::get().to(|| async { asset("text/html; charset=utf-8", PAGE.as_bytes()) }),
        )
        .route(
            "/api/docs/",
            web::get().to(|| async { asset("text/html; charset=utf-8", PAGE.as_bytes()) }),
        )
        .route(
            "/api/docs/init.js",
            web::get().to(|| async { asset("text/javascript", INIT.as_bytes()) }),
        )
        .route(
            "/api/docs/swagger-ui.css",
            web::get().to(|| async { asset("text/css", CSS) }),
        )
        .route(
            "/api/docs/swagger-ui-bundle.js",
            web::get().to(|| async { asset("text/javascript", BUNDLE) }),
        );
    }
}

const CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");
const BUNDLE: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Coaching Hub API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"#;
const INIT: &str = r##"window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
"##;

fn asset(content_type: &'static str, body: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

fn openapi_json(operations: fn() -> Vec<OpenApi>) -> HttpResponse {
    // Built once: the document only changes with the binary.
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    HttpResponse::Ok().json(DOCUMENT.get_or_init(|| super::document(operations())))
}
