//! Threat-led penetration testing (TLPT) for a financial group, as the FSA's analysis report describes
//! good practice and shortcomings (`shared/domain.md` §3).
//!
//! Pure library: the caller reads files and stores results. The format and every rule are in
//! `docs/tlpt-format.md`. In short:
//!
//! - [`model::TlptProgramme`]: a group's whole programme (entities, systems, engagements, findings,
//!   rollout); `from_json` validates and lists every problem, `to_json` writes it.
//! - [`attack::AttackCatalogue::from_stix_json`]: ATT&CK STIX 2.0/2.1 import (`opres attack import`);
//!   [`attack::navigator::coverage_layer`] and [`attack::navigator::actor_overlay`]: Navigator layers.
//! - [`metrics::compute`]: time to detect and respond, detection rates, phishing escalation, flags, leg-ups.
//! - [`similarity::FindingIndex`] and [`recurrence`]: bilingual recurrence search and linking that never
//!   merges; [`similarity::fingerprint`] for storage.
//! - [`rollout`]: horizontal-rollout planning, answers (a present issue becomes a new finding) and status.
//! - [`assess::assess`]: the practice assessment (`opres tlpt assess ENGAGEMENT`), one check per item of
//!   the source's table, with evidence and action in Japanese and English.
//! - [`report::build`]: the management report, ja/en, as the workspace's one report document.
//! - [`demo::demo_programme`] and [`demo::generate_findings`]: demo data (`opres gen`) and benchmark data.

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
pub use ids::{EngagementId, FindingId, LocalId, SystemRef, TacticName, TechniqueId};
pub use model::{Engagement, Finding, RolloutRecord, TlptProgramme};
