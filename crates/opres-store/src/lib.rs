//! The register's storage: one API over SQLite (the embedded default) and PostgreSQL.
//!
//! The engine is chosen from the URL: `postgres://…` / `postgresql://…` for PostgreSQL, anything
//! else (`opres.db`, `sqlite://path`, `sqlite::memory:`) for SQLite. Each engine has its own
//! migrations, kept in step and applied on connect. Every write runs in one transaction; edits
//! carry the version they were based on, so two editors cannot silently overwrite each other.
//! Every write takes an [`AuditContext`] and appends its audit-trail entry in the same transaction.

pub mod access;
mod documents;
mod engine;
mod error;
mod query;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use access::{
    ApiToken, AuditBreak, AuditContext, AuditEntry, AuditEvent, AuditMark, AuditPage, AuditQuery, AuditVerification,
    DisplayZone, Revoke, Role, User, UserScope,
};
pub use documents::{Document, DocumentKind, DocumentSummary};
pub use error::StoreError;
pub use query::{IncidentFilter, IncidentPage, IncidentQuery, IncidentSort};

use opres_domain::{
    DataSet, Incident, IncidentRef, Institution, InstitutionCode, Lang, ReportSubmission, System, SystemCode,
    TimelineEntry, Timestamp,
};
use std::collections::HashSet;

/// A stored value with its row identity and the version an edit must be based on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored<T> {
    /// Row id.
    pub id: i64,
    /// Optimistic-concurrency version; each change adds one.
    pub version: i64,
    /// When the row was created.
    pub created_at: Timestamp,
    /// When the row last changed.
    pub updated_at: Timestamp,
    /// The value.
    #[serde(flatten)]
    pub value: T,
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite file (WAL mode).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImportSummary {
    /// Institutions created.
    pub institutions_created: usize,
    /// Institutions already present with identical content.
    pub institutions_unchanged: usize,
    /// Systems created.
    pub systems_created: usize,
    /// Systems already present with identical content.
    pub systems_unchanged: usize,
    /// Incidents created.
    pub incidents_created: usize,
}

/// A connection pool to the register's database.
#[derive(Clone)]
pub struct Store {
    pool: engine::Pool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may hold a password.
        f.debug_struct("Store").field("engine", &self.engine()).finish()
    }
}

/// Calls the same-named function of the engine module the store runs on.
macro_rules! dispatch {
    ($self:ident . $f:ident ( $($arg:expr),* )) => {
        match &$self.pool {
            engine::Pool::Sqlite(p) => engine::sqlite::$f(p, $($arg),*).await,
            engine::Pool::Postgres(p) => engine::postgres::$f(p, $($arg),*).await,
        }
    };
}

impl Store {
    /// Opens (creating an SQLite file if needed) and migrates the database at `url`.
    #[tracing::instrument(skip_all, fields(engine))]
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let pool = engine::connect(url).await?;
        let store = Store { pool };
        tracing::Span::current().record("engine", tracing::field::debug(store.engine()));
        Ok(store)
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        match self.pool {
            engine::Pool::Sqlite(_) => Engine::Sqlite,
            engine::Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        match &self.pool {
            engine::Pool::Sqlite(p) => p.close().await,
            engine::Pool::Postgres(p) => p.close().await,
        }
    }

    // ---- institutions ----

    /// Every institution, by code.
    pub async fn list_institutions(&self) -> Result<Vec<Stored<Institution>>, StoreError> {
        dispatch!(self.list_institutions())
    }

    /// One institution.
    pub async fn institution(&self, code: &InstitutionCode) -> Result<Option<Stored<Institution>>, StoreError> {
        dispatch!(self.institution(code))
    }

    /// Registers an institution; its code must be new.
    #[tracing::instrument(skip_all, fields(code = %institution.code))]
    pub async fn create_institution(
        &self,
        institution: &Institution,
        ctx: &AuditContext,
    ) -> Result<Stored<Institution>, StoreError> {
        dispatch!(self.create_institution(institution, ctx))
    }

    /// Replaces an institution if it is still at `expected_version`.
    #[tracing::instrument(skip_all, fields(code = %code))]
    pub async fn update_institution(
        &self,
        code: &InstitutionCode,
        expected_version: i64,
        institution: &Institution,
        ctx: &AuditContext,
    ) -> Result<Stored<Institution>, StoreError> {
        dispatch!(self.update_institution(code, expected_version, institution, ctx))
    }

    /// Deletes an institution that has no systems or incidents.
    #[tracing::instrument(skip_all, fields(code = %code))]
    pub async fn delete_institution(
        &self,
        code: &InstitutionCode,
        expected_version: i64,
        ctx: &AuditContext,
    ) -> Result<(), StoreError> {
        dispatch!(self.delete_institution(code, expected_version, ctx))
    }

    // ---- systems ----

    /// Systems, of one institution or of all.
    pub async fn list_systems(&self, institution: Option<&InstitutionCode>) -> Result<Vec<Stored<System>>, StoreError> {
        dispatch!(self.list_systems(institution))
    }

    /// One system.
    pub async fn system(
        &self,
        institution: &InstitutionCode,
        code: &SystemCode,
    ) -> Result<Option<Stored<System>>, StoreError> {
        dispatch!(self.system(institution, code))
    }

    /// Registers a system of an existing institution.
    #[tracing::instrument(skip_all, fields(institution = %system.institution, code = %system.code))]
    pub async fn create_system(&self, system: &System, ctx: &AuditContext) -> Result<Stored<System>, StoreError> {
        dispatch!(self.create_system(system, ctx))
    }

    /// Replaces a system (same institution and code) if it is still at `expected_version`.
    #[tracing::instrument(skip_all, fields(institution = %system.institution, code = %system.code))]
    pub async fn update_system(
        &self,
        expected_version: i64,
        system: &System,
        ctx: &AuditContext,
    ) -> Result<Stored<System>, StoreError> {
        dispatch!(self.update_system(expected_version, system, ctx))
    }

    /// Deletes a system that no incident refers to.
    #[tracing::instrument(skip_all, fields(institution = %institution, code = %code))]
    pub async fn delete_system(
        &self,
        institution: &InstitutionCode,
        code: &SystemCode,
        expected_version: i64,
        ctx: &AuditContext,
    ) -> Result<(), StoreError> {
        dispatch!(self.delete_system(institution, code, expected_version, ctx))
    }

    // ---- incidents ----

    /// A page of incidents matching a query, with the total count.
    #[tracing::instrument(skip_all)]
    pub async fn list_incidents(&self, query: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        dispatch!(self.list_incidents(query, None))
    }

    /// As [`Store::list_incidents`], counting at most `cap` matches (`total_capped` says it stopped):
    /// an exact count of a large register costs a visit to every row on every page view.
    #[tracing::instrument(skip_all)]
    pub async fn list_incidents_capped(&self, query: &IncidentQuery, cap: u64) -> Result<IncidentPage, StoreError> {
        dispatch!(self.list_incidents(query, Some(cap)))
    }

    /// Every incident matching a filter, oldest first (exports and analysis).
    #[tracing::instrument(skip_all)]
    pub async fn all_incidents(&self, filter: &IncidentFilter) -> Result<Vec<Stored<Incident>>, StoreError> {
        dispatch!(self.all_incidents(filter))
    }

    /// How many incidents match, per trigger and primary trend.
    pub async fn incident_counts(
        &self,
        filter: &IncidentFilter,
    ) -> Result<Vec<(opres_domain::Trigger, opres_domain::Trend, u64)>, StoreError> {
        dispatch!(self.incident_counts(filter))
    }

    /// One incident by row id.
    pub async fn incident(&self, id: i64) -> Result<Option<Stored<Incident>>, StoreError> {
        dispatch!(self.incident(id))
    }

    /// One incident by its reference.
    pub async fn incident_by_reference(&self, reference: &IncidentRef) -> Result<Option<Stored<Incident>>, StoreError> {
        dispatch!(self.incident_by_reference(reference))
    }

    /// Which of these references are already registered.
    pub async fn existing_references(&self, references: &[IncidentRef]) -> Result<HashSet<IncidentRef>, StoreError> {
        dispatch!(self.existing_references(references))
    }

    /// Registers an incident; its institution and affected systems must exist.
    #[tracing::instrument(skip_all, fields(reference = %incident.reference))]
    pub async fn create_incident(
        &self,
        incident: &Incident,
        ctx: &AuditContext,
    ) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.create_incident(incident, ctx))
    }

    /// Replaces an incident if it is still at `expected_version`; otherwise [`StoreError::Conflict`].
    #[tracing::instrument(skip_all, fields(id))]
    pub async fn update_incident(
        &self,
        id: i64,
        expected_version: i64,
        incident: &Incident,
        ctx: &AuditContext,
    ) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.update_incident(id, expected_version, incident, ctx))
    }

    /// Deletes an incident if it is still at `expected_version`.
    #[tracing::instrument(skip_all, fields(id))]
    pub async fn delete_incident(&self, id: i64, expected_version: i64, ctx: &AuditContext) -> Result<(), StoreError> {
        dispatch!(self.delete_incident(id, expected_version, ctx))
    }

    /// Appends a timeline entry (a change to the incident: its version goes up).
    pub async fn add_timeline_entry(
        &self,
        id: i64,
        entry: &TimelineEntry,
        ctx: &AuditContext,
    ) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.add_timeline_entry(id, entry, ctx))
    }

    /// Records a report submitted to the authority (its version goes up).
    pub async fn add_report_submission(
        &self,
        id: i64,
        submission: &ReportSubmission,
        ctx: &AuditContext,
    ) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.add_report_submission(id, submission, ctx))
    }

    /// Writes a whole data set in one transaction: all of it, or nothing.
    ///
    /// Institutions and systems already present with identical content are left as they are;
    /// a different one under the same code, or an incident reference already registered, fails
    /// the whole import.
    #[tracing::instrument(skip_all, fields(incidents = data.incidents.len()))]
    pub async fn import(&self, data: &DataSet, ctx: &AuditContext) -> Result<ImportSummary, StoreError> {
        dispatch!(self.import(data, ctx))
    }

    // ---- users, tokens, sessions ----

    /// A user and their password hash, by sign-in name.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<(Stored<User>, String)>, StoreError> {
        dispatch!(self.user_by_username(username))
    }

    /// A user and their password hash, by row id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<(Stored<User>, String)>, StoreError> {
        dispatch!(self.user_by_id(id))
    }

    /// Every user, by sign-in name.
    pub async fn list_users(&self) -> Result<Vec<Stored<User>>, StoreError> {
        dispatch!(self.list_users())
    }

    /// Creates a user with an already hashed password.
    #[tracing::instrument(skip_all, fields(username = %user.username))]
    pub async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        ctx: &AuditContext,
    ) -> Result<Stored<User>, StoreError> {
        dispatch!(self.create_user(user, password_hash, ctx))
    }

    /// Replaces a user's name, role, scope, preferences and state if still at `expected_version`.
    #[tracing::instrument(skip_all, fields(id))]
    pub async fn update_user(
        &self,
        id: i64,
        expected_version: i64,
        user: &User,
        revoke: Revoke,
        ctx: &AuditContext,
    ) -> Result<Stored<User>, StoreError> {
        dispatch!(self.update_user(id, expected_version, user, revoke, ctx))
    }

    /// Replaces a user's password hash and, in the same transaction, ends every session of the
    /// user except `keep_session` (the one that changed its own password, if any).
    pub async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        ctx: &AuditContext,
    ) -> Result<(), StoreError> {
        dispatch!(self.set_password(id, password_hash, keep_session, ctx))
    }

    /// Ends every session of a user except `keep` (recorded on the audit trail when any ends).
    pub async fn end_sessions(&self, user_id: i64, keep: Option<&str>, ctx: &AuditContext) -> Result<(), StoreError> {
        dispatch!(self.end_sessions(user_id, keep, ctx))
    }

    /// Remembers a user's language and time zone.
    pub async fn set_preferences(&self, id: i64, lang: Option<Lang>, zone: DisplayZone) -> Result<(), StoreError> {
        dispatch!(self.set_preferences(id, lang, zone))
    }

    /// Stores a new API token's hash.
    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        prefix: &str,
        token_hash: &str,
        ctx: &AuditContext,
    ) -> Result<ApiToken, StoreError> {
        dispatch!(self.create_api_token(user_id, name, prefix, token_hash, ctx))
    }

    /// A user's tokens, revoked ones included.
    pub async fn list_api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        dispatch!(self.list_api_tokens(user_id))
    }

    /// Revokes one of a user's tokens.
    pub async fn revoke_api_token(&self, user_id: i64, token_id: i64, ctx: &AuditContext) -> Result<(), StoreError> {
        dispatch!(self.revoke_api_token(user_id, token_id, ctx))
    }

    /// The user behind a live (not revoked) token hash.
    pub async fn user_by_token_hash(&self, token_hash: &str) -> Result<Option<(Stored<User>, ApiToken)>, StoreError> {
        dispatch!(self.user_by_token_hash(token_hash))
    }

    /// A live session's data and expiry.
    pub async fn session_load(&self, id: &str) -> Result<Option<(String, Timestamp)>, StoreError> {
        dispatch!(self.session_load(id))
    }

    /// Rewrites a session that still exists, signed in as `user_id` (`None`: signed out); a session
    /// that was ended meanwhile stays ended.
    pub async fn session_save(
        &self,
        id: &str,
        user_id: Option<i64>,
        data: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self.session_save(id, user_id, data, expires_at))
    }

    /// Inserts a session under a new id, signed in as `user_id`; `false` if the id is taken.
    pub async fn session_create(
        &self,
        id: &str,
        user_id: Option<i64>,
        data: &str,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        dispatch!(self.session_create(id, user_id, data, expires_at))
    }

    /// Deletes a session.
    pub async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        dispatch!(self.session_delete(id))
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self) -> Result<u64, StoreError> {
        dispatch!(self.delete_expired_sessions())
    }

    // ---- audit trail ----

    /// Appends an event that changes nothing else (sign-in, sign-out).
    pub async fn record_event(&self, ctx: &AuditContext, event: AuditEvent) -> Result<AuditEntry, StoreError> {
        dispatch!(self.record_event(ctx, event))
    }

    /// A page of the audit trail, newest first.
    pub async fn list_audit(&self, query: &AuditQuery) -> Result<AuditPage, StoreError> {
        dispatch!(self.list_audit(query))
    }

    /// Up to `limit` entries after `after_seq`, oldest first, without their values: an indexed
    /// range read, cheap enough to run before every search.
    pub async fn audit_marks_after(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditMark>, StoreError> {
        dispatch!(self.audit_marks_after(after_seq, limit))
    }

    /// The newest entry's position in the chain (0 when the trail is empty).
    pub async fn latest_audit_seq(&self) -> Result<i64, StoreError> {
        dispatch!(self.latest_audit_seq())
    }

    /// Checks the whole hash chain and names the first entry that does not hold.
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        dispatch!(self.verify_audit())
    }

    /// One document, with its body and version.
    pub async fn document(&self, kind: DocumentKind, key: &str) -> Result<Option<Stored<Document>>, StoreError> {
        dispatch!(self.document(kind, key))
    }

    /// The documents of one kind, without their bodies, by key.
    pub async fn list_documents(&self, kind: DocumentKind) -> Result<Vec<DocumentSummary>, StoreError> {
        dispatch!(self.list_documents(kind))
    }

    /// Saves a document whole: creates it when `expected_version` is `None` (refused if the key is
    /// taken), otherwise replaces the version the edit was based on (refused if someone saved since).
    #[tracing::instrument(skip_all, fields(kind = doc.kind.code(), key = %doc.key))]
    pub async fn save_document(
        &self,
        doc: &Document,
        expected_version: Option<i64>,
        ctx: &AuditContext,
    ) -> Result<DocumentSummary, StoreError> {
        dispatch!(self.save_document(doc, expected_version, ctx))
    }

    /// Saves several documents in one transaction, each as [`Store::save_document`] would: all of
    /// them, or none when one is refused (an import of several records is all or nothing).
    pub async fn save_documents(
        &self,
        docs: &[(Document, Option<i64>)],
        ctx: &AuditContext,
    ) -> Result<Vec<DocumentSummary>, StoreError> {
        dispatch!(self.save_documents(docs, ctx))
    }

    /// Deletes a document, if it is still at `expected_version`.
    pub async fn delete_document(
        &self,
        kind: DocumentKind,
        key: &str,
        expected_version: i64,
        ctx: &AuditContext,
    ) -> Result<(), StoreError> {
        dispatch!(self.delete_document(kind, key, expected_version, ctx))
    }

    /// The whole register (institutions, systems, incidents matching `filter`).
    pub async fn export(&self, filter: &IncidentFilter) -> Result<DataSet, StoreError> {
        let institutions = self.list_institutions().await?.into_iter().map(|s| s.value).collect();
        let systems = self.list_systems(None).await?.into_iter().map(|s| s.value).collect();
        let incidents = self.all_incidents(filter).await?.into_iter().map(|s| s.value).collect();
        Ok(DataSet { institutions, systems, incidents })
    }
}
