//! Email notifications: the SMTP server they go through and who they come from.

use std::time::Duration;

use secrecy::SecretString;

use super::env::Env;

/// Where email notifications are sent through.
#[derive(Clone, Debug)]
pub struct EmailConfig {
    /// `SMTP_URL`: `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://…:465`, or
    /// plain `smtp://host:25` (a relay on this machine).
    pub smtp_url: SecretString,
    /// `SMTP_FROM` (default `Coaching Hub <coaching-hub@` + the public URL's host + `>`).
    pub from: lettre::message::Mailbox,
    /// `SMTP_RETRY_SECONDS` (default 30): the wait after a first failure, doubling after each
    /// further one up to an hour; an email is given up after 8 attempts.
    pub retry: Duration,
}

impl EmailConfig {
    /// Email, when `SMTP_URL` is set and `ENABLE_EMAIL` is not `false`.
    pub(super) fn read(env: &mut Env, public_url: &str) -> Option<EmailConfig> {
        let enabled = env.flag("ENABLE_EMAIL", true);
        let smtp_url = env.get("SMTP_URL").filter(|_| enabled)?;
        if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
            env.problem("SMTP_URL: must start with smtp:// or smtps://");
            return None;
        }
        let host = public_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|host| !host.is_empty())
            .unwrap_or("localhost");
        let retry = env.seconds("SMTP_RETRY_SECONDS", 30);
        let from = env
            .get("SMTP_FROM")
            .unwrap_or_else(|| format!("Coaching Hub <coaching-hub@{host}>"));
        match from.parse() {
            Ok(from) => Some(EmailConfig {
                smtp_url: smtp_url.into(),
                from,
                retry,
            }),
            Err(_) => {
                env.problem(format!("SMTP_FROM: `{from}` is not an email address"));
                None
            }
        }
    }
}
