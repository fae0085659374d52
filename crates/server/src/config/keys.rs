//! The two keys: the one signing access tokens and the ones sealing personal text.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};

use super::env::Env;

/// The signing and sealing keys.
#[derive(Clone, Debug)]
pub struct KeysConfig {
    /// `JWT_SECRET`: HS256 signing key for access tokens (at least 32 bytes).
    pub jwt_secret: SecretString,
    /// `ENCRYPTION_KEYS`: `id:base64 key` pairs sealing personal text, the first sealing new
    /// values (see `persistence::sealed`).
    pub encryption_keys: SecretString,
}

impl KeysConfig {
    /// Reads the section. Only the `embedded` default may leave both unset: they are then
    /// generated into `DATA_DIR` ([`KeysConfig::ensure_development_keys`]).
    pub(super) fn read(env: &mut Env, embedded: bool) -> KeysConfig {
        let jwt_secret = match env.get("JWT_SECRET") {
            Some(secret) if secret.len() >= 32 => secret,
            Some(_) => {
                env.problem("JWT_SECRET: must be at least 32 characters");
                String::new()
            }
            None if embedded => String::new(),
            None => {
                env.problem(
                    "JWT_SECRET: required when DATABASE_URL is set (32+ random characters)",
                );
                String::new()
            }
        };
        let encryption_keys = match env.get("ENCRYPTION_KEYS") {
            Some(raw) => {
                if let Err(error) = persistence::sealed::Keyring::parse(&raw) {
                    env.problem(error.to_string());
                }
                raw
            }
            None if embedded => String::new(),
            None => {
                env.problem(
                    "ENCRYPTION_KEYS: required when DATABASE_URL is set (`k1:` and 32 random \
                     bytes in base64: echo k1:$(openssl rand -base64 32))",
                );
                String::new()
            }
        };
        KeysConfig {
            jwt_secret: jwt_secret.into(),
            encryption_keys: encryption_keys.into(),
        }
    }

    /// Fills in the development keys of the embedded default: the signing key (read from
    /// `data_dir/jwt-secret`) and the encryption key (`data_dir/encryption-keys`), each
    /// generated there (mode 0600) with a warning when missing.
    pub fn ensure_development_keys(&mut self, data_dir: &Path) -> std::io::Result<()> {
        if self.encryption_keys.expose_secret().is_empty() {
            let path = data_dir.join("encryption-keys");
            let keys = match std::fs::read_to_string(&path) {
                Ok(keys) if persistence::sealed::Keyring::parse(&keys).is_ok() => {
                    keys.trim().to_owned()
                }
                _ => {
                    std::fs::create_dir_all(data_dir)?;
                    let keys = persistence::sealed::Keyring::generate_entry("dev1");
                    write_private(&path, &keys)?;
                    tracing::warn!(
                        path = %path.display(),
                        "generated a development encryption key; set ENCRYPTION_KEYS in \
                         production, and keep a copy: notes cannot be read without it"
                    );
                    keys
                }
            };
            self.encryption_keys = keys.into();
        }
        if self.jwt_secret.expose_secret().is_empty() {
            let path = data_dir.join("jwt-secret");
            let secret = match std::fs::read_to_string(&path) {
                Ok(secret) if secret.trim().len() >= 32 => secret.trim().to_owned(),
                _ => {
                    std::fs::create_dir_all(data_dir)?;
                    let secret = crate::auth::tokens::random_token();
                    write_private(&path, &secret)?;
                    tracing::warn!(
                        path = %path.display(),
                        "generated a development signing key; set JWT_SECRET in production"
                    );
                    secret
                }
            };
            self.jwt_secret = secret.into();
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
