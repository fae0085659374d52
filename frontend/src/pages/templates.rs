//! Session templates (`/sessions/templates`): the starting points coaches pick in the planning
//! wizard. A team's coaches keep its templates; admins keep the organisation's. Each template has
//! focus areas, an agenda (it becomes the preparation notes), a length and suggested action items.

use domain::{Action, Priority, Target, TeamId};
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::{Stale, StaleDialog};
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::FieldError;
use crate::labels;
use crate::state::session;

/// Session lengths offered, in minutes (the planning wizard's).
const LENGTHS: [i32; 6] = [15, 30, 45, 60, 90, 120];

/// A suggested action item being edited.
#[derive(Clone, Debug, Default, PartialEq)]
struct ItemRow {
    title: String,
    priority: String,
    days: String,
}

/// The template being written: a new one (`id` none) or an edit at `version`.
#[derive(Clone, Debug, PartialEq)]
struct Form {
    id: Option<uuid::Uuid>,
    version: Option<i32>,
    team: String,
    name: String,
    focus: String,
    agenda: String,
    duration: String,
    items: Vec<ItemRow>,
}

impl Form {
    fn new(team: Option<TeamId>) -> Self {
        Form {
            id: None,
            version: None,
            team: team.map(|t| t.to_string()).unwrap_or_default(),
            name: String::new(),
            focus: String::new(),
            agenda: String::new(),
            duration: "45".to_owned(),
            items: Vec::new(),
        }
    }

    fn of(template: &dto::SessionTemplate) -> Self {
        Form {
            id: Some(template.id),
            version: Some(template.version),
            team: template.team_id.map(|t| t.to_string()).unwrap_or_default(),
            name: template.name.clone(),
            focus: template.focus_areas.join(", "),
            agenda: template.agenda.clone().unwrap_or_default(),
            duration: template.duration_minutes.to_string(),
            items: template
                .action_items
                .iter()
                .map(|item| ItemRow {
                    title: item.title.clone(),
                    priority: item.priority.as_str().to_owned(),
                    days: item.due_in_days.to_string(),
                })
                .collect(),
        }
    }

    fn body(&self) -> dto::WriteSessionTemplate {
        dto::WriteSessionTemplate {
            name: self.name.clone(),
            team_id: self.team.parse().ok(),
            focus_areas: self
                .focus
                .split(',')
                .map(str::trim)
                .filter(|area| !area.is_empty())
                .map(str::to_owned)
                .collect(),
            agenda: Some(self.agenda.clone()).filter(|a| !a.trim().is_empty()),
            duration_minutes: self.duration.parse().unwrap_or(45),
            action_items: self
                .items
                .iter()
                .map(|item| dto::TemplateItem {
                    title: item.title.clone(),
                    priority: item.priority.parse().unwrap_or(Priority::Medium),
                    // 0 is refused by the server with the field named.
                    due_in_days: item.days.trim().parse().unwrap_or(0),
                })
                .collect(),
            version: self.version,
        }
    }
}

/// The templates page.
#[component]
pub fn Templates() -> impl IntoView {
    let me = session();
    let changed = RwSignal::new(0u32);
    let templates = api::load(move || {
        changed.track();
        api::session_templates()
    });
    let teams = api::load(api::teams);
    let team_name = move |id: TeamId| {
        teams
            .get()
            .and_then(Result::ok)
            .and_then(|page| page.items.into_iter().find(|t| t.id == id))
            .map_or_else(|| "A team".to_owned(), |team| team.name)
    };
    // The teams whose templates I keep, and whether I keep the organisation's.
    let my_teams = move || {
        me.me().map_or_else(Vec::new, |m| {
            let mut ids = m.led_team_ids.clone();
            ids.extend(m.managed_team_ids.iter().copied());
            if m.user.role == domain::Role::Admin {
                ids = teams
                    .get()
                    .and_then(Result::ok)
                    .map(|page| page.items.iter().map(|t| t.id).collect())
                    .unwrap_or_default();
            }
            ids
        })
    };
    let for_everyone = me.can(Action::ManageSessionTemplate, &Target::Global);
    let first_team = move || my_teams().first().copied();
    let form = RwSignal::new(None::<Form>);
    let error = RwSignal::new(None::<api::Error>);
    // Templates are saved whole: the version is the form's own (see `on_reapply`).
    let stale = Stale::new(0);
    let save = api::submit(
        |form: Form| async move { api::save_session_template(form.id, &form.body()).await },
        move |reply| match reply {
            Ok(_) => {
                form.set(None);
                changed.update(|n| *n += 1);
            }
            Err(err) if err.is_stale() => {
                if let Some(id) = form.with_untracked(|f| f.as_ref().and_then(|f| f.id)) {
                    stale.ask(
                        async move { Ok(api::session_template(id).await?.version) },
                        error,
                    );
                }
            }
            Err(err) => error.set(Some(err)),
        },
    );
    // Someone else saved the template first: drop mine, or save it over theirs.
    let on_reload = Callback::new(move |()| {
        form.set(None);
        changed.update(|n| *n += 1);
    });
    let on_reapply = Callback::new(move |()| {
        form.update(|f| {
            if let Some(f) = f {
                f.version = Some(stale.base());
            }
        });
        if let Some(f) = form.get_untracked() {
            save.dispatch(f);
        }
    });
    // Drawn when the form opens or closes, not at each key typed into it.
    let open = Memo::new(move |_| form.with(Option::is_some));
    let remove = api::submit(
        |id: uuid::Uuid| async move { api::delete_session_template(id).await },
        move |reply| match reply {
            Ok(()) => changed.update(|n| *n += 1),
            Err(err) => error.set(Some(err)),
        },
    );
    let target = |team: Option<TeamId>| team.map_or(Target::Global, |id| Target::Team { id });
    view! {
        <div class="page-head">
            <h1>"Session templates"</h1>
            <button type="button" data-test-id="template-new"
                on:click=move |_| { error.set(None); form.set(Some(Form::new(if for_everyone { None } else { first_team() }))); }>
                "New template"
            </button>
        </div>
        <p class="muted">"Start a session plan from a template: its focus areas, agenda, length and action items fill the planning wizard."</p>
        {move || (!open.get()).then(|| view! { <ErrorBanner error=Signal::derive(move || error.get()) /> })}
        <StaleDialog stale on_reload on_reapply />
        {move || open.get().then(|| view! {
            <TemplateForm form=form error=error pending=Signal::derive(move || save.pending())
                teams=Signal::derive(move || my_teams().into_iter().map(|id| (id, team_name(id))).collect())
                for_everyone=for_everyone
                on_save=Callback::new(move |f: Form| { error.set(None); save.dispatch(f); }) />
        })}
        <LoadStatus status=api::status(templates) />
        {move || templates.get().and_then(Result::ok).map(|list| if list.is_empty() {
            view! { <p class="card muted" data-test-id="no-templates">"No templates yet."</p> }.into_any()
        } else {
            view! {
                <ul class="rows card" data-test-id="templates" aria-label="Templates">
                    {list.into_iter().map(|template| {
                        let editable = me.can(Action::ManageSessionTemplate, &target(template.team_id));
                        let owner = template.team_id.map_or_else(|| "Everyone".to_owned(), team_name);
                        let items = template.action_items.len();
                        let summary = format!("For {owner} · {} min · {} · {items} action item{}",
                            template.duration_minutes,
                            if template.focus_areas.is_empty() { "no focus areas".to_owned() } else { template.focus_areas.join(", ") },
                            if items == 1 { "" } else { "s" });
                        let id = template.id;
                        let name = template.name.clone();
                        let editing = template.clone();
                        view! {
                            <li data-test-id="template-row">
                                <div class="grow">
                                    <strong>{template.name.clone()}</strong>
                                    <span class="muted small block">{summary}</span>
                                </div>
                                {editable.then(|| view! {
                                    <div class="actions">
                                        <button type="button" class="secondary small" data-test-id="template-edit"
                                            aria-label=format!("Edit {name}")
                                            on:click=move |_| { error.set(None); form.set(Some(Form::of(&editing))); }>"Edit"</button>
                                        <button type="button" class="danger-outline small" data-test-id="template-delete"
                                            aria-label=format!("Delete {name}") disabled=move || remove.pending()
                                            on:click=move |_| { error.set(None); remove.dispatch(id); }>"Delete"</button>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

/// The form for a new or edited template.
#[component]
fn TemplateForm(
    form: RwSignal<Option<Form>>,
    error: RwSignal<Option<api::Error>>,
    pending: Signal<bool>,
    teams: Signal<Vec<(TeamId, String)>>,
    for_everyone: bool,
    on_save: Callback<Form>,
) -> impl IntoView {
    let get = move |read: fn(&Form) -> String| {
        move || form.with(|f| f.as_ref().map(read).unwrap_or_default())
    };
    let set = move |write: fn(&mut Form, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            form.update(|f| {
                if let Some(f) = f {
                    write(f, value)
                }
            });
        }
    };
    let editing = form.with_untracked(|f| f.as_ref().is_some_and(|f| f.id.is_some()));
    let items = move || form.with(|f| f.as_ref().map_or(0, |f| f.items.len()));
    let item = move |i: usize, read: fn(&ItemRow) -> String| {
        move || {
            form.with(|f| {
                f.as_ref()
                    .and_then(|f| f.items.get(i))
                    .map(read)
                    .unwrap_or_default()
            })
        }
    };
    let set_item = move |i: usize, write: fn(&mut ItemRow, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            form.update(|f| {
                if let Some(row) = f.as_mut().and_then(|f| f.items.get_mut(i)) {
                    write(row, value)
                }
            });
        }
    };
    view! {
        <form class="card form" data-test-id="template-form" on:submit=move |ev| {
            ev.prevent_default();
            if let Some(f) = form.get_untracked() { on_save.run(f); }
        }>
            <h2>{if editing { "Edit template" } else { "New template" }}</h2>
            <label for="template-name">"Name"</label>
            <input id="template-name" data-test-id="template-name" maxlength="100" required
                placeholder="Monthly scorecard review" prop:value=get(|f| f.name.clone()) on:input=set(|f, v| f.name = v)
                aria-describedby="name-error" />
            <FieldError error=error name="name" />
            <label for="template-team">"For"</label>
            <select id="template-team" data-test-id="template-team" disabled=editing
                prop:value=get(|f| f.team.clone()) on:change=set(|f, v| f.team = v)>
                {for_everyone.then(|| view! { <option value="">"Everyone"</option> })}
                {move || teams.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <FieldError error=error name="team_id" />
            <label for="template-focus">"Focus areas (separate with commas)"</label>
            <input id="template-focus" data-test-id="template-focus" maxlength="1100"
                placeholder="Call control, Empathy" prop:value=get(|f| f.focus.clone()) on:input=set(|f, v| f.focus = v) />
            <FieldError error=error name="focus_areas" />
            <label for="template-agenda">"Agenda"</label>
            <textarea id="template-agenda" data-test-id="template-agenda" rows="4" maxlength="5000"
                prop:value=get(|f| f.agenda.clone()) on:input=set(|f, v| f.agenda = v)></textarea>
            <FieldError error=error name="agenda" />
            <label for="template-duration">"Length"</label>
            <select id="template-duration" data-test-id="template-duration"
                prop:value=get(|f| f.duration.clone()) on:change=set(|f, v| f.duration = v)>
                {LENGTHS.iter().map(|m| view! { <option value=m.to_string()>{format!("{m} minutes")}</option> }).collect_view()}
            </select>
            <FieldError error=error name="duration_minutes" />
            <fieldset class="items-draft">
                <legend>"Action items to suggest"</legend>
                {move || (0..items()).map(|i| {
                    let title_error = format!("action_items[{i}].title");
                    let days_error = format!("action_items[{i}].due_in_days");
                    view! {
                        <div class="item-row days-row" data-test-id="template-item">
                            <label class="sr-only" for=format!("template-item-{i}")>{format!("Action item {} title", i + 1)}</label>
                            <input id=format!("template-item-{i}") type="text" maxlength="200" placeholder="What will they do?"
                                data-test-id="template-item-title" prop:value=item(i, |r| r.title.clone()) on:input=set_item(i, |r, v| r.title = v) />
                            <label class="sr-only" for=format!("template-item-days-{i}")>{format!("Action item {} due after days", i + 1)}</label>
                            <input id=format!("template-item-days-{i}") type="number" min="1" max="365" class="days"
                                data-test-id="template-item-days" prop:value=item(i, |r| r.days.clone()) on:input=set_item(i, |r, v| r.days = v) />
                            <span class="muted small">"days"</span>
                            <label class="sr-only" for=format!("template-item-priority-{i}")>{format!("Action item {} priority", i + 1)}</label>
                            <select id=format!("template-item-priority-{i}") prop:value=item(i, |r| r.priority.clone())
                                on:change=set_item(i, |r, v| r.priority = v)>
                                {Priority::ALL.iter().map(|p| view! { <option value=p.as_str()>{labels::priority(*p)}</option> }).collect_view()}
                            </select>
                            <button type="button" class="ghost" aria-label=format!("Remove action item {}", i + 1)
                                on:click=move |_| form.update(|f| if let Some(f) = f && i < f.items.len() { f.items.remove(i); })>"✕"</button>
                            {move || error.get().and_then(|e| e.field(&title_error).or_else(|| e.field(&days_error))).map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    }
                }).collect_view()}
                <button type="button" class="secondary small" data-test-id="template-add-item"
                    on:click=move |_| form.update(|f| if let Some(f) = f {
                        f.items.push(ItemRow { title: String::new(), priority: Priority::Medium.as_str().to_owned(), days: "14".to_owned() });
                    })>"Add an action item"</button>
            </fieldset>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| { error.set(None); form.set(None); }>"Cancel"</button>
                <button type="submit" data-test-id="template-save" disabled=move || pending.get()>"Save template"</button>
            </div>
        </form>
    }
}
