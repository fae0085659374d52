//! Writes from pages: one way to send a form or a move and handle its reply.
//!
//! Leptos' `Action` keeps every reply in a signal that an effect must then watch; a write
//! here hands its reply straight to the page's handler, with less machinery per form.

use std::future::Future;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use leptos::prelude::*;

use super::Error;

/// A write a page can send, and whether one is on its way. Copy, like a signal.
pub struct Submit<I: 'static> {
    send: StoredValue<Rc<dyn Fn(I)>, LocalStorage>,
    pending: RwSignal<bool>,
}

impl<I> Clone for Submit<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I> Copy for Submit<I> {}

impl<I> Submit<I> {
    /// Sends `input`.
    pub fn dispatch(&self, input: I) {
        if let Some(send) = self.send.try_get_value() {
            send(input);
        }
    }

    /// Whether a write is on its way.
    pub fn pending(&self) -> bool {
        self.pending.get()
    }
}

/// A write that sends with `run` and hands each reply to `done`. A reply that arrives after the
/// page has gone is dropped.
pub fn submit<I, O, Fut>(
    run: impl Fn(I) -> Fut + 'static,
    done: impl Fn(Result<O, Error>) + 'static,
) -> Submit<I>
where
    I: 'static,
    O: 'static,
    Fut: Future<Output = Result<O, Error>> + 'static,
{
    submit_boxed(Box::new(move |input| Box::pin(run(input))), Rc::new(done))
}

/// [`submit`] with the request's type erased: its code exists once per kind of input and reply.
fn submit_boxed<I: 'static, O: 'static>(
    run: Box<dyn Fn(I) -> LocalBoxFuture<'static, Result<O, Error>>>,
    done: Rc<dyn Fn(Result<O, Error>)>,
) -> Submit<I> {
    let pending = RwSignal::new(false);
    let send: Rc<dyn Fn(I)> = Rc::new(move |input| {
        pending.set(true);
        let request = run(input);
        let done = Rc::clone(&done);
        leptos::task::spawn_local(async move {
            let reply = request.await;
            if pending.try_set(false).is_none() {
                done(reply);
            }
        });
    });
    Submit {
        send: StoredValue::new_local(send),
        pending,
    }
}
