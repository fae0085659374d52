//! Single sign-on identities: which provider identity (issuer and subject) signs in as which
//! person. A person is linked once, when the provider's verified email first matches theirs,
//! and found by the identity from then on.

use chrono::Utc;
use domain::UserId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use crate::audit::{self, Origin};
use crate::entity::sso_identity;
use crate::users::{self, UserRow};
use crate::{Db, StoreError, db};

/// What the audit log keeps of a link: the provider, never the subject.
#[derive(Serialize)]
struct Audited<'a> {
    sso_issuer: &'a str,
}

/// The person `issuer`'s `subject` is linked to, if any.
pub async fn find_user(
    db: &Db,
    issuer: &str,
    subject: &str,
) -> Result<Option<UserRow>, StoreError> {
    let identity = sso_identity::Entity::find()
        .filter(sso_identity::Column::Issuer.eq(issuer))
        .filter(sso_identity::Column::Subject.eq(subject))
        .one(db)
        .await?;
    match identity {
        Some(identity) => Ok(Some(users::find(db, identity.user_id).await?)),
        None => Ok(None),
    }
}

/// Links `user_id` to `issuer`'s `subject`, audited: `false` when the person is linked to
/// another identity already (a second one is never added behind their back).
pub async fn link(
    db: &Db,
    origin: &Origin,
    user_id: UserId,
    issuer: &str,
    subject: &str,
) -> Result<bool, StoreError> {
    let txn = db::begin_write(db).await?;
    let inserted = sso_identity::Entity::insert(sso_identity::ActiveModel {
        user_id: Set(user_id),
        issuer: Set(issuer.to_owned()),
        subject: Set(subject.to_owned()),
        linked_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(sso_identity::Column::UserId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        // Linked before: to this identity (a second tab finishing the same sign-in), or not.
        let current = sso_identity::Entity::find_by_id(user_id).one(&txn).await?;
        return Ok(current.is_some_and(|row| row.issuer == issuer && row.subject == subject));
    }
    let after = Audited { sso_issuer: issuer };
    audit::record_change(&txn, origin, "user.sso_linked", user_id, None, Some(&after)).await?;
    txn.commit().await?;
    Ok(true)
}
