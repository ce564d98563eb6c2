//! Sign-in, roles and API tokens: who may do what to which institution's data.
//!
//! Passwords are kept as argon2id hashes; API tokens as SHA-256 hashes of 256 random bits (a
//! slow hash adds nothing to a secret that cannot be guessed, and every API call checks one).

use crate::Register;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use opres_domain::{InstitutionCode, Lang, PasswordProblem, check_password};
use opres_store::{
    ApiToken, AuditContext, AuditEvent, AuditVerification, Revoke, Role, StoreError, Stored, User, UserScope,
};
use rand::RngExt;
use sha2::{Digest, Sha256};

/// Something a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the register (dashboard, incidents, institutions, systems) within scope.
    ReadRegister,
    /// Register new incidents.
    CreateIncident,
    /// Change incidents, add timeline entries and report submissions.
    EditIncident,
    /// Change an incident's trigger and trends.
    Classify,
    /// Delete incidents.
    DeleteIncident,
    /// Change institutions' details and their systems.
    EditInstitution,
    /// Register and delete institutions.
    ManageInstitutions,
    /// Read the audit trail.
    ReadAudit,
    /// Manage users and roles.
    ManageUsers,
    /// Register and change important business services, tolerances, dependency maps and scenarios.
    EditResilience,
    /// Record and change TLPT programmes: engagements, findings, rollout; import ATT&CK.
    EditTlpt,
    /// Import frameworks, assess against them, and plan remediation actions.
    EditGap,
    /// Approve a gap assessment and the remediation roadmap (management's commitment).
    ApproveGap,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 13] = [
        Permission::ReadRegister,
        Permission::CreateIncident,
        Permission::EditIncident,
        Permission::Classify,
        Permission::DeleteIncident,
        Permission::EditInstitution,
        Permission::ManageInstitutions,
        Permission::ReadAudit,
        Permission::ManageUsers,
        Permission::EditResilience,
        Permission::EditTlpt,
        Permission::EditGap,
        Permission::ApproveGap,
    ];
}

/// Whether `role` has `permission`. The one place the role table lives.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission as P;
    match role {
        Role::Admin => true,
        Role::Analyst => matches!(
            permission,
            P::ReadRegister
                | P::CreateIncident
                | P::EditIncident
                | P::Classify
                | P::DeleteIncident
                | P::EditInstitution
                | P::EditResilience
                | P::EditTlpt
                | P::EditGap
        ),
        Role::Reporter => matches!(permission, P::ReadRegister | P::CreateIncident | P::EditIncident),
        Role::Executive => matches!(permission, P::ReadRegister | P::ApproveGap),
        Role::Auditor => matches!(permission, P::ReadRegister | P::ReadAudit),
    }
}

/// Why sign-in or an account change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Unknown user or wrong password: deliberately not told apart.
    #[error("the user name or password is wrong")]
    InvalidCredentials,
    /// The account is switched off.
    #[error("this account is disabled")]
    Disabled,
    /// The password breaks the password rule ([`opres_domain::password`]): every rule it breaks.
    #[error("the password is refused: {}", weak_summary(.0, Lang::En))]
    WeakPassword(Vec<PasswordProblem>),
    /// The user name has characters that are not allowed.
    #[error("user names are 1–64 letters, digits, '.', '_', '-' or '@'")]
    BadUsername,
    /// A scoped user needs at least one institution.
    #[error("choose at least one institution, or all institutions")]
    EmptyScope,
    /// Hashing failed (should not happen).
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AccessError {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AccessError::InvalidCredentials, Lang::Ja) => "ユーザー名またはパスワードが正しくありません".into(),
            (AccessError::Disabled, Lang::Ja) => "このアカウントは無効です".into(),
            (AccessError::WeakPassword(problems), Lang::Ja) => {
                format!("このパスワードは使えません: {}", weak_summary(problems, Lang::Ja))
            }
            (AccessError::BadUsername, Lang::Ja) => {
                "ユーザー名は 1〜64 文字の英数字と「.」「_」「-」「@」で入力してください".into()
            }
            (AccessError::EmptyScope, Lang::Ja) => "金融機関を1つ以上選ぶか、すべての金融機関を選んでください".into(),
            (AccessError::Hashing(e), Lang::Ja) => format!("パスワードの処理に失敗しました: {e}"),
            (AccessError::Store(e), _) => e.message(lang),
            (e, Lang::En) => e.to_string(),
        }
    }
}

/// Every broken rule in one line, so a form that shows one message still names them all.
fn weak_summary(problems: &[PasswordProblem], lang: Lang) -> String {
    let sep = lang.pick("。", "; ");
    problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join(sep)
}

/// A new account as entered.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name.
    pub username: String,
    /// Shown name (defaults to the user name).
    pub display_name: String,
    /// Initial password.
    pub password: String,
    /// Role.
    pub role: Role,
    /// Institutions.
    pub scope: UserScope,
}

fn check_username(name: &str) -> Result<(), AccessError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok { Ok(()) } else { Err(AccessError::BadUsername) }
}

fn check_scope(scope: &UserScope) -> Result<(), AccessError> {
    match scope {
        UserScope::Institutions(v) if v.is_empty() => Err(AccessError::EmptyScope),
        _ => Ok(()),
    }
}

/// Checks a new password against the password rule for an account with these names (user name,
/// display name), then hashes it with argon2id off the async runtime (it takes tens of
/// milliseconds on purpose). Every password set goes through here, so no path skips the rule.
pub async fn hash_password(password: &str, names: &[&str]) -> Result<String, AccessError> {
    check_password(password, names).map_err(AccessError::WeakPassword)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AccessError::Hashing(e.to_string()))
    })
    .await
    .map_err(|e| AccessError::Hashing(e.to_string()))?
}

/// Checks a password against a stored hash, off the async runtime.
pub async fn password_matches(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok())
        .await
        .unwrap_or(false)
}

/// A hash of a password nobody has, checked when the user does not exist so that an unknown
/// user name takes as long to refuse as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$qLml5cbqFAO6YxVHhrSBHP0UWdxrIxkNcM8aMX3t7Rk";

/// The SHA-256 of an API token, as stored.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

/// Prefix of every API token, so leaked ones are easy to search for.
pub const TOKEN_PREFIX: &str = "opres_";

impl Register {
    /// Creates a user account.
    #[tracing::instrument(skip_all, fields(username = %new.username))]
    pub async fn add_user(&self, new: NewUser, ctx: &AuditContext) -> Result<Stored<User>, AccessError> {
        check_username(&new.username)?;
        check_scope(&new.scope)?;
        let display_name =
            if new.display_name.trim().is_empty() { new.username.clone() } else { new.display_name.trim().to_string() };
        let hash = hash_password(&new.password, &[&new.username, &display_name]).await?;
        let user = User {
            username: new.username,
            display_name,
            role: new.role,
            scope: new.scope,
            lang: None,
            time_zone: Default::default(),
            active: true,
        };
        Ok(self.store().create_user(&user, &hash, ctx).await?)
    }

    /// Changes a user's name, role, scope or state (version-checked). A change that takes rights
    /// away ends the user's sessions in the same transaction (see [`revocation`]), so no browser
    /// keeps working on what the administrator meant to withdraw.
    pub async fn update_user(
        &self,
        id: i64,
        expected_version: i64,
        user: &User,
        ctx: &AuditContext,
    ) -> Result<Stored<User>, AccessError> {
        check_username(&user.username)?;
        check_scope(&user.scope)?;
        // The store applies the change only at `expected_version`, so the account read here is
        // the one the change replaces whenever the change goes through.
        let revoke = match self.store().user_by_id(id).await? {
            Some((before, _)) if before.version == expected_version => revocation(&before.value, user),
            _ => Revoke::NOTHING,
        };
        Ok(self.store().update_user(id, expected_version, user, revoke, ctx).await?)
    }

    /// Sets a new password and ends every session of the account but `keep_session` (the session
    /// of a user who changed their own password), in one transaction.
    pub async fn set_password(
        &self,
        id: i64,
        password: &str,
        keep_session: Option<&str>,
        ctx: &AuditContext,
    ) -> Result<(), AccessError> {
        let (user, _) = self
            .store()
            .user_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "user", key: format!("#{id}") })?;
        let hash = hash_password(password, &[&user.value.username, &user.value.display_name]).await?;
        Ok(self.store().set_password(id, &hash, keep_session, ctx).await?)
    }

    /// Checks a user name and password; records the sign-in (or the failed attempt) on the audit trail.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(&self, username: &str, password: &str, from: &str) -> Result<Stored<User>, AccessError> {
        let username = username.trim();
        let found = self.store().user_by_username(username).await?;
        let hash = found.as_ref().map(|(_, h)| h.as_str()).unwrap_or(DUMMY_HASH);
        let matches = password_matches(password, hash).await;
        let failed = |reason: &str| {
            let mut e = AuditEvent::new("sign_in_failed", "user", username.chars().take(64).collect::<String>());
            e.after = Some(serde_json::json!({ "reason": reason, "from": from }));
            e
        };
        match found {
            Some((user, _)) if matches && user.value.active => {
                let mut e = AuditEvent::new("sign_in", "user", user.value.username.clone());
                e.after = Some(serde_json::json!({ "from": from }));
                self.store().record_event(&AuditContext::new(format!("user:{}", user.value.username)), e).await?;
                Ok(user)
            }
            Some((user, _)) if matches => {
                self.store()
                    .record_event(&AuditContext::new(format!("user:{}", user.value.username)), failed("disabled"))
                    .await?;
                Err(AccessError::Disabled)
            }
            _ => {
                self.store().record_event(&AuditContext::new("anonymous"), failed("invalid_credentials")).await?;
                Err(AccessError::InvalidCredentials)
            }
        }
    }

    /// Creates a personal API token; the secret is returned once and never stored.
    pub async fn create_token(
        &self,
        user: &Stored<User>,
        name: &str,
        ctx: &AuditContext,
    ) -> Result<(ApiToken, String), AccessError> {
        let bytes: [u8; 32] = rand::rng().random();
        let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
        let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
        let name = if name.trim().is_empty() { "token" } else { name.trim() };
        let token = self.store().create_api_token(user.id, name, &prefix, &token_hash(&secret), ctx).await?;
        Ok((token, secret))
    }

    /// The active user behind a token secret, if it is live.
    pub async fn user_for_token(&self, secret: &str) -> Result<Option<(Stored<User>, ApiToken)>, StoreError> {
        if !secret.trim().starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        Ok(self.store().user_by_token_hash(&token_hash(secret)).await?.filter(|(u, _)| u.value.active))
    }

    /// Checks the audit trail's hash chain.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        self.store().verify_audit().await
    }
}

/// What changing an account from `before` to `after` takes away at once.
///
/// - A role that loses any permission, or a scope that no longer covers the old one, ends every
///   session: the holder signs in again under the new rights. Tokens stay, because each API call
///   reads the account's current role and scope anyway.
/// - Disabling the account ends every session and revokes every live API token; enabling it
///   again revokes any token made for it while it was disabled, so that no token from before the
///   account came back works after it. Revoked rather than a "valid after" time on the account:
///   the account page then shows those tokens as revoked, which is the truth, the audit trail
///   records it, and no later change of a timestamp can bring a leaked token back to life; the
///   user makes new tokens once enabled again.
pub fn revocation(before: &User, after: &User) -> Revoke {
    let lost_permission = Permission::ALL.into_iter().any(|p| allows(before.role, p) && !allows(after.role, p));
    let narrower = !after.scope.covers(&before.scope);
    let disabled = before.active && !after.active;
    Revoke { sessions: lost_permission || narrower || disabled, tokens: before.active != after.active }
}

/// Whether `user` may act on `institution`'s data.
pub fn in_scope(user: &User, institution: &InstitutionCode) -> bool {
    user.scope.includes(institution)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users_and_only_auditors_and_admins_read_the_trail() {
        for role in Role::ALL {
            assert_eq!(allows(role, Permission::ManageUsers), role == Role::Admin);
            assert_eq!(allows(role, Permission::ReadAudit), matches!(role, Role::Admin | Role::Auditor));
            assert!(allows(role, Permission::ReadRegister), "{role:?} reads the register");
        }
        for p in Permission::ALL.into_iter().filter(|p| *p != Permission::ReadRegister) {
            // Management's one act is approval (the source's "roadmap under management's commitment").
            assert_eq!(allows(Role::Executive, p), p == Permission::ApproveGap, "executives only approve: {p:?}");
            assert!(!allows(Role::Auditor, p) || p == Permission::ReadAudit, "auditors change nothing: {p:?}");
        }
        assert!(allows(Role::Reporter, Permission::EditIncident) && !allows(Role::Reporter, Permission::Classify));
        assert!(allows(Role::Analyst, Permission::Classify) && !allows(Role::Analyst, Permission::ManageUsers));
    }

    #[test]
    fn user_names_are_checked() {
        assert!(check_username("hanako.yamada@bank-a").is_ok());
        assert!(check_username("").is_err());
        assert!(check_username("花子").is_err());
        assert!(check_username("a b").is_err());
    }

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        match hash_password("short", &[]).await {
            Err(AccessError::WeakPassword(p)) => assert_eq!(p, [PasswordProblem::TooShort { chars: 5 }]),
            other => panic!("{other:?}"),
        }
        let e = hash_password("hanako1234", &["hanako", "Hanako"]).await.unwrap_err();
        assert!(matches!(&e, AccessError::WeakPassword(p) if p.len() == 3), "every rule at once: {e:?}");
        assert!(e.message(Lang::Ja).contains("ユーザー名") && e.message(Lang::En).contains("user name"));
        let h = hash_password("correct horse battery", &[]).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &h).await);
        assert!(!password_matches("correct horse battery!", &h).await);
        // The dummy hash parses, so refusing an unknown user costs a real verification.
        assert!(!password_matches("anything at all", DUMMY_HASH).await);
        assert_eq!(token_hash("opres_x"), token_hash(" opres_x "));
    }
}
