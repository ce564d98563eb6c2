//! One incident, every regime: the obligations with their due times, statuses and the submissions
//! that met them.

use crate::dora::{DoraImpact, DoraSettings};
use crate::uk::UkSettings;
use crate::us::UsSettings;
use crate::{ClockStart, Regime, Report};
use opres_domain::{IncidentTimes, Problem, ReportStageStatus, ReportSubmission, ReportingPolicy, ValidationErrors};
use serde::{Deserialize, Serialize};

/// An instant: UTC inside, RFC 3339 with offset outside.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// Which regimes apply to an institution, and their parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeSettings {
    /// The FSA's stages with the institution's offsets; `None`: the FSA regime does not apply.
    pub fsa: Option<ReportingPolicy>,
    /// DORA, where the institution (or its EU entity) is a financial entity under DORA.
    pub dora: Option<DoraSettings>,
    /// The US rule, where the institution has a US banking organisation or is a bank service provider.
    pub us: Option<UsSettings>,
    /// The UK rule, where the institution has a PRA- or FCA-regulated UK entity.
    pub uk: Option<UkSettings>,
}

impl Default for RegimeSettings {
    /// A Japanese institution with no foreign entity: the FSA with opres's default policy only.
    fn default() -> Self {
        RegimeSettings { fsa: Some(ReportingPolicy::default()), dora: None, us: None, uk: None }
    }
}

impl RegimeSettings {
    /// The regimes that apply, in display order.
    pub fn regimes(&self) -> Vec<Regime> {
        let mut v = Vec::new();
        if self.fsa.is_some() {
            v.push(Regime::Fsa);
        }
        if self.dora.is_some() {
            v.push(Regime::Dora);
        }
        if self.us.is_some() {
            v.push(Regime::UsBankingNotification);
        }
        if self.uk.is_some() {
            v.push(Regime::UkOperationalIncident);
        }
        v
    }

    /// Checks the parameters; every problem is named by field.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::default();
        if let Some(us) = &self.us
            && !us.banking_organization
            && !us.bank_service_provider
        {
            errs.push("us.banking_organization", Problem::Requires { other_field: "us.bank_service_provider" });
        }
        if let Some(uk) = &self.uk {
            if uk.initial_report_within <= chrono::Duration::zero() {
                errs.push(
                    "uk.initial_report_within",
                    Problem::Negative { value: uk.initial_report_within.to_string() },
                );
            }
            if uk.final_report_within_working_days == 0 {
                errs.push(
                    "uk.final_report_within_working_days",
                    Problem::Negative { value: uk.final_report_within_working_days.to_string() },
                );
            }
        }
        errs.into_result(|| ())
    }
}

/// What the incident record holds beyond the register's times, for the regimes other than the FSA.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegimeInputs {
    /// DORA: when the institution classified the incident as major (starts the 4-hour clock).
    pub dora_classified_at: Option<Timestamp>,
    /// DORA: when a major incident was reclassified as non-major (ends the obligations not yet due).
    pub dora_reclassified_non_major_at: Option<Timestamp>,
    /// DORA: the impact figures the classification is evaluated on.
    pub dora_impact: Option<DoraImpact>,
    /// US: when the banking organisation determined that a notification incident occurred.
    pub us_determined_at: Option<Timestamp>,
    /// US: a bank service provider's disruption of covered services.
    pub us_provider_disruption: Option<UsProviderDisruption>,
    /// UK: when the firm determined that the incident meets a reporting threshold.
    pub uk_determined_at: Option<Timestamp>,
    /// UK: when the incident was resolved; `None`: the register's recovery time is used.
    pub uk_resolved_at: Option<Timestamp>,
    /// Reports submitted under the regimes other than the FSA.
    pub submissions: Vec<Submission>,
    /// Notices to the authority that a report will be late (DORA 2025/301 Art. 5(3)).
    pub delay_notices: Vec<DelayNotice>,
}

/// A bank service provider's computer-security incident (12 CFR 53.4, 225.303, 304.24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsProviderDisruption {
    /// When the provider determined it had experienced the incident.
    pub determined_at: Timestamp,
    /// How long covered services were (or are reasonably likely to be) materially disrupted or
    /// degraded, in minutes; `None`: not known yet.
    pub disruption_minutes: Option<u64>,
}

/// A report submitted: it names the obligation it meets (regime is the report's, sequence from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// Which report.
    pub report: Report,
    /// Which occurrence of it (1 for the first; an updated DORA intermediate report is 2, …).
    pub sequence: u32,
    /// When it was submitted.
    pub submitted_at: Timestamp,
}

/// A notice to the authority, before a report's due time, that it will be late and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelayNotice {
    /// Which report.
    pub report: Report,
    /// Which occurrence of it.
    pub sequence: u32,
    /// When the authority was told.
    pub given_at: Timestamp,
}

/// The submission that met (or answered late) an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubmissionRef {
    /// Which report.
    pub report: Report,
    /// Which occurrence.
    pub sequence: u32,
    /// When it was submitted.
    pub submitted_at: Timestamp,
}

/// When an obligation is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Due {
    /// By this instant.
    At {
        /// The due time after every calendar rule.
        at: Timestamp,
        /// The due time before the calendar rule moved it (weekend/holiday), when it did.
        unadjusted: Option<Timestamp>,
    },
    /// "As soon as possible" (or "without undue delay"): the rule gives no period, so opres
    /// computes no deadline and never calls the report late.
    AsSoonAsPossible,
}

impl Due {
    /// The instant, when there is one.
    pub fn at(self) -> Option<Timestamp> {
        match self {
            Due::At { at, .. } => Some(at),
            Due::AsSoonAsPossible => None,
        }
    }
}

opres_domain::code_enum!(
    /// Where an obligation stands at the moment asked.
    pub ObligationStatus, "obligation status", {
        /// Not submitted; the due time has not passed (or the rule says "as soon as possible").
        Due => "due", "提出待ち", "Due";
        /// Not submitted and past its due time.
        Overdue => "overdue", "期限超過", "Overdue";
        /// Submitted by the due time.
        Met => "met", "期限内に提出", "Met";
        /// Submitted after the due time.
        Late => "late", "期限後に提出", "Submitted late";
        /// Late or overdue, but the authority was told before the due time (DORA 2025/301 Art. 5(3)).
        LateWithNotice => "late_with_notice", "遅延（事前に当局へ連絡済）", "Late, notice given";
        /// Not required: the incident does not meet the regime's test, or was reclassified.
        NotRequired => "not_required", "不要", "Not required";
        /// The event that starts the clock has not happened (or is not recorded) yet.
        Waiting => "waiting", "起算事由待ち", "Waiting for the starting event";
    }
);

/// One report one regime asks of the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// The regime.
    pub regime: Regime,
    /// The report.
    pub report: Report,
    /// 1 for the first occurrence; FSA status reports and updated DORA intermediate reports repeat.
    pub sequence: u32,
    /// The event that starts the clock.
    pub starts_on: ClockStart,
    /// When that event happened; `None` while waiting.
    pub started_at: Option<Timestamp>,
    /// When it is due; `None` while waiting or when not required.
    pub due: Option<Due>,
    /// Where it stands.
    pub status: ObligationStatus,
    /// The submission that answered it.
    pub met_by: Option<SubmissionRef>,
    /// The rule, with its citation (see `docs/reporting-regimes.md`).
    pub rule: &'static str,
}

impl Obligation {
    /// Whether the report is still to be submitted while its clock runs: due, overdue, or late with
    /// notice given but not yet submitted. Waiting and not-required obligations are not outstanding.
    pub fn is_outstanding(&self) -> bool {
        self.met_by.is_none()
            && matches!(
                self.status,
                ObligationStatus::Due | ObligationStatus::Overdue | ObligationStatus::LateWithNotice
            )
    }

    /// An obligation whose starting event has not happened.
    pub(crate) fn waiting(report: Report, sequence: u32, starts_on: ClockStart, rule: &'static str) -> Obligation {
        Obligation {
            regime: report.regime(),
            report,
            sequence,
            starts_on,
            started_at: None,
            due: None,
            status: ObligationStatus::Waiting,
            met_by: None,
            rule,
        }
    }

    /// An obligation the regime does not ask for.
    pub(crate) fn not_required(
        report: Report,
        sequence: u32,
        starts_on: ClockStart,
        started_at: Option<Timestamp>,
        rule: &'static str,
    ) -> Obligation {
        Obligation {
            status: ObligationStatus::NotRequired,
            started_at,
            ..Obligation::waiting(report, sequence, starts_on, rule)
        }
    }

    /// An obligation with a clock, judged against the submissions and notices.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn judged(
        report: Report,
        sequence: u32,
        starts_on: ClockStart,
        started_at: Timestamp,
        due: Due,
        inputs: &RegimeInputs,
        now: Timestamp,
        rule: &'static str,
    ) -> Obligation {
        let submission = find_submission(inputs, report, sequence);
        let notice = inputs
            .delay_notices
            .iter()
            .filter(|n| n.report == report && n.sequence == sequence)
            .map(|n| n.given_at)
            .min();
        let status = judge(due, submission.map(|s| s.submitted_at), notice, now);
        Obligation {
            regime: report.regime(),
            report,
            sequence,
            starts_on,
            started_at: Some(started_at),
            due: Some(due),
            status,
            met_by: submission.map(|s| SubmissionRef { report, sequence, submitted_at: s.submitted_at }),
            rule,
        }
    }
}

/// The earliest submission of that report and sequence.
pub(crate) fn find_submission(inputs: &RegimeInputs, report: Report, sequence: u32) -> Option<&Submission> {
    inputs.submissions.iter().filter(|s| s.report == report && s.sequence == sequence).min_by_key(|s| s.submitted_at)
}

/// The status of an obligation with a due time, from the first submission and the first delay notice.
pub(crate) fn judge(
    due: Due,
    submitted_at: Option<Timestamp>,
    notice_at: Option<Timestamp>,
    now: Timestamp,
) -> ObligationStatus {
    let Some(deadline) = due.at() else {
        return if submitted_at.is_some() { ObligationStatus::Met } else { ObligationStatus::Due };
    };
    let noticed = notice_at.is_some_and(|n| n <= deadline);
    match submitted_at {
        Some(s) if s <= deadline => ObligationStatus::Met,
        Some(_) if noticed => ObligationStatus::LateWithNotice,
        Some(_) => ObligationStatus::Late,
        None if now <= deadline => ObligationStatus::Due,
        None if noticed => ObligationStatus::LateWithNotice,
        None => ObligationStatus::Overdue,
    }
}

/// Every obligation of the incident under every regime that applies to the institution, as of `now`.
///
/// `times` and `fsa_submissions` are the register's (`Incident::times`, `Incident::report_submissions`);
/// the FSA's first report counts as submitted at `times.first_reported_at()`, as in the domain.
pub fn obligations(
    times: &IncidentTimes,
    fsa_submissions: &[ReportSubmission],
    inputs: &RegimeInputs,
    settings: &RegimeSettings,
    now: Timestamp,
) -> Vec<Obligation> {
    let mut out = Vec::new();
    if let Some(policy) = &settings.fsa {
        out.extend(fsa_obligations(policy, times, fsa_submissions, now));
    }
    if let Some(dora) = &settings.dora {
        out.extend(crate::dora::obligations(dora, times, inputs, now));
    }
    if let Some(us) = &settings.us {
        out.extend(crate::us::obligations(us, inputs, now));
    }
    if let Some(uk) = &settings.uk {
        out.extend(crate::uk::obligations(uk, times, inputs, now));
    }
    out
}

/// The FSA's stages, as the domain computes them, in the obligations' shape.
fn fsa_obligations(
    policy: &ReportingPolicy,
    times: &IncidentTimes,
    submissions: &[ReportSubmission],
    now: Timestamp,
) -> Vec<Obligation> {
    use opres_domain::ReportStageKind as K;
    policy
        .stages_for(times, submissions, now)
        .into_iter()
        .map(|stage| {
            let report = Report::of_fsa_stage(stage.kind);
            let (starts_on, started_at) = match stage.kind {
                K::FirstReport | K::WrittenReport | K::StatusReport => (ClockStart::Awareness, times.detected_at()),
                K::RecoveryReport => (ClockStart::Recovery, times.recovered_at().unwrap_or(times.detected_at())),
                K::CauseReport => {
                    (ClockStart::CauseIdentified, times.cause_identified_at().unwrap_or(times.detected_at()))
                }
            };
            let (status, met_by) = match stage.status {
                ReportStageStatus::Submitted { submitted_at } => (ObligationStatus::Met, Some(submitted_at)),
                ReportStageStatus::SubmittedLate { submitted_at } => (ObligationStatus::Late, Some(submitted_at)),
                ReportStageStatus::Due => (ObligationStatus::Due, None),
                ReportStageStatus::Overdue => (ObligationStatus::Overdue, None),
            };
            Obligation {
                regime: Regime::Fsa,
                report,
                sequence: stage.sequence,
                starts_on,
                started_at: Some(started_at),
                due: Some(Due::At { at: stage.due_at, unadjusted: None }),
                status,
                met_by: met_by.map(|submitted_at| SubmissionRef { report, sequence: stage.sequence, submitted_at }),
                rule: "FSA supervisory guidelines; offsets from the institution's ReportingPolicy (docs/reporting-stages.md)",
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn judging_a_due_time() {
        let due = Due::At { at: t("2027-05-01T12:00:00Z"), unadjusted: None };
        let before = Some(t("2027-05-01T11:00:00Z"));
        let after = Some(t("2027-05-01T13:00:00Z"));
        let now = t("2027-05-02T00:00:00Z");
        assert_eq!(judge(due, Some(t("2027-05-01T12:00:00Z")), None, now), ObligationStatus::Met);
        assert_eq!(judge(due, after, None, now), ObligationStatus::Late);
        assert_eq!(judge(due, after, before, now), ObligationStatus::LateWithNotice);
        // A notice given after the due time does not count.
        assert_eq!(judge(due, after, after, now), ObligationStatus::Late);
        assert_eq!(judge(due, None, None, now), ObligationStatus::Overdue);
        assert_eq!(judge(due, None, before, now), ObligationStatus::LateWithNotice);
        assert_eq!(judge(due, None, None, t("2027-05-01T12:00:00Z")), ObligationStatus::Due);
        assert_eq!(judge(Due::AsSoonAsPossible, None, None, now), ObligationStatus::Due);
        assert_eq!(judge(Due::AsSoonAsPossible, after, None, now), ObligationStatus::Met);
    }

    #[test]
    fn outstanding_means_unsubmitted_with_a_running_clock() {
        let inputs = RegimeInputs {
            delay_notices: vec![DelayNotice {
                report: Report::UsRegulatorNotification,
                sequence: 1,
                given_at: t("2027-05-01T00:00:00Z"),
            }],
            ..RegimeInputs::default()
        };
        let due = Due::At { at: t("2027-05-01T12:00:00Z"), unadjusted: None };
        let start = t("2027-05-01T00:00:00Z");
        let rep = Report::UsRegulatorNotification;
        let o =
            Obligation::judged(rep, 1, ClockStart::Determination, start, due, &inputs, t("2027-05-02T00:00:00Z"), "r");
        assert_eq!(o.status, ObligationStatus::LateWithNotice);
        assert!(o.is_outstanding());
        let mut with_sub = inputs.clone();
        with_sub.submissions.push(Submission { report: rep, sequence: 1, submitted_at: t("2027-05-01T18:00:00Z") });
        let o = Obligation::judged(
            rep,
            1,
            ClockStart::Determination,
            start,
            due,
            &with_sub,
            t("2027-05-02T00:00:00Z"),
            "r",
        );
        assert_eq!(o.status, ObligationStatus::LateWithNotice);
        assert!(!o.is_outstanding());
        assert!(!Obligation::waiting(rep, 1, ClockStart::Determination, "r").is_outstanding());
    }

    #[test]
    fn fsa_obligations_are_the_domain_stages() {
        let d = t("2024-05-01T00:00:00Z");
        let times = IncidentTimes::new(d, d, Some(t("2024-05-01T00:30:00Z")), None, None, None).unwrap();
        let policy =
            ReportingPolicy { first_report_within: chrono::Duration::minutes(20), ..ReportingPolicy::default() };
        let settings = RegimeSettings { fsa: Some(policy), ..RegimeSettings::default() };
        let now = t("2024-05-02T00:00:00Z");
        let obs = obligations(&times, &[], &RegimeInputs::default(), &settings, now);
        let stages = policy.stages_for(&times, &[], now);
        assert_eq!(obs.len(), stages.len());
        for (o, s) in obs.iter().zip(&stages) {
            assert_eq!(o.report.fsa_stage(), Some(s.kind));
            assert_eq!(o.due.and_then(Due::at), Some(s.due_at));
            assert_eq!(o.sequence, s.sequence);
        }
        // The institution's own 20-minute offset makes the 30-minute first report late.
        assert_eq!(obs[0].status, ObligationStatus::Late);
        assert_eq!(obs[0].met_by.map(|m| m.submitted_at), Some(t("2024-05-01T00:30:00Z")));
    }

    #[test]
    fn settings_name_every_bad_parameter() {
        let settings = RegimeSettings {
            us: Some(UsSettings { banking_organization: false, bank_service_provider: false }),
            uk: Some(UkSettings { final_report_within_working_days: 0, ..UkSettings::default() }),
            ..RegimeSettings::default()
        };
        let errs = settings.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["us.banking_organization", "uk.final_report_within_working_days"]);
        assert!(RegimeSettings::default().validate().is_ok());
        assert_eq!(RegimeSettings::default().regimes(), [Regime::Fsa]);
    }
}
