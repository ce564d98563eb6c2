//! United Kingdom: PRA PS7/26 (with SS1/26) and FCA PS26/2 (with FG26/3), operational incident
//! reporting, in force from 18 March 2027.
//!
//! Initial report within 24 hours of the firm determining that the incident meets a reporting
//! threshold; an intermediate report as soon as practicable on a significant change, and at least one
//! when an incident not resolved at the initial report is resolved; a final report after resolution.
//! The final report's period could not be verified in the final policy text available to us (the
//! consultations CP17/24 and CP24/28 proposed 30 working days after resolution): it is the
//! parameter [`UkSettings::final_report_within_working_days`], default 30, and so is the initial
//! period ([`UkSettings::initial_report_within`], default 24 hours; payment service providers keep
//! their own shorter timelines, which are not modelled).

use crate::calendar::HolidayCalendar;
use crate::obligations::{Due, Obligation, RegimeInputs, Timestamp, find_submission};
use crate::{ClockStart, Report};
use chrono::Duration;
use opres_domain::IncidentTimes;
use serde::{Deserialize, Serialize};

/// The UK parameters of an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UkSettings {
    /// Initial report after determination; default 24 hours.
    pub initial_report_within: Duration,
    /// Final report after resolution, in working days; default 30 (consultation figure, see module docs).
    pub final_report_within_working_days: u32,
    /// The working-day calendar (England and Wales bank holidays, supplied by the institution).
    pub calendar: HolidayCalendar,
}

impl Default for UkSettings {
    fn default() -> Self {
        UkSettings {
            initial_report_within: Duration::hours(24),
            final_report_within_working_days: 30,
            calendar: HolidayCalendar::weekends_only_utc(),
        }
    }
}

const RULE_INITIAL: &str = "PRA PS7/26 / FCA PS26/2: initial report within 24 hours of determining the incident meets a threshold (parameter uk.initial_report_within)";
const RULE_INTERMEDIATE: &str = "PRA PS7/26 / FCA PS26/2: intermediate report as soon as practicable, at least on resolution when not resolved at the initial report";
const RULE_FINAL: &str = "PRA PS7/26 / FCA PS26/2: final report after resolution; period is the parameter uk.final_report_within_working_days (default 30 working days, from the consultations)";

pub(crate) fn obligations(
    settings: &UkSettings,
    times: &IncidentTimes,
    inputs: &RegimeInputs,
    now: Timestamp,
) -> Vec<Obligation> {
    let Some(determined) = inputs.uk_determined_at else {
        return vec![
            Obligation::waiting(Report::UkInitialReport, 1, ClockStart::Determination, RULE_INITIAL),
            Obligation::waiting(Report::UkIntermediateReport, 1, ClockStart::Recovery, RULE_INTERMEDIATE),
            Obligation::waiting(Report::UkFinalReport, 1, ClockStart::Recovery, RULE_FINAL),
        ];
    };
    let resolved = inputs.uk_resolved_at.or(times.recovered_at());
    let initial_due = determined + settings.initial_report_within;
    let mut out = vec![Obligation::judged(
        Report::UkInitialReport,
        1,
        ClockStart::Determination,
        determined,
        Due::At { at: initial_due, unadjusted: None },
        inputs,
        now,
        RULE_INITIAL,
    )];
    let initial_at = find_submission(inputs, Report::UkInitialReport, 1).map(|s| s.submitted_at);
    out.push(match (resolved, initial_at) {
        (None, _) | (Some(_), None) => {
            Obligation::waiting(Report::UkIntermediateReport, 1, ClockStart::Recovery, RULE_INTERMEDIATE)
        }
        // Resolved before the initial report: the initial report says so, no intermediate report.
        (Some(r), Some(i)) if r <= i => {
            Obligation::not_required(Report::UkIntermediateReport, 1, ClockStart::Recovery, Some(r), RULE_INTERMEDIATE)
        }
        (Some(r), Some(_)) => Obligation::judged(
            Report::UkIntermediateReport,
            1,
            ClockStart::Recovery,
            r,
            Due::AsSoonAsPossible,
            inputs,
            now,
            RULE_INTERMEDIATE,
        ),
    });
    out.push(match resolved {
        None => Obligation::waiting(Report::UkFinalReport, 1, ClockStart::Recovery, RULE_FINAL),
        Some(r) => Obligation::judged(
            Report::UkFinalReport,
            1,
            ClockStart::Recovery,
            r,
            Due::At {
                at: settings.calendar.add_working_days(r, settings.final_report_within_working_days),
                unadjusted: None,
            },
            inputs,
            now,
            RULE_FINAL,
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ObligationStatus, Submission};
    use chrono::{DateTime, NaiveDate, Utc};

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn uk_windows() {
        let d = t("2027-04-01T08:00:00Z");
        let times = IncidentTimes::new(d, d, None, Some(t("2027-04-02T10:00:00Z")), None, None).unwrap();
        let cal = HolidayCalendar::new("E&W", 0, [NaiveDate::from_ymd_opt(2027, 4, 5).unwrap()]).unwrap();
        let settings = UkSettings { calendar: cal, ..UkSettings::default() };
        let now = t("2027-04-03T00:00:00Z");
        // Not determined yet: everything waits.
        let obs = obligations(&settings, &times, &RegimeInputs::default(), now);
        assert!(obs.iter().all(|o| o.status == ObligationStatus::Waiting));

        let mut inputs = RegimeInputs { uk_determined_at: Some(t("2027-04-01T09:00:00Z")), ..Default::default() };
        let obs = obligations(&settings, &times, &inputs, now);
        assert_eq!(obs[0].due.and_then(Due::at), Some(t("2027-04-02T09:00:00Z")));
        assert_eq!(obs[0].status, ObligationStatus::Overdue);
        assert_eq!(obs[1].status, ObligationStatus::Waiting);
        // Final: 30 working days from Friday 2 April, skipping weekends and the listed holiday on Monday 5 April.
        assert_eq!(obs[2].due.and_then(Due::at), Some(t("2027-05-17T10:00:00Z")));

        // Initial submitted before resolution → an intermediate report is due as soon as practicable.
        inputs.submissions =
            vec![Submission { report: Report::UkInitialReport, sequence: 1, submitted_at: t("2027-04-01T20:00:00Z") }];
        let obs = obligations(&settings, &times, &inputs, now);
        assert_eq!(obs[0].status, ObligationStatus::Met);
        assert_eq!((obs[1].status, obs[1].due), (ObligationStatus::Due, Some(Due::AsSoonAsPossible)));
        // Resolved before the initial report: no intermediate report.
        inputs.submissions[0].submitted_at = t("2027-04-02T10:30:00Z");
        assert_eq!(obligations(&settings, &times, &inputs, now)[1].status, ObligationStatus::NotRequired);
    }
}
