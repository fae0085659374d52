//! The search index of sealed text (a blind index): for each record, keyed hashes of the
//! prefixes of its words, in `search_terms`. The database never sees a word of the text, yet a
//! search finds records holding every word asked for, each as a prefix, as the full-text index
//! of clear text does.
//!
//! Each record's terms are hashed with the index key of the key that sealed it (derived from it,
//! see [`crate::sealed`]); a search hashes its words under every key listed, so records not yet
//! re-sealed by `rotate-key` are still found. What the hashes show is which records share a word
//! prefix, and how often one occurs: not the words.

use std::collections::BTreeSet;

use ring::hmac;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::sealed;

const TABLE: &str = "search_terms";

/// Prefixes shorter than this are not indexed (a word shorter is indexed whole).
const SHORTEST: usize = 3;

/// Prefixes longer than this are cut to it, in the index and in a search.
const LONGEST: usize = 12;

/// Bytes of each stored hash.
const HASH_LEN: usize = 16;

/// The lower-case words of `text`: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// The terms of a search query: its words, at most eight, each matched as a prefix.
pub fn query_terms(query: &str) -> Vec<String> {
    words(query).take(8).collect()
}

/// What a search word is looked up as: its first [`LONGEST`] characters.
fn search_term(word: &str) -> String {
    word.chars().take(LONGEST).collect()
}

/// The terms `text` is found by: each word's prefixes of [`SHORTEST`] to [`LONGEST`]
/// characters (the whole word when shorter).
fn terms(text: &str) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for word in words(text) {
        let chars: Vec<char> = word.chars().take(LONGEST).collect();
        for len in chars.len().min(SHORTEST)..=chars.len() {
            terms.insert(chars[..len].iter().collect());
        }
    }
    terms
}

fn hash(key: &hmac::Key, term: &str) -> Vec<u8> {
    hmac::sign(key, term.as_bytes()).as_ref()[..HASH_LEN].to_vec()
}

fn keys_error(error: sealed::SealError) -> DbErr {
    DbErr::Custom(error.to_string())
}

/// A record search finds by its sealed text.
pub trait Searchable {
    /// The kind of record, as search answers it (`session`, `quick_note`).
    const KIND: &'static str;
    /// Its id.
    fn search_id(&self) -> Uuid;
    /// The texts it is found by.
    fn search_texts(&self) -> Vec<&str>;
}

/// Stores `record`'s terms (`replacing` those it had), inside the caller's transaction, beside
/// its audit entry: its text is sealed, so the database cannot index it itself.
pub async fn index<R: Searchable>(
    db: &impl ConnectionTrait,
    record: &R,
    replacing: bool,
) -> Result<(), DbErr> {
    let texts = record.search_texts();
    store(db, R::KIND, record.search_id(), &texts, replacing).await
}

/// Adds the terms of new records of one kind at once (the demonstration data).
pub async fn index_new<R: Searchable>(
    db: &impl ConnectionTrait,
    records: &[R],
) -> Result<(), DbErr> {
    let terms: Vec<_> = records
        .iter()
        .map(|record| (record.search_id(), record.search_texts()))
        .collect();
    add(db, R::KIND, &terms).await
}

/// Stores the terms of record `id` of `kind` from `texts` (`replacing` those it had), hashed under
/// the primary key; inside the caller's transaction.
pub async fn store(
    db: &impl ConnectionTrait,
    kind: &str,
    id: impl Into<Uuid>,
    texts: &[&str],
    replacing: bool,
) -> Result<(), DbErr> {
    let id: Uuid = id.into();
    if replacing {
        forget(db, kind, &[id]).await?;
    }
    add(db, kind, &[(id, texts.to_vec())]).await
}

/// Adds the terms of new records of `kind`, each with its texts (seeding writes many at once).
pub async fn add(
    db: &impl ConnectionTrait,
    kind: &str,
    records: &[(Uuid, Vec<&str>)],
) -> Result<(), DbErr> {
    let keyring = sealed::keyring().map_err(keys_error)?;
    let Some(key) = keyring.index_keys().next() else {
        return Ok(());
    };
    let mut rows: Vec<(Uuid, Vec<u8>)> = Vec::new();
    for (id, texts) in records {
        let terms: BTreeSet<String> = texts.iter().flat_map(|text| terms(text)).collect();
        rows.extend(terms.iter().map(|term| (*id, hash(key, term))));
    }
    for chunk in rows.chunks(5_000) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new(TABLE)).columns([
            Alias::new("kind"),
            Alias::new("resource_id"),
            Alias::new("term"),
        ]);
        for (id, term) in chunk {
            insert.values_panic([kind.into(), (*id).into(), term.clone().into()]);
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Removes the terms of the records `ids` of `kind`.
pub async fn forget(db: &impl ConnectionTrait, kind: &str, ids: &[Uuid]) -> Result<(), DbErr> {
    for chunk in ids.chunks(500) {
        let delete = Query::delete()
            .from_table(Alias::new(TABLE))
            .and_where(Expr::col(Alias::new("kind")).eq(kind))
            .and_where(Expr::col(Alias::new("resource_id")).is_in(chunk.iter().copied()))
            .to_owned();
        db.execute(&delete).await?;
    }
    Ok(())
}

/// A condition on `id_column` of `kind`'s records: they hold every one of `words` as a word
/// prefix.
pub fn matching(
    kind: &str,
    id_column: SimpleExpr,
    words: &[String],
) -> Result<Condition, sealed::SealError> {
    let keyring = sealed::keyring()?;
    let mut condition = Condition::all();
    for word in words {
        let term = search_term(word);
        let hashes: Vec<Vec<u8>> = keyring.index_keys().map(|key| hash(key, &term)).collect();
        let holders = Query::select()
            .column(Alias::new("resource_id"))
            .from(Alias::new(TABLE))
            .and_where(Expr::col(Alias::new("kind")).eq(kind))
            .and_where(Expr::col(Alias::new("term")).is_in(hashes))
            .to_owned();
        condition = condition.add(id_column.clone().in_subquery(holders));
    }
    Ok(condition)
}

/// An HTML-escaped passage of `text` around the first word starting with one of `words`, each
/// such word in `<mark>`.
pub fn snippet(text: &str, words: &[String]) -> String {
    const BEFORE: usize = 6;
    const AFTER: usize = 14;
    let pieces: Vec<&str> = text.split_whitespace().collect();
    let hits = |piece: &str| {
        self::words(piece).any(|w| words.iter().any(|word| w.starts_with(word.as_str())))
    };
    let first = pieces.iter().position(|p| hits(p)).unwrap_or(0);
    let start = first.saturating_sub(BEFORE);
    let end = (first + AFTER).min(pieces.len());
    let mut passage: Vec<String> = pieces[start..end]
        .iter()
        .map(|piece| {
            let escaped = escape(piece);
            if hits(piece) {
                format!("<mark>{escaped}</mark>")
            } else {
                escaped
            }
        })
        .collect();
    if start > 0 {
        passage.insert(0, "…".into());
    }
    if end < pieces.len() {
        passage.push("…".into());
    }
    passage.join(" ")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_are_words_only_so_no_query_syntax_reaches_the_database() {
        assert_eq!(
            query_terms(r#"Refund "OR" -x* (call)"#),
            ["refund", "or", "x", "call"]
        );
        assert!(query_terms("!!! ***").is_empty());
    }

    #[test]
    fn a_word_is_found_by_its_prefixes() {
        let terms = terms("Refunds & AHT");
        assert_eq!(
            terms.into_iter().collect::<Vec<_>>(),
            ["aht", "ref", "refu", "refun", "refund", "refunds"]
        );
        assert!(super::terms("escalationprocedure").contains("escalationpr"));
        assert_eq!(search_term("escalationprocedures"), "escalationpr");
    }

    #[test]
    fn a_snippet_marks_the_matches_and_escapes_the_rest() {
        assert_eq!(
            snippet("Talked <b>refunds</b> & tone", &["refund".into()]),
            "Talked <mark>&lt;b&gt;refunds&lt;/b&gt;</mark> &amp; tone"
        );
        let long = (0..40)
            .map(|n| format!("w{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            snippet(&long, &["w20".into()]),
            format!(
                "… {} …",
                (14..34)
                    .map(|n| if n == 20 {
                        "<mark>w20</mark>".to_owned()
                    } else {
                        format!("w{n}")
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        );
    }
}
