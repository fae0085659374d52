//! The loops of the background work every instance runs (webhook deliveries, email, the
//! retention period): one round now, then one each period, a late round delaying the next rather
//! than bunching them up.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;

/// Runs `round` now and then every `period` until the task is aborted.
pub fn every<F, Fut>(period: Duration, mut round: F) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            round().await;
        }
    })
}
