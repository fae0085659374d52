//! People.

use chrono::{DateTime, Utc};
use domain::{Role, TeamId, UserId};
use garde::Validate;
use serde::{Deserialize, Serialize};

/// A person, as others in scope see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    /// Email address (lower case).
    pub email: String,
    /// Display name.
    pub name: String,
    pub role: Role,
    /// The team they are an agent of.
    pub team_id: Option<TeamId>,
    /// The teams whose agents they evaluate, as a quality analyst (empty for anyone else).
    #[serde(default)]
    pub team_ids: Vec<TeamId>,
    /// HR employee id.
    pub employee_id: Option<String>,
    pub department: Option<String>,
    /// Deactivated users cannot sign in.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/users`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct CreateUser {
    /// Email address; unique, case-insensitive.
    #[garde(email, length(chars, max = 254))]
    pub email: String,
    /// Display name.
    #[garde(length(chars, min = 1, max = 120), custom(not_blank))]
    pub name: String,
    pub role: Role,
    /// A temporary password (12-128 characters): it works for 7 days and the person chooses their
    /// own at the first sign-in. Without one the person signs in through SSO, or with a link an
    /// admin emails them (`POST /api/v1/users/{id}/password-link`).
    #[garde(inner(length(chars, min = 12, max = 128)))]
    #[serde(default)]
    pub password: Option<String>,
    /// Team to join as an agent.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// The teams a `QUALITY_ANALYST` evaluates.
    #[garde(length(max = 50))]
    #[serde(default)]
    pub team_ids: Vec<TeamId>,
    /// HR employee id; unique.
    #[garde(inner(length(chars, min = 1, max = 64)))]
    #[serde(default)]
    pub employee_id: Option<String>,
    #[garde(inner(length(chars, min = 1, max = 120)))]
    #[serde(default)]
    pub department: Option<String>,
}

/// `PATCH /api/v1/users/{id}`: every field optional; `null` clears a nullable one.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[garde(allow_unvalidated)]
pub struct UpdateUser {
    /// Display name.
    #[garde(inner(length(chars, min = 1, max = 120), custom(not_blank)))]
    #[serde(default)]
    pub name: Option<String>,
    /// Role (admin only).
    #[serde(default)]
    pub role: Option<Role>,
    /// Team (`null` removes the agent from their team).
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub team_id: Option<Option<TeamId>>,
    /// The complete set of teams a `QUALITY_ANALYST` evaluates (admin).
    #[garde(length(max = 50))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_ids: Option<Vec<TeamId>>,
    /// HR employee id (`null` clears it).
    #[garde(inner(inner(length(chars, min = 1, max = 64))))]
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub employee_id: Option<Option<String>>,
    /// Department (`null` clears it).
    #[garde(inner(inner(length(chars, min = 1, max = 120))))]
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub department: Option<Option<String>>,
    /// The version this edit is based on (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// Garde rule: not empty or only white space.
pub fn not_blank(value: &str, _: &()) -> garde::Result {
    if value.trim().is_empty() {
        Err(garde::Error::new("must not be blank"))
    } else {
        Ok(())
    }
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

impl crate::Patch for UpdateUser {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.role.is_none()
            && self.team_id.is_none()
            && self.team_ids.is_none()
            && self.employee_id.is_none()
            && self.department.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_tells_absent_from_null() {
        let absent: UpdateUser = serde_json::from_str("{}").expect("valid json");
        assert_eq!(absent.team_id, None);
        let cleared: UpdateUser = serde_json::from_str(r#"{"team_id":null}"#).expect("valid json");
        assert_eq!(cleared.team_id, Some(None));
    }

    #[test]
    fn a_patch_sends_only_what_it_changes() {
        // An absent field must not go out as `null`: the server would read "clear it".
        let status_only = crate::UpdateActionItem {
            status: Some(domain::ActionItemStatus::InProgress),
            ..Default::default()
        };
        let sent = serde_json::to_value(&status_only).expect("serialises");
        assert_eq!(sent["status"], "IN_PROGRESS");
        assert!(sent.get("description").is_none(), "{sent}");
        let back: crate::UpdateActionItem = serde_json::from_value(sent).expect("reads back");
        assert_eq!(
            back.description, None,
            "still not an edit of the description"
        );
        let rename = UpdateUser {
            name: Some("New".into()),
            ..Default::default()
        };
        let sent = serde_json::to_value(&rename).expect("serialises");
        for cleared_if_null in ["team_id", "employee_id", "department"] {
            assert!(sent.get(cleared_if_null).is_none(), "{sent}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<UpdateUser>(r#"{"rol":"ADMIN"}"#).is_err());
    }

    #[test]
    fn blank_names_and_short_passwords_fail_validation() {
        let body = CreateUser {
            email: "not-an-email".into(),
            name: "   ".into(),
            role: Role::Agent,
            password: Some("short".into()),
            team_id: None,
            team_ids: Vec::new(),
            employee_id: None,
            department: None,
        };
        let report = body.validate().expect_err("three invalid fields");
        let fields: Vec<String> = report.iter().map(|(path, _)| path.to_string()).collect();
        assert_eq!(fields, ["email", "name", "password"]);
    }
}

/// `POST /api/v1/users/{id}/password-reset`: the new temporary password, shown this once.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporaryPassword {
    /// Give it to the person; they change it after signing in.
    pub temporary_password: String,
}
