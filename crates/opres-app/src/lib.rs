//! Application services: the register's use cases, shared by the CLI and the web front end.
//!
//! Front ends translate requests into these calls and results into their own output; the rules
//! live in the domain, the SQL in the store, and the checks that need both live here.

pub mod access;
mod actor;
pub mod analysis;
mod dashboard;
mod error;
pub mod filter;
pub mod gap;
pub mod gap_file;
pub mod gap_mapping;
pub mod gap_report;
pub mod gap_roadmap;
mod import;
mod incidents;
mod institutions;
mod regimes;
mod report_file;
mod reporting;
pub mod resilience;
mod sessions;
pub mod tlpt;
mod users;

/// Today in Japan: the one clock for due, review and rollout dates (they are JST calendar days).
pub fn today() -> chrono::NaiveDate {
    opres_domain::jst_date(&chrono::Utc::now())
}

pub use access::{AccessError, NewUser, Permission, allows, revocation};
pub use actor::{Actor, Channel};
pub use dashboard::DashboardSummary;
pub use error::{AppError, Located, Message, Noun};
pub use filter::{FilterParams, IncidentListRequest, ListQuery};
pub use import::{ImportError, ImportReport};
pub use incidents::{COUNT_CAP, IncidentKey, IncidentList};
pub use institutions::{institution_code, system_code, system_of};
pub use regimes::{IncidentObligations, Versioned};
pub use report_file::{ReportFile, report_file, report_format};
pub use reporting::DueReport;
pub use sessions::Sessions;
pub use users::{AUDIT_PAGE, AuditRequest, UserChange, can_verify_audit};

use opres_domain::ReportingPolicy;
use opres_store::Store;

/// The failure register: the store plus the policies that apply to it.
#[derive(Debug, Clone)]
pub struct Register {
    store: Store,
    policy: ReportingPolicy,
}

impl Register {
    /// A register over a store, with the default reporting policy.
    pub fn new(store: Store) -> Register {
        Register { store, policy: ReportingPolicy::default() }
    }

    /// The store, for tests that set up or inspect the database directly. Front ends never call
    /// it: they reach the register through the use cases (`grep '\.store()'` over
    /// `crates/opres-web/src` and `crates/opres-cli/src` finds nothing).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Closes the database connections (the command line, before it exits).
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The reporting policy in force.
    pub fn policy(&self) -> &ReportingPolicy {
        &self.policy
    }
}
