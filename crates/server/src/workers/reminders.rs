//! Reminders (`persistence::reminders`): every instance looks for what is due every minute and
//! sends it; each reminder goes out once across the fleet, and the mailer emails it where its
//! person has email on.

use chrono::Utc;
use persistence::{Db, reminders};
use tokio::task::JoinHandle;

use crate::config::ReminderConfig;

/// Starts this instance's reminders; they run until the handle is aborted.
pub fn spawn(db: Db, config: ReminderConfig) -> JoinHandle<()> {
    crate::workers::every::every(config.every, move || {
        let db = db.clone();
        async move {
            if let Err(error) = round(&db, config).await {
                tracing::warn!(%error, "reminders wait for the database");
            }
        }
    })
}

async fn round(db: &Db, config: ReminderConfig) -> Result<(), persistence::StoreError> {
    let ack_after = chrono::Duration::hours(i64::from(config.ack_hours));
    let mut sent = 0;
    for due in reminders::due(db, Utc::now(), ack_after).await? {
        if reminders::send(db, &due).await? {
            sent += 1;
        }
    }
    if sent > 0 {
        tracing::info!(sent, "reminders sent");
    }
    Ok(())
}
