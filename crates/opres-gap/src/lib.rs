//! Gap assessment: frameworks of requirements, imports (OSCAL catalogs and profiles, CISO
//! Assistant libraries, a bank's own CSV/XLSX checklist), mappings between frameworks that
//! propose results, assessments with their workflow, gaps and priorities, results proposed from the
//! register's own facts, and the remediation roadmap management approves.
//!
//! Pure: no I/O beyond parsing the bytes handed in, no async. See `docs/gap-assessment.md`.

pub mod assessment;
pub mod checklist;
pub mod ciso;
pub mod derive;
pub mod exchange;
pub mod framework;
pub mod mapping;
pub mod oscal;
pub mod problem;
pub mod report;
pub mod roadmap;

pub use assessment::{
    Assessment, Basis, Entry, EntryRecord, Gap, Outcome, ProposalSeen, ResultCode, Status, Transition, WorkflowError,
    priority,
};
pub use checklist::{import_checklist_csv, import_checklist_xlsx};
pub use ciso::import_ciso;
pub use derive::{Facts, FactsError, Proposal, derive};
pub use framework::{BasicAction, Framework, FrameworkRecord, Level, Requirement, RequirementRecord, Topic, built_in};
pub use mapping::{Link, Mapping, MappingRecord, Prefill, PrefillSource, Relation, Strength, import_mapping, prefill};
pub use problem::{ImportError, ImportProblem, Reason};
pub use roadmap::{
    Action, ActionField, ActionId, ActionRecord, ActionState, ActionStatus, Approval, Approve, ApprovedRevision,
    Change, ChangeKind, Gantt, GanttRow, Milestone, MilestoneRecord, Motivation, MotivationKind, MotivationRecord,
    Progress, RequirementRef, RequirementRefRecord, Roadmap, RoadmapData, RoadmapError, RoadmapStatus, Subject, Sum,
    Totals,
};
