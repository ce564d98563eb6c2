//! Whole, versioned documents: the models of the resilience, TLPT and analysis engines, saved as
//! one JSON text each. The store does not parse them (it does not depend on the engines); the
//! application layer validates before saving and after loading.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a document holds. The key's meaning depends on the kind (an institution code for a
/// resilience map, a programme id for a TLPT programme, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// An institution's important business services, tolerances, resources and dependencies.
    ResilienceMap,
    /// A saved scenario (or set of scenarios) for the resilience engine.
    ResilienceScenario,
    /// A saved scenario run's results.
    ResilienceRun,
    /// A TLPT programme: group, entities, engagements, findings, rollout.
    TlptProgramme,
    /// An imported MITRE ATT&CK catalogue.
    AttackCatalogue,
    /// A learned classification model trained from the register's accepted classifications.
    ClassifierModel,
    /// The reporting regimes that apply to an institution and their parameters.
    RegimeSettings,
    /// An incident's inputs to the regimes other than the FSA (classification, determination,
    /// impact figures, reports sent).
    RegimeInputs,
    /// An imported gap-assessment framework (the built-in ones are not stored).
    GapFramework,
    /// An institution's assessment against one framework.
    GapAssessment,
    /// An institution's remediation roadmap: its actions and management's approval.
    GapRoadmap,
    /// An imported mapping between two gap-assessment frameworks.
    GapMapping,
}

impl DocumentKind {
    /// Every kind.
    pub const ALL: [DocumentKind; 12] = [
        DocumentKind::ResilienceMap,
        DocumentKind::ResilienceScenario,
        DocumentKind::ResilienceRun,
        DocumentKind::TlptProgramme,
        DocumentKind::AttackCatalogue,
        DocumentKind::ClassifierModel,
        DocumentKind::RegimeSettings,
        DocumentKind::RegimeInputs,
        DocumentKind::GapFramework,
        DocumentKind::GapAssessment,
        DocumentKind::GapRoadmap,
        DocumentKind::GapMapping,
    ];

    /// The stored code, also the audit trail's object kind.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::ResilienceMap => "resilience_map",
            DocumentKind::ResilienceScenario => "resilience_scenario",
            DocumentKind::ResilienceRun => "resilience_run",
            DocumentKind::TlptProgramme => "tlpt_programme",
            DocumentKind::AttackCatalogue => "attack_catalogue",
            DocumentKind::ClassifierModel => "classifier_model",
            DocumentKind::RegimeSettings => "regime_settings",
            DocumentKind::RegimeInputs => "regime_inputs",
            DocumentKind::GapFramework => "gap_framework",
            DocumentKind::GapAssessment => "gap_assessment",
            DocumentKind::GapRoadmap => "gap_roadmap",
            DocumentKind::GapMapping => "gap_mapping",
        }
    }

    /// What error messages call it (English; `StoreError::message` translates it).
    pub fn noun(self) -> &'static str {
        match self {
            DocumentKind::ResilienceMap => "dependency map",
            DocumentKind::ResilienceScenario => "scenario",
            DocumentKind::ResilienceRun => "scenario run",
            DocumentKind::TlptProgramme => "TLPT programme",
            DocumentKind::AttackCatalogue => "ATT&CK data",
            DocumentKind::ClassifierModel => "classification model",
            DocumentKind::RegimeSettings => "reporting regime settings",
            DocumentKind::RegimeInputs => "reporting regime inputs",
            DocumentKind::GapFramework => "framework",
            DocumentKind::GapAssessment => "gap assessment",
            DocumentKind::GapRoadmap => "remediation roadmap",
            DocumentKind::GapMapping => "framework mapping",
        }
    }

    /// The kind for a stored code.
    pub fn from_code(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A document to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// What it holds.
    pub kind: DocumentKind,
    /// Its key within the kind.
    pub key: String,
    /// The institution it belongs to, so scoped users see only their own.
    pub institution: Option<String>,
    /// A human title for lists.
    pub title: String,
    /// The JSON text.
    pub body: String,
}

impl Document {
    /// SHA-256 of the body, as lower-case hex: what the audit trail records instead of the body.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.body.as_bytes()))
    }
}

/// A stored document without its body, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    /// What it holds.
    pub kind: DocumentKind,
    /// Its key within the kind.
    pub key: String,
    /// The institution it belongs to.
    pub institution: Option<String>,
    /// A human title.
    pub title: String,
    /// Size of the body in bytes.
    pub bytes: i64,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
}
