//! What asks for my attention: the bell with its unread count and my newest notifications, and
//! an announcement published while I am here, shown until I close it.

use domain::NotificationKind;
use leptos::prelude::*;

use crate::api;
use crate::labels;
use crate::state::store::store;

/// Where a notification leads.
fn link(notice: &dto::Notification) -> Option<String> {
    let id = notice.resource_id?;
    match notice.resource_type.as_deref()? {
        "session" => Some(format!("/sessions/{id}")),
        "action_item" => Some("/items".to_owned()),
        "action_plan" => Some(format!("/plans/{id}")),
        "evaluation" => Some(format!("/evaluations/{id}")),
        "webhook" => Some("/admin/webhooks".to_owned()),
        _ => None,
    }
}

fn icon(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::ActionItemAssigned => "✓",
        NotificationKind::SessionScheduled
        | NotificationKind::SessionChanged
        | NotificationKind::SessionAcknowledged => "◷",
        NotificationKind::PlanAwaitingApproval
        | NotificationKind::PlanAwaitingAcknowledgement
        | NotificationKind::PlanApproved
        | NotificationKind::PlanSentBack => "▤",
        NotificationKind::Announcement => "✉",
        NotificationKind::WebhookDisabled | NotificationKind::SecondFactorPaused => "⚠",
        NotificationKind::AcknowledgementReminder
        | NotificationKind::SessionReminder
        | NotificationKind::OverdueDigest => "⏰",
        NotificationKind::EvaluationSubmitted
        | NotificationKind::EvaluationChanged
        | NotificationKind::EvaluationAcknowledged => "★",
    }
}

/// The bell in the top bar: the unread count, read again whenever a live event may have
/// notified me; opening it lists the newest notifications, and following one marks it read.
#[component]
pub fn Bell() -> impl IntoView {
    let store = store();
    let open = RwSignal::new(false);
    let inbox = api::load(move || {
        store.nudges.track();
        api::notifications()
    });
    let unread = move || {
        inbox.with(|i| {
            i.as_ref()
                .and_then(|i| i.as_ref().ok())
                .map_or(0, |i| i.unread)
        })
    };
    let mark = move |body: dto::MarkRead| {
        leptos::task::spawn_local(async move {
            if api::mark_read(&body).await.is_ok() {
                store.nudges.update(|n| *n = n.wrapping_add(1));
            }
        });
    };
    let items = move || {
        inbox.with(|i| {
            i.as_ref()
                .and_then(|i| i.as_ref().ok())
                .map(|i| i.items.clone())
                .unwrap_or_default()
        })
    };
    // Escape, or a click anywhere else, closes the list (focus may have left it: a button that
    // became disabled drops it).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    let clicks = window_event_listener(leptos::ev::click, move |ev| {
        let inside = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest(".bell").ok().flatten())
            .is_some();
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || {
        keys.remove();
        clicks.remove();
    });
    view! {
        <div class="bell">
            <button type="button" class="ghost" data-test-id="bell" aria-controls="inbox"
                aria-expanded=move || open.get().to_string()
                aria-label=move || match unread() {
                    0 => "Notifications".to_owned(),
                    n => format!("Notifications, {n} unread"),
                }
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg class="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6v-5a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/>
                </svg>
                <Show when=move || { unread() > 0 }>
                    <span class="count" aria-hidden="true" data-test-id="bell-count">{unread}</span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <section id="inbox" class="inbox card" aria-label="Notifications" data-test-id="inbox">
                    <header>
                        <h2>"Notifications"</h2>
                        <button type="button" class="secondary small" data-test-id="mark-all-read"
                            disabled=move || unread() == 0
                            on:click=move |_| mark(dto::MarkRead { ids: None, all: true })>
                            "Mark all read"
                        </button>
                    </header>
                    {move || {
                        let items = items();
                        if items.is_empty() {
                            return view! { <p class="muted">"Nothing new."</p> }.into_any();
                        }
                        view! {
                            <ul>
                                {items.into_iter().map(|notice| {
                                    let id = notice.id;
                                    let unread = notice.read_at.is_none();
                                    let follow = move |_| {
                                        open.set(false);
                                        if unread {
                                            mark(dto::MarkRead { ids: Some(vec![id]), all: false });
                                        }
                                    };
                                    let title = notice.title.clone();
                                    let body = match link(&notice) {
                                        Some(href) => view! { <a href=href on:click=follow>{title}</a> }.into_any(),
                                        None => view! { <span>{title}</span> }.into_any(),
                                    };
                                    view! {
                                        <li class:unread=unread data-test-id="notification">
                                            <span class="icon" aria-hidden="true">{icon(notice.kind)}</span>
                                            <div>
                                                {body}
                                                <small class="muted">{labels::when(notice.created_at)}
                                                    {unread.then_some(" · unread")}</small>
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </Show>
        </div>
    }
}

/// How long an announcement shows before it tucks itself away (it stays in the bell).
const TOAST_FOR: std::time::Duration = std::time::Duration::from_secs(15);

/// An announcement published while I am signed in, until I close it or for a few seconds (it
/// stays in my notifications).
#[component]
pub fn AnnouncementToast() -> impl IntoView {
    let store = store();
    Effect::new(move |_| {
        if let Some(id) = store.announcement.with(|a| a.as_ref().map(|a| a.id)) {
            set_timeout(
                move || {
                    if store
                        .announcement
                        .with_untracked(|a| a.as_ref().map(|a| a.id))
                        == Some(id)
                    {
                        store.announcement.set(None);
                    }
                },
                TOAST_FOR,
            );
        }
    });
    move || {
        store.announcement.get().map(|news| {
            view! {
                <aside class="announcement" role="status" aria-label="Announcement"
                    data-test-id="announcement">
                    <div>
                        <strong>{news.title}</strong>
                        <p>{news.body}</p>
                    </div>
                    <button type="button" class="ghost" aria-label="Close the announcement"
                        on:click=move |_| store.announcement.set(None)>"✕"</button>
                </aside>
            }
        })
    }
}
