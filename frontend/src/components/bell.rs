//! The bell: how many of my notifications are unread, and the newest of them. It reads them
//! again whenever the live feed brings news that may concern me.

use leptos::prelude::*;

use crate::api;
use crate::labels;
use crate::state::store::store;

/// The top bar's bell and its panel.
#[component]
pub fn Bell() -> impl IntoView {
    let store = store();
    let open = RwSignal::new(false);
    let inbox = RwSignal::new(None::<dto::Notifications>);
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(latest) = api::notifications().await {
                let _ = inbox.try_set(Some(latest));
            }
        });
    };
    Effect::new(move |_| {
        store.news.track();
        refresh();
    });
    let unread = move || inbox.with(|inbox| inbox.as_ref().map_or(0, |inbox| inbox.unread));
    let mark_all = move |_| {
        leptos::task::spawn_local(async move {
            if api::mark_all_read().await.is_ok() {
                refresh();
            }
        });
    };
    let close = move || open.set(false);
    view! {
        <div class="bell" on:keydown=move |ev| if ev.key() == "Escape" { close() }>
            <button type="button" class="ghost" data-test-id="bell" aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-label=move || format!("Notifications, {} unread", unread())
                on:click=move |_| open.update(|open| *open = !*open)>
                <span aria-hidden="true">"🔔"</span>
                <Show when=move || unread() != 0>
                    <span class="count" aria-hidden="true" data-test-id="bell-count">{unread}</span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <section class="bell-panel" aria-label="Notifications" data-test-id="bell-panel">
                    <header>
                        <h2>"Notifications"</h2>
                        <button type="button" class="secondary" data-test-id="bell-read-all"
                            disabled=move || unread() == 0 on:click=mark_all>"Mark all read"</button>
                    </header>
                    {move || {
                        let items = inbox.with(|inbox| inbox.as_ref().map(|inbox| inbox.items.clone()))
                            .unwrap_or_default();
                        if items.is_empty() {
                            return view! { <p class="empty">"Nothing new."</p> }.into_any();
                        }
                        view! {
                            <ul>
                                {items.into_iter().map(|item| {
                                    let href = link(&item);
                                    let title = item.title.clone();
                                    view! {
                                        <li class:unread=item.read_at.is_none()>
                                            {match href {
                                                Some(href) => view! {
                                                    <a href=href on:click=move |_| close()>{title}</a>
                                                }.into_any(),
                                                None => view! { <span>{title}</span> }.into_any(),
                                            }}
                                            <time>{labels::when(item.created_at)}</time>
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

/// Where a notification's record is shown, when a page shows it.
fn link(item: &dto::Notification) -> Option<String> {
    let id = item.resource_id?;
    match item.resource_type.as_deref()? {
        "session" => Some(format!("/sessions/{id}")),
        "action_item" => Some("/items".to_owned()),
        _ => None,
    }
}
