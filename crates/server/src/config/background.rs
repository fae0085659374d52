//! The background work's pace: webhook retries and reminders.

use std::time::Duration;

use super::env::Env;

/// How webhook deliveries are retried, and where they may go.
#[derive(Clone, Copy, Debug)]
pub struct WebhookConfig {
    /// `WEBHOOK_RETRY_SECONDS` (default 5): the wait after a first failure; it doubles with each
    /// further one, up to an hour.
    pub retry: Duration,
    /// `WEBHOOK_DISABLE_AFTER_SECONDS` (default a day): a webhook whose every attempt has failed
    /// for this long is turned off.
    pub disable_after: Duration,
    /// `WEBHOOK_ALLOW_PRIVATE` (default `false`): receivers on this machine or a private network
    /// are allowed (development and tests); otherwise only public addresses are.
    pub allow_private: bool,
}

impl WebhookConfig {
    pub(super) fn read(env: &mut Env) -> WebhookConfig {
        WebhookConfig {
            retry: env.seconds("WEBHOOK_RETRY_SECONDS", 5),
            disable_after: env.seconds("WEBHOOK_DISABLE_AFTER_SECONDS", 86400),
            allow_private: env.flag("WEBHOOK_ALLOW_PRIVATE", false),
        }
    }
}

/// When reminders are due.
#[derive(Clone, Copy, Debug)]
pub struct ReminderConfig {
    /// `ACK_REMINDER_HOURS` (1-720, default 48): hours an agent has to acknowledge a completed
    /// session or an active plan before being reminded.
    pub ack_hours: u32,
    /// How often each instance looks for reminders due (a minute).
    pub every: Duration,
}

impl ReminderConfig {
    pub(super) fn read(env: &mut Env) -> ReminderConfig {
        let ack_hours: u32 = env.parse(
            "ACK_REMINDER_HOURS",
            "48",
            "a number of hours from 1 to 720",
        );
        if !(1..=720).contains(&ack_hours) {
            env.problem(format!(
                "ACK_REMINDER_HOURS: `{ack_hours}` is not a number of hours from 1 to 720"
            ));
        }
        ReminderConfig {
            ack_hours,
            every: Duration::from_secs(60),
        }
    }
}
