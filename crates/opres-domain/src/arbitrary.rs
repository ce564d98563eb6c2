//! proptest strategies that produce valid register data, for round-trip and engine tests.

#![allow(clippy::expect_used)] // strategies build values that are valid by construction

use crate::record::{IncidentRecord, RawScalar, ReportSubmissionRecord, TimelineRecord};
use crate::*;
use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::subsequence;

/// Instants between 2015 and 2030, whole seconds (what every store keeps exactly).
pub fn timestamp() -> impl Strategy<Value = Timestamp> {
    (1_420_070_400i64..1_893_456_000i64).prop_map(|s| Utc.timestamp_opt(s, 0).single().expect("in range"))
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.'\"-]{1,40}",
        "[ぁ-んァ-ン一-龥、。 ]{1,30}",
        Just("Line one\nline two, with \"quotes\"; and semicolons".to_string()),
    ]
    .prop_map(|s| s.trim().to_string())
    .prop_filter("non-blank", |s| !s.is_empty())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// A valid institution with the given code.
pub fn institution(code: &'static str) -> impl Strategy<Value = Institution> {
    (text(), text(), proptest::sample::select(InstitutionType::ALL.to_vec())).prop_map(move |(ja, en, ty)| {
        Institution {
            code: InstitutionCode::parse(code).expect("valid code"),
            name_ja: ja,
            name_en: en,
            institution_type: ty,
            lei: None,
        }
    })
}

/// A valid incident of `institution` whose affected systems come from `systems`.
pub fn incident(
    reference: String,
    institution: InstitutionCode,
    systems: Vec<SystemCode>,
) -> impl Strategy<Value = Incident> {
    let times = (
        timestamp(),
        0i64..86_400,
        proptest::option::of(0i64..7_200),
        proptest::option::of(0i64..604_800),
        proptest::option::of(0i64..2_592_000),
        proptest::option::of(0i64..86_400),
    );
    let counts = (
        proptest::option::of(0u64..5_000_000),
        proptest::option::of(0u64..10_000_000),
        proptest::option::of(0u64..1_000_000_000_000),
    );
    let trends = (proptest::sample::select(Trend::ALL.to_vec()), subsequence(Trend::ALL.to_vec(), 0..3));
    let texts =
        (opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text());
    let flags = (any::<bool>(), any::<bool>(), opt_text(), proptest::sample::select(SettlementImpact::ALL.to_vec()));
    let lists = (
        subsequence(Channel::ALL.to_vec(), 0..4),
        subsequence(systems.clone(), 0..=systems.len().min(3)),
        proptest::collection::vec((0i64..86_400, text()), 0..4),
        proptest::collection::vec(
            (proptest::sample::select(ReportStageKind::ALL[1..].to_vec()), 0i64..2_592_000),
            0..3,
        ),
    );
    (times, counts, trends, texts, flags, lists, opt_text()).prop_map(
        move |(times, counts, (trend, secondary), texts, flags, lists, title_en)| {
            let (occ, d, fr, rec, cause, close) = times;
            let detected = occ + Duration::seconds(d);
            let recovered = rec.map(|r| occ + Duration::seconds(r));
            let record = IncidentRecord {
                reference: reference.clone(),
                institution: institution.to_string(),
                title_ja: texts.0.clone().or_else(|| title_en.is_none().then(|| "障害".to_string())),
                title_en: title_en.clone(),
                description_ja: texts.1.clone(),
                description_en: texts.2.clone(),
                occurred_at: time::format_jst(&occ),
                detected_at: time::format_jst(&detected),
                first_reported_at: fr.map(|f| time::format_jst(&(detected + Duration::seconds(f)))),
                recovered_at: recovered.map(|r| time::format_jst(&r)),
                cause_identified_at: cause.map(|c| time::format_jst(&(occ + Duration::seconds(c)))),
                closed_at: recovered.and_then(|r| close.map(|c| time::format_jst(&(r + Duration::seconds(c))))),
                channels: lists.0.iter().map(|c| c.code().to_string()).collect(),
                affected_systems: lists.1.iter().map(|s| s.to_string()).collect(),
                customers_affected: counts.0.map(RawScalar::from),
                transactions_affected: counts.1.map(RawScalar::from),
                transaction_value_jpy: counts.2.map(RawScalar::from),
                settlement_impact: Some(flags.3.code().to_string()),
                cyber_attack: Some(RawScalar::Bool(trend.trigger() == Trigger::Cyber || flags.0)),
                trigger: Some(trend.trigger().code().to_string()),
                trend: Some(trend.code().to_string()),
                secondary_trends: secondary.iter().map(|t| t.code().to_string()).collect(),
                vendor: texts.3.clone(),
                root_cause: texts.4.clone(),
                interim_measures: texts.5.clone(),
                recurrence_prevention: texts.6.clone(),
                customer_handling: texts.7.clone(),
                publicly_announced: Some(RawScalar::Bool(flags.1)),
                good_practice: Some(RawScalar::Bool(flags.2.is_some())),
                good_practice_note: flags.2.clone(),
                timeline: lists
                    .2
                    .iter()
                    .map(|(s, t)| TimelineRecord {
                        at: time::format_jst(&(occ + Duration::seconds(*s))),
                        text: t.clone(),
                    })
                    .collect(),
                report_submissions: lists
                    .3
                    .iter()
                    .map(|(st, s)| ReportSubmissionRecord {
                        stage: st.code().to_string(),
                        submitted_at: time::format_jst(&(detected + Duration::seconds(*s))),
                    })
                    .collect(),
            };
            record.validate().expect("strategy builds valid incidents")
        },
    )
}

/// A small valid data set: two institutions with systems and up to `max_incidents` incidents.
pub fn dataset(max_incidents: usize) -> impl Strategy<Value = DataSet> {
    let sys = |inst: &str, codes: &[&str]| -> Vec<System> {
        codes
            .iter()
            .enumerate()
            .map(|(n, c)| System {
                institution: InstitutionCode::parse(inst).expect("valid"),
                code: SystemCode::parse(c).expect("valid"),
                name: format!("{c} system / {c}システム"),
                owner: (n % 2 == 0).then(|| "IT部".to_string()),
                criticality: Criticality::ALL[n % 4],
            })
            .collect()
    };
    let systems_a = sys("BANK-A", &["CORE", "IB", "ATM"]);
    let systems_b = sys("SEC-B", &["TRADE", "WEB"]);
    let codes_a: Vec<SystemCode> = systems_a.iter().map(|s| s.code.clone()).collect();
    let codes_b: Vec<SystemCode> = systems_b.iter().map(|s| s.code.clone()).collect();
    let mut systems = systems_a;
    systems.extend(systems_b);
    (institution("BANK-A"), institution("SEC-B"), 0..=max_incidents)
        .prop_flat_map(move |(a, b, n)| {
            let incidents: Vec<_> = (0..n)
                .map(|k| {
                    let (inst, codes) =
                        if k % 3 == 2 { (b.code.clone(), codes_b.clone()) } else { (a.code.clone(), codes_a.clone()) };
                    incident(format!("INC-{k:05}"), inst, codes)
                })
                .collect();
            (Just(vec![a, b]), Just(systems.clone()), incidents)
        })
        .prop_map(|(institutions, systems, incidents)| DataSet { institutions, systems, incidents })
}
