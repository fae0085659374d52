//! Short-lived HS256 access tokens.

use std::time::Duration;

use chrono::Utc;
use domain::{Role, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::http::error::ApiError;

/// The audience every access token names; a token for anything else is refused.
pub const AUDIENCE: &str = "coaching-hub-api";

/// What an access token says.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: UserId,
    /// The sign-in session it belongs to (revoking the session revokes the token).
    pub sid: Uuid,
    /// The role at issue time (informational; every request reloads the user).
    pub role: Role,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// Audience.
    pub aud: String,
    /// Issuer: the public URL.
    pub iss: String,
    /// Token id.
    pub jti: Uuid,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct Jwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    ttl: Duration,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwt")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Jwt {
    /// Keys from a shared secret; tokens name `issuer` and live for `ttl`.
    pub fn new(secret: &SecretString, issuer: &str, ttl: Duration) -> Self {
        let key = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            issuer: issuer.to_owned(),
            ttl,
        }
    }

    /// Seconds an access token lives.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl.as_secs()
    }

    /// Issues an access token.
    pub fn issue(&self, user: UserId, session: Uuid, role: Role) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            sid: session,
            role,
            iat: now,
            exp: now + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2),
            aud: AUDIENCE.to_owned(),
            iss: self.issuer.clone(),
            jti: Uuid::now_v7(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signs any claims")
    }

    /// Checks signature, algorithm, expiry, audience and issuer.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| {
                use jsonwebtoken::errors::ErrorKind;
                match err.kind() {
                    ErrorKind::ExpiredSignature => {
                        ApiError::Unauthenticated("access token expired")
                    }
                    _ => ApiError::Unauthenticated("invalid access token"),
                }
            })
    }
}
