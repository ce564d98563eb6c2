//! The failure register's domain, as the FSA's analysis report describes it.
//!
//! Everything here is pure: types, stable codes, validation and calculations. Raw input
//! ([`record`]) converts into validated types ([`incident::Incident`] and friends) only through
//! `validate`, which reports every problem at once so an import can list every bad field.

pub mod codes;
pub mod html;
pub mod incident;
pub mod institution;
pub mod lang;
pub mod limits;
pub mod measures;
pub mod password;
pub mod record;
pub mod report;
pub mod reporting;
pub mod taxonomy;
pub mod time;
pub mod validation;

pub use incident::{
    Bilingual, Channel, GoodPractice, Incident, IncidentRef, IncidentStatus, IncidentTimes, SettlementImpact,
    TimelineEntry, Yen,
};
pub use institution::{Criticality, Institution, InstitutionCode, InstitutionType, Lei, System, SystemCode};
pub use lang::Lang;
pub use measures::{Measured, TimeInconsistency, TimeMeasure};
pub use password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordProblem, check_password, password_problems};
pub use record::{IncidentRecord, InstitutionRecord, RawScalar, ReportSubmissionRecord, SystemRecord, TimelineRecord};
pub use reporting::{ReportStage, ReportStageKind, ReportStageStatus, ReportSubmission, ReportingPolicy};
pub use taxonomy::{Classification, Trend, Trigger};
pub use time::{FiscalPeriod, FiscalYear, JST, Timestamp, jst_date};
pub use validation::{FieldError, Problem, ValidationErrors};

/// A register extract: what a file imports or an export writes, in dependency order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct DataSet {
    /// Institutions.
    pub institutions: Vec<Institution>,
    /// Systems of those (or already registered) institutions.
    pub systems: Vec<System>,
    /// Incidents.
    pub incidents: Vec<Incident>,
}

impl DataSet {
    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.institutions.is_empty() && self.systems.is_empty() && self.incidents.is_empty()
    }
}

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
