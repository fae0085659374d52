//! Keyset pagination: opaque cursors that name the last row of the previous page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Default and largest page sizes.
pub const DEFAULT_LIMIT: u64 = 50;
/// The largest page a client may ask for.
pub const MAX_LIMIT: u64 = 200;

/// Where a page starts: after the row with this sort key and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort key of the last row seen (a name, a timestamp).
    pub key: String,
    /// The id of the last row seen; breaks ties.
    pub id: Uuid,
}

/// The cursor was not one this server issued.
#[derive(Debug, thiserror::Error)]
#[error("invalid cursor")]
pub struct InvalidCursor;

impl Cursor {
    /// The opaque wire form.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("a cursor always serialises");
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a cursor from its wire form.
    pub fn decode(raw: &str) -> Result<Self, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| InvalidCursor)?;
        serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)
    }
}

/// A validated page request.
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    /// Rows wanted (1..=MAX_LIMIT).
    pub limit: u64,
    /// Start after this row.
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// Builds a request from query parameters, clamping nothing: out-of-range limits are errors.
    pub fn new(limit: Option<u64>, cursor: Option<&str>) -> Result<Self, PageError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(PageError::Limit);
        }
        // An empty `cursor=` is no cursor: the first page.
        let after = cursor
            .filter(|cursor| !cursor.is_empty())
            .map(Cursor::decode)
            .transpose()
            .map_err(|_| PageError::Cursor)?;
        Ok(Self { limit, after })
    }
}

/// A page request that cannot be served.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PageError {
    /// `limit` outside 1..=200.
    #[error("limit must be between 1 and {MAX_LIMIT}")]
    Limit,
    /// `cursor` not issued by this server.
    #[error("cursor is not valid")]
    Cursor,
}

/// Orders by `(key, id)` ascending, starts after the page's cursor, and fetches one row more
/// than the page so [`finish`] can tell whether another page follows.
pub fn keyset<E: EntityTrait>(
    query: Select<E>,
    key: E::Column,
    id: E::Column,
    page: &PageRequest,
) -> Select<E> {
    let after = page
        .after
        .as_ref()
        .map(|cursor| (cursor.key.clone(), cursor.id));
    keyset_with(query, (key, id), after, page.limit, Order::Asc)
}

/// [`keyset`] for a typed sort key (a timestamp, a date) in either direction.
pub fn keyset_with<E, V>(
    query: Select<E>,
    (key, id): (E::Column, E::Column),
    after: Option<(V, Uuid)>,
    limit: u64,
    order: Order,
) -> Select<E>
where
    E: EntityTrait,
    V: Into<sea_orm::Value> + Clone,
{
    let query = match after {
        Some((last_key, last_id)) => {
            let (beyond_key, beyond_id) = match order {
                Order::Asc => (key.gt(last_key.clone()), id.gt(last_id)),
                _ => (key.lt(last_key.clone()), id.lt(last_id)),
            };
            query.filter(
                Condition::any()
                    .add(beyond_key)
                    .add(Condition::all().add(key.eq(last_key)).add(beyond_id)),
            )
        }
        None => query,
    };
    query
        .order_by(key, order.clone())
        .order_by(id, order)
        .limit(limit + 1)
}

/// One page of `query` in `order` of `(key, id)`, after the request's cursor (its key read as a
/// `K`), with the next page's cursor: `key_of` gives a row's sort key in the cursor's text form,
/// and its id.
pub async fn page<E, K>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    (key, id, order): (E::Column, E::Column, Order),
    page: &PageRequest,
    key_of: impl Fn(&E::Model) -> (String, Uuid),
) -> Result<(Vec<E::Model>, Option<String>), crate::StoreError>
where
    E: EntityTrait,
    K: std::str::FromStr + Into<sea_orm::Value> + Clone,
{
    let after = page.after.as_ref().map(Cursor::typed::<K>).transpose()?;
    let rows = keyset_with(query, (key, id), after, page.limit, order)
        .all(db)
        .await?;
    Ok(finish(rows, page.limit, |row| {
        let (key, id) = key_of(row);
        Cursor { key, id }
    }))
}

impl Cursor {
    /// The sort key as a typed value; a key that does not parse is an invalid cursor.
    pub fn typed<T: std::str::FromStr>(&self) -> Result<(T, Uuid), crate::StoreError> {
        self.key
            .parse()
            .map(|key| (key, self.id))
            .map_err(|_| crate::StoreError::invalid("cursor", "cursor is not valid"))
    }
}

/// Splits one extra fetched row off into the next cursor.
pub fn finish<T>(
    mut rows: Vec<T>,
    limit: u64,
    key: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|row| key(row).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            key: "Ada".into(),
            id: Uuid::from_u128(7),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).ok(), Some(cursor));
        assert!(Cursor::decode("not-a-cursor").is_err());
        assert_eq!(
            PageRequest::new(Some(0), None).err(),
            Some(PageError::Limit)
        );
        assert_eq!(
            PageRequest::new(Some(201), None).err(),
            Some(PageError::Limit)
        );
    }

    #[test]
    fn finish_keeps_limit_rows_and_points_past_the_last() {
        let key = |n: &u128| Cursor {
            key: n.to_string(),
            id: Uuid::from_u128(*n),
        };
        let (rows, next) = finish(vec![1, 2, 3], 2, key);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next, Some(key(&2).encode()));
        assert_eq!(finish(vec![1, 2], 2, key).1, None);
    }
}
