//! Horizontal rollout (横展開): for each finding, the owners of every other system and of every other
//! group company are asked whether the same issue exists there, and answer not checked / checked, not
//! present / checked, present. A "present" answer becomes a new finding of its own (origin `rollout`).
//!
//! The source's good practice is that the cybersecurity function instructs these checks and collects the
//! answers; its shortcoming is that nobody checks, and later TLPTs of other systems find the same issues.

use crate::codes::{FindingOrigin, FindingStatus, RolloutStatus, Severity};
use crate::error::TlptError;
use crate::ids::{EngagementId, FindingId, SystemRef};
use crate::model::{Finding, RolloutRecord, TlptProgramme};
use chrono::NaiveDate;
use opres_domain::Bilingual;
use opres_domain::{InstitutionCode, Lang};
use serde::{Deserialize, Serialize};

/// Whether a finding should be rolled out: every TLPT finding except informational notes.
pub fn needs_rollout(f: &Finding) -> bool {
    f.origin == FindingOrigin::Tlpt && f.severity != Severity::Informational
}

/// Not-yet-checked records for a finding: one per system of the group it does not already affect, and
/// one company-wide record per other group company. Records that already exist are not repeated.
pub fn plan(
    p: &TlptProgramme,
    finding: &FindingId,
    instructed_on: NaiveDate,
    due: Option<NaiveDate>,
) -> Result<Vec<RolloutRecord>, TlptError> {
    let f = p.finding(finding).ok_or_else(|| TlptError::UnknownFinding(finding.to_string()))?;
    let home = p.engagement(&f.engagement).map(|e| e.entity.clone());
    let exists = |entity: &InstitutionCode, system: Option<&SystemRef>| {
        p.rollout_of(finding).any(|r| &r.entity == entity && r.system.as_ref() == system)
    };
    let mut out = Vec::new();
    for s in &p.systems {
        if f.systems.contains(&s.id) || exists(&s.id.entity, Some(&s.id)) {
            continue;
        }
        out.push(RolloutRecord {
            finding: finding.clone(),
            entity: s.id.entity.clone(),
            system: Some(s.id.clone()),
            status: RolloutStatus::NotChecked,
            owner: s.owner.clone().unwrap_or_else(|| format!("{} system owner", s.id)),
            instructed_on,
            due,
            checked_on: None,
            new_finding: None,
            note: None,
        });
    }
    for e in &p.entities {
        if Some(&e.code) == home.as_ref() || exists(&e.code, None) {
            continue;
        }
        out.push(RolloutRecord {
            finding: finding.clone(),
            entity: e.code.clone(),
            system: None,
            status: RolloutStatus::NotChecked,
            owner: format!("{} IT risk management", e.code),
            instructed_on,
            due,
            checked_on: None,
            new_finding: None,
            note: None,
        });
    }
    Ok(out)
}

/// The answer to one rollout check.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckAnswer {
    /// Checked: the issue is not there.
    NotPresent,
    /// Checked: the issue is there; it becomes a new finding with this id.
    Present {
        /// Id of the new finding.
        new_finding: FindingId,
    },
}

/// Records the answer to the rollout record at `index`. A present issue becomes a new finding copied
/// from the original (same title, root cause, technique, recommendation), affecting the checked system,
/// open, and linked to the original through `rollout_of`. Returns the new finding's id, if any.
pub fn record_check(
    p: &mut TlptProgramme,
    index: usize,
    answer: CheckAnswer,
    checked_on: NaiveDate,
) -> Result<Option<FindingId>, TlptError> {
    let r = p.rollout.get(index).cloned().ok_or(TlptError::UnknownRolloutRecord(index))?;
    let original = p.finding(&r.finding).cloned().ok_or_else(|| TlptError::UnknownFinding(r.finding.to_string()))?;
    let created = match answer {
        CheckAnswer::NotPresent => None,
        CheckAnswer::Present { new_finding } => {
            if p.finding(&new_finding).is_some() {
                return Err(TlptError::Invalid(opres_domain::ValidationErrors(vec![opres_domain::FieldError {
                    field: "new_finding".into(),
                    problem: opres_domain::Problem::Duplicate { value: new_finding.to_string() },
                }])));
            }
            let target = r.system.clone().map(|s| vec![s]).unwrap_or_default();
            let where_ja = r.system.as_ref().map(|s| s.to_string()).unwrap_or_else(|| r.entity.to_string());
            p.findings.push(Finding {
                id: new_finding.clone(),
                engagement: original.engagement.clone(),
                origin: FindingOrigin::Rollout,
                rollout_of: Some(original.id.clone()),
                identified_on: checked_on,
                title: Bilingual::new(
                    original.title.ja.as_ref().map(|t| format!("{t}（横展開: {where_ja}）")),
                    original.title.en.as_ref().map(|t| format!("{t} (rollout: {where_ja})")),
                ),
                description: original.description.clone(),
                severity: original.severity,
                root_cause: original.root_cause,
                root_cause_note: original.root_cause_note.clone(),
                technique: original.technique.clone(),
                systems: target,
                enterprise_wide: original.enterprise_wide,
                recommendation: original.recommendation.clone(),
                owner: r.owner.clone(),
                due: r.due,
                status: FindingStatus::Open,
                resources: None,
                recurrence_of: Vec::new(),
            });
            Some(new_finding)
        }
    };
    if let Some(rec) = p.rollout.get_mut(index) {
        rec.status = if created.is_some() { RolloutStatus::CheckedPresent } else { RolloutStatus::CheckedNotPresent };
        rec.checked_on = Some(checked_on);
        rec.new_finding = created.clone();
    }
    Ok(created)
}

/// Rollout status of one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutSummary {
    /// Finding.
    pub finding: FindingId,
    /// Records.
    pub total: usize,
    /// Not checked yet.
    pub not_checked: usize,
    /// Checked, not present.
    pub checked_not_present: usize,
    /// Checked, present.
    pub checked_present: usize,
    /// Not checked and past due.
    pub overdue: usize,
    /// New findings the checks produced.
    pub new_findings: Vec<FindingId>,
    /// Systems outside the engagement's scope (and not affected) with no record.
    pub systems_without_record: Vec<SystemRef>,
    /// Other group companies with no record at all.
    pub entities_without_record: Vec<InstitutionCode>,
}

impl RolloutSummary {
    /// Every out-of-scope system and other group company has a record.
    pub fn is_instructed(&self) -> bool {
        self.total > 0 && self.systems_without_record.is_empty() && self.entities_without_record.is_empty()
    }

    /// Every record has been answered.
    pub fn is_complete(&self) -> bool {
        self.is_instructed() && self.not_checked == 0
    }

    /// One line for reports.
    pub fn line(&self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!(
                "確認対象{}件（未確認{}、該当なし{}、該当あり{}、期限超過{}）",
                self.total, self.not_checked, self.checked_not_present, self.checked_present, self.overdue
            ),
            Lang::En => format!(
                "{} checks ({} not checked, {} not present, {} present, {} overdue)",
                self.total, self.not_checked, self.checked_not_present, self.checked_present, self.overdue
            ),
        }
    }
}

/// The rollout status of one finding as of `today`.
pub fn summary(p: &TlptProgramme, finding: &Finding, today: NaiveDate) -> RolloutSummary {
    let records: Vec<&RolloutRecord> = p.rollout_of(&finding.id).collect();
    let count = |s: RolloutStatus| records.iter().filter(|r| r.status == s).count();
    let engagement = p.engagement(&finding.engagement);
    let home = engagement.map(|e| e.entity.clone());
    let systems_without_record = p
        .systems
        .iter()
        .filter(|s| !finding.systems.contains(&s.id))
        .filter(|s| engagement.is_none_or(|e| !e.is_in_scope(&s.id)))
        .filter(|s| !records.iter().any(|r| r.system.as_ref() == Some(&s.id)))
        .map(|s| s.id.clone())
        .collect();
    let entities_without_record = p
        .entities
        .iter()
        .filter(|e| Some(&e.code) != home.as_ref())
        .filter(|e| !records.iter().any(|r| r.entity == e.code))
        .map(|e| e.code.clone())
        .collect();
    RolloutSummary {
        finding: finding.id.clone(),
        total: records.len(),
        not_checked: count(RolloutStatus::NotChecked),
        checked_not_present: count(RolloutStatus::CheckedNotPresent),
        checked_present: count(RolloutStatus::CheckedPresent),
        overdue: records
            .iter()
            .filter(|r| r.status == RolloutStatus::NotChecked && r.due.is_some_and(|d| d < today))
            .count(),
        new_findings: records.iter().filter_map(|r| r.new_finding.clone()).collect(),
        systems_without_record,
        entities_without_record,
    }
}

/// Rollout status of every finding of an engagement that needs rollout.
pub fn engagement_summary(p: &TlptProgramme, engagement: &EngagementId, today: NaiveDate) -> Vec<RolloutSummary> {
    p.findings_of(engagement).filter(|f| needs_rollout(f)).map(|f| summary(p, f, today)).collect()
}
