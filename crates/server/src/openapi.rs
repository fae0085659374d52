//! The OpenAPI document, generated from the handlers' annotations.

pub mod docs;
mod limits;

use serde_json::{Map, Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The HTTP contract of Coaching Hub, v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "Coaching Hub API", description = "Coaching sessions, action plans, quick notes, scorecards and quality evaluations for contact centres."),
    components(schemas(dto::Problem, dto::ErrorCode, dto::Event, dto::LiveEvent, dto::LiveControl)),
    // Every operation needs credentials unless it says `security(())`.
    security(("bearer" = []), ("cookie" = [])),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Signing in, tokens, the signed-in actor"),
        (name = "people", description = "Users and teams"),
        (name = "coaching", description = "Sessions, action items, quick notes"),
        (name = "performance", description = "Monthly KPIs and scorecards"),
        (name = "quality", description = "Evaluation forms and evaluations of interactions"),
        (name = "governance", description = "Audit log and announcements"),
        (name = "calendar", description = "The signed-in person's calendar feed"),
        (name = "webhooks", description = "Outbound webhooks: endpoints told of changes, signed per Standard Webhooks"),
        (name = "notifications", description = "What happened to the signed-in person"),
        (name = "live", description = "Live updates over a WebSocket"),
        (name = "operations", description = "Health and readiness"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::cookies::ACCESS,
                "Browser session; writes also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// The document of `operations` as served: generated from the annotations, then with the error
/// answers every operation can give declared once, here, for all (see [`declare_problems`]).
pub fn document(operations: Vec<utoipa::openapi::OpenApi>) -> Value {
    let mut api = ApiDoc::openapi();
    for operations in operations {
        api.merge(operations);
    }
    let mut doc = serde_json::to_value(api).unwrap_or(Value::Null);
    declare_problems(&mut doc);
    limits::declare(&mut doc);
    declare_patches(&mut doc);
    doc
}

/// A partial update must change something (`extract::require_changes`): its schema says so as
/// "at least one of its fields besides `version`".
fn declare_patches(doc: &mut Value) {
    for name in dto::PATCH_BODIES {
        let Some(schema) = doc
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let fields: Vec<Value> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| {
                properties
                    .keys()
                    .filter(|field| *field != "version")
                    .map(|field| json!({ "required": [field] }))
                    .collect()
            })
            .unwrap_or_default();
        schema.insert("anyOf".to_owned(), Value::Array(fields));
    }
}

/// Declares the problem answers the server gives, by what an operation has:
///
/// - every error body is `application/problem+json` (RFC 9457), never `application/json`;
/// - 503 everywhere (the database is out of reach); 401 and 403 where credentials are needed;
/// - 400, 413, 415 and 422 where a body is read; 422 where query parameters are read;
/// - 404 where a path names a record; 409 where a write names one (its state forbids it);
/// - 412 and 428 on writes to a versioned record (`PATCH`, `DELETE`, lifecycle `POST`s, and any
///   write that takes `If-Match`);
/// - 429 on the rate-limited sign-in operations (a password, a second factor's code, a password
///   change).
fn declare_problems(doc: &mut Value) {
    let default_security = doc.get("security").cloned();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if let Some(operation) = operation.as_object_mut() {
                declare_operation(path, method, operation, default_security.as_ref());
            }
        }
    }
}

fn declare_operation(
    path: &str,
    method: &str,
    operation: &mut Map<String, Value>,
    default_security: Option<&Value>,
) {
    // `[{}]` (from `security(())`) is "no credentials"; no `security` at all is the default.
    let secured = operation
        .get("security")
        .or(default_security)
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
        });
    let params = |place: &str| {
        operation
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p["in"] == place))
    };
    let (query, in_path) = (params("query"), params("path"));
    let body = operation.contains_key("requestBody");
    let write = method != "get";
    // Based on a version it names in `If-Match` (the scorecard's settings, as a whole).
    let if_match = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| {
            ps.iter()
                .any(|p| p["in"] == "header" && p["name"] == "If-Match")
        });
    // `/things/{id}` itself, or an action on it (`/sessions/{id}/start`).
    let versioned = (in_path
        && matches!(method, "patch" | "delete" | "post" | "put")
        && !path.ends_with("/checkpoints"))
        || (write && if_match);
    let mut statuses: Vec<u16> = vec![503];
    if secured {
        statuses.extend([401, 403]);
    }
    if body {
        statuses.extend([400, 413, 415, 422]);
    }
    if query {
        statuses.push(422);
    }
    if in_path {
        statuses.push(404);
    }
    if write && in_path {
        statuses.push(409);
    }
    if versioned {
        statuses.extend([412, 428]);
    }
    if matches!(
        path,
        "/api/v1/auth/login" | "/api/v1/auth/second-factor" | "/api/v1/me/password"
    ) {
        statuses.push(429);
    }
    let responses = operation
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    for status in statuses {
        responses.entry(status.to_string()).or_insert_with(|| {
            json!({ "description": dto::ErrorCode::for_status(status).map_or("Error", dto::ErrorCode::title) })
        });
    }
    let problem = json!({ "schema": { "$ref": "#/components/schemas/Problem" } });
    for (status, response) in responses.iter_mut() {
        if !status.starts_with('4') && !status.starts_with('5') {
            continue;
        }
        if let Some(response) = response.as_object_mut() {
            let content = response
                .entry("content")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(content) = content.as_object_mut() {
                content.remove("application/json");
                content.insert("application/problem+json".to_owned(), problem.clone());
            }
        }
    }
}
