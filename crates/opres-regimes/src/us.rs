//! United States: the banking agencies' computer-security incident notification rule
//! (OCC 12 CFR part 53, Federal Reserve 12 CFR part 225 subpart N, FDIC 12 CFR part 304 subpart C).
//!
//! - A banking organisation notifies its primary federal regulator as soon as possible and no later
//!   than 36 hours after it determines that a notification incident has occurred (§ 53.3, § 225.302,
//!   § 304.23).
//! - A bank service provider notifies each affected banking-organisation customer as soon as possible
//!   when it determines that it has experienced a computer-security incident that has materially
//!   disrupted or degraded, or is reasonably likely to, covered services for four or more hours
//!   (§ 53.4, § 225.303, § 304.24). The rule gives no period: opres computes none.

use crate::obligations::{Due, Obligation, RegimeInputs, Timestamp, find_submission};
use crate::{ClockStart, Report};
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// What the US rule is to the institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsSettings {
    /// A banking organisation (national bank, state member bank, bank holding company, FDIC-supervised
    /// institution…): notifies its primary federal regulator.
    pub banking_organization: bool,
    /// A bank service provider (services subject to the Bank Service Company Act): notifies its bank
    /// customers.
    pub bank_service_provider: bool,
}

/// The regulator notification's period after determination: 36 hours.
pub const REGULATOR_NOTIFICATION_WITHIN_HOURS: i64 = 36;
/// The disruption that makes a bank service provider notify its customers: four hours or more.
pub const PROVIDER_DISRUPTION_MINUTES: u64 = 4 * 60;

const RULE_REGULATOR: &str = "12 CFR 53.3, 225.302, 304.23: as soon as possible and no later than 36 hours after determining a notification incident occurred";
const RULE_PROVIDER: &str = "12 CFR 53.4, 225.303, 304.24: as soon as possible when covered services are materially disrupted or degraded for four or more hours";

pub(crate) fn obligations(settings: &UsSettings, inputs: &RegimeInputs, now: Timestamp) -> Vec<Obligation> {
    let mut out = Vec::new();
    if settings.banking_organization {
        let report = Report::UsRegulatorNotification;
        out.push(match inputs.us_determined_at {
            None => Obligation::waiting(report, 1, ClockStart::Determination, RULE_REGULATOR),
            Some(d) => Obligation::judged(
                report,
                1,
                ClockStart::Determination,
                d,
                Due::At { at: d + Duration::hours(REGULATOR_NOTIFICATION_WITHIN_HOURS), unadjusted: None },
                inputs,
                now,
                RULE_REGULATOR,
            ),
        });
    }
    if settings.bank_service_provider {
        let report = Report::UsCustomerNotification;
        out.push(match inputs.us_provider_disruption {
            None => Obligation::waiting(report, 1, ClockStart::Determination, RULE_PROVIDER),
            Some(p) => match p.disruption_minutes {
                // Not known yet: neither required nor excused; a submission already made still shows.
                None => {
                    let mut o = Obligation::waiting(report, 1, ClockStart::Determination, RULE_PROVIDER);
                    o.started_at = Some(p.determined_at);
                    o.met_by = find_submission(inputs, report, 1).map(|s| crate::SubmissionRef {
                        report,
                        sequence: 1,
                        submitted_at: s.submitted_at,
                    });
                    o
                }
                Some(m) if m < PROVIDER_DISRUPTION_MINUTES => {
                    Obligation::not_required(report, 1, ClockStart::Determination, Some(p.determined_at), RULE_PROVIDER)
                }
                Some(_) => Obligation::judged(
                    report,
                    1,
                    ClockStart::Determination,
                    p.determined_at,
                    Due::AsSoonAsPossible,
                    inputs,
                    now,
                    RULE_PROVIDER,
                ),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ObligationStatus, Submission, UsProviderDisruption};
    use chrono::{DateTime, Utc};

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    const BOTH: UsSettings = UsSettings { banking_organization: true, bank_service_provider: true };

    #[test]
    fn regulator_is_notified_within_36_hours_of_determination() {
        let mut inputs = RegimeInputs { us_determined_at: Some(t("2027-01-08T22:00:00Z")), ..Default::default() };
        let obs = obligations(&BOTH, &inputs, t("2027-01-09T00:00:00Z"));
        let o = &obs[0];
        assert_eq!(o.report, Report::UsRegulatorNotification);
        // 36 hours, weekends included: Friday 22:00 → Sunday 10:00.
        assert_eq!(o.due.and_then(Due::at), Some(t("2027-01-10T10:00:00Z")));
        assert_eq!(o.status, ObligationStatus::Due);
        let at_deadline = t("2027-01-10T10:00:00Z");
        inputs.submissions = vec![Submission { report: o.report, sequence: 1, submitted_at: at_deadline }];
        assert_eq!(obligations(&BOTH, &inputs, at_deadline)[0].status, ObligationStatus::Met);
        inputs.submissions[0].submitted_at = at_deadline + Duration::seconds(1);
        assert_eq!(obligations(&BOTH, &inputs, at_deadline)[0].status, ObligationStatus::Late);
        inputs.submissions.clear();
        assert_eq!(
            obligations(&BOTH, &inputs, at_deadline + Duration::seconds(1))[0].status,
            ObligationStatus::Overdue
        );
        // No determination: waiting, no due time.
        let obs = obligations(&BOTH, &RegimeInputs::default(), at_deadline);
        assert_eq!((obs[0].status, obs[0].due), (ObligationStatus::Waiting, None));
    }

    #[test]
    fn provider_notifies_customers_as_soon_as_possible_from_four_hours() {
        let now = t("2027-01-09T00:00:00Z");
        let at = |m: Option<u64>| {
            let inputs = RegimeInputs {
                us_provider_disruption: Some(UsProviderDisruption {
                    determined_at: t("2027-01-08T20:00:00Z"),
                    disruption_minutes: m,
                }),
                ..Default::default()
            };
            obligations(&UsSettings { banking_organization: false, bank_service_provider: true }, &inputs, now)
                .remove(0)
        };
        assert_eq!(at(Some(239)).status, ObligationStatus::NotRequired);
        let four = at(Some(240));
        assert_eq!((four.status, four.due), (ObligationStatus::Due, Some(Due::AsSoonAsPossible)));
        assert_eq!(at(Some(241)).status, ObligationStatus::Due);
        // Never overdue: the rule has no period, so a day later it is still "as soon as possible".
        assert_eq!(at(Some(600)).status, ObligationStatus::Due);
        assert_eq!(at(None).status, ObligationStatus::Waiting);
    }
}
