//! The generated register looks like a real one: every trend with plausible shares, impacts that
//! follow the trend, recent unanalysed and open incidents, reports mostly on time but not all.

use crate::{big, now};
use chrono::{Duration, Timelike};
use opres_domain::{
    Channel, FiscalYear, Incident, IncidentStatus, InstitutionType, JST, Lei, ReportStageKind, ReportStageStatus,
    ReportingPolicy, SettlementImpact, Trend,
};
use opres_synthetic::{GenParams, generate};
use std::collections::HashMap;

fn by_trend() -> HashMap<Trend, Vec<&'static Incident>> {
    let mut m: HashMap<Trend, Vec<&Incident>> = HashMap::new();
    for i in &big().incidents {
        m.entry(i.classification.trend()).or_default().push(i);
    }
    m
}

fn share(n: usize) -> f64 {
    n as f64 / big().incidents.len() as f64
}

#[test]
fn every_trend_appears_with_plausible_shares() {
    let m = by_trend();
    for t in Trend::ALL {
        assert!(m.get(&t).is_some_and(|v| v.len() >= 100), "{t}: {}", m.get(&t).map_or(0, Vec::len));
    }
    let n = |t| m.get(&t).map_or(0, Vec::len);
    let most = Trend::NAMED.iter().copied().max_by_key(|t| n(*t));
    assert_eq!(most, Some(Trend::WorkMisoperation));
    assert!(n(Trend::CyberDdos) * 4 < n(Trend::WorkMisoperation));
    assert!(n(Trend::ChangeBcp) * 4 < n(Trend::WorkMisoperation));
    assert!((0.15..0.30).contains(&share(n(Trend::WorkMisoperation))));
}

#[test]
fn unanalysed_incidents_are_recent_and_open_ones_too() {
    let now = now();
    let m = by_trend();
    let unknown = &m[&Trend::Unknown];
    let recent = unknown.iter().filter(|i| now - i.times.occurred_at() < Duration::days(180)).count();
    assert!(recent as f64 > 0.8 * unknown.len() as f64, "{recent} of {}", unknown.len());
    assert!(unknown.iter().all(|i| i.root_cause.is_none()));

    let open: Vec<_> = big().incidents.iter().filter(|i| i.status() == IncidentStatus::Open).collect();
    assert!(open.len() >= 5, "{}", open.len());
    let recent_open = open.iter().filter(|i| now - i.times.occurred_at() < Duration::days(30)).count();
    assert!(recent_open as f64 >= 0.9 * open.len() as f64);
    assert!(
        big().incidents.iter().filter(|i| i.status() == IncidentStatus::Closed).count() > big().incidents.len() / 2
    );
}

#[test]
fn reports_are_mostly_on_time_some_late_some_overdue() {
    let policy = ReportingPolicy::default();
    let (mut on_time, mut late, mut overdue) = (0usize, 0usize, 0usize);
    for i in &big().incidents {
        for s in policy.stages(i, now()) {
            match s.status {
                ReportStageStatus::Submitted { .. } => on_time += 1,
                ReportStageStatus::SubmittedLate { .. } => late += 1,
                ReportStageStatus::Overdue => overdue += 1,
                ReportStageStatus::Due => {}
            }
        }
    }
    let total = (on_time + late + overdue) as f64;
    assert!(on_time as f64 > 0.75 * total, "{on_time} {late} {overdue}");
    // Overdue ones are a handful of recent ones (issue 12), checked against the pending ones below.
    assert!(late as f64 > 0.03 * total && overdue >= 5, "{on_time} {late} {overdue}");
    // The overdue view has recent content, not only history.
    let recent_overdue = big()
        .incidents
        .iter()
        .filter(|i| now() - i.times.detected_at() < Duration::days(60))
        .filter(|i| policy.stages(i, now()).iter().any(|s| s.is_overdue()))
        .count();
    assert!(recent_overdue > 0);
}

/// Issue 12: a demo that looks run, not abandoned. Of the reports still pending, fewer than one in
/// five is overdue; nothing is overdue for more than a year; no incident is past its twelfth
/// monthly status report (causes get found); and the demo's own shape agrees.
#[test]
fn pending_reports_are_mostly_not_yet_due_and_nothing_is_abandoned() {
    let policy = ReportingPolicy::default();
    let demo = generate(&GenParams::demo(now()));
    for (name, data) in [("big", big()), ("demo", &demo)] {
        let (mut pending, mut overdue, mut oldest_overdue, mut most_status) = (0usize, 0usize, now(), 0u32);
        for i in &data.incidents {
            for s in policy.stages(i, now()) {
                if s.kind == ReportStageKind::StatusReport && s.status.is_submitted() {
                    most_status = most_status.max(s.sequence);
                }
                match s.status {
                    ReportStageStatus::Due => pending += 1,
                    ReportStageStatus::Overdue => {
                        pending += 1;
                        overdue += 1;
                        oldest_overdue = oldest_overdue.min(s.due_at);
                    }
                    _ => {}
                }
            }
        }
        assert!(overdue > 0, "{name}: a realistic handful is late");
        assert!(overdue * 5 < pending, "{name}: {overdue} of {pending} pending reports overdue");
        assert!(now() - oldest_overdue < Duration::days(366), "{name}: overdue since {oldest_overdue}");
        assert!(most_status <= 12, "{name}: an incident reached its status report no. {most_status}");
    }
}

#[test]
fn impacts_follow_the_trend() {
    let m = by_trend();
    let frac = |t: Trend, f: &dyn Fn(&Incident) -> bool| {
        let v = &m[&t];
        v.iter().filter(|i| f(i)).count() as f64 / v.len() as f64
    };
    let median_minutes = |t: Trend| {
        let mut d: Vec<i64> = m[&t].iter().filter_map(|i| i.time_to_recover()).map(|d| d.num_minutes()).collect();
        d.sort_unstable();
        d[d.len() / 2]
    };
    // A DDoS hits internet banking for hours.
    assert!(frac(Trend::CyberDdos, &|i| i.channels.contains(&Channel::InternetBanking)) > 0.6);
    assert!(
        median_minutes(Trend::CyberDdos) > 90
            && median_minutes(Trend::CyberDdos) > median_minutes(Trend::OperationsCapacity)
    );
    // A storage-full batch failure delays settlement more often than failures in general.
    let delayed = |i: &Incident| i.settlement_impact != SettlementImpact::None;
    let overall = big().incidents.iter().filter(|i| delayed(i)).count() as f64 / big().incidents.len() as f64;
    assert!(frac(Trend::OperationsStorage, &delayed) > 1.5 * overall);
    // Misconfiguration mostly during night-time change windows (JST).
    let night = |i: &Incident| {
        let h = i.times.occurred_at().with_timezone(&JST).hour();
        !(7..22).contains(&h)
    };
    assert!(frac(Trend::WorkMisoperation, &night) > 0.4);
    assert!(frac(Trend::OperationsCapacity, &night) < 0.2);
    // Outsourcing cases name their vendor; cyber trigger cases are marked as attacks.
    assert_eq!(frac(Trend::ChangeOutsourcing, &|i| i.vendor.is_some()), 1.0);
    for t in [Trend::CyberDdos, Trend::CyberMalware, Trend::CyberOther] {
        assert_eq!(frac(t, &|i| i.cyber_attack), 1.0);
    }
    // Malware is found late; capacity problems at once.
    let mttd = |t: Trend| {
        let mut d: Vec<i64> = m[&t].iter().filter_map(|i| i.time_to_detect()).map(|d| d.num_minutes()).collect();
        d.sort_unstable();
        d[d.len() / 2]
    };
    assert!(mttd(Trend::CyberMalware) > 24 * 60 && mttd(Trend::OperationsCapacity) < 30);
}

#[test]
fn text_languages_good_practices_and_timelines() {
    let all = &big().incidents;
    let n = all.len() as f64;
    let ja_only = all.iter().filter(|i| i.title.ja.is_some() && i.title.en.is_none()).count() as f64;
    let en_only = all.iter().filter(|i| i.title.en.is_some() && i.title.ja.is_none()).count() as f64;
    let both = all.iter().filter(|i| i.title.ja.is_some() && i.title.en.is_some()).count() as f64;
    assert!(ja_only > 0.2 * n && en_only > 0.05 * n && both > 0.4 * n);
    assert!(all.iter().all(|i| i.description.ja.is_some() == i.title.ja.is_some()));
    let good = all.iter().filter(|i| i.good_practice.is_some()).count() as f64;
    assert!((0.01 * n..0.06 * n).contains(&good), "{good}");
    assert!(all.iter().filter(|i| !i.timeline.is_empty()).count() as f64 > 0.95 * n);
    assert!(all.iter().filter(|i| i.root_cause.is_some()).count() as f64 > 0.7 * n);
}

#[test]
fn institutions_systems_and_years() {
    let d = big();
    let types: std::collections::HashSet<_> = d.institutions.iter().map(|i| i.institution_type).collect();
    assert_eq!(types.len(), InstitutionType::ALL.len());
    for i in &d.institutions {
        if let Some(l) = &i.lei {
            assert!(Lei::parse(l.as_str()).is_ok());
        }
        let n = d.systems.iter().filter(|s| s.institution == i.code).count();
        assert!((4..=12).contains(&n), "{} runs {n} systems", i.code);
        assert!(!i.name_ja.is_empty() && !i.name_en.is_empty());
    }
    // Five fiscal years up to now, each with incidents, more in recent years.
    let mut per_year: HashMap<i32, usize> = HashMap::new();
    for i in &d.incidents {
        *per_year.entry(FiscalYear::of(&i.times.occurred_at()).0).or_default() += 1;
    }
    let this = FiscalYear::of(&now()).0;
    assert_eq!(per_year.len(), 5, "{per_year:?}");
    assert!(per_year[&(this - 1)] > per_year[&(this - 4)], "{per_year:?}");
}
