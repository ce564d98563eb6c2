//! Assessments: a result per requirement, maturity, the workflow, gaps and priorities.

use crate::framework::{Framework, Level};
use opres_domain::{Problem, RawScalar, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

opres_domain::code_enum!(
    /// The result codes, as forms, files and the API write them.
    pub ResultCode, "assessment result", {
        Met => "met", "充足", "Met";
        PartlyMet => "partly_met", "一部充足", "Partly met";
        NotMet => "not_met", "未充足", "Not met";
        NotApplicable => "not_applicable", "対象外", "Not applicable";
    }
);

/// The result of one requirement. Not applicable cannot exist without its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Met.
    Met,
    /// Partly met.
    PartlyMet,
    /// Not met.
    NotMet,
    /// Not applicable, with why.
    NotApplicable {
        /// The reason (never empty: see [`Outcome::not_applicable`]).
        reason: String,
    },
}

impl Outcome {
    /// Not applicable; `None` when the reason is blank.
    pub fn not_applicable(reason: &str) -> Option<Outcome> {
        let r = reason.trim();
        (!r.is_empty()).then(|| Outcome::NotApplicable { reason: r.to_string() })
    }

    /// The outcome for a result code; not applicable needs its reason (`Required` otherwise).
    pub fn of(code: ResultCode, reason: &str) -> Result<Outcome, Problem> {
        Ok(match code {
            ResultCode::Met => Outcome::Met,
            ResultCode::PartlyMet => Outcome::PartlyMet,
            ResultCode::NotMet => Outcome::NotMet,
            ResultCode::NotApplicable => Outcome::not_applicable(reason).ok_or(Problem::Required)?,
        })
    }

    /// Its result code.
    pub fn code(&self) -> ResultCode {
        match self {
            Outcome::Met => ResultCode::Met,
            Outcome::PartlyMet => ResultCode::PartlyMet,
            Outcome::NotMet => ResultCode::NotMet,
            Outcome::NotApplicable { .. } => ResultCode::NotApplicable,
        }
    }
}

/// Where an entry's result came from: the assessor alone, or a proposal derived from the
/// register that the assessor accepted or overrode (the override and its reason are kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum Basis {
    /// Entered by the assessor; no proposal was in front of them.
    #[default]
    Assessor,
    /// The proposal derived on `derived_on` was accepted as it was.
    AcceptedProposal {
        /// When the proposal was derived.
        derived_on: chrono::NaiveDate,
    },
    /// The assessor chose another result than the proposal's, for `reason`.
    OverriddenProposal {
        /// What was proposed.
        proposed: ResultCode,
        /// When it was derived.
        derived_on: chrono::NaiveDate,
        /// Why the assessor differs (never empty).
        reason: String,
    },
    /// Pre-filled through a mapping from the institution's assessment against another framework,
    /// at the assessor's request; every source requirement that contributed is kept.
    Mapped {
        /// The source assessment's key (e.g. BANK-A-GA-2).
        source_assessment: String,
        /// The source framework.
        source_framework: String,
        /// Each contributing source requirement with its relation, strength and result.
        sources: Vec<crate::mapping::PrefillSource>,
    },
}

/// One requirement's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The result.
    pub outcome: Outcome,
    /// Current maturity on the framework's scale.
    pub current: u8,
    /// Target maturity.
    pub target: u8,
    /// Why.
    pub rationale: String,
    /// Evidence references (files, links, opres record ids).
    pub evidence: Vec<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Reviewer.
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Linked incidents and findings that motivate it.
    pub linked_records: u32,
    /// Where the result came from.
    #[serde(default)]
    pub basis: Basis,
}

/// One requirement's entry as a form or the API gives it (nothing checked yet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntryRecord {
    /// Result code (`met`, `partly_met`, `not_met`, `not_applicable`).
    pub result: String,
    /// Why not applicable (required for `not_applicable`).
    pub not_applicable_reason: String,
    /// Current maturity, 0 to the scale's maximum.
    pub current: Option<RawScalar>,
    /// Target maturity, 0 to the scale's maximum.
    pub target: Option<RawScalar>,
    /// Why.
    pub rationale: String,
    /// Evidence references, one per item (files, links, opres record ids).
    pub evidence: Vec<String>,
    /// Owner.
    pub owner: String,
    /// Reviewer.
    pub reviewer: String,
    /// Linked incidents and findings that motivate it.
    pub linked_records: Option<RawScalar>,
    /// Why the result differs from the proposal in front of the assessor (required then).
    pub override_reason: String,
}

/// What the assessor saw when entering a result: the proposal derived for the requirement, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposalSeen {
    /// The proposed result.
    pub proposed: ResultCode,
    /// When it was derived.
    pub derived_on: chrono::NaiveDate,
}

impl EntryRecord {
    /// Validates on a scale of 0..=`scale_max`, reporting every problem by field. With a proposal
    /// in front of the assessor, the same result is an acceptance and another one an override,
    /// which needs its reason.
    pub fn validate(&self, scale_max: u8, proposal: Option<ProposalSeen>) -> Result<Entry, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let code = if self.result.trim().is_empty() {
            e.push("result", Problem::Required);
            None
        } else {
            ResultCode::parse(&self.result).map_err(|x| e.push("result", x.into())).ok()
        };
        let outcome = code.and_then(|c| {
            Outcome::of(c, &self.not_applicable_reason).map_err(|p| e.push("not_applicable_reason", p)).ok()
        });
        let mut maturity = |field: &str, raw: &Option<RawScalar>| -> u8 {
            match RawScalar::whole_number(raw.as_ref()) {
                Ok(None) => {
                    e.push(field, Problem::Required);
                    0
                }
                Ok(Some(v)) if v > u64::from(scale_max) => {
                    e.push(field, Problem::OutOfRange { value: v.to_string(), min: 0, max: i64::from(scale_max) });
                    0
                }
                Ok(Some(v)) => u8::try_from(v).unwrap_or(0),
                Err(p) => {
                    e.push(field, p);
                    0
                }
            }
        };
        let current = maturity("current", &self.current);
        let target = maturity("target", &self.target);
        let linked_records = match RawScalar::whole_number(self.linked_records.as_ref()) {
            Ok(v) => u32::try_from(v.unwrap_or(0)).unwrap_or(u32::MAX),
            Err(p) => {
                e.push("linked_records", p);
                0
            }
        };
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let basis = match (proposal, code) {
            (Some(p), Some(c)) if p.proposed == c => Basis::AcceptedProposal { derived_on: p.derived_on },
            (Some(p), Some(_)) => match text(&self.override_reason) {
                Some(reason) => Basis::OverriddenProposal { proposed: p.proposed, derived_on: p.derived_on, reason },
                None => {
                    e.push("override_reason", Problem::Required);
                    Basis::Assessor
                }
            },
            _ => Basis::Assessor,
        };
        let outcome = outcome.filter(|_| e.is_empty());
        match outcome {
            Some(outcome) => Ok(Entry {
                outcome,
                current,
                target,
                rationale: self.rationale.trim().to_string(),
                evidence: self.evidence.iter().filter_map(|s| text(s)).collect(),
                owner: text(&self.owner),
                reviewer: text(&self.reviewer),
                linked_records,
                basis,
            }),
            None => Err(e),
        }
    }
}

impl Entry {
    /// The entry as a form shows it again.
    pub fn to_record(&self) -> EntryRecord {
        EntryRecord {
            result: self.outcome.code().code().to_string(),
            not_applicable_reason: match &self.outcome {
                Outcome::NotApplicable { reason } => reason.clone(),
                _ => String::new(),
            },
            current: Some(RawScalar::Int(i64::from(self.current))),
            target: Some(RawScalar::Int(i64::from(self.target))),
            rationale: self.rationale.clone(),
            evidence: self.evidence.clone(),
            owner: self.owner.clone().unwrap_or_default(),
            reviewer: self.reviewer.clone().unwrap_or_default(),
            linked_records: Some(RawScalar::Int(i64::from(self.linked_records))),
            override_reason: match &self.basis {
                Basis::OverriddenProposal { reason, .. } => reason.clone(),
                _ => String::new(),
            },
        }
    }
}

opres_domain::code_enum!(
    /// Where an assessment is in its workflow.
    pub Status, "assessment status", {
        Draft => "draft", "下書き", "Draft";
        InReview => "in_review", "レビュー中", "In review";
        Approved => "approved", "承認済み", "Approved";
        Locked => "locked", "確定", "Locked";
    }
);

/// The transitions the workflow allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Draft → in review.
    Submit,
    /// In review → draft.
    Return,
    /// In review → approved; by an executive only.
    Approve {
        /// Whether the actor holds the executive role.
        executive: bool,
    },
    /// Approved → locked.
    Lock,
}

/// A transition the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// Not from this state.
    #[error("cannot {transition:?} an assessment that is {from}")]
    NotFrom {
        /// Attempted.
        transition: Transition,
        /// Current state.
        from: Status,
    },
    /// Approval needs the executive role.
    #[error("only an executive can approve")]
    NotExecutive,
    /// Editing outside draft.
    #[error("an assessment that is {0} cannot be edited")]
    NotEditable(Status),
    /// A maturity above the framework's scale.
    #[error("maturity {value} is above the scale's maximum {max}")]
    OffScale {
        /// Given.
        value: u8,
        /// Scale maximum.
        max: u8,
    },
    /// Not an assessable requirement of the framework.
    #[error("'{0}' is not an assessable requirement of the framework")]
    UnknownRequirement(String),
}

/// An assessment of one institution against one framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Framework id.
    pub framework: String,
    /// Scale maximum, from the framework.
    pub scale_max: u8,
    /// Workflow state.
    pub status: Status,
    /// Entries by requirement id.
    pub entries: BTreeMap<String, Entry>,
}

/// One requirement's gap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Requirement id.
    pub requirement: String,
    /// Area (root ancestor).
    pub area: String,
    /// target − current (0 when current ≥ target).
    pub gap: u8,
    /// Priority, see [`priority`].
    pub priority: f64,
}

/// Priority = gap × level factor (basic 2, desirable 1, informative/none 0.5) × weight ×
/// (1 + linked incidents and findings).
pub fn priority(gap: u8, level: Option<Level>, weight: u32, linked: u32) -> f64 {
    let lf = match level {
        Some(Level::Basic) => 2.0,
        Some(Level::Desirable) => 1.0,
        Some(Level::Informative) | None => 0.5,
    };
    f64::from(gap) * lf * f64::from(weight) * (1.0 + f64::from(linked))
}

impl Assessment {
    /// A new draft against `framework`.
    pub fn new(framework: &Framework) -> Assessment {
        Assessment {
            framework: framework.id.clone(),
            scale_max: framework.scale_max,
            status: Status::Draft,
            entries: BTreeMap::new(),
        }
    }

    /// A new draft that starts from a previous assessment's entries.
    pub fn from_previous(previous: &Assessment) -> Assessment {
        Assessment { status: Status::Draft, ..previous.clone() }
    }

    /// Records an entry (draft only, maturities on the scale, an assessable requirement).
    pub fn set(&mut self, framework: &Framework, id: &str, entry: Entry) -> Result<(), WorkflowError> {
        if self.status != Status::Draft {
            return Err(WorkflowError::NotEditable(self.status));
        }
        if !framework.get(id).is_some_and(|r| r.assessable) {
            return Err(WorkflowError::UnknownRequirement(id.to_string()));
        }
        for value in [entry.current, entry.target] {
            if value > self.scale_max {
                return Err(WorkflowError::OffScale { value, max: self.scale_max });
            }
        }
        self.entries.insert(id.to_string(), entry);
        Ok(())
    }

    /// Applies a workflow transition.
    pub fn apply(&mut self, t: Transition) -> Result<Status, WorkflowError> {
        let next = match (self.status, t) {
            (Status::Draft, Transition::Submit) => Status::InReview,
            (Status::InReview, Transition::Return) => Status::Draft,
            (Status::InReview, Transition::Approve { executive: true }) => Status::Approved,
            (Status::InReview, Transition::Approve { executive: false }) => return Err(WorkflowError::NotExecutive),
            (Status::Approved, Transition::Lock) => Status::Locked,
            (from, transition) => return Err(WorkflowError::NotFrom { transition, from }),
        };
        self.status = next;
        Ok(next)
    }

    /// Requirement ids whose entry differs from (or is absent in) `previous`.
    pub fn changed_since(&self, previous: &Assessment) -> Vec<String> {
        let mut ids: Vec<String> =
            self.entries.iter().filter(|(k, v)| previous.entries.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
        ids.extend(previous.entries.keys().filter(|k| !self.entries.contains_key(*k)).cloned());
        ids
    }

    /// Gaps of every applicable entry, highest priority first.
    pub fn gaps(&self, framework: &Framework) -> Vec<Gap> {
        let mut out: Vec<Gap> = self
            .entries
            .iter()
            .filter(|(_, e)| !matches!(e.outcome, Outcome::NotApplicable { .. }))
            .filter_map(|(id, e)| {
                let r = framework.get(id)?;
                let gap = e.target.saturating_sub(e.current);
                Some(Gap {
                    requirement: id.clone(),
                    area: framework.area_of(id).unwrap_or(id).to_string(),
                    gap,
                    priority: priority(gap, r.level, r.weight, e.linked_records),
                })
            })
            .collect();
        out.sort_by(|a, b| b.priority.total_cmp(&a.priority).then_with(|| a.requirement.cmp(&b.requirement)));
        out
    }

    /// Sum of gaps per area.
    pub fn gaps_by_area(&self, framework: &Framework) -> BTreeMap<String, u32> {
        let mut m = BTreeMap::new();
        for g in self.gaps(framework) {
            *m.entry(g.area).or_insert(0) += u32::from(g.gap);
        }
        m
    }
}
