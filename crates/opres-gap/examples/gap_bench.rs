//! Benchmark of the gap engine (see `bench/gap/run` and `docs/benchmarks.md`):
//! 1. importing NIST SP 800-53 rev 5 LOW (resolved catalog) into a validated framework, median of N;
//! 2. deriving every proposal of the built-in frameworks from one institution's facts with 100k
//!    incidents (5k recurrence chains), 10k capacity readings, 200 services and 500 scenario runs;
//! 3. the supervisor's roll-up: the same for 24 institutions (100k incidents split between them).
//!
//! The facts are generated in memory: collecting them from the store is not measured here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly

use chrono::NaiveDate;
use opres_domain::{Criticality, IncidentRef, Trend};
use opres_gap::derive::{
    CapacityFacts, CapacityReading, FailoverRun, Hhi, IncidentFacts, Period, PeriodIncident, RedundancyFacts,
    ResilienceFacts, ResourceRto, ScenarioFacts, ScenarioRun, ServiceFacts, ThirdPartyFacts, ToleranceFacts,
};
use opres_gap::{Facts, Framework, built_in, derive, framework::BUILT_IN, oscal};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Facts of one institution: `incidents` incidents over the year, one chain per 20 incidents.
fn facts(inst: usize, incidents: usize, resources: usize, today: NaiveDate) -> Facts {
    let from = today - chrono::Duration::days(365);
    let trends = Trend::ALL;
    let reference = |i: usize| IncidentRef::parse(&format!("RB-I{inst}-{i:06}")).unwrap();
    let list: Vec<PeriodIncident> = (0..incidents)
        .map(|i| PeriodIncident {
            reference: reference(i),
            occurred_on: from + chrono::Duration::days((i % 365) as i64),
            trend: trends[i % trends.len()],
            impact: Some(if i % 7 == 0 { Criticality::Critical } else { Criticality::Medium }),
        })
        .collect();
    let chains = (0..incidents / 20).map(|c| (0..3).map(|k| reference(c * 20 + k * trends.len())).collect()).collect();
    let services = 200.min(resources.max(1));
    Facts {
        incidents: Some(IncidentFacts {
            as_of: today,
            period: Period::new(from, today).unwrap(),
            incidents: list,
            chains,
        }),
        redundancy: Some(RedundancyFacts {
            as_of: today,
            failover_runs: (0..250)
                .map(|i| FailoverRun { scenario: format!("S{i}"), ran_on: today, switchover_worked: i % 9 != 0 })
                .collect(),
            soft_spofs: (0..resources / 100).map(|i| format!("R{i}")).collect(),
            incidents: vec![],
        }),
        capacity: Some(CapacityFacts {
            as_of: today,
            readings: (0..resources)
                .map(|i| CapacityReading::new(format!("R{i}"), 1000.0, (i % 13) as f64).unwrap())
                .collect(),
            exhaustion_runs: (0..250)
                .map(|i| ScenarioRun { scenario: format!("C{i}"), ran_on: today, breach: i % 5 == 0 })
                .collect(),
            incidents: vec![],
        }),
        third_party: Some(ThirdPartyFacts {
            as_of: today,
            hhi: Hhi::new(1800.0).unwrap(),
            no_substitute: vec![],
            vendor_incidents: vec![],
        }),
        resilience: Some(ResilienceFacts {
            as_of: today,
            services: (0..services)
                .map(|s| ServiceFacts {
                    service: format!("SVC{s}"),
                    tolerances: vec![ToleranceFacts { max_duration_minutes: 120.0, rlo_percent: Some(80.0) }],
                    next_review: today + chrono::Duration::days(30),
                    mapped_resources: resources / services,
                    critical_resources: (0..5)
                        .map(|k| ResourceRto { resource: format!("R{}", s * 5 + k), rto_minutes: Some(60.0) })
                        .collect(),
                })
                .collect(),
            scenarios: (0..500).map(|i| ScenarioFacts { scenario: format!("S{i}"), last_run: Some(today) }).collect(),
        }),
        ..Facts::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let catalog = args.get(1).expect("usage: gap_bench <resolved-catalog.json> [repeats]");
    let repeats: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(30);
    let mut times = Vec::new();
    let mut assessable = 0;
    for _ in 0..repeats {
        // Reading the file is timed, as the peer's is.
        let t = Instant::now();
        let bytes = std::fs::read(catalog).unwrap();
        let f = oscal::import_catalog("catalog.json", &bytes).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assessable = f.assessable().count();
    }
    println!(
        "import_sp800_53_low_ms_median {:.2} (assessable {assessable}, nodes incl. groups, {repeats} runs)",
        median(times)
    );

    let frameworks: Vec<Framework> = BUILT_IN.iter().map(|(f, _)| built_in(f).unwrap().unwrap()).collect();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let one = facts(0, 100_000, 10_000, today);
    let mut times = Vec::new();
    let mut proposals = 0;
    for _ in 0..repeats.min(10) {
        let t = Instant::now();
        proposals = frameworks.iter().map(|f| derive(f, &one, today).len()).sum();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "derive_one_institution_100k_ms_median {:.2} (proposals {proposals} over {} frameworks)",
        median(times),
        frameworks.len()
    );

    let many: Vec<Facts> = (0..24).map(|i| facts(i, 100_000 / 24, 10_000 / 24, today)).collect();
    let mut times = Vec::new();
    for _ in 0..repeats.min(10) {
        let t = Instant::now();
        proposals = many.iter().map(|f| frameworks.iter().map(|fw| derive(fw, f, today).len()).sum::<usize>()).sum();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("derive_24_institutions_ms_median {:.2} (proposals {proposals})", median(times));
}
