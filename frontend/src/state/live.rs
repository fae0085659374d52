//! The live feed: one WebSocket per signed-in tab. Its events go into the [`Store`], so every
//! open page that shows a record follows changes made anywhere else, without a reload. It
//! reconnects with back-off and resumes after the last event it saw; while it is down, the shell
//! says that updates are paused. When a WebSocket cannot open at all (a proxy that blocks them),
//! the feed switches to the same events as server-sent events (`/api/v1/events`), resuming at
//! the same place.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, WebSocket};

use dto::query::Resume;

use crate::api;
use crate::state::store::Store;

/// Whether the feed is connected, for the shell's banner.
#[derive(Clone, Copy, Debug)]
pub struct Live {
    /// `false` while the connection is down (after it was up once, or failed to open).
    pub online: RwSignal<bool>,
}

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// WebSockets in a row that closed without ever opening, or within [`QUICK_CLOSE_MS`] of opening
/// with nothing received (a proxy that accepts the upgrade and drops it), before the feed takes
/// them to be blocked and uses server-sent events instead.
const SOCKET_TRIES: u32 = 2;
/// See [`SOCKET_TRIES`].
const QUICK_CLOSE_MS: f64 = 5_000.0;
/// The events a page follows (server-sent events arrive by name).
const KINDS: [&str; 7] = [
    "session_changed",
    "action_item_changed",
    "quick_note_changed",
    "action_plan_changed",
    "user_changed",
    "quick_note_deleted",
    "announcement_published",
];

struct Feed {
    store: Store,
    online: RwSignal<bool>,
    last_seq: u64,
    backoff: Duration,
    stopped: bool,
    socket: Option<Connection>,
    /// Sockets in a row that closed without opening.
    failed_opens: u32,
    stream: Option<Stream>,
}

/// The server-sent events' stream, with the handlers that must live as long as it does.
struct Stream {
    source: web_sys::EventSource,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut()>,
}

/// An open socket with the handlers that must live as long as it does.
struct Connection {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

/// Starts the feed for the signed-in person; it stops when the calling component is gone.
pub fn start(store: Store) -> Live {
    let online = RwSignal::new(true);
    let feed = Rc::new(RefCell::new(Feed {
        store,
        online,
        last_seq: 0,
        backoff: Duration::from_secs(1),
        stopped: false,
        socket: None,
        failed_opens: 0,
        stream: None,
    }));
    connect(&feed);
    let stop = send_wrapper::SendWrapper::new(Rc::clone(&feed));
    on_cleanup(move || {
        let mut feed = stop.borrow_mut();
        feed.stopped = true;
        if let Some(stream) = feed.stream.take() {
            stream.source.close();
        }
        if let Some(Connection { socket, .. }) = feed.socket.take() {
            // Its handlers go with it: none may run once they are dropped.
            socket.set_onmessage(None);
            socket.set_onclose(None);
            if socket.ready_state() == WebSocket::CONNECTING {
                // Closing a socket still connecting is an error in the console: close it once
                // it opens instead.
                let opened = socket.clone();
                let close = Closure::once_into_js(move || {
                    let _ = opened.close();
                });
                socket.set_onopen(Some(close.unchecked_ref()));
            } else {
                socket.set_onopen(None);
                let _ = socket.close();
            }
        }
    });
    Live { online }
}

/// The feed's address; after a reconnect it names the last event seen, so the server sends what
/// was missed first, in order.
fn url(last_seq: u64) -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(api::href(
        &format!("{scheme}://{host}/api/v1/ws"),
        &resume(last_seq),
    ))
}

fn connect(feed: &Rc<RefCell<Feed>>) {
    let (last_seq, blocked) = {
        let state = feed.borrow();
        (state.last_seq, state.failed_opens >= SOCKET_TRIES)
    };
    if blocked {
        listen(feed);
        return;
    }
    let Some(socket) = url(last_seq).and_then(|url| WebSocket::new(&url).ok()) else {
        retry(feed);
        return;
    };
    // When it opened, and whether anything came: a socket that never carries anything is no use.
    let opened = Rc::new(std::cell::Cell::new(None::<f64>));
    let heard = Rc::new(std::cell::Cell::new(false));
    let on_open = {
        let feed = Rc::clone(feed);
        let opened = Rc::clone(&opened);
        Closure::<dyn FnMut()>::new(move || {
            opened.set(Some(js_sys::Date::now()));
            let mut state = feed.borrow_mut();
            state.online.set(true);
            state.backoff = Duration::from_secs(1);
        })
    };
    let on_message = {
        let feed = Rc::clone(feed);
        let heard = Rc::clone(&heard);
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            heard.set(true);
            let mut state = feed.borrow_mut();
            state.failed_opens = 0;
            if let Some(text) = event.data().as_string() {
                receive(&mut state, &text);
            }
        })
    };
    let on_close = {
        let feed = Rc::clone(feed);
        Closure::<dyn FnMut()>::new(move || {
            let useless = match opened.get() {
                None => true,
                Some(at) => !heard.get() && js_sys::Date::now() - at < QUICK_CLOSE_MS,
            };
            {
                let mut state = feed.borrow_mut();
                state.failed_opens = if useless { state.failed_opens + 1 } else { 0 };
            }
            retry(&feed);
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    feed.borrow_mut().socket = Some(Connection {
        socket,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
    });
}

/// Follows the server-sent events from the last seq seen. The browser's `EventSource` reconnects
/// by itself (sending `Last-Event-ID`); one it gives up on (signed out, turned off) is retried
/// like a socket.
fn listen(feed: &Rc<RefCell<Feed>>) {
    let last_seq = feed.borrow().last_seq;
    let url = api::href("/api/v1/events", &resume(last_seq));
    let Ok(source) = web_sys::EventSource::new(&url) else {
        retry(feed);
        return;
    };
    let on_open = {
        let feed = Rc::clone(feed);
        Closure::<dyn FnMut()>::new(move || {
            let mut state = feed.borrow_mut();
            state.online.set(true);
            state.backoff = Duration::from_secs(1);
        })
    };
    let on_message = {
        let feed = Rc::clone(feed);
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                receive(&mut feed.borrow_mut(), &text);
            }
        })
    };
    let on_error = {
        let feed = Rc::clone(feed);
        let watched = source.clone();
        Closure::<dyn FnMut()>::new(move || {
            feed.borrow().online.set(false);
            // (Replaced, not dropped, here: this handler is part of what it would drop.)
            if watched.ready_state() == web_sys::EventSource::CLOSED {
                retry(&feed);
            }
        })
    };
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    for kind in KINDS {
        let _ = source.add_event_listener_with_callback(kind, on_message.as_ref().unchecked_ref());
    }
    feed.borrow_mut().stream = Some(Stream {
        source,
        _on_open: on_open,
        _on_message: on_message,
        _on_error: on_error,
    });
}

/// Waits, then connects again; an expired sign-in is renewed first (any API call does that).
/// A sign-in that cannot be renewed (signed out elsewhere, or deactivated) goes to the sign-in
/// page.
fn retry(feed: &Rc<RefCell<Feed>>) {
    let wait = {
        let mut state = feed.borrow_mut();
        if state.stopped {
            return;
        }
        state.online.set(false);
        let wait = state.backoff;
        state.backoff = (state.backoff * 2).min(MAX_BACKOFF);
        wait
    };
    let feed = Rc::clone(feed);
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                if let Err(err) = crate::api::me().await
                    && err.is_unauthenticated()
                {
                    feed.borrow_mut().stopped = true;
                    crate::router::navigate("/login");
                    return;
                }
                if !feed.borrow().stopped {
                    connect(&feed);
                }
            });
        },
        wait,
    );
}

/// Applies one message to the store. Only the record in `data` is decoded, into the type its
/// `type` names: decoding `dto::LiveEvent` whole would carry every event's decoder (and serde's
/// buffering for the flattened enum) into the bundle for records no page shows.
fn receive(feed: &mut Feed, text: &str) {
    let Ok(message) = js_sys::JSON::parse(text) else {
        return;
    };
    let field = |name: &str| js_sys::Reflect::get(&message, &JsValue::from_str(name)).ok();
    // Control messages have no `seq`. `refetch` means some events are gone: the pages keep what
    // they loaded, and read again when next opened.
    let Some(seq) = field("seq").and_then(|seq| seq.as_f64()) else {
        return;
    };
    feed.last_seq = feed.last_seq.max(seq as u64);
    let (Some(kind), Some(data)) = (field("type").and_then(|k| k.as_string()), field("data"))
    else {
        return;
    };
    let store = feed.store;
    if matches!(
        kind.as_str(),
        "session_changed"
            | "action_item_changed"
            | "action_plan_changed"
            | "announcement_published"
    ) {
        store.nudges.update(|n| *n = n.wrapping_add(1));
    }
    match kind.as_str() {
        "session_changed" => decode(data, |session| store.sessions.upsert(session)),
        "action_item_changed" => decode(data, |item| store.items.upsert(item)),
        "quick_note_changed" => decode(data, |note| store.notes.upsert(note)),
        "action_plan_changed" => decode(data, |plan| store.plans.upsert(plan)),
        "user_changed" => decode(data, |person| store.people.upsert(person)),
        "quick_note_deleted" => {
            let id = js_sys::Reflect::get(&data, &JsValue::from_str("id")).ok();
            if let Some(id) = id
                .and_then(|id| id.as_string())
                .and_then(|id| id.parse().ok())
            {
                store.notes.remove(id);
            }
        }
        "announcement_published" => {
            decode(data, |announcement| {
                store.announcement.set(Some(announcement))
            });
        }
        // Metrics and teams: no page keeps them in the store yet.
        _ => {}
    }
}

fn decode<T: serde::de::DeserializeOwned>(data: JsValue, apply: impl FnOnce(T)) {
    if let Ok(record) = serde_wasm_bindgen::from_value(data) {
        apply(record);
    }
}

/// Where a reconnecting client left off: after `last_seq`, when it has seen one.
fn resume(last_seq: u64) -> Resume {
    Resume {
        after: (last_seq > 0).then_some(last_seq),
    }
}
