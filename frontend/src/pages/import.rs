//! Monthly metrics in and out as CSV. A file chosen or dropped is checked whole by the server
//! first: its bad rows come back by line with the reason, and nothing is written until the file
//! is clean; a clean file is written in the background, with a progress bar fed by the job.
//! The export downloads the months of every agent in scope, in the same columns.

use dto::query::MonthRange;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::error_banner::ErrorBanner;
use crate::labels;

/// How often a running import is asked for its progress, in milliseconds.
const POLL: i32 = 400;

/// Where an import stands.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Idle,
    Reading(String),
    Running(dto::ImportJob),
    Done(dto::ImportJob),
}

/// "1 row", "3 rows".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A file's name and text.
async fn read(file: web_sys::File) -> Option<(String, String)> {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    Some((file.name(), text.as_string()?))
}

/// The import and export page.
#[component]
pub fn MetricsFiles() -> impl IntoView {
    let stage = RwSignal::new(Stage::Idle);
    let error = RwSignal::new(None::<api::Error>);
    let dragging = RwSignal::new(false);
    // The first file of a file input's or a drop's list, taken at once: the list empties when
    // the input is cleared.
    let start = move |files: Option<web_sys::FileList>| {
        let Some(file) = files.and_then(|files| files.get(0)) else {
            return;
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            let Some((name, text)) = read(file).await else {
                return;
            };
            stage.set(Stage::Reading(name));
            let mut job = match api::import_csv(text).await {
                Ok(job) => job,
                Err(err) => {
                    stage.set(Stage::Idle);
                    error.set(Some(err));
                    return;
                }
            };
            while job.status == dto::JobStatus::Running {
                stage.set(Stage::Running(job.clone()));
                crate::clock::sleep(POLL).await;
                match api::import_job(job.id).await {
                    Ok(next) => job = next,
                    Err(err) => {
                        error.set(Some(err));
                        return;
                    }
                }
            }
            stage.set(Stage::Done(job));
        });
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            start(input.files());
            // Choosing the same file again (after fixing it) is a new choice.
            input.set_value("");
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        start(ev.data_transfer().and_then(|d| d.files()));
    };
    // A 422 names each bad line (`line 3`), or the file's header, with the reasons.
    let bad_rows = move || {
        error.with(|e| {
            e.as_ref()
                .map(|e| {
                    e.fields()
                        .into_iter()
                        .map(|f| {
                            let why = e.field(&f).unwrap_or_default();
                            (f, why)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let months = labels::last_months(labels::today(), 12);
    let export_from = RwSignal::new(months[0].clone());
    let export_to = RwSignal::new(months[11].clone());
    let range = move || {
        let month = |signal: RwSignal<String>| Some(signal.get()).filter(|m| !m.is_empty());
        MonthRange {
            from: month(export_from),
            to: month(export_to),
        }
    };
    view! {
        <h1>"Metrics files"</h1>
        <section class="card" aria-labelledby="h-import">
            <h2 id="h-import">"Import a CSV file"</h2>
            <p class="muted">"Columns: " <code>"employee_id"</code> " or " <code>"email"</code> ", " <code>"month"</code>
                " (YYYY-MM), then one column per KPI. Every row is checked before anything is written."</p>
            <label class="dropzone" class:dragging=move || dragging.get() data-test-id="dropzone"
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <span>"Drop a CSV file here, or "<u>"choose one"</u></span>
                <input type="file" accept=".csv,text/csv" class="sr-only" data-test-id="import-file" on:change=on_pick />
            </label>
            {move || match stage.get() {
                Stage::Idle => None,
                Stage::Reading(name) => Some(view! { <p role="status">"Checking " {name} "…"</p> }.into_any()),
                Stage::Running(job) => Some(view! {
                    <div role="status">
                        <label for="import-progress">{format!("Writing {} of {} rows", job.processed, job.total)}</label>
                        <progress id="import-progress" max=job.total.to_string() value=job.processed.to_string() data-test-id="import-progress"></progress>
                    </div>
                }.into_any()),
                Stage::Done(job) => Some(match job.status {
                    dto::JobStatus::Succeeded => view! {
                        <div role="status" data-test-id="import-done">
                            <progress max=job.total.to_string() value=job.total.to_string() aria-label="Import progress"></progress>
                            <p class="ok">{format!("Imported {}: {} added, {} replaced.", count(job.total, "row"), count(job.created.unwrap_or(0), "month"), job.replaced.unwrap_or(0))}</p>
                        </div>
                    }.into_any(),
                    _ => view! { <p class="error" role="alert">"Nothing was written: " {job.error.unwrap_or_default()}</p> }.into_any(),
                }),
            }}
            {move || {
                let rows = bad_rows();
                (!rows.is_empty()).then(|| view! {
                    <div role="alert" data-test-id="bad-rows">
                        <p class="error">"Nothing was written. Fix these rows and import the file again:"</p>
                        <table class="list">
                            <thead><tr><th scope="col">"Where"</th><th scope="col">"Problem"</th></tr></thead>
                            <tbody>{rows.into_iter().map(|(line, why)| view! { <tr><th scope="row">{line}</th><td>{why}</td></tr> }).collect_view()}</tbody>
                        </table>
                    </div>
                })
            }}
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
        </section>
        <section class="card" aria-labelledby="h-export">
            <h2 id="h-export">"Export"</h2>
            <div class="row">
                <div>
                    <label for="export-from">"From month"</label>
                    <input id="export-from" type="month" bind:value=export_from />
                </div>
                <div>
                    <label for="export-to">"To month"</label>
                    <input id="export-to" type="month" bind:value=export_to />
                </div>
            </div>
            <div class="actions">
                <a class="button" download="metrics.csv" data-test-id="export-csv"
                    href=move || api::href("/api/v1/metrics/export.csv", &range())>
                    "Download CSV"
                </a>
                <a class="button secondary" download="metrics.xlsx" data-test-id="export-xlsx"
                    href=move || api::href("/api/v1/metrics/export.xlsx", &range())>
                    "Download Excel"
                </a>
            </div>
        </section>
    }
}
