//! The reporting stages of the supervisory guidelines (監督指針) as a lifecycle with due dates.
//!
//! The guidelines ask for an immediate first report on becoming aware of a failure, a written
//! report, a report at recovery, a report when the cause is identified, and — while the cause is
//! unknown — a status report within one month (opres repeats it monthly until the cause is found).
//! Where the guidelines say "immediately" or give no period, [`ReportingPolicy`] holds opres's
//! default reading, which a deployment can change.

use crate::incident::{Incident, IncidentTimes};
use crate::lang::Lang;
use crate::time::Timestamp;
use chrono::{Duration, Months};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A kind of report to the authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReportStageKind {
    /// 第一報: immediately on becoming aware.
    FirstReport,
    /// 障害発生等報告書: the written report.
    WrittenReport,
    /// 復旧時の報告
    RecoveryReport,
    /// 原因解明時の報告
    CauseReport,
    /// 原因未解明時の1か月以内の現状報告
    StatusReport,
}

impl ReportStageKind {
    /// Every stage, in lifecycle order.
    pub const ALL: [ReportStageKind; 5] = [
        ReportStageKind::FirstReport,
        ReportStageKind::WrittenReport,
        ReportStageKind::RecoveryReport,
        ReportStageKind::CauseReport,
        ReportStageKind::StatusReport,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReportStageKind::FirstReport => "first_report",
            ReportStageKind::WrittenReport => "written_report",
            ReportStageKind::RecoveryReport => "recovery_report",
            ReportStageKind::CauseReport => "cause_report",
            ReportStageKind::StatusReport => "status_report",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ReportStageKind::FirstReport, Lang::Ja) => "第一報",
            (ReportStageKind::FirstReport, Lang::En) => "First report",
            (ReportStageKind::WrittenReport, Lang::Ja) => "障害発生等報告書（書面）",
            (ReportStageKind::WrittenReport, Lang::En) => "Written report",
            (ReportStageKind::RecoveryReport, Lang::Ja) => "復旧報告",
            (ReportStageKind::RecoveryReport, Lang::En) => "Recovery report",
            (ReportStageKind::CauseReport, Lang::Ja) => "原因解明報告",
            (ReportStageKind::CauseReport, Lang::En) => "Cause-identified report",
            (ReportStageKind::StatusReport, Lang::Ja) => "現状報告（原因未解明）",
            (ReportStageKind::StatusReport, Lang::En) => "Status report (cause unknown)",
        }
    }
}

crate::code_enum!(impl ReportStageKind, "report stage");

/// A report that was submitted to the authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ReportSubmission {
    /// Which stage.
    pub stage: ReportStageKind,
    /// When it was submitted.
    pub submitted_at: Timestamp,
}

/// How long each stage may take. Defaults are opres's reading of the guidelines; see module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingPolicy {
    /// "Immediately" after becoming aware: default 1 hour.
    pub first_report_within: Duration,
    /// Written report after becoming aware: default 7 days.
    pub written_report_within: Duration,
    /// Report after recovery: default 1 day.
    pub recovery_report_within: Duration,
    /// Report after the cause is identified: default 7 days.
    pub cause_report_within: Duration,
    /// Status report while the cause is unknown: every this many months after becoming aware.
    pub status_report_every_months: u32,
}

impl Default for ReportingPolicy {
    fn default() -> Self {
        ReportingPolicy {
            first_report_within: Duration::hours(1),
            written_report_within: Duration::days(7),
            recovery_report_within: Duration::days(1),
            cause_report_within: Duration::days(7),
            status_report_every_months: 1,
        }
    }
}

/// Where one report stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReportStageStatus {
    /// Submitted by the due date.
    Submitted { submitted_at: Timestamp },
    /// Submitted after the due date.
    SubmittedLate { submitted_at: Timestamp },
    /// Not submitted; the due date has not passed.
    Due,
    /// Not submitted and past its due date.
    Overdue,
}

impl ReportStageStatus {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReportStageStatus::Submitted { .. } => "submitted",
            ReportStageStatus::SubmittedLate { .. } => "submitted_late",
            ReportStageStatus::Due => "due",
            ReportStageStatus::Overdue => "overdue",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ReportStageStatus::Submitted { .. }, Lang::Ja) => "提出済",
            (ReportStageStatus::Submitted { .. }, Lang::En) => "Submitted",
            (ReportStageStatus::SubmittedLate { .. }, Lang::Ja) => "提出済（期限超過）",
            (ReportStageStatus::SubmittedLate { .. }, Lang::En) => "Submitted late",
            (ReportStageStatus::Due, Lang::Ja) => "提出待ち",
            (ReportStageStatus::Due, Lang::En) => "Due",
            (ReportStageStatus::Overdue, Lang::Ja) => "期限超過",
            (ReportStageStatus::Overdue, Lang::En) => "Overdue",
        }
    }

    /// Whether nothing is outstanding.
    pub fn is_submitted(self) -> bool {
        matches!(self, ReportStageStatus::Submitted { .. } | ReportStageStatus::SubmittedLate { .. })
    }
}

/// One report the incident calls for, with its due date and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportStage {
    /// Which report.
    pub kind: ReportStageKind,
    /// 1 for every stage but the status report, which repeats (1st, 2nd, … month).
    pub sequence: u32,
    /// When it is due.
    pub due_at: Timestamp,
    /// Where it stands at the moment asked.
    pub status: ReportStageStatus,
}

impl ReportStage {
    /// Whether it is overdue.
    pub fn is_overdue(&self) -> bool {
        self.status == ReportStageStatus::Overdue
    }
}

impl fmt::Display for ReportStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{} due {} ({})", self.kind, self.sequence, self.due_at, self.status.code())
    }
}

impl ReportingPolicy {
    /// Every report the incident calls for as of `now`, in lifecycle order.
    ///
    /// A stage appears once the event that triggers it has happened (recovery, cause identified).
    /// Status reports are due every `status_report_every_months` after becoming aware while the
    /// cause stays unknown; the next upcoming one is listed so staff see it coming.
    pub fn stages(&self, incident: &Incident, now: Timestamp) -> Vec<ReportStage> {
        self.stages_for(&incident.times, &incident.report_submissions, now)
    }

    /// As [`ReportingPolicy::stages`], from the times and submissions alone.
    pub fn stages_for(
        &self,
        times: &IncidentTimes,
        submissions: &[ReportSubmission],
        now: Timestamp,
    ) -> Vec<ReportStage> {
        let submitted = |kind: ReportStageKind| -> Vec<Timestamp> {
            let mut v: Vec<Timestamp> = match kind {
                ReportStageKind::FirstReport => times.first_reported_at().into_iter().collect(),
                _ => submissions.iter().filter(|s| s.stage == kind).map(|s| s.submitted_at).collect(),
            };
            v.sort();
            v
        };
        let stage = |kind, sequence, due_at: Timestamp, submitted_at: Option<Timestamp>| {
            let status = match submitted_at {
                Some(at) if at <= due_at => ReportStageStatus::Submitted { submitted_at: at },
                Some(at) => ReportStageStatus::SubmittedLate { submitted_at: at },
                None if now > due_at => ReportStageStatus::Overdue,
                None => ReportStageStatus::Due,
            };
            ReportStage { kind, sequence, due_at, status }
        };
        let first = |kind| submitted(kind).first().copied();
        let detected = times.detected_at();
        let mut out = vec![
            stage(
                ReportStageKind::FirstReport,
                1,
                detected + self.first_report_within,
                first(ReportStageKind::FirstReport),
            ),
            stage(
                ReportStageKind::WrittenReport,
                1,
                detected + self.written_report_within,
                first(ReportStageKind::WrittenReport),
            ),
        ];
        if let Some(r) = times.recovered_at() {
            out.push(stage(
                ReportStageKind::RecoveryReport,
                1,
                r + self.recovery_report_within,
                first(ReportStageKind::RecoveryReport),
            ));
        }
        if let Some(c) = times.cause_identified_at() {
            out.push(stage(
                ReportStageKind::CauseReport,
                1,
                c + self.cause_report_within,
                first(ReportStageKind::CauseReport),
            ));
        }
        // Monthly status reports while the cause is unknown. The k-th submission answers the
        // k-th due date. Stop at the cause (then the cause report takes over) or, when still
        // unknown, after the first due date in the future.
        let status_submissions = submitted(ReportStageKind::StatusReport);
        let months = self.status_report_every_months.max(1);
        for k in 1u32.. {
            let Some(due) = detected.checked_add_months(Months::new(months.saturating_mul(k))) else { break };
            if times.cause_identified_at().is_some_and(|c| c <= due) {
                break;
            }
            out.push(stage(ReportStageKind::StatusReport, k, due, status_submissions.get(k as usize - 1).copied()));
            if due > now {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn t(s: &str) -> Timestamp {
        parse_timestamp(s).unwrap()
    }

    fn times(detected: &str, first: Option<&str>, recovered: Option<&str>, cause: Option<&str>) -> IncidentTimes {
        let d = t(detected);
        IncidentTimes::new(d, d, first.map(t), recovered.map(t), cause.map(t), None).unwrap()
    }

    #[test]
    fn first_report_is_due_within_the_hour() {
        let p = ReportingPolicy::default();
        let tm = times("2024-05-01T09:00:00+09:00", None, None, None);
        let s = p.stages_for(&tm, &[], t("2024-05-01T09:30:00+09:00"));
        assert_eq!(s[0].kind, ReportStageKind::FirstReport);
        assert_eq!(s[0].status, ReportStageStatus::Due);
        let s = p.stages_for(&tm, &[], t("2024-05-01T10:30:00+09:00"));
        assert_eq!(s[0].status, ReportStageStatus::Overdue);
        // Only first and written report, plus the upcoming status report.
        assert_eq!(
            s.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [ReportStageKind::FirstReport, ReportStageKind::WrittenReport, ReportStageKind::StatusReport]
        );
    }

    #[test]
    fn status_reports_repeat_monthly_until_the_cause_is_found() {
        let p = ReportingPolicy::default();
        let tm = times(
            "2024-01-31T09:00:00+09:00",
            Some("2024-01-31T09:10:00+09:00"),
            Some("2024-02-01T09:00:00+09:00"),
            None,
        );
        let subs =
            [ReportSubmission { stage: ReportStageKind::StatusReport, submitted_at: t("2024-02-20T09:00:00+09:00") }];
        let s = p.stages_for(&tm, &subs, t("2024-04-15T00:00:00+09:00"));
        let status: Vec<_> = s.iter().filter(|s| s.kind == ReportStageKind::StatusReport).collect();
        // Due 2/29 (month end clamps), 3/31, 4/30; the first submitted, the second overdue, the third upcoming.
        assert_eq!(status.len(), 3);
        assert_eq!(status[0].due_at, t("2024-02-29T09:00:00+09:00"));
        assert!(status[0].status.is_submitted());
        assert!(status[1].is_overdue());
        assert_eq!(status[2].status, ReportStageStatus::Due);
        assert!(s.iter().any(|s| s.kind == ReportStageKind::RecoveryReport && s.is_overdue()));

        // Once the cause is found, no further status reports: a cause report instead.
        let tm = times("2024-01-31T09:00:00+09:00", None, None, Some("2024-03-15T00:00:00+09:00"));
        let s = p.stages_for(&tm, &[], t("2024-06-01T00:00:00+09:00"));
        assert_eq!(s.iter().filter(|s| s.kind == ReportStageKind::StatusReport).count(), 1);
        assert!(s.iter().any(|s| s.kind == ReportStageKind::CauseReport));
    }

    #[test]
    fn late_submission_is_marked_late() {
        let p = ReportingPolicy::default();
        let tm = times("2024-05-01T09:00:00+09:00", Some("2024-05-01T12:00:00+09:00"), None, None);
        let s = p.stages_for(&tm, &[], t("2024-05-02T00:00:00+09:00"));
        assert_eq!(s[0].status.code(), "submitted_late");
    }
}
