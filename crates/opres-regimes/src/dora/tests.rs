use super::*;
use crate::{RegimeSettings, Submission, UkSettings, UsSettings};
use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

fn t(s: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Critical functions affected, everything else known and below every threshold.
fn base() -> DoraImpact {
    DoraImpact {
        critical_functions_affected: Some(true),
        authorised_services_affected: Some(false),
        malicious_unauthorised_access: Some(false),
        access_may_cause_data_loss: Some(false),
        clients_total: Some(1_000_000),
        clients_affected: Some(0),
        relevant_client_or_counterpart_affected: Some(false),
        counterparts_total: Some(100),
        counterparts_affected: Some(0),
        daily_average_transactions: Some(1_000),
        transactions_affected: Some(0),
        daily_average_transaction_value_eur: Some(1_000_000),
        transaction_value_affected_eur: Some(0),
        reputational_impact: Some(false),
        duration_minutes: Some(0),
        critical_service_downtime_minutes: Some(0),
        member_states_affected: Some(1),
        data_losses: Some(false),
        economic_impact_eur: Some(0),
    }
}

/// Base plus reputational impact: one other criterion met, so one more makes the incident major.
fn one_met() -> DoraImpact {
    DoraImpact { reputational_impact: Some(true), ..base() }
}

fn check(criterion: DoraCriterion, below: DoraImpact, at: DoraImpact, above: DoraImpact, at_met: bool) {
    for (name, i, met) in [("below", below, false), ("at", at, at_met), ("above", above, true)] {
        let c = classify(&i);
        let want = if met { Decision::Met } else { Decision::NotMet };
        assert_eq!(c.decision(criterion), Some(want), "{criterion} {name}");
        assert_eq!(c.major, want, "{criterion} {name}: major");
    }
}

#[test]
fn clients_share_threshold_is_more_than_ten_percent() {
    let with = |n| DoraImpact { clients_total: Some(1_000), clients_affected: Some(n), ..one_met() };
    check(DoraCriterion::ClientsShare, with(99), with(100), with(101), false);
}

#[test]
fn clients_number_threshold_is_more_than_100_000() {
    let with = |n| DoraImpact { clients_affected: Some(n), clients_total: Some(100_000_000), ..one_met() };
    check(DoraCriterion::ClientsNumber, with(99_999), with(100_000), with(100_001), false);
}

#[test]
fn counterparts_threshold_is_more_than_thirty_percent() {
    let with = |n| DoraImpact { counterparts_total: Some(1_000), counterparts_affected: Some(n), ..one_met() };
    check(DoraCriterion::CounterpartsShare, with(299), with(300), with(301), false);
}

#[test]
fn transactions_thresholds_are_more_than_ten_percent_of_number_or_value() {
    let n = |v| DoraImpact { daily_average_transactions: Some(1_000), transactions_affected: Some(v), ..one_met() };
    check(DoraCriterion::TransactionsNumber, n(99), n(100), n(101), false);
    let v = |x| DoraImpact {
        daily_average_transaction_value_eur: Some(1_000_000),
        transaction_value_affected_eur: Some(x),
        ..one_met()
    };
    check(DoraCriterion::TransactionsValue, v(99_999), v(100_000), v(100_001), false);
}

#[test]
fn duration_is_more_than_24_hours_and_downtime_more_than_2_hours() {
    let d = |m| DoraImpact { duration_minutes: Some(m), ..one_met() };
    check(DoraCriterion::DurationDowntime, d(24 * 60 - 1), d(24 * 60), d(24 * 60 + 1), false);
    let dt = |m| DoraImpact { critical_service_downtime_minutes: Some(m), ..one_met() };
    check(DoraCriterion::DurationDowntime, dt(119), dt(120), dt(121), false);
}

#[test]
fn geographical_spread_is_at_least_two_member_states() {
    let g = |n| DoraImpact { member_states_affected: Some(n), ..one_met() };
    // At the threshold (2) it is met: "at least two".
    check(DoraCriterion::GeographicalSpread, g(1), g(2), g(3), true);
}

#[test]
fn economic_impact_is_more_than_100_000_euros() {
    let e = |x| DoraImpact { economic_impact_eur: Some(x), ..one_met() };
    check(DoraCriterion::EconomicImpact, e(99_999), e(100_000), e(100_001), false);
}

#[test]
fn yes_no_criteria_need_a_second_criterion() {
    for (criterion, set) in [
        (DoraCriterion::DataLosses, (|i: &mut DoraImpact| i.data_losses = Some(true)) as fn(&mut DoraImpact)),
        (DoraCriterion::RelevantClients, |i| i.relevant_client_or_counterpart_affected = Some(true)),
    ] {
        let mut i = base();
        set(&mut i);
        let c = classify(&i);
        assert_eq!(c.decision(criterion), Some(Decision::Met));
        assert_eq!(c.major, Decision::NotMet, "{criterion} alone is one criterion");
        i.reputational_impact = Some(true);
        assert_eq!(classify(&i).major, Decision::Met, "{criterion} with reputational impact");
    }
}

#[test]
fn sub_thresholds_of_one_criterion_count_once() {
    // Clients > 100,000 and transactions > 10 %: both thresholds of the same criterion (Art. 9(1)).
    let i = DoraImpact { clients_affected: Some(200_000), transactions_affected: Some(500), ..base() };
    let c = classify(&i);
    assert_eq!(c.other_met, 1);
    assert_eq!(c.major, Decision::NotMet);
}

#[test]
fn malicious_access_that_may_cause_data_loss_is_major_on_its_own() {
    let i = DoraImpact {
        critical_functions_affected: Some(false),
        malicious_unauthorised_access: Some(true),
        access_may_cause_data_loss: Some(true),
        ..base()
    };
    let c = classify(&i);
    // The access is itself the primary criterion (Art. 6) and the condition of Art. 8(1)(a).
    assert_eq!(c.decision(DoraCriterion::CriticalServices), Some(Decision::Met));
    assert_eq!(c.major, Decision::Met);
    let no_loss = DoraImpact { access_may_cause_data_loss: Some(false), ..i };
    assert_eq!(classify(&no_loss).major, Decision::NotMet);
}

#[test]
fn no_critical_service_is_never_major() {
    let i = DoraImpact {
        critical_functions_affected: Some(false),
        reputational_impact: Some(true),
        data_losses: Some(true),
        economic_impact_eur: Some(1_000_000),
        ..base()
    };
    assert_eq!(classify(&i).major, Decision::NotMet);
}

#[test]
fn missing_data_is_undecided_never_guessed() {
    let empty = classify(&DoraImpact::default());
    assert_eq!(empty.major, Decision::Undecided);
    assert!(empty.criteria.iter().all(|c| c.decision == Decision::Undecided));
    // One met, one unknown: could go either way.
    let i = DoraImpact { economic_impact_eur: None, ..one_met() };
    let c = classify(&i);
    assert_eq!(c.decision(DoraCriterion::EconomicImpact), Some(Decision::Undecided));
    assert_eq!((c.major, c.other_met, c.other_undecided), (Decision::Undecided, 1, 1));
    // A share needs its total: 200 clients of an unknown base is undecided, not "above".
    let i = DoraImpact { clients_total: None, clients_affected: Some(200), ..base() };
    assert_eq!(classify(&i).decision(DoraCriterion::ClientsShare), Some(Decision::Undecided));
    // Two met: major even with the rest unknown.
    let i = DoraImpact { data_losses: Some(true), economic_impact_eur: None, ..one_met() };
    assert_eq!(classify(&i).major, Decision::Met);
    // Primary unknown, second part met: undecided.
    let i = DoraImpact { critical_functions_affected: None, data_losses: Some(true), ..one_met() };
    assert_eq!(classify(&i).major, Decision::Undecided);
}

fn candidate(r: &str, at: &str, cause: &str, impact: DoraImpact) -> RecurringCandidate {
    RecurringCandidate { reference: r.into(), aware_at: t(at), apparent_root_cause: cause.into(), impact }
}

#[test]
fn recurring_non_major_incidents_with_one_cause_within_six_months_are_one_major() {
    // Each: reputational impact and EUR 60,000 — one criterion each; together EUR 120,000: two.
    let i = DoraImpact { economic_impact_eur: Some(60_000), ..one_met() };
    let a = candidate("A", "2027-01-10T00:00:00Z", "work.misoperation", i);
    let b = candidate("B", "2027-06-01T00:00:00Z", "work.misoperation", i);
    let found = recurring_major(&[a.clone(), b.clone()]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].references, ["A", "B"]);
    assert_eq!(found[0].classification.decision(DoraCriterion::EconomicImpact), Some(Decision::Met));
    // Exactly six months apart still counts; a day more does not.
    let b6 = candidate("B", "2027-07-10T00:00:00Z", "work.misoperation", i);
    assert_eq!(recurring_major(&[a.clone(), b6]).len(), 1);
    let late = candidate("B", "2027-07-11T00:00:00Z", "work.misoperation", i);
    assert!(recurring_major(&[a.clone(), late]).is_empty());
    // Another cause: no group.
    let other = candidate("B", "2027-06-01T00:00:00Z", "operations.capacity", i);
    assert!(recurring_major(&[a.clone(), other]).is_empty());
    // Together still below: no group.
    let small = DoraImpact { economic_impact_eur: Some(40_000), ..one_met() };
    let s1 = candidate("A", "2027-01-10T00:00:00Z", "x", small);
    let s2 = candidate("B", "2027-02-10T00:00:00Z", "x", small);
    assert!(recurring_major(&[s1, s2]).is_empty());
    // One alone never forms a group.
    assert!(recurring_major(&[a]).is_empty());
}

// ---- clocks ----

fn settings(entity: DoraEntityType, holidays: &[&str]) -> DoraSettings {
    let days = holidays.iter().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
    DoraSettings {
        entity_type: entity,
        nis2_essential_or_important: false,
        weekend_relief_disapplied: false,
        calendar: HolidayCalendar::new("CET", 3600, days).unwrap(),
    }
}

fn times(aware: &str, recovered: Option<&str>) -> IncidentTimes {
    IncidentTimes::new(t(aware), t(aware), None, recovered.map(t), None, None).unwrap()
}

fn due_of(obs: &[Obligation], report: Report, seq: u32) -> Option<Timestamp> {
    obs.iter().find(|o| o.report == report && o.sequence == seq).and_then(|o| o.due).and_then(Due::at)
}
fn status_of(obs: &[Obligation], report: Report, seq: u32) -> ObligationStatus {
    obs.iter().find(|o| o.report == report && o.sequence == seq).map(|o| o.status).unwrap()
}
fn sub(report: Report, seq: u32, at: &str) -> Submission {
    Submission { report, sequence: seq, submitted_at: t(at) }
}

#[test]
fn initial_is_four_hours_after_classification_capped_at_24_hours_after_awareness() {
    let s = settings(DoraEntityType::CreditInstitution, &[]);
    let tm = times("2027-03-02T08:00:00Z", None); // Tuesday
    let now = t("2027-03-02T09:00:00Z");
    let at = |c: &str| {
        let inputs = RegimeInputs { dora_classified_at: Some(t(c)), ..Default::default() };
        due_of(&obligations(&s, &tm, &inputs, now), Report::DoraInitialNotification, 1).unwrap()
    };
    assert_eq!(at("2027-03-02T10:00:00Z"), t("2027-03-02T14:00:00Z")); // 4 h after classification
    // Classified 22 h after awareness: the 24-hour cap comes first.
    assert_eq!(at("2027-03-03T06:00:00Z"), t("2027-03-03T08:00:00Z"));
    // Classified 30 h after awareness: 4 hours from classification.
    assert_eq!(at("2027-03-03T14:00:00Z"), t("2027-03-03T18:00:00Z"));
}

#[test]
fn intermediate_72_hours_after_initial_and_final_one_month_after_latest_intermediate() {
    let s = settings(DoraEntityType::CreditInstitution, &[]);
    let tm = times("2027-03-01T08:00:00Z", Some("2027-03-08T09:00:00Z"));
    let mut inputs = RegimeInputs { dora_classified_at: Some(t("2027-03-01T09:00:00Z")), ..Default::default() };
    let now = t("2027-03-01T10:00:00Z");
    let obs = obligations(&s, &tm, &inputs, now);
    assert_eq!(status_of(&obs, Report::DoraIntermediateReport, 1), ObligationStatus::Waiting);
    assert_eq!(status_of(&obs, Report::DoraFinalReport, 1), ObligationStatus::Waiting);

    inputs.submissions.push(sub(Report::DoraInitialNotification, 1, "2027-03-01T11:00:00Z"));
    let obs = obligations(&s, &tm, &inputs, now);
    assert_eq!(status_of(&obs, Report::DoraInitialNotification, 1), ObligationStatus::Met);
    assert_eq!(due_of(&obs, Report::DoraIntermediateReport, 1), Some(t("2027-03-04T11:00:00Z")));

    // Intermediate before recovery, so an updated one is due as soon as possible after recovery.
    inputs.submissions.push(sub(Report::DoraIntermediateReport, 1, "2027-03-03T10:00:00Z"));
    let obs = obligations(&s, &tm, &inputs, t("2027-03-09T00:00:00Z"));
    let updated = obs.iter().find(|o| o.report == Report::DoraIntermediateReport && o.sequence == 2).unwrap();
    assert_eq!((updated.due, updated.status), (Some(Due::AsSoonAsPossible), ObligationStatus::Due));
    assert_eq!(status_of(&obs, Report::DoraFinalReport, 1), ObligationStatus::Waiting);

    inputs.submissions.push(sub(Report::DoraIntermediateReport, 2, "2027-03-08T15:00:00Z"));
    let obs = obligations(&s, &tm, &inputs, t("2027-03-09T00:00:00Z"));
    // One month after the latest (updated) intermediate report: Thursday 8 April.
    assert_eq!(due_of(&obs, Report::DoraFinalReport, 1), Some(t("2027-04-08T15:00:00Z")));
    inputs.submissions.push(sub(Report::DoraFinalReport, 1, "2027-04-08T15:00:01Z"));
    let obs = obligations(&s, &tm, &inputs, t("2027-04-09T00:00:00Z"));
    assert_eq!(status_of(&obs, Report::DoraFinalReport, 1), ObligationStatus::Late);
    let f = obs.iter().find(|o| o.report == Report::DoraFinalReport).unwrap();
    assert_eq!(f.met_by.map(|m| m.submitted_at), Some(t("2027-04-08T15:00:01Z")));
}

#[test]
fn friday_evening_incident_with_and_without_the_weekend_relief() {
    // Aware Friday 19:00 CET, classified 21:00 CET: the initial notification is due Saturday 01:00 CET.
    let tm = times("2027-03-05T18:00:00Z", None);
    let inputs = RegimeInputs { dora_classified_at: Some(t("2027-03-05T20:00:00Z")), ..Default::default() };
    let now = t("2027-03-05T21:00:00Z");
    let raw = t("2027-03-06T00:00:00Z");

    // A payment institution may use the relief: noon (CET) on Monday.
    let pi = obligations(&settings(DoraEntityType::PaymentInstitution, &[]), &tm, &inputs, now);
    let o = &pi[0];
    assert_eq!(o.due, Some(Due::At { at: t("2027-03-08T11:00:00Z"), unadjusted: Some(raw) }));

    // A credit institution may not (Art. 5(5)): Saturday 01:00 CET stands.
    let ci = obligations(&settings(DoraEntityType::CreditInstitution, &[]), &tm, &inputs, now);
    assert_eq!(ci[0].due, Some(Due::At { at: raw, unadjusted: None }));
    // Nor a NIS2 essential or important entity, nor where the authority disapplied it (Art. 5(6)).
    let mut nis2 = settings(DoraEntityType::PaymentInstitution, &[]);
    nis2.nis2_essential_or_important = true;
    assert_eq!(due_of(&obligations(&nis2, &tm, &inputs, now), Report::DoraInitialNotification, 1), Some(raw));
    let mut off = settings(DoraEntityType::InvestmentFirm, &[]);
    off.weekend_relief_disapplied = true;
    assert_eq!(due_of(&obligations(&off, &tm, &inputs, now), Report::DoraInitialNotification, 1), Some(raw));
    // The final report keeps the relief even for a credit institution.
    let ci_settings = settings(DoraEntityType::CreditInstitution, &[]);
    assert!(ci_settings.weekend_relief_applies(Report::DoraFinalReport));
    assert!(!ci_settings.weekend_relief_applies(Report::DoraIntermediateReport));
}

#[test]
fn a_holiday_moves_the_deadline_to_noon_of_the_next_working_day() {
    // Initial due Thursday 2027-03-04 12:00 CET, a holiday in the calendar; Friday is a working day.
    let tm = times("2027-03-04T07:00:00Z", None);
    let inputs = RegimeInputs { dora_classified_at: Some(t("2027-03-04T07:00:00Z")), ..Default::default() };
    let now = t("2027-03-04T08:00:00Z");
    let hol = settings(DoraEntityType::InsuranceUndertaking, &["2027-03-04"]);
    assert_eq!(
        due_of(&obligations(&hol, &tm, &inputs, now), Report::DoraInitialNotification, 1),
        Some(t("2027-03-05T11:00:00Z"))
    );
    let plain = settings(DoraEntityType::InsuranceUndertaking, &[]);
    assert_eq!(
        due_of(&obligations(&plain, &tm, &inputs, now), Report::DoraInitialNotification, 1),
        Some(t("2027-03-04T11:00:00Z"))
    );
}

#[test]
fn delay_notice_and_reclassification() {
    let s = settings(DoraEntityType::CreditInstitution, &[]);
    let tm = times("2027-03-02T08:00:00Z", None);
    let mut inputs = RegimeInputs { dora_classified_at: Some(t("2027-03-02T09:00:00Z")), ..Default::default() };
    let after = t("2027-03-02T14:00:00Z");
    assert_eq!(obligations(&s, &tm, &inputs, after)[0].status, ObligationStatus::Overdue);
    inputs.delay_notices.push(crate::DelayNotice {
        report: Report::DoraInitialNotification,
        sequence: 1,
        given_at: t("2027-03-02T12:30:00Z"),
    });
    assert_eq!(obligations(&s, &tm, &inputs, after)[0].status, ObligationStatus::LateWithNotice);

    // Initial submitted; reclassified non-major before the intermediate report is due: not required.
    inputs.submissions.push(sub(Report::DoraInitialNotification, 1, "2027-03-02T12:00:00Z"));
    inputs.dora_reclassified_non_major_at = Some(t("2027-03-03T00:00:00Z"));
    let obs = obligations(&s, &tm, &inputs, t("2027-03-10T00:00:00Z"));
    assert_eq!(status_of(&obs, Report::DoraInitialNotification, 1), ObligationStatus::Met);
    assert_eq!(status_of(&obs, Report::DoraIntermediateReport, 1), ObligationStatus::NotRequired);
    assert_eq!(status_of(&obs, Report::DoraFinalReport, 1), ObligationStatus::NotRequired);

    // Not classified, and the figures say not major: nothing required; figures missing: waiting.
    let none = RegimeInputs { dora_impact: Some(base()), ..Default::default() };
    assert!(obligations(&s, &tm, &none, after).iter().all(|o| o.status == ObligationStatus::NotRequired));
    let unknown = RegimeInputs { dora_impact: Some(DoraImpact::default()), ..Default::default() };
    assert!(obligations(&s, &tm, &unknown, after).iter().all(|o| o.status == ObligationStatus::Waiting));
}

// ---- property: every regime at once ----

fn ts(min: i64, max: i64) -> impl Strategy<Value = i64> {
    min..max
}

proptest! {
    #[test]
    fn due_times_never_precede_their_start_and_statuses_match_submissions(
        aware in ts(1_800_000_000, 1_900_000_000),
        class_after in proptest::option::of(0i64..200_000),
        recovered_after in proptest::option::of(0i64..2_000_000),
        us_after in proptest::option::of(0i64..200_000),
        uk_after in proptest::option::of(0i64..200_000),
        subs in proptest::collection::vec((0usize..13, 1u32..3, 0i64..5_000_000), 0..8),
        now_after in 0i64..6_000_000,
        entity in 0usize..8,
        offset_h in -12i32..14,
    ) {
        let at = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
        let aware_t = at(aware);
        let tm = IncidentTimes::new(aware_t, aware_t, None, recovered_after.map(|r| at(aware + r)), None, None).unwrap();
        let inputs = RegimeInputs {
            dora_classified_at: class_after.map(|c| at(aware + c)),
            us_determined_at: us_after.map(|u| at(aware + u)),
            uk_determined_at: uk_after.map(|u| at(aware + u)),
            submissions: subs.iter().map(|(r, s, off)| Submission { report: Report::ALL[*r], sequence: *s, submitted_at: at(aware + off) }).collect(),
            ..Default::default()
        };
        let cal = HolidayCalendar::new("p", offset_h * 3600, []).unwrap();
        let settings = RegimeSettings {
            fsa: Some(opres_domain::ReportingPolicy::default()),
            dora: Some(DoraSettings { entity_type: DoraEntityType::ALL[entity], nis2_essential_or_important: false, weekend_relief_disapplied: false, calendar: cal.clone() }),
            us: Some(UsSettings { banking_organization: true, bank_service_provider: false }),
            uk: Some(UkSettings { calendar: cal, ..UkSettings::default() }),
        };
        let now = at(aware + now_after);
        for o in crate::obligations(&tm, &[], &inputs, &settings, now) {
            if let (Some(start), Some(due)) = (o.started_at, o.due.and_then(Due::at)) {
                prop_assert!(due >= start, "{} due {} before start {}", o.report, due, start);
            }
            match o.status {
                ObligationStatus::Met | ObligationStatus::Late => {
                    let m = o.met_by.unwrap();
                    if o.regime != crate::Regime::Fsa {
                        prop_assert!(inputs.submissions.iter().any(|s| s.report == o.report && s.sequence == o.sequence && s.submitted_at == m.submitted_at));
                    }
                    if let Some(due) = o.due.and_then(Due::at) {
                        prop_assert_eq!(o.status == ObligationStatus::Met, m.submitted_at <= due);
                    }
                }
                ObligationStatus::Due => {
                    prop_assert!(o.met_by.is_none());
                    if let Some(due) = o.due.and_then(Due::at) { prop_assert!(now <= due); }
                }
                ObligationStatus::Overdue => {
                    prop_assert!(o.met_by.is_none());
                    prop_assert!(o.due.and_then(Due::at).is_some_and(|d| now > d));
                }
                ObligationStatus::Waiting => prop_assert!(o.due.is_none()),
                ObligationStatus::NotRequired | ObligationStatus::LateWithNotice => {}
            }
        }
    }
}

#[test]
fn the_field_lists_are_the_documented_ones() {
    // Every field named in code is listed in docs/reporting-regimes.md as `name`, and no stage repeats a
    // general field.
    let doc = include_str!("../../../../docs/reporting-regimes.md");
    let stages = [Report::DoraInitialNotification, Report::DoraIntermediateReport, Report::DoraFinalReport];
    for f in GENERAL_FIELDS.iter().chain(stages.iter().flat_map(|r| report_fields(*r).iter())) {
        assert!(doc.contains(&format!("`{f}`")), "{f} is not in docs/reporting-regimes.md");
    }
    for r in stages {
        assert!(!report_fields(r).is_empty());
        assert!(report_fields(r).iter().all(|f| !GENERAL_FIELDS.contains(f)));
    }
    assert!(report_fields(Report::UsRegulatorNotification).is_empty());
}

fn incident() -> opres_domain::Incident {
    use opres_domain::*;
    Incident {
        reference: IncidentRef::parse("INC-2027-0001").unwrap(),
        institution: InstitutionCode::parse("EUBANK").unwrap(),
        title: Bilingual::new(Some("勘定系障害".into()), Some("Core banking outage".into())),
        description: Bilingual::default(),
        times: times("2027-03-01T08:00:00Z", Some("2027-03-02T09:00:00Z")),
        channels: vec![Channel::Atm],
        affected_systems: vec![],
        customers_affected: Some(250_000),
        transactions_affected: None,
        transaction_value: None,
        settlement_impact: SettlementImpact::Delayed,
        cyber_attack: false,
        classification: Classification::from_trend(Trend::WorkMisoperation),
        secondary_trends: vec![],
        vendor: None,
        root_cause: Some("Wrong parameter in a batch job".into()),
        interim_measures: None,
        recurrence_prevention: None,
        customer_handling: None,
        publicly_announced: true,
        good_practice: None,
        timeline: vec![],
        report_submissions: vec![],
    }
}

#[test]
fn the_json_export_carries_exactly_the_documented_fields_of_each_stage() {
    use export::{DoraNotification, ReportingEntity};
    let entity = ReportingEntity {
        name: "Example Bank Europe AG".into(),
        lei: Some("529900T8BM49AURSDO55".into()),
        entity_type: DoraEntityType::CreditInstitution,
        contact_details: None,
        parent_undertaking: None,
    };
    let inputs = RegimeInputs {
        dora_classified_at: Some(t("2027-03-01T09:00:00Z")),
        dora_impact: Some(DoraImpact { clients_affected: Some(250_000), ..one_met() }),
        ..Default::default()
    };
    let inc = incident();
    let mut expected: Vec<&str> = GENERAL_FIELDS.to_vec();
    for stage in [Report::DoraInitialNotification, Report::DoraIntermediateReport, Report::DoraFinalReport] {
        expected.extend(report_fields(stage));
        let n = DoraNotification::from_incident(stage, &inc, &entity, &inputs).unwrap();
        let json = serde_json::to_value(&n).unwrap();
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = expected.clone();
        want.sort_unstable();
        assert_eq!(keys, want, "{stage}");
        assert_eq!(json["submission_type"], stage.code());
        assert_eq!(json["entity_type"], "credit_institution");
        assert_eq!(json["classified_at"], "2027-03-01T09:00:00Z");
        // Met criteria by code; nothing invented for what the register does not hold.
        let criteria: Vec<&str> =
            json["classification_criteria"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(criteria.contains(&"clients_number") && criteria.contains(&"reputational"));
        assert!(json["discovery_method"].is_null());
    }
    let final_json =
        serde_json::to_value(DoraNotification::from_incident(Report::DoraFinalReport, &inc, &entity, &inputs).unwrap())
            .unwrap();
    assert_eq!(final_json["root_cause_type"], "work.misoperation");
    assert_eq!(final_json["clients_affected_share"], 250);
    assert!(DoraNotification::from_incident(Report::UsRegulatorNotification, &inc, &entity, &inputs).is_none());
}
