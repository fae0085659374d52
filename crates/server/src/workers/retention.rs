//! The retention period (`RETENTION_MONTHS`): every hour, quick notes and the text of ended
//! sessions older than that are erased (`persistence::privacy::apply_retention`). Every instance
//! runs it; a run that finds nothing changes nothing.

use std::time::Duration;

use persistence::audit::Origin;
use persistence::privacy::{self, Retention};

/// How often the period is applied.
const EVERY: Duration = Duration::from_secs(3600);

/// Applies the period now, then every hour, until the server stops.
pub fn spawn(db: persistence::Db, months: u32) -> tokio::task::JoinHandle<()> {
    crate::workers::every::every(EVERY, move || {
        let db = db.clone();
        async move {
            match privacy::apply_retention(&db, &Origin::default(), months).await {
                Ok(done) if done != Retention::default() => {
                    tracing::info!(
                        notes = done.notes,
                        sessions = done.sessions,
                        "retention period applied"
                    );
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "retention period not applied; next try in an hour");
                }
            }
        }
    })
}
