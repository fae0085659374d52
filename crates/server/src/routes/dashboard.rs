//! The actor's home page.

use actix_web::{HttpResponse, web};

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

crate::routes::api_routes! {
    "/dashboard" => get get_dashboard;
}

/// What to look at now: upcoming sessions, sign-offs pending, overdue items, agents whose score
/// dropped or is under target, the team's trend (empty with `ENABLE_ANALYTICS=false`).
/// Everything within the actor's scope.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "performance",
    responses((status = 200, body = dto::Dashboard)))]
#[tracing::instrument(skip_all)]
pub async fn get_dashboard(actor: Actor, app: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let build = async {
        let catalogue = app.catalogue.current(&app.db).await?;
        Ok::<_, ApiError>(
            crate::views::dashboard::build(&app.db, &actor, &catalogue, &app.config).await?,
        )
    };
    let dashboard = app.caches.dashboard(actor.user.id, build).await?;
    Ok(HttpResponse::Ok().json(&*dashboard))
}
