//! Signing in, token rotation, and the signed-in actor.

use domain::{Action, Role, TeamId};
use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::{TeamSummary, User};

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// The account's email address.
    #[garde(length(chars, min = 3, max = 254))]
    pub email: String,
    #[garde(length(chars, min = 1, max = 1024))]
    pub password: String,
}

/// `POST /api/v1/auth/sso/callback`: what the provider sent the browser back with.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SsoCallback {
    /// The authorization code (`code` in the query of the page the provider sent back to).
    #[garde(length(chars, min = 1, max = 2048))]
    pub code: String,
    /// The state (`state` in that query): the sign-in this browser began.
    #[garde(length(chars, min = 1, max = 512))]
    pub state: String,
    /// The issuer (`iss` in that query), when the provider names itself (RFC 9207): it must be
    /// the configured one.
    #[garde(inner(length(chars, min = 1, max = 512)))]
    #[serde(default)]
    pub iss: Option<String>,
}

/// `GET /api/v1/config`: what this server offers the browser before anyone signs in.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientConfig {
    /// Whether people may sign in with single sign-on (`GET /api/v1/auth/sso` begins it).
    pub sso: bool,
    /// Whether live updates are served (`ENABLE_REAL_TIME`); off, the browser does not connect.
    pub real_time: bool,
    /// Whether team trends and comparisons are shown (`ENABLE_ANALYTICS`); off, the home page
    /// leaves them out.
    pub analytics: bool,
    /// Whether email notifications are sent (`SMTP_URL`, `ENABLE_EMAIL`); off, nobody is
    /// offered the choice.
    pub email: bool,
}

/// `POST /api/v1/auth/refresh`: the browser sends its refresh cookie instead of a body field.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Refresh {
    /// The refresh token from the last login or refresh.
    #[garde(inner(length(chars, min = 1, max = 512)))]
    pub refresh_token: Option<String>,
}

/// A fresh access token and the refresh token that replaces the one presented.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// Bearer JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single-use refresh token; presenting a spent one revokes the whole session.
    pub refresh_token: String,
}

/// The answer to a successful login.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    #[serde(flatten)]
    pub tokens: TokenPair,
    /// Who signed in.
    pub user: User,
    /// Recovery codes, when this sign-in set up the second factor its role needs: shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}

/// The answer to a right password: signed in, a second factor to give first, or a temporary
/// password to replace first.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum LoginAnswer {
    SignedIn(LoginResponse),
    /// A code is needed.
    SecondFactor {
        /// How to give it.
        second_factor: crate::SecondFactorChallenge,
    },
    /// The password was a temporary one: choose your own with `POST /api/v1/auth/new-password`
    /// and this token, which completes the sign-in.
    NewPassword {
        /// The one-time token for `POST /api/v1/auth/new-password`.
        new_password: NewPasswordChallenge,
    },
}

/// A sign-in waiting for its temporary password to be replaced.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPasswordChallenge {
    /// Send it back with the new password.
    pub token: String,
    /// Seconds it stays valid.
    pub expires_in: i64,
}

/// The rules every new password follows, shown before typing.
pub const PASSWORD_RULES: &str = "Use 12 to 128 characters. A few unrelated words make a strong \
                                  password that is easy to remember.";

/// `POST /api/v1/me/password`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[garde(length(chars, min = 1, max = 1024))]
    pub current_password: String,
    /// The new password (12-128 characters), not the current one.
    #[garde(length(chars, min = 12, max = 128), custom(differs_from(&self.current_password)))]
    pub new_password: String,
}

/// A new password, when it is not the current one.
fn differs_from(current: &str) -> impl FnOnce(&String, &()) -> garde::Result + '_ {
    move |new, _| {
        if new == current {
            return Err(garde::Error::new(
                "choose a password different from your current one",
            ));
        }
        Ok(())
    }
}

/// `POST /api/v1/auth/forgot-password`: email me a link that sets a new password.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPassword {
    /// The account's email address.
    #[garde(length(chars, min = 3, max = 254))]
    pub email: String,
}

/// `POST /api/v1/auth/new-password`: set a password with a one-time token (from an emailed link,
/// or from a sign-in with a temporary password).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    #[garde(length(chars, min = 1, max = 512))]
    pub token: String,
    /// The new password (12-128 characters).
    #[garde(length(chars, min = 12, max = 128))]
    pub new_password: String,
}

/// `GET /api/v1/me`: the actor, their teams and what they may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The signed-in user.
    pub user: User,
    /// Teams they lead.
    pub led_team_ids: Vec<TeamId>,
    /// Teams they manage.
    pub managed_team_ids: Vec<TeamId>,
    /// Teams whose agents they evaluate, as a quality analyst.
    pub evaluated_team_ids: Vec<TeamId>,
    /// Their own team, as an agent.
    pub team: Option<TeamSummary>,
    /// Actions their role may take on at least some record.
    pub permissions: Vec<Action>,
}

impl Me {
    /// The policy's view of this actor, so the browser can ask `domain::policy` what to show.
    pub fn actor(&self) -> domain::Actor {
        domain::Actor {
            id: self.user.id,
            role: self.user.role,
            led_teams: self.led_team_ids.clone(),
            managed_teams: self.managed_team_ids.clone(),
            evaluated_teams: self.evaluated_team_ids.clone(),
            grants: None,
        }
    }

    /// Whether this role may do `action` anywhere.
    pub fn role_may(role: Role, action: Action) -> bool {
        domain::Relation::ALL
            .into_iter()
            .any(|relation| domain::policy::permits(role, action, relation))
    }
}
