//! Capturing a coaching moment in seconds: from any page with `Q` (or the top bar's button), and
//! from an agent's page with the agent already chosen. Agent, category, private or shared, and up
//! to 500 characters with a counter.

use domain::{NoteCategory, NoteVisibility, UserId};
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::ErrorBanner;
use crate::components::field::FieldError;
use crate::labels;
use crate::state::outbox;
use crate::state::store::{sorted_by, store};

/// The most characters a note holds.
pub const NOTE_LIMIT: usize = 500;

/// Whether the capture is open: `Some(agent)` open (with the agent chosen, if any).
#[derive(Clone, Copy, Debug)]
pub struct QuickNoteTarget(pub RwSignal<Option<Option<UserId>>>);

/// The capture dialog; shown while [`QuickNoteTarget`] is set.
#[component]
pub fn QuickNoteCapture() -> impl IntoView {
    let target = expect_context::<QuickNoteTarget>();
    let store = store();
    let agent = RwSignal::new(String::new());
    let category = RwSignal::new(NoteCategory::Performance.as_str().to_owned());
    let shared = RwSignal::new(true);
    let content = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    // What the last save said: sent, or kept until the connection returns.
    let saved = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| {
        if let Some(chosen) = target.0.get() {
            agent.set(chosen.map(|id| id.to_string()).unwrap_or_default());
            content.set(String::new());
            error.set(None);
            saved.set(None);
            focus("note-content");
        }
    });
    let outbox = outbox::outbox();
    let save = api::submit(
        move |body: dto::CreateQuickNote| outbox::create_note(outbox, body),
        move |reply| match reply {
            Ok(sent) => {
                saved.set(Some(match sent {
                    Some(note) => {
                        store.notes.upsert(note);
                        "Note saved"
                    }
                    None => {
                        "Kept on this device: the note is sent as soon as the server can be reached"
                    }
                }));
                target.0.set(None);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let close = move || target.0.set(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Ok(agent_id) = agent.get_untracked().parse::<UserId>() else {
            error.set(Some(api::Error::Problem {
                problem: local_problem("agent_id", "choose the agent this note is about"),
                retry_after: None,
            }));
            return;
        };
        save.dispatch(dto::CreateQuickNote {
            agent_id,
            content: content.get_untracked(),
            category: category
                .get_untracked()
                .parse()
                .unwrap_or(NoteCategory::Other),
            visibility: if shared.get_untracked() {
                NoteVisibility::Shared
            } else {
                NoteVisibility::Private
            },
        });
    };
    let agents = move || {
        sorted_by(
            store.people.filter(|p| p.role == domain::Role::Agent),
            |p| p.name.clone(),
        )
    };
    view! {
        <Show when=move || target.0.with(Option::is_some)>
            <div class="backdrop" on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="note-title"
                    data-test-id="quick-note-dialog" on:submit=submit>
                    <h2 id="note-title">"Quick note"</h2>
                    <label for="note-agent">"Agent"</label>
                    <select id="note-agent" data-test-id="note-agent" bind:value=agent
                        aria-describedby="agent_id-error">
                        <option value="">"Choose an agent"</option>
                        {move || agents().into_iter().map(|person| view! {
                            <option value=person.id.to_string()>{person.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error=error name="agent_id" />
                    <div class="row">
                        <div>
                            <label for="note-category">"Category"</label>
                            <select id="note-category" data-test-id="note-category" bind:value=category>
                                {NoteCategory::ALL.iter().map(|c| view! {
                                    <option value=c.as_str()>{labels::category(*c)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <fieldset class="toggle">
                            <legend>"Who sees it"</legend>
                            <label><input type="radio" name="visibility" data-test-id="note-shared"
                                prop:checked=move || shared.get() on:change=move |_| shared.set(true) />" Shared"</label>
                            <label><input type="radio" name="visibility" data-test-id="note-private"
                                prop:checked=move || !shared.get() on:change=move |_| shared.set(false) />" Only me"</label>
                        </fieldset>
                    </div>
                    <label for="note-content">"Note"</label>
                    <textarea id="note-content" rows="4" maxlength=NOTE_LIMIT data-test-id="note-content"
                        aria-describedby="note-count content-error" bind:value=content required></textarea>
                    <p id="note-count" class="counter" aria-live="polite"
                        class:over=move || content.with(|c| c.chars().count() > NOTE_LIMIT - 50)>
                        {move || format!("{} / {NOTE_LIMIT}", content.with(|c| c.chars().count()))}
                    </p>
                    <FieldError error=error name="content" />
                    <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| close()>"Cancel"</button>
                        <button type="submit" data-test-id="note-save" disabled=move || save.pending()>
                            "Save note"
                        </button>
                    </div>
                </form>
            </div>
        </Show>
        {move || saved.get().map(|said| view! {
            <p class="toast" role="status" data-test-id="note-saved">{said}</p>
        })}
    }
}

/// A 422 made in the browser, for a field the form checks before sending.
pub fn local_problem(field: &str, message: &str) -> dto::Problem {
    let mut problem = dto::Problem::new(dto::ErrorCode::Validation, 422, None);
    problem.errors = Some([(field.to_owned(), vec![message.to_owned()])].into());
    problem
}

/// Moves focus to the element with `id` once it is drawn.
pub fn focus(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || {
        if let Some(element) = document().get_element_by_id(&id)
            && let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
        {
            let _ = element.focus();
        }
    });
}
