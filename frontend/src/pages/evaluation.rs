//! One evaluation, as its agent, their coaches and its evaluator read it: the interaction, the
//! score with each section's, every answer with what the evaluator noted, what went well and what
//! to work on; the agent acknowledges a submitted one with a comment. Also the short list of an
//! agent's evaluations, on their page and on an agent's home.

use domain::quality::{AnswerValue, AnswerWord, Channel, FormQuestion, QuestionKind};
use domain::{EvaluationId, EvaluationStatus, UserId};
use dto::query::EvaluationQuery;
use leptos::prelude::*;

use crate::api;
use crate::components::error_banner::{ErrorBanner, LoadStatus};
use crate::labels;
use crate::pages::session::forms::AcknowledgeForm;
use crate::state::session;
use crate::state::store::store;

fn status_label(status: EvaluationStatus) -> &'static str {
    match status {
        EvaluationStatus::Draft => "Draft",
        EvaluationStatus::Submitted => "Waiting for the agent",
        EvaluationStatus::Acknowledged => "Acknowledged",
        EvaluationStatus::Voided => "Withdrawn",
    }
}

fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Call => "Call",
        Channel::Chat => "Chat",
        Channel::Email => "Email",
        Channel::Ticket => "Ticket",
        Channel::Social => "Social media",
    }
}

/// An answer as a person reads it: `Yes`, `4 of 5 (Good)`, `8 of 10 points`.
fn answer_label(question: &FormQuestion, value: AnswerValue) -> String {
    match value {
        AnswerValue::Word(AnswerWord::Yes) => "Yes".to_owned(),
        AnswerValue::Word(AnswerWord::No) => "No".to_owned(),
        AnswerValue::Word(AnswerWord::Na) => "Does not apply".to_owned(),
        AnswerValue::Number(n) if question.kind == QuestionKind::Scale => {
            let top = question.scale_max.unwrap_or(5);
            let label = usize::try_from(n.saturating_sub(1))
                .ok()
                .and_then(|at| question.scale_labels.get(at));
            match label {
                Some(label) => format!("{n} of {top} ({label})"),
                None => format!("{n} of {top}"),
            }
        }
        AnswerValue::Number(n) => format!("{n} of {} points", question.points),
    }
}

fn person(id: Option<UserId>, fallback: &str) -> String {
    id.and_then(|id| store().people.get(id.uuid()))
        .map_or_else(|| fallback.to_owned(), |p| p.name)
}

/// The evaluation page.
#[component]
pub fn EvaluationPage(id: EvaluationId) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let loaded = api::load(move || {
        changed.track();
        async move {
            let (evaluation, form) =
                futures::future::join(api::evaluation(id), api::scored_form(id)).await;
            Ok((evaluation?, form?))
        }
    });
    let error = RwSignal::new(None::<api::Error>);
    let acknowledge = api::submit(
        |(evaluation, comment): (dto::Evaluation, String)| async move {
            let body = dto::EvaluationStep {
                comment: Some(comment),
                ..dto::EvaluationStep::default()
            };
            api::evaluation_step(&evaluation, "acknowledge", &body).await
        },
        move |reply| match reply {
            Ok(_) => changed.update(|n| *n += 1),
            Err(err) => error.set(Some(err)),
        },
    );
    let me = session().me().map(|me| me.user.id);
    view! {
        <LoadStatus status=api::status(loaded) />
        {move || loaded.get().and_then(Result::ok).map(|(evaluation, form)| {
            let agent = person(Some(evaluation.agent_id), "the agent");
            let answers = evaluation.answers.clone();
            let scores = evaluation.section_scores.clone();
            let failed = evaluation.failed_by.and_then(|id| {
                form.sections.iter().flat_map(|s| &s.questions).find(|q| q.id == id).map(|q| q.text.clone())
            });
            let is_agent = me == Some(evaluation.agent_id);
            let waiting = evaluation.status == EvaluationStatus::Submitted && is_agent;
            let acknowledged = evaluation.clone();
            view! {
                <div class="page-head">
                    <h1>"Evaluation of " <a href=format!("/agents/{}", evaluation.agent_id)>{agent}</a></h1>
                    <span class=format!("pill status-{}", evaluation.status.as_str().to_lowercase()) data-test-id="evaluation-status">
                        {status_label(evaluation.status)}
                    </span>
                </div>
                <section class="card">
                    <p class="big-score"><span data-test-id="evaluation-score">{labels::score(evaluation.score)}</span>
                        <span class="muted">" out of 100"</span></p>
                    {failed.map(|question| view! {
                        <p class="warning" data-test-id="auto-fail">"Failed on a critical question: " {question}</p>
                    })}
                    <dl class="facts">
                        <dt>"Interaction"</dt>
                        <dd>
                            {channel_label(evaluation.channel)} " " {evaluation.interaction_id.clone()}
                            {evaluation.interaction_url.clone().map(|url| view! {
                                " · " <a href=url target="_blank" rel="noopener noreferrer">"Open it where it happened"</a>
                            })}
                        </dd>
                        <dt>"When"</dt><dd>{labels::when(evaluation.occurred_at)}</dd>
                        {evaluation.duration_seconds.map(|s| view! {
                            <dt>"Length"</dt><dd>{format!("{}:{:02}", s / 60, s % 60)}</dd>
                        })}
                        <dt>"Form"</dt><dd>{form.name.clone()}</dd>
                        <dt>"Evaluator"</dt><dd>{person(evaluation.evaluator_id, "Your evaluator")}</dd>
                        {evaluation.edit_reason.clone().map(|reason| view! { <dt>"Changed because"</dt><dd>{reason}</dd> })}
                        {evaluation.void_reason.clone().map(|reason| view! { <dt>"Withdrawn because"</dt><dd>{reason}</dd> })}
                        {evaluation.acknowledged_at.map(|at| view! {
                            <dt>"Acknowledged"</dt>
                            <dd>{labels::when(at)} {evaluation.acknowledgement_comment.clone().map(|c| format!(": “{c}”"))}</dd>
                        })}
                    </dl>
                </section>
                {form.sections.iter().map(|section| {
                    let score = scores.iter().find(|s| s.section_id == section.id).and_then(|s| s.score);
                    view! {
                        <section class="card">
                            <div class="section-head">
                                <h2>{section.title.clone()}</h2>
                                <span class="pill">{labels::score(score)}</span>
                            </div>
                            <ul class="rows answers">
                                {section.questions.iter().map(|question| {
                                    let answer = answers.iter().find(|a| a.question_id == question.id);
                                    let value = answer.map_or_else(|| "Not answered".to_owned(), |a| answer_label(question, a.value));
                                    let comment = answer.and_then(|a| a.comment.clone());
                                    view! {
                                        <li>
                                            <span class="grow">{question.text.clone()}</span>
                                            <strong>{value}</strong>
                                            {comment.map(|c| view! { <span class="muted prose answer-note">{c}</span> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                }).collect_view()}
                {(evaluation.strengths.is_some() || evaluation.opportunities.is_some()).then(|| view! {
                    <section class="card">
                        <dl class="facts">
                            {evaluation.strengths.clone().map(|text| view! { <dt>"What went well"</dt><dd class="prose">{text}</dd> })}
                            {evaluation.opportunities.clone().map(|text| view! { <dt>"What to work on"</dt><dd class="prose">{text}</dd> })}
                        </dl>
                    </section>
                })}
                <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty())) />
                {waiting.then(|| view! {
                    <AcknowledgeForm title="Acknowledge this evaluation"
                        hint="Confirm you have read the evaluation. Add a comment if you like." error=error
                        on_acknowledge=Callback::new(move |comment| acknowledge.dispatch((acknowledged.clone(), comment))) />
                })}
            }
        })}
    }
}

/// An agent's latest evaluations, newest first, each a link to it.
#[component]
pub fn EvaluationList(agent: UserId) -> impl IntoView {
    let loaded = api::load(move || async move {
        let query = EvaluationQuery {
            agent_id: Some(agent),
            limit: Some(12),
            ..EvaluationQuery::default()
        };
        Ok(api::evaluations(&query).await?.items)
    });
    view! {
        <section class="card" aria-labelledby="h-evaluations">
            <h2 id="h-evaluations">"Evaluations"</h2>
            <LoadStatus status=api::status(loaded) />
            {move || loaded.get().and_then(Result::ok).map(|list| {
                if list.is_empty() {
                    return view! { <p class="empty">"No evaluations yet."</p> }.into_any();
                }
                view! {
                    <ul class="rows" data-test-id="evaluations">
                        {list.into_iter().map(|evaluation| view! {
                            <li>
                                <a href=format!("/evaluations/{}", evaluation.id)>
                                    {channel_label(evaluation.channel)} " · " {labels::when(evaluation.occurred_at)}
                                </a>
                                <strong>{labels::score(evaluation.score)}</strong>
                                <span class="pill">{status_label(evaluation.status)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}
