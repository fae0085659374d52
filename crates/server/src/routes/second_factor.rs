//! A person's own second factor (`/api/v1/me/second-factor`), an admin removing someone's (a lost
//! phone), and which roles must use one (`/api/v1/settings/second-factor`, admins).

use actix_web::{HttpResponse, web};
use chrono::Utc;
use domain::UserId;
use domain::{Action, Target, authorize};
use dto::{ConfirmSecondFactor, RecoveryCodes, SecondFactorRoles, SecondFactorStatus};
use persistence::second_factors;
use persistence::second_factors::Removal;

use crate::auth::Actor;
use crate::auth::second_factor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Valid;
use crate::state::AppState;

crate::routes::api_routes! {
    "/me/second-factor" => get get_second_factor, post enrol_second_factor;
    "/me/second-factor/confirm" => post confirm_second_factor;
    "/me/second-factor/disable" => post disable_second_factor;
    "/users/{id}/second-factor" => delete remove_second_factor;
    "/settings/second-factor" => get get_second_factor_roles, put set_second_factor_roles;
}

/// Whether my sign-in asks for a code, whether my role must, and how many recovery codes I have
/// left.
#[utoipa::path(get, path = "/api/v1/me/second-factor", tag = "auth",
    responses((status = 200, body = dto::SecondFactorStatus)))]
#[tracing::instrument(skip_all)]
pub async fn get_second_factor(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<SecondFactorStatus>> {
    actor.require_person()?;
    let id = actor.user.id;
    let factor = second_factors::find(&app.db, id).await?;
    Ok(web::Json(SecondFactorStatus {
        enabled: factor.is_some_and(|f| f.confirmed_at.is_some()),
        required: second_factors::required_for(&app.db, actor.role).await?,
        recovery_codes_left: second_factors::recovery_codes_left(&app.db, id).await?,
    }))
}

/// Start setting up an authenticator app: its secret and QR code. Nothing changes at sign-in
/// until a code from the app confirms it.
#[utoipa::path(post, path = "/api/v1/me/second-factor", tag = "auth",
    responses((status = 201, body = dto::SecondFactorEnrolment), (status = 409, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn enrol_second_factor(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    actor.require_person()?;
    let secret = second_factor::new_secret();
    second_factors::enrol(&app.db, actor.user.id, secret.clone()).await?;
    let enrolment = second_factor::enrolment(&secret, &actor.user.email)?;
    Ok(HttpResponse::Created().json(enrolment))
}

/// Confirm the authenticator app with a code from it: sign-in asks for a code from now on, and
/// the answer carries ten recovery codes, this once.
#[utoipa::path(post, path = "/api/v1/me/second-factor/confirm", tag = "auth",
    request_body = dto::ConfirmSecondFactor,
    responses((status = 200, body = dto::RecoveryCodes), (status = 409, body = dto::Problem), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn confirm_second_factor(
    actor: Actor,
    body: Valid<ConfirmSecondFactor>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<RecoveryCodes>> {
    actor.require_person()?;
    let id = actor.user.id;
    let factor = second_factors::find(&app.db, id)
        .await?
        .ok_or_else(|| ApiError::Conflict {
            field: None,
            message: "start setting up an authenticator first".into(),
        })?;
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or_default();
    let step = second_factor::matching_step(&factor.secret, &actor.user.email, &body.code, now)?
        .ok_or_else(|| ApiError::invalid("code", "is not the code your app shows now"))?;
    let codes = second_factor::recovery_codes();
    let hashes = codes
        .iter()
        .map(|code| app.recovery_codes.hash(code))
        .collect();
    if !second_factors::confirm(&app.db, &actor.origin, id, actor.session_id, step, hashes).await? {
        return Err(second_factors::already_set_up().into());
    }
    app.publish(signed_out_elsewhere(&actor));
    Ok(web::Json(RecoveryCodes {
        recovery_codes: codes,
    }))
}

/// Turn my second factor off, proving it with a current code (not while my role must use one).
#[utoipa::path(post, path = "/api/v1/me/second-factor/disable", tag = "auth",
    request_body = dto::ConfirmSecondFactor,
    responses((status = 204), (status = 409, body = dto::Problem), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn disable_second_factor(
    actor: Actor,
    body: Valid<ConfirmSecondFactor>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    actor.require_person()?;
    let id = actor.user.id;
    if second_factors::required_for(&app.db, actor.role).await? {
        return Err(second_factors::required_by_role().into());
    }
    let factor = second_factors::find_confirmed(&app.db, id).await?;
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or_default();
    let wrong_code = || ApiError::invalid("code", "is not the code your app shows now");
    let step = second_factor::matching_step(&factor.secret, &actor.user.email, &body.code, now)?
        .ok_or_else(wrong_code)?;
    let removal = Removal::ByOwner {
        step,
        keep: actor.session_id,
    };
    if !second_factors::remove(&app.db, &actor.origin, id, removal).await? {
        return Err(wrong_code());
    }
    app.publish(signed_out_elsewhere(&actor));
    Ok(HttpResponse::NoContent().finish())
}

/// Remove a person's second factor (admin, not oneself): for a lost phone without recovery
/// codes. Their next sign-in asks for a password only, or sets one up again where their role
/// needs it.
#[utoipa::path(delete, path = "/api/v1/users/{id}/second-factor", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 404, body = dto::Problem)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn remove_second_factor(
    actor: Actor,
    id: web::Path<UserId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let removal = Removal::ByAdmin { actor: &actor };
    if !second_factors::remove(&app.db, &actor.origin, *id, removal).await? {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// The roles that must sign in with a second factor.
#[utoipa::path(get, path = "/api/v1/settings/second-factor", tag = "governance",
    responses((status = 200, body = dto::SecondFactorRoles)))]
#[tracing::instrument(skip_all)]
pub async fn get_second_factor_roles(
    actor: Actor,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<SecondFactorRoles>> {
    authorize(&actor, Action::ConfigureSignIn, &Target::Global)?;
    Ok(web::Json(SecondFactorRoles {
        roles: second_factors::required_roles(&app.db).await?,
    }))
}

/// Set the roles that must sign in with a second factor: their people set one up at their next
/// sign-in.
#[utoipa::path(put, path = "/api/v1/settings/second-factor", tag = "governance",
    request_body = dto::SecondFactorRoles,
    responses((status = 200, body = dto::SecondFactorRoles), (status = 422, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn set_second_factor_roles(
    actor: Actor,
    body: Valid<SecondFactorRoles>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<SecondFactorRoles>> {
    authorize(&actor, Action::ConfigureSignIn, &Target::Global)?;
    let roles = second_factors::set_required_roles(&app.db, &actor.origin, &body.roles).await?;
    Ok(web::Json(SecondFactorRoles { roles }))
}

/// Every sign-in of the actor's but this one ended: their caches and live connections go.
fn signed_out_elsewhere(actor: &Actor) -> dto::Event {
    dto::Event::SignedOutElsewhere {
        user_id: actor.user.id,
        kept_session_id: actor.session_id,
    }
}
