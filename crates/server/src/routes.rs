//! The route table: every aggregate's routes, assembled in one place.

pub mod access_tokens;
pub mod action_items;
pub mod action_plans;
pub mod auth;
pub mod calendar;
pub mod dashboard;
pub mod evaluation_forms;
pub mod evaluations;
pub mod exports;
pub mod governance;
pub mod health;
pub mod live;
pub mod me;
pub mod metrics;
pub mod metrics_csv;
pub mod notifications;
pub mod quick_notes;
pub mod search;
pub mod second_factor;
pub mod session_templates;
pub mod sessions;
pub mod teams;
pub mod users;
pub mod webhooks;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Responder, web};

use crate::http::error::ApiError;

/// A module's route table, written once: each resource with the method and handler of each of
/// its operations, and `with` what it configures (a body limit, the token grants it serves). It registers the resources (an unsupported method is a 405 naming the others)
/// and gathers the handlers' `#[utoipa::path]` operations into the module's `Api` for the OpenAPI
/// document.
macro_rules! api_routes {
    ($($path:literal $(with $data:expr),* => $($method:ident $handler:ident),+;)+) => {
        /// Registers the routes.
        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
            $(cfg.service($crate::routes::resource($path)$(.app_data($data))*$(.$method($handler))+);)+
        }

        /// This module's operations, for the OpenAPI document.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($handler),+),+))]
        pub struct Api;
    };
}
pub(crate) use api_routes;

/// The modules served under `/api/v1`, named once: registered in [`configure`], documented by
/// [`operations`].
macro_rules! api_modules {
    ($($module:ident),+ $(,)?) => {
        fn configure_v1(cfg: &mut web::ServiceConfig) {
            $(cfg.configure($module::configure);)+
        }

        /// Every operation the server serves, module by module (health included).
        pub fn operations() -> Vec<utoipa::openapi::OpenApi> {
            use utoipa::OpenApi;
            vec![health::Api::openapi(), $($module::Api::openapi()),+]
        }
    };
}

api_modules!(
    auth,
    me,
    access_tokens,
    calendar,
    second_factor,
    users,
    teams,
    sessions,
    session_templates,
    evaluation_forms,
    evaluations,
    // Before the lists, whose `/{id}` would take `export.xlsx` for an id.
    exports,
    action_items,
    action_plans,
    quick_notes,
    metrics,
    metrics_csv,
    governance,
    notifications,
    dashboard,
    search,
    webhooks,
    live,
);

/// Registers every route. API routes live under `/api/v1`; anything else under `/api` is a
/// problem+json 404, never the SPA.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::configure)
        .configure(crate::openapi::docs::configure(operations))
        .service(
            web::scope("/api/v1")
                .configure(configure_v1)
                .default_service(web::to(unmatched)),
        )
        .service(web::scope("/api").default_service(web::to(unmatched)));
}

/// A resource whose unsupported methods answer a problem+json 405 naming, in `Allow`, the
/// methods it has (RFC 9110).
pub fn resource(path: &str) -> ApiResource {
    ApiResource {
        inner: web::resource(path),
        allow: Vec::new(),
    }
}

/// A resource being built by [`resource`]; it registers like an actix `Resource`.
pub struct ApiResource {
    inner: actix_web::Resource,
    allow: Vec<&'static str>,
}

impl ApiResource {
    fn route<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.push(match method {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::PATCH => "PATCH",
            _ => "DELETE",
        });
        self.inner = self.inner.route(web::method(method).to(handler));
        self
    }

    /// Adds a `GET` handler.
    pub fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::GET, handler)
    }

    /// Adds a `POST` handler.
    pub fn post<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::POST, handler)
    }

    /// Adds a `PUT` handler.
    pub fn put<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PUT, handler)
    }

    /// Adds a `PATCH` handler.
    pub fn patch<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PATCH, handler)
    }

    /// Adds a `DELETE` handler.
    pub fn delete<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::DELETE, handler)
    }

    /// Data for this resource's handlers only (a larger body limit).
    pub fn app_data<U: 'static>(mut self, data: U) -> Self {
        self.inner = self.inner.app_data(data);
        self
    }
}

impl HttpServiceFactory for ApiResource {
    fn register(self, config: &mut AppService) {
        let allow = self.allow.join(", ");
        self.inner
            .default_service(web::to(move || {
                let allow = allow.clone();
                async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
            }))
            .register(config);
    }
}

/// Unknown API paths are 404.
async fn unmatched() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
