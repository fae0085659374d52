//! The `action_plans` table.

use sea_orm::entity::prelude::*;

use crate::sealed::{Sealed, columns};

/// One row of `action_plans`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "action_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agent_id: Uuid,
    pub created_by: Option<Uuid>,
    pub title: String,
    pub goal: Sealed<columns::PlanGoal>,
    pub start_date: Date,
    pub end_date: Date,
    pub status: domain::PlanStatus,
    pub outcome: Option<domain::PlanOutcome>,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTimeUtc>,
    pub rejection_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledgement_comment: Option<Sealed<columns::PlanAcknowledgement>>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModel {
    /// Binds the sealed text about to be written to this row (bulk inserts call it themselves).
    pub fn bind_sealed(mut self) -> Self {
        let row = self.id.try_as_ref().copied();
        Sealed::bind(&mut self.goal, row);
        Sealed::bind_option(&mut self.acknowledgement_comment, row);
        self
    }
}

/// Sealed text is bound to its row as it is written.
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _: &C, _: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        Ok(self.bind_sealed())
    }
}
