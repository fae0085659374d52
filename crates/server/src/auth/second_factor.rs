//! The second factor: TOTP codes (RFC 6238 with SHA-1, 6 digits, 30-second steps, one step of
//! clock drift either way, via `totp-rs`), single-use recovery codes, the QR code an
//! authenticator app scans (an SVG from `qrcode`). The challenge that carries a sign-in from the
//! right password to the right code is kept by the server (`persistence::sign_in_challenges`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use totp_rs::{Algorithm, Secret, TOTP};

use super::tokens::constant_time_eq;
use crate::http::error::{ApiError, ApiResult};

/// Seconds per code.
pub const STEP_SECS: u64 = 30;
/// How long a sign-in waits for its code.
pub const CHALLENGE_SECS: i64 = 300;
const ISSUER: &str = "Coaching Hub";

/// A new TOTP secret: 160 random bits, base32 as authenticator apps type it.
pub fn new_secret() -> String {
    Secret::Raw(super::tokens::random_bytes::<20>().to_vec())
        .to_encoded()
        .to_string()
}

fn totp(secret: &str, email: &str) -> ApiResult<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|err| ApiError::internal(std::io::Error::other(format!("{err:?}"))))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_owned()),
        email.to_owned(),
    )
    .map_err(|err| ApiError::internal(std::io::Error::other(format!("{err:?}"))))
}

/// What an authenticator app needs: the secret, its `otpauth://` address and that address as a
/// QR code.
pub fn enrolment(secret: &str, email: &str) -> ApiResult<dto::SecondFactorEnrolment> {
    let url = totp(secret, email)?.get_url();
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(ApiError::internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(dto::SecondFactorEnrolment {
        secret: secret.to_owned(),
        otpauth_url: url,
        qr_svg_data_url: format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)),
    })
}

/// The time step whose code `code` is, within one step of `now` (Unix seconds); `None` if it is
/// no code of this secret now.
pub fn matching_step(secret: &str, email: &str, code: &str, now: u64) -> ApiResult<Option<i64>> {
    if !is_totp_code(code) {
        return Ok(None);
    }
    let code = code.trim();
    let totp = totp(secret, email)?;
    let current = now / STEP_SECS;
    Ok([current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| constant_time_eq(&totp.generate(step * STEP_SECS), code))
        .and_then(|step| i64::try_from(step).ok()))
}

/// Whether `code` looks like a TOTP code (six digits) rather than a recovery code.
pub fn is_totp_code(code: &str) -> bool {
    let code = code.trim();
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Alphabet of recovery codes: no 0/o, 1/l/i to misread.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Ten recovery codes (`xxxxx-xxxxx`, about 49 bits each), to show once.
pub fn recovery_codes() -> Vec<String> {
    (0..persistence::second_factors::RECOVERY_CODES)
        .map(|_| {
            let letters = super::tokens::random_text(ALPHABET, 10);
            format!("{}-{}", &letters[..5], &letters[5..])
        })
        .collect()
}

/// Hashes recovery codes under a server key (an HMAC, so a copy of the table alone does not let
/// anyone try the 49-bit codes offline), derived from `JWT_SECRET` apart from every other key.
pub struct RecoveryCodeHasher(ring::hmac::Key);

impl std::fmt::Debug for RecoveryCodeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCodeHasher(hmac-sha256)")
    }
}

impl RecoveryCodeHasher {
    /// The hasher of the server whose secret is `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self(super::tokens::derived_key(
            secret,
            b"coaching-hub recovery codes v1",
        ))
    }

    /// A recovery code as stored: typed in any case, with or without its dash or spaces.
    pub fn hash(&self, code: &str) -> String {
        let tag = ring::hmac::sign(&self.0, normal_code(code).as_bytes());
        tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// How codes were stored before they were keyed (bare SHA-256): still accepted, once.
pub fn legacy_recovery_code_hash(code: &str) -> String {
    super::tokens::hash_token(&normal_code(code))
}

fn normal_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_code_matches_its_own_step_and_the_neighbouring_ones_only() {
        let totp = totp(SECRET, "a@b.test").expect("a valid secret");
        let now = 1_800_000_000;
        let step = i64::try_from(now / STEP_SECS).expect("fits");
        for (offset, expected) in [(-1, Some(step - 1)), (0, Some(step)), (1, Some(step + 1))] {
            let at = u64::try_from((step + offset) * 30).expect("positive");
            let code = totp.generate(at);
            assert_eq!(
                matching_step(SECRET, "a@b.test", &code, now).expect("checks"),
                expected
            );
        }
        let stale = totp.generate(now - 90);
        assert_eq!(
            matching_step(SECRET, "a@b.test", &stale, now).expect("checks"),
            None
        );
        assert_eq!(
            matching_step(SECRET, "a@b.test", "12345a", now).expect("checks"),
            None
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        let hasher = RecoveryCodeHasher::new(b"0123456789abcdef0123456789abcdef");
        let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
        assert_eq!(hasher.hash(code), hasher.hash(&typed));
        let other = RecoveryCodeHasher::new(b"another secret of thirty-two bytes!!");
        assert_ne!(hasher.hash(code), other.hash(code), "keyed");
        assert_ne!(hasher.hash(code), legacy_recovery_code_hash(code));
    }
}
