//! Gap assessment: frameworks (built in and imported), assessments of an institution against a
//! framework with their workflow, and the gaps and priorities that follow from them.
//!
//! Frameworks imported by users are stored once, in opres's own format, and validated again when
//! read; an assessment is one versioned document per institution and framework round, saved whole
//! so two assessors cannot silently overwrite each other.

use crate::error::Noun;
use crate::regimes::Versioned;
use crate::{Actor, AppError, Permission, Register};
use chrono::NaiveDate;
use opres_domain::{Bilingual, InstitutionCode, Problem, Timestamp};
use opres_gap::{Assessment, EntryRecord, Framework, FrameworkRecord, Gap, ProposalSeen, Status, Transition, oscal};
use opres_store::{Document, DocumentKind, DocumentSummary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A framework as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkSummary {
    /// Stable id.
    pub id: String,
    /// Version of the catalogue.
    pub version: String,
    /// Name.
    pub name: Bilingual,
    /// Source and terms.
    pub source: String,
    /// Shipped with opres (true) or imported by a user.
    pub built_in: bool,
    /// Number of assessable requirements.
    pub assessable: usize,
}

impl FrameworkSummary {
    fn of(f: &Framework, built_in: bool) -> FrameworkSummary {
        FrameworkSummary {
            id: f.id.clone(),
            version: f.version.clone(),
            name: f.name.clone(),
            source: f.source.clone(),
            built_in,
            assessable: f.assessable().count(),
        }
    }
}

/// One step of an assessment's workflow, kept so the page shows who moved it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowStep {
    /// The state it moved to.
    pub status: Status,
    /// Who moved it.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// What they said (an approval's comment, a return's reason).
    #[serde(default)]
    pub comment: String,
}

/// An institution's assessment against one framework, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapAssessmentRecord {
    /// The institution assessed.
    pub institution: InstitutionCode,
    /// The framework's version when the assessment started.
    pub framework_version: String,
    /// The JST day it started.
    pub started_on: NaiveDate,
    /// The assessment it started from, if any.
    pub previous: Option<String>,
    /// Results, maturities and the workflow state.
    pub assessment: Assessment,
    /// Every workflow step, oldest first.
    #[serde(default)]
    pub history: Vec<WorkflowStep>,
}

/// An assessment in the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapAssessmentSummary {
    /// Its key (`<institution>-GA-<n>`).
    pub key: String,
    /// The institution.
    pub institution: String,
    /// Framework id.
    pub framework: String,
    /// The JST day it started (`YYYY-MM-DD`).
    pub started_on: String,
    /// Stored version.
    pub version: i64,
    /// Last saved.
    pub updated_at: Timestamp,
}

/// One assessment with what the page, the API and the report show of it.
#[derive(Debug, Clone)]
pub struct GapAssessmentView {
    /// Its key.
    pub key: String,
    /// Stored version (send it back to change the assessment).
    pub version: i64,
    /// When it was last saved.
    pub updated_at: Timestamp,
    /// The stored record.
    pub record: GapAssessmentRecord,
    /// The framework it is assessed against.
    pub framework: Framework,
    /// Gaps of every applicable entry, highest priority first.
    pub gaps: Vec<Gap>,
    /// Sum of gaps per area (root node id).
    pub gaps_by_area: BTreeMap<String, u32>,
    /// Requirements changed since the previous assessment (`None`: there is none).
    pub changed_since_previous: Option<Vec<String>>,
}

impl GapAssessmentView {
    /// Assessable requirements without an entry yet.
    pub fn unanswered(&self) -> usize {
        self.framework.assessable().filter(|r| !self.record.assessment.entries.contains_key(&r.id)).count()
    }

    /// The one JSON shape of an assessment, for the API and `opres gap assess show --json`.
    pub fn to_json(&self, lang: opres_domain::Lang) -> serde_json::Value {
        use serde_json::json;
        let a = &self.record.assessment;
        json!({
            "key": self.key,
            "version": self.version,
            "institution": self.record.institution.to_string(),
            "framework": a.framework,
            "framework_version": self.record.framework_version,
            "framework_name": self.framework.name.get(lang),
            "started_on": self.record.started_on,
            "previous": self.record.previous,
            "status": a.status.code(),
            "status_label": a.status.label(lang),
            "scale_max": a.scale_max,
            "assessable": self.framework.assessable().count(),
            "unanswered": self.unanswered(),
            "entries": a.entries.iter().map(|(id, e)| json!({
                "requirement": id,
                "result": e.outcome.code().code(),
                "result_label": e.outcome.code().label(lang),
                "entry": e,
            })).collect::<Vec<_>>(),
            "gaps": self.gaps,
            "gaps_by_area": self.gaps_by_area,
            "changed_since_previous": self.changed_since_previous,
            "history": self.record.history,
        })
    }
}

/// A framework file to import: its name (the format follows the extension and content) and bytes.
#[derive(Debug, Clone, Copy)]
pub struct FrameworkFile<'a> {
    /// The file name as the user gave it.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

impl Register {
    /// Every framework: the built-in catalogues, then the imported ones by id.
    pub async fn gap_frameworks(&self, actor: &Actor) -> Result<Vec<FrameworkSummary>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let mut out: Vec<FrameworkSummary> =
            built_in_frameworks()?.iter().map(|f| FrameworkSummary::of(f, true)).collect();
        for summary in self.store.list_documents(DocumentKind::GapFramework).await? {
            out.push(FrameworkSummary::of(&self.stored_framework(&summary.key).await?, false));
        }
        Ok(out)
    }

    /// One framework by id.
    pub async fn gap_framework(&self, actor: &Actor, id: &str) -> Result<Framework, AppError> {
        actor.require(Permission::ReadRegister)?;
        self.framework_by_id(id).await
    }

    /// Imports a framework, all or nothing: an opres framework file (JSON), an OSCAL catalog, or an
    /// OSCAL profile together with the catalog it selects from. Every problem is located.
    pub async fn import_gap_framework(
        &self,
        actor: &Actor,
        file: FrameworkFile<'_>,
        catalog: Option<FrameworkFile<'_>>,
    ) -> Result<FrameworkSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let framework = read_framework(file, catalog)?;
        if built_in_frameworks()?.iter().any(|f| f.id == framework.id)
            || self.store.document(DocumentKind::GapFramework, &framework.id).await?.is_some()
        {
            return Err(AppError::invalid_field("id", Problem::AlreadyRegistered { value: framework.id.clone() }));
        }
        let doc = Document {
            kind: DocumentKind::GapFramework,
            key: framework.id.clone(),
            institution: None,
            title: framework.name.get(actor.lang()).to_string(),
            body: crate::regimes::to_json(&framework.to_record())?,
        };
        self.store.save_document(&doc, None, &actor.audit()).await?;
        Ok(FrameworkSummary::of(&framework, false))
    }

    /// The assessments the actor may see, newest first.
    pub async fn gap_assessments(&self, actor: &Actor) -> Result<Vec<GapAssessmentSummary>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let mut out: Vec<GapAssessmentSummary> = self
            .store
            .list_documents(DocumentKind::GapAssessment)
            .await?
            .into_iter()
            .filter(|d| in_scope(actor, d))
            .map(|d| {
                let (framework, started_on) = d.title.split_once(" · ").unwrap_or(("", &d.title));
                GapAssessmentSummary {
                    framework: framework.to_string(),
                    started_on: started_on.to_string(),
                    institution: d.institution.clone().unwrap_or_default(),
                    key: d.key,
                    version: d.version,
                    updated_at: d.updated_at,
                }
            })
            .collect();
        out.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| b.key.cmp(&a.key)));
        Ok(out)
    }

    /// Starts an assessment of `institution` against a framework. It starts from the latest
    /// assessment of the same pair when there is one (its entries become the new draft's), so the
    /// new round shows what changed.
    pub async fn start_gap_assessment(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        framework_id: &str,
        today: NaiveDate,
    ) -> Result<GapAssessmentSummary, AppError> {
        actor.require(Permission::EditGap)?;
        self.institution(actor, institution).await?;
        let framework = self.framework_by_id(framework_id).await?;
        let existing: Vec<DocumentSummary> = self
            .store
            .list_documents(DocumentKind::GapAssessment)
            .await?
            .into_iter()
            .filter(|d| d.institution.as_deref() == Some(institution.as_str()))
            .collect();
        let n = existing.iter().filter_map(|d| assessment_number(&d.key)).max().unwrap_or(0) + 1;
        let previous = existing
            .iter()
            .filter(|d| d.title.split_once(" · ").is_some_and(|(f, _)| f == framework.id))
            .max_by_key(|d| assessment_number(&d.key))
            .map(|d| d.key.clone());
        let assessment = match &previous {
            Some(key) => Assessment::from_previous(&self.stored_assessment(key).await?.value.assessment),
            None => Assessment::new(&framework),
        };
        let record = GapAssessmentRecord::draft(institution, &framework, today, previous, assessment, actor);
        let key = format!("{institution}-GA-{n}");
        let saved = self.save_assessment(actor, &key, &record, None).await?;
        Ok(GapAssessmentSummary {
            key,
            institution: institution.to_string(),
            framework: framework.id,
            started_on: today.to_string(),
            version: saved.version,
            updated_at: saved.updated_at,
        })
    }

    /// Starts an assessment from what a form or the API gives (institution code and framework id
    /// as typed): the role first, then both choices, every problem at once.
    pub async fn start_gap_assessment_from(
        &self,
        actor: &Actor,
        institution: &str,
        framework_id: &str,
        today: NaiveDate,
    ) -> Result<GapAssessmentSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let mut problems = opres_domain::ValidationErrors::default();
        for (field, value) in [("institution", institution), ("framework", framework_id)] {
            if value.trim().is_empty() {
                problems.push(field, Problem::Required);
            }
        }
        if !problems.is_empty() {
            return Err(problems.into());
        }
        let code = crate::institution_code(institution.trim())?;
        self.start_gap_assessment(actor, &code, framework_id.trim(), today).await
    }

    /// One assessment with its gaps.
    pub async fn gap_assessment(&self, actor: &Actor, key: &str) -> Result<GapAssessmentView, AppError> {
        actor.require(Permission::ReadRegister)?;
        let stored = self.stored_assessment(key).await?;
        actor.require_sees(&stored.value.institution, Noun::GapAssessment, key)?;
        let framework = self.framework_by_id(&stored.value.assessment.framework).await?;
        let changed_since_previous = match &stored.value.previous {
            Some(p) => {
                let previous = self.stored_assessment(p).await?;
                Some(stored.value.assessment.changed_since(&previous.value.assessment))
            }
            None => None,
        };
        let a = &stored.value.assessment;
        Ok(GapAssessmentView {
            key: key.to_string(),
            version: stored.version.unwrap_or(0),
            updated_at: stored.updated_at.unwrap_or_else(chrono::Utc::now),
            gaps: a.gaps(&framework),
            gaps_by_area: a.gaps_by_area(&framework),
            changed_since_previous,
            framework,
            record: stored.value,
        })
    }

    /// Records one requirement's entry of a draft, based on `expected_version`. `proposal` is the
    /// derived proposal the assessor had in front of them, if any (accepting or overriding it).
    pub async fn record_gap_entry(
        &self,
        actor: &Actor,
        key: &str,
        requirement: &str,
        entry: &EntryRecord,
        proposal: Option<ProposalSeen>,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        actor.require(Permission::EditGap)?;
        let view = self.gap_assessment(actor, key).await?;
        let expected_version = expected_version.ok_or(AppError::VersionRequired)?;
        if !view.framework.get(requirement).is_some_and(|r| r.assessable) {
            return Err(AppError::not_found(Noun::Requirement, requirement));
        }
        let mut record = view.record;
        let entry = entry.validate(record.assessment.scale_max, proposal)?;
        record.assessment.set(&view.framework, requirement, entry).map_err(workflow_refused)?;
        self.save_assessment(actor, key, &record, Some(expected_version)).await
    }

    /// Moves an assessment through its workflow: submit, return (with a reason), approve
    /// (executives only, with a comment) and lock.
    pub async fn move_gap_assessment(
        &self,
        actor: &Actor,
        key: &str,
        transition: GapTransition,
        comment: &str,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        let t = match transition {
            GapTransition::Submit => Transition::Submit,
            GapTransition::Return => Transition::Return,
            GapTransition::Approve => Transition::Approve { executive: actor.can(Permission::ApproveGap) },
            GapTransition::Lock => Transition::Lock,
        };
        match t {
            Transition::Approve { executive: false } => return Err(AppError::Forbidden),
            Transition::Approve { .. } => actor.require(Permission::ApproveGap)?,
            _ => actor.require(Permission::EditGap)?,
        }
        let view = self.gap_assessment(actor, key).await?;
        let expected_version = expected_version.ok_or(AppError::VersionRequired)?;
        if matches!(transition, GapTransition::Return) && comment.trim().is_empty() {
            return Err(AppError::invalid_field("comment", Problem::Required));
        }
        let mut record = view.record;
        let status = record.assessment.apply(t).map_err(workflow_refused)?;
        record.history.push(WorkflowStep {
            status,
            by: actor.username().to_string(),
            at: chrono::Utc::now(),
            comment: comment.trim().to_string(),
        });
        self.save_assessment(actor, key, &record, Some(expected_version)).await
    }

    pub(crate) async fn save_assessment(
        &self,
        actor: &Actor,
        key: &str,
        record: &GapAssessmentRecord,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, AppError> {
        let doc = assessment_document(key, record)?;
        Ok(self.store.save_document(&doc, expected_version, &actor.audit()).await?)
    }

    pub(crate) async fn stored_assessment(&self, key: &str) -> Result<Versioned<GapAssessmentRecord>, AppError> {
        let stored: Versioned<Option<GapAssessmentRecord>> = self.load(DocumentKind::GapAssessment, key).await?;
        match stored.value {
            Some(value) => Ok(Versioned { value, version: stored.version, updated_at: stored.updated_at }),
            None => Err(AppError::not_found(Noun::GapAssessment, key)),
        }
    }

    /// A framework by id: built in first, then imported.
    pub(crate) async fn framework_by_id(&self, id: &str) -> Result<Framework, AppError> {
        if let Some(f) = built_in_frameworks()?.into_iter().find(|f| f.id == id) {
            return Ok(f);
        }
        self.stored_framework(id).await
    }

    async fn stored_framework(&self, id: &str) -> Result<Framework, AppError> {
        let stored: Versioned<Option<FrameworkRecord>> = self.load(DocumentKind::GapFramework, id).await?;
        let record = stored.value.ok_or_else(|| AppError::not_found(Noun::Framework, id))?;
        record.validate(id).map_err(|e| AppError::Internal(format!("stored framework '{id}' no longer validates: {e}")))
    }
}

/// The workflow moves a front end can ask for (approval's executive check is the app's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapTransition {
    /// Draft → in review.
    Submit,
    /// In review → draft, with a reason.
    Return,
    /// In review → approved, by an executive.
    Approve,
    /// Approved → locked.
    Lock,
}

impl GapTransition {
    /// The transition for its code (`submit`, `return`, `approve`, `lock`).
    pub fn parse(code: &str) -> Result<GapTransition, AppError> {
        match code.trim().to_ascii_lowercase().as_str() {
            "submit" => Ok(GapTransition::Submit),
            "return" => Ok(GapTransition::Return),
            "approve" => Ok(GapTransition::Approve),
            "lock" => Ok(GapTransition::Lock),
            other => Err(AppError::invalid_field(
                "transition",
                Problem::UnknownCode {
                    value: other.to_string(),
                    expected: vec!["submit", "return", "approve", "lock"],
                },
            )),
        }
    }
}

/// Every built-in catalogue, validated (a broken one is a defect of opres, not of the user).
fn built_in_frameworks() -> Result<Vec<Framework>, AppError> {
    opres_gap::framework::BUILT_IN
        .iter()
        .map(|(file, _)| match opres_gap::built_in(file) {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(AppError::Internal(format!("built-in framework {file}: {e}"))),
            None => Err(AppError::Internal(format!("built-in framework {file} is missing"))),
        })
        .collect()
}

/// Reads a framework file by its format: a CISO Assistant library (`.yaml`), a bank's checklist
/// (`.csv`, `.xlsx`), or JSON: an OSCAL catalog, an OSCAL profile (with its catalog) or opres's own.
fn read_framework(file: FrameworkFile<'_>, catalog: Option<FrameworkFile<'_>>) -> Result<Framework, AppError> {
    let lower = file.name.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    // A bank's own checklist has no id or name inside: the file's stem is both.
    let stem = || {
        let base = file.name.rsplit(['/', '\\']).next().unwrap_or(file.name);
        base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base).to_string()
    };
    match extension {
        "yaml" | "yml" => return Ok(opres_gap::import_ciso(file.name, file.bytes)?),
        "csv" => {
            let stem = stem();
            return Ok(opres_gap::import_checklist_csv(file.name, &stem, &Bilingual::both(&stem, &stem), file.bytes)?);
        }
        "xlsx" => {
            let stem = stem();
            return Ok(opres_gap::import_checklist_xlsx(file.name, &stem, &Bilingual::both(&stem, &stem), file.bytes)?);
        }
        _ => {}
    }
    let head: serde_json::Value = oscal::parse_json(file.name, file.bytes)?;
    if head.get("catalog").is_some() {
        return Ok(oscal::import_catalog(file.name, file.bytes)?);
    }
    if head.get("profile").is_some() {
        let Some(catalog) = catalog else {
            return Err(AppError::invalid_field("catalog", Problem::Required));
        };
        let catalog = oscal::import_catalog(catalog.name, catalog.bytes)?;
        return Ok(oscal::resolve_profile(file.name, file.bytes, &catalog)?);
    }
    let record: FrameworkRecord = oscal::parse_json(file.name, file.bytes)?;
    Ok(record.validate(file.name)?)
}

/// Whether a document of an institution is within the actor's scope.
pub(crate) fn in_scope(actor: &Actor, d: &DocumentSummary) -> bool {
    match (actor.scope_filter(), d.institution.as_deref()) {
        (None, _) => true,
        (Some(codes), Some(i)) => codes.iter().any(|c| c.as_str() == i),
        (Some(_), None) => false,
    }
}

/// The stored document of an assessment.
pub(crate) fn assessment_document(key: &str, record: &GapAssessmentRecord) -> Result<Document, AppError> {
    Ok(Document {
        kind: DocumentKind::GapAssessment,
        key: key.to_string(),
        institution: Some(record.institution.to_string()),
        // "<framework> · <started>": the list reads both without opening every body.
        title: format!("{} · {}", record.assessment.framework, record.started_on),
        body: crate::regimes::to_json(record)?,
    })
}

impl GapAssessmentRecord {
    /// A new draft of `institution` against `framework`, started by `actor` on `started_on`.
    pub(crate) fn draft(
        institution: &InstitutionCode,
        framework: &Framework,
        started_on: NaiveDate,
        previous: Option<String>,
        assessment: Assessment,
        actor: &Actor,
    ) -> GapAssessmentRecord {
        GapAssessmentRecord {
            institution: institution.clone(),
            framework_version: framework.version.clone(),
            started_on,
            previous,
            assessment,
            history: vec![WorkflowStep {
                status: Status::Draft,
                by: actor.username().to_string(),
                at: chrono::Utc::now(),
                comment: String::new(),
            }],
        }
    }
}

pub(crate) fn assessment_number(key: &str) -> Option<u32> {
    key.rsplit_once("-GA-")?.1.parse().ok()
}

pub(crate) fn workflow_refused(e: opres_gap::WorkflowError) -> AppError {
    use opres_domain::Lang;
    use opres_gap::WorkflowError as W;
    let ja = match &e {
        W::NotFrom { from, .. } => format!("{}のギャップ評価にはこの操作を行えません", from.label(Lang::Ja)),
        W::NotExecutive => "承認できるのは経営層の役割を持つ利用者だけです".to_string(),
        W::NotEditable(s) => format!("{}のギャップ評価は編集できません（下書きに戻してください）", s.label(Lang::Ja)),
        W::OffScale { value, max } => format!("成熟度 {value} は尺度の上限 {max} を超えています"),
        W::UnknownRequirement(id) => format!("「{id}」はこのフレームワークの評価対象の要件ではありません"),
    };
    AppError::Refused { kind: "workflow", message: crate::Message::new(ja, e.to_string()) }
}

/// How far back the register's incidents count for a proposal: the twelve months to today.
const FACTS_PERIOD_MONTHS: u32 = 12;

impl Register {
    /// Results proposed for an assessment from its institution's own records, with their reasons
    /// and the records used. Sources opres cannot read yet give no proposal for what they answer
    /// (never a guessed "met"); see `docs/gap-assessment.md` for which are collected.
    pub async fn gap_proposals(
        &self,
        actor: &Actor,
        view: &GapAssessmentView,
        today: NaiveDate,
    ) -> Result<Vec<opres_gap::Proposal>, AppError> {
        let facts = self.gap_facts(actor, &view.record.institution, today).await?;
        Ok(opres_gap::derive(&view.framework, &facts, today))
    }

    /// The facts of one institution the derivations read: its incidents of the last twelve months
    /// with their recurrence chains, the practice assessment of its latest TLPT engagement, and
    /// its dependency map and scenario runs.
    async fn gap_facts(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        today: NaiveDate,
    ) -> Result<opres_gap::Facts, AppError> {
        use opres_gap::derive::{IncidentFacts, Period, PeriodIncident, TlptFacts};
        let from = today.checked_sub_months(chrono::Months::new(FACTS_PERIOD_MONTHS)).unwrap_or(today);
        let period = Period::new(from, today).map_err(|e| AppError::Internal(e.to_string()))?;
        let (incidents, _) = self.analysis_input(actor, Some(std::slice::from_ref(institution))).await?;
        let criticality: BTreeMap<String, opres_domain::Criticality> = self
            .store
            .list_systems(Some(institution))
            .await?
            .into_iter()
            .map(|s| (s.value.code.to_string(), s.value.criticality))
            .collect();
        let recurrences = opres_analysis::recurrence::Recurrences::find(
            incidents.iter(),
            &opres_analysis::recurrence::RecurrenceParams::default(),
        );
        let in_period: Vec<PeriodIncident> = incidents
            .iter()
            .filter_map(|i| {
                let on = opres_domain::jst_date(&i.times.occurred_at());
                (on >= from && on <= today).then(|| PeriodIncident {
                    reference: i.reference.clone(),
                    occurred_on: on,
                    trend: i.classification.trend(),
                    impact: i.affected_systems.iter().filter_map(|s| criticality.get(s.as_str()).copied()).max(),
                })
            })
            .collect();
        let in_period_refs: std::collections::BTreeSet<&opres_domain::IncidentRef> =
            in_period.iter().map(|i| &i.reference).collect();
        let vendor_incidents = incidents
            .iter()
            .filter(|i| in_period_refs.contains(&i.reference))
            .filter_map(|i| {
                let provider = i.vendor.clone()?;
                Some(opres_gap::derive::VendorIncident { incident: i.reference.clone(), provider })
            })
            .collect();
        let incident_facts = IncidentFacts {
            as_of: today,
            period,
            incidents: in_period,
            chains: recurrences.chains.into_iter().map(|c| c.incidents).collect(),
        };
        let mut tlpt = None;
        let mut culture: Option<opres_gap::derive::CultureFacts> = None;
        for d in self.tlpt_programmes(actor).await? {
            if d.institution.as_deref() != Some(institution.as_str()) {
                continue;
            }
            let Some(sp) = self.tlpt_programme(actor, &d.key).await? else { continue };
            let ended = |e: &opres_tlpt::Engagement| e.phases.iter().filter_map(|p| p.end.or(Some(p.start))).max();
            let latest = sp.programme.engagements.iter().max_by_key(|e| ended(e)).map(|e| &e.id);
            // Every engagement's practice assessment: the latest one's checks, and from each
            // management report what it shows of the reporting culture.
            for e in &sp.programme.engagements {
                let Some(tested_on) = ended(e) else { continue };
                let a = opres_tlpt::assess::assess(
                    &sp.programme,
                    e.id.as_str(),
                    &opres_tlpt::assess::AssessOptions::new(today),
                )
                .map_err(|x| AppError::Internal(format!("TLPT assessment of {}: {x}", e.id)))?;
                if let Some(r) = &a.reporting {
                    let c = culture.get_or_insert_with(|| opres_gap::derive::CultureFacts {
                        engagements: vec![],
                        latest_tested_on: tested_on,
                        recurring_omitted: vec![],
                        good_result_only: vec![],
                    });
                    c.engagements.push(e.id.clone());
                    c.latest_tested_on = c.latest_tested_on.max(tested_on);
                    c.recurring_omitted.extend(
                        r.recurring_omitted.iter().map(|f| opres_gap::derive::OmittedFinding {
                            finding: f.clone(),
                            engagement: e.id.clone(),
                        }),
                    );
                    if r.good_result_only {
                        c.good_result_only.push(e.id.clone());
                    }
                }
                if Some(&e.id) == latest {
                    tlpt = Some(TlptFacts { engagement: e.id.clone(), tested_on, checks: a.checks });
                }
            }
        }
        let mut facts = opres_gap::Facts { incidents: Some(incident_facts), tlpt, culture, ..Default::default() };
        self.resilience_facts(actor, institution, &mut facts, vendor_incidents).await?;
        Ok(facts)
    }

    /// The facts of the institution's dependency map and its scenario runs, when it has a map:
    /// redundancy (soft SPOFs; a run "worked" when, switchovers working as designed, every
    /// service stayed within tolerance), capacity (headroom and exhaustion runs), third parties
    /// (concentration over ultimate parents, providers without substitute, incidents naming a
    /// vendor) and operational resilience (services, tolerances, BCP RTOs, scenarios run).
    async fn resilience_facts(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        facts: &mut opres_gap::Facts,
        vendor_incidents: Vec<opres_gap::derive::VendorIncident>,
    ) -> Result<(), AppError> {
        use opres_gap::derive::{
            CapacityFacts, CapacityReading, FailoverRun, Hhi, NoSubstitute, RedundancyFacts, ResilienceFacts,
            ResourceRto, ScenarioFacts, ScenarioRun, ServiceFacts, ThirdPartyFacts, ToleranceFacts,
        };
        use opres_resilience::scenario::ScenarioKind;
        let Some(stored) = self.resilience_map(actor, institution).await? else { return Ok(()) };
        let as_of = opres_domain::jst_date(&stored.updated_at);
        let read = crate::resilience::MapRead::of(&stored.map);
        let spof = read.spof();
        let concentration = read.concentration();
        let runs = self.resilience_scenario_list(actor, institution).await?;
        let internal = |e: opres_gap::FactsError| AppError::Internal(e.to_string());
        let period_refs = |trends: &[opres_domain::Trend]| -> Vec<opres_domain::IncidentRef> {
            facts
                .incidents
                .iter()
                .flat_map(|f| f.incidents.iter())
                .filter(|i| trends.contains(&i.trend))
                .map(|i| i.reference.clone())
                .collect()
        };
        let mut failover_runs = Vec::new();
        let mut exhaustion_runs = Vec::new();
        let mut scenarios = Vec::new();
        for (id, sc, run) in &runs {
            let ran_on = run.as_ref().map(|r| opres_domain::jst_date(&r.doc.ran_at));
            scenarios.push(ScenarioFacts { scenario: id.clone(), last_run: ran_on });
            let (Some(r), Some(ran_on)) = (run, ran_on) else { continue };
            let breach = r.doc.paper.services.iter().any(|s| s.breach);
            // A run exercises redundancy when assuming every switchover fails changes its outcome.
            if r.doc.paper_failover_fails.services != r.doc.paper.services {
                failover_runs.push(FailoverRun { scenario: id.clone(), ran_on, switchover_worked: !breach });
            }
            if matches!(sc.doc.scenario.kind, ScenarioKind::CapacityExhaustion { .. }) {
                exhaustion_runs.push(ScenarioRun { scenario: id.clone(), ran_on, breach });
            }
        }
        use opres_domain::Trend as T;
        facts.redundancy = Some(RedundancyFacts {
            as_of,
            failover_runs,
            soft_spofs: spof.soft.iter().map(|s| s.node.clone()).collect(),
            incidents: period_refs(&[T::OperationsRedundancy]),
        });
        let readings = stored
            .map
            .resources()
            .iter()
            .filter_map(|r| r.capacity.as_ref().map(|c| (r.id.to_string(), c)))
            .map(|(id, c)| CapacityReading::new(id, c.headroom, c.growth_per_day))
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        facts.capacity = Some(CapacityFacts {
            as_of,
            readings,
            exhaustion_runs,
            incidents: period_refs(&[T::OperationsStorage, T::OperationsCapacity]),
        });
        facts.third_party = Some(ThirdPartyFacts {
            as_of,
            hhi: Hhi::new(concentration.by_parent.hhi).map_err(internal)?,
            no_substitute: concentration
                .providers
                .iter()
                .filter(|p| !p.no_substitute_services.is_empty())
                .map(|p| NoSubstitute { provider: p.name.clone(), services: p.no_substitute_services.clone() })
                .collect(),
            vendor_incidents,
        });
        let rto: BTreeMap<String, Option<f64>> =
            stored.map.resources().iter().map(|r| (r.id.to_string(), r.rto_minutes)).collect();
        facts.resilience = Some(ResilienceFacts {
            as_of,
            services: stored
                .map
                .services()
                .iter()
                .map(|svc| ServiceFacts {
                    service: svc.id.to_string(),
                    tolerances: svc
                        .tolerances
                        .iter()
                        .map(|t| ToleranceFacts {
                            max_duration_minutes: t.max_duration_minutes,
                            rlo_percent: t.rlo_percent,
                        })
                        .collect(),
                    next_review: svc.next_review,
                    mapped_resources: svc.depends_on.len(),
                    critical_resources: spof
                        .services
                        .iter()
                        .filter(|s| s.service == svc.id.to_string())
                        .flat_map(|s| s.resources.iter())
                        .map(|r| ResourceRto { resource: r.clone(), rto_minutes: rto.get(r).copied().flatten() })
                        .collect(),
                })
                .collect(),
            scenarios,
        });
        Ok(())
    }
}

/// Demo assessments for the first demo institutions (skipped when any assessment exists): the
/// report's challenges approved for the first, the FSA guideline half assessed in draft from the
/// register's proposals, the challenges in review for the second and approved for the third and
/// fourth (so the supervisor's distribution has enough institutions to show). Returns how many
/// it started.
pub async fn load_demo(
    register: &Register,
    actor: &Actor,
    institutions: &[InstitutionCode],
) -> Result<usize, AppError> {
    if !register.gap_assessments(actor).await?.is_empty() {
        return Ok(0);
    }
    let today = crate::today();
    // The example mapping lets the guideline's draft be pre-filled from the approved challenges.
    let (name, text) = opres_gap::mapping::EXAMPLE_CHALLENGES_TO_GUIDELINE;
    register.import_gap_mapping(actor, FrameworkFile { name, bytes: text.as_bytes() }).await?;
    let plan: Vec<(usize, &InstitutionCode, &str, usize, &[GapTransition])> = institutions
        .iter()
        .take(4)
        .enumerate()
        .flat_map(|(n, code)| match n {
            0 => vec![
                (n, code, "fsa_report_challenges", usize::MAX, &[GapTransition::Submit, GapTransition::Approve][..]),
                (n, code, "fsa_cyber_guideline_2024", 30, &[][..]),
            ],
            1 => vec![(n, code, "fsa_report_challenges", usize::MAX, &[GapTransition::Submit][..])],
            _ => vec![(
                n,
                code,
                "fsa_report_challenges",
                usize::MAX,
                &[GapTransition::Submit, GapTransition::Approve][..],
            )],
        })
        .collect();
    let mut started = 0;
    for (n, code, framework, how_many, moves) in plan {
        let s = register.start_gap_assessment(actor, code, framework, today).await?;
        started += 1;
        let view = register.gap_assessment(actor, &s.key).await?;
        let proposals = register.gap_proposals(actor, &view, today).await?;
        let mut version = view.version;
        for (i, r) in view.framework.assessable().take(how_many).enumerate() {
            let proposal = proposals.iter().find(|p| p.requirement == r.id);
            // A spread of maturities that is the same on every run: the gap follows the result.
            let result = proposal.map(|p| p.proposed).unwrap_or(match (i + n) % 4 {
                0 => opres_gap::ResultCode::Met,
                1 | 2 => opres_gap::ResultCode::PartlyMet,
                _ => opres_gap::ResultCode::NotMet,
            });
            let current = match result {
                opres_gap::ResultCode::Met => 4,
                opres_gap::ResultCode::PartlyMet => 2 + (i % 2) as i64,
                _ => 1,
            };
            let entry = EntryRecord {
                result: result.code().to_string(),
                current: Some(opres_domain::RawScalar::Int(current)),
                target: Some(opres_domain::RawScalar::Int(4)),
                rationale: match proposal {
                    Some(_) => "登録データからの提案を確認して採用 / accepted the proposal from the register".into(),
                    None => "デモデータ / demo data".into(),
                },
                owner: "システムリスク管理部 / System risk management".into(),
                ..EntryRecord::default()
            };
            let saved = register
                .record_gap_entry(actor, &s.key, &r.id, &entry, proposal.map(|p| p.seen()), Some(version))
                .await?;
            version = saved.version;
        }
        for t in moves {
            let comment = if *t == GapTransition::Approve {
                "ロードマップとあわせて承認 / approved with the roadmap"
            } else {
                ""
            };
            version = register.move_gap_assessment(actor, &s.key, *t, comment, Some(version)).await?.version;
        }
        if framework == "fsa_cyber_guideline_2024" {
            let gaps = register.gap_assessment(actor, &s.key).await?.gaps;
            demo_roadmap(register, actor, code, framework, &gaps, today).await?;
        }
    }
    Ok(started)
}

/// The demo roadmap: actions for the top gaps (one done, one half way, one overdue), approved by
/// management, then one more action added after approval, which shows as a change since then.
async fn demo_roadmap(
    register: &Register,
    actor: &Actor,
    institution: &InstitutionCode,
    framework: &str,
    gaps: &[Gap],
    today: NaiveDate,
) -> Result<(), AppError> {
    use opres_domain::RawScalar::Int;
    use opres_gap::{ActionRecord, MotivationRecord, RequirementRefRecord};
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    let plan = [
        ("A-1", "脆弱性管理の手順を改定する", "Revise the vulnerability management procedure", -120, -30, "done", 100),
        ("A-2", "特権IDの管理をツール化する", "Put privileged-access management in a tool", -60, 60, "in_progress", 50),
        (
            "A-3",
            "資産台帳を全システムに広げる",
            "Extend the asset inventory to every system",
            -45,
            -10,
            "in_progress",
            20,
        ),
        (
            "A-4",
            "演習シナリオに委託先の障害を加える",
            "Add a contractor outage to the exercises",
            10,
            120,
            "planned",
            0,
        ),
    ];
    let mut version: Option<i64> = None;
    for (n, (id, ja, en, start, due, status, progress)) in plan.into_iter().enumerate() {
        if id == "A-4" {
            let submitted = register.submit_gap_roadmap(actor, institution, version).await?;
            let comment = "予算を承認。四半期ごとに進捗を報告すること / budget approved; report progress quarterly";
            let approved = register.approve_gap_roadmap(actor, institution, comment, Some(submitted.version)).await?;
            version = Some(approved.version);
        }
        let record = ActionRecord {
            id: id.into(),
            title_ja: ja.into(),
            title_en: en.into(),
            owner: "システム企画部 / IT planning".into(),
            start: day(start),
            due: day(due),
            effort_days: Some(Int(10 + 5 * n as i64)),
            cost_yen: Some(Int(1_500_000 * (n as i64 + 1))),
            status: status.into(),
            progress: Some(Int(progress)),
            closes: gaps
                .get(n)
                .map(|g| RequirementRefRecord { framework: framework.into(), requirement: g.requirement.clone() })
                .into_iter()
                .collect(),
            motivated_by: vec![MotivationRecord { kind: "gap".into(), record: framework.into() }],
            ..ActionRecord::default()
        };
        version = Some(register.save_gap_action(actor, institution, &record, version).await?.version);
    }
    Ok(())
}
