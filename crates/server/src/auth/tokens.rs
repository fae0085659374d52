//! Opaque random tokens (refresh tokens, CSRF tokens) and their stored hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

pub use persistence::sealed::random_bytes;

/// 256 random bits, base64url.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// `len` characters drawn from `alphabet` with the operating system's random source (a byte per
/// character; the alphabets used are short enough that the slight bias costs under a bit).
pub fn random_text(alphabet: &[u8], len: usize) -> String {
    let mut bytes = vec![0u8; len];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the operating system's random source is available");
    bytes
        .iter()
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect()
}

/// The SHA-256 of a token, hex: what the database stores instead of the token.
pub fn hash_token(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// An HMAC-SHA256 key for one `purpose`, derived from the server secret: each use has its own.
pub fn derived_key(secret: &[u8], purpose: &[u8]) -> ring::hmac::Key {
    let master = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let derived = ring::hmac::sign(&master, purpose);
    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, derived.as_ref())
}

/// Derives the refresh token that replaces a presented one: an HMAC of it under a server key.
/// Every instance derives the same successor, so two tabs refreshing with one token at the same
/// moment both receive it, and nothing but its hash is ever stored.
pub struct Successors(ring::hmac::Key);

impl std::fmt::Debug for Successors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Successors(hmac-sha256)")
    }
}

impl Successors {
    /// Keys derived from the server secret, apart from the access-token keys.
    pub fn new(secret: &[u8]) -> Self {
        Self(derived_key(secret, b"coaching-hub refresh successor v1"))
    }

    /// The successor of `presented`, base64url like every refresh token.
    pub fn of(&self, presented: &str) -> String {
        URL_SAFE_NO_PAD.encode(ring::hmac::sign(&self.0, presented.as_bytes()).as_ref())
    }
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}
