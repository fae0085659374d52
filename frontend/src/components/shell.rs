//! The frame of every signed-in page: the top bar (product, search, quick note, the person and
//! sign-out), navigation per role (a side bar on a laptop, a bottom bar on a phone), and the
//! signed-in session every page reads.

use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::notifications::{AnnouncementToast, Bell};
use crate::components::quick_note::{QuickNoteCapture, QuickNoteTarget};
use crate::components::search::SearchBox;
use crate::router;
use crate::state::Session;
use crate::state::store::store;

/// One navigation entry.
struct NavItem {
    href: &'static str,
    label: &'static str,
    icon: &'static str,
    test_id: &'static str,
}

fn nav_for(role: domain::Role) -> Vec<NavItem> {
    use domain::Role::{Admin, Manager, QualityAnalyst};
    let coach = role.coaches();
    let mut items = vec![NavItem {
        href: "/",
        label: "Home",
        icon: "⌂",
        test_id: "nav-home",
    }];
    if coach || role == QualityAnalyst {
        items.push(NavItem {
            href: "/agents",
            label: "Agents",
            icon: "☺",
            test_id: "nav-agents",
        });
    }
    // An analyst scores interactions and takes part in no coaching.
    if role != QualityAnalyst {
        items.push(NavItem {
            href: "/sessions",
            label: "Sessions",
            icon: "◷",
            test_id: "nav-sessions",
        });
        items.push(NavItem {
            href: "/items",
            label: "Action items",
            icon: "✓",
            test_id: "nav-items",
        });
        items.push(NavItem {
            href: "/plans",
            label: "Plans",
            icon: "▤",
            test_id: "nav-plans",
        });
    }
    if coach {
        items.push(NavItem {
            href: "/notes",
            label: "Notes",
            icon: "✎",
            test_id: "nav-notes",
        });
    }
    if matches!(role, Admin | Manager) {
        items.push(NavItem {
            href: "/admin",
            label: "Admin",
            icon: "⚙",
            test_id: "nav-admin",
        });
    }
    items
}

/// The signed-in frame around a page; sends people who are not signed in to the sign-in page
/// and back here afterwards.
#[component]
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let session = Session(RwSignal::new(None));
    provide_context(session);
    let capture = QuickNoteTarget(RwSignal::new(None));
    provide_context(capture);
    crate::pages::items::provide_mover();
    crate::pages::items::provide_editor();
    crate::state::outbox::start(store());
    let me = api::load(api::me);
    let location = router::location();
    // The signed-in person's role, once known.
    let role = Memo::new(move |_| session.0.with(|me| me.as_ref().map(|me| me.user.role)));
    Effect::new(move |_| match me.get() {
        Some(Ok(me)) => {
            let store = store();
            store.people.upsert(me.user.clone());
            if me.user.role != domain::Role::Agent {
                leptos::task::spawn_local(async move {
                    if let Ok(page) = api::agents().await {
                        store.people.upsert_all(page.items);
                    }
                });
            }
            session.0.set(Some(me));
        }
        Some(Err(err)) if err.is_unauthenticated() => {
            let here = location.path.get_untracked();
            let next = if here == "/" {
                String::new()
            } else {
                format!("?next={here}")
            };
            router::navigate(&format!("/login{next}"));
        }
        _ => {}
    });
    // Signed out is not an error to show: the effect above is already on its way to sign-in.
    let me_loaded = api::status(me);
    let me_status = Signal::derive(move || match me_loaded.get() {
        api::Status::Failed(err) if err.is_unauthenticated() => api::Status::Waiting,
        status => status,
    });
    let sign_out = api::submit(
        |()| api::logout(),
        move |_| {
            session.0.set(None);
            router::navigate("/login");
        },
    );
    // `q` anywhere outside a text field opens the quick-note capture.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.has_attribute("contenteditable")
            });
        if ev.key() == "q" && !typing && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() {
            ev.prevent_default();
            capture.0.set(Some(None));
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="top">
            <a href="/" class="brand">"Coaching Hub"</a>
            {move || session.0.get().map(|_| view! { <SearchBox /> })}
            <div class="who">
                {move || session.0.with(Option::is_some).then(|| view! { <Bell /> })}
                {move || session.is_coach().then(|| view! {
                    <button type="button" class="ghost" data-test-id="quick-note-open"
                        title="Quick note (press Q)" on:click=move |_| capture.0.set(Some(None))>
                        <span aria-hidden="true">"✎"</span><span class="wide-only">"\u{a0}Quick note"</span>
                        <span class="sr-only">" (press Q)"</span>
                    </button>
                })}
                {move || session.0.get().map(|me| view! {
                    <a href="/account" class="person" data-test-id="account" title="Your account">
                        <svg class="narrow-only person-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                            <path fill="currentColor" d="M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4.4 0-8 2.2-8 5v2h16v-2c0-2.8-3.6-5-8-5z"/>
                        </svg>
                        <span class="sr-only narrow-only">"Your account"</span>
                        <span class="wide-only" data-test-id="signed-in-as">{me.user.name.clone()}</span>
                    </a>
                })}
                <button type="button" class="ghost" data-test-id="sign-out"
                    on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
            </div>
        </header>
        <div class="frame">
            <nav class="side" aria-label="Main">
                // Drawn once the person is known (their role decides the entries), and not again
                // as they move around: only `aria-current` follows the path.
                {move || {
                    Some(nav_for(role.get()?)
                        .into_iter()
                        .map(|item| {
                            let href = item.href;
                            let current = move || {
                                location.path.with(|path| {
                                    if href == "/" { path == "/" } else { path.starts_with(href) }
                                })
                            };
                            view! {
                                <a href=href data-test-id=item.test_id
                                    aria-current=move || current().then_some("page")>
                                    <span class="icon" aria-hidden="true">{item.icon}</span>
                                    <span class="label">{item.label}</span>
                                </a>
                            }
                        })
                        .collect_view())
                }}
            </nav>
            <main id="main" tabindex="-1">
                <ErrorBanner error=crate::pages::items::move_error() />
                <LoadStatus status=me_status />
                <Show when=move || session.0.with(Option::is_some)>
                    <LiveFeed />
                    {children()}
                </Show>
            </main>
        </div>
        <QuickNoteCapture />
        <AnnouncementToast />
        <crate::pages::items::MoveProblems />
        <crate::pages::items::ItemDialog />
    }
}

/// Live updates for every page while someone is signed in (they stop on sign-out), unless the
/// server has them turned off; and a notice while the connection is down or notes wait to be sent.
#[component]
fn LiveFeed() -> impl IntoView {
    let offered = api::load(api::client_config);
    move || match offered.get() {
        None => ().into_any(),
        Some(Ok(dto::ClientConfig {
            real_time: false, ..
        })) => view! { <Connection online=Signal::stored(true) /> }.into_any(),
        Some(_) => {
            let live = crate::state::live::start(store());
            view! { <Connection online=live.online.into() /> }.into_any()
        }
    }
}

/// The notice while the live feed is down (`online` false) or quick notes wait in the outbox,
/// which is sent whenever the feed comes back.
#[component]
fn Connection(online: Signal<bool>) -> impl IntoView {
    let outbox = crate::state::outbox::outbox();
    // The feed reconnecting is a sign the server is back even when the browser said nothing.
    Effect::new(move |_| {
        if online.get() {
            outbox.send();
        }
    });
    view! {
        <Show when=move || { !online.get() || outbox.waiting.get() > 0 }>
            <p class="offline" role="status" data-test-id="offline">
                {move || match outbox.waiting.get() {
                    0 => "Offline: changes made elsewhere will show when the connection is back.".to_owned(),
                    1 => "Offline: 1 quick note is kept on this device and will be sent when the connection is back.".to_owned(),
                    n => format!("Offline: {n} quick notes are kept on this device and will be sent when the connection is back."),
                }}
            </p>
        </Show>
        <RefusedNotes />
    }
}

/// Quick notes the server refused when they were sent from the outbox: each with why, to fix
/// and send again, or to discard.
#[component]
fn RefusedNotes() -> impl IntoView {
    let outbox = crate::state::outbox::outbox();
    let store = store();
    view! {
        <Show when=move || outbox.refused.with(|r| !r.is_empty())>
            <section class="card warning-card" role="alert" data-test-id="refused-notes">
                <h2>"Quick notes that were not saved"</h2>
                {move || outbox.refused.get().into_iter().map(|note| {
                    let text = RwSignal::new(note.content.clone());
                    let (key, again) = (note.key.clone(), note.key.clone());
                    let id = format!("refused-{}", note.key);
                    view! {
                        <div class="refused" data-test-id="refused-note">
                            <p><strong>{move || store.name(note.agent_id)}</strong> ": " {note.reason.clone()}</p>
                            <label class="sr-only" for=id.clone()>"The note"</label>
                            <textarea id=id rows="2" maxlength="5000" bind:value=text data-test-id="refused-content"></textarea>
                            <div class="actions">
                                <button type="button" class="secondary small" data-test-id="refused-discard"
                                    on:click=move |_| outbox.discard(&key)>"Discard"</button>
                                <button type="button" class="small" data-test-id="refused-retry"
                                    on:click=move |_| outbox.retry(&again, text.get_untracked())>"Send again"</button>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </section>
        </Show>
    }
}
