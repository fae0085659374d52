//! sea-orm entities: one module per table, rows only. Rules live in the repositories.

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
pub mod idempotency_key;
pub mod kpi;
pub mod metric_month;
pub mod metric_value;
pub mod notification;
pub mod quick_note;
pub mod recovery_code;
pub mod refresh_token;
pub mod scorecard_config;
pub mod scorecard_config_kpi;
pub mod second_factor;
pub mod second_factor_role;
pub mod sso_identity;
pub mod team;
pub mod team_member;
pub mod user;
