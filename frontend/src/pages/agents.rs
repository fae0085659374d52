//! The agents in scope: search by name, email or employee id; filter by rating band, by whether
//! they need attention (and why), and (whoever oversees several teams) by team, with a team
//! column.

use std::collections::HashMap;

use domain::UserId;
use domain::scorecard::Band;
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::LoadStatus;
use crate::labels;
use crate::state::session;
use crate::state::store::{sorted_by, store};

/// One row of the list: the agent, their latest score and band, and why they need attention.
type Row = (
    dto::User,
    Option<f64>,
    Option<Band>,
    Option<dto::AgentAttention>,
);

/// The agent list.
#[component]
pub fn Agents() -> impl IntoView {
    let store = store();
    let me = session();
    let text = RwSignal::new(String::new());
    let band = RwSignal::new(String::new());
    let attention_only = RwSignal::new(false);
    let agents = api::load(move || async move {
        store.people.upsert_all(api::agents().await?.items);
        Ok(())
    });
    // The latest scored month of every team in scope, and who needs attention.
    let scores = api::load(move || {
        let teams: Vec<domain::TeamId> = me
            .me()
            .map(|m| {
                let mut teams = m.led_team_ids.clone();
                teams.extend(m.managed_team_ids.iter().copied());
                teams
            })
            .unwrap_or_default();
        async move {
            let board = api::dashboard().await?;
            let month = labels::month_of(labels::today());
            let mut latest: HashMap<UserId, (Option<f64>, Option<Band>)> = HashMap::new();
            for team in teams {
                for month in [
                    month.clone(),
                    crate::labels::last_months(labels::today(), 2)[0].clone(),
                ] {
                    if let Ok(card) = api::team_scorecard(team, &month).await {
                        for row in card.agents {
                            let entry = latest.entry(row.agent_id).or_insert((None, None));
                            if entry.0.is_none() {
                                *entry = (row.score, row.band);
                            }
                        }
                    }
                }
            }
            for agent in &board.agents_needing_attention {
                latest
                    .entry(agent.agent_id)
                    .or_insert((agent.score, agent.band));
            }
            Ok::<_, api::Error>((latest, board.agents_needing_attention))
        }
    });
    // `?team=` (from a manager's team card, or the team filter) shows one team.
    let team = Memo::new(move |_| {
        crate::router::query("team").and_then(|id| id.parse::<domain::TeamId>().ok())
    });
    // Whoever oversees teams (managers, admins) gets the team column and filter.
    let oversees = me
        .me()
        .is_some_and(|m| matches!(m.user.role, domain::Role::Manager | domain::Role::Admin));
    let teams = api::load(move || async move {
        if oversees {
            Ok(api::teams().await?.items)
        } else {
            Ok(Vec::new())
        }
    });
    let team_name = move |id: Option<domain::TeamId>| {
        teams.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .and_then(|t| t.iter().find(|team| Some(team.id) == id))
                .map_or_else(|| "—".to_owned(), |team| team.name.clone())
        })
    };
    let choose_team = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let to = if value.is_empty() {
            "/agents".to_owned()
        } else {
            format!("/agents?team={value}")
        };
        crate::router::replace(&to);
    };
    let rows = move || {
        let (latest, attention) = scores.get().and_then(Result::ok).unwrap_or_default();
        let team = team.get();
        let needle = text.get().to_lowercase();
        let band_filter = band.get();
        let list: Vec<Row> = store
            .people
            .filter(|p| {
                p.role == domain::Role::Agent && p.active && (team.is_none() || p.team_id == team)
            })
            .into_iter()
            .filter(|p| {
                needle.is_empty()
                    || p.name.to_lowercase().contains(&needle)
                    || p.email.to_lowercase().contains(&needle)
                    || p.employee_id
                        .as_deref()
                        .is_some_and(|e| e.to_lowercase().contains(&needle))
            })
            .map(|p| {
                let (score, band) = latest.get(&p.id).copied().unwrap_or((None, None));
                let why = attention.iter().find(|a| a.agent_id == p.id).cloned();
                (p, score, band, why)
            })
            .filter(|(_, _, b, _)| {
                band_filter.is_empty() || b.is_some_and(|b| labels::band_class(b) == band_filter)
            })
            .filter(|(_, _, _, why)| !attention_only.get() || why.is_some())
            .collect();

        sorted_by(list, |row| row.0.name.clone())
    };
    view! {
        <div class="page-head">
            <h1>"Agents"</h1>
            {move || team.get().map(|_| view! {
                <span class="chip">"One team" " · " <a href="/agents" data-test-id="all-agents">"show every agent"</a></span>
            })}
        </div>
        <div class="filters card" role="search">
            <div>
                <label for="agent-search">"Search"</label>
                <input id="agent-search" type="search" placeholder="Name, email or employee id"
                    data-test-id="agent-search" bind:value=text />
            </div>
            <div>
                <label for="band-filter">"Rating band"</label>
                <select id="band-filter" data-test-id="band-filter" bind:value=band>
                    <option value="">"Any band"</option>
                    {[Band::HighPerformer, Band::Good, Band::NeedsImprovement, Band::AtRisk].into_iter().map(|b| view! {
                        <option value=labels::band_class(b)>{labels::band(b)}</option>
                    }).collect_view()}
                </select>
            </div>
            {oversees.then(|| view! {
                <div>
                    <label for="team-filter">"Team"</label>
                    <select id="team-filter" data-test-id="team-filter" on:change=choose_team
                        prop:value=move || team.get().map(|t| t.to_string()).unwrap_or_default()>
                        <option value="">"Every team"</option>
                        {move || teams.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| view! {
                            <option value=t.id.to_string() selected=move || team.get() == Some(t.id)>{t.name}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <label class="check">
                <input type="checkbox" data-test-id="attention-filter" bind:checked=attention_only />
                " Needs attention"
            </label>
        </div>
        <LoadStatus status=api::status(agents) />
        <section class="card">
            <table class="list" data-test-id="agents">
                <caption class="sr-only">"Agents in your scope"</caption>
                <thead><tr><th scope="col">"Agent"</th>
                    {oversees.then(|| view! { <th scope="col" class="wide-only">"Team"</th> })}
                    <th scope="col">"Score"</th><th scope="col">"Needs attention"</th></tr></thead>
                <tbody>
                    {move || {
                        let list = rows();
                        if list.is_empty() {
                            return view! { <tr><td colspan="4" class="empty">"No agent matches."</td></tr> }.into_any();
                        }
                        list.into_iter().map(|(agent, score, band, why)| view! {
                            <tr>
                                <th scope="row"><a href=format!("/agents/{}", agent.id)>{agent.name.clone()}</a>
                                    <span class="muted small block">{agent.employee_id.clone().unwrap_or_else(|| agent.email.clone())}</span></th>
                                {oversees.then(|| view! { <td class="wide-only" data-test-id="agent-team">{team_name(agent.team_id)}</td> })}
                                <td>{band.map(|b| view! { <span class=format!("pill {}", labels::band_class(b))>{labels::score(score)} " · " {labels::band(b)}</span> })}</td>
                                <td><span class="chips">{why.map(|why| why.reasons.iter().map(|r| view! { <span class="chip">{labels::reason(*r, &why)}</span> }).collect_view())}</span></td>
                            </tr>
                        }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </section>
    }
}
