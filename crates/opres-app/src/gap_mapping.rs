//! Mappings between frameworks (NIST IR 8477 relations) and the results they pre-fill: an
//! institution assessed against one framework starts another with every result the mapping can
//! carry over, each showing the source requirements it came from.
//!
//! One document per (source, target) pair; importing the pair again replaces it (a new version,
//! in the audit trail). The rule that combines several sources is the engine's
//! (`opres_gap::mapping::prefill`); scope, roles and which source assessment counts are here.

use crate::error::Noun;
use crate::gap::{FrameworkFile, GapAssessmentView, assessment_number};
use crate::regimes::Versioned;
use crate::{Actor, AppError, Permission, Register};
use opres_domain::{Problem, Timestamp};
use opres_gap::{ImportError, ImportProblem, Mapping, MappingRecord, Prefill, Reason, Status};
use opres_store::{Document, DocumentKind, DocumentSummary};
use serde::Serialize;

/// A stored mapping in the list.
#[derive(Debug, Clone, Serialize)]
pub struct MappingSummary {
    /// Source framework id.
    pub source_framework: String,
    /// Target framework id.
    pub target_framework: String,
    /// Links that relate two requirements (not `not_related`).
    pub related_links: usize,
    /// Every link, `not_related` ones included.
    pub links: usize,
    /// Stored version (1 on the first import).
    pub version: i64,
    /// Last imported.
    pub updated_at: Timestamp,
}

/// What a mapping proposes for one requirement of an assessment, and from which assessment.
#[derive(Debug, Clone, Serialize)]
pub struct MappedProposal {
    /// The source assessment (the institution's latest against the mapping's source framework).
    pub source_assessment: String,
    /// Its workflow status: a draft's results may still change.
    pub source_status: Status,
    /// The source framework.
    pub source_framework: String,
    /// The proposal, with every source requirement that contributed.
    pub prefill: Prefill,
    /// Whether the requirement already has an entry (pre-filling never replaces one).
    pub answered: bool,
}

/// The document key of the mapping from `source` to `target`.
fn mapping_key(source: &str, target: &str) -> String {
    format!("{source}~{target}")
}

impl Register {
    /// Imports a mapping file (JSON, `docs/gap-assessment.md`), all or nothing, every problem
    /// located: both frameworks must exist, every link name an assessable requirement of each.
    /// Importing the same pair again replaces the mapping.
    pub async fn import_gap_mapping(&self, actor: &Actor, file: FrameworkFile<'_>) -> Result<MappingSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let record: MappingRecord = opres_gap::oscal::parse_json(file.name, file.bytes)?;
        let mut unknown = Vec::new();
        let mut frameworks = Vec::new();
        for (field, id) in
            [("source_framework", &record.source_framework), ("target_framework", &record.target_framework)]
        {
            let id = id.trim();
            let reason = if id.is_empty() {
                Reason::Field(Problem::Required)
            } else {
                match self.framework_by_id(id).await {
                    Ok(f) => {
                        frameworks.push(f);
                        continue;
                    }
                    Err(AppError::NotFound { .. }) => Reason::Field(Problem::UnknownReference { value: id.into() }),
                    Err(e) => return Err(e),
                }
            };
            unknown.push(ImportProblem { file: file.name.into(), at: "/".into(), field: field.into(), reason });
        }
        let [source, target] = match <[_; 2]>::try_from(frameworks) {
            Ok(both) => both,
            Err(_) => return Err(ImportError(unknown).into()),
        };
        let mapping = record.validate(file.name, &source, &target)?;
        let key = mapping_key(&source.id, &target.id);
        let current = self.store.document(DocumentKind::GapMapping, &key).await?.map(|d| d.version);
        let doc = Document {
            kind: DocumentKind::GapMapping,
            key,
            institution: None,
            title: format!("{} → {}", source.id, target.id),
            body: crate::regimes::to_json(&mapping.to_record())?,
        };
        let saved = self.store.save_document(&doc, current, &actor.audit()).await?;
        Ok(summary(&mapping, &saved))
    }

    /// Every stored mapping, by source then target.
    pub async fn gap_mappings(&self, actor: &Actor) -> Result<Vec<MappingSummary>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let mut out = Vec::new();
        for d in self.store.list_documents(DocumentKind::GapMapping).await? {
            out.push(summary(&self.stored_mapping(&d.key).await?.value, &d));
        }
        out.sort_by(|a, b| (&a.source_framework, &a.target_framework).cmp(&(&b.source_framework, &b.target_framework)));
        Ok(out)
    }

    /// The mapping from `source` to `target`, validated again against both frameworks as they are.
    pub async fn gap_mapping(&self, actor: &Actor, source: &str, target: &str) -> Result<Mapping, AppError> {
        actor.require(Permission::ReadRegister)?;
        Ok(self.stored_mapping(&mapping_key(source, target)).await?.value)
    }

    /// What every mapping into this assessment's framework proposes, from the institution's latest
    /// assessment against each mapping's source framework (any status; the status is given).
    /// Requirements that already have an entry are included and marked as answered.
    pub async fn gap_mapped_proposals(
        &self,
        actor: &Actor,
        view: &GapAssessmentView,
    ) -> Result<Vec<MappedProposal>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let institution = view.record.institution.as_str();
        let assessments: Vec<DocumentSummary> = self
            .store
            .list_documents(DocumentKind::GapAssessment)
            .await?
            .into_iter()
            .filter(|d| d.institution.as_deref() == Some(institution) && d.key != view.key)
            .collect();
        let mut out = Vec::new();
        for d in self.store.list_documents(DocumentKind::GapMapping).await? {
            let mapping = self.stored_mapping(&d.key).await?.value;
            if mapping.target_framework != view.framework.id {
                continue;
            }
            let latest = assessments
                .iter()
                .filter(|a| a.title.split_once(" · ").is_some_and(|(f, _)| f == mapping.source_framework))
                .max_by_key(|a| assessment_number(&a.key));
            let Some(latest) = latest else { continue };
            let source = self.stored_assessment(&latest.key).await?.value.assessment;
            for prefill in opres_gap::prefill(&mapping, &source, &view.framework) {
                out.push(MappedProposal {
                    answered: view.record.assessment.entries.contains_key(&prefill.target),
                    source_assessment: latest.key.clone(),
                    source_status: source.status,
                    source_framework: mapping.source_framework.clone(),
                    prefill,
                });
            }
        }
        Ok(out)
    }

    /// Pre-fills a draft's unanswered requirements from every mapping's proposal (the assessor
    /// asked for it; an entry already made is never replaced), in one save based on
    /// `expected_version`. Returns the save and how many requirements were filled. Where two
    /// mappings propose for the same requirement, the first (by source framework) is taken.
    pub async fn apply_gap_mapped_proposals(
        &self,
        actor: &Actor,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<(DocumentSummary, usize), AppError> {
        actor.require(Permission::EditGap)?;
        let expected_version = expected_version.ok_or(AppError::VersionRequired)?;
        let view = self.gap_assessment(actor, key).await?;
        if view.version != expected_version {
            // A stale page is told so before it is told anything about the contents.
            return Err(opres_store::StoreError::Conflict {
                what: DocumentKind::GapAssessment.noun(),
                key: key.to_string(),
                current_version: view.version,
            }
            .into());
        }
        let proposals = self.gap_mapped_proposals(actor, &view).await?;
        let mut record = view.record;
        let scale_max = record.assessment.scale_max;
        let mut filled = 0;
        let mut sources = std::collections::BTreeMap::new();
        for p in proposals.iter().filter(|p| !p.answered) {
            if record.assessment.entries.contains_key(&p.prefill.target) {
                continue;
            }
            if !sources.contains_key(&p.source_assessment) {
                let a = self.stored_assessment(&p.source_assessment).await?.value.assessment;
                sources.insert(p.source_assessment.clone(), a);
            }
            let Some(source) = sources.get(&p.source_assessment) else { continue };
            let entry = p.prefill.to_entry(&p.source_assessment, source, scale_max, actor.lang());
            record.assessment.set(&view.framework, &p.prefill.target, entry).map_err(crate::gap::workflow_refused)?;
            filled += 1;
        }
        if filled == 0 {
            return Err(AppError::Refused {
                kind: "nothing_to_prefill",
                message: crate::Message::new(
                    "対応付けから事前入力できる未回答の要件はありません",
                    "No unanswered requirement can be pre-filled from a mapping",
                ),
            });
        }
        let saved = self.save_assessment(actor, key, &record, Some(expected_version)).await?;
        Ok((saved, filled))
    }

    async fn stored_mapping(&self, key: &str) -> Result<Versioned<Mapping>, AppError> {
        let stored: Versioned<Option<MappingRecord>> = self.load(DocumentKind::GapMapping, key).await?;
        let record = stored.value.ok_or_else(|| AppError::not_found(Noun::Mapping, key))?;
        let (source, target) = key.split_once('~').unwrap_or((key, ""));
        let (source, target) = (self.framework_by_id(source).await?, self.framework_by_id(target).await?);
        let mapping = record
            .validate(key, &source, &target)
            .map_err(|e| AppError::Internal(format!("stored mapping '{key}' no longer validates: {e}")))?;
        Ok(Versioned { value: mapping, version: stored.version, updated_at: stored.updated_at })
    }
}

fn summary(mapping: &Mapping, saved: &DocumentSummary) -> MappingSummary {
    MappingSummary {
        source_framework: mapping.source_framework.clone(),
        target_framework: mapping.target_framework.clone(),
        related_links: mapping.links.iter().filter(|l| l.relation != opres_gap::Relation::NotRelated).count(),
        links: mapping.links.len(),
        version: saved.version,
        updated_at: saved.updated_at,
    }
}
