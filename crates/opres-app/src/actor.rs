//! Who is acting: built once at the edge (a web session, an API token, the command line) and
//! passed to every use case, which checks role and institution scope here, once.

use crate::{AppError, Permission, allows};
use opres_domain::{InstitutionCode, Lang};
use opres_store::{AuditContext, Role, Stored, User, UserScope};

/// How the actor reached opres (recorded on the audit trail, shown as the channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// A signed-in browser session.
    Web,
    /// A personal API token.
    Api {
        /// The token's row id.
        token_id: i64,
        /// The token's name.
        token_name: String,
    },
    /// The command line on the server, run by this operating-system user.
    Cli {
        /// `$USER`, or `unknown`.
        os_user: String,
    },
    /// opres itself (demo data, migrations).
    System,
}

/// The person (or process) behind a use case: role, institution scope, language.
#[derive(Debug, Clone)]
pub struct Actor {
    user_id: Option<i64>,
    username: String,
    display_name: String,
    role: Role,
    scope: UserScope,
    channel: Channel,
    lang: Lang,
    session: Option<String>,
}

impl Actor {
    /// A signed-in user, through the web or an API token.
    pub fn user(user: &Stored<User>, channel: Channel, lang: Lang) -> Actor {
        Actor {
            user_id: Some(user.id),
            username: user.value.username.clone(),
            display_name: user.value.display_name.clone(),
            role: user.value.role,
            scope: user.value.scope.clone(),
            channel,
            lang,
            session: None,
        }
    }

    /// The same actor, acting from this browser session (its id), so that use cases which end the
    /// account's sessions can spare the one the actor is using.
    pub fn in_session(mut self, session_id: impl Into<String>) -> Actor {
        self.session = Some(session_id.into());
        self
    }

    /// The operator at the server's command line: whoever can run the binary against the database
    /// already holds every right over it, so the CLI acts as an administrator of every institution.
    pub fn cli(lang: Lang) -> Actor {
        let os_user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "unknown".into());
        Actor {
            user_id: None,
            username: os_user.clone(),
            display_name: os_user.clone(),
            role: Role::Admin,
            scope: UserScope::All,
            channel: Channel::Cli { os_user },
            lang,
            session: None,
        }
    }

    /// opres itself loading demo data at start-up (`system:demo` on the audit trail).
    pub fn demo(lang: Lang) -> Actor {
        Actor {
            user_id: None,
            username: "demo".into(),
            display_name: "opres".into(),
            role: Role::Admin,
            scope: UserScope::All,
            channel: Channel::System,
            lang,
            session: None,
        }
    }

    /// The account's row id (`None` for the command line and opres itself).
    pub fn user_id(&self) -> Option<i64> {
        self.user_id
    }

    /// The browser session the actor acts from, if known.
    pub fn session_id(&self) -> Option<&str> {
        self.session.as_deref()
    }

    /// The sign-in name (the operating-system user for the command line).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The name shown to people.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The institutions the actor may see.
    pub fn scope(&self) -> &UserScope {
        &self.scope
    }

    /// How the actor reached opres.
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// The language the actor reads.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the role allows this.
    pub fn can(&self, p: Permission) -> bool {
        allows(self.role, p)
    }

    /// `Ok` if the role allows `p`, else [`AppError::Forbidden`].
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.can(p) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Whether the scope includes this institution.
    pub fn sees(&self, code: &InstitutionCode) -> bool {
        self.scope.includes(code)
    }

    /// `Ok` if the scope includes `code`; otherwise the record is reported as not found, so
    /// that a scoped user cannot learn what other institutions hold.
    pub fn require_sees(&self, code: &InstitutionCode, what: crate::error::Noun, key: &str) -> Result<(), AppError> {
        if self.sees(code) { Ok(()) } else { Err(AppError::not_found(what, key)) }
    }

    /// The institutions as a filter (`None`: all).
    pub fn scope_filter(&self) -> Option<&[InstitutionCode]> {
        self.scope.as_filter()
    }

    /// Who this is on the audit trail.
    pub fn audit(&self) -> AuditContext {
        match &self.channel {
            Channel::Web => AuditContext::new(format!("user:{}", self.username)),
            Channel::Api { token_name, .. } => AuditContext::new(format!("token:{}/{token_name}", self.username)),
            Channel::Cli { os_user } => AuditContext::new(format!("cli:{os_user}")),
            Channel::System => AuditContext::new(format!("system:{}", self.username)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> InstitutionCode {
        s.parse().unwrap_or_else(|_| unreachable!("test code"))
    }

    fn scoped(role: Role, codes: &[&str]) -> Actor {
        Actor {
            user_id: Some(7),
            username: "hanako".into(),
            display_name: "Hanako".into(),
            role,
            scope: UserScope::Institutions(codes.iter().map(|c| code(c)).collect()),
            channel: Channel::Web,
            lang: Lang::Ja,
            session: None,
        }
    }

    #[test]
    fn role_and_scope_are_checked_here() {
        let a = scoped(Role::Reporter, &["SAKURA"]);
        assert!(a.require(Permission::CreateIncident).is_ok());
        assert!(matches!(a.require(Permission::Classify), Err(AppError::Forbidden)));
        assert!(a.sees(&code("SAKURA")));
        assert!(matches!(
            a.require_sees(&code("AOIURA"), crate::error::Noun::Incident, "X"),
            Err(AppError::NotFound { .. })
        ));
        assert_eq!(a.audit().actor, "user:hanako");
        let cli = Actor::cli(Lang::En);
        assert!(cli.sees(&code("AOIURA")) && cli.can(Permission::ManageUsers));
        assert!(cli.audit().actor.starts_with("cli:"));
    }
}
