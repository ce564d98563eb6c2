//! The TLPT programme: group → entities → systems, engagements with their intelligence, scenarios,
//! execution and blue-team evidence, findings across years, and the horizontal rollout of each finding.
//!
//! A whole programme is one JSON document (`docs/tlpt-format.md`); [`TlptProgramme::from_json`] reads
//! it and refuses it, listing every problem, unless [`TlptProgramme::validate`] passes.

use crate::codes::*;
use crate::error::TlptError;
use crate::ids::{EngagementId, FindingId, LocalId, SystemRef, TacticName, TechniqueId};
use chrono::{NaiveDate, TimeZone, Utc};
use opres_domain::Bilingual;
use opres_domain::{Criticality, FiscalYear, InstitutionCode, InstitutionType, JST, Lang, SystemCode, Timestamp, Yen};
use serde::{Deserialize, Serialize};

/// The format tag written into every programme file.
pub const FORMAT: &str = "opres-tlpt/1";

fn default_format() -> String {
    FORMAT.to_string()
}

/// A group's whole TLPT programme: what the lead stores, and what `opres` imports and exports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlptProgramme {
    /// Always [`FORMAT`].
    #[serde(default = "default_format")]
    pub format: String,
    /// The financial group.
    pub group: Group,
    /// Group companies.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Systems of the group companies, in or out of each engagement's scope.
    #[serde(default)]
    pub systems: Vec<SystemEntry>,
    /// Engagements, any year, any group company.
    #[serde(default)]
    pub engagements: Vec<Engagement>,
    /// Findings of every engagement (and of rollout checks), never merged.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Horizontal-rollout records: one per finding and other system or group company.
    #[serde(default)]
    pub rollout: Vec<RolloutRecord>,
}

/// The financial group the programme belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Short stable code.
    pub code: InstitutionCode,
    /// Name.
    pub name: Bilingual,
}

/// A group company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// The institution code the failure register uses for it.
    pub code: InstitutionCode,
    /// Name.
    pub name: Bilingual,
    /// Kind of institution.
    pub institution_type: InstitutionType,
}

/// A system of a group company, as the register and the resilience map know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemEntry {
    /// `ENTITY/SYSTEM`.
    pub id: SystemRef,
    /// Name.
    pub name: Bilingual,
    /// How critical it is.
    pub criticality: Criticality,
    /// Owning department or person, who receives rollout instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl SystemEntry {
    /// From a register system (its name is in one language; it fills both until translated).
    pub fn from_domain(s: &opres_domain::System) -> SystemEntry {
        SystemEntry {
            id: SystemRef::new(s.institution.clone(), s.code.clone()),
            name: Bilingual::both(s.name.clone(), s.name.clone()),
            criticality: s.criticality,
            owner: s.owner.clone(),
        }
    }

    /// Into a register system, named in the given language.
    pub fn to_domain(&self, lang: Lang) -> opres_domain::System {
        opres_domain::System {
            institution: self.id.entity.clone(),
            code: self.id.system.clone(),
            name: self.name.get(lang).to_string(),
            owner: self.owner.clone(),
            criticality: self.criticality,
        }
    }
}

/// One TLPT engagement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    /// Unique identifier.
    pub id: EngagementId,
    /// The group company tested.
    pub entity: InstitutionCode,
    /// Title.
    pub title: Bilingual,
    /// Framework followed.
    pub framework: Framework,
    /// The management sponsor.
    pub sponsor: Sponsor,
    /// Phases with their dates.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// What the test covers.
    #[serde(default)]
    pub scope: Scope,
    /// Budget lines.
    #[serde(default)]
    pub budget: Vec<BudgetItem>,
    /// What management directed.
    #[serde(default)]
    pub directives: Vec<Directive>,
    /// When, if ever, the blue team was told about the test, and who. `None`: never told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blue_team_told: Option<BlueTeamDisclosure>,
    /// Threat-intelligence items.
    #[serde(default)]
    pub intel: Vec<IntelItem>,
    /// Threat-actor profiles.
    #[serde(default)]
    pub actors: Vec<ActorProfile>,
    /// Scenarios derived from intelligence and actors.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// Attack steps the red team executed.
    #[serde(default)]
    pub steps: Vec<AttackStep>,
    /// Blue-team detections.
    #[serde(default)]
    pub detections: Vec<Detection>,
    /// Blue-team response actions.
    #[serde(default)]
    pub responses: Vec<ResponseAction>,
    /// Phishing campaigns.
    #[serde(default)]
    pub phishing: Vec<PhishingCampaign>,
    /// What the cybersecurity function reported to management, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_report: Option<ManagementReportRecord>,
}

/// The member of management who sponsors the engagement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Sponsor {
    /// Name.
    pub name: String,
    /// Role (e.g. 取締役CISO).
    pub role: Bilingual,
}

/// A phase and its dates (calendar dates in JST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Which phase.
    pub phase: PhaseKind,
    /// First day.
    pub start: NaiveDate,
    /// Last day, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

/// What an engagement covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Critical or important functions tested.
    #[serde(default)]
    pub functions: Vec<CriticalFunction>,
    /// Systems marked in or out of scope; systems not listed are out of scope.
    #[serde(default)]
    pub systems: Vec<ScopedSystem>,
    /// Flags: the goals the red team must reach.
    #[serde(default)]
    pub flags: Vec<Flag>,
}

/// A critical or important function and the systems it runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticalFunction {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// Name.
    pub name: Bilingual,
    /// Supporting systems.
    #[serde(default)]
    pub systems: Vec<SystemRef>,
}

/// A system marked in or out of an engagement's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopedSystem {
    /// The system.
    pub system: SystemRef,
    /// In scope?
    pub in_scope: bool,
    /// Why (e.g. why excluded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Bilingual>,
}

/// A flag: a goal the red team must capture (e.g. privileged access to the core banking system).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// What it is.
    pub description: Bilingual,
    /// The system it sits on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemRef>,
}

/// A budget line, in whole yen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetItem {
    /// Which line.
    pub line: BudgetLine,
    /// Amount.
    pub amount: Yen,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Bilingual>,
}

/// A management directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directive {
    /// What kind.
    pub kind: DirectiveKind,
    /// When it was issued.
    pub issued_on: NaiveDate,
    /// Who issued it (e.g. 取締役会, 経営会議).
    pub by: String,
    /// The directive.
    pub text: Bilingual,
}

/// The blue team (or part of it) was told about the test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlueTeamDisclosure {
    /// When.
    pub at: Timestamp,
    /// Whom (e.g. "SOC manager", "whole CSIRT").
    pub whom: String,
    /// Why (e.g. deconfliction after detection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Bilingual>,
}

/// A threat-intelligence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntelItem {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// What it says.
    pub title: Bilingual,
    /// Generic or specific to the organisation.
    pub specificity: IntelSpecificity,
    /// Sources (reports, feeds, dark-web monitoring, ISAC…).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Actor profiles it informs.
    #[serde(default)]
    pub actors: Vec<LocalId>,
}

/// A threat-actor profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorProfile {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// Name.
    pub name: Bilingual,
    /// Kind of actor.
    pub actor_type: ActorType,
    /// Intent to target the organisation.
    pub intent: Level,
    /// Capability.
    pub capability: Level,
    /// ATT&CK intrusion sets (`G0082`…) that model this actor, for the actor overlay.
    #[serde(default)]
    pub intrusion_sets: Vec<String>,
}

/// A scenario derived from intelligence and actors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// Title.
    pub title: Bilingual,
    /// Actors it emulates.
    #[serde(default)]
    pub actors: Vec<LocalId>,
    /// Intelligence it was derived from.
    #[serde(default)]
    pub intel: Vec<LocalId>,
    /// Flags it aims at.
    #[serde(default)]
    pub flags: Vec<LocalId>,
    /// Attack paths (primary, alternative, detours).
    #[serde(default)]
    pub paths: Vec<AttackPath>,
    /// Leg-ups the control team granted.
    #[serde(default)]
    pub leg_ups: Vec<LegUp>,
    /// How it ended.
    pub outcome: ScenarioOutcome,
    /// Notes on the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_note: Option<Bilingual>,
}

/// An attack path of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackPath {
    /// Identifier within the scenario.
    pub id: LocalId,
    /// Primary, alternative or detour.
    pub kind: PathKind,
    /// The route.
    pub description: Bilingual,
}

/// A leg-up: help the control team gave the red team to carry on (e.g. a foothold after being blocked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegUp {
    /// Identifier within the scenario.
    pub id: LocalId,
    /// When it was granted.
    pub granted_at: Timestamp,
    /// What was given and why.
    pub description: Bilingual,
}

/// One attack step the red team executed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackStep {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// Scenario.
    pub scenario: LocalId,
    /// Path of that scenario.
    pub path: LocalId,
    /// When.
    pub at: Timestamp,
    /// ATT&CK technique.
    pub technique: TechniqueId,
    /// ATT&CK tactic, if the technique serves several and one is meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactic: Option<TacticName>,
    /// Target system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<SystemRef>,
    /// Result.
    pub result: StepResult,
    /// Leg-up of the scenario this step started from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leg_up: Option<LocalId>,
    /// Flag captured by this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<LocalId>,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Bilingual>,
}

/// A blue-team detection of one or more steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// When.
    pub at: Timestamp,
    /// Who or what detected it.
    pub source: DetectionSource,
    /// Steps detected.
    #[serde(default)]
    pub steps: Vec<LocalId>,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Bilingual>,
}

/// A blue-team response action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseAction {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// When.
    pub at: Timestamp,
    /// What kind of action.
    pub kind: ResponseKind,
    /// Who took it.
    pub by: Responder,
    /// Detections it answered.
    #[serde(default)]
    pub detections: Vec<LocalId>,
    /// Steps it answered directly (when no detection is recorded for them).
    #[serde(default)]
    pub steps: Vec<LocalId>,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Bilingual>,
}

/// A phishing campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhishingCampaign {
    /// Identifier within the engagement.
    pub id: LocalId,
    /// Scenario it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<LocalId>,
    /// When the mails went out.
    pub sent_at: Timestamp,
    /// Number of recipients.
    pub recipients: u32,
    /// Number of recipients who clicked.
    pub clicks: u32,
    /// First click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_click_at: Option<Timestamp>,
    /// Staff reports of the mail, each with its escalation to the CSIRT and the CSIRT's response.
    #[serde(default)]
    pub reports: Vec<StaffReport>,
}

/// A member of staff reported the phishing mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffReport {
    /// When the member of staff reported.
    pub at: Timestamp,
    /// Department (anonymised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// When the report reached the CSIRT, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_at: Option<Timestamp>,
    /// When the CSIRT responded, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csirt_response_at: Option<Timestamp>,
    /// What the CSIRT did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csirt_action: Option<Bilingual>,
}

/// What the cybersecurity function reported to management about the engagement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagementReportRecord {
    /// When.
    pub reported_on: NaiveDate,
    /// To whom (e.g. 取締役会).
    pub to: String,
    /// The overall message.
    pub overall: OverallRating,
    /// The summary as reported.
    #[serde(default)]
    pub summary: Bilingual,
    /// Findings the report named.
    #[serde(default)]
    pub findings_reported: Vec<FindingId>,
    /// Risks with possible enterprise-wide impact the report named.
    #[serde(default)]
    pub enterprise_risks: Vec<Bilingual>,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Unique identifier across the programme.
    pub id: FindingId,
    /// The engagement it belongs to (for a rollout finding, the engagement of the original finding).
    pub engagement: EngagementId,
    /// Found by the TLPT or by a rollout check.
    #[serde(default = "default_origin")]
    pub origin: FindingOrigin,
    /// For a rollout finding: the finding whose rollout found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout_of: Option<FindingId>,
    /// When it was identified.
    pub identified_on: NaiveDate,
    /// Title.
    pub title: Bilingual,
    /// Description.
    #[serde(default)]
    pub description: Bilingual,
    /// Severity.
    pub severity: Severity,
    /// Root-cause category.
    pub root_cause: RootCause,
    /// Root cause in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause_note: Option<Bilingual>,
    /// ATT&CK technique the finding concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technique: Option<TechniqueId>,
    /// Affected systems.
    #[serde(default)]
    pub systems: Vec<SystemRef>,
    /// Whether it could have an enterprise-wide impact.
    #[serde(default)]
    pub enterprise_wide: bool,
    /// Recommendation.
    #[serde(default)]
    pub recommendation: Bilingual,
    /// Owner of the fix.
    #[serde(default)]
    pub owner: String,
    /// Due date of the fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Status.
    pub status: FindingStatus,
    /// Resources and time the fix needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceEstimate>,
    /// Earlier findings this one recurs: links, never a merge.
    #[serde(default)]
    pub recurrence_of: Vec<RecurrenceLink>,
}

fn default_origin() -> FindingOrigin {
    FindingOrigin::Tlpt
}

/// The resources a fix needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResourceEstimate {
    /// Effort in person-days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_days: Option<u32>,
    /// Cost in yen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Yen>,
}

/// A link from a finding to an earlier finding it recurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceLink {
    /// The earlier finding.
    pub finding: FindingId,
    /// Similarity score when linked (0–1).
    pub similarity: f64,
    /// When linked.
    pub linked_on: NaiveDate,
}

/// One horizontal-rollout check: does a finding also exist in another system or group company?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutRecord {
    /// The finding rolled out.
    pub finding: FindingId,
    /// The group company asked to check.
    pub entity: InstitutionCode,
    /// The system checked; `None` for a company-wide check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemRef>,
    /// Status.
    pub status: RolloutStatus,
    /// Who checks.
    pub owner: String,
    /// When the check was instructed.
    pub instructed_on: NaiveDate,
    /// When the answer is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// When it was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_on: Option<NaiveDate>,
    /// The new finding recorded when the issue is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_finding: Option<FindingId>,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Bilingual>,
}

/// Midnight JST at the start of a calendar date, as an instant.
pub fn jst_start_of(d: NaiveDate) -> Timestamp {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    JST.from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

pub use opres_domain::jst_date;

impl TlptProgramme {
    /// An empty programme for a group.
    pub fn new(group: Group) -> TlptProgramme {
        TlptProgramme {
            format: FORMAT.to_string(),
            group,
            entities: Vec::new(),
            systems: Vec::new(),
            engagements: Vec::new(),
            findings: Vec::new(),
            rollout: Vec::new(),
        }
    }

    /// Reads a programme file and validates it; every problem is listed, not only the first.
    pub fn from_json(json: &str) -> Result<TlptProgramme, TlptError> {
        let p: TlptProgramme = serde_json::from_str(json).map_err(|e| TlptError::Json {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        })?;
        p.validate().map_err(TlptError::Invalid)?;
        Ok(p)
    }

    /// Writes the programme as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail; an empty string would show it did.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The engagement with this id.
    pub fn engagement(&self, id: &EngagementId) -> Option<&Engagement> {
        self.engagements.iter().find(|e| &e.id == id)
    }

    /// The engagement with this id, or an error naming it.
    pub fn require_engagement(&self, id: &str) -> Result<&Engagement, TlptError> {
        self.engagements.iter().find(|e| e.id.as_str() == id).ok_or_else(|| TlptError::UnknownEngagement(id.into()))
    }

    /// The finding with this id.
    pub fn finding(&self, id: &FindingId) -> Option<&Finding> {
        self.findings.iter().find(|f| &f.id == id)
    }

    /// The findings of an engagement (including rollout findings attributed to it).
    pub fn findings_of<'a>(&'a self, engagement: &'a EngagementId) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| &f.engagement == engagement)
    }

    /// The system with this reference.
    pub fn system(&self, id: &SystemRef) -> Option<&SystemEntry> {
        self.systems.iter().find(|s| &s.id == id)
    }

    /// The group company with this code.
    pub fn entity(&self, code: &InstitutionCode) -> Option<&Entity> {
        self.entities.iter().find(|e| &e.code == code)
    }

    /// The group company's name in a language, or its code if unknown.
    pub fn entity_name(&self, code: &InstitutionCode, lang: Lang) -> String {
        self.entity(code).map(|e| e.name.get(lang).to_string()).unwrap_or_else(|| code.to_string())
    }

    /// The system's name in a language, or its reference if unknown.
    pub fn system_name(&self, id: &SystemRef, lang: Lang) -> String {
        self.system(id).map(|s| s.name.get(lang).to_string()).unwrap_or_else(|| id.to_string())
    }

    /// Systems of the group that are not in the engagement's scope.
    pub fn out_of_scope_systems<'a>(&'a self, e: &'a Engagement) -> impl Iterator<Item = &'a SystemEntry> + 'a {
        self.systems.iter().filter(move |s| !e.is_in_scope(&s.id))
    }

    /// The group companies a finding concerns: those of its systems; for a finding found by a company-wide
    /// rollout check, that company; otherwise the company its engagement tested.
    pub fn finding_entities(&self, f: &Finding) -> Vec<InstitutionCode> {
        let mut v: Vec<InstitutionCode> = f.systems.iter().map(|s| s.entity.clone()).collect();
        if v.is_empty() {
            v.extend(self.rollout.iter().filter(|r| r.new_finding.as_ref() == Some(&f.id)).map(|r| r.entity.clone()));
        }
        if v.is_empty() {
            v.extend(self.engagement(&f.engagement).map(|e| e.entity.clone()));
        }
        v.sort();
        v.dedup();
        v
    }

    /// Rollout records of a finding.
    pub fn rollout_of<'a>(&'a self, finding: &'a FindingId) -> impl Iterator<Item = &'a RolloutRecord> + 'a {
        self.rollout.iter().filter(move |r| &r.finding == finding)
    }

    /// Builds a system reference from parts, for callers holding register codes.
    pub fn system_ref(entity: &InstitutionCode, system: &SystemCode) -> SystemRef {
        SystemRef::new(entity.clone(), system.clone())
    }
}

impl Engagement {
    /// The phase of this kind, if recorded.
    pub fn phase(&self, kind: PhaseKind) -> Option<&Phase> {
        self.phases.iter().find(|p| p.phase == kind)
    }

    /// When the attack began: the first step, or else the start of the red-teaming phase (00:00 JST).
    pub fn attack_start(&self) -> Option<Timestamp> {
        let first_step = self.steps.iter().map(|s| s.at).min();
        let phase = self.phase(PhaseKind::RedTeaming).map(|p| jst_start_of(p.start));
        match (first_step, phase) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The fiscal year the engagement belongs to (of its attack start, else its first phase).
    pub fn fiscal_year(&self) -> Option<FiscalYear> {
        self.attack_start()
            .or_else(|| self.phases.iter().map(|p| jst_start_of(p.start)).min())
            .map(|t| FiscalYear::of(&t))
    }

    /// Whether the blue team was told before the attack began: `None` when the attack start is unknown.
    pub fn blue_team_told_in_advance(&self) -> Option<bool> {
        match (&self.blue_team_told, self.attack_start()) {
            (None, _) => Some(false),
            (Some(d), Some(start)) => Some(d.at <= start),
            (Some(_), None) => None,
        }
    }

    /// Whether a system is marked in scope.
    pub fn is_in_scope(&self, system: &SystemRef) -> bool {
        self.scope.systems.iter().any(|s| &s.system == system && s.in_scope)
            || self.scope.functions.iter().any(|f| f.systems.contains(system))
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &LocalId) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| &s.id == id)
    }

    /// The actor with this id.
    pub fn actor(&self, id: &LocalId) -> Option<&ActorProfile> {
        self.actors.iter().find(|a| &a.id == id)
    }

    /// The intelligence item with this id.
    pub fn intel_item(&self, id: &LocalId) -> Option<&IntelItem> {
        self.intel.iter().find(|i| &i.id == id)
    }

    /// The step with this id.
    pub fn step(&self, id: &LocalId) -> Option<&AttackStep> {
        self.steps.iter().find(|s| &s.id == id)
    }

    /// Total budget in yen.
    pub fn budget_total(&self) -> Yen {
        Yen::new(self.budget.iter().map(|b| b.amount.get()).sum())
    }

    /// Budget of one line (0 when absent).
    pub fn budget_of(&self, line: BudgetLine) -> Yen {
        Yen::new(self.budget.iter().filter(|b| b.line == line).map(|b| b.amount.get()).sum())
    }
}

impl Finding {
    /// Whether the finding is about this technique or one of its sub-techniques / its parent.
    pub fn same_technique_family(&self, other: &Finding) -> bool {
        match (&self.technique, &other.technique) {
            (Some(a), Some(b)) => a.parent() == b.parent(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jst_dates() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default();
        let t = jst_start_of(d);
        assert_eq!(t.to_rfc3339(), "2025-03-31T15:00:00+00:00");
        assert_eq!(jst_date(&t), d);
    }
}
