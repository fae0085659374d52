//! Making and changing an action item outside a session: what, the details, by when, how urgent
//! and who does it; and cancelling one with a reason. One dialog for every page (the board, an
//! agent's page, a plan), opened with [`open`]; Esc or Close shuts it and focus returns to the
//! button that opened it. A change someone else beat shows the conflict dialog.

use chrono::Duration;
use domain::{ActionItemStatus, ActionPlanId, Priority, Role, UserId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::conflict::ConflictDialog;
use crate::components::error_banner::ErrorBanner;
use crate::components::field::FieldError;
use crate::labels;
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// What the dialog edits.
#[derive(Clone, Debug, PartialEq)]
pub enum Editing {
    /// A new item about `agent` (chosen in the dialog when `None`), in `plan` when given.
    New {
        agent: Option<UserId>,
        plan: Option<ActionPlanId>,
    },
    /// An item as it was when opened.
    Existing(dto::ActionItem),
}

/// The open dialog, shared by every page, and the element to give focus back to.
#[derive(Clone, Copy)]
struct Editor {
    editing: RwSignal<Option<Editing>>,
    opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
}

/// Provided once by the shell.
pub fn provide_editor() {
    provide_context(Editor {
        editing: RwSignal::new(None),
        opener: StoredValue::new_local(None),
    });
}

/// Opens the dialog on `editing`, remembering what has focus now.
pub fn open(editing: Editing) {
    let editor = expect_context::<Editor>();
    let focused = document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    editor.opener.set_value(focused);
    editor.editing.set(Some(editing));
}

fn close(editor: Editor) {
    editor.editing.set(None);
    if let Some(element) = editor.opener.get_value() {
        let _ = element.focus();
    }
}

/// The form's fields, as typed.
#[derive(Clone, Copy)]
struct Fields {
    agent: RwSignal<String>,
    title: RwSignal<String>,
    description: RwSignal<String>,
    due: RwSignal<String>,
    priority: RwSignal<String>,
    owner: RwSignal<String>,
}

impl Fields {
    fn of(editing: &Editing) -> Self {
        let (agent, title, description, due, priority, owner) = match editing {
            Editing::New { agent, .. } => (
                agent.map(|a| a.to_string()).unwrap_or_default(),
                String::new(),
                String::new(),
                (labels::today() + Duration::days(14)).to_string(),
                Priority::Medium.as_str().to_owned(),
                agent.map(|a| a.to_string()).unwrap_or_default(),
            ),
            Editing::Existing(item) => (
                item.agent_id.to_string(),
                item.title.clone(),
                item.description.clone().unwrap_or_default(),
                item.due_date.to_string(),
                item.priority.as_str().to_owned(),
                item.assignee_id.to_string(),
            ),
        };
        Fields {
            agent: RwSignal::new(agent),
            title: RwSignal::new(title),
            description: RwSignal::new(description),
            due: RwSignal::new(due),
            priority: RwSignal::new(priority),
            owner: RwSignal::new(owner),
        }
    }
}

/// What a save sends: a new item, or changes at a version.
#[derive(Clone, Debug)]
enum Save {
    Create(dto::CreateActionItem),
    Update(domain::ActionItemId, dto::UpdateActionItem, i32),
}

impl Save {
    async fn send(self) -> Result<dto::ActionItem, api::Error> {
        match self {
            Save::Create(body) => api::create_item(&body).await,
            Save::Update(id, body, version) => api::update_item(id, &body, version).await,
        }
    }
}

/// A problem found before sending, on `field`.
fn local(field: &str, message: &str) -> api::Error {
    api::Error::Problem {
        problem: crate::components::quick_note::local_problem(field, message),
        retry_after: None,
    }
}

/// The changes `fields` make to `item` (only what differs).
fn changes(item: &dto::ActionItem, fields: Fields) -> Result<dto::UpdateActionItem, api::Error> {
    let due = fields
        .due
        .get_untracked()
        .parse()
        .map_err(|_| local("due_date", "choose a date"))?;
    let priority: Priority = fields
        .priority
        .get_untracked()
        .parse()
        .unwrap_or(item.priority);
    let owner: Option<UserId> = fields.owner.get_untracked().parse().ok();
    let title = fields.title.get_untracked().trim().to_owned();
    let description = fields.description.get_untracked().trim().to_owned();
    let description = (!description.is_empty()).then_some(description);
    Ok(dto::UpdateActionItem {
        title: (title != item.title).then_some(title),
        description: (description != item.description).then_some(description),
        due_date: (due != item.due_date).then_some(due),
        priority: (priority != item.priority).then_some(priority),
        assignee_id: owner.filter(|o| *o != item.assignee_id),
        ..Default::default()
    })
}

/// The dialog, drawn by the shell while an item is being edited.
#[component]
pub fn ItemDialog() -> impl IntoView {
    let editor = expect_context::<Editor>();
    move || {
        editor
            .editing
            .get()
            .map(|editing| view! { <Dialog editing=editing editor=editor /> })
    }
}

#[component]
fn Dialog(editing: Editing, editor: Editor) -> impl IntoView {
    let store = store();
    let me = session();
    let fields = Fields::of(&editing);
    let error = RwSignal::new(None::<api::Error>);
    let conflict = RwSignal::new(None::<(Save, Option<i32>)>);
    let last = StoredValue::new(None::<Save>);
    let existing = match &editing {
        Editing::Existing(item) => Some(item.clone()),
        Editing::New { .. } => None,
    };
    let plan = match &editing {
        Editing::New { plan, .. } => *plan,
        Editing::Existing(item) => item.plan_id,
    };
    let stale_item = existing.as_ref().map(|i| i.id);
    let choose_agent = matches!(editing, Editing::New { agent: None, .. });
    if choose_agent {
        // The agents one may give items to, for the picker.
        api::load(move || async move {
            store.people.upsert_all(api::agents().await?.items);
            Ok(())
        });
    }
    let save = api::submit(
        move |save: Save| {
            last.set_value(Some(save.clone()));
            save.send()
        },
        move |reply| match reply {
            Ok(item) => {
                store.items.upsert(item);
                close(editor);
            }
            Err(err) if err.is_stale() => {
                if let (Some(save), Some(item)) = (last.get_value(), stale_item) {
                    leptos::task::spawn_local(async move {
                        let current = api::action_item(item).await.ok();
                        conflict.set(Some((save, current.map(|c| c.version))));
                    });
                }
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let submit = {
        let existing = existing.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            let request = match &existing {
                Some(item) => {
                    changes(item, fields).map(|body| Save::Update(item.id, body, item.version))
                }
                None => new_item(fields, plan),
            };
            match request {
                Ok(Save::Update(_, body, _)) if dto::Patch::is_empty(&body) => close(editor),
                Ok(request) => save.dispatch(request),
                Err(err) => error.set(Some(err)),
            }
        }
    };
    let agents = move || {
        sorted_by(
            store.people.filter(|p| {
                p.role == Role::Agent
                    && p.active
                    && me.can(
                        domain::Action::ManageActionItem,
                        &crate::state::agent_record(p),
                    )
            }),
            |p| p.name.clone(),
        )
    };
    // The agent, me, and whoever does it now.
    let my_id = me.me().map(|m| m.user.id);
    let current_owner = existing.as_ref().map(|i| i.assignee_id);
    let owners = move || {
        let agent: Option<UserId> = fields.agent.get().parse().ok();
        let mut owners: Vec<(UserId, String)> = Vec::new();
        for id in [agent, my_id, current_owner].into_iter().flatten() {
            if !owners.iter().any(|(o, _)| *o == id) {
                let name = if Some(id) == my_id {
                    "Me".to_owned()
                } else {
                    store.name(id)
                };
                owners.push((id, name));
            }
        }
        owners
    };
    // Where the owner follows the agent until chosen otherwise.
    Effect::new(move |_| {
        let agent = fields.agent.get();
        if fields.owner.get_untracked().is_empty() {
            fields.owner.set(agent);
        }
    });
    let heading = if existing.is_some() {
        "Change the action item"
    } else {
        "New action item"
    };
    let cancel_item = existing
        .clone()
        .filter(|i| i.status.is_open())
        .map(|item| view! { <CancelItem item=item error=error editor=editor /> });
    let on_reload = Callback::new(move |_| {
        conflict.set(None);
        close(editor);
    });
    let on_reapply = Callback::new(move |_| {
        if let Some((Save::Update(id, body, _), Some(version))) = conflict.get_untracked() {
            conflict.set(None);
            save.dispatch(Save::Update(id, body, version));
        }
    });
    // A modal: focus moves in, and Esc closes it from anywhere.
    crate::components::quick_note::focus(if choose_agent {
        "item-agent"
    } else {
        "item-title"
    });
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && conflict.with_untracked(Option::is_none) {
            close(editor);
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div class="backdrop">
            <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="item-dialog-title"
                data-test-id="item-dialog" on:submit=submit>
                <h2 id="item-dialog-title">{heading}</h2>
                {choose_agent.then(|| view! {
                    <label for="item-agent">"Agent"</label>
                    <select id="item-agent" required data-test-id="item-agent" bind:value=fields.agent
                        aria-describedby="assignee_id-error">
                        <option value="">"Choose an agent"</option>
                        {move || agents().into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                    </select>
                })}
                <label for="item-title">"What"</label>
                <input id="item-title" type="text" required maxlength="200"
                    data-test-id="item-edit-title" bind:value=fields.title aria-describedby="title-error" />
                <FieldError error=error name="title" />
                <label for="item-description">"Details (optional)"</label>
                <textarea id="item-description" rows="3" maxlength="5000" data-test-id="item-edit-description"
                    bind:value=fields.description aria-describedby="description-error"></textarea>
                <FieldError error=error name="description" />
                <div class="row">
                    <div>
                        <label for="item-due">"Due"</label>
                        <input id="item-due" type="date" required data-test-id="item-edit-due"
                            bind:value=fields.due aria-describedby="due_date-error" />
                        <FieldError error=error name="due_date" />
                    </div>
                    <div>
                        <label for="item-priority">"Priority"</label>
                        <select id="item-priority" data-test-id="item-edit-priority" bind:value=fields.priority>
                            {Priority::ALL.iter().map(|p| view! { <option value=p.as_str()>{labels::priority(*p)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="item-owner">"Who does it"</label>
                        <select id="item-owner" data-test-id="item-edit-owner" bind:value=fields.owner
                            aria-describedby="assignee_id-error">
                            {move || owners().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <FieldError error=error name="assignee_id" />
                <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
                <div class="actions">
                    <button type="button" class="secondary" data-test-id="item-dialog-close" on:click=move |_| close(editor)>"Close"</button>
                    <button type="submit" data-test-id="item-save" disabled=move || save.pending()>
                        {if existing.is_some() { "Save changes" } else { "Add the item" }}
                    </button>
                </div>
                {cancel_item}
            </form>
        </div>
        <ConflictDialog open=Signal::derive(move || conflict.with(Option::is_some))
            on_reload=on_reload on_reapply=on_reapply />
    }
}

/// The new item `fields` describe, in `plan` when given.
fn new_item(fields: Fields, plan: Option<ActionPlanId>) -> Result<Save, api::Error> {
    let agent: UserId = fields
        .agent
        .get_untracked()
        .parse()
        .map_err(|_| local("assignee_id", "choose an agent"))?;
    let due_date = fields
        .due
        .get_untracked()
        .parse()
        .map_err(|_| local("due_date", "choose a date"))?;
    let description = fields.description.get_untracked().trim().to_owned();
    Ok(Save::Create(dto::CreateActionItem {
        title: fields.title.get_untracked().trim().to_owned(),
        description: (!description.is_empty()).then_some(description),
        assignee_id: fields.owner.get_untracked().parse().unwrap_or(agent),
        due_date,
        priority: fields
            .priority
            .get_untracked()
            .parse()
            .unwrap_or(Priority::Medium),
        session_id: None,
        plan_id: plan,
    }))
}

/// Cancelling an open item, with the reason asked first.
#[component]
fn CancelItem(
    item: dto::ActionItem,
    error: RwSignal<Option<api::Error>>,
    editor: Editor,
) -> impl IntoView {
    let store = store();
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let (id, version) = (item.id, item.version);
    let cancel = api::submit(
        move |reason: String| async move {
            let body = dto::UpdateActionItem {
                status: Some(ActionItemStatus::Cancelled),
                cancel_reason: Some(reason),
                ..Default::default()
            };
            api::update_item(id, &body, version).await
        },
        move |reply| match reply {
            Ok(item) => {
                store.items.upsert(item);
                close(editor);
            }
            Err(err) => error.set(Some(err)),
        },
    );
    view! {
        <div class="danger-zone">
            <Show when=move || asking.get() fallback=move || view! {
                <button type="button" class="danger-outline small" data-test-id="item-cancel"
                    on:click=move |_| asking.set(true)>"Cancel this item…"</button>
            }>
                <label for="item-cancel-reason">"Why is it cancelled?"</label>
                <input id="item-cancel-reason" type="text" maxlength="1000" data-test-id="item-cancel-reason"
                    bind:value=reason aria-describedby="cancel_reason-error" />
                <FieldError error=error name="cancel_reason" />
                <div class="actions">
                    <button type="button" class="secondary small" on:click=move |_| asking.set(false)>"Keep it"</button>
                    <button type="button" class="danger small" data-test-id="item-cancel-confirm"
                        disabled=move || cancel.pending()
                        on:click=move |_| { error.set(None); cancel.dispatch(reason.get_untracked()); }>
                        "Cancel the item"
                    </button>
                </div>
            </Show>
        </div>
    }
}
