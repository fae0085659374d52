//! Reading the audit log (and checking its chain), and announcements.

use chrono::{DateTime, Utc};
use domain::{Action, Actor, NotificationKind, Role, Target, TeamId, UserId, authorize};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::audit;
use crate::caller::Caller;
use crate::entity::{announcement, audit_entry, team, team_member, user};
use crate::notifications::{self, Notice};
use crate::pagination::{self, PageRequest};
use crate::{Db, StoreError, db, scope};

/// Filters for the audit list.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this person's changes.
    pub actor_id: Option<UserId>,
    /// Only this action (`session.complete`).
    pub action: Option<String>,
    /// Only this kind of record.
    pub resource_type: Option<String>,
    /// Only this record.
    pub resource_id: Option<Uuid>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// The most steps a record's history shows.
const HISTORY_LIMIT: u64 = 500;

/// The audit entries about one record, newest first (its most recent 500).
pub async fn history(
    db: &Db,
    resource_type: &str,
    id: impl Into<Uuid>,
) -> Result<Vec<audit_entry::Model>, StoreError> {
    let id: Uuid = id.into();
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::ResourceType.eq(resource_type))
        .filter(audit_entry::Column::ResourceId.eq(id))
        .order_by_desc(audit_entry::Column::Seq)
        .limit(HISTORY_LIMIT)
        .all(db)
        .await?)
}

/// A page of the audit log, newest first.
pub async fn audit_page(
    db: &Db,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<(Vec<audit_entry::Model>, Option<String>), StoreError> {
    let mut query = audit_entry::Entity::find();
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_entry::Column::ActorId.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_entry::Column::Action.eq(action));
    }
    if let Some(kind) = &filter.resource_type {
        query = query.filter(audit_entry::Column::ResourceType.eq(kind));
    }
    if let Some(id) = filter.resource_id {
        query = query.filter(audit_entry::Column::ResourceId.eq(id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_entry::Column::OccurredAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_entry::Column::OccurredAt.lt(to));
    }
    let sort = (
        audit_entry::Column::Seq,
        audit_entry::Column::Id,
        Order::Desc,
    );
    pagination::page::<_, i64>(db, query, sort, page, |entry| {
        (entry.seq.to_string(), entry.id)
    })
    .await
}

/// What a walk of the audit chain found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainCheck {
    /// Entries checked.
    pub entries: u64,
    /// The first entry whose hash or link does not hold; `None`: the chain is intact.
    pub first_broken_seq: Option<i64>,
}

/// Walks the whole chain in batches, recomputing every hash.
pub async fn verify_audit(db: &Db) -> Result<ChainCheck, StoreError> {
    const BATCH: u64 = 1000;
    let mut checked = 0;
    let mut previous_hash: Option<String> = None;
    let mut after_seq = 0;
    loop {
        let batch = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(after_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = batch.last() else { break };
        after_seq = last.seq;
        for entry in &batch {
            checked += 1;
            let links = previous_hash
                .as_ref()
                .is_none_or(|hash| *hash == entry.prev_hash);
            if !links || !audit::holds(entry) {
                return Ok(ChainCheck {
                    entries: checked,
                    first_broken_seq: Some(entry.seq),
                });
            }
            previous_hash = Some(entry.hash.clone());
        }
    }
    Ok(ChainCheck {
        entries: checked,
        first_broken_seq: None,
    })
}

/// Publishes an announcement to everyone, or to one team.
pub async fn announce(
    db: &Db,
    caller: &Caller,
    title: &str,
    body: &str,
    team: Option<TeamId>,
) -> Result<announcement::Model, StoreError> {
    let Caller { actor, origin } = caller;
    authorize(actor, Action::Announce, &Target::Global)?;
    let txn = db::begin_write(db).await?;
    match team {
        Some(team) => crate::teams::find_in_scope(&txn, actor, team)
            .await
            .map(drop)
            .map_err(|err| err.named_in("team_id", "team"))?,
        None if actor.role != Role::Admin => {
            return Err(StoreError::invalid(
                "team_id",
                "managers announce to one of the teams they manage",
            ));
        }
        None => {}
    }
    let now = Utc::now();
    let row = announcement::ActiveModel {
        id: Set(Uuid::now_v7()),
        author_id: Set(origin.actor_id),
        title: Set(title.trim().to_owned()),
        body: Set(body.trim().to_owned()),
        audience: Set(if team.is_some() { "TEAM" } else { "EVERYONE" }.to_owned()),
        team_id: Set(team),
        published_at: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let readers = announcement_readers(&txn, team).await?;
    let notice = Notice {
        kind: NotificationKind::Announcement,
        title: row.title.clone(),
        resource_type: "announcement",
        resource_id: row.id,
    };
    notifications::notify(&txn, origin, readers, &notice).await?;
    audit::commit(txn, origin, "announcement.publish", row.id, None, row).await
}

/// Who reads an announcement: every active person, or a team's members, leader and manager.
async fn announcement_readers(
    txn: &impl ConnectionTrait,
    team: Option<TeamId>,
) -> Result<Vec<UserId>, StoreError> {
    let mut people = user::Entity::find().filter(user::Column::Active.eq(true));
    if let Some(team) = team {
        let members = Query::select()
            .column(team_member::Column::UserId)
            .from(team_member::Entity)
            .and_where(team_member::Column::TeamId.eq(team))
            .to_owned();
        let heads = Query::select()
            .column(team::Column::TeamLeaderId)
            .from(team::Entity)
            .and_where(team::Column::Id.eq(team))
            .union(
                sea_orm::sea_query::UnionType::All,
                Query::select()
                    .column(team::Column::ManagerId)
                    .from(team::Entity)
                    .and_where(team::Column::Id.eq(team))
                    .to_owned(),
            )
            .to_owned();
        people = people.filter(
            Condition::any()
                .add(user::Column::Id.in_subquery(members))
                .add(user::Column::Id.in_subquery(heads)),
        );
    }
    let people = people
        .select_only()
        .column(user::Column::Id)
        .into_tuple::<UserId>()
        .all(txn)
        .await?;
    Ok(people)
}

/// Announcements the actor sees: everyone's, and those of the teams they are in, lead or manage.
pub async fn announcements(
    db: &Db,
    actor: &Actor,
    page: &PageRequest,
) -> Result<(Vec<announcement::Model>, Option<String>), StoreError> {
    let mut query = announcement::Entity::find();
    if actor.role != Role::Admin {
        let mut teams = scope::teams_in_reach(actor);
        teams.extend(crate::users::team_of(db, actor.id).await?);
        query = query.filter(
            Condition::any()
                .add(announcement::Column::TeamId.is_null())
                .add(announcement::Column::TeamId.is_in(teams)),
        );
    }
    let sort = (
        announcement::Column::PublishedAt,
        announcement::Column::Id,
        Order::Desc,
    );
    pagination::page::<_, DateTime<Utc>>(db, query, sort, page, |a| {
        (a.published_at.to_rfc3339(), a.id)
    })
    .await
}
