//! The gap assessment's reports as use cases: the report for management and the statement of
//! applicability of one assessment, its OSCAL assessment-results export, and the supervisor's
//! distribution of results across the institutions the actor sees. The documents come from
//! `opres_gap::report`; this module loads what they need and applies scope once.

use crate::gap::{GapAssessmentRecord, assessment_number, in_scope};
use crate::{Actor, AppError, Permission, Register, ReportFile, report_file};
use chrono::NaiveDate;
use opres_domain::report::{ReportDocument, ReportFormat};
use opres_domain::{Lang, Problem};
use opres_gap::report::{Previous, Subject};
use opres_store::DocumentKind;
use std::collections::BTreeMap;

/// Which report of one assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapReportKind {
    /// For management: scope, method, results by area, top gaps, roadmap, resources, changes.
    Management,
    /// The statement of applicability: included?, justification, implemented?
    Applicability,
}

impl GapReportKind {
    /// Every kind's code, as URLs and the command line spell them.
    pub const CODES: [&'static str; 2] = ["management", "applicability"];

    /// The kind for its code.
    pub fn parse(code: &str) -> Result<GapReportKind, AppError> {
        match code.trim().to_ascii_lowercase().as_str() {
            "management" => Ok(GapReportKind::Management),
            "applicability" => Ok(GapReportKind::Applicability),
            other => Err(AppError::invalid_field(
                "kind",
                Problem::UnknownCode { value: other.to_string(), expected: GapReportKind::CODES.to_vec() },
            )),
        }
    }

    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            GapReportKind::Management => "management",
            GapReportKind::Applicability => "applicability",
        }
    }
}

impl Register {
    /// One report of an assessment, as of `today` (JST), in `lang`.
    pub async fn gap_report(
        &self,
        actor: &Actor,
        key: &str,
        kind: GapReportKind,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<ReportDocument, AppError> {
        let view = self.gap_assessment(actor, key).await?;
        let r = &view.record;
        let institution = self.institution(actor, &r.institution).await?;
        let subject = Subject {
            key,
            institution: institution.value.name(lang),
            framework: &view.framework,
            framework_version: &r.framework_version,
            started_on: r.started_on,
            assessment: &r.assessment,
        };
        Ok(match kind {
            GapReportKind::Applicability => opres_gap::report::applicability_statement(&subject, today, lang),
            GapReportKind::Management => {
                let previous = match &r.previous {
                    Some(p) => Some((p.clone(), self.stored_assessment(p).await?.value)),
                    None => None,
                };
                let roadmap = self.gap_roadmap(actor, &r.institution).await?;
                let previous = previous.as_ref().map(|(key, p)| Previous {
                    key,
                    started_on: p.started_on,
                    assessment: &p.assessment,
                });
                opres_gap::report::management_report(&subject, previous, Some(&roadmap.roadmap), today, lang)
            }
        })
    }

    /// One report of an assessment rendered as a file named `<key>-<kind>-<lang>.<ext>`.
    pub async fn gap_report_file(
        &self,
        actor: &Actor,
        key: &str,
        kind: GapReportKind,
        format: ReportFormat,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<ReportFile, AppError> {
        let doc = self.gap_report(actor, key, kind, lang, today).await?;
        report_file(&doc, format, &format!("{key}-{}", kind.code()))
    }

    /// The assessment as an OSCAL 1.1.2 assessment-results document (JSON); the same assessment
    /// always exports the same UUIDs.
    pub async fn gap_oscal_results(&self, actor: &Actor, key: &str) -> Result<serde_json::Value, AppError> {
        let view = self.gap_assessment(actor, key).await?;
        let r = &view.record;
        let institution = self.institution(actor, &r.institution).await?;
        let cx = opres_gap::oscal::ResultsContext {
            key,
            institution: institution.value.name(Lang::En),
            framework_version: &r.framework_version,
            started_on: r.started_on,
            last_modified: view.updated_at,
        };
        Ok(opres_gap::oscal::assessment_results(&view.framework, &r.assessment, &cx))
    }

    /// The supervisor's view of a framework: per requirement, how many of the institutions the
    /// actor sees met it, partly met it or did not, over each one's latest assessment against
    /// the framework, with no institution named and no row under three institutions.
    pub async fn gap_distribution(
        &self,
        actor: &Actor,
        framework_id: &str,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<ReportDocument, AppError> {
        actor.require(Permission::ReadRegister)?;
        let framework = self.framework_by_id(framework_id).await?;
        // The latest round per institution: the highest assessment number of that framework.
        let mut latest: BTreeMap<String, (u32, String)> = BTreeMap::new();
        let documents = self.store.list_documents(DocumentKind::GapAssessment).await?;
        for d in documents.into_iter().filter(|d| in_scope(actor, d)) {
            let same_framework = d.title.split_once(" · ").is_some_and(|(f, _)| f == framework.id);
            let (Some(institution), Some(n)) = (d.institution.clone(), assessment_number(&d.key)) else { continue };
            if same_framework && latest.get(&institution).is_none_or(|(m, _)| n > *m) {
                latest.insert(institution, (n, d.key));
            }
        }
        let mut records: Vec<GapAssessmentRecord> = Vec::with_capacity(latest.len());
        for (_, key) in latest.values() {
            records.push(self.stored_assessment(key).await?.value);
        }
        let assessments: Vec<&opres_gap::Assessment> = records.iter().map(|r| &r.assessment).collect();
        Ok(opres_gap::report::distribution(&framework, &assessments, today, lang))
    }

    /// The distribution rendered as a file named `<framework>-distribution-<lang>.<ext>`.
    pub async fn gap_distribution_file(
        &self,
        actor: &Actor,
        framework_id: &str,
        format: ReportFormat,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<ReportFile, AppError> {
        let doc = self.gap_distribution(actor, framework_id, lang, today).await?;
        report_file(&doc, format, &format!("{framework_id}-distribution"))
    }
}
