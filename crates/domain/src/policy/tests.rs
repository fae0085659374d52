//! The full role x action x relation matrix, written out as the product's rules in words.

use super::*;
use uuid::Uuid;

/// Who may do what: `A` admin, `M` manager, `TL` team leader, `QA` quality analyst, `Ag` agent;
/// after the colon the relations under which it is allowed (`*` any, `own`, `author`, `led`,
/// `managed`, `evaluated`, `global`, `!own` any but own).
const MATRIX: &[(Action, &str)] = &[
    (
        Action::ViewUser,
        "A:* M:own,managed TL:own,led QA:own,evaluated Ag:own",
    ),
    (Action::CreateUser, "A:*"),
    (Action::CreateAgent, "A:* M:managed"),
    (
        Action::UpdateProfile,
        "A:* M:own,managed TL:own QA:own Ag:own",
    ),
    (Action::UpdateEmployment, "A:* M:managed"),
    (Action::AssignTeam, "A:* M:managed"),
    (Action::ChangeRole, "A:!own"),
    (Action::DeactivateUser, "A:!own"),
    (Action::ResetPassword, "A:!own"),
    (Action::ViewTeam, "A:* M:managed TL:led QA:evaluated"),
    (Action::CreateTeam, "A:*"),
    (Action::UpdateTeam, "A:*"),
    (Action::SetTeamMembers, "A:* M:managed"),
    (
        Action::ViewSession,
        "A:* M:own,managed TL:own,led QA:own Ag:own",
    ),
    (Action::ManageSession, "A:* M:managed TL:led"),
    (Action::AcknowledgeSession, "Ag:own"),
    (
        Action::ViewActionItem,
        "A:* M:own,managed TL:own,led QA:own Ag:own",
    ),
    (Action::CreateActionItem, "A:* M:managed TL:led"),
    (
        Action::ProgressActionItem,
        "A:* M:own,managed TL:own,led QA:own Ag:own",
    ),
    (Action::ManageActionItem, "A:* M:managed TL:led"),
    (
        Action::ViewActionPlan,
        "A:* M:own,managed TL:own,led QA:own Ag:own",
    ),
    (Action::DraftActionPlan, "A:* M:managed TL:led"),
    (Action::ApproveActionPlan, "A:* M:managed"),
    (Action::AcknowledgeActionPlan, "Ag:own"),
    (
        Action::ViewNote,
        "A:* M:own,author,managed TL:own,author,led QA:own,author Ag:own,author",
    ),
    (Action::CreateNote, "A:* M:managed TL:led"),
    (
        Action::EditNote,
        "A:* M:author TL:author QA:author Ag:author",
    ),
    (
        Action::ViewMetrics,
        "A:* M:own,managed TL:own,led QA:own,evaluated Ag:own",
    ),
    (Action::WriteMetrics, "A:* M:managed TL:led"),
    (Action::ImportMetrics, "A:* M:*"),
    (Action::ViewImportJob, "A:* M:own TL:own QA:own Ag:own"),
    (Action::ConfigureScorecard, "A:*"),
    (Action::ViewAudit, "A:*"),
    (Action::ConfigureSignIn, "A:*"),
    (Action::ManageWebhooks, "A:*"),
    (Action::Announce, "A:* M:*"),
    (Action::ExportUserData, "A:* M:own TL:own QA:own Ag:own"),
    (Action::EraseUser, "A:!own"),
    (
        Action::ViewSessionTemplate,
        "A:* M:managed,global TL:led,global",
    ),
    (Action::ManageSessionTemplate, "A:* M:managed TL:led"),
    (
        Action::ViewEvaluationForm,
        "A:* M:managed,global TL:led,global QA:evaluated,global",
    ),
    (Action::ManageEvaluationForms, "A:*"),
    (
        Action::ViewEvaluation,
        "A:* M:own,author,managed TL:own,author,led QA:own,author,evaluated Ag:own,author",
    ),
    (Action::Evaluate, "A:* M:managed TL:led QA:evaluated"),
    (
        Action::EditEvaluation,
        "A:* M:author TL:author QA:author Ag:author",
    ),
    (Action::AcknowledgeEvaluation, "Ag:own"),
    (Action::VoidEvaluation, "A:*"),
];

fn role_code(role: Role) -> &'static str {
    match role {
        Role::Admin => "A",
        Role::Manager => "M",
        Role::TeamLeader => "TL",
        Role::QualityAnalyst => "QA",
        Role::Agent => "Ag",
    }
}

fn relation_code(relation: Relation) -> &'static str {
    match relation {
        Relation::Own => "own",
        Relation::Author => "author",
        Relation::LedTeam => "led",
        Relation::ManagedTeam => "managed",
        Relation::EvaluatedTeam => "evaluated",
        Relation::Unrelated => "unrelated",
        Relation::Global => "global",
    }
}

fn expected(spec: &str, role: Role, relation: Relation) -> bool {
    let Some(grant) = spec
        .split_whitespace()
        .find_map(|part| part.strip_prefix(role_code(role))?.strip_prefix(':'))
    else {
        return false;
    };
    grant.split(',').any(|rel| match rel {
        "*" => true,
        "!own" => relation != Relation::Own,
        code => code == relation_code(relation),
    })
}

#[test]
fn the_matrix_names_every_action_once() {
    for action in Action::ALL {
        let rows = MATRIX.iter().filter(|(a, _)| a == action).count();
        assert_eq!(rows, 1, "{action:?} has {rows} rows in MATRIX");
    }
}

#[test]
fn the_rule_table_matches_the_matrix_in_every_cell() {
    let mut wrong = Vec::new();
    for (action, spec) in MATRIX {
        for role in Role::ALL {
            for relation in Relation::ALL {
                let want = expected(spec, role, relation);
                if permits(role, *action, relation) != want {
                    wrong.push(format!("{action:?} {role:?} {relation:?}: want {want}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "cells that disagree:\n{}",
        wrong.join("\n")
    );
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn actor(role: Role, led: &[u128], managed: &[u128]) -> Actor {
    Actor {
        id: UserId(id(1)),
        role,
        led_teams: led.iter().map(|&t| TeamId(id(t))).collect(),
        managed_teams: managed.iter().map(|&t| TeamId(id(t))).collect(),
        evaluated_teams: Vec::new(),
        grants: None,
    }
}

fn analyst(evaluated: &[u128]) -> Actor {
    Actor {
        evaluated_teams: evaluated.iter().map(|&t| TeamId(id(t))).collect(),
        ..actor(Role::QualityAnalyst, &[], &[])
    }
}

fn note(agent: u128, team: u128, author: u128, private: bool) -> Target {
    Target::AgentRecord {
        agent: UserId(id(agent)),
        team: Some(TeamId(id(team))),
        author: Some(UserId(id(author))),
        private,
    }
}

#[test]
fn relation_is_derived_from_ids_and_team_scope() {
    let leader = actor(Role::TeamLeader, &[10], &[]);
    let manager = actor(Role::Manager, &[], &[10, 11]);
    let own_record = note(1, 10, 2, false);
    let team_record = note(5, 10, 2, false);
    let other_team = note(5, 12, 2, false);
    let teamless = Target::AgentRecord {
        agent: UserId(id(5)),
        team: None,
        author: None,
        private: false,
    };
    assert_eq!(relation(&leader, &own_record), Relation::Own);
    assert_eq!(relation(&leader, &team_record), Relation::LedTeam);
    assert_eq!(relation(&manager, &team_record), Relation::ManagedTeam);
    assert_eq!(relation(&leader, &other_team), Relation::Unrelated);
    assert_eq!(relation(&manager, &teamless), Relation::Unrelated);
    assert_eq!(relation(&leader, &note(5, 12, 1, false)), Relation::Author);
    assert_eq!(relation(&leader, &Target::Global), Relation::Global);
    assert_eq!(
        relation(&manager, &Target::Team { id: TeamId(id(11)) }),
        Relation::ManagedTeam
    );
    let leader_of_two = Target::User {
        id: UserId(id(7)),
        teams: vec![TeamId(id(12)), TeamId(id(11))],
    };
    assert_eq!(relation(&manager, &leader_of_two), Relation::ManagedTeam);
    assert_eq!(relation(&leader, &leader_of_two), Relation::Unrelated);
}

#[test]
fn an_analyst_sees_the_people_and_scores_of_their_teams_and_no_coaching_record() {
    let analyst = analyst(&[10]);
    let agent_of_theirs = Target::about_agent(UserId(id(5)), Some(TeamId(id(10))));
    let agent_of_another = Target::about_agent(UserId(id(6)), Some(TeamId(id(11))));
    assert_eq!(
        relation(&analyst, &agent_of_theirs),
        Relation::EvaluatedTeam
    );
    assert_eq!(relation(&analyst, &agent_of_another), Relation::Unrelated);
    assert!(analyst.can(Action::ViewMetrics, &agent_of_theirs));
    assert!(!analyst.can(Action::ViewMetrics, &agent_of_another));
    assert!(analyst.can(Action::ViewTeam, &Target::Team { id: TeamId(id(10)) }));
    for action in [
        Action::ViewSession,
        Action::ViewActionItem,
        Action::ViewActionPlan,
        Action::ViewNote,
        Action::WriteMetrics,
        Action::CreateNote,
    ] {
        assert!(!analyst.can(action, &agent_of_theirs), "{action:?}");
    }
    // Leading or managing a team outranks evaluating it.
    let leader_and_analyst = Actor {
        evaluated_teams: vec![TeamId(id(10))],
        ..actor(Role::TeamLeader, &[10], &[])
    };
    assert_eq!(
        relation(&leader_and_analyst, &agent_of_theirs),
        Relation::LedTeam
    );
}

#[test]
fn a_draft_evaluation_is_its_evaluators_alone_and_only_they_or_an_admin_change_it() {
    let evaluation = |evaluator: u128, draft: bool| Target::AgentRecord {
        agent: UserId(id(5)),
        team: Some(TeamId(id(10))),
        author: Some(UserId(id(evaluator))),
        private: draft,
    };
    let analyst = analyst(&[10]);
    let leader = actor(Role::TeamLeader, &[10], &[]);
    let admin = actor(Role::Admin, &[], &[]);
    let agent = Actor {
        id: UserId(id(5)),
        ..actor(Role::Agent, &[], &[])
    };
    // Actor 1 (every helper's id) wrote `mine`; someone else wrote `theirs`.
    let (mine, theirs) = (evaluation(1, true), evaluation(2, true));
    assert!(analyst.can(Action::ViewEvaluation, &mine));
    assert!(analyst.can(Action::EditEvaluation, &mine));
    for who in [&leader, &admin, &agent] {
        assert!(!who.can(Action::ViewEvaluation, &theirs), "{:?}", who.role);
    }
    let submitted = evaluation(2, false);
    for who in [&analyst, &leader, &admin, &agent] {
        assert!(
            who.can(Action::ViewEvaluation, &submitted),
            "{:?}",
            who.role
        );
    }
    assert!(admin.can(Action::EditEvaluation, &submitted));
    assert!(!leader.can(Action::EditEvaluation, &submitted));
    assert!(agent.can(Action::AcknowledgeEvaluation, &submitted));
    assert!(!agent.can(Action::Evaluate, &Target::about_agent(agent.id, None)));
}

#[test]
fn a_private_note_is_its_authors_alone_whatever_the_role() {
    let admin = actor(Role::Admin, &[], &[]);
    let leader = actor(Role::TeamLeader, &[10], &[]);
    let someone_elses = note(5, 10, 2, true);
    let mine = note(5, 10, 1, true);
    for action in [Action::ViewNote, Action::EditNote] {
        assert!(authorize(&admin, action, &someone_elses).is_err());
        assert!(authorize(&leader, action, &someone_elses).is_err());
        assert!(authorize(&leader, action, &mine).is_ok());
    }
    let agent = Actor {
        id: UserId(id(5)),
        ..actor(Role::Agent, &[], &[])
    };
    assert!(!agent.can(Action::ViewNote, &someone_elses));
    assert!(agent.can(Action::ViewNote, &note(5, 10, 2, false)));
}

#[test]
fn a_leader_cannot_reach_another_teams_agent() {
    let leader = actor(Role::TeamLeader, &[10], &[]);
    let other = Target::User {
        id: UserId(id(9)),
        teams: vec![TeamId(id(11))],
    };
    let denied = authorize(&leader, Action::ViewUser, &other);
    assert_eq!(
        denied,
        Err(Denied {
            action: Action::ViewUser,
            role: Role::TeamLeader
        })
    );
}

#[test]
fn a_token_narrows_its_owner_to_its_grants() {
    let agent_record = Target::about_agent(UserId(id(9)), Some(TeamId(id(10))));
    let leader = actor(Role::TeamLeader, &[10], &[]);
    let read_only = Actor {
        grants: Some(vec![crate::Grant::Read]),
        ..leader.clone()
    };
    assert!(read_only.can(Action::ViewSession, &agent_record));
    assert!(!read_only.can(Action::ManageSession, &agent_record));
    // `write` reads what it changes.
    let write_only = Actor {
        grants: Some(vec![crate::Grant::Write]),
        ..leader.clone()
    };
    assert!(write_only.can(Action::ManageSession, &agent_record));
    assert!(write_only.can(Action::ViewSession, &agent_record));
    assert!(!write_only.can(Action::ViewAudit, &Target::Global));
    let importer = Actor {
        grants: Some(vec![crate::Grant::MetricsImport]),
        ..actor(Role::Manager, &[], &[10])
    };
    assert!(importer.can(Action::ImportMetrics, &Target::Global));
    assert!(importer.can(Action::WriteMetrics, &agent_record));
    assert!(!importer.can(Action::ViewSession, &agent_record));
    assert!(!importer.can(Action::CreateNote, &agent_record));
    // A scope adds nothing the role lacks: an admin scope on a leader's token creates no team.
    let over_scoped = Actor {
        grants: Some(crate::Grant::ALL.to_vec()),
        ..leader
    };
    assert!(!over_scoped.can(Action::CreateTeam, &Target::Global));
    let admin_reader = Actor {
        grants: Some(vec![crate::Grant::Read]),
        ..actor(Role::Admin, &[], &[])
    };
    assert!(!admin_reader.can(Action::ViewAudit, &Target::Global));
    assert!(!admin_reader.can(Action::CreateTeam, &Target::Global));
}
