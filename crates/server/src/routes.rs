//! The route table: every aggregate's routes, assembled in one place.

pub mod action_items;
pub mod action_plans;
pub mod auth;
pub mod dashboard;
pub mod docs;
pub mod governance;
pub mod health;
pub mod me;
pub mod metrics;
pub mod metrics_csv;
pub mod quick_notes;
pub mod search;
pub mod sessions;
pub mod teams;
pub mod users;

use actix_web::web;

use crate::error::ApiError;

/// Registers every route. API routes live under `/api/v1`; anything else under `/api` is a
/// problem+json 404, never the SPA.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::configure)
        .configure(docs::configure)
        .service(
            web::scope("/api/v1")
                .configure(auth::configure)
                .configure(me::configure)
                .configure(users::configure)
                .configure(teams::configure)
                .configure(sessions::configure)
                .configure(action_items::configure)
                .configure(action_plans::configure)
                .configure(quick_notes::configure)
                .configure(metrics::configure)
                .configure(metrics_csv::configure)
                .configure(governance::configure)
                .configure(dashboard::configure)
                .configure(search::configure)
                .default_service(web::to(unmatched)),
        )
        .service(web::scope("/api").default_service(web::to(unmatched)));
}

/// A resource whose unsupported methods answer a problem+json 405.
pub fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(|| async {
        Err::<actix_web::HttpResponse, _>(ApiError::MethodNotAllowed)
    }))
}

/// Unknown API paths are 404.
async fn unmatched() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
