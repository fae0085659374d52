//! The signed-in actor.

use actix_web::{HttpResponse, web};
use domain::Action;
use dto::{ChangePassword, Me, TeamSummary};
use persistence::{teams, users};

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Valid;
use crate::state::AppState;
use crate::views::wire::ToDto;

crate::routes::api_routes! {
    "/me" => get get_me;
    "/me/password" => post change_password;
}

/// Who am I: the user, their teams and what their role may do.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = dto::Me)))]
#[tracing::instrument(skip_all)]
pub async fn get_me(actor: Actor, app: web::Data<AppState>) -> ApiResult<web::Json<Me>> {
    let row = users::find(&app.db, actor.user.id).await?;
    let team = match row.team_id {
        Some(id) => teams::names(&app.db, &[id])
            .await?
            .remove(&id)
            .map(|name| TeamSummary { id, name }),
        None => None,
    };
    Ok(web::Json(Me {
        user: row.to_dto(),
        led_team_ids: actor.led_teams.clone(),
        managed_team_ids: actor.managed_teams.clone(),
        evaluated_team_ids: actor.evaluated_teams.clone(),
        team,
        permissions: Action::ALL
            .iter()
            .copied()
            .filter(|action| Me::role_may(actor.role, *action))
            .collect(),
    }))
}

/// Change my password; every other sign-in session ends.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth",
    request_body = dto::ChangePassword,
    responses((status = 204), (status = 429, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn change_password(
    actor: Actor,
    body: Valid<ChangePassword>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let ChangePassword {
        current_password,
        new_password,
    } = body.into_inner();
    actor.require_person()?;
    app.auth_limits.admit_password_change(actor.user.id).await?;
    let current_hash = actor.user.password_hash.clone();
    if !app.passwords.verify(current_hash, current_password).await? {
        return Err(ApiError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = app.passwords.hash(new_password).await?;
    let (id, keep) = (actor.user.id, actor.session_id);
    users::change_password(&app.db, &actor.origin, id, hash, keep).await?;
    app.publish(dto::Event::SignedOutElsewhere {
        user_id: actor.user.id,
        kept_session_id: actor.session_id,
    });
    Ok(HttpResponse::NoContent().finish())
}
