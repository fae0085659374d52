//! Reminders (`persistence::reminders`): every instance looks for what is due every minute and
//! sends it; each reminder goes out once across the fleet, and the mailer emails it where its
//! person has email on.

use actix_web::web;
use chrono::Utc;
use persistence::reminders;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// Starts this instance's reminders; they run until the handle is aborted.
pub fn spawn(app: web::Data<AppState>) -> JoinHandle<()> {
    let config = app.config.reminders;
    crate::workers::every::every(config.every, move || {
        let app = app.clone();
        async move {
            if let Err(error) = round(&app).await {
                tracing::warn!(%error, "reminders wait for the database");
            }
        }
    })
}

async fn round(app: &AppState) -> Result<(), persistence::StoreError> {
    let ack_after = chrono::Duration::hours(i64::from(app.config.reminders.ack_hours));
    let mut sent = 0;
    for due in reminders::due(&app.db, Utc::now(), ack_after).await? {
        if reminders::send(&app.db, &due).await? {
            sent += 1;
        }
    }
    if sent > 0 {
        tracing::info!(sent, "reminders sent");
    }
    Ok(())
}
