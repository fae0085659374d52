//! Email notifications (`SMTP_URL`, the `lettre` crate): a session scheduled or changed (with the
//! session as an `.ics` invitation), an action item assigned, a plan awaiting approval or
//! acknowledgement.
//!
//! The outbox is the notifications table (`persistence::emails`): written with the change, read
//! here after commit by a background task of every instance, each email leased to one instance,
//! retried with doubling waits, never on a request's path.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use icalendar::Calendar;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use persistence::emails::{self, Outgoing};
use persistence::{Db, calendar_feeds};
use secrecy::ExposeSecret;
use tokio::task::JoinHandle;

use crate::config::EmailConfig;

/// How often an instance looks for email to send.
const TICK: Duration = Duration::from_secs(1);
/// How long an email leased to this instance is its own: longer than sending can take.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// The longest a conversation with the SMTP server may take.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Emails sent per look.
const BATCH: u64 = 20;
/// Attempts before an email is given up.
const ATTEMPTS: i32 = 8;

/// Starts this instance's mailer when email is configured; it runs until the handle is aborted.
pub fn spawn(
    db: Db,
    email: Option<EmailConfig>,
    public_url: String,
) -> anyhow::Result<Option<JoinHandle<()>>> {
    let Some(email) = email else {
        return Ok(None);
    };
    let mailer = Mailer {
        smtp: transport(&email)?,
        db,
        email,
        public_url,
    };
    Ok(Some(crate::workers::every::every(TICK, move || {
        let mailer = mailer.clone();
        async move {
            if let Err(error) = round(&mailer).await {
                tracing::warn!(%error, "email notifications wait for the database");
            }
        }
    })))
}

/// What the mailer works with: the outbox's database, the SMTP settings and connections, and
/// the site's address for links.
#[derive(Clone)]
struct Mailer {
    db: Db,
    email: EmailConfig,
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    public_url: String,
}

/// The SMTP connection pool of `SMTP_URL`.
fn transport(email: &EmailConfig) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::from_url(email.smtp_url.expose_secret())
            .context("SMTP_URL")?
            .timeout(Some(TIMEOUT))
            .build(),
    )
}

/// Emails `to` a link that sets their password and works for `valid_for`, now.
pub async fn send_password_link(
    config: &crate::config::Config,
    to: &persistence::users::UserRow,
    token: &str,
    purpose: persistence::password_links::Purpose,
    valid_for: chrono::Duration,
) -> anyhow::Result<()> {
    let email = config.email.as_ref().context("email is off")?;
    let link = format!("{}/reset-password#{token}", config.http.public_url);
    let minutes = valid_for.num_minutes();
    let why = match purpose {
        persistence::password_links::Purpose::SentByAdmin => {
            "An administrator sent you this link to set your Coaching Hub password."
        }
        _ => "Someone, hopefully you, asked to set a new password for your Coaching Hub account.",
    };
    let text = format!(
        "Hello {},\n\n{why}\n\nChoose your password here within {minutes} minutes (the link \
         works once):\n{link}\n\nIf you did not ask for this, ignore this email: your password \
         stays as it is.\n",
        to.user.name
    );
    let message = Message::builder()
        .from(email.from.clone())
        .to(Mailbox::new(
            Some(to.user.name.clone()),
            to.user.email.parse().context("no valid address")?,
        ))
        .subject("Set your Coaching Hub password")
        .singlepart(SinglePart::plain(text))?;
    transport(email)?.send(message).await?;
    Ok(())
}

async fn round(mailer: &Mailer) -> Result<(), persistence::StoreError> {
    let db = &mailer.db;
    for outgoing in emails::claim(db, Utc::now(), LEASE, BATCH).await? {
        let id = outgoing.notification.id;
        let attempts = outgoing.notification.email_attempts + 1;
        let sent = match message(mailer, &outgoing).await {
            Ok(message) => mailer.smtp.send(message).await.map_err(|e| e.to_string()),
            Err(error) => Err(error),
        };
        match sent {
            Ok(_) => emails::sent(db, id).await?,
            Err(error) => {
                tracing::info!(notification.id = %id, attempts, %error, "email not sent");
                let retry_at = (attempts < ATTEMPTS).then(|| {
                    let wait = crate::workers::webhooks::backoff(mailer.email.retry, attempts);
                    Utc::now() + chrono::Duration::from_std(wait).unwrap_or(LEASE)
                });
                emails::failed(db, id, retry_at).await?;
            }
        }
    }
    Ok(())
}

/// The email of one notification: its title as the subject, a link to what it is about, and a
/// session's invitation attached.
async fn message(mailer: &Mailer, outgoing: &Outgoing) -> Result<Message, String> {
    let site = &mailer.public_url;
    let notice = &outgoing.notification;
    let to = Mailbox::new(
        Some(outgoing.name.clone()),
        outgoing.email.parse().map_err(|_| "no valid address")?,
    );
    let about = notice.data.as_ref();
    let kind = about.and_then(|d| d["type"].as_str()).unwrap_or_default();
    let id = about
        .and_then(|d| d["id"].as_str())
        .and_then(|id| id.parse::<uuid::Uuid>().ok());
    let link = match (kind, id) {
        ("session", Some(id)) => format!("{site}/sessions/{id}"),
        ("action_plan", Some(id)) => format!("{site}/plans/{id}"),
        ("action_item", _) => format!("{site}/items"),
        _ => site.clone(),
    };
    let text = format!(
        "Hello {},\n\n{}\n\nOpen it in Coaching Hub: {link}\n\n-- \nYou get this because Coaching Hub \
         emails you what needs you. Turn it off on your account page: {site}/account\n",
        outgoing.name, notice.title
    );
    let body = SinglePart::plain(text);
    let invitation = match (kind, id) {
        ("session", Some(id)) => calendar_feeds::session(&mailer.db, id)
            .await
            .map_err(|e| e.to_string())?
            .map(|session| {
                let mut calendar = Calendar::new();
                calendar.push(crate::routes::calendar::event(&session, site));
                calendar.append_property(("METHOD", "PUBLISH"));
                calendar.done().to_string()
            }),
        _ => None,
    };
    let builder = Message::builder()
        .from(mailer.email.from.clone())
        .to(to)
        .subject(notice.title.clone());
    let built = match invitation {
        Some(ics) => {
            let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(body)
                    .singlepart(Attachment::new("session.ics".to_owned()).body(ics, kind)),
            )
        }
        None => builder.singlepart(body),
    };
    built.map_err(|e| e.to_string())
}
