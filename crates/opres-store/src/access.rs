//! Who may use the register, and the audit trail of what everyone did.
//!
//! Users hold one role and a scope of institutions. Every change the store makes is appended to
//! the audit trail in the same transaction as the change itself; each entry holds the SHA-256 of
//! the entry before it, so [`crate::Store::verify_audit`] finds an edited, deleted or reordered
//! entry and names the first one that does not fit.

use chrono::{DateTime, SecondsFormat, Utc};
use opres_domain::{InstitutionCode, Lang};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a user may do; see `opres_app::access` for the permissions of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users, roles and institutions; can do everything.
    Admin,
    /// Edits all of their institutions' data and classifications.
    Analyst,
    /// Creates and updates their own institution's incidents.
    Reporter,
    /// Reads dashboards and reports.
    Executive,
    /// Reads everything, including the audit trail; changes nothing.
    Auditor,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Analyst, Role::Reporter, Role::Executive, Role::Auditor];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Reporter => "reporter",
            Role::Executive => "executive",
            Role::Auditor => "auditor",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// The name people read.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("管理者", "Administrator"),
            Role::Analyst => lang.pick("リスク分析担当", "Risk analyst"),
            Role::Reporter => lang.pick("報告担当", "Reporter"),
            Role::Executive => lang.pick("経営層", "Executive"),
            Role::Auditor => lang.pick("監査担当", "Auditor"),
        }
    }
}

/// Which institutions' data a user sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserScope {
    /// Every institution (a supervisor's staff, a single-institution deployment's admin).
    All,
    /// Only these.
    Institutions(Vec<InstitutionCode>),
}

impl UserScope {
    /// Whether the scope includes this institution.
    pub fn includes(&self, code: &InstitutionCode) -> bool {
        match self {
            UserScope::All => true,
            UserScope::Institutions(codes) => codes.contains(code),
        }
    }

    /// The institutions as a filter: `None` means all.
    pub fn as_filter(&self) -> Option<&[InstitutionCode]> {
        match self {
            UserScope::All => None,
            UserScope::Institutions(codes) => Some(codes),
        }
    }

    /// Whether everything `other` covers is inside this scope.
    pub fn covers(&self, other: &UserScope) -> bool {
        match (self, other) {
            (UserScope::All, _) => true,
            (UserScope::Institutions(_), UserScope::All) => false,
            (UserScope::Institutions(mine), UserScope::Institutions(theirs)) => theirs.iter().all(|c| mine.contains(c)),
        }
    }
}

/// The time zone dates are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayZone {
    /// Japan Standard Time (the default).
    #[default]
    Jst,
    /// UTC.
    Utc,
}

impl DisplayZone {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            DisplayZone::Jst => "jst",
            DisplayZone::Utc => "utc",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<DisplayZone> {
        match code.trim() {
            "jst" => Some(DisplayZone::Jst),
            "utc" => Some(DisplayZone::Utc),
            _ => None,
        }
    }
}

/// A user account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Sign-in name, unique.
    pub username: String,
    /// Name shown in pages and the audit trail.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// Which institutions the user sees.
    pub scope: UserScope,
    /// Remembered language; `None`: from the browser.
    pub lang: Option<Lang>,
    /// Time zone for dates.
    pub time_zone: DisplayZone,
    /// Whether the user may sign in.
    pub active: bool,
}

/// A personal API token (the secret itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// What the owner called it.
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What a change to an account takes away from the account's holder at once, in the change's own
/// transaction. `opres_app` decides when (a lower role, a narrower scope, a disabled account); the
/// store only carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Revoke {
    /// End every browser session of the account.
    pub sessions: bool,
    /// Revoke every live API token of the account. Revoked, not suspended: a token does not come
    /// back when the account is enabled again.
    pub tokens: bool,
}

impl Revoke {
    /// Takes nothing away.
    pub const NOTHING: Revoke = Revoke { sessions: false, tokens: false };
}

/// Who is making a change, for the audit trail; every store write takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    /// `user:alice`, `token:alice/ci`, `cli:root`, `system`.
    pub actor: String,
}

impl AuditContext {
    /// A change made by `actor`.
    pub fn new(actor: impl Into<String>) -> AuditContext {
        AuditContext { actor: actor.into() }
    }

    /// A change made by opres itself (migrations, demo data).
    pub fn system() -> AuditContext {
        AuditContext::new("system")
    }
}

/// One change to be appended to the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// `create`, `update`, `delete`, `sign_in`, `sign_in_failed`, `sign_out`, `role_change`, `import`, …
    pub action: String,
    /// `incident`, `institution`, `system`, `user`, `api_token`, `register`.
    pub object_kind: String,
    /// The object's key (reference, code, username, …).
    pub object_key: String,
    /// The institution the object belongs to, so scoped auditors see it.
    pub institution: Option<String>,
    /// The value before, as JSON.
    pub before: Option<serde_json::Value>,
    /// The value after, as JSON.
    pub after: Option<serde_json::Value>,
}

impl AuditEvent {
    /// An event without values.
    pub fn new(action: &str, object_kind: &str, object_key: impl Into<String>) -> AuditEvent {
        AuditEvent {
            action: action.into(),
            object_kind: object_kind.into(),
            object_key: object_key.into(),
            institution: None,
            before: None,
            after: None,
        }
    }
}

/// What one audit-trail entry changed, without who, when or the values: enough for a reader that
/// follows the trail (the search index) to know what to read again.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditMark {
    /// Position in the chain.
    pub seq: i64,
    /// What was done.
    pub action: String,
    /// To what kind of object.
    pub object_kind: String,
    /// Which object.
    pub object_key: String,
}

/// One audit-trail entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// When (millisecond precision, so both engines store it exactly).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// To what kind of object.
    pub object_kind: String,
    /// Which object.
    pub object_key: String,
    /// The institution it belongs to.
    pub institution: Option<String>,
    /// JSON before.
    pub before: Option<String>,
    /// JSON after.
    pub after: Option<String>,
    /// Hash of the entry before (64 zeros for the first).
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

/// The hash the chain starts from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditEntry {
    /// The SHA-256 of every field but `hash`, as lower-case hex. The fields are serialised as a
    /// JSON array, so no two different entries can serialise alike.
    pub fn compute_hash(&self) -> String {
        let fields = (
            self.seq,
            self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            &self.actor,
            &self.action,
            &self.object_kind,
            &self.object_key,
            &self.institution,
            &self.before,
            &self.after,
            &self.prev_hash,
        );
        let text = serde_json::to_string(&fields).unwrap_or_default();
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only entries of these institutions (`None`: all, including those of no institution).
    pub institutions: Option<Vec<InstitutionCode>>,
    /// Only this kind of object.
    pub object_kind: Option<String>,
    /// Only this object.
    pub object_key: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Entries to skip (newest first).
    pub offset: u64,
}

/// A page of the audit trail, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditPage {
    /// Matching entries in all pages.
    pub total: u64,
    /// This page.
    pub items: Vec<AuditEntry>,
}

/// Why the chain does not hold at an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AuditBreak {
    /// The entry's content no longer matches its hash: it was edited.
    Altered,
    /// The entry does not follow the one before it: entries before it were deleted or reordered.
    ChainBroken,
    /// A sequence number is missing before this entry: entries were deleted.
    Missing {
        /// The sequence number expected here.
        expected: i64,
    },
    /// The newest entries are gone: the head names an entry that no longer exists or differs.
    HeadMismatch {
        /// The last sequence number the head records.
        head_seq: i64,
    },
}

impl AuditBreak {
    /// The explanation in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AuditBreak::Altered, Lang::Ja) => "内容がハッシュと一致しません（改ざんされています）".into(),
            (AuditBreak::Altered, Lang::En) => "its content does not match its hash (it was edited)".into(),
            (AuditBreak::ChainBroken, Lang::Ja) => {
                "直前の記録のハッシュと一致しません（前の記録が削除または並べ替えられています）".into()
            }
            (AuditBreak::ChainBroken, Lang::En) => {
                "it does not follow the entry before it (entries were deleted or reordered)".into()
            }
            (AuditBreak::Missing { expected }, Lang::Ja) => {
                format!("番号 {expected} の記録がありません（削除されています）")
            }
            (AuditBreak::Missing { expected }, Lang::En) => format!("entry {expected} is missing (it was deleted)"),
            (AuditBreak::HeadMismatch { head_seq }, Lang::Ja) => {
                format!("最後の記録は番号 {head_seq} のはずです（末尾の記録が削除または変更されています）")
            }
            (AuditBreak::HeadMismatch { head_seq }, Lang::En) => {
                format!("the last entry should be number {head_seq} (the newest entries were deleted or changed)")
            }
        }
    }
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries read.
    pub entries: u64,
    /// The first entry that does not hold, and why; `None`: the chain is intact.
    pub first_bad: Option<(i64, AuditBreak)>,
}

/// Milliseconds only: PostgreSQL keeps microseconds and SQLite text keeps nanoseconds, and the
/// hash must be the same after a round trip through either.
pub(crate) fn audit_now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: audit_now(),
            actor: "user:alice".into(),
            action: "create".into(),
            object_kind: "incident".into(),
            object_key: "INC-1".into(),
            institution: Some("BANK-A".into()),
            before: None,
            after: Some("{\"a\":1}".into()),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let base = entry().compute_hash();
        assert_eq!(base.len(), 64);
        let mut e = entry();
        e.at = base_at_plus(e.at);
        let changes: Vec<AuditEntry> = vec![
            AuditEntry { seq: 2, ..entry() },
            e,
            AuditEntry { actor: "user:bob".into(), ..entry() },
            AuditEntry { action: "delete".into(), ..entry() },
            AuditEntry { object_kind: "system".into(), ..entry() },
            AuditEntry { object_key: "INC-2".into(), ..entry() },
            AuditEntry { institution: None, ..entry() },
            AuditEntry { before: Some("{}".into()), ..entry() },
            AuditEntry { after: None, ..entry() },
            AuditEntry { prev_hash: "1".repeat(64), ..entry() },
        ];
        for c in changes {
            assert_ne!(c.compute_hash(), base, "{c:?}");
        }
        // Field boundaries cannot be shifted: "ab"+"c" differs from "a"+"bc".
        let a = AuditEntry { actor: "ab".into(), action: "c".into(), ..entry() };
        let b = AuditEntry { actor: "a".into(), action: "bc".into(), ..entry() };
        assert_ne!(a.compute_hash(), b.compute_hash());
    }

    fn base_at_plus(t: DateTime<Utc>) -> DateTime<Utc> {
        t + chrono::Duration::milliseconds(1)
    }

    #[test]
    fn scopes_cover_and_include() {
        let a = InstitutionCode::parse("A").unwrap();
        let b = InstitutionCode::parse("B").unwrap();
        let only_a = UserScope::Institutions(vec![a.clone()]);
        let ab = UserScope::Institutions(vec![a.clone(), b.clone()]);
        assert!(only_a.includes(&a) && !only_a.includes(&b));
        assert!(ab.covers(&only_a) && !only_a.covers(&ab) && !ab.covers(&UserScope::All));
        assert!(UserScope::All.covers(&ab));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
    }
}
