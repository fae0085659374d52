//! sea-orm entities: one module per table, rows only. Rules live in the repositories.

/// An entity's `Relation`, with none declared (repositories join explicitly), and its
/// `ActiveModelBehavior`, with nothing done on save. An entity with sealed text binds its
/// behaviour with `bind_sealed!` instead and declares its empty `Relation` itself.
macro_rules! joined_explicitly {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}
pub(crate) use joined_explicitly;

pub mod access_token;
pub mod action_item;
pub mod action_plan;
pub mod action_plan_checkpoint;
pub mod action_plan_target;
pub mod announcement;
pub mod audit_entry;
pub mod auth_session;
pub mod calendar_feed;
pub mod coaching_session;
pub mod email_opt_out;
pub mod evaluation;
pub mod evaluation_form;
pub mod evaluation_form_team;
pub mod evaluation_form_version;
pub mod idempotency_key;
pub mod kpi;
pub mod metric_month;
pub mod metric_value;
pub mod notification;
pub mod password_link;
pub mod quick_note;
pub mod recovery_code;
pub mod refresh_token;
pub mod reminder_opt_out;
pub mod reminder_sent;
pub mod scorecard_config;
pub mod scorecard_config_kpi;
pub mod second_factor;
pub mod second_factor_role;
pub mod session_template;
pub mod sign_in_challenge;
pub mod sso_identity;
pub mod team;
pub mod team_analyst;
pub mod team_member;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
