//! Setting a password with a one-time link (`persistence::password_links`): "forgot password"
//! and an admin's "send a link" email one; a sign-in with a temporary password is handed one,
//! and the new password completes that sign-in.
//!
//! The email is sent at once by the instance that made the link, never queued: the token exists
//! only in the email, so nothing stored can give it away, and a lost email is asked for again.
//! The answer to "forgot password" does not wait for the lookup or the email, so it reads and
//! times the same whether or not the address has an account.

use actix_web::{HttpMessage, HttpRequest, web};
use chrono::{Duration, Utc};
use persistence::audit::Origin;
use persistence::password_links::{self, Purpose};
use persistence::users::{self, UserRow};

use crate::auth::tokens::{hash_token, random_token};
use crate::http::client_address::client_ip;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long an emailed link works.
const EMAILED_FOR: Duration = Duration::minutes(30);
/// How long a sign-in with a temporary password waits for the new one.
const TEMPORARY_FOR: Duration = Duration::minutes(15);

/// Who (nobody signed in yet), from where, which request: for the audit log.
fn anonymous(req: &HttpRequest, app: &AppState) -> Origin {
    Origin {
        actor_id: None,
        ip: Some(client_ip(req, app.config.http.trust_proxy)),
        request_id: req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string),
    }
}

/// The step a right temporary password leads to: a token for choosing a new password, or a
/// refusal once the temporary password has expired.
pub async fn replace_temporary(
    app: &AppState,
    req: &HttpRequest,
    row: &UserRow,
) -> ApiResult<Option<dto::NewPasswordChallenge>> {
    let Some(until) = row.user.temporary_password_until else {
        return Ok(None);
    };
    if until <= Utc::now() {
        return Err(ApiError::Unauthenticated(
            "your temporary password has expired: ask an administrator for a new one",
        ));
    }
    let token = random_token();
    let origin = Origin {
        actor_id: Some(row.user.id),
        ..anonymous(req, app)
    };
    password_links::issue(
        &app.db,
        &origin,
        row.user.id,
        Purpose::ReplaceTemporary,
        hash_token(&token),
        Utc::now() + TEMPORARY_FOR,
    )
    .await?;
    Ok(Some(dto::NewPasswordChallenge {
        token,
        expires_in: TEMPORARY_FOR.num_seconds(),
    }))
}

/// "Forgot password": when `email` is an account that may sign in, emails it a link, in the
/// background; the caller answers the same either way.
pub fn email_if_known(app: web::Data<AppState>, req: &HttpRequest, email: String) {
    let origin = anonymous(req, &app);
    actix_web::rt::spawn(async move {
        let found = users::find_by_email(&app.db, &email).await;
        match found {
            Ok(Some(row)) if row.user.active && row.user.erased_at.is_none() => {
                email_link(&app, &origin, &row, Purpose::Forgotten).await;
            }
            Ok(_) => tracing::info!("password link asked for an address with no account"),
            Err(error) => tracing::warn!(%error, "password link not sent"),
        }
    });
}

/// An admin sends `row` a link (the admin's `origin`), in the background.
pub fn send_for_admin(app: web::Data<AppState>, origin: Origin, row: UserRow) {
    actix_web::rt::spawn(async move {
        email_link(&app, &origin, &row, Purpose::SentByAdmin).await;
    });
}

async fn email_link(app: &AppState, origin: &Origin, row: &UserRow, purpose: Purpose) {
    let token = random_token();
    let stored = password_links::issue(
        &app.db,
        origin,
        row.user.id,
        purpose,
        hash_token(&token),
        Utc::now() + EMAILED_FOR,
    )
    .await;
    let sent = match stored {
        Ok(()) => crate::workers::mailer::send_password_link(
            &app.config,
            row,
            &token,
            purpose,
            EMAILED_FOR,
        )
        .await
        .map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match sent {
        Ok(()) => tracing::info!(user.id = %row.user.id, "password link emailed"),
        Err(error) => tracing::warn!(user.id = %row.user.id, %error, "password link not sent"),
    }
}

/// Sets the password of the link `token` belongs to (every sign-in session and personal access
/// token of theirs ends): the person, who is then signed in as after a right password.
pub async fn redeem(
    app: &AppState,
    req: &HttpRequest,
    token: &str,
    new_password: String,
) -> ApiResult<UserRow> {
    let hash = app.passwords.hash(new_password).await?;
    let origin = anonymous(req, app);
    let row = password_links::redeem(&app.db, &origin, &hash_token(token), hash, Utc::now())
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "token",
                "this link was used already or has expired: ask for a new one",
            )
        })?;
    app.publish(dto::Event::SignedOutElsewhere {
        user_id: row.user.id,
        kept_session_id: uuid::Uuid::nil(),
    });
    Ok(row)
}
