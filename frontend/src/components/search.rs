//! The top bar's search: `/search` within the actor's scope, results grouped by kind, moved
//! through with the arrow keys and opened with Enter.

use leptos::prelude::*;

use crate::state::store::sorted_by;

use crate::api;

/// Where a hit leads, and the heading of its group.
fn route(hit: &dto::SearchHit) -> (String, &'static str) {
    match hit.kind.as_str() {
        "session" => (format!("/sessions/{}", hit.id), "Sessions"),
        "action_item" => ("/items".to_owned(), "Action items"),
        "quick_note" => ("/notes".to_owned(), "Quick notes"),
        _ => (format!("/agents/{}", hit.id), "People"),
    }
}

/// The server's snippet (`<mark>` around matches, the rest escaped) as text and highlights.
fn snippet(text: &str) -> Vec<(bool, String)> {
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let mut parts = Vec::new();
    for (i, chunk) in text.split("<mark>").enumerate() {
        match chunk.split_once("</mark>") {
            Some((marked, rest)) if i > 0 => {
                parts.push((true, unescape(marked)));
                parts.push((false, unescape(rest)));
            }
            _ => parts.push((false, unescape(chunk))),
        }
    }
    parts
}

/// The search box with its result list.
#[component]
pub fn SearchBox() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<dto::SearchHit>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let generation = StoredValue::new(0u64);
    let run = move |query: String| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            // Let typing settle before asking the server.
            crate::clock::sleep(250).await;
            if generation.get_value() != mine {
                return;
            }
            let found = if query.trim().len() < 2 {
                Vec::new()
            } else {
                api::search(&query)
                    .await
                    .map(|r| r.items)
                    .unwrap_or_default()
            };
            if generation.get_value() == mine {
                // Grouped by kind, in the order the groups first appear.
                let mut kinds: Vec<String> = Vec::new();
                for hit in &found {
                    if !kinds.contains(&hit.kind) {
                        kinds.push(hit.kind.clone());
                    }
                }
                let grouped = sorted_by(found, |hit| kinds.iter().position(|k| *k == hit.kind));
                hits.set(grouped);
                active.set(None);
                open.set(true);
            }
        });
    };
    let go = Callback::new(move |hit: dto::SearchHit| {
        open.set(false);
        text.set(String::new());
        crate::router::navigate(&route(&hit).0);
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = hits.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                ev.prevent_default();
                let chosen = active.get_untracked().unwrap_or(0);
                if let Some(hit) = hits.with_untracked(|h| h.get(chosen).cloned()) {
                    go.run(hit);
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };
    view! {
        <div class="search" role="search">
            <label for="search" class="sr-only">"Search"</label>
            <input id="search" type="search" placeholder="Search people, sessions, notes…"
                autocomplete="off" data-test-id="search"
                role="combobox" aria-controls="search-results" aria-autocomplete="list"
                aria-expanded=move || (open.get() && !hits.with(Vec::is_empty)).to_string()
                aria-activedescendant=move || active.get().map(|i| format!("hit-{i}"))
                bind:value=text
                on:input=move |_| run(text.get_untracked())
                on:keydown=on_key
                on:blur=move |_| {
                    // Leave time for a click on a result to land.
                    leptos::task::spawn_local(async move {
                        crate::clock::sleep(200).await;
                        open.set(false);
                    });
                } />
            <Show when=move || open.get() && !text.with(String::is_empty)>
                <ul id="search-results" class="results" role="listbox" aria-label="Search results">
                    {move || {
                        let list = hits.get();
                        if list.is_empty() {
                            return view! { <li class="muted empty">"Nothing found"</li> }.into_any();
                        }
                        let mut last_group = "";
                        list.into_iter()
                            .enumerate()
                            .map(|(i, hit)| {
                                let (_, group) = route(&hit);
                                let heading = (group != last_group).then(|| {
                                    view! { <li class="group" role="presentation">{group}</li> }
                                });
                                last_group = group;
                                let chosen = hit.clone();
                                let parts = snippet(hit.snippet.as_deref().unwrap_or_default())
                                    .into_iter()
                                    .map(|(marked, text)| {
                                        if marked {
                                            view! { <mark>{text}</mark> }.into_any()
                                        } else {
                                            view! { <span>{text}</span> }.into_any()
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    {heading}
                                    <li id=format!("hit-{i}") role="option"
                                        aria-selected=move || (active.get() == Some(i)).to_string()
                                        class:active=move || active.get() == Some(i)
                                        on:mousedown=move |ev| { ev.prevent_default(); go.run(chosen.clone()); }>
                                        <span class="hit-title">{hit.title.clone().unwrap_or_default()}</span>
                                        <span class="hit-snippet">{parts}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </ul>
            </Show>
        </div>
    }
}
