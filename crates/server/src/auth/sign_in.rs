//! Signing in with a password or single sign-on (and a second factor where one is set up or
//! required) and rotating refresh tokens: the flows behind `/auth/login`, `/auth/sso/callback`,
//! `/auth/second-factor` and `/auth/refresh`, with their rate limits and the checks on the account.

use actix_web::{HttpMessage, HttpRequest};
use chrono::Utc;
use persistence::StoreError;
use persistence::audit;
use persistence::auth_sessions::{self, Origin, Rotation};
use persistence::second_factors;
use persistence::sign_in_challenges::{self, Attempt};
use persistence::sso_identities;
use persistence::users::{self, UserRow};

use crate::auth::sso::Identity;
use crate::auth::tokens::{hash_token, random_token};
use crate::auth::{cookies, second_factor};
use crate::http::client_address::{client_ip, client_network};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use uuid::Uuid;

const BAD_CREDENTIALS: &str = "email or password is incorrect";
const WRONG_CODE: &str = "the code is not right, or was used already";

/// A fresh pair of credentials.
#[derive(Debug)]
pub struct Credentials {
    /// The access token (JWT).
    pub access: String,
    /// The refresh token.
    pub refresh: String,
}

/// Checks the password of `email` (rate-limited per account and address): the account, when
/// the password is right and the account may sign in.
pub async fn check_password(
    app: &AppState,
    req: &HttpRequest,
    email: &str,
    password: String,
) -> ApiResult<UserRow> {
    let email = users::normalise_email(email);
    let network = client_network(req, app.config.http.trust_proxy);
    app.auth_limits.admit_login(&email, &network).await?;
    let account = users::find_by_email(&app.db, &email).await?;
    let hash = account
        .as_ref()
        .and_then(|row| row.user.password_hash.clone());
    let verified = app.passwords.verify(hash, password).await?;
    match account {
        Some(row) if verified && may_sign_in(&row) => Ok(row),
        _ => {
            app.auth_limits.login_failed(&email, &network).await;
            Err(ApiError::Unauthenticated(BAD_CREDENTIALS))
        }
    }
}

/// The account a provider's identity signs in as: the one linked to it, else the active
/// account with the email the provider verified, linked from then on. Never a new account.
pub async fn sso_account(
    app: &AppState,
    req: &HttpRequest,
    issuer: &str,
    identity: Identity,
) -> ApiResult<UserRow> {
    let row = match sso_identities::find_user(&app.db, issuer, &identity.subject).await? {
        Some(row) => row,
        None => {
            let email = match identity.email {
                Some(email) if identity.email_verified => email,
                Some(_) => {
                    return Err(ApiError::Unauthenticated(
                        "your sign-in provider has not verified your email address",
                    ));
                }
                None => {
                    return Err(ApiError::Unauthenticated(
                        "your sign-in provider did not share your email address",
                    ));
                }
            };
            let row = users::find_by_email(&app.db, &email)
                .await?
                .filter(may_sign_in)
                .ok_or(ApiError::Unauthenticated(
                    "no active account here has the email your sign-in provider gave; ask an \
                     administrator to add you",
                ))?;
            let origin = audit::Origin {
                actor_id: Some(row.user.id),
                ip: Some(client_ip(req, app.config.http.trust_proxy)),
                request_id: request_id(req),
            };
            if !sso_identities::link(&app.db, &origin, row.user.id, issuer, &identity.subject)
                .await?
            {
                return Err(ApiError::Unauthenticated(
                    "this account signs in with another single sign-on identity",
                ));
            }
            row
        }
    };
    if !may_sign_in(&row) {
        return Err(ApiError::Unauthenticated("account deactivated"));
    }
    Ok(row)
}

fn may_sign_in(row: &UserRow) -> bool {
    row.user.active && row.user.erased_at.is_none()
}

/// Where a right password leads: `None` straight in, or the challenge of a second factor (with
/// an enrolment when the person's role needs one they have not set up).
pub async fn second_step(
    app: &AppState,
    row: &UserRow,
) -> ApiResult<Option<dto::SecondFactorChallenge>> {
    let user_id = row.user.id;
    let factor = second_factors::find(&app.db, user_id).await?;
    let enrolment = match factor {
        Some(factor) if factor.confirmed_at.is_some() => None,
        _ if second_factors::required_for(&app.db, row.role()).await? => {
            let secret = second_factor::new_secret();
            second_factors::enrol(&app.db, user_id, secret.clone()).await?;
            Some(second_factor::enrolment(&secret, &row.user.email)?)
        }
        _ => return Ok(None),
    };
    let challenge = random_token();
    let expires_at = Utc::now() + chrono::Duration::seconds(second_factor::CHALLENGE_SECS);
    sign_in_challenges::issue(&app.db, user_id, hash_token(&challenge), expires_at).await?;
    Ok(Some(dto::SecondFactorChallenge {
        challenge,
        expires_in: second_factor::CHALLENGE_SECS,
        enrolment,
    }))
}

/// A sign-in that reached its second step, completed with a code.
#[derive(Debug)]
pub struct CodeSignIn {
    /// The new session's credentials.
    pub credentials: Credentials,
    /// Who signed in.
    pub row: UserRow,
    /// Recovery codes, when the code confirmed an enrolment: shown once.
    pub recovery_codes: Option<Vec<String>>,
}

/// Completes the sign-in `challenge` began with `code`: a TOTP code not accepted before (which
/// confirms an enrolment in progress), or an unused recovery code. A challenge is used once and
/// allows a few codes; wrong codes count against the person's hourly limit
/// (`persistence::sign_in_challenges`) and the same limits as wrong passwords.
pub async fn with_code(
    app: &AppState,
    req: &HttpRequest,
    challenge: &str,
    code: &str,
) -> ApiResult<CodeSignIn> {
    let now = Utc::now();
    let (attempt, user_id) =
        match sign_in_challenges::take(&app.db, &hash_token(challenge), now).await? {
            Attempt::Taken { challenge, user_id } => (challenge, user_id),
            Attempt::Paused { retry_after } => return Err(ApiError::RateLimited { retry_after }),
            Attempt::Over => {
                return Err(ApiError::Unauthenticated(
                    "the sign-in expired; enter your password again",
                ));
            }
        };
    let row = match users::find(&app.db, user_id).await {
        Ok(row) if may_sign_in(&row) => row,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ApiError::Unauthenticated("account deactivated"));
        }
        Err(err) => return Err(err.into()),
    };
    let network = client_network(req, app.config.http.trust_proxy);
    app.auth_limits
        .admit_login(&row.user.email, &network)
        .await?;
    let origin = audit::Origin {
        actor_id: Some(user_id),
        ip: Some(client_ip(req, app.config.http.trust_proxy)),
        request_id: request_id(req),
    };
    let factor = second_factors::find(&app.db, user_id).await?;
    let mut recovery_codes = None;
    let accepted = match factor {
        None => false,
        Some(factor) if second_factor::is_totp_code(code) => {
            let unix = u64::try_from(now.timestamp()).unwrap_or_default();
            match second_factor::matching_step(&factor.secret, &row.user.email, code, unix)? {
                None => false,
                Some(step) if factor.confirmed_at.is_some() => {
                    second_factors::accept_step(&app.db, user_id, step).await?
                }
                Some(step) => {
                    let codes = second_factor::recovery_codes();
                    let hashes = codes
                        .iter()
                        .map(|code| app.recovery_codes.hash(code))
                        .collect();
                    // Enrolled while signing in: no earlier sign-in of theirs goes on.
                    let confirmed = second_factors::confirm(
                        &app.db,
                        &origin,
                        user_id,
                        Uuid::nil(),
                        step,
                        hashes,
                    )
                    .await?;
                    if confirmed {
                        app.publish(dto::Event::SignedOutElsewhere {
                            user_id,
                            kept_session_id: Uuid::nil(),
                        });
                    }
                    recovery_codes = confirmed.then_some(codes);
                    confirmed
                }
            }
        }
        Some(factor) if factor.confirmed_at.is_some() => {
            let keyed = app.recovery_codes.hash(code);
            let legacy = second_factor::legacy_recovery_code_hash(code);
            second_factors::spend_recovery_code(&app.db, &origin, user_id, &keyed).await?
                || second_factors::spend_recovery_code(&app.db, &origin, user_id, &legacy).await?
        }
        Some(_) => false,
    };
    if !accepted {
        sign_in_challenges::failed(&app.db, &origin, user_id).await?;
        app.auth_limits
            .login_failed(&row.user.email, &network)
            .await;
        return Err(ApiError::Unauthenticated(WRONG_CODE));
    }
    sign_in_challenges::succeeded(&app.db, attempt).await?;
    let credentials = start_session(app, req, &row).await?;
    Ok(CodeSignIn {
        credentials,
        row,
        recovery_codes,
    })
}

fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string)
}

/// Starts a sign-in session for `row`: its credentials.
pub async fn start_session(
    app: &AppState,
    req: &HttpRequest,
    row: &UserRow,
) -> ApiResult<Credentials> {
    let refresh = random_token();
    let origin = Origin {
        user_agent: req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip: Some(client_ip(req, app.config.http.trust_proxy)),
        request_id: request_id(req),
    };
    let ttl = chrono::Duration::from_std(app.config.sign_in.session_ttl)
        .unwrap_or(chrono::Duration::days(30));
    let user_id = row.user.id;
    let session = auth_sessions::start(&app.db, user_id, hash_token(&refresh), ttl, origin).await?;
    let access = app.jwt.issue(user_id, session.id, row.role());
    tracing::info!(user.id = %user_id, session.id = %session.id, "signed in");
    Ok(Credentials { access, refresh })
}

/// The refresh token a request presents: in the body, else in the refresh cookie (which then
/// needs the CSRF header).
pub fn presented_refresh(req: &HttpRequest, in_body: Option<String>) -> ApiResult<String> {
    if let Some(token) = in_body {
        return Ok(token);
    }
    let cookie = req
        .cookie(cookies::REFRESH)
        .ok_or(ApiError::Unauthenticated("no refresh token"))?;
    cookies::check_csrf(req)?;
    Ok(cookie.value().to_owned())
}

/// Exchanges a refresh token for new credentials. A spent token revokes the whole session,
/// except within the grace period after its rotation (two tabs refreshing at once), when the
/// same successor is answered again.
pub async fn rotate(app: &AppState, presented: &str) -> ApiResult<Credentials> {
    let replacement = app.successors.of(presented);
    let grace = chrono::Duration::from_std(app.config.sign_in.refresh_grace)
        .unwrap_or(chrono::Duration::zero());
    let rotation = auth_sessions::rotate(
        &app.db,
        &hash_token(presented),
        hash_token(&replacement),
        grace,
    )
    .await?;
    let session = match rotation {
        Rotation::Rotated(session) => session,
        Rotation::Reused(session) => {
            app.publish(dto::Event::SignedOut {
                user_id: session.user_id,
                session_id: session.id,
            });
            return Err(ApiError::Unauthenticated(
                "refresh token reused; the session is revoked",
            ));
        }
        Rotation::Invalid => {
            return Err(ApiError::Unauthenticated("refresh token is not valid"));
        }
    };
    let row = users::find(&app.db, session.user_id).await?;
    if !may_sign_in(&row) {
        return Err(ApiError::Unauthenticated("account deactivated"));
    }
    Ok(Credentials {
        access: app.jwt.issue(row.user.id, session.id, row.role()),
        refresh: replacement,
    })
}
