//! Gap assessment: frameworks of requirements, imports (OSCAL catalogs and profiles), assessments
//! with their workflow, gaps and priorities.
//!
//! Pure: no I/O beyond parsing the bytes handed in, no async. See `docs/gap-assessment.md`.

pub mod assessment;
pub mod checklist;
pub mod ciso;
pub mod framework;
pub mod oscal;
pub mod problem;

pub use assessment::{
    Assessment, Basis, Entry, EntryRecord, Gap, Outcome, ProposalSeen, ResultCode, Status, Transition, WorkflowError,
    priority,
};
pub use framework::{BasicAction, Framework, FrameworkRecord, Level, Requirement, RequirementRecord, Topic, built_in};
pub use problem::{ImportError, ImportProblem, Reason};
