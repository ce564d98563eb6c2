//! The register's storage: one API over SQLite (the embedded default) and PostgreSQL.
//!
//! The engine is chosen from the URL: `postgres://…` / `postgresql://…` for PostgreSQL, anything
//! else (`opres.db`, `sqlite://path`, `sqlite::memory:`) for SQLite. Each engine has its own
//! migrations, kept in step and applied on connect. Every write runs in one transaction; edits
//! carry the version they were based on, so two editors cannot silently overwrite each other.

mod engine;
mod error;
mod query;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use error::StoreError;
pub use query::{IncidentFilter, IncidentPage, IncidentQuery, IncidentSort};

use opres_domain::{
    DataSet, Incident, IncidentRef, Institution, InstitutionCode, ReportSubmission, System, SystemCode, TimelineEntry,
    Timestamp,
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
    pub async fn create_institution(&self, institution: &Institution) -> Result<Stored<Institution>, StoreError> {
        dispatch!(self.create_institution(institution))
    }

    /// Replaces an institution if it is still at `expected_version`.
    #[tracing::instrument(skip_all, fields(code = %code))]
    pub async fn update_institution(
        &self,
        code: &InstitutionCode,
        expected_version: i64,
        institution: &Institution,
    ) -> Result<Stored<Institution>, StoreError> {
        dispatch!(self.update_institution(code, expected_version, institution))
    }

    /// Deletes an institution that has no systems or incidents.
    #[tracing::instrument(skip_all, fields(code = %code))]
    pub async fn delete_institution(&self, code: &InstitutionCode, expected_version: i64) -> Result<(), StoreError> {
        dispatch!(self.delete_institution(code, expected_version))
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
    pub async fn create_system(&self, system: &System) -> Result<Stored<System>, StoreError> {
        dispatch!(self.create_system(system))
    }

    /// Replaces a system (same institution and code) if it is still at `expected_version`.
    #[tracing::instrument(skip_all, fields(institution = %system.institution, code = %system.code))]
    pub async fn update_system(&self, expected_version: i64, system: &System) -> Result<Stored<System>, StoreError> {
        dispatch!(self.update_system(expected_version, system))
    }

    /// Deletes a system that no incident refers to.
    #[tracing::instrument(skip_all, fields(institution = %institution, code = %code))]
    pub async fn delete_system(
        &self,
        institution: &InstitutionCode,
        code: &SystemCode,
        expected_version: i64,
    ) -> Result<(), StoreError> {
        dispatch!(self.delete_system(institution, code, expected_version))
    }

    // ---- incidents ----

    /// A page of incidents matching a query, with the total count.
    #[tracing::instrument(skip_all)]
    pub async fn list_incidents(&self, query: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        dispatch!(self.list_incidents(query))
    }

    /// Every incident matching a filter, oldest first (exports and analysis).
    #[tracing::instrument(skip_all)]
    pub async fn all_incidents(&self, filter: &IncidentFilter) -> Result<Vec<Stored<Incident>>, StoreError> {
        dispatch!(self.all_incidents(filter))
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
    pub async fn create_incident(&self, incident: &Incident) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.create_incident(incident))
    }

    /// Replaces an incident if it is still at `expected_version`; otherwise [`StoreError::Conflict`].
    #[tracing::instrument(skip_all, fields(id))]
    pub async fn update_incident(
        &self,
        id: i64,
        expected_version: i64,
        incident: &Incident,
    ) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.update_incident(id, expected_version, incident))
    }

    /// Deletes an incident if it is still at `expected_version`.
    #[tracing::instrument(skip_all, fields(id))]
    pub async fn delete_incident(&self, id: i64, expected_version: i64) -> Result<(), StoreError> {
        dispatch!(self.delete_incident(id, expected_version))
    }

    /// Appends a timeline entry (a change to the incident: its version goes up).
    pub async fn add_timeline_entry(&self, id: i64, entry: &TimelineEntry) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.add_timeline_entry(id, entry))
    }

    /// Records a report submitted to the authority (its version goes up).
    pub async fn add_report_submission(
        &self,
        id: i64,
        submission: &ReportSubmission,
    ) -> Result<Stored<Incident>, StoreError> {
        dispatch!(self.add_report_submission(id, submission))
    }

    /// Writes a whole data set in one transaction: all of it, or nothing.
    ///
    /// Institutions and systems already present with identical content are left as they are;
    /// a different one under the same code, or an incident reference already registered, fails
    /// the whole import.
    #[tracing::instrument(skip_all, fields(incidents = data.incidents.len()))]
    pub async fn import(&self, data: &DataSet) -> Result<ImportSummary, StoreError> {
        dispatch!(self.import(data))
    }

    /// The whole register (institutions, systems, incidents matching `filter`).
    pub async fn export(&self, filter: &IncidentFilter) -> Result<DataSet, StoreError> {
        let institutions = self.list_institutions().await?.into_iter().map(|s| s.value).collect();
        let systems = self.list_systems(None).await?.into_iter().map(|s| s.value).collect();
        let incidents = self.all_incidents(filter).await?.into_iter().map(|s| s.value).collect();
        Ok(DataSet { institutions, systems, incidents })
    }
}
