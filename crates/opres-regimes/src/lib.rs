//! Every reporting regime's clock from one incident record.
//!
//! A regime ([`Regime`]) is data: its reports ([`Report`]), the event that starts each report's
//! clock ([`ClockStart`]), the offset, the calendar rule, the entities exempt from that rule and the
//! rule's citation. An institution's [`RegimeSettings`] say which regimes apply and with which
//! parameters; [`obligations`] turns an incident's times, the regime-specific inputs
//! ([`RegimeInputs`]) and the submissions made into the list of [`Obligation`]s, each with its due
//! time, status and the submission that met it.
//!
//! The FSA's stages are not re-implemented here: they come from
//! [`opres_domain::ReportingPolicy::stages_for`], with the institution's own policy.
//! Every rule and its article are listed in `docs/reporting-regimes.md`. Pure: no I/O, no async.

pub mod calendar;
pub mod dora;
pub mod obligations;
pub mod uk;
pub mod us;

pub use calendar::{CalendarError, HolidayCalendar};
pub use dora::{
    CriterionResult, Decision, DoraClassification, DoraCriterion, DoraEntityType, DoraImpact, DoraSettings,
    GENERAL_FIELDS, RecurringCandidate, RecurringMajor, classify, recurring_major, report_fields,
};
pub use obligations::{
    DelayNotice, Due, Obligation, ObligationStatus, RegimeInputs, RegimeSettings, Submission, SubmissionRef,
    UsProviderDisruption, obligations,
};
pub use uk::UkSettings;
pub use us::UsSettings;

use opres_domain::ReportStageKind;

opres_domain::code_enum!(
    /// A reporting regime an institution may be subject to.
    pub Regime, "reporting regime", {
        /// The FSA's supervisory guidelines (監督指針): opres's report stages.
        Fsa => "fsa", "金融庁（監督指針）", "FSA (supervisory guidelines)";
        /// EU: Regulation (EU) 2022/2554 (DORA) Art. 19, with Delegated Regulations 2024/1772 and 2025/301.
        Dora => "dora", "EU DORA（重大なICT関連インシデント）", "EU DORA (major ICT-related incident)";
        /// US: 12 CFR part 53, part 225 subpart N, part 304 subpart C.
        UsBankingNotification => "us_banking_notification", "米国 銀行当局 コンピュータセキュリティ・インシデント通知", "US banking agencies' computer-security incident notification";
        /// UK: PRA PS7/26 and FCA PS26/2, in force from 18 March 2027.
        UkOperationalIncident => "uk_operational_incident", "英国 PRA/FCA オペレーショナル・インシデント報告", "UK PRA/FCA operational incident reporting";
    }
);

opres_domain::code_enum!(
    /// One report of one regime. FSA reports are the domain's [`ReportStageKind`]s under this name.
    pub Report, "report", {
        FsaFirstReport => "fsa.first_report", "第一報", "First report";
        FsaWrittenReport => "fsa.written_report", "障害発生等報告書（書面）", "Written report";
        FsaRecoveryReport => "fsa.recovery_report", "復旧報告", "Recovery report";
        FsaCauseReport => "fsa.cause_report", "原因解明報告", "Cause-identified report";
        FsaStatusReport => "fsa.status_report", "現状報告（原因未解明）", "Status report (cause unknown)";
        DoraInitialNotification => "dora.initial_notification", "初期通知", "Initial notification";
        DoraIntermediateReport => "dora.intermediate_report", "中間報告", "Intermediate report";
        DoraFinalReport => "dora.final_report", "最終報告", "Final report";
        UsRegulatorNotification => "us.regulator_notification", "主たる連邦監督当局への通知", "Notification to the primary federal regulator";
        UsCustomerNotification => "us.customer_notification", "銀行顧客への通知（銀行サービス提供者）", "Notification to bank customers (bank service provider)";
        UkInitialReport => "uk.initial_report", "初期報告", "Initial report";
        UkIntermediateReport => "uk.intermediate_report", "中間報告", "Intermediate report";
        UkFinalReport => "uk.final_report", "最終報告", "Final report";
    }
);

impl Report {
    /// The regime the report belongs to.
    pub fn regime(self) -> Regime {
        match self {
            Report::FsaFirstReport
            | Report::FsaWrittenReport
            | Report::FsaRecoveryReport
            | Report::FsaCauseReport
            | Report::FsaStatusReport => Regime::Fsa,
            Report::DoraInitialNotification | Report::DoraIntermediateReport | Report::DoraFinalReport => Regime::Dora,
            Report::UsRegulatorNotification | Report::UsCustomerNotification => Regime::UsBankingNotification,
            Report::UkInitialReport | Report::UkIntermediateReport | Report::UkFinalReport => {
                Regime::UkOperationalIncident
            }
        }
    }

    /// The FSA report for a domain stage.
    pub fn of_fsa_stage(kind: ReportStageKind) -> Report {
        match kind {
            ReportStageKind::FirstReport => Report::FsaFirstReport,
            ReportStageKind::WrittenReport => Report::FsaWrittenReport,
            ReportStageKind::RecoveryReport => Report::FsaRecoveryReport,
            ReportStageKind::CauseReport => Report::FsaCauseReport,
            ReportStageKind::StatusReport => Report::FsaStatusReport,
        }
    }

    /// The domain stage of an FSA report; `None` for other regimes' reports.
    pub fn fsa_stage(self) -> Option<ReportStageKind> {
        ReportStageKind::ALL.into_iter().find(|k| Report::of_fsa_stage(*k) == self)
    }

    /// The reports of a regime, in lifecycle order.
    pub fn of_regime(regime: Regime) -> Vec<Report> {
        Report::ALL.iter().copied().filter(|r| r.regime() == regime).collect()
    }
}

opres_domain::code_enum!(
    /// The event that starts a report's clock.
    pub ClockStart, "clock start", {
        /// The institution became aware of the incident (the register's `detected_at`).
        Awareness => "awareness", "認識", "Awareness";
        /// DORA: the incident was classified as major.
        Classification => "classification", "重大インシデントへの分類", "Classification as major";
        /// US: the banking organisation determined that a notification incident occurred; UK: the
        /// firm determined that the incident meets a reporting threshold.
        Determination => "determination", "通知対象であるとの判断", "Determination";
        /// Service recovered / regular activities recovered / incident resolved.
        Recovery => "recovery", "復旧", "Recovery";
        /// The cause was identified.
        CauseIdentified => "cause_identified", "原因判明", "Cause identified";
        /// The previous report of the regime was submitted.
        PreviousReport => "previous_report", "前回報告の提出", "Previous report submitted";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_belongs_to_one_regime_and_fsa_reports_map_to_stages() {
        for r in Regime::ALL {
            assert!(!Report::of_regime(*r).is_empty(), "{r} has no report");
        }
        for k in ReportStageKind::ALL {
            assert_eq!(Report::of_fsa_stage(k).fsa_stage(), Some(k));
            assert_eq!(Report::of_fsa_stage(k).code(), format!("fsa.{}", k.code()));
        }
        assert_eq!(Report::DoraFinalReport.fsa_stage(), None);
        assert_eq!(Report::parse("DORA.initial_notification"), Ok(Report::DoraInitialNotification));
    }
}
