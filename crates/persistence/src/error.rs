//! The storage layer's one error type.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// What can go wrong in a repository call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row (or none the actor may see).
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule refused the write; the message names the field.
    #[error("conflict: {message}")]
    Conflict {
        /// The field at fault, when known.
        field: Option<&'static str>,
        /// What collided.
        message: String,
    },
    /// A value refers to something that cannot be used here (a team leader who is an agent).
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The request field at fault (`action_items[2].assignee_id` for one in a list).
        field: std::borrow::Cow<'static, str>,
        /// Why.
        message: String,
    },
    /// Several values of a request are wrong, as (field, message) pairs.
    #[error("invalid values: {0:?}")]
    InvalidFields(Vec<(String, String)>),
    /// The record's state does not allow this change.
    #[error(transparent)]
    Transition(#[from] domain::InvalidTransition),
    /// The policy refuses the actor this write (checked inside the write's transaction).
    #[error(transparent)]
    Denied(#[from] domain::Denied),
    /// The record exists, so a write to it must name the version it is based on.
    #[error("version required")]
    VersionRequired,
    /// The row changed since the version the caller holds.
    #[error("stale version")]
    Stale,
    /// The database cannot be reached.
    #[error("database unavailable")]
    Unavailable(#[source] DbErr),
    /// The encryption keys do not open what the database holds.
    #[error(transparent)]
    Sealing(#[from] crate::sealed::SealError),
    /// Anything else the database reported.
    #[error("database error")]
    Other(#[source] DbErr),
}

impl StoreError {
    /// A conflict on one field.
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        StoreError::Conflict {
            field: Some(field),
            message: message.into(),
        }
    }
}

impl StoreError {
    /// What a request names in `field`, read in the actor's scope: a record they may not see, or
    /// that does not exist, is an invalid value there (422), the same either way.
    pub fn named_in(self, field: impl Into<std::borrow::Cow<'static, str>>, what: &str) -> Self {
        match self {
            StoreError::NotFound => {
                StoreError::invalid(field, format!("no such {what} in your scope"))
            }
            other => other,
        }
    }

    /// An invalid value in one field.
    pub fn invalid(
        field: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(constraint)) => {
                // Repositories name the field for the duplicates people can cause; this is the
                // backstop, and constraint names stay in the logs.
                tracing::warn!(%constraint, "unique constraint refused a write");
                return StoreError::Conflict {
                    field: None,
                    message: "a record with these values already exists".into(),
                };
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                return StoreError::Conflict {
                    field: None,
                    message: "refers to a record that does not exist or is still referenced".into(),
                };
            }
            _ => {}
        }
        if is_unavailable(&err) {
            StoreError::Unavailable(err)
        } else {
            StoreError::Other(err)
        }
    }
}

/// Whether the database is out of reach (pool closed, connection refused or cut), as opposed to
/// the query being wrong.
fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Io(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::WorkerCrashed
                | Sqlx::Tls(_) => true,
                // SQLite still busy after its timeout: a long writer holds the lock; retryable.
                Sqlx::Database(db) => matches!(db.code().as_deref(), Some("5" | "6" | "517")),
                _ => false,
            }
        }
        _ => false,
    }
}
