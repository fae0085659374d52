//! The wire form of what persistence returns. Persistence speaks rows and domain types; every
//! mapping to `dto` is here, so a renamed API field never reaches the store or the audit log.

use chrono::Utc;
use domain::TargetOperator;
use domain::scorecard::Band;
use persistence::action_plans::{PlanRow, TargetRow};
use persistence::entity::{
    action_item, action_plan_checkpoint, announcement, audit_entry, metric_month, notification,
    quick_note, session_template, webhook, webhook_delivery,
};
use persistence::evaluation_forms::StoredForm;
use persistence::evaluations::StoredEvaluation;
use persistence::governance::ChainCheck;
use persistence::metrics::{Catalogue, Values};
use persistence::sessions::SessionRow;
use persistence::teams::TeamRow;
use persistence::users::UserRow;
use uuid::Uuid;

/// A stored record's API form.
pub trait ToDto {
    /// The wire type.
    type Dto;
    /// The API form of `self`.
    fn to_dto(&self) -> Self::Dto;
}

/// The API forms of `rows`.
pub fn all<T: ToDto>(rows: &[T]) -> Vec<T::Dto> {
    rows.iter().map(ToDto::to_dto).collect()
}

impl ToDto for UserRow {
    type Dto = dto::User;
    fn to_dto(&self) -> dto::User {
        let user = &self.user;
        dto::User {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role,
            team_id: self.team_id,
            team_ids: self.evaluated_team_ids.clone(),
            employee_id: user.employee_id.clone(),
            department: user.department.clone(),
            active: user.active,
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

impl ToDto for TeamRow {
    type Dto = dto::Team;
    fn to_dto(&self) -> dto::Team {
        dto::Team {
            id: self.team.id,
            name: self.team.name.clone(),
            team_leader_id: self.team.team_leader_id,
            manager_id: self.team.manager_id,
            agent_ids: self.agent_ids.to_vec(),
            analyst_ids: self.analyst_ids.to_vec(),
            version: self.team.version,
            created_at: self.team.created_at,
            updated_at: self.team.updated_at,
        }
    }
}

impl ToDto for SessionRow {
    type Dto = dto::Session;
    fn to_dto(&self) -> dto::Session {
        let s = &self.session;
        dto::Session {
            id: s.id,
            agent_id: s.agent_id,
            team_leader_id: s.team_leader_id,
            scheduled_at: s.scheduled_at,
            duration_minutes: s.duration_minutes,
            status: s.status,
            focus_areas: serde_json::from_value(s.focus_areas.clone()).unwrap_or_default(),
            preparation_notes: s.preparation_notes.clone().map(Into::into),
            session_notes: s.session_notes.clone().map(Into::into),
            started_at: s.started_at,
            completed_at: s.completed_at,
            previous_score: s.previous_score,
            current_score: s.current_score,
            cancel_reason: s.cancel_reason.clone(),
            acknowledged_at: s.acknowledged_at,
            acknowledgement_comment: s.acknowledgement_comment.clone().map(Into::into),
            action_item_ids: self.action_item_ids.to_vec(),
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

impl ToDto for quick_note::Model {
    type Dto = dto::QuickNote;
    fn to_dto(&self) -> dto::QuickNote {
        dto::QuickNote {
            id: self.id,
            agent_id: self.agent_id,
            author_id: self.author_id,
            content: self.content.to_string(),
            category: self.category,
            visibility: self.visibility,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl ToDto for session_template::Model {
    type Dto = dto::SessionTemplate;
    /// The JSON columns hold what the API wrote; anything else reads as empty.
    fn to_dto(&self) -> dto::SessionTemplate {
        dto::SessionTemplate {
            id: self.id,
            name: self.name.clone(),
            team_id: self.team_id,
            focus_areas: serde_json::from_value(self.focus_areas.clone()).unwrap_or_default(),
            agenda: self.agenda.clone(),
            duration_minutes: self.duration_minutes,
            action_items: serde_json::from_value(self.action_items.clone()).unwrap_or_default(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl ToDto for StoredForm {
    type Dto = dto::EvaluationForm;
    fn to_dto(&self) -> dto::EvaluationForm {
        dto::EvaluationForm {
            id: self.row.id,
            name: self.row.name.clone(),
            description: self.row.description.clone(),
            channels: self.channels(),
            team_ids: self.team_ids.clone(),
            sections: self.sections.clone(),
            version: self.row.version,
            archived_at: self.row.archived_at,
            created_at: self.row.created_at,
            updated_at: self.row.updated_at,
        }
    }
}

impl ToDto for StoredEvaluation {
    type Dto = dto::Evaluation;
    fn to_dto(&self) -> dto::Evaluation {
        let row = &self.row;
        dto::Evaluation {
            id: row.id,
            form_id: row.form_id,
            form_version: row.form_version,
            agent_id: row.agent_id,
            evaluator_id: row.evaluator_id,
            channel: row.channel,
            interaction_id: row.interaction_id.clone(),
            interaction_url: row.interaction_url.clone(),
            occurred_at: row.occurred_at,
            duration_seconds: row.duration_seconds,
            answers: self.answers(),
            strengths: row.strengths.as_deref().map(str::to_owned),
            opportunities: row.opportunities.as_deref().map(str::to_owned),
            status: row.status,
            score: row.score,
            section_scores: self.section_scores(),
            failed_by: row.failed_by.map(domain::QuestionId),
            submitted_at: row.submitted_at,
            acknowledged_at: row.acknowledged_at,
            acknowledgement_comment: row.acknowledgement_comment.as_deref().map(str::to_owned),
            edit_reason: row.edit_reason.clone(),
            voided_at: row.voided_at,
            void_reason: row.void_reason.clone(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl ToDto for webhook::Model {
    type Dto = dto::Webhook;
    fn to_dto(&self) -> dto::Webhook {
        dto::Webhook {
            id: self.id,
            url: self.url.clone(),
            description: self.description.clone(),
            events: serde_json::from_value(self.events.clone()).unwrap_or_default(),
            enabled: self.enabled,
            failing_since: self.failing_since,
            disabled_at: self.disabled_at,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl ToDto for webhook_delivery::Model {
    type Dto = dto::WebhookDelivery;
    fn to_dto(&self) -> dto::WebhookDelivery {
        let pending = self.status == persistence::webhooks::PENDING;
        dto::WebhookDelivery {
            id: self.id,
            event_type: self.event_type.clone(),
            status: self.status.clone(),
            attempts: self.attempts,
            next_attempt_at: pending.then_some(self.next_attempt_at),
            last_attempt_at: self.last_attempt_at,
            response_status: self.response_status,
            last_error: self.last_error.clone(),
            created_at: self.created_at,
            delivered_at: self.delivered_at,
            payload: serde_json::from_str(&self.payload).unwrap_or_default(),
        }
    }
}

impl ToDto for notification::Model {
    type Dto = dto::Notification;
    fn to_dto(&self) -> dto::Notification {
        let about = |field: &str| self.data.as_ref().and_then(|data| data.get(field));
        dto::Notification {
            id: self.id,
            // Written from a `NotificationKind` only; an unknown one reads as an announcement.
            kind: self
                .kind
                .parse()
                .unwrap_or(domain::NotificationKind::Announcement),
            title: self.title.clone(),
            resource_type: about("type").and_then(|v| v.as_str()).map(str::to_owned),
            resource_id: about("id")
                .and_then(|v| v.as_str())
                .and_then(|id| id.parse().ok()),
            created_at: self.created_at,
            read_at: self.read_at,
        }
    }
}

impl ToDto for audit_entry::Model {
    type Dto = dto::AuditEntry;
    fn to_dto(&self) -> dto::AuditEntry {
        dto::AuditEntry {
            seq: self.seq,
            occurred_at: self.occurred_at,
            actor_id: self.actor_id,
            action: self.action.clone(),
            resource_type: self.resource_type.clone(),
            resource_id: self.resource_id,
            ip: self.ip.clone(),
            request_id: self.request_id.clone(),
            changes: self.changes.clone(),
        }
    }
}

impl ToDto for announcement::Model {
    type Dto = dto::Announcement;
    fn to_dto(&self) -> dto::Announcement {
        dto::Announcement {
            id: self.id,
            author_id: self.author_id,
            title: self.title.clone(),
            body: self.body.clone(),
            team_id: self.team_id,
            published_at: self.published_at,
        }
    }
}

impl ToDto for ChainCheck {
    type Dto = dto::AuditVerification;
    fn to_dto(&self) -> dto::AuditVerification {
        dto::AuditVerification {
            entries: self.entries,
            intact: self.first_broken_seq.is_none(),
            first_broken_seq: self.first_broken_seq,
        }
    }
}

impl ToDto for action_plan_checkpoint::Model {
    type Dto = dto::Checkpoint;
    fn to_dto(&self) -> dto::Checkpoint {
        dto::Checkpoint {
            id: self.id,
            date: self.date,
            notes: self.notes.to_string(),
            author_id: self.author_id,
            created_at: self.created_at,
        }
    }
}

impl ToDto for TargetRow {
    type Dto = dto::PlanTarget;
    fn to_dto(&self) -> dto::PlanTarget {
        let target = &self.target;
        dto::PlanTarget {
            kpi: self.kpi.clone(),
            operator: target.operator,
            value: target.value,
            by_month: target.by_month.clone(),
            actual: self.actual,
            met: self.actual.map(|actual| match target.operator {
                TargetOperator::Gte => actual >= target.value,
                TargetOperator::Lte => actual <= target.value,
            }),
            progress: self
                .progress
                .iter()
                .map(|(month, value)| dto::MonthValue {
                    month: month.clone(),
                    value: *value,
                })
                .collect(),
        }
    }
}

impl ToDto for action_item::Model {
    type Dto = dto::ActionItem;
    /// `overdue` is derived for today (UTC).
    fn to_dto(&self) -> dto::ActionItem {
        let item = self;
        dto::ActionItem {
            id: item.id,
            agent_id: item.agent_id,
            assignee_id: item.assignee_id,
            created_by: item.created_by,
            session_id: item.session_id,
            plan_id: item.plan_id,
            title: item.title.clone(),
            description: item.description.clone(),
            due_date: item.due_date,
            priority: item.priority,
            status: item.status,
            overdue: item.status.is_open() && item.due_date < Utc::now().date_naive(),
            completed_at: item.completed_at,
            cancel_reason: item.cancel_reason.clone(),
            awaiting_plan: item.awaiting_plan,
            version: item.version,
            created_at: item.created_at,
            updated_at: item.updated_at,
        }
    }
}

impl ToDto for PlanRow {
    type Dto = dto::ActionPlan;
    fn to_dto(&self) -> dto::ActionPlan {
        let (row, plan) = (self, &self.plan);
        dto::ActionPlan {
            id: plan.id,
            agent_id: plan.agent_id,
            created_by: plan.created_by,
            title: plan.title.clone(),
            goal: plan.goal.to_string(),
            start_date: plan.start_date,
            end_date: plan.end_date,
            status: plan.status,
            outcome: plan.outcome,
            submitted_at: plan.submitted_at,
            approved_by: plan.approved_by,
            approved_at: plan.approved_at,
            rejection_reason: plan.rejection_reason.clone(),
            cancel_reason: plan.cancel_reason.clone(),
            acknowledged_at: plan.acknowledged_at,
            acknowledgement_comment: plan.acknowledgement_comment.clone().map(Into::into),
            items: all(&row.items),
            targets: all(&row.targets),
            checkpoints: all(&row.checkpoints),
            version: plan.version,
            created_at: plan.created_at,
            updated_at: plan.updated_at,
        }
    }
}

/// A stored month as the API shows it: values by KPI key, scored by the configuration in force.
pub fn metric_month(
    catalogue: &Catalogue,
    month: &metric_month::Model,
    values: &Values,
) -> dto::MetricMonth {
    let score = catalogue.score(&month.month, values);
    dto::MetricMonth {
        agent_id: month.agent_id,
        month: month.month.clone(),
        values: catalogue
            .kpis
            .iter()
            .filter_map(|kpi| values.get(&kpi.id).map(|v| (kpi.key.clone(), *v)))
            .collect(),
        raw_counts: month
            .raw_counts
            .clone()
            .and_then(|raw| serde_json::from_value(raw).ok()),
        score,
        band: score.map(Band::of),
        config_effective_from: catalogue
            .config_for(&month.month)
            .map(|c| c.config.effective_from.clone())
            .unwrap_or_default(),
        version: month.version,
        updated_at: month.updated_at,
    }
}

/// The catalogue and configurations as the API shows them.
pub fn scorecard_settings(catalogue: &Catalogue) -> dto::ScorecardSettings {
    let key_of = |id: &Uuid| {
        catalogue
            .kpis
            .iter()
            .find(|kpi| kpi.id == *id)
            .map(|kpi| kpi.key.clone())
            .unwrap_or_default()
    };
    dto::ScorecardSettings {
        catalogue: catalogue
            .kpis
            .iter()
            .map(|kpi| dto::Kpi {
                key: kpi.key.clone(),
                name: kpi.name.clone(),
                unit: kpi.unit.clone(),
                direction: kpi.direction,
                min_value: kpi.min_value,
                max_value: kpi.max_value,
                numerator: kpi.numerator.clone(),
                denominator: kpi.denominator.clone(),
                active: kpi.active,
                from_evaluations: kpi.from_evaluations,
                version: kpi.version,
            })
            .collect(),
        configs: catalogue
            .configs
            .iter()
            .map(|config| {
                let mut kpis: Vec<dto::KpiWeight> = config
                    .weights
                    .iter()
                    .map(|(id, (weight, target))| dto::KpiWeight {
                        key: key_of(id),
                        weight: *weight,
                        target: *target,
                    })
                    .collect();
                kpis.sort_by(|a, b| a.key.cmp(&b.key));
                dto::ScorecardConfig {
                    effective_from: config.config.effective_from.clone(),
                    note: config.config.note.clone(),
                    kpis,
                    created_at: config.config.created_at,
                }
            })
            .collect(),
        version: catalogue.version(),
    }
}
