//! Full-text search over sessions, quick notes, action items and people, within the actor's
//! scope, ranked, with highlighted snippets.
//!
//! Clear text (action items, people) is searched by the database's full-text index; the SQL
//! differs by backend (PostgreSQL `tsvector` with GIN indexes, SQLite FTS5), so each backend
//! implements [`Engine`]. Sealed text (quick notes, session notes) is searched through its blind
//! index ([`search_index`]), newest first, and its passages are cut here from the opened text.
//! The scope conditions are the same ones every list uses.

use domain::{Actor, UserId};
use migration::m20261127_000006_create_search::{SOURCES, escaped};
use sea_orm::sea_query::{Alias, Asterisk, Condition, Expr, Query, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Value,
};
use uuid::Uuid;

use crate::entity::{coaching_session, quick_note};
use crate::search_index::Searchable;
use crate::{Db, StoreError, action_items, quick_notes, scope, search_index};

/// One hit.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Hit {
    /// `session`, `quick_note`, `action_item` or `person`.
    pub kind: String,
    /// The record.
    pub id: Uuid,
    /// A short title.
    pub title: Option<String>,
    /// The matching passage, HTML-escaped, matches in `<mark>`.
    pub snippet: Option<String>,
    /// Higher is better.
    pub rank: f64,
}

/// The kinds whose searched text is sealed.
const SEALED: [&str; 2] = ["quick_note", "session"];

/// The newest `limit` records of sealed `kind` holding every term, that the actor may see. As
/// for clear text (see [`search`]), each way a record is visible is its own branch.
async fn sealed_matches(
    db: &Db,
    actor: &Actor,
    kind: &str,
    table: &str,
    terms: &[String],
    limit: u64,
) -> Result<Vec<Hit>, StoreError> {
    let (ways, newest) = match kind {
        "quick_note" => (
            vec![quick_notes::authored(actor), quick_notes::shared(actor)],
            "created_at",
        ),
        _ => (
            vec![scope::agent_records(
                actor,
                coaching_session::Column::AgentId,
            )],
            "scheduled_at",
        ),
    };
    let table = Alias::new(table);
    let matching =
        search_index::matching(kind, Expr::col((table.clone(), Alias::new("id"))), terms)?;
    let branches = ways.into_iter().map(|way| {
        Query::select()
            .column((table.clone(), Alias::new("id")))
            .column((table.clone(), Alias::new(newest)))
            .from(table.clone())
            .cond_where(way)
            .cond_where(matching.clone())
            .to_owned()
    });
    let Some(mut select) = union_of(branches) else {
        return Ok(Vec::new());
    };
    select
        .order_by(Alias::new(newest), sea_orm::sea_query::Order::Desc)
        .limit(limit);
    let rows = db.query_all(&select).await?;
    // Every sealed match ranks alike: there is no term frequency to rank by, only recency.
    rows.iter()
        .map(|row| {
            Ok(Hit {
                kind: kind.to_owned(),
                id: row.try_get("", "id")?,
                title: None,
                snippet: None,
                rank: 1.0,
            })
        })
        .collect()
}

/// One statement over every branch: the first alone, or their distinct union as `hits`.
fn union_of(mut branches: impl Iterator<Item = SelectStatement>) -> Option<SelectStatement> {
    let mut select = branches.next()?;
    let rest: Vec<_> = branches.collect();
    if rest.is_empty() {
        return Some(select);
    }
    for branch in rest {
        select.union(UnionType::Distinct, branch);
    }
    Some(
        Query::select()
            .column(Asterisk)
            .from_subquery(select, Alias::new("hits"))
            .to_owned(),
    )
}

/// Titles and passages of the sealed hits among `hits`, from their opened text: a note's or a
/// session's title names whom it is about and its day ("Aiden Clarke · 3 Mar 2026").
async fn sealed_passages(db: &Db, hits: &mut [Hit], terms: &[String]) -> Result<(), StoreError> {
    let ids = |kind: &str| -> Vec<Uuid> {
        hits.iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.id)
            .collect()
    };
    let notes = quick_note::Entity::find()
        .filter(quick_note::Column::Id.is_in(ids("quick_note")))
        .all(db)
        .await?;
    let sessions = coaching_session::Entity::find()
        .filter(coaching_session::Column::Id.is_in(ids("session")))
        .all(db)
        .await?;
    let names = crate::users::names(
        db,
        notes
            .iter()
            .map(|n| n.agent_id)
            .chain(sessions.iter().map(|s| s.agent_id)),
    )
    .await?;
    let about = |agent: UserId, at: chrono::DateTime<chrono::Utc>| {
        let name = names.get(&agent).map_or("An agent", String::as_str);
        format!("{name} · {}", at.format("%-d %b %Y"))
    };
    let mut passages = Vec::new();
    for note in notes {
        passages.push((
            note.id.uuid(),
            about(note.agent_id, note.created_at),
            search_index::snippet(&note.content, terms),
        ));
    }
    for session in sessions {
        let snippet = search_index::snippet(&session.search_texts().join(" "), terms);
        passages.push((
            session.id.uuid(),
            about(session.agent_id, session.scheduled_at),
            snippet,
        ));
    }
    for (id, title, snippet) in passages {
        if let Some(hit) = hits.iter_mut().find(|h| h.id == id) {
            hit.title = Some(title);
            hit.snippet = Some(snippet);
        }
    }
    Ok(())
}

/// Backend-specific full-text SQL.
pub trait Engine {
    /// A select of `kind`'s matches in `table` (searching `text`) with columns kind, id, title,
    /// snippet and rank (title and snippet `NULL` unless `passage`: the snippet is the costly
    /// part); the caller adds the scope condition, order and limit.
    fn select(
        &self,
        kind: &str,
        table: &str,
        text: &str,
        terms: &[String],
        passage: bool,
    ) -> SelectStatement;
}

/// PostgreSQL: each table's stored `search_vector @@ to_tsquery(...)`, ranked by `ts_rank`.
#[derive(Debug)]
pub struct Postgres;

/// SQLite: the `search_fts` FTS5 table, ranked by `bm25`.
#[derive(Debug)]
pub struct Sqlite;

fn title(kind: &str, table: &str) -> String {
    match kind {
        "action_item" => format!("{table}.title"),
        _ => format!("{table}.name"),
    }
}

/// `NULL` for a column left out.
fn nothing() -> Expr {
    Expr::cust("CAST(NULL AS TEXT)")
}

impl Engine for Postgres {
    fn select(
        &self,
        kind: &str,
        table: &str,
        text: &str,
        terms: &[String],
        passage: bool,
    ) -> SelectStatement {
        let query = terms
            .iter()
            .map(|t| format!("{t}:*"))
            .collect::<Vec<_>>()
            .join(" & ");
        // The stored `to_tsvector('simple', ...)` of the escaped text (migration 7).
        let vector = format!("{table}.search_vector");
        let value = || Value::from(query.clone());
        Query::select()
            .expr_as(Expr::val(kind.to_owned()), Alias::new("kind"))
            .expr_as(Expr::cust(format!("{table}.id")), Alias::new("id"))
            .expr_as(
                if passage { Expr::cust(title(kind, table)) } else { nothing() },
                Alias::new("title"),
            )
            .expr_as(
                if passage {
                    Expr::cust_with_values(
                        format!(
                            "ts_headline('simple', {}, to_tsquery('simple', $1), 'StartSel=<mark>, StopSel=</mark>, MaxWords=20, MinWords=6')",
                            escaped(&text.replace("{row}", table))
                        ),
                        [value()],
                    )
                } else {
                    nothing()
                },
                Alias::new("snippet"),
            )
            .expr_as(Expr::cust_with_values(format!("ts_rank({vector}, to_tsquery('simple', $1))::float8"), [value()]), Alias::new("rank"))
            .from(Alias::new(table))
            .and_where(Expr::cust_with_values(format!("{vector} @@ to_tsquery('simple', $1)"), [value()]))
            .to_owned()
    }
}

impl Engine for Sqlite {
    fn select(
        &self,
        kind: &str,
        table: &str,
        _text: &str,
        terms: &[String],
        passage: bool,
    ) -> SelectStatement {
        let query = terms
            .iter()
            .map(|t| format!("\"{t}\"*"))
            .collect::<Vec<_>>()
            .join(" ");
        Query::select()
            .expr_as(Expr::val(kind.to_owned()), Alias::new("kind"))
            .expr_as(Expr::cust(format!("{table}.id")), Alias::new("id"))
            .expr_as(
                if passage {
                    Expr::cust(title(kind, table))
                } else {
                    nothing()
                },
                Alias::new("title"),
            )
            .expr_as(
                if passage {
                    Expr::cust("snippet(search_fts, 2, '<mark>', '</mark>', '…', 16)")
                } else {
                    nothing()
                },
                Alias::new("snippet"),
            )
            .expr_as(Expr::cust("-bm25(search_fts)"), Alias::new("rank"))
            .from(Alias::new("search_fts"))
            .inner_join(
                Alias::new(table),
                Expr::cust(format!("{table}.id = search_fts.resource_id")),
            )
            .and_where(Expr::cust_with_values(
                "search_fts MATCH ?",
                [Value::from(query)],
            ))
            .and_where(Expr::cust_with_values(
                "search_fts.kind = ?",
                [Value::from(kind.to_owned())],
            ))
            .to_owned()
    }
}

/// The best `limit` hits for `query` that the actor may see: the matches of each kind ranked
/// first, then passages for the ones kept (highlighting is what costs: 80 of them took 32 ms).
pub async fn search(
    db: &Db,
    actor: &Actor,
    query: &str,
    limit: u64,
) -> Result<Vec<Hit>, StoreError> {
    let terms = search_index::query_terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let engine: &dyn Engine = match backend {
        DbBackend::Postgres => &Postgres,
        _ => &Sqlite,
    };
    let mut hits = Vec::new();
    for (kind, table, text) in SOURCES {
        if SEALED.contains(&kind) {
            hits.extend(sealed_matches(db, actor, kind, table, &terms, limit).await?);
            continue;
        }
        // Each way a record is visible is its own branch, found through its own index (the
        // author's notes, the shared notes of the agents in scope, ...): an `OR` of them reads
        // every match in the organisation (a team leader's notes, 28 ms against 6 ms with
        // `seed --scale 1000`).
        let ways: Vec<Condition> = match kind {
            "action_item" => action_items::visible_ways(actor).into(),
            _ => vec![scope::users(actor)],
        };
        let branches = ways.into_iter().map(|way| {
            let mut select = engine.select(kind, table, text, &terms, false);
            select.cond_where(way);
            select
        });
        let Some(mut select) = union_of(branches) else {
            continue;
        };
        select
            .order_by_expr(Expr::cust("rank"), sea_orm::sea_query::Order::Desc)
            .limit(limit);
        hits.extend(
            Hit::find_by_statement(backend.build(&select))
                .all(db)
                .await?,
        );
    }
    hits.sort_by(|a, b| {
        b.rank
            .partial_cmp(&a.rank)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    hits.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    // Titles and snippets for the hits kept only: one statement per kind among them.
    sealed_passages(db, &mut hits, &terms).await?;
    for (kind, table, text) in SOURCES {
        if SEALED.contains(&kind) {
            continue;
        }
        let ids: Vec<Uuid> = hits
            .iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let mut select = engine.select(kind, table, text, &terms, true);
        select.and_where(sea_orm::sea_query::ExprTrait::is_in(
            Expr::col((Alias::new(table), Alias::new("id"))),
            ids,
        ));
        for found in Hit::find_by_statement(backend.build(&select))
            .all(db)
            .await?
        {
            if let Some(hit) = hits.iter_mut().find(|h| h.kind == kind && h.id == found.id) {
                hit.title = found.title;
                hit.snippet = found.snippet;
            }
        }
    }
    Ok(hits)
}
