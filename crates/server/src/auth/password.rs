//! argon2id password hashing, off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{ApiError, ApiResult};

/// Hashes and verifies passwords with argon2id at OWASP's recommended cost (19 MiB, t=2, p=1).
#[derive(Clone)]
pub struct Passwords {
    argon: Argon2<'static>,
    /// A real hash of a random password, verified when the account does not exist, so an unknown
    /// email costs the same time as a wrong password.
    dummy: String,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords(argon2id)")
    }
}

impl Passwords {
    /// Builds the hasher and its dummy hash (one hash's worth of CPU).
    pub fn new() -> Self {
        let params =
            Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = hash_with(&argon, &super::tokens::random_token());
        Self { argon, dummy }
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
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
}
