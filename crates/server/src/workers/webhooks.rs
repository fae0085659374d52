//! Sends webhook deliveries, signed per Standard Webhooks, in the background of every instance.
//!
//! Twice a second each instance turns new audit entries into deliveries and leases the ones due
//! (`persistence::webhooks`), then posts each on the blocking pool with `ureq` (already built,
//! with TLS, for Sentry and single sign-on): no request ever waits for a receiver. A failure is
//! tried again after the configured wait, doubled each time up to an hour; a webhook failing for
//! longer than `WEBHOOK_DISABLE_AFTER_SECONDS` is turned off and admins are told.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use persistence::Db;
use persistence::webhooks::{self, Due, Failure};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::config::WebhookConfig;
use crate::http::instruments::Instruments;

pub mod address;

/// How often an instance looks for work.
const TICK: Duration = Duration::from_millis(500);
/// The longest a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a leased delivery is this instance's: longer than an attempt can take.
const LEASE: chrono::Duration = chrono::Duration::seconds(30);
/// Audit entries read per webhook and tick.
const BATCH: u64 = 200;
/// Attempts in flight per instance.
const IN_FLIGHT: usize = 16;
/// The longest wait between attempts.
const MAX_WAIT: Duration = Duration::from_secs(3600);
/// How long a delivered payload is kept, for the deliveries list.
const KEEP_DELIVERED: chrono::Duration = chrono::Duration::days(30);
/// How often delivered payloads past [`KEEP_DELIVERED`] are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The `webhook-signature` header of a delivery: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}` keyed with the secret's bytes (base64 after `whsec_`).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .ok()?;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let tag = ring::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", STANDARD.encode(tag.as_ref())))
}

/// The wait before the next attempt after `attempts` failed ones (1 or more): `first`, doubled
/// for each further failure, up to an hour.
pub fn backoff(first: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    first.saturating_mul(2u32.pow(doublings)).min(MAX_WAIT)
}

/// Starts this instance's sender, and the deletion of old delivered payloads; they run until
/// the handles are aborted.
pub fn spawn(
    db: Db,
    config: WebhookConfig,
    instruments: web::Data<Instruments>,
) -> [JoinHandle<()>; 2] {
    let pruned = db.clone();
    let pruning = crate::workers::every::every(PRUNE_EVERY, move || {
        let db = pruned.clone();
        async move {
            match webhooks::prune_delivered(&db, Utc::now() - KEEP_DELIVERED).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "old webhook deliveries deleted"),
                Err(error) => tracing::warn!(%error, "old webhook deliveries not deleted"),
            }
        }
    });
    let sender = Sender {
        agent: agent(config),
        slots: Arc::new(Semaphore::new(IN_FLIGHT)),
        db,
        config,
        instruments,
    };
    [send(sender), pruning]
}

/// What the sender works with: the database, its settings, the HTTP client, the attempts it
/// may have in flight, and the counter of attempts.
#[derive(Clone)]
struct Sender {
    db: Db,
    config: WebhookConfig,
    agent: ureq::Agent,
    slots: Arc<Semaphore>,
    instruments: web::Data<Instruments>,
}

/// The HTTP client: no redirects, every status an answer, private addresses refused unless
/// allowed.
fn agent(config: WebhookConfig) -> ureq::Agent {
    let settings = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .build();
    ureq::Agent::with_parts(
        settings,
        ureq::unversioned::transport::DefaultConnector::new(),
        address::PublicOnly::new(config.allow_private),
    )
}

fn send(sender: Sender) -> JoinHandle<()> {
    crate::workers::every::every(TICK, move || {
        let sender = sender.clone();
        async move {
            if let Err(error) = round(&sender).await {
                tracing::warn!(%error, "webhook deliveries wait for the database");
            }
        }
    })
}

/// One look for work: new deliveries made, due ones leased and sent.
async fn round(sender: &Sender) -> Result<(), persistence::StoreError> {
    webhooks::enqueue(&sender.db, BATCH).await?;
    let free = sender.slots.available_permits();
    if free == 0 {
        return Ok(());
    }
    for due in webhooks::claim(&sender.db, Utc::now(), LEASE, free as u64).await? {
        let Ok(slot) = Arc::clone(&sender.slots).acquire_owned().await else {
            return Ok(());
        };
        let sender = sender.clone();
        tokio::spawn(async move {
            attempt(&sender, due).await;
            drop(slot);
        });
    }
    Ok(())
}

/// Posts one delivery and records how it went.
async fn attempt(sender: &Sender, due: Due) {
    let Sender {
        db,
        config,
        agent,
        instruments,
        ..
    } = sender;
    let (agent, delivery) = (agent.clone(), due.delivery.clone());
    let answer = tokio::task::spawn_blocking(move || post(&agent, &due))
        .await
        .unwrap_or_else(|error| Err((None, error.to_string())));
    let recorded = match answer {
        Ok(status) => {
            instruments.webhook_attempt("delivered");
            webhooks::delivered(db, &delivery, status).await
        }
        Err((status, error)) => {
            instruments.webhook_attempt("failed");
            tracing::info!(delivery.id = %delivery.id, status, %error, "webhook delivery failed");
            let wait = backoff(config.retry, delivery.attempts + 1);
            let failure = Failure {
                status,
                error,
                retry_at: Utc::now() + chrono::Duration::from_std(wait).unwrap_or(LEASE),
            };
            let give_up_before = Utc::now()
                - chrono::Duration::from_std(config.disable_after)
                    .unwrap_or(chrono::Duration::days(1));
            webhooks::failed(db, &delivery, failure, give_up_before)
                .await
                .map(|disabled| {
                    if disabled {
                        tracing::warn!(webhook.id = %delivery.webhook_id, "webhook turned off after failing");
                    }
                })
        }
    };
    if let Err(error) = recorded {
        // The lease runs out and the delivery is tried again.
        tracing::warn!(%error, delivery.id = %delivery.id, "webhook attempt not recorded");
    }
}

/// The receiver's 2xx status, or its other status and what went wrong.
fn post(agent: &ureq::Agent, due: &Due) -> Result<u16, (Option<u16>, String)> {
    let id = due.delivery.id.to_string();
    let timestamp = Utc::now().timestamp();
    let signature = signature(&due.secret, &id, timestamp, &due.delivery.payload)
        .ok_or((None, "the signing secret is not base64".to_owned()))?;
    let response = agent
        .post(&due.url)
        .header("content-type", "application/json")
        .header("user-agent", "Coaching-Hub-Webhooks/1")
        .header("webhook-id", &id)
        .header("webhook-timestamp", &timestamp.to_string())
        .header("webhook-signature", &signature)
        .send(due.delivery.payload.as_str())
        .map_err(|error| (None, failure_class(&error).to_owned()))?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        Ok(status)
    } else {
        let class = if status < 500 { "4xx" } else { "5xx" };
        Err((Some(status), format!("the receiver answered {class}")))
    }
}

/// What admins are told of a delivery that got no answer: a coarse class, so the deliveries list
/// tells nothing more of what listens where (a refused port and a missing host read alike).
fn failure_class(error: &ureq::Error) -> &'static str {
    match error {
        ureq::Error::Timeout(_) => "timed out",
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => "TLS failed",
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "could not connect: the address is not public"
        }
        _ => "could not connect",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, id, 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn waits_double_up_to_an_hour() {
        let first = Duration::from_secs(5);
        assert_eq!(backoff(first, 1), first);
        assert_eq!(backoff(first, 3), Duration::from_secs(20));
        assert_eq!(backoff(first, 40), MAX_WAIT);
    }
}
