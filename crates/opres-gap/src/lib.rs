//! Gap assessment: frameworks of requirements, imports (OSCAL catalogs and profiles, CISO
//! Assistant libraries, a bank's own CSV/XLSX checklist), mappings between frameworks that
//! propose results, assessments with their workflow, gaps and priorities.
//!
//! Pure: no I/O beyond parsing the bytes handed in, no async. See `docs/gap-assessment.md`.

pub mod assessment;
pub mod checklist;
pub mod ciso;
pub mod framework;
pub mod mapping;
pub mod oscal;
pub mod problem;

pub use assessment::{
    Assessment, Basis, Entry, EntryRecord, Gap, Outcome, ProposalSeen, ResultCode, Status, Transition, WorkflowError,
    priority,
};
pub use checklist::{import_checklist_csv, import_checklist_xlsx};
pub use ciso::import_ciso;
pub use framework::{BasicAction, Framework, FrameworkRecord, Level, Requirement, RequirementRecord, Topic, built_in};
pub use mapping::{Link, Mapping, MappingRecord, Prefill, PrefillSource, Relation, Strength, import_mapping, prefill};
pub use problem::{ImportError, ImportProblem, Reason};
