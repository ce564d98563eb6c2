//! Application services: the register's use cases, shared by the CLI and the web front end.
//!
//! Front ends translate requests into these calls and results into their own output; the rules
//! live in the domain, the SQL in the store, and the checks that need both live here.

pub mod access;
pub mod analysis;
pub mod filter;
mod import;
mod reporting;
pub mod resilience;
pub mod tlpt;

pub use access::{AccessError, NewUser, Permission, allows};
pub use filter::FilterParams;
pub use import::{ImportError, ImportReport};
pub use reporting::DueReport;

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

    /// The store, for plain reads and edits that need no further rules.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The reporting policy in force.
    pub fn policy(&self) -> &ReportingPolicy {
        &self.policy
    }
}
