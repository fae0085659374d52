//! argon2id password hashing, off the async threads, a bounded number at once.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::http::error::{ApiError, ApiResult};

/// How long a hash waits for its turn before the request is answered 503.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Hashes and verifies passwords with argon2id at OWASP's recommended cost (19 MiB, t=2, p=1).
///
/// Each hash holds 19 MiB for its duration, so at most one per core runs at once, for the whole
/// process (sign-ins and password changes alike); the rest queue, and past [`QUEUE_WAIT`] get 503.
#[derive(Clone)]
pub struct Passwords {
    argon: Argon2<'static>,
    /// A real hash of a random password, verified when the account does not exist, so an unknown
    /// email costs the same time as a wrong password.
    dummy: String,
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords(argon2id)")
    }
}

impl Passwords {
    /// Builds the hasher and its dummy hash (one hash's worth of CPU), one hash per core at once.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with_limit(cores, QUEUE_WAIT)
    }

    /// At most `at_once` hashes run together; a hash waits `wait` for its turn, then 503.
    pub fn with_limit(at_once: usize, wait: Duration) -> Self {
        let params =
            Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = hash_with(&argon, &super::tokens::random_token());
        Self {
            argon,
            dummy,
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            wait,
        }
    }

    /// Waits for a turn to hash.
    async fn turn(&self) -> ApiResult<SemaphorePermit<'_>> {
        match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(ApiError::internal(closed)),
            Err(elapsed) => Err(ApiError::Unavailable(Box::new(elapsed))),
        }
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
        let _turn = self.turn().await?;
        let argon = self.argon.clone();
        Ok(actix_web::web::block(move || hash_with(&argon, &password)).await?)
    }

    /// Whether `password` matches `hash`; with no hash, burns the same time and says no.
    pub async fn verify(&self, hash: Option<String>, password: String) -> ApiResult<bool> {
        let argon = self.argon.clone();
        let (hash, real) = match hash {
            Some(hash) => (hash, true),
            None => (self.dummy.clone(), false),
        };
        let _turn = self.turn().await?;
        let matches = actix_web::web::block(move || {
            PasswordHash::new(&hash)
                .map(|parsed| argon.verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await?
        // Only a corrupted stored hash fails to parse: a fault, not a wrong password.
        .map_err(|err| ApiError::internal(std::io::Error::other(err.to_string())))?;
        Ok(real && matches)
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

fn hash_with(argon: &Argon2<'_>, password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id with valid parameters hashes any input")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn hashes_verify_and_wrong_passwords_do_not() {
        let passwords = Passwords::new();
        let hash = passwords
            .hash("correct horse battery".into())
            .await
            .expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            passwords
                .verify(Some(hash.clone()), "correct horse battery".into())
                .await
                .expect("verifies")
        );
        assert!(
            !passwords
                .verify(Some(hash), "wrong".into())
                .await
                .expect("verifies")
        );
        assert!(
            !passwords
                .verify(None, "anything".into())
                .await
                .expect("verifies")
        );
    }

    #[actix_web::test]
    async fn hashes_beyond_the_bound_wait_their_turn_then_get_503() {
        let passwords = Passwords::with_limit(1, Duration::ZERO);
        let (first, second) = tokio::join!(
            passwords.verify(None, "one".into()),
            passwords.verify(None, "two".into())
        );
        assert!(matches!(first, Ok(false)), "the first runs");
        assert!(
            matches!(second, Err(ApiError::Unavailable(_))),
            "the second found no turn in time"
        );
        let patient = Passwords::with_limit(1, QUEUE_WAIT);
        let (first, second) = tokio::join!(
            patient.verify(None, "one".into()),
            patient.verify(None, "two".into())
        );
        assert!(
            matches!((first, second), (Ok(false), Ok(false))),
            "both ran, one after the other"
        );
    }
}
