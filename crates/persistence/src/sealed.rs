//! Field-level encryption of the free text that holds personal judgements: quick-note content,
//! session preparation and session notes, action-plan goals and checkpoint notes, and
//! acknowledgement comments; and the secrets the server must read back (a webhook's signing
//! secret, a person's TOTP secret).
//!
//! Such a column holds `enc2:{key id}:{base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)}`; the
//! key id and the value's place (table, column and the row's key) are bound into the tag as
//! associated data, so a ciphertext copied to another row, column or table does not open there
//! (a private note's text moved into a shared note's row stays unreadable). The entity fields are
//! [`Sealed`], typed by their column ([`columns`]): a value is bound to its row by its entity's
//! `before_save` and sealed on the way into a statement, and opened on the way out of a row with
//! the row's key read from the same result, so no repository handles ciphertext. `enc1:` values
//! (sealed before binding, bound to the key id only) still open, until `rotate-key` binds them.
//! Sea-orm's value conversions take no context, so the keys are process configuration, installed
//! once at start-up ([`install`]) like the logger.
//!
//! `ENCRYPTION_KEYS` lists `id:base64 key` pairs, the first sealing new values, the rest only
//! opening old ones until `coaching-hub rotate-key` has re-sealed them. A value without the
//! prefix is text written before encryption existed; it reads as it is, and `rotate-key` seals it.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a sealed value that belongs to no row starts with (and every value sealed before values
/// were bound to their place).
pub const PREFIX: &str = "enc1:";
/// What a value bound to its table, column and row starts with.
pub const BOUND_PREFIX: &str = "enc2:";

/// Where a value is stored, as its binding says it: table, column and the row's key.
pub fn place(table: &str, column: &str, row: Uuid) -> String {
    format!("{table}.{column}.{row}")
}

/// The associated data of a value: the key id, and its place when it is bound.
fn associated(key: &str, place: &str) -> String {
    if place.is_empty() {
        key.to_owned()
    } else {
        format!("{key}|{place}")
    }
}

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

    /// `clear`, sealed under the primary key, unbound (`enc1:`): for values that belong to no row
    /// (the keys' check values).
    pub fn seal(&self, clear: &str) -> String {
        self.seal_as(PREFIX, clear, "")
    }

    /// `clear`, sealed under the primary key and bound to where it is stored (`enc2:`; `place` is
    /// [`place`]'s): it opens only there.
    pub fn seal_bound(&self, clear: &str, place: &str) -> String {
        self.seal_as(BOUND_PREFIX, clear, place)
    }

    fn seal_as(&self, prefix: &str, clear: &str, place: &str) -> String {
        let key = &self.keys[0];
        let nonce_bytes = random_bytes::<NONCE_LEN>();
        let mut buffer = clear.as_bytes().to_vec();
        let sealing = key.aead.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(associated(&key.id, place).as_bytes()),
            &mut buffer,
        );
        // AES-GCM refuses only a message over 64 GiB; a request body is at most a few hundred KiB.
        assert!(
            sealing.is_ok(),
            "a text column's value is far below AES-GCM's limit"
        );
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend_from_slice(&buffer);
        format!("{prefix}{}:{}", key.id, URL_SAFE_NO_PAD.encode(sealed))
    }

    /// The clear text of a stored value that belongs to no row (one written before encryption
    /// reads as it is). A bound value does not open here.
    pub fn open(&self, stored: &str) -> Result<String, SealError> {
        self.open_at(stored, None)
    }

    /// The clear text of the value stored at `place` ([`place`]'s): bound there (`enc2:`), or
    /// written before binding (`enc1:`) or before encryption (clear), which `rotate-key` binds.
    pub fn open_at(&self, stored: &str, place: Option<&str>) -> Result<String, SealError> {
        let (rest, place) = match (stored.strip_prefix(BOUND_PREFIX), place) {
            (Some(rest), Some(place)) => (rest, place),
            (Some(rest), None) => {
                return Err(SealError::WrongKey(
                    key_of(stored).unwrap_or(rest).to_owned(),
                ));
            }
            (None, _) => match stored.strip_prefix(PREFIX) {
                Some(rest) => (rest, ""),
                None => return Ok(stored.to_owned()),
            },
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
            .open_in_place(
                nonce,
                Aad::from(associated(id, place).as_bytes()),
                &mut ciphertext,
            )
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
    let rest = stored
        .strip_prefix(BOUND_PREFIX)
        .or_else(|| stored.strip_prefix(PREFIX))?;
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

/// A sealed column: its table, its name, and the column holding its row's key. Each is a marker
/// type ([`columns`]), so a value knows where it may be stored and opened.
pub trait SealedColumn: Clone + Copy + Default + PartialEq + Eq + Send + Sync + 'static {
    const TABLE: &'static str;
    const COLUMN: &'static str;
    /// The column of the row's key (`id`, or `user_id` for a person's second factor).
    const KEY: &'static str;
}

/// The sealed columns.
pub mod columns {
    macro_rules! sealed_columns {
        ($($marker:ident = $table:literal . $column:literal by $key:literal;)+) => {$(
            #[doc = concat!("`", $table, ".", $column, "`.")]
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct $marker;
            impl super::SealedColumn for $marker {
                const TABLE: &'static str = $table;
                const COLUMN: &'static str = $column;
                const KEY: &'static str = $key;
            }
        )+};
    }

    sealed_columns! {
        NoteContent = "quick_notes"."content" by "id";
        SessionPreparation = "coaching_sessions"."preparation_notes" by "id";
        SessionNotes = "coaching_sessions"."session_notes" by "id";
        SessionAcknowledgement = "coaching_sessions"."acknowledgement_comment" by "id";
        PlanGoal = "action_plans"."goal" by "id";
        PlanAcknowledgement = "action_plans"."acknowledgement_comment" by "id";
        CheckpointNotes = "action_plan_checkpoints"."notes" by "id";
        WebhookSecret = "webhooks"."secret" by "id";
        TotpSecret = "second_factors"."secret" by "user_id";
        EvaluationComments = "evaluations"."comments" by "id";
        EvaluationStrengths = "evaluations"."strengths" by "id";
        EvaluationOpportunities = "evaluations"."opportunities" by "id";
        EvaluationAcknowledgement = "evaluations"."acknowledgement_comment" by "id";
    }
}

/// `ActiveModel::bind_sealed` for an entity whose row key is `key`: binds the `sealed` fields and
/// the `optional` ones (`Option<Sealed<_>>`) about to be written to the row. With `on save`, also
/// the entity's `ActiveModelBehavior`, binding them in `before_save` (an entity with more to do
/// there calls `bind_sealed` from its own). Bulk inserts, which run no `before_save`, call it.
macro_rules! bind_sealed {
    (key: $key:ident, sealed: [$($one:ident),*], optional: [$($opt:ident),*]) => {
        impl ActiveModel {
            /// Binds the sealed text about to be written to this row.
            pub fn bind_sealed(mut self) -> Self {
                let row: Option<uuid::Uuid> = self.$key.try_as_ref().copied().map(Into::into);
                $($crate::sealed::Sealed::bind(&mut self.$one, row);)*
                $($crate::sealed::Sealed::bind_option(&mut self.$opt, row);)*
                self
            }
        }
    };
    (key: $key:ident, sealed: [$($one:ident),*], optional: [$($opt:ident),*], on save) => {
        $crate::sealed::bind_sealed!(key: $key, sealed: [$($one),*], optional: [$($opt),*]);

        /// Sealed text is bound to its row as it is written.
        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(self, _: &C, _: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                Ok(self.bind_sealed())
            }
        }
    };
}
pub(crate) use bind_sealed;

/// Text stored sealed in column `C`: clear in memory, sealed in the database and bound to its
/// row, so a value copied to another row, column or table does not open.
///
/// Reading opens it with the row's key from the same result row. Writing binds it to the row its
/// entity's `before_save` names ([`Sealed::bind`]): a value written without a row (a bulk insert
/// or update) cannot be bound, which debug builds refuse.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sealed<C: SealedColumn> {
    text: String,
    row: Option<Uuid>,
    column: PhantomData<C>,
}

impl<C: SealedColumn> Sealed<C> {
    /// The clear text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The clear text, owned.
    pub fn into_inner(self) -> String {
        self.text
    }

    /// The value bound to row `row` (its key), as it will be sealed.
    pub fn bound_to(mut self, row: Uuid) -> Self {
        self.row = Some(row);
        self
    }

    /// Binds a value about to be written to row `row` (for an entity's `before_save`).
    pub fn bind(value: &mut sea_orm::ActiveValue<Self>, row: Option<Uuid>) {
        if let (sea_orm::ActiveValue::Set(sealed), Some(row)) = (value, row) {
            sealed.row = Some(row);
        }
    }

    /// Binds an optional value about to be written to row `row`.
    pub fn bind_option(value: &mut sea_orm::ActiveValue<Option<Self>>, row: Option<Uuid>) {
        if let (sea_orm::ActiveValue::Set(Some(sealed)), Some(row)) = (value, row) {
            sealed.row = Some(row);
        }
    }
}

impl<C: SealedColumn> fmt::Debug for Sealed<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the text: a model printed to a log must not carry it.
        write!(f, "Sealed({} bytes)", self.text.len())
    }
}

impl<C: SealedColumn> Serialize for Sealed<C> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.text.serialize(serializer)
    }
}

impl<'de, C: SealedColumn> Deserialize<'de> for Sealed<C> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

impl<C: SealedColumn> std::ops::Deref for Sealed<C> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl<C: SealedColumn> From<String> for Sealed<C> {
    fn from(clear: String) -> Self {
        Sealed {
            text: clear,
            row: None,
            column: PhantomData,
        }
    }
}

impl<C: SealedColumn> From<&str> for Sealed<C> {
    fn from(clear: &str) -> Self {
        Sealed::from(clear.to_owned())
    }
}

impl<C: SealedColumn> From<Sealed<C>> for String {
    fn from(sealed: Sealed<C>) -> Self {
        sealed.text
    }
}

impl<C: SealedColumn> From<Sealed<C>> for Value {
    fn from(sealed: Sealed<C>) -> Self {
        // Start-up installs the keys before the first connection opens; without them nothing is
        // written rather than clear text.
        let Ok(keys) = keyring() else {
            panic!("a sealed value was written before the encryption keys were installed")
        };
        debug_assert!(
            sealed.row.is_some(),
            "{}.{} written without its row: bind it in before_save",
            C::TABLE,
            C::COLUMN
        );
        let stored = match sealed.row {
            Some(row) => keys.seal_bound(&sealed.text, &place(C::TABLE, C::COLUMN, row)),
            None => keys.seal(&sealed.text),
        };
        Value::String(Some(stored))
    }
}

impl<C: SealedColumn> TryGetable for Sealed<C> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let stored = String::try_get_by(res, index)?;
        // The row's key, from the same result row: the column's name with `KEY` for `COLUMN`
        // (a joined select prefixes both alike).
        let row = index
            .as_str()
            .and_then(|name| name.strip_suffix(C::COLUMN))
            .and_then(|prefix| Uuid::try_get_by(res, format!("{prefix}{}", C::KEY).as_str()).ok());
        let place = row.map(|row| place(C::TABLE, C::COLUMN, row));
        let text = keyring()
            .and_then(|keys| keys.open_at(&stored, place.as_deref()))
            .map_err(|e| TryGetError::DbErr(DbErr::Type(e.to_string())))?;
        Ok(Sealed {
            text,
            row,
            column: PhantomData,
        })
    }
}

impl<C: SealedColumn> ValueType for Sealed<C> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        // A value alone names no row: only one that belongs to none opens here.
        match v {
            Value::String(Some(stored)) => keyring()
                .and_then(|keys| keys.open(&stored))
                .map(Self::from)
                .map_err(|_| ValueTypeErr),
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

impl<C: SealedColumn> Nullable for Sealed<C> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<C: SealedColumn> sea_orm::IntoActiveValue<Sealed<C>> for Sealed<C> {
    fn into_active_value(self) -> sea_orm::ActiveValue<Sealed<C>> {
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
    fn a_bound_value_opens_only_where_it_was_stored() {
        let keys = ring(K1);
        let row = Uuid::now_v7();
        let here = place("quick_notes", "content", row);
        let sealed = keys.seal_bound("Rota worries", &here);
        assert!(sealed.starts_with("enc2:k1:"), "{sealed}");
        assert_eq!(
            keys.open_at(&sealed, Some(&here)).as_deref(),
            Ok("Rota worries")
        );
        for elsewhere in [
            place("quick_notes", "content", Uuid::now_v7()),
            place("coaching_sessions", "session_notes", row),
            place("quick_notes", "category", row),
        ] {
            assert_eq!(
                keys.open_at(&sealed, Some(&elsewhere)),
                Err(SealError::WrongKey("k1".into())),
                "{elsewhere}"
            );
        }
        assert!(keys.open(&sealed).is_err(), "a bound value names its place");
        // Values sealed before binding still open anywhere, until rotate-key binds them.
        let legacy = keys.seal("written in 2026");
        assert_eq!(
            keys.open_at(&legacy, Some(&here)).as_deref(),
            Ok("written in 2026")
        );
    }

    #[test]
    fn debug_output_never_shows_the_text() {
        let sealed: Sealed<columns::NoteContent> = Sealed::from("secret");
        assert_eq!(format!("{sealed:?}"), "Sealed(6 bytes)");
    }
}
