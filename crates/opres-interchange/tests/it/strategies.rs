//! Arbitrary valid register data: raw records built from valid parts, validated by the domain, so
//! the values are exactly what the register would hold.

use opres_domain::record::RawScalar;
use opres_domain::{
    Channel, Criticality, DataSet, IncidentRecord, InstitutionRecord, InstitutionType, ReportStageKind,
    ReportSubmissionRecord, SystemRecord, TimelineRecord, Trend, Trigger,
};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Text with what breaks naive writers: separators, quotes, newlines, tabs, Japanese, a leading `=`.
pub fn text() -> impl Strategy<Value = String> {
    "[ -~あいうえおアイウエオ障害復旧勘定系\r\n\t;,\"'=]{1,40}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

/// A valid LEI: 18 characters and ISO 7064 mod 97-10 check digits.
pub fn lei() -> impl Strategy<Value = String> {
    "[0-9A-Z]{18}".prop_map(|body| {
        let mut rem: u32 = 0;
        for c in body.chars().chain("00".chars()) {
            let v = c.to_digit(36).unwrap_or(0);
            rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
        }
        format!("{body}{:02}", 98 - rem)
    })
}

/// An instant between 2000 and 2040, with sub-second parts sometimes, written in some offset.
fn instant() -> impl Strategy<Value = i64> {
    946_684_800i64..2_208_988_800i64
}

fn nanos() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), (0u32..1000).prop_map(|ms| ms * 1_000_000), 0u32..1_000_000_000]
}

fn write_at(secs: i64, nanos: u32, offset_min: i32) -> String {
    let t = chrono::DateTime::from_timestamp(secs, nanos).unwrap_or_default();
    let off = chrono::FixedOffset::east_opt(offset_min * 60).unwrap_or(opres_domain::JST);
    t.with_timezone(&off).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn offset() -> impl Strategy<Value = i32> {
    select(vec![540, 0, -300, 330, -720])
}

/// A timestamp `delta` seconds after `base`, written in some offset.
fn after(base: i64) -> impl Strategy<Value = (i64, String)> {
    (0i64..3 * 86_400, nanos(), offset()).prop_map(move |(d, n, o)| (base + d + 1, write_at(base + d + 1, n, o)))
}

fn count() -> impl Strategy<Value = Option<RawScalar>> {
    prop::option::of(prop_oneof![0i64..10_000, 0i64..=i64::MAX].prop_map(RawScalar::Int))
}

fn code() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9._-]{0,10}"
}

fn institution(i: usize) -> impl Strategy<Value = InstitutionRecord> {
    (
        code(),
        prop_oneof![
            (text(), text()).prop_map(|(a, b)| (a, b)),
            text().prop_map(|a| (a, String::new())),
            text().prop_map(|b| (String::new(), b))
        ],
        select(InstitutionType::ALL.to_vec()),
        prop::option::of(lei()),
    )
        .prop_map(move |(c, (ja, en), ty, lei)| InstitutionRecord {
            code: format!("I{i}-{c}"),
            name_ja: ja,
            name_en: en,
            institution_type: ty.code().into(),
            lei,
        })
}

fn system(institution: String, i: usize) -> impl Strategy<Value = SystemRecord> {
    (code(), text(), opt_text(), select(Criticality::ALL.to_vec())).prop_map(move |(c, name, owner, crit)| {
        SystemRecord {
            institution: institution.clone(),
            code: format!("S{i}-{c}"),
            name,
            owner,
            criticality: crit.code().into(),
        }
    })
}

fn classification() -> impl Strategy<Value = (Option<String>, Option<String>, bool)> {
    (select(Trend::ALL.to_vec()), select(Trigger::ALL.to_vec()), any::<bool>()).prop_map(|(trend, tg, cyber)| {
        let trigger = if trend == Trend::Unknown { tg } else { trend.trigger() };
        (Some(trigger.code().to_string()), Some(trend.code().to_string()), cyber || trigger == Trigger::Cyber)
    })
}

fn timeline() -> impl Strategy<Value = Vec<TimelineRecord>> {
    prop::collection::vec(
        (instant(), nanos(), offset(), text())
            .prop_map(|(s, n, o, text)| TimelineRecord { at: write_at(s, n, o), text }),
        0..4,
    )
}

fn submissions() -> impl Strategy<Value = Vec<ReportSubmissionRecord>> {
    prop::collection::vec(
        (select(ReportStageKind::ALL[1..].to_vec()), instant(), nanos(), offset()).prop_map(|(st, s, n, o)| {
            ReportSubmissionRecord { stage: st.code().into(), submitted_at: write_at(s, n, o) }
        }),
        0..4,
    )
}

/// One incident of `institution`, naming some of its `systems`.
fn incident(i: usize, institution: String, systems: Vec<String>) -> impl Strategy<Value = IncidentRecord> {
    let titles = prop_oneof![
        (text(), text()).prop_map(|(a, b)| (Some(a), Some(b))),
        text().prop_map(|a| (Some(a), None)),
        text().prop_map(|b| (None, Some(b)))
    ];
    let times = (instant(), nanos(), offset()).prop_flat_map(|(occ, n, o)| {
        (Just(write_at(occ, n, o)), after(occ)).prop_flat_map(move |(occ_s, (det, det_s))| {
            (
                Just(occ_s),
                Just(det_s),
                prop::option::of(after(det).prop_map(|x| x.1)),
                prop::option::of(after(occ)).prop_flat_map(|rec| match rec {
                    Some((r, rs)) => (Just(Some(rs)), prop::option::of(after(r).prop_map(|x| x.1))).boxed(),
                    None => Just((None, None)).boxed(),
                }),
                prop::option::of(after(occ).prop_map(|x| x.1)),
            )
        })
    });
    let texts = (opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text());
    let good = prop::option::of(text());
    let codes = (
        subsequence(Channel::ALL.to_vec(), 0..=Channel::ALL.len()),
        subsequence(systems.clone(), 0..=systems.len()),
        subsequence(Trend::ALL.to_vec(), 0..4),
        select(opres_domain::SettlementImpact::ALL.to_vec()),
    );
    (
        titles,
        times,
        texts,
        good,
        codes,
        classification(),
        (count(), count(), count()),
        any::<bool>(),
        timeline(),
        submissions(),
    )
        .prop_map(
            move |(
                (title_ja, title_en),
                (occ, det, first, (rec, closed), cause),
                (description_ja, description_en, vendor, root_cause, interim, prevention, handling),
                good,
                (channels, affected, secondary, settlement),
                (trigger, trend, cyber),
                (customers, transactions, value),
                announced,
                timeline,
                report_submissions,
            )| IncidentRecord {
                reference: format!("INC-{i:05}"),
                institution: institution.clone(),
                title_ja,
                title_en,
                description_ja,
                description_en,
                occurred_at: occ,
                detected_at: det,
                first_reported_at: first,
                recovered_at: rec,
                cause_identified_at: cause,
                closed_at: closed,
                channels: channels.iter().map(|c| c.code().to_string()).collect(),
                affected_systems: affected,
                customers_affected: customers,
                transactions_affected: transactions,
                transaction_value_jpy: value,
                settlement_impact: Some(settlement.code().to_string()),
                cyber_attack: Some(RawScalar::Bool(cyber)),
                trigger,
                trend,
                secondary_trends: secondary.iter().map(|t| t.code().to_string()).collect(),
                vendor,
                root_cause,
                interim_measures: interim,
                recurrence_prevention: prevention,
                customer_handling: handling,
                publicly_announced: Some(RawScalar::Bool(announced)),
                good_practice: Some(RawScalar::Bool(good.is_some())),
                good_practice_note: good,
                timeline,
                report_submissions,
            },
        )
}

/// A valid data set: 1–3 institutions, 0–3 systems each, `0..max_incidents` incidents.
pub fn dataset(max_incidents: usize) -> impl Strategy<Value = DataSet> {
    prop::collection::vec(0usize..4, 1..4)
        .prop_flat_map(|systems_per| {
            let institutions: Vec<_> = (0..systems_per.len()).map(institution).collect();
            (institutions, Just(systems_per))
        })
        .prop_flat_map(move |(institutions, systems_per)| {
            let systems: Vec<_> = institutions
                .iter()
                .zip(&systems_per)
                .flat_map(|(ins, n)| (0..*n).map(|i| system(ins.code.clone(), i)).collect::<Vec<_>>())
                .collect();
            (Just(institutions), systems, 0..max_incidents)
        })
        .prop_flat_map(|(institutions, systems, n)| {
            let incidents: Vec<_> = (0..n)
                .map(|i| {
                    let ins = institutions[i % institutions.len()].code.clone();
                    let sys: Vec<String> =
                        systems.iter().filter(|s| s.institution == ins).map(|s| s.code.clone()).collect();
                    incident(i, ins, sys)
                })
                .collect();
            (Just(institutions), Just(systems), incidents)
        })
        .prop_map(|(institutions, systems, incidents)| DataSet {
            institutions: institutions.iter().map(|r| r.validate().unwrap()).collect(),
            systems: systems.iter().map(|r| r.validate().unwrap()).collect(),
            incidents: incidents.iter().map(|r| r.validate().unwrap()).collect(),
        })
}
