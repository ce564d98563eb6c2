//! DORA: Regulation (EU) 2022/2554 Art. 18–19; classification by Delegated Regulation (EU) 2024/1772
//! (Art. 8 major incident, Art. 9 materiality thresholds); time limits by Delegated Regulation (EU)
//! 2025/301 Art. 5.
//!
//! Classification never guesses: each criterion is met, not met, or undecided for missing data, and
//! the incident is major, not major, or undecided accordingly.

use crate::calendar::HolidayCalendar;
use crate::obligations::{Due, Obligation, ObligationStatus, RegimeInputs, Timestamp, find_submission};
use crate::{ClockStart, Report};
use chrono::{Duration, Months};
use opres_domain::IncidentTimes;
use serde::{Deserialize, Serialize};

opres_domain::code_enum!(
    /// The type of financial entity (DORA Art. 2(1)), as far as the time-limit rules tell them apart.
    pub DoraEntityType, "DORA entity type", {
        CreditInstitution => "credit_institution", "信用機関", "Credit institution";
        CentralCounterparty => "central_counterparty", "中央清算機関", "Central counterparty";
        TradingVenueOperator => "trading_venue_operator", "取引施設運営者", "Operator of a trading venue";
        PaymentInstitution => "payment_institution", "決済機関", "Payment institution";
        EMoneyInstitution => "e_money_institution", "電子マネー機関", "E-money institution";
        InvestmentFirm => "investment_firm", "投資会社", "Investment firm";
        InsuranceUndertaking => "insurance_undertaking", "保険会社", "Insurance or reinsurance undertaking";
        Other => "other", "その他の金融事業体", "Other financial entity";
    }
);

/// An institution's DORA parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoraSettings {
    /// The entity type.
    pub entity_type: DoraEntityType,
    /// Identified as an essential or important entity under Art. 3 of Directive (EU) 2022/2555 (NIS2).
    pub nis2_essential_or_important: bool,
    /// The competent authority has disapplied the weekend/holiday relief (2025/301 Art. 5(6)).
    pub weekend_relief_disapplied: bool,
    /// The Member State's working days, supplied by the institution.
    pub calendar: HolidayCalendar,
}

impl DoraSettings {
    /// Whether the weekend/holiday relief of 2025/301 Art. 5(4) applies to this report: never for
    /// the initial notification and intermediate report of credit institutions, central
    /// counterparties, operators of trading venues and NIS2 essential/important entities (Art. 5(5)),
    /// never where the authority disapplied it (Art. 5(6)).
    pub fn weekend_relief_applies(&self, report: Report) -> bool {
        if self.weekend_relief_disapplied {
            return false;
        }
        let exempt_entity = self.nis2_essential_or_important
            || matches!(
                self.entity_type,
                DoraEntityType::CreditInstitution
                    | DoraEntityType::CentralCounterparty
                    | DoraEntityType::TradingVenueOperator
            );
        !(exempt_entity && matches!(report, Report::DoraInitialNotification | Report::DoraIntermediateReport))
    }

    /// The due time after the weekend/holiday rule: a deadline falling on a weekend day or holiday
    /// (local date) moves to noon of the next working day, where the relief applies.
    pub fn adjust(&self, report: Report, raw: Timestamp) -> Due {
        if self.weekend_relief_applies(report) && self.calendar.is_non_working_instant(raw) {
            let moved = self.calendar.noon_of_next_working_day(raw);
            if moved > raw {
                return Due::At { at: moved, unadjusted: Some(raw) };
            }
        }
        Due::At { at: raw, unadjusted: None }
    }
}

/// The impact figures the classification reads. Every field is optional: missing is undecided.
/// Money is whole euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DoraImpact {
    /// ICT services or systems supporting critical or important functions affected (2024/1772 Art. 6).
    pub critical_functions_affected: Option<bool>,
    /// Financial services requiring authorisation affected (Art. 6).
    pub authorised_services_affected: Option<bool>,
    /// A successful, malicious and unauthorised access to network and information systems (Art. 6).
    pub malicious_unauthorised_access: Option<bool>,
    /// That access may result in data losses (Art. 8(1)(a)).
    pub access_may_cause_data_loss: Option<bool>,
    /// Clients using the affected service.
    pub clients_total: Option<u64>,
    /// Clients affected.
    pub clients_affected: Option<u64>,
    /// A client or financial counterpart the entity identified as relevant was affected (Art. 9(1)(f)).
    pub relevant_client_or_counterpart_affected: Option<bool>,
    /// Financial counterparts carrying out activities related to the affected service.
    pub counterparts_total: Option<u64>,
    /// Financial counterparts affected.
    pub counterparts_affected: Option<u64>,
    /// Daily average number of transactions of the affected service.
    pub daily_average_transactions: Option<u64>,
    /// Transactions affected.
    pub transactions_affected: Option<u64>,
    /// Daily average value of transactions, whole euros.
    pub daily_average_transaction_value_eur: Option<u64>,
    /// Value of transactions affected, whole euros.
    pub transaction_value_affected_eur: Option<u64>,
    /// Reputational impact (media attention, repeated complaints, regulatory requirements not met,
    /// clients likely lost: Art. 9(2)).
    pub reputational_impact: Option<bool>,
    /// Duration of the incident, minutes.
    pub duration_minutes: Option<u64>,
    /// Service downtime of ICT services supporting critical or important functions, minutes.
    pub critical_service_downtime_minutes: Option<u64>,
    /// Member States in which the impact was felt (Art. 9(4)).
    pub member_states_affected: Option<u32>,
    /// Data losses: an impact on availability, authenticity, integrity or confidentiality of data
    /// with an adverse effect on business objectives or regulatory requirements (Art. 9(5)).
    pub data_losses: Option<bool>,
    /// Costs and losses, before recoveries, whole euros (Art. 9(6)).
    pub economic_impact_eur: Option<u64>,
}

/// Met, not met, or cannot be decided for missing data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The threshold or test is met.
    Met,
    /// It is not.
    NotMet,
    /// The data to decide is missing.
    Undecided,
}

impl Decision {
    fn of(b: Option<bool>) -> Decision {
        match b {
            Some(true) => Decision::Met,
            Some(false) => Decision::NotMet,
            None => Decision::Undecided,
        }
    }
    /// Any of: met if one is met, not met if all are not met, else undecided.
    fn any(ds: &[Decision]) -> Decision {
        if ds.contains(&Decision::Met) {
            Decision::Met
        } else if ds.iter().all(|d| *d == Decision::NotMet) {
            Decision::NotMet
        } else {
            Decision::Undecided
        }
    }
    /// `part / whole > num / den`, in integers.
    fn share_above(part: Option<u64>, whole: Option<u64>, num: u64, den: u64) -> Decision {
        match (part, whole) {
            (Some(p), Some(w)) => Decision::of(Some(u128::from(p) * u128::from(den) > u128::from(w) * u128::from(num))),
            _ => Decision::Undecided,
        }
    }
    fn above(v: Option<u64>, limit: u64) -> Decision {
        Decision::of(v.map(|v| v > limit))
    }
}

opres_domain::code_enum!(
    /// A classification criterion or one of its thresholds (2024/1772 Art. 6, 8, 9).
    pub DoraCriterion, "DORA criterion", {
        /// Art. 6: critical services affected (critical/important functions, authorised services, or malicious access).
        CriticalServices => "critical_services", "重要なサービスへの影響", "Critical services affected";
        /// Art. 8(1)(a): successful malicious unauthorised access that may result in data losses.
        MaliciousAccessDataLoss => "malicious_access_data_loss", "データ損失のおそれのある悪意ある不正アクセス", "Malicious unauthorised access that may cause data losses";
        /// Art. 9(1): clients, financial counterparts and transactions (one criterion; its thresholds below).
        ClientsCounterpartsTransactions => "clients_counterparts_transactions", "顧客・金融取引相手・取引", "Clients, financial counterparts and transactions";
        ClientsShare => "clients_share", "影響顧客 10%超", "Clients affected > 10 % of the service's clients";
        ClientsNumber => "clients_number", "影響顧客 100,000超", "Clients affected > 100,000";
        RelevantClients => "relevant_clients", "重要な顧客・取引相手への影響", "Relevant client or counterpart affected";
        CounterpartsShare => "counterparts_share", "金融取引相手 30%超", "Financial counterparts affected > 30 %";
        TransactionsNumber => "transactions_number", "取引件数 日次平均の10%超", "Transactions > 10 % of the daily average number";
        TransactionsValue => "transactions_value", "取引金額 日次平均の10%超", "Transactions > 10 % of the daily average value";
        /// Art. 9(2).
        Reputational => "reputational", "風評への影響", "Reputational impact";
        /// Art. 9(3): duration > 24 h or critical-service downtime > 2 h.
        DurationDowntime => "duration_downtime", "継続時間（24時間超）・停止時間（2時間超）", "Duration > 24 h or service downtime > 2 h";
        /// Art. 9(4).
        GeographicalSpread => "geographical_spread", "地理的拡がり（2加盟国以上）", "Geographical spread (≥ 2 Member States)";
        /// Art. 9(5).
        DataLosses => "data_losses", "データ損失", "Data losses";
        /// Art. 9(6).
        EconomicImpact => "economic_impact", "経済的影響（10万ユーロ超）", "Economic impact > EUR 100,000";
    }
);

/// One criterion's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CriterionResult {
    /// Which.
    pub criterion: DoraCriterion,
    /// Met, not met, or undecided.
    pub decision: Decision,
}

/// The classification of an incident with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoraClassification {
    /// Major, not major (`NotMet`), or undecided.
    pub major: Decision,
    /// Every criterion and threshold, in order.
    pub criteria: Vec<CriterionResult>,
    /// How many of the six "other" criteria (Art. 8(1)(b)) are met, and undecided.
    pub other_met: usize,
    /// How many of them cannot be decided.
    pub other_undecided: usize,
}

impl DoraClassification {
    /// The decision on one criterion.
    pub fn decision(&self, c: DoraCriterion) -> Option<Decision> {
        self.criteria.iter().find(|r| r.criterion == c).map(|r| r.decision)
    }
}

/// Classifies the incident (2024/1772 Art. 8(1)): major when critical services are affected and
/// either a malicious unauthorised access may cause data losses, or the thresholds of at least two
/// of the other criteria are met.
pub fn classify(i: &DoraImpact) -> DoraClassification {
    use DoraCriterion as C;
    let critical = Decision::any(&[
        Decision::of(i.critical_functions_affected),
        Decision::of(i.authorised_services_affected),
        Decision::of(i.malicious_unauthorised_access),
    ]);
    let mal_loss = match (i.malicious_unauthorised_access, i.access_may_cause_data_loss) {
        (Some(false), _) | (_, Some(false)) => Decision::NotMet,
        (Some(true), Some(true)) => Decision::Met,
        _ => Decision::Undecided,
    };
    let clients_share = Decision::share_above(i.clients_affected, i.clients_total, 10, 100);
    let clients_number = Decision::above(i.clients_affected, 100_000);
    let relevant = Decision::of(i.relevant_client_or_counterpart_affected);
    let counterparts = Decision::share_above(i.counterparts_affected, i.counterparts_total, 30, 100);
    let tx_number = Decision::share_above(i.transactions_affected, i.daily_average_transactions, 10, 100);
    let tx_value =
        Decision::share_above(i.transaction_value_affected_eur, i.daily_average_transaction_value_eur, 10, 100);
    let cct = Decision::any(&[clients_share, clients_number, relevant, counterparts, tx_number, tx_value]);
    let reputational = Decision::of(i.reputational_impact);
    let duration = Decision::any(&[
        Decision::above(i.duration_minutes, 24 * 60),
        Decision::above(i.critical_service_downtime_minutes, 2 * 60),
    ]);
    let geo = Decision::of(i.member_states_affected.map(|n| n >= 2));
    let data = Decision::of(i.data_losses);
    let econ = Decision::above(i.economic_impact_eur, 100_000);
    let others = [cct, reputational, duration, geo, data, econ];
    let other_met = others.iter().filter(|d| **d == Decision::Met).count();
    let other_undecided = others.iter().filter(|d| **d == Decision::Undecided).count();
    let second = if mal_loss == Decision::Met || other_met >= 2 {
        Decision::Met
    } else if mal_loss == Decision::Undecided || other_met + other_undecided >= 2 {
        Decision::Undecided
    } else {
        Decision::NotMet
    };
    let major = match (critical, second) {
        (Decision::NotMet, _) | (_, Decision::NotMet) => Decision::NotMet,
        (Decision::Met, Decision::Met) => Decision::Met,
        _ => Decision::Undecided,
    };
    let criteria = [
        (C::CriticalServices, critical),
        (C::MaliciousAccessDataLoss, mal_loss),
        (C::ClientsCounterpartsTransactions, cct),
        (C::ClientsShare, clients_share),
        (C::ClientsNumber, clients_number),
        (C::RelevantClients, relevant),
        (C::CounterpartsShare, counterparts),
        (C::TransactionsNumber, tx_number),
        (C::TransactionsValue, tx_value),
        (C::Reputational, reputational),
        (C::DurationDowntime, duration),
        (C::GeographicalSpread, geo),
        (C::DataLosses, data),
        (C::EconomicImpact, econ),
    ]
    .into_iter()
    .map(|(criterion, decision)| CriterionResult { criterion, decision })
    .collect();
    DoraClassification { major, criteria, other_met, other_undecided }
}

/// A non-major incident considered for the recurring rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringCandidate {
    /// The incident's reference.
    pub reference: String,
    /// When the institution became aware of it.
    pub aware_at: Timestamp,
    /// Its apparent root cause, as a code the institution compares exactly (e.g. the trend code).
    pub apparent_root_cause: String,
    /// Its impact.
    pub impact: DoraImpact,
}

/// Recurring incidents that together are one major incident (2024/1772 Art. 8(2)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurringMajor {
    /// The shared apparent root cause.
    pub apparent_root_cause: String,
    /// The incidents, oldest first.
    pub references: Vec<String>,
    /// The classification of their combined impact.
    pub classification: DoraClassification,
}

/// Finds groups of at least two individually non-major incidents, within six months of each other,
/// with the same apparent root cause, whose combined impact classifies as major.
///
/// Combined impact: counts, values, durations and costs are summed; totals (clients, counterparts,
/// daily averages) take the largest; yes/no facts are yes if any is yes, no if all are no; Member
/// States take the largest figure (the lists of states are not recorded, so their union cannot be).
/// Incidents that are major on their own are left out (they are reported on their own).
pub fn recurring_major(candidates: &[RecurringCandidate]) -> Vec<RecurringMajor> {
    let mut sorted: Vec<&RecurringCandidate> =
        candidates.iter().filter(|c| classify(&c.impact).major != Decision::Met).collect();
    sorted.sort_by(|a, b| (&a.apparent_root_cause, a.aware_at).cmp(&(&b.apparent_root_cause, b.aware_at)));
    let mut out: Vec<RecurringMajor> = Vec::new();
    for (i, first) in sorted.iter().enumerate() {
        if out.iter().any(|g| g.references.contains(&first.reference)) {
            continue;
        }
        let Some(end) = first.aware_at.checked_add_months(Months::new(6)) else { continue };
        let group: Vec<&RecurringCandidate> = sorted[i..]
            .iter()
            .copied()
            .filter(|c| c.apparent_root_cause == first.apparent_root_cause && c.aware_at <= end)
            .collect();
        if group.len() < 2 {
            continue;
        }
        let combined = combine(group.iter().map(|c| &c.impact));
        let classification = classify(&combined);
        if classification.major == Decision::Met {
            out.push(RecurringMajor {
                apparent_root_cause: first.apparent_root_cause.clone(),
                references: group.iter().map(|c| c.reference.clone()).collect(),
                classification,
            });
        }
    }
    out
}

fn combine<'a>(impacts: impl Iterator<Item = &'a DoraImpact>) -> DoraImpact {
    let all: Vec<&DoraImpact> = impacts.collect();
    let sum = |f: fn(&DoraImpact) -> Option<u64>| -> Option<u64> {
        all.iter().map(|i| f(i)).try_fold(0u64, |acc, v| v.map(|v| acc.saturating_add(v)))
    };
    let max = |f: fn(&DoraImpact) -> Option<u64>| -> Option<u64> {
        all.iter().map(|i| f(i)).try_fold(0u64, |acc, v| v.map(|v| acc.max(v)))
    };
    let any = |f: fn(&DoraImpact) -> Option<bool>| -> Option<bool> {
        let vs: Vec<Option<bool>> = all.iter().map(|i| f(i)).collect();
        if vs.contains(&Some(true)) {
            Some(true)
        } else if vs.iter().all(|v| *v == Some(false)) {
            Some(false)
        } else {
            None
        }
    };
    DoraImpact {
        critical_functions_affected: any(|i| i.critical_functions_affected),
        authorised_services_affected: any(|i| i.authorised_services_affected),
        malicious_unauthorised_access: any(|i| i.malicious_unauthorised_access),
        access_may_cause_data_loss: any(|i| i.access_may_cause_data_loss),
        clients_total: max(|i| i.clients_total),
        clients_affected: sum(|i| i.clients_affected),
        relevant_client_or_counterpart_affected: any(|i| i.relevant_client_or_counterpart_affected),
        counterparts_total: max(|i| i.counterparts_total),
        counterparts_affected: sum(|i| i.counterparts_affected),
        daily_average_transactions: max(|i| i.daily_average_transactions),
        transactions_affected: sum(|i| i.transactions_affected),
        daily_average_transaction_value_eur: max(|i| i.daily_average_transaction_value_eur),
        transaction_value_affected_eur: sum(|i| i.transaction_value_affected_eur),
        reputational_impact: any(|i| i.reputational_impact),
        duration_minutes: sum(|i| i.duration_minutes),
        critical_service_downtime_minutes: sum(|i| i.critical_service_downtime_minutes),
        member_states_affected: max(|i| i.member_states_affected.map(u64::from))
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        data_losses: any(|i| i.data_losses),
        economic_impact_eur: sum(|i| i.economic_impact_eur),
    }
}

/// The data every DORA submission carries (2025/301 Art. 1). opres's snake_case names, derived from
/// the article's points; the ITS 2025/302 Annex field numbers are not verified (docs/reporting-regimes.md).
pub const GENERAL_FIELDS: &[&str] = &[
    "submission_type",
    "entity_name",
    "entity_lei",
    "entity_type",
    "submitting_entity_name",
    "submitting_entity_code",
    "aggregated_entities",
    "contact_details",
    "parent_undertaking",
    "currency",
];

/// The data a DORA report adds to [`GENERAL_FIELDS`] at its stage (2025/301 Art. 2, 3, 4); a later
/// stage repeats the earlier stages' data, updated.
pub fn report_fields(report: Report) -> &'static [&'static str] {
    match report {
        Report::DoraInitialNotification => &[
            "incident_reference_code",
            "detected_at",
            "classified_at",
            "incident_description",
            "classification_criteria",
            "member_states_affected",
            "discovery_method",
            "originates_from_third_party",
            "business_continuity_plan_activated",
            "other_information",
        ],
        Report::DoraIntermediateReport => &[
            "authority_reference_code",
            "occurred_at",
            "recovered_at",
            "clients_affected",
            "clients_affected_share",
            "counterparts_affected_share",
            "transactions_affected",
            "transaction_value_affected",
            "reputational_impact",
            "duration",
            "service_downtime",
            "data_losses",
            "incident_type",
            "threats_and_techniques",
            "affected_functional_areas",
            "affected_infrastructure",
            "impact_on_clients_financial_interest",
            "reported_to_other_authorities",
            "temporary_actions",
            "indicators_of_compromise",
        ],
        Report::DoraFinalReport => &[
            "root_cause_type",
            "root_cause_description",
            "resolved_at",
            "root_cause_addressed_at",
            "economic_impact",
            "direct_and_indirect_costs",
            "financial_recoveries",
            "recurring_incident",
        ],
        _ => &[],
    }
}

const RULE_INITIAL: &str = "2025/301 Art. 5(1)(a): within 4 hours of classification as major and no later than 24 hours after awareness; classified later than 24 hours after awareness: 4 hours from classification; Art. 5(4)-(6) weekend/holiday rule";
const RULE_INTERMEDIATE: &str = "2025/301 Art. 5(1)(b): within 72 hours of the initial notification; updated without undue delay when regular activities are recovered";
const RULE_FINAL: &str = "2025/301 Art. 5(1)(c): no later than one month after the latest (updated) intermediate report; Art. 5(4) applies to every entity";

pub(crate) fn obligations(
    settings: &DoraSettings,
    times: &IncidentTimes,
    inputs: &RegimeInputs,
    now: Timestamp,
) -> Vec<Obligation> {
    let aware = times.detected_at();
    let Some(classified) = inputs.dora_classified_at else {
        // Not classified as major by the institution: not required if the figures say not major,
        // otherwise waiting for the classification.
        let not_major = inputs.dora_impact.as_ref().is_some_and(|i| classify(i).major == Decision::NotMet);
        let f = |r, s, c, rule| {
            if not_major { Obligation::not_required(r, s, c, None, rule) } else { Obligation::waiting(r, s, c, rule) }
        };
        return vec![
            f(Report::DoraInitialNotification, 1, ClockStart::Classification, RULE_INITIAL),
            f(Report::DoraIntermediateReport, 1, ClockStart::PreviousReport, RULE_INTERMEDIATE),
            f(Report::DoraFinalReport, 1, ClockStart::PreviousReport, RULE_FINAL),
        ];
    };
    let four = classified + Duration::hours(4);
    let day = aware + Duration::hours(24);
    let initial_raw = if classified > day { four } else { four.min(day) };
    let mut out = vec![Obligation::judged(
        Report::DoraInitialNotification,
        1,
        ClockStart::Classification,
        classified,
        settings.adjust(Report::DoraInitialNotification, initial_raw),
        inputs,
        now,
        RULE_INITIAL,
    )];
    let initial_at = find_submission(inputs, Report::DoraInitialNotification, 1).map(|s| s.submitted_at);
    let mut latest_intermediate: Option<Timestamp> = None;
    match initial_at {
        None => out.push(Obligation::waiting(
            Report::DoraIntermediateReport,
            1,
            ClockStart::PreviousReport,
            RULE_INTERMEDIATE,
        )),
        Some(i) => {
            out.push(Obligation::judged(
                Report::DoraIntermediateReport,
                1,
                ClockStart::PreviousReport,
                i,
                settings.adjust(Report::DoraIntermediateReport, i + Duration::hours(72)),
                inputs,
                now,
                RULE_INTERMEDIATE,
            ));
            let first = find_submission(inputs, Report::DoraIntermediateReport, 1).map(|s| s.submitted_at);
            latest_intermediate = first;
            // Regular activities recovered after the first intermediate report: an updated one, without
            // undue delay (no period: "as soon as possible").
            if let (Some(f), Some(r)) = (first, times.recovered_at())
                && r > f
            {
                out.push(Obligation::judged(
                    Report::DoraIntermediateReport,
                    2,
                    ClockStart::Recovery,
                    r,
                    Due::AsSoonAsPossible,
                    inputs,
                    now,
                    RULE_INTERMEDIATE,
                ));
                latest_intermediate =
                    find_submission(inputs, Report::DoraIntermediateReport, 2).map(|s| s.submitted_at);
            }
        }
    }
    out.push(match latest_intermediate {
        None => Obligation::waiting(Report::DoraFinalReport, 1, ClockStart::PreviousReport, RULE_FINAL),
        Some(l) => {
            let raw = l.checked_add_months(Months::new(1)).unwrap_or(l);
            Obligation::judged(
                Report::DoraFinalReport,
                1,
                ClockStart::PreviousReport,
                l,
                settings.adjust(Report::DoraFinalReport, raw),
                inputs,
                now,
                RULE_FINAL,
            )
        }
    });
    // Reclassified as non-major: what was not yet due and not submitted is no longer required.
    if let Some(re) = inputs.dora_reclassified_non_major_at {
        for o in &mut out {
            let not_yet_due = o.due.and_then(Due::at).is_none_or(|d| d > re);
            if o.met_by.is_none() && not_yet_due {
                o.status = ObligationStatus::NotRequired;
            }
        }
    }
    out
}

pub mod export;

#[cfg(test)]
mod tests;
