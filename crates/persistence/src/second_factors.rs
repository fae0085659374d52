//! Second factors: a person's TOTP secret (enrolled, then confirmed), their recovery codes, and
//! the roles that must sign in with one. Every acceptance is one conditional `UPDATE`, so a code
//! raced by two requests is accepted once.

use chrono::Utc;
use domain::UserId;
use domain::{Action, Actor, Role, authorize};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{self, Origin};
use crate::entity::{recovery_code, second_factor, second_factor_role};
use crate::{Db, StoreError, db};

/// How many recovery codes a confirmation issues.
pub const RECOVERY_CODES: usize = 10;

/// What the audit log keeps of a change to someone's second factor: never a secret or a code.
#[derive(Serialize)]
struct Audited {
    second_factor: &'static str,
}

/// The refusal to set up a second factor over a confirmed one.
pub fn already_set_up() -> StoreError {
    StoreError::Conflict {
        field: None,
        message: "a second factor is already set up".into(),
    }
}

/// The refusal to switch off a second factor the person's role must sign in with.
pub fn required_by_role() -> StoreError {
    StoreError::Conflict {
        field: None,
        message: "your role must sign in with a second factor".into(),
    }
}

/// A person's confirmed second factor; a conflict when they have none.
pub async fn find_confirmed(db: &Db, user_id: UserId) -> Result<second_factor::Model, StoreError> {
    find(db, user_id)
        .await?
        .filter(|factor| factor.confirmed_at.is_some())
        .ok_or_else(|| StoreError::Conflict {
            field: None,
            message: "no second factor is set up".into(),
        })
}

/// A person's second factor, if they have begun enrolling one.
pub async fn find(db: &Db, user_id: UserId) -> Result<Option<second_factor::Model>, StoreError> {
    Ok(second_factor::Entity::find_by_id(user_id).one(db).await?)
}

/// Starts (or starts again) `user_id`'s enrolment with `secret`. Refused once one is confirmed:
/// a confirmed factor is not replaced behind its owner's back.
pub async fn enrol(db: &Db, user_id: UserId, secret: String) -> Result<(), StoreError> {
    let txn = db::begin_write(db).await?;
    let current = second_factor::Entity::find_by_id(user_id).one(&txn).await?;
    if current.as_ref().is_some_and(|f| f.confirmed_at.is_some()) {
        return Err(already_set_up());
    }
    second_factor::Entity::insert(second_factor::ActiveModel {
        user_id: Set(user_id),
        // An upsert runs no `before_save`: the secret is bound to its person here.
        secret: Set(crate::sealed::Sealed::from(secret).bound_to(user_id.into())),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(second_factor::Column::UserId)
            .update_columns([
                second_factor::Column::Secret,
                second_factor::Column::LastStep,
                second_factor::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Accepts time step `step` for `user_id`'s factor if no later or equal step was accepted
/// before: `false` for a replayed code.
pub async fn accept_step(
    db: &impl ConnectionTrait,
    user_id: UserId,
    step: i64,
) -> Result<bool, StoreError> {
    let accepted = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastStep, Expr::value(step))
        .filter(second_factor::Column::UserId.eq(user_id))
        .filter(
            Condition::any()
                .add(second_factor::Column::LastStep.is_null())
                .add(second_factor::Column::LastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(accepted.rows_affected == 1)
}

/// Confirms `user_id`'s enrolment (its code for `step` was right) and replaces their recovery
/// codes with `code_hashes`, audited; every other sign-in session of theirs ends (`keep` goes
/// on). `false` if there was nothing to confirm (a concurrent confirmation won, or the step was
/// already used).
pub async fn confirm(
    db: &Db,
    origin: &Origin,
    user_id: UserId,
    keep: Uuid,
    step: i64,
    code_hashes: Vec<String>,
) -> Result<bool, StoreError> {
    let txn = db::begin_write(db).await?;
    let confirmed = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::ConfirmedAt, Expr::value(Utc::now()))
        .col_expr(second_factor::Column::LastStep, Expr::value(step))
        .filter(second_factor::Column::UserId.eq(user_id))
        .filter(second_factor::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    if confirmed.rows_affected == 0 {
        return Ok(false);
    }
    replace_codes(&txn, user_id, code_hashes).await?;
    crate::auth_sessions::revoke_all_except(&txn, user_id, keep, "second_factor_enabled").await?;
    let after = Audited {
        second_factor: "totp",
    };
    audit::record_change(
        &txn,
        origin,
        "user.second_factor_enabled",
        user_id,
        None,
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

async fn replace_codes(
    txn: &impl sea_orm::ConnectionTrait,
    user_id: UserId,
    code_hashes: Vec<String>,
) -> Result<(), StoreError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    let rows = code_hashes
        .into_iter()
        .map(|hash| recovery_code::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            code_hash: Set(hash),
            used_at: Set(None),
        });
    recovery_code::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// Spends one of `user_id`'s recovery codes, audited: `false` if no unused code has this hash.
pub async fn spend_recovery_code(
    db: &Db,
    origin: &Origin,
    user_id: UserId,
    code_hash: &str,
) -> Result<bool, StoreError> {
    let txn = db::begin_write(db).await?;
    let spent = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(code_hash))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected == 0 {
        return Ok(false);
    }
    audit::record(
        &txn,
        origin,
        audit::Change {
            action: "user.recovery_code_used",
            resource_type: "user",
            resource_id: Some(user_id.into()),
            changes: serde_json::Value::Null,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Who takes a second factor away, and what that proves.
#[derive(Clone, Copy, Debug)]
pub enum Removal<'a> {
    /// Its owner switched it off with the code of `step`, which must not have been used before
    /// (a replayed code removes nothing); their other sign-in sessions end, `keep` goes on.
    ByOwner { step: i64, keep: Uuid },
    /// Someone whom the policy lets reset the person's password removed it (a lost phone
    /// without recovery codes).
    ByAdmin { actor: &'a Actor },
}

/// Removes `user_id`'s second factor and recovery codes in one transaction, audited. `false` if
/// there was none, or the owner's code was already used.
pub async fn remove(
    db: &Db,
    origin: &Origin,
    user_id: UserId,
    removal: Removal<'_>,
) -> Result<bool, StoreError> {
    let txn = db::begin_write(db).await?;
    if let Removal::ByAdmin { actor } = removal {
        let (_, target) = crate::users::find_in_scope(&txn, actor, user_id).await?;
        authorize(actor, Action::ResetPassword, &target)?;
    }
    if let Removal::ByOwner { step, .. } = removal
        && !accept_step(&txn, user_id, step).await?
    {
        return Ok(false);
    }
    let removed = second_factor::Entity::delete_by_id(user_id)
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Ok(false);
    }
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    let action = match removal {
        Removal::ByOwner { keep, .. } => {
            crate::auth_sessions::revoke_all_except(&txn, user_id, keep, "second_factor_disabled")
                .await?;
            "user.second_factor_disabled"
        }
        Removal::ByAdmin { .. } => "user.second_factor_removed",
    };
    let before = Audited {
        second_factor: "totp",
    };
    audit::record_change(&txn, origin, action, user_id, Some(&before), None).await?;
    txn.commit().await?;
    Ok(true)
}

/// How many of `user_id`'s recovery codes are unused.
pub async fn recovery_codes_left(db: &Db, user_id: UserId) -> Result<u64, StoreError> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// The roles that must sign in with a second factor.
pub async fn required_roles(db: &Db) -> Result<Vec<Role>, StoreError> {
    let mut roles: Vec<Role> = second_factor_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.role)
        .collect();
    roles.sort();
    Ok(roles)
}

/// Whether people of `role` must sign in with a second factor.
pub async fn required_for(db: &Db, role: Role) -> Result<bool, StoreError> {
    Ok(second_factor_role::Entity::find_by_id(role)
        .one(db)
        .await?
        .is_some())
}

/// Sets the roles that must sign in with a second factor, audited.
pub async fn set_required_roles(
    db: &Db,
    origin: &Origin,
    roles: &[Role],
) -> Result<Vec<Role>, StoreError> {
    #[derive(Serialize)]
    struct Required<'a> {
        roles: &'a [Role],
    }
    let txn = db::begin_write(db).await?;
    let mut before: Vec<Role> = second_factor_role::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| row.role)
        .collect();
    before.sort();
    let mut after = roles.to_vec();
    after.sort();
    after.dedup();
    second_factor_role::Entity::delete_many().exec(&txn).await?;
    for role in &after {
        second_factor_role::ActiveModel {
            role: Set(*role),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    audit::record_change(
        &txn,
        origin,
        "settings.second_factor_roles",
        Uuid::nil(),
        Some(&Required { roles: &before }),
        Some(&Required { roles: &after }),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
