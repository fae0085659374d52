//! Field-level encryption of the free text that holds personal judgements: quick-note content,
//! session preparation and session notes, action-plan goals and checkpoint notes, and
//! acknowledgement comments; and the secrets the server must read back (a webhook's signing
//! secret, a person's TOTP secret).
//!
//! Such a column holds `enc1:{key id}:{base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)}`; the
//! key id is bound into the tag as associated data. The entity fields are [`Sealed`], which seals
//! on the way into a statement and opens on the way out of a row, so no repository handles
//! ciphertext. Sea-orm's value conversions take no context, so the keys are process
//! configuration, installed once at start-up ([`install`]) like the logger.
//!
//! `ENCRYPTION_KEYS` lists `id:base64 key` pairs, the first sealing new values, the rest only
//! opening old ones until `coaching-hub rotate-key` has re-sealed them. A value without the
//! prefix is text written before encryption existed; it reads as it is, and `rotate-key` seals it.

use std::fmt;
use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};
use serde::{Deserialize, Serialize};

/// What every sealed value starts with.
pub const PREFIX: &str = "enc1:";

/// Why the keys or a sealed value are unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// `ENCRYPTION_KEYS` is not a list of `id:key` pairs.
    #[error("ENCRYPTION_KEYS: {0}")]
    Malformed(String),
    /// A value is sealed under a key the list lacks.
    #[error("a value is sealed under key `{0}`, which ENCRYPTION_KEYS does not list")]
    UnknownKey(String),
    /// A value does not open with the key its id names: another key under that id, or damage.
    #[error("a value sealed under key `{0}` does not open with the key ENCRYPTION_KEYS gives it")]
    WrongKey(String),
    /// Nothing installed the keys.
    #[error("no encryption keys are installed")]
    NotInstalled,
}

struct Key {
    id: String,
    aead: LessSafeKey,
    index: hmac::Key,
}

/// The keys, the first sealing new values.
pub struct Keyring {
    keys: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .finish()
    }
}

impl Keyring {
    /// Reads `id:base64 key,id:base64 key,...`: ids of letters, digits, `-` and `_`; keys of
    /// exactly 32 bytes; no id twice.
    pub fn parse(raw: &str) -> Result<Keyring, SealError> {
        let mut keys: Vec<Key> = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((id, material)) = entry.split_once(':') else {
                return Err(SealError::Malformed(
                    "each key is `id:base64 of 32 random bytes`".into(),
                ));
            };
            let id = id.trim();
            if id.is_empty()
                || id.len() > 32
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(SealError::Malformed(format!(
                    "key id `{id}` must be 1-32 letters, digits, - or _"
                )));
            }
            let bytes = STANDARD
                .decode(material.trim())
                .map_err(|_| SealError::Malformed(format!("key `{id}` is not base64")))?;
            if bytes.len() != 32 {
                return Err(SealError::Malformed(format!(
                    "key `{id}` is {} bytes, not 32",
                    bytes.len()
                )));
            }
            if keys.iter().any(|k| k.id == id) {
                return Err(SealError::Malformed(format!("key id `{id}` appears twice")));
            }
            let aead = LessSafeKey::new(
                UnboundKey::new(&AES_256_GCM, &bytes)
                    .map_err(|_| SealError::Malformed(format!("key `{id}` is unusable")))?,
            );
            // The search index's key, derived so the encryption key itself never hashes text.
            let index_material = hmac::sign(
                &hmac::Key::new(hmac::HMAC_SHA256, &bytes),
                b"coaching-hub blind index",
            );
            keys.push(Key {
                id: id.to_owned(),
                aead,
                index: hmac::Key::new(hmac::HMAC_SHA256, index_material.as_ref()),
            });
        }
        if keys.is_empty() {
            return Err(SealError::Malformed("no key given".into()));
        }
        Ok(Keyring { keys })
    }

    /// A new `id:key` entry for `ENCRYPTION_KEYS`, random.
    pub fn generate_entry(id: &str) -> String {
        format!("{id}:{}", STANDARD.encode(random_bytes::<32>()))
    }

    /// The id of the key that seals new values.
    pub fn primary(&self) -> &str {
        &self.keys[0].id
    }

    /// Every key id, the primary first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    /// `clear`, sealed under the primary key.
    pub fn seal(&self, clear: &str) -> String {
        let key = &self.keys[0];
        let nonce_bytes = random_bytes::<NONCE_LEN>();
        let mut buffer = clear.as_bytes().to_vec();
        let sealing = key.aead.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(key.id.as_bytes()),
            &mut buffer,
        );
        // AES-GCM refuses only a message over 64 GiB; a request body is at most a few hundred KiB.
        assert!(
            sealing.is_ok(),
            "a text column's value is far below AES-GCM's limit"
        );
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend_from_slice(&buffer);
        format!("{PREFIX}{}:{}", key.id, URL_SAFE_NO_PAD.encode(sealed))
    }

    /// The clear text of a stored value (one written before encryption reads as it is).
    pub fn open(&self, stored: &str) -> Result<String, SealError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let (id, body) = rest.split_once(':').unwrap_or((rest, ""));
        let key = self
            .keys
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| SealError::UnknownKey(id.to_owned()))?;
        let wrong = || SealError::WrongKey(id.to_owned());
        let mut bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| wrong())?;
        if bytes.len() < NONCE_LEN {
            return Err(wrong());
        }
        let mut ciphertext = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| wrong())?;
        let clear = key
            .aead
            .open_in_place(nonce, Aad::from(id.as_bytes()), &mut ciphertext)
            .map_err(|_| wrong())?;
        String::from_utf8(clear.to_vec()).map_err(|_| wrong())
    }

    /// The search-index key of each key, the primary's first.
    pub(crate) fn index_keys(&self) -> impl Iterator<Item = &hmac::Key> {
        self.keys.iter().map(|k| &k.index)
    }
}

/// `N` bytes from the operating system's random source (keys, nonces, and the server's tokens).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .expect("the operating system's random source is available");
    bytes
}

/// The key id a stored value is sealed under; `None` for clear text.
pub fn key_of(stored: &str) -> Option<&str> {
    let rest = stored.strip_prefix(PREFIX)?;
    Some(rest.split_once(':').map_or(rest, |(id, _)| id))
}

static KEYRING: RwLock<Option<Arc<Keyring>>> = RwLock::new(None);

/// Makes `keyring` the process's keys.
pub fn install(keyring: Keyring) {
    let mut slot = KEYRING
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *slot = Some(Arc::new(keyring));
}

/// The process's keys.
pub fn keyring() -> Result<Arc<Keyring>, SealError> {
    KEYRING
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
        .ok_or(SealError::NotInstalled)
}

/// What each key's check value seals.
const CHECK_TEXT: &str = "coaching-hub encryption key check";

/// Checks `keyring` against the database, before it is installed: every key that has sealed
/// data must be listed and be the same key (its check value opens); the primary key is recorded
/// (its check value stored) on first use.
pub async fn check_keys(
    db: &impl sea_orm::ConnectionTrait,
    keyring: &Keyring,
) -> Result<(), crate::StoreError> {
    use sea_orm::sea_query::{Alias, OnConflict, Query};
    let select = Query::select()
        .columns([Alias::new("id"), Alias::new("check_value")])
        .from(Alias::new("encryption_keys"))
        .to_owned();
    for row in db.query_all(&select).await? {
        let id: String = row.try_get("", "id")?;
        let check: String = row.try_get("", "check_value")?;
        if keyring.open(&check)? != CHECK_TEXT {
            return Err(SealError::WrongKey(id).into());
        }
    }
    let insert = Query::insert()
        .into_table(Alias::new("encryption_keys"))
        .columns([
            Alias::new("id"),
            Alias::new("check_value"),
            Alias::new("created_at"),
        ])
        .values_panic([
            keyring.primary().into(),
            keyring.seal(CHECK_TEXT).into(),
            chrono::Utc::now().into(),
        ])
        .on_conflict(OnConflict::column(Alias::new("id")).do_nothing().to_owned())
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// Forgets every key but the primary once nothing is sealed under them (`rotate-key` finished):
/// a server may then start without them.
pub async fn retire_old_keys(
    db: &impl sea_orm::ConnectionTrait,
    keyring: &Keyring,
) -> Result<(), crate::StoreError> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let delete = Query::delete()
        .from_table(Alias::new("encryption_keys"))
        .and_where(Expr::col(Alias::new("id")).ne(keyring.primary()))
        .to_owned();
    db.execute(&delete).await?;
    Ok(())
}

/// Text stored sealed: clear in memory, sealed in the database.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sealed(String);

impl Sealed {
    /// The clear text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The clear text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the text: a model printed to a log must not carry it.
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Sealed {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Sealed {
    fn from(clear: String) -> Self {
        Sealed(clear)
    }
}

impl From<&str> for Sealed {
    fn from(clear: &str) -> Self {
        Sealed(clear.to_owned())
    }
}

impl From<Sealed> for String {
    fn from(sealed: Sealed) -> Self {
        sealed.0
    }
}

impl From<Sealed> for Value {
    fn from(sealed: Sealed) -> Self {
        // Start-up installs the keys before the first connection opens; without them nothing is
        // written rather than clear text.
        let stored = match keyring() {
            Ok(keys) => keys.seal(&sealed.0),
            Err(_) => {
                panic!("a sealed value was written before the encryption keys were installed")
            }
        };
        Value::String(Some(stored))
    }
}

fn opened(stored: &str) -> Result<Sealed, SealError> {
    Ok(Sealed(keyring()?.open(stored)?))
}

impl TryGetable for Sealed {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let stored = String::try_get_by(res, index)?;
        opened(&stored).map_err(|e| TryGetError::DbErr(DbErr::Type(e.to_string())))
    }
}

impl ValueType for Sealed {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::String(Some(stored)) => opened(&stored).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "Sealed".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::Text
    }
}

impl Nullable for Sealed {
    fn null() -> Value {
        Value::String(None)
    }
}

impl sea_orm::IntoActiveValue<Sealed> for Sealed {
    fn into_active_value(self) -> sea_orm::ActiveValue<Sealed> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(raw: &str) -> Keyring {
        Keyring::parse(raw).expect("a valid key list")
    }

    const K1: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const K2: &str = "k2:HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    #[test]
    fn a_sealed_value_names_its_key_and_opens_again() {
        let keys = ring(K1);
        let sealed = keys.seal("Struggled with the refund policy");
        assert_eq!(key_of(&sealed), Some("k1"));
        assert!(!sealed.contains("refund"));
        assert_ne!(
            sealed,
            keys.seal("Struggled with the refund policy"),
            "fresh nonce"
        );
        assert_eq!(
            keys.open(&sealed).as_deref(),
            Ok("Struggled with the refund policy")
        );
    }

    #[test]
    fn an_old_key_opens_until_it_is_dropped() {
        let old = ring(K1).seal("note");
        let rotated = ring(&format!("{K2},{K1}"));
        assert_eq!(rotated.open(&old).as_deref(), Ok("note"));
        assert_eq!(key_of(&rotated.seal("note")), Some("k2"));
        assert_eq!(ring(K2).open(&old), Err(SealError::UnknownKey("k1".into())));
    }

    #[test]
    fn another_key_under_the_same_id_is_refused_not_garbled() {
        let sealed = ring(K1).seal("note");
        let impostor = ring(&K2.replace("k2", "k1"));
        assert_eq!(
            impostor.open(&sealed),
            Err(SealError::WrongKey("k1".into()))
        );
        // One character in the middle changed (the last may carry only padding bits, and may
        // already be the replacement).
        let middle = sealed.len() / 2;
        let other = if &sealed[middle..=middle] == "A" {
            "B"
        } else {
            "A"
        };
        let tampered = format!("{}{other}{}", &sealed[..middle], &sealed[middle + 1..]);
        assert_ne!(tampered, sealed);
        assert!(ring(K1).open(&tampered).is_err());
    }

    #[test]
    fn clear_text_from_before_encryption_reads_as_it_is() {
        assert_eq!(
            ring(K1).open("written in 2025").as_deref(),
            Ok("written in 2025")
        );
        assert_eq!(key_of("written in 2025"), None);
    }

    #[test]
    fn malformed_key_lists_say_what_is_wrong() {
        for (raw, says) in [
            ("", "no key"),
            ("k1", "id:base64"),
            ("k 1:AAAA", "key id"),
            ("k1:not base64!", "not base64"),
            ("k1:AAAA", "3 bytes"),
            (&format!("{K1},{K1}"), "twice"),
        ] {
            let error = Keyring::parse(raw).expect_err(raw).to_string();
            assert!(error.contains(says), "{raw}: {error}");
        }
        let generated = Keyring::generate_entry("k9");
        assert_eq!(ring(&generated).primary(), "k9");
    }

    #[test]
    fn debug_output_never_shows_the_text() {
        assert_eq!(format!("{:?}", Sealed::from("secret")), "Sealed(6 bytes)");
    }
}
