//! The scorecard (admins): the weight and target of every KPI from a month on (months before
//! keep the weights they were scored with), the history of versions, and new KPIs.

use domain::scorecard::Direction;
use leptos::prelude::*;

use crate::api;
use crate::components::conflict::{Stale, StaleDialog};
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::components::field::{FieldError, ListedErrors};
use crate::labels;

/// One KPI's row of the form, as typed.
#[derive(Clone, Debug)]
struct Row {
    key: String,
    name: String,
    weight: RwSignal<String>,
    target: RwSignal<String>,
}

/// The scorecard page.
#[component]
pub fn Scorecard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = api::load(move || {
        saved.track();
        api::scorecard_settings()
    });
    // Said here, not in the form: the form is drawn again from the settings read after a save.
    let said = RwSignal::new(None::<String>);
    let on_weights = Callback::new(move |from: String| {
        said.set(Some(format!(
            "Saved: the new weights apply from {}.",
            labels::month_short(&from)
        )));
        saved.update(|n| *n += 1);
    });
    view! {
        <h1>"Scorecard"</h1>
        <LoadStatus status=api::status(settings) />
        {move || said.get().map(|text| view! { <p class="ok" role="status" data-test-id="weights-saved">{text}</p> })}
        {move || settings.get().and_then(Result::ok).map(|s| view! {
            <WeightsForm settings=s.clone() on_saved=on_weights
                on_reload=Callback::new(move |()| { said.set(None); saved.update(|n| *n += 1); }) />
            <Versions settings=s />
        })}
        <NewKpi on_saved=Callback::new(move |()| saved.update(|n| *n += 1)) />
    }
}

/// Weights and targets, from a month on.
#[component]
fn WeightsForm(
    settings: dto::ScorecardSettings,
    on_saved: Callback<String>,
    /// Reads the settings again (another admin saved a configuration first).
    on_reload: Callback<()>,
) -> impl IntoView {
    let stale = Stale::new(settings.version);
    let current = settings.configs.first().cloned();
    let rows: Vec<Row> = settings
        .catalogue
        .iter()
        .filter(|k| k.active)
        .map(|kpi| {
            let set = current
                .as_ref()
                .and_then(|c| c.kpis.iter().find(|w| w.key == kpi.key));
            Row {
                key: kpi.key.clone(),
                name: format!("{} ({})", kpi.name, kpi.unit),
                weight: RwSignal::new(set.map_or_else(|| "0".to_owned(), |w| w.weight.to_string())),
                target: RwSignal::new(set.map_or_else(String::new, |w| w.target.to_string())),
            }
        })
        .collect();
    // Next month by default: this month's scores stay as they were computed.
    let today = labels::today();
    let first = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
    let from = RwSignal::new(labels::month_of(first + chrono::Duration::days(32)));
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<api::Error>);
    let send = api::submit(
        |body: dto::UpdateScorecardConfig| async move {
            let from = body.effective_from.clone();
            api::update_scorecard(&body).await.map(|_| from)
        },
        move |reply| match reply {
            Ok(from) => on_saved.run(from),
            Err(err) if err.is_stale() => {
                stale.ask(
                    async { Ok(api::scorecard_settings().await?.version) },
                    error,
                );
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let preview = RwSignal::new(None::<dto::ScorecardPreview>);
    let previewing = api::submit(
        |body: dto::UpdateScorecardConfig| async move { api::preview_scorecard(&body).await },
        move |reply| match reply {
            Ok(result) => preview.set(Some(result)),
            Err(err) => error.set(Some(err)),
        },
    );
    let form_rows = rows.clone();
    // The form as a configuration, or the first row that does not read (said in `error`).
    let proposal = move || -> Option<dto::UpdateScorecardConfig> {
        error.set(None);
        let mut kpis = Vec::new();
        for (i, row) in form_rows.iter().enumerate() {
            let (Ok(weight), Ok(target)) = (
                row.weight.get_untracked().trim().parse::<f64>(),
                row.target.get_untracked().trim().parse::<f64>(),
            ) else {
                error.set(Some(api::Error::Problem {
                    problem: crate::components::quick_note::local_problem(
                        &format!("kpis[{i}]"),
                        &format!("{}: give a weight and a target as numbers", row.name),
                    ),
                    retry_after: None,
                }));
                return None;
            };
            kpis.push(dto::KpiWeight {
                key: row.key.clone(),
                weight,
                target,
            });
        }
        let note = note.get_untracked();
        Some(dto::UpdateScorecardConfig {
            effective_from: from.get_untracked(),
            note: (!note.trim().is_empty()).then_some(note),
            kpis,
            version: Some(stale.base()),
        })
    };
    let proposal = StoredValue::new_local(proposal);
    let reapply = Callback::new(move |()| {
        if let Some(body) = proposal.with_value(|p| p()) {
            send.dispatch(body);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(body) = proposal.with_value(|p| p()) {
            send.dispatch(body);
        }
    };
    let show_preview = move |_| {
        if let Some(body) = proposal.with_value(|p| p()) {
            previewing.dispatch(body);
        }
    };
    view! {
        <form class="card form" on:submit=submit data-test-id="weights-form">
            <h2>"Weights and targets"</h2>
            <StaleDialog stale on_reload on_reapply=reapply />
            <p class="muted">"A change applies from the month you choose; months before keep the weights they were scored with."</p>
            <table class="list">
                <thead><tr><th scope="col">"KPI"</th><th scope="col">"Weight (0–10)"</th><th scope="col">"Target"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row"><label for=format!("weight-{}", row.key)>{row.name.clone()}</label></th>
                            <td><input id=format!("weight-{}", row.key) inputmode="decimal" bind:value=row.weight
                                data-test-id=format!("weight-{}", row.key) /></td>
                            <td><input inputmode="decimal" bind:value=row.target aria-label=format!("Target of {}", row.name)
                                data-test-id=format!("target-{}", row.key) /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ListedErrors error=error keep=|f| f.starts_with("kpis") label=|f| f.replace("kpis", "KPIs") />
            <div class="row">
                <div>
                    <label for="effective-from">"From month"</label>
                    <input id="effective-from" type="month" bind:value=from required data-test-id="effective-from"
                        aria-describedby="effective_from-error" />
                    <FieldError error=error name="effective_from" />
                </div>
                <div class="grow">
                    <label for="weights-note">"Why (optional)"</label>
                    <input id="weights-note" bind:value=note maxlength="1000" data-test-id="weights-note" />
                </div>
            </div>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            {move || preview.get().map(|p| view! {
                <div class="preview" role="status" data-test-id="preview">
                    <p><strong>{format!("Scores of {}: average {} now, {} with these weights", labels::month_short(&p.month), labels::score(p.average_now), labels::score(p.average_proposed))}</strong></p>
                    <table class="list">
                        <thead><tr><th scope="col">"Agent"</th><th scope="col">"Now"</th><th scope="col">"With these weights"</th></tr></thead>
                        <tbody>
                            {p.agents.into_iter().take(10).map(|a| view! {
                                <tr><th scope="row">{a.name}</th><td>{labels::score(a.now)}</td><td>{labels::score(a.proposed)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="muted small">"The ten agents whose score would change most. Nothing is saved until you save."</p>
                </div>
            })}
            <div class="actions">
                <button type="button" class="secondary" data-test-id="weights-preview" disabled=move || previewing.pending()
                    on:click=show_preview>"Preview last month"</button>
                <button type="submit" data-test-id="weights-save" disabled=move || send.pending()>"Save these weights"</button>
            </div>
        </form>
    }
}

/// Every version, newest first.
#[component]
fn Versions(settings: dto::ScorecardSettings) -> impl IntoView {
    let name = |key: &str| {
        settings
            .catalogue
            .iter()
            .find(|k| k.key == key)
            .map_or_else(|| key.to_owned(), |k| k.name.clone())
    };
    view! {
        <section class="card" aria-labelledby="h-versions">
            <h2 id="h-versions">"Versions"</h2>
            <ul class="rows" data-test-id="versions">
                {settings.configs.iter().enumerate().map(|(i, config)| {
                    let first = i + 1 == settings.configs.len();
                    let weights = config.kpis.iter().map(|w| format!("{} {}", name(&w.key), w.weight)).collect::<Vec<_>>().join(" · ");
                    view! {
                        <li class="stack">
                            <strong>{if first { "From the start".to_owned() } else { format!("From {}", labels::month_short(&config.effective_from)) }}</strong>
                            {config.note.clone().map(|n| view! { <span>{n}</span> })}
                            <span class="muted small">{weights}</span>
                            <span class="muted small">"Saved " {labels::when(config.created_at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Adding a KPI to the catalogue (it counts once it has a weight).
#[component]
fn NewKpi(on_saved: Callback<()>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let unit = RwSignal::new("%".to_owned());
    let higher = RwSignal::new(true);
    let min = RwSignal::new("0".to_owned());
    let max = RwSignal::new("100".to_owned());
    let error = RwSignal::new(None::<api::Error>);
    let send = api::submit(
        |body: dto::CreateKpi| async move { api::create_kpi(&body).await },
        move |reply| match reply {
            Ok(_) => {
                key.set(String::new());
                name.set(String::new());
                on_saved.run(());
            }
            Err(err) => error.set(Some(err)),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let (Ok(min_value), Ok(max_value)) = (
            min.get_untracked().trim().parse::<f64>(),
            max.get_untracked().trim().parse::<f64>(),
        ) else {
            error.set(Some(api::Error::Problem {
                problem: crate::components::quick_note::local_problem(
                    "max_value",
                    "give the smallest and largest values as numbers",
                ),
                retry_after: None,
            }));
            return;
        };
        send.dispatch(dto::CreateKpi {
            key: key.get_untracked(),
            name: name.get_untracked(),
            unit: unit.get_untracked(),
            direction: if higher.get_untracked() {
                Direction::HigherIsBetter
            } else {
                Direction::LowerIsBetter
            },
            min_value,
            max_value,
        });
    };
    view! {
        <form class="card form" on:submit=submit data-test-id="kpi-form">
            <h2>"Add a KPI"</h2>
            <div class="row">
                <div>
                    <label for="kpi-key">"Key"</label>
                    <input id="kpi-key" bind:value=key required maxlength="64" placeholder="first_call_resolution" aria-describedby="key-error" />
                    <FieldError error=error name="key" />
                </div>
                <div>
                    <label for="kpi-name">"Name"</label>
                    <input id="kpi-name" bind:value=name required maxlength="120" aria-describedby="name-error" />
                    <FieldError error=error name="name" />
                </div>
                <div>
                    <label for="kpi-unit">"Unit"</label>
                    <input id="kpi-unit" bind:value=unit required maxlength="16" aria-describedby="unit-error" />
                    <FieldError error=error name="unit" />
                </div>
            </div>
            <div class="row">
                <div>
                    <label for="kpi-min">"Smallest value"</label>
                    <input id="kpi-min" inputmode="decimal" bind:value=min required aria-describedby="min_value-error" />
                    <FieldError error=error name="min_value" />
                </div>
                <div>
                    <label for="kpi-max">"Largest value"</label>
                    <input id="kpi-max" inputmode="decimal" bind:value=max required aria-describedby="max_value-error" />
                    <FieldError error=error name="max_value" />
                </div>
                <label class="check"><input type="checkbox" bind:checked=higher />" Higher is better"</label>
            </div>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
            <div class="actions">
                <button type="submit" class="secondary" disabled=move || send.pending()>"Add the KPI"</button>
            </div>
        </form>
    }
}
