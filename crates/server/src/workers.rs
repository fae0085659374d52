//! The background work every instance runs beside the requests: the loops (`every`), email,
//! webhook deliveries, reminders, the retention period, and the state of jobs clients poll.

pub mod every;
pub mod jobs;
pub mod mailer;
pub mod reminders;
pub mod retention;
pub mod webhooks;
