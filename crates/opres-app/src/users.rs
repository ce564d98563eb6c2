//! Users, roles and tokens as the front ends manage them, the actor's own account, sessions,
//! and the audit trail: each use case checks the actor's role and scope here.
//!
//! An administrator scoped to some institutions sees and manages only users inside that scope,
//! and cannot give anyone a scope beyond their own.

use crate::access::{NewUser, password_matches};
use crate::{Actor, AppError, Message, Noun, Permission, Register};
use opres_domain::{Lang, Problem};
use opres_store::{
    ApiToken, AuditEvent, AuditPage, AuditQuery, AuditVerification, DisplayZone, Role, Stored, User, UserScope,
};

/// What an administrator changes about an account (`None`: leave as it is).
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// The name shown (blank: unchanged).
    pub display_name: Option<String>,
    /// The role.
    pub role: Option<Role>,
    /// The institutions.
    pub scope: Option<UserScope>,
    /// Whether the account may sign in.
    pub active: Option<bool>,
}

/// Which part of the audit trail to read.
#[derive(Debug, Clone, Default)]
pub struct AuditRequest {
    /// Only this kind of object (`incident`, `user`, …).
    pub kind: Option<String>,
    /// Only this object (a reference, a code, a user name).
    pub key: Option<String>,
    /// 1-based page of 50 entries, newest first.
    pub page: u64,
}

/// Entries per page of the audit trail.
pub const AUDIT_PAGE: u32 = 50;

/// Only an actor who sees every institution sees the whole hash chain, so only they can check it.
pub fn can_verify_audit(actor: &Actor) -> bool {
    actor.can(Permission::ReadAudit) && actor.scope_filter().is_none()
}

fn beyond_scope() -> AppError {
    AppError::invalid_field("institutions", Problem::UnknownReference { value: "scope".into() })
}

impl Register {
    /// The accounts the actor manages (those inside their scope).
    pub async fn users(&self, actor: &Actor) -> Result<Vec<Stored<User>>, AppError> {
        actor.require(Permission::ManageUsers)?;
        let all = self.store.list_users().await?;
        Ok(all.into_iter().filter(|u| actor.scope().covers(&u.value.scope)).collect())
    }

    /// One account the actor manages, by row id.
    pub async fn user(&self, actor: &Actor, id: i64) -> Result<Stored<User>, AppError> {
        actor.require(Permission::ManageUsers)?;
        match self.store.user_by_id(id).await? {
            Some((u, _)) if actor.scope().covers(&u.value.scope) => Ok(u),
            _ => Err(AppError::not_found(Noun::User, format!("#{id}"))),
        }
    }

    /// One account the actor manages, by user name.
    pub async fn user_named(&self, actor: &Actor, username: &str) -> Result<Stored<User>, AppError> {
        actor.require(Permission::ManageUsers)?;
        match self.store.user_by_username(username).await? {
            Some((u, _)) if actor.scope().covers(&u.value.scope) => Ok(u),
            _ => Err(AppError::not_found(Noun::User, username)),
        }
    }

    /// Creates an account with a scope inside the actor's own.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<Stored<User>, AppError> {
        actor.require(Permission::ManageUsers)?;
        if !actor.scope().covers(&new.scope) {
            return Err(beyond_scope());
        }
        Ok(self.add_user(new, &actor.audit()).await?)
    }

    /// Changes an account's name, role, scope or state, if it is still at `version`. An
    /// administrator cannot disable themselves or give up their own administrator role.
    pub async fn change_user(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        change: UserChange,
    ) -> Result<Stored<User>, AppError> {
        let current = self.user(actor, id).await?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut user = current.value;
        if let Some(name) = change.display_name.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()) {
            user.display_name = name;
        }
        if let Some(role) = change.role {
            user.role = role;
        }
        if let Some(scope) = change.scope {
            if !actor.scope().covers(&scope) {
                return Err(beyond_scope());
            }
            user.scope = scope;
        }
        if let Some(active) = change.active {
            user.active = active;
        }
        if actor.user_id() == Some(id) && (!user.active || user.role != Role::Admin) {
            return Err(AppError::Refused {
                kind: "not_self",
                message: Message::new(
                    "自分自身を無効にしたり、管理者の役割を外したりすることはできません",
                    "You cannot disable your own account or give up your own administrator role",
                ),
            });
        }
        Ok(self.update_user(id, version, &user, &actor.audit()).await?)
    }

    /// Sets a new password on an account the actor manages.
    pub async fn reset_password(&self, actor: &Actor, id: i64, password: &str) -> Result<(), AppError> {
        self.user(actor, id).await?;
        // An administrator resetting their own password keeps the session they did it from.
        let keep = if actor.user_id() == Some(id) { actor.session_id() } else { None };
        Ok(self.set_password(id, password, keep, &actor.audit()).await?)
    }

    /// A personal API token for an account the actor manages; the secret is returned once.
    pub async fn create_token_for(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
    ) -> Result<(ApiToken, String), AppError> {
        let user = self.user_named(actor, username).await?;
        Ok(self.create_token(&user, name, &actor.audit()).await?)
    }

    /// The actor's own account (signed-in users only).
    async fn me(&self, actor: &Actor) -> Result<(Stored<User>, String), AppError> {
        let id = actor.user_id().ok_or(AppError::Forbidden)?;
        self.store.user_by_id(id).await?.ok_or_else(|| AppError::not_found(Noun::User, actor.username()))
    }

    /// The active account behind a browser session's user id, if there still is one.
    pub async fn session_user(&self, id: i64) -> Result<Option<Stored<User>>, AppError> {
        Ok(self.store.user_by_id(id).await?.map(|(u, _)| u).filter(|u| u.value.active))
    }

    /// Changes the actor's own password: the current one must match and the new one be typed twice.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        let (user, hash) = self.me(actor).await?;
        if !password_matches(current, &hash).await {
            return Err(AppError::Refused {
                kind: "wrong_password",
                message: Message::new("現在のパスワードが正しくありません", "The current password is wrong"),
            });
        }
        if new != confirm {
            return Err(AppError::invalid(vec![crate::Located {
                field: Some("confirm".into()),
                kind: "mismatch".into(),
                message: Message::new("新しいパスワードが一致しません", "The new passwords do not match"),
            }]));
        }
        // Every other session of the account ends; the one the change was made from goes on.
        Ok(self.set_password(user.id, new, actor.session_id(), &actor.audit()).await?)
    }

    /// The actor's own API tokens (revoked ones included).
    pub async fn own_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
        let id = actor.user_id().ok_or(AppError::Forbidden)?;
        Ok(self.store.list_api_tokens(id).await?)
    }

    /// A new personal API token for the actor; the secret is returned once and never stored.
    pub async fn create_own_token(&self, actor: &Actor, name: &str) -> Result<(ApiToken, String), AppError> {
        let (user, _) = self.me(actor).await?;
        let name: String = name.trim().chars().take(64).collect();
        Ok(self.create_token(&user, &name, &actor.audit()).await?)
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_own_token(&self, actor: &Actor, token_id: i64) -> Result<(), AppError> {
        let id = actor.user_id().ok_or(AppError::Forbidden)?;
        Ok(self.store.revoke_api_token(id, token_id, &actor.audit()).await?)
    }

    /// Remembers the actor's language (`None`: from the browser) and time zone.
    pub async fn set_own_preferences(
        &self,
        actor: &Actor,
        lang: Option<Lang>,
        zone: DisplayZone,
    ) -> Result<(), AppError> {
        let id = actor.user_id().ok_or(AppError::Forbidden)?;
        Ok(self.store.set_preferences(id, lang, zone).await?)
    }

    /// Records that the actor signed out.
    pub async fn sign_out(&self, actor: &Actor) -> Result<(), AppError> {
        let event = AuditEvent::new("sign_out", "user", actor.username().to_string());
        self.store.record_event(&actor.audit(), event).await?;
        Ok(())
    }

    /// A page of the audit trail, newest first, within the actor's scope.
    pub async fn audit_trail(&self, actor: &Actor, request: &AuditRequest) -> Result<AuditPage, AppError> {
        actor.require(Permission::ReadAudit)?;
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let query = AuditQuery {
            institutions: actor.scope_filter().map(<[_]>::to_vec),
            object_kind: blank(&request.kind),
            object_key: blank(&request.key),
            limit: AUDIT_PAGE,
            offset: request.page.max(1).saturating_sub(1).saturating_mul(u64::from(AUDIT_PAGE)),
        };
        Ok(self.store.list_audit(&query).await?)
    }

    /// Checks the audit trail's hash chain (auditors and administrators of every institution).
    pub async fn verify_audit_trail(&self, actor: &Actor) -> Result<AuditVerification, AppError> {
        if !can_verify_audit(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.verify_audit().await?)
    }

    /// The latest changes to incidents the actor sees (the dashboard's "recent changes").
    pub async fn recent_incident_changes(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> Result<Vec<opres_store::AuditEntry>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let query = AuditQuery {
            institutions: actor.scope_filter().map(<[_]>::to_vec),
            object_kind: Some("incident".into()),
            limit,
            ..Default::default()
        };
        Ok(self.store.list_audit(&query).await?.items)
    }
}
