//! Threat-led penetration testing (TLPT) for a financial group, as the FSA's analysis report describes
//! good practice and shortcomings (`shared/domain.md` §3).
//!
//! Pure library: the caller reads files and stores results. [`model::TlptProgramme`] holds a group's
//! whole programme (entities, systems, engagements, findings, rollout) and round-trips as JSON.
//! [`attack`] imports ATT&CK STIX bundles and writes Navigator layers; [`metrics`] computes the
//! blue-team metrics; [`similarity`] and [`recurrence`] find and link recurring findings without ever
//! merging them; [`rollout`] tracks horizontal rollout; [`assess`] evaluates an engagement against
//! every item of the source's table; [`report`] renders the management report; [`demo`] builds the
//! demo programme and benchmark findings.

pub mod assess;
pub mod attack;
pub mod codes;
pub mod demo;
pub mod error;
pub mod ids;
pub mod metrics;
pub mod model;
pub mod recurrence;
pub mod report;
pub mod rollout;
pub mod similarity;
mod validate;

pub use error::TlptError;
pub use ids::{EngagementId, FindingId, LocalId, SystemRef, TacticName, TechniqueId, Text};
pub use model::{Engagement, Finding, RolloutRecord, TlptProgramme};
