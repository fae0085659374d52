//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

/// The HTTP contract of Coaching Hub, v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "Coaching Hub API", description = "Coaching sessions, action plans, quick notes and scorecards for contact centres."),
    paths(
        routes::auth::login,
        routes::auth::refresh,
        routes::auth::logout,
        routes::me::get_me,
        routes::me::change_password,
        routes::users::list_users,
        routes::users::create_user,
        routes::users::get_user,
        routes::users::update_user,
        routes::users::deactivate_user,
        routes::users::reactivate_user,
        routes::teams::list_teams,
        routes::teams::create_team,
        routes::teams::get_team,
        routes::teams::update_team,
        routes::sessions::list_sessions,
        routes::sessions::schedule_session,
        routes::sessions::get_session,
        routes::sessions::update_session,
        routes::sessions::prepare_session,
        routes::sessions::start_session,
        routes::sessions::complete_session,
        routes::sessions::cancel_session,
        routes::sessions::mark_no_show,
        routes::sessions::acknowledge_session,
        routes::action_items::list_action_items,
        routes::action_items::create_action_item,
        routes::action_items::get_action_item,
        routes::action_items::update_action_item,
        routes::action_plans::list_action_plans,
        routes::action_plans::create_action_plan,
        routes::action_plans::get_action_plan,
        routes::action_plans::update_action_plan,
        routes::action_plans::decide_action_plan,
        routes::action_plans::add_checkpoint,
        routes::quick_notes::list_quick_notes,
        routes::quick_notes::create_quick_note,
        routes::quick_notes::get_quick_note,
        routes::quick_notes::update_quick_note,
        routes::quick_notes::delete_quick_note,
        routes::metrics::list_agent_metrics,
        routes::metrics::upsert_agent_metrics,
        routes::metrics::get_agent_scorecard,
        routes::metrics::get_team_scorecard,
        routes::metrics::get_scorecard_config,
        routes::metrics::update_scorecard_config,
        routes::metrics::create_kpi,
        routes::metrics::update_kpi,
        routes::metrics_csv::import_metrics,
        routes::metrics_csv::export_metrics,
        routes::metrics_csv::get_import_job,
        routes::dashboard::get_dashboard,
        routes::search::search,
        routes::governance::list_audit,
        routes::governance::verify_audit,
        routes::governance::list_announcements,
        routes::governance::create_announcement,
        routes::health::healthz,
        routes::health::readyz,
    ),
    components(schemas(dto::Problem, dto::ErrorCode, dto::Event)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Signing in, tokens, the signed-in actor"),
        (name = "people", description = "Users and teams"),
        (name = "coaching", description = "Sessions, action items, quick notes"),
        (name = "performance", description = "Monthly KPIs and scorecards"),
        (name = "governance", description = "Audit log and announcements"),
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

/// The document as JSON.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
