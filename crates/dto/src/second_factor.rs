//! A second factor at sign-in (TOTP with recovery codes), and the roles that must use one.

use domain::Role;
use garde::Validate;
use serde::{Deserialize, Serialize};

/// What an authenticator app needs to start giving codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorEnrolment {
    /// The secret, base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://totp/…` address.
    pub otpauth_url: String,
    /// The address as a QR code: an SVG image as a `data:` URL.
    pub qr_svg_data_url: String,
}

/// The password was right; the sign-in continues with a code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorChallenge {
    /// Send back with the code to `POST /api/v1/auth/second-factor`.
    pub challenge: String,
    /// Seconds the challenge stays good.
    pub expires_in: i64,
    /// Present when the person's role needs a second factor they have not set up yet: set it up
    /// with this, and the first code both confirms it and signs in.
    pub enrolment: Option<SecondFactorEnrolment>,
}

/// `POST /api/v1/auth/second-factor`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompleteSignIn {
    /// From the sign-in's answer.
    #[garde(length(chars, min = 1, max = 200))]
    pub challenge: String,
    /// The authenticator's six digits, or one recovery code.
    #[garde(length(chars, min = 1, max = 32))]
    pub code: String,
}

/// `POST /api/v1/me/second-factor/confirm`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmSecondFactor {
    /// The authenticator's six digits.
    #[garde(length(chars, min = 6, max = 6), custom(digits))]
    pub code: String,
}

/// Garde rule: digits only.
fn digits(value: &str, _: &()) -> garde::Result {
    if value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(garde::Error::new("must be the six digits your app shows"))
    }
}

/// Recovery codes, shown once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// Ten single-use codes that sign in instead of the authenticator.
    pub recovery_codes: Vec<String>,
}

/// `GET /api/v1/me/second-factor`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorStatus {
    /// Sign-in asks for a code.
    pub enabled: bool,
    /// My role must use one.
    pub required: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u64,
}

/// The roles that must sign in with a second factor (`GET`/`PUT /api/v1/settings/second-factor`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecondFactorRoles {
    #[garde(length(max = 4))]
    pub roles: Vec<Role>,
}
