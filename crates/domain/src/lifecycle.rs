//! State machines: every status change goes through a method that refuses illegal moves.

use serde::{Deserialize, Serialize};

/// A status change that the current state does not allow. It reads as a person would say it
/// ("cannot start it while it is cancelled"), never with the state's wire name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} it while it is {}", self.state())]
pub struct InvalidTransition {
    /// The current state, as its wire name.
    pub from: &'static str,
    /// What was attempted.
    pub action: &'static str,
}

impl InvalidTransition {
    /// The current state in words: `IN_PROGRESS` reads "in progress".
    fn state(&self) -> String {
        self.from.to_lowercase().replace('_', " ")
    }
}

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name {
            $($(#[$vdoc])* #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $wire))] $variant,)*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stored and wire spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)*
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| format!("unknown {} `{s}`", stringify!($name)))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use wire_enum;

wire_enum!(
    /// Where an evaluation is in its life.
    EvaluationStatus {
        /// Being written; its evaluator's alone.
        Draft = "DRAFT",
        /// Scored and shown to the agent and their coaches.
        Submitted = "SUBMITTED",
        /// Seen and signed off by the agent.
        Acknowledged = "ACKNOWLEDGED",
        /// Withdrawn by an admin, with a reason; counts for nothing.
        Voided = "VOIDED",
    }
);

impl EvaluationStatus {
    fn refuse(self, action: &'static str) -> InvalidTransition {
        InvalidTransition {
            from: self.as_str(),
            action,
        }
    }

    /// Submit a draft: it is scored and the agent sees it.
    pub fn submit(self) -> Result<EvaluationStatus, InvalidTransition> {
        match self {
            EvaluationStatus::Draft => Ok(EvaluationStatus::Submitted),
            other => Err(other.refuse("submit")),
        }
    }

    /// Change it: a draft stays a draft; a submitted or acknowledged one is submitted again (the
    /// agent acknowledges what it says now).
    pub fn edit(self) -> Result<EvaluationStatus, InvalidTransition> {
        match self {
            EvaluationStatus::Draft => Ok(EvaluationStatus::Draft),
            EvaluationStatus::Submitted | EvaluationStatus::Acknowledged => {
                Ok(EvaluationStatus::Submitted)
            }
            other => Err(other.refuse("change")),
        }
    }

    /// The agent acknowledges it.
    pub fn acknowledge(self) -> Result<EvaluationStatus, InvalidTransition> {
        match self {
            EvaluationStatus::Submitted => Ok(EvaluationStatus::Acknowledged),
            other => Err(other.refuse("acknowledge")),
        }
    }

    /// An admin withdraws it.
    pub fn void(self) -> Result<EvaluationStatus, InvalidTransition> {
        match self {
            EvaluationStatus::Submitted | EvaluationStatus::Acknowledged => {
                Ok(EvaluationStatus::Voided)
            }
            other => Err(other.refuse("void")),
        }
    }

    /// Delete it: only a draft goes (a submitted one is voided instead).
    pub fn delete(self) -> Result<(), InvalidTransition> {
        match self {
            EvaluationStatus::Draft => Ok(()),
            other => Err(other.refuse("delete")),
        }
    }

    /// Whether it counts: shown to the agent, scored and in the averages.
    pub fn counts(self) -> bool {
        matches!(
            self,
            EvaluationStatus::Submitted | EvaluationStatus::Acknowledged
        )
    }
}

wire_enum!(
    /// Where a coaching session is in its life.
    SessionStatus {
        /// Booked, not started.
        Scheduled = "SCHEDULED",
        /// Under way.
        InProgress = "IN_PROGRESS",
        /// Done, with notes and scores; immutable.
        Completed = "COMPLETED",
        /// Called off, with a reason; immutable.
        Cancelled = "CANCELLED",
        /// The agent did not attend; immutable.
        NoShow = "NO_SHOW",
    }
);

impl SessionStatus {
    fn refuse(self, action: &'static str) -> InvalidTransition {
        InvalidTransition {
            from: self.as_str(),
            action,
        }
    }

    /// Whether the session's plan (time, agent, focus, preparation) may still change.
    pub fn editable(self) -> Result<(), InvalidTransition> {
        match self {
            SessionStatus::Scheduled | SessionStatus::InProgress => Ok(()),
            other => Err(other.refuse("edit")),
        }
    }

    /// Start the session.
    pub fn start(self) -> Result<SessionStatus, InvalidTransition> {
        match self {
            SessionStatus::Scheduled => Ok(SessionStatus::InProgress),
            other => Err(other.refuse("start")),
        }
    }

    /// Complete it (from scheduled too: coaches forget to press start).
    pub fn complete(self) -> Result<SessionStatus, InvalidTransition> {
        match self {
            SessionStatus::Scheduled | SessionStatus::InProgress => Ok(SessionStatus::Completed),
            other => Err(other.refuse("complete")),
        }
    }

    /// Cancel it.
    pub fn cancel(self) -> Result<SessionStatus, InvalidTransition> {
        match self {
            SessionStatus::Scheduled | SessionStatus::InProgress => Ok(SessionStatus::Cancelled),
            other => Err(other.refuse("cancel")),
        }
    }

    /// Record that the agent did not come.
    pub fn no_show(self) -> Result<SessionStatus, InvalidTransition> {
        match self {
            SessionStatus::Scheduled => Ok(SessionStatus::NoShow),
            other => Err(other.refuse("mark as no-show")),
        }
    }

    /// Whether it still occupies its time slot (for double-booking).
    pub fn occupies_slot(self) -> bool {
        matches!(self, SessionStatus::Scheduled | SessionStatus::InProgress)
    }
}

wire_enum!(
    /// Where an action item is. Overdue is derived from the due date, never stored.
    ActionItemStatus {
        /// Not started.
        Pending = "PENDING",
        /// Being worked on.
        InProgress = "IN_PROGRESS",
        /// Done.
        Completed = "COMPLETED",
        /// Dropped.
        Cancelled = "CANCELLED",
    }
);

impl ActionItemStatus {
    /// Moves to `to`: forward, back from done (reopening), and cancelling only from an open
    /// state.
    pub fn transition(self, to: ActionItemStatus) -> Result<ActionItemStatus, InvalidTransition> {
        use ActionItemStatus::*;
        match (self, to) {
            (Pending, InProgress)
            | (Pending | InProgress, Completed)
            | (Completed, Pending | InProgress)
            | (Pending | InProgress, Cancelled) => Ok(to),
            (from, to) => Err(InvalidTransition {
                from: from.as_str(),
                action: match to {
                    Pending => "reopen",
                    InProgress => "start",
                    Completed => "complete",
                    Cancelled => "cancel",
                },
            }),
        }
    }

    /// Whether the item is still open.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ActionItemStatus::Pending | ActionItemStatus::InProgress
        )
    }
}

wire_enum!(
    /// How urgent an action item is.
    Priority {
        Low = "LOW",
        Medium = "MEDIUM",
        High = "HIGH",
    }
);

wire_enum!(
    /// What a quick note is about.
    NoteCategory {
        /// Results and KPIs.
        Performance = "PERFORMANCE",
        /// Conduct.
        Behavior = "BEHAVIOR",
        /// Skills and learning.
        Training = "TRAINING",
        /// Anything else.
        Other = "OTHER",
    }
);

wire_enum!(
    /// Who sees a quick note.
    NoteVisibility {
        /// Its author only.
        Private = "PRIVATE",
        /// Everyone who may see the agent, the agent included.
        Shared = "SHARED",
    }
);

wire_enum!(
    /// Where a performance improvement plan is.
    PlanStatus {
        /// Being written by the coach.
        Draft = "DRAFT",
        /// Submitted to the agent's manager.
        PendingApproval = "PENDING_APPROVAL",
        /// Approved and running.
        Active = "ACTIVE",
        /// Finished, with an outcome.
        Completed = "COMPLETED",
        /// Abandoned, with a reason.
        Cancelled = "CANCELLED",
    }
);

wire_enum!(
    /// How a completed plan ended.
    PlanOutcome {
        /// The agent met the plan.
        Successful = "SUCCESSFUL",
        /// The agent did not.
        Unsuccessful = "UNSUCCESSFUL",
        /// Closed and followed by a longer plan.
        Extended = "EXTENDED",
    }
);

wire_enum!(
    /// How a plan's KPI target compares.
    TargetOperator {
        /// At least the value.
        Gte = "GTE",
        /// At most the value.
        Lte = "LTE",
    }
);

impl PlanStatus {
    fn refuse(self, action: &'static str) -> InvalidTransition {
        InvalidTransition {
            from: self.as_str(),
            action,
        }
    }

    /// `to`, when the plan is `from`; refused otherwise.
    fn step(
        self,
        from: PlanStatus,
        to: PlanStatus,
        action: &'static str,
    ) -> Result<PlanStatus, InvalidTransition> {
        if self == from {
            Ok(to)
        } else {
            Err(self.refuse(action))
        }
    }

    /// Whether the plan's content may still change.
    pub fn editable(self) -> Result<(), InvalidTransition> {
        match self {
            PlanStatus::Draft => Ok(()),
            other => Err(other.refuse("edit")),
        }
    }

    /// Send to the manager.
    pub fn submit(self) -> Result<PlanStatus, InvalidTransition> {
        self.step(PlanStatus::Draft, PlanStatus::PendingApproval, "submit")
    }

    /// The manager approves: the plan runs.
    pub fn approve(self) -> Result<PlanStatus, InvalidTransition> {
        self.step(PlanStatus::PendingApproval, PlanStatus::Active, "approve")
    }

    /// The manager sends it back to draft.
    pub fn reject(self) -> Result<PlanStatus, InvalidTransition> {
        self.step(PlanStatus::PendingApproval, PlanStatus::Draft, "reject")
    }

    /// Close a running plan with an outcome.
    pub fn complete(self) -> Result<PlanStatus, InvalidTransition> {
        self.step(PlanStatus::Active, PlanStatus::Completed, "complete")
    }

    /// Abandon it.
    pub fn cancel(self) -> Result<PlanStatus, InvalidTransition> {
        match self {
            PlanStatus::Draft | PlanStatus::PendingApproval | PlanStatus::Active => {
                Ok(PlanStatus::Cancelled)
            }
            other => Err(other.refuse("cancel")),
        }
    }

    /// The agent acknowledges a running plan.
    pub fn acknowledgeable(self) -> Result<(), InvalidTransition> {
        match self {
            PlanStatus::Active => Ok(()),
            other => Err(other.refuse("acknowledge")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Step = fn(SessionStatus) -> Result<SessionStatus, InvalidTransition>;

    #[test]
    fn every_session_transition_is_decided() {
        use SessionStatus::*;
        let moves: [(&str, Step, &[SessionStatus]); 4] = [
            ("start", SessionStatus::start, &[Scheduled]),
            (
                "complete",
                SessionStatus::complete,
                &[Scheduled, InProgress],
            ),
            ("cancel", SessionStatus::cancel, &[Scheduled, InProgress]),
            ("no_show", SessionStatus::no_show, &[Scheduled]),
        ];
        for (name, step, legal_from) in moves {
            for &from in SessionStatus::ALL {
                let result = step(from);
                assert_eq!(
                    result.is_ok(),
                    legal_from.contains(&from),
                    "{name} from {from}"
                );
                if let Err(err) = result {
                    assert_eq!(err.from, from.as_str());
                }
            }
        }
        for &status in SessionStatus::ALL {
            assert_eq!(
                status.editable().is_ok(),
                matches!(status, Scheduled | InProgress)
            );
        }
    }

    #[test]
    fn every_action_item_transition_is_decided() {
        use ActionItemStatus::*;
        let legal = [
            (Pending, InProgress),
            (Pending, Completed),
            (InProgress, Completed),
            (Completed, Pending),
            (Completed, InProgress),
            (Pending, Cancelled),
            (InProgress, Cancelled),
        ];
        for &from in ActionItemStatus::ALL {
            for &to in ActionItemStatus::ALL {
                assert_eq!(
                    from.transition(to).is_ok(),
                    legal.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn every_plan_transition_is_decided() {
        use PlanStatus::*;
        let moves: [(&str, PlanStep, &[PlanStatus]); 5] = [
            ("submit", PlanStatus::submit, &[Draft]),
            ("approve", PlanStatus::approve, &[PendingApproval]),
            ("reject", PlanStatus::reject, &[PendingApproval]),
            ("complete", PlanStatus::complete, &[Active]),
            (
                "cancel",
                PlanStatus::cancel,
                &[Draft, PendingApproval, Active],
            ),
        ];
        for (name, step, legal_from) in moves {
            for &from in PlanStatus::ALL {
                assert_eq!(
                    step(from).is_ok(),
                    legal_from.contains(&from),
                    "{name} from {from}"
                );
            }
        }
        for &status in PlanStatus::ALL {
            assert_eq!(status.editable().is_ok(), status == Draft);
            assert_eq!(status.acknowledgeable().is_ok(), status == Active);
        }
    }

    type PlanStep = fn(PlanStatus) -> Result<PlanStatus, InvalidTransition>;

    #[test]
    fn wire_names_round_trip() {
        for &status in SessionStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert!("DONE".parse::<ActionItemStatus>().is_err());
    }
}

wire_enum!(
    /// Why someone was notified.
    NotificationKind {
        /// An action item was assigned to them.
        ActionItemAssigned = "ACTION_ITEM_ASSIGNED",
        /// A coaching session was scheduled for them.
        SessionScheduled = "SESSION_SCHEDULED",
        /// Their session was moved, changed or cancelled.
        SessionChanged = "SESSION_CHANGED",
        /// The agent acknowledged the session they coached.
        SessionAcknowledged = "SESSION_ACKNOWLEDGED",
        /// An action plan waits for their approval.
        PlanAwaitingApproval = "PLAN_AWAITING_APPROVAL",
        /// Their approved action plan waits for their acknowledgement.
        PlanAwaitingAcknowledgement = "PLAN_AWAITING_ACKNOWLEDGEMENT",
        /// The plan they drafted was approved (it is active).
        PlanApproved = "PLAN_APPROVED",
        /// The plan they drafted was sent back to draft, with the reason.
        PlanSentBack = "PLAN_SENT_BACK",
        /// A completed session or an active plan still waits for their acknowledgement.
        AcknowledgementReminder = "ACKNOWLEDGEMENT_REMINDER",
        /// A session they take part in starts within a day, or now.
        SessionReminder = "SESSION_REMINDER",
        /// The day's overdue action items: their own, or their team's.
        OverdueDigest = "OVERDUE_DIGEST",
        /// An announcement was published to them.
        Announcement = "ANNOUNCEMENT",
        /// A webhook was turned off after a day of failed deliveries (admins).
        WebhookDisabled = "WEBHOOK_DISABLED",
        /// Too many wrong sign-in codes in an hour: signing in with a code is paused.
        SecondFactorPaused = "SECOND_FACTOR_PAUSED",
        /// An evaluation of one of their interactions was submitted.
        EvaluationSubmitted = "EVALUATION_SUBMITTED",
        /// An evaluation of theirs was changed after submission, or voided.
        EvaluationChanged = "EVALUATION_CHANGED",
        /// The agent acknowledged the evaluation they wrote.
        EvaluationAcknowledged = "EVALUATION_ACKNOWLEDGED",
    }
);
