//! The persona organisation: two teams, each with a manager, a team leader and agents, plus an
//! admin, an agent in no team and a quality analyst of team A. Tests speak as these people, never with raw tokens.

use domain::{Role, TeamId, UserId};
use persistence::audit::Origin;
use persistence::users::{self, NewUser};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::TestApp;

/// Every persona's password.
pub const PASSWORD: &str = "persona-password-1";

static HASH: OnceCell<String> = OnceCell::const_new();

async fn password_hash() -> String {
    HASH.get_or_init(|| async {
        server::auth::password::Passwords::new()
            .hash(PASSWORD.to_owned())
            .await
            .expect("hashing works")
    })
    .await
    .clone()
}

/// A signed-in person.
#[derive(Clone, Debug)]
pub struct Persona {
    /// Their user id.
    pub id: Uuid,
    /// Their email.
    pub email: String,
    /// Their role.
    pub role: Role,
    /// A bearer access token.
    pub token: String,
    /// Their refresh token.
    pub refresh_token: String,
}

/// Two teams and their people.
#[derive(Clone, Debug)]
pub struct Org {
    pub admin: Persona,
    /// Manages team A.
    pub manager_a: Persona,
    /// Manages team B.
    pub manager_b: Persona,
    /// Leads team A.
    pub leader_a: Persona,
    /// Leads team B.
    pub leader_b: Persona,
    /// Agents of team A.
    pub agent_a1: Persona,
    /// Agents of team A.
    pub agent_a2: Persona,
    /// An agent of team B.
    pub agent_b1: Persona,
    /// An agent in no team.
    pub loner: Persona,
    /// Evaluates team A's agents.
    pub analyst_a: Persona,
    pub team_a: Uuid,
    pub team_b: Uuid,
}

impl Org {
    /// Everyone, with a label for reports.
    pub fn everyone(&self) -> Vec<(&'static str, &Persona)> {
        vec![
            ("admin", &self.admin),
            ("manager_a", &self.manager_a),
            ("manager_b", &self.manager_b),
            ("leader_a", &self.leader_a),
            ("leader_b", &self.leader_b),
            ("agent_a1", &self.agent_a1),
            ("agent_a2", &self.agent_a2),
            ("agent_b1", &self.agent_b1),
            ("loner", &self.loner),
            ("analyst_a", &self.analyst_a),
        ]
    }
}

impl TestApp {
    /// Creates a user directly in the database (password: [`PASSWORD`]).
    pub async fn create_user(&self, name: &str, role: Role, team: Option<Uuid>) -> Uuid {
        let email = format!("{}@org.test", name.to_lowercase().replace(' ', "."));
        users::create(
            self.db(),
            &persistence::Caller::operator(),
            NewUser {
                email,
                name: name.to_owned(),
                role,
                password_hash: Some(password_hash().await),
                temporary: false,
                team_id: team.map(TeamId),
                evaluated_team_ids: Vec::new(),
                employee_id: None,
                department: None,
            },
        )
        .await
        .expect("the persona is created")
        .user
        .id
        .uuid()
    }

    /// Signs a user in over HTTP.
    pub async fn persona(&self, id: Uuid) -> Persona {
        let user = users::find(self.db(), UserId(id))
            .await
            .expect("the user exists")
            .user;
        let answer = self.login(&user.email, PASSWORD).await.ok(200);
        let body: dto::LoginResponse = serde_json::from_value(answer).expect("a login response");
        Persona {
            id,
            email: user.email,
            role: body.user.role,
            token: body.tokens.access_token,
            refresh_token: body.tokens.refresh_token,
        }
    }

    /// Seeds the persona organisation and signs everyone in.
    pub async fn seed_org(&self) -> Org {
        let admin = self.create_user("Admin Persona", Role::Admin, None).await;
        let manager_a = self.create_user("Manager A", Role::Manager, None).await;
        let manager_b = self.create_user("Manager B", Role::Manager, None).await;
        let leader_a = self.create_user("Leader A", Role::TeamLeader, None).await;
        let leader_b = self.create_user("Leader B", Role::TeamLeader, None).await;
        let analyst_a = self
            .create_user("Analyst A", Role::QualityAnalyst, None)
            .await;
        let team_a = persistence::teams::create(
            self.db(),
            &Origin::default(),
            "Team A",
            UserId(leader_a),
            Some(UserId(manager_a)),
            &[UserId(analyst_a)],
        )
        .await
        .expect("team A")
        .team
        .id
        .uuid();
        let team_b = persistence::teams::create(
            self.db(),
            &Origin::default(),
            "Team B",
            UserId(leader_b),
            Some(UserId(manager_b)),
            &[],
        )
        .await
        .expect("team B")
        .team
        .id
        .uuid();
        let agent_a1 = self
            .create_user("Agent A1", Role::Agent, Some(team_a))
            .await;
        let agent_a2 = self
            .create_user("Agent A2", Role::Agent, Some(team_a))
            .await;
        let agent_b1 = self
            .create_user("Agent B1", Role::Agent, Some(team_b))
            .await;
        let loner = self.create_user("Loner Agent", Role::Agent, None).await;
        Org {
            admin: self.persona(admin).await,
            manager_a: self.persona(manager_a).await,
            manager_b: self.persona(manager_b).await,
            leader_a: self.persona(leader_a).await,
            leader_b: self.persona(leader_b).await,
            agent_a1: self.persona(agent_a1).await,
            agent_a2: self.persona(agent_a2).await,
            agent_b1: self.persona(agent_b1).await,
            loner: self.persona(loner).await,
            analyst_a: self.persona(analyst_a).await,
            team_a,
            team_b,
        }
    }
}
