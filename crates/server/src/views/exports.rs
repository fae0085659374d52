//! The coaching lists as spreadsheets: every row the actor may read in the list (the same scoped
//! queries, page after page), optionally of one agent, with the columns people read them by.

use std::collections::HashMap;
use std::future::Future;

use domain::UserId;
use persistence::action_items::{self, ItemFilter};
use persistence::action_plans::{self, PlanFilter};
use persistence::evaluations::{self, EvaluationFilter};
use persistence::quick_notes::{self, NoteFilter};
use persistence::{Db, PageRequest, StoreError, evaluation_forms, users};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::views::spreadsheet::{Cell, Sheet};

/// Rows fetched a page at a time until the last.
const PAGE: u64 = 200;

/// Every row `fetch` finds, page after page.
async fn all_pages<T, Fut>(mut fetch: impl FnMut(PageRequest) -> Fut) -> ApiResult<Vec<T>>
where
    Fut: Future<Output = Result<(Vec<T>, Option<String>), StoreError>>,
{
    let mut rows = Vec::new();
    let mut page = PageRequest::new(Some(PAGE), None)?;
    loop {
        let (mut found, next) = fetch(page).await?;
        rows.append(&mut found);
        match next {
            Some(cursor) => page = PageRequest::new(Some(PAGE), Some(&cursor))?,
            None => return Ok(rows),
        }
    }
}

fn name(names: &HashMap<UserId, String>, id: UserId) -> Cell {
    Cell::from(names.get(&id).cloned())
}

fn yes_no(yes: bool) -> Cell {
    Cell::from(if yes { "Yes" } else { "No" })
}

/// The quick notes the actor may read, newest first.
pub async fn quick_notes(db: &Db, actor: &Actor, agent_id: Option<UserId>) -> ApiResult<Sheet> {
    let filter = NoteFilter {
        agent_id,
        ..NoteFilter::default()
    };
    let notes = all_pages(|page| {
        let filter = &filter;
        async move { quick_notes::list(db, actor, filter, &page).await }
    })
    .await?;
    let people = notes.iter().flat_map(|n| [n.agent_id, n.author_id]);
    let names = users::names(db, people.collect::<Vec<_>>()).await?;
    let mut sheet = Sheet::new(
        "Quick notes",
        &[
            "Written",
            "Agent",
            "Author",
            "Category",
            "Visibility",
            "Note",
        ],
    );
    sheet.rows = notes
        .iter()
        .map(|note| {
            vec![
                Cell::from(note.created_at),
                name(&names, note.agent_id),
                name(&names, note.author_id),
                Cell::from(note.category.as_str()),
                Cell::from(note.visibility.as_str()),
                Cell::from(note.content.as_str()),
            ]
        })
        .collect();
    Ok(sheet)
}

/// The action items the actor may read, by due date.
pub async fn action_items(db: &Db, actor: &Actor, agent_id: Option<UserId>) -> ApiResult<Sheet> {
    let filter = ItemFilter {
        agent_id,
        ..ItemFilter::default()
    };
    let items = all_pages(|page| {
        let filter = &filter;
        async move { action_items::list(db, actor, filter, &page).await }
    })
    .await?;
    let people = items.iter().flat_map(|i| [i.agent_id, i.assignee_id]);
    let names = users::names(db, people.collect::<Vec<_>>()).await?;
    // Overdue as the list says it: open and due before today (UTC).
    let today = chrono::Utc::now().date_naive();
    let mut sheet = Sheet::new(
        "Action items",
        &[
            "Title",
            "Agent",
            "Assignee",
            "Priority",
            "Status",
            "Due",
            "Overdue",
            "Completed",
            "Created",
            "Description",
        ],
    );
    sheet.rows = items
        .iter()
        .map(|item| {
            vec![
                Cell::from(item.title.as_str()),
                name(&names, item.agent_id),
                name(&names, item.assignee_id),
                Cell::from(item.priority.as_str()),
                Cell::from(item.status.as_str()),
                Cell::from(item.due_date),
                yes_no(item.status.is_open() && item.due_date < today),
                Cell::from(item.completed_at),
                Cell::from(item.created_at),
                Cell::from(item.description.clone()),
            ]
        })
        .collect();
    Ok(sheet)
}

/// The action plans the actor may read: one row per plan with its items' progress.
pub async fn action_plans(db: &Db, actor: &Actor, agent_id: Option<UserId>) -> ApiResult<Sheet> {
    let filter = PlanFilter {
        agent_id,
        ..PlanFilter::default()
    };
    let plans = all_pages(|page| {
        let filter = &filter;
        async move { action_plans::list(db, actor, filter, &page).await }
    })
    .await?;
    let names = users::names(
        db,
        plans.iter().map(|p| p.plan.agent_id).collect::<Vec<_>>(),
    )
    .await?;
    let mut sheet = Sheet::new(
        "Action plans",
        &[
            "Title",
            "Agent",
            "Status",
            "Start",
            "End",
            "Goal",
            "Items",
            "Items done",
            "Outcome",
            "Approved",
        ],
    );
    sheet.rows = plans
        .iter()
        .map(|row| {
            let plan = &row.plan;
            let done = row
                .items
                .iter()
                .filter(|i| i.completed_at.is_some())
                .count();
            vec![
                Cell::from(plan.title.as_str()),
                name(&names, plan.agent_id),
                Cell::from(plan.status.as_str()),
                Cell::from(plan.start_date),
                Cell::from(plan.end_date),
                Cell::from(plan.goal.as_str()),
                Cell::from(row.items.len() as f64),
                Cell::from(done as f64),
                Cell::from(plan.outcome.map(|o| o.as_str())),
                Cell::from(plan.approved_at),
            ]
        })
        .collect();
    Ok(sheet)
}

/// The evaluations the actor may read under `filter`, newest interaction first: what was scored,
/// by whom, how, and where it stands (never the evaluator's words).
pub async fn evaluations(db: &Db, actor: &Actor, filter: &EvaluationFilter) -> ApiResult<Sheet> {
    let rows =
        all_pages(|page| async move { evaluations::list(db, actor, filter, &page).await }).await?;
    let people = rows
        .iter()
        .flat_map(|e| [Some(e.row.agent_id), e.row.evaluator_id])
        .flatten();
    let names = users::names(db, people.collect::<Vec<_>>()).await?;
    let forms = evaluation_forms::names(db, rows.iter().map(|e| e.row.form_id)).await?;
    let mut sheet = Sheet::new(
        "Evaluations",
        &[
            "Interaction",
            "Agent",
            "Evaluator",
            "Form",
            "Channel",
            "Interaction id",
            "Link",
            "Status",
            "Score",
            "Auto-fail",
            "Submitted",
            "Acknowledged",
        ],
    );
    sheet.rows = rows
        .iter()
        .map(|evaluation| {
            let row = &evaluation.row;
            vec![
                Cell::from(row.occurred_at),
                name(&names, row.agent_id),
                Cell::from(row.evaluator_id.and_then(|id| names.get(&id).cloned())),
                Cell::from(forms.get(&row.form_id).cloned()),
                Cell::from(row.channel.as_str()),
                Cell::from(row.interaction_id.as_str()),
                Cell::from(row.interaction_url.clone()),
                Cell::from(row.status.as_str()),
                Cell::from(row.score),
                yes_no(row.failed_by.is_some()),
                Cell::from(row.submitted_at),
                Cell::from(row.acknowledged_at),
            ]
        })
        .collect();
    Ok(sheet)
}
