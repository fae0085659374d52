//! People: list, create, read, edit, deactivate, reactivate, reset a password, export, erase.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use domain::UserId;
use dto::query::UserQuery;
use dto::{CreateUser, Page, UpdateUser, User};
use persistence::PageRequest;
use persistence::users::{self, NewUser, UserChanges, UserFilter, UserRow};
use uuid::Uuid;

use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{self, IfMatch, Valid, ValidQuery, located, versioned};
use crate::state::AppState;
use crate::views::wire::{self, ToDto};

crate::routes::api_routes! {
    "/users" => get list_users, post create_user;
    "/users/{id}" => get get_user, patch update_user;
    "/users/{id}/deactivate" => post deactivate_user;
    "/users/{id}/reactivate" => post reactivate_user;
    "/users/{id}/password-reset" => post reset_password;
    "/users/{id}/password-link" => post send_password_link;
    "/users/{id}/export" => get export_user;
    "/users/{id}/erase" => post erase_user;
}

/// The characters a temporary password is made of (no look-alikes: 0/O, 1/l/I).
const TEMPORARY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A 16-character temporary password from the operating system's random source (about 92
/// bits).
fn temporary_password() -> String {
    crate::auth::tokens::random_text(TEMPORARY_ALPHABET, 16)
}

/// Everything stored about a person, or written by them, as JSON: one section per kind of
/// record (privacy law's right of access). The person themselves, or an admin; stored secrets are
/// left out; the export is audited.
#[utoipa::path(get, path = "/api/v1/users/{id}/export", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "One array per kind of record, and `person`", body = Object)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn export_user(
    actor: Actor,
    id: web::Path<UserId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let id = *id;
    let export = persistence::privacy::export(&app.db, &actor, id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"coaching-hub-export-{id}.json\""),
        ))
        .json(export))
}

/// Erase a person (admin; not oneself; privacy law's right to erasure): their name, email and
/// credentials, and the text of every record about them, are replaced by a tombstone at once, in
/// one transaction; their scores stay, so team figures stay true. Cannot be undone. `If-Match`
/// (optional) guards against erasing a version you have not seen.
#[utoipa::path(post, path = "/api/v1/users/{id}/erase", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The tombstone", body = dto::User),
        (status = 409, description = "Already erased")))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn erase_user(
    actor: Actor,
    id: web::Path<UserId>,
    if_match: IfMatch,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let row = persistence::privacy::erase(&app.db, &actor, *id, if_match.0).await?;
    tracing::info!(user.id = %row.user.id, "person erased");
    Ok(changed(&app, StatusCode::OK, &row))
}

/// Give a person a new temporary password, shown once in the answer (admin; not oneself). Every
/// sign-in session and personal token of theirs ends at once; the password works for 7 days,
/// and signing in with it asks for a new one first (`new_password` in the login answer).
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = dto::TemporaryPassword)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn reset_password(
    actor: Actor,
    id: web::Path<UserId>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<dto::TemporaryPassword>> {
    let id = *id;
    let password = temporary_password();
    let hash = app.passwords.hash(password.clone()).await?;
    users::reset_password(&app.db, &actor, id, hash).await?;
    app.publish(dto::Event::SignedOutElsewhere {
        user_id: id,
        kept_session_id: Uuid::nil(),
    });
    tracing::info!(user.id = %id, "password reset");
    Ok(web::Json(dto::TemporaryPassword {
        temporary_password: password,
    }))
}

/// Email a person a link that sets their password (valid 30 minutes, once), instead of telling
/// them a temporary password: admins, as for a reset. Their sessions end when the link is used.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-link", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 202, description = "The link is on its way"),
        (status = 404, description = "No such person in scope, or email is off on this server", body = dto::Problem),
        (status = 409, description = "The person is deactivated", body = dto::Problem),
    ))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn send_password_link(
    actor: Actor,
    id: web::Path<UserId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    if app.config.email.is_none() {
        return Err(ApiError::NotFound);
    }
    let row = users::password_resettable(&app.db, &actor, *id).await?;
    if !row.user.active {
        return Err(ApiError::Conflict {
            field: Some("id"),
            message: "this person is deactivated: reactivate them first".into(),
        });
    }
    crate::auth::password_links::send_for_admin(app.clone(), actor.origin.clone(), row);
    Ok(HttpResponse::Accepted().finish())
}

fn respond(status: StatusCode, row: &UserRow) -> HttpResponse {
    versioned(status, row.user.version, &row.to_dto())
}

/// Publishes the change, then answers with the person.
fn changed(app: &AppState, status: StatusCode, row: &UserRow) -> HttpResponse {
    let user = row.to_dto();
    let version = user.version;
    extract::changed(app, status, version, user, dto::Event::UserChanged)
}

/// List the people in my scope, by name.
#[utoipa::path(get, path = "/api/v1/users", tag = "people",
    params(UserQuery),
    responses((status = 200, body = inline(Page<User>))))]
#[tracing::instrument(skip_all)]
pub async fn list_users(
    actor: Actor,
    query: ValidQuery<UserQuery>,
    app: web::Data<AppState>,
) -> ApiResult<web::Json<Page<User>>> {
    let query = query.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = UserFilter {
        role: query.role,
        team_id: query.team_id,
        active: query.active,
        q: query.q,
    };
    let (rows, next_cursor) = users::list(&app.db, &actor, &filter, &page).await?;
    Ok(web::Json(Page {
        items: wire::all(&rows),
        next_cursor,
    }))
}

/// Create a person. Admins create anyone; managers create agents in the teams they manage.
#[utoipa::path(post, path = "/api/v1/users", tag = "people",
    request_body = dto::CreateUser,
    responses((status = 201, body = dto::User), (status = 409, body = dto::Problem)))]
#[tracing::instrument(skip_all)]
pub async fn create_user(
    actor: Actor,
    body: Valid<CreateUser>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    // Asked before the password is hashed, so a refused request costs no hashing.
    domain::policy::authorize_new_user(&actor, body.role, body.team_id)?;
    let password_hash = match body.password {
        Some(password) => Some(app.passwords.hash(password).await?),
        None => None,
    };
    let new = NewUser {
        email: body.email,
        name: body.name,
        role: body.role,
        password_hash,
        temporary: true,
        team_id: body.team_id,
        evaluated_team_ids: body.team_ids,
        employee_id: body.employee_id,
        department: body.department,
    };
    let row = users::create(&app.db, &actor, new).await?;
    tracing::info!(user.id = %row.user.id, role = %body.role, "user created");
    let location = format!("/api/v1/users/{}", row.user.id);
    Ok(located(changed(&app, StatusCode::CREATED, &row), &location))
}

/// Read a person in my scope.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = dto::User)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn get_user(
    actor: Actor,
    id: web::Path<UserId>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (row, _) = users::find_in_scope(&app.db, &actor, *id).await?;
    Ok(respond(StatusCode::OK, &row))
}

/// Edit a person. Each field needs its own permission: name (self, manager, admin), employee
/// id and department (manager, admin), team (manager of both teams, admin), role (admin).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "people",
    params(("id" = Uuid, Path, description = "User id"), ("If-Match" = Option<String>, Header, description = "ETag of the version edited")),
    request_body = dto::UpdateUser,
    responses((status = 200, body = dto::User)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn update_user(
    actor: Actor,
    id: web::Path<UserId>,
    if_match: IfMatch,
    body: Valid<UpdateUser>,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let version = if_match.or_body(body.version)?;
    crate::http::extract::require_changes(&body)?;
    let changes = UserChanges {
        name: body.name,
        role: body.role,
        team_id: body.team_id,
        evaluated_team_ids: body.team_ids,
        employee_id: body.employee_id,
        department: body.department,
    };
    let row = users::update(&app.db, &actor, *id, version, changes).await?;
    Ok(changed(&app, StatusCode::OK, &row))
}

async fn set_active(
    actor: Actor,
    id: UserId,
    if_match: IfMatch,
    app: &AppState,
    active: bool,
) -> ApiResult<HttpResponse> {
    let row = users::set_active(&app.db, &actor, id, if_match.0, active).await?;
    tracing::info!(user.id = %id, active, "user activation changed");
    Ok(changed(app, StatusCode::OK, &row))
}

/// Deactivate a person: they are signed out everywhere at once and cannot sign in.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = dto::User)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn deactivate_user(
    actor: Actor,
    id: web::Path<UserId>,
    if_match: IfMatch,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    set_active(actor, *id, if_match, &app, false).await
}

/// Reactivate a deactivated person.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "people",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = dto::User)))]
#[tracing::instrument(skip_all, fields(user.id = %id))]
pub async fn reactivate_user(
    actor: Actor,
    id: web::Path<UserId>,
    if_match: IfMatch,
    app: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    set_active(actor, *id, if_match, &app, true).await
}
