//! Loading for pages: one way to fetch what a page shows and keep the newest reply.
//!
//! A plain signal fed by a task, rather than Leptos' `LocalResource`: the pages need no
//! suspense, and the resource's async machinery, instantiated for every resource, cost 38 KB of
//! a 509 KB (gzip) bundle.

use std::future::Future;

use futures::future::{AbortHandle, LocalBoxFuture, abortable};
use leptos::prelude::*;

use super::Error;

/// What a load holds: nothing until the first reply, then the newest reply.
pub type Reply<T> = Option<Result<T, Error>>;

/// Fetches now, and again whenever a signal that `fetch` reads changes, or when the browser comes
/// back online after the last try could not reach the server. A newer request cancels the one
/// still running, and leaving the page cancels it too: an older reply never lands after a newer
/// one, nor do the store writes `fetch` makes on the way.
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> ReadSignal<Reply<T>>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, Error>> + 'static,
{
    load_boxed(Box::new(move || Box::pin(fetch())))
}

/// [`load`] with the request's type erased: its code exists once per kind of reply.
fn load_boxed<T: Send + Sync + 'static>(
    fetch: Box<dyn Fn() -> LocalBoxFuture<'static, Result<T, Error>>>,
) -> ReadSignal<Reply<T>> {
    let (reply, set_reply) = signal(None::<Result<T, Error>>);
    let running = StoredValue::new(None::<AbortHandle>);
    let retry = RwSignal::new(0u32);
    let back_online = window_event_listener(leptos::ev::online, move |_| {
        if reply.with_untracked(|r| matches!(r, Some(Err(Error::Network(_))))) {
            retry.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        retry.track();
        let (request, handle) = abortable(fetch());
        if let Some(older) = running.try_update_value(|r| r.replace(handle)).flatten() {
            older.abort();
        }
        leptos::task::spawn_local(async move {
            if let Ok(result) = request.await {
                set_reply.try_set(Some(result));
            }
        });
    });
    on_cleanup(move || {
        back_online.remove();
        if let Some(last) = running.try_update_value(Option::take).flatten() {
            last.abort();
        }
    });
    reply
}

/// Where a load stands, without its records.
#[derive(Clone, Debug)]
pub enum Status {
    /// No reply yet.
    Waiting,
    /// The newest reply is an error.
    Failed(Error),
    /// The newest reply holds the records.
    Loaded,
}

/// The status of `reply`, for [`LoadStatus`](crate::components::error_banner::LoadStatus).
pub fn status<T: Send + Sync + 'static>(reply: ReadSignal<Reply<T>>) -> Signal<Status> {
    Signal::derive(move || {
        reply.with(|reply| match reply {
            None => Status::Waiting,
            Some(Ok(_)) => Status::Loaded,
            Some(Err(err)) => Status::Failed(err.clone()),
        })
    })
}
