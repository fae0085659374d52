//! Personal access tokens (`/api/v1/me/tokens`).

use chrono::{DateTime, Utc};
use domain::Grant;
use garde::Validate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::users::not_blank;

/// A personal access token, without its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessToken {
    pub id: Uuid,
    /// What its owner calls it.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Grant>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/me/tokens`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAccessToken {
    /// What it is for (`Payroll export`).
    #[garde(length(chars, min = 1, max = 100), custom(not_blank))]
    pub name: String,
    /// What it may do: each must be one the owner's role may hold.
    #[garde(length(min = 1, max = 4), custom(distinct))]
    pub scopes: Vec<Grant>,
    /// Days until it expires (1-366).
    #[garde(range(min = 1, max = 366))]
    pub expires_in_days: u16,
}

/// Garde rule: no scope twice.
fn distinct(scopes: &[Grant], _: &()) -> garde::Result {
    let mut seen = scopes.to_vec();
    seen.sort();
    seen.dedup();
    if seen.len() == scopes.len() {
        Ok(())
    } else {
        Err(garde::Error::new("must not name a scope twice"))
    }
}

/// A new token with its secret, which is shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAccessToken {
    #[serde(flatten)]
    pub token: AccessToken,
    /// The bearer secret (`chp_…`): store it now, it cannot be read again.
    pub secret: String,
}
