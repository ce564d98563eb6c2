//! End-to-end benchmark of the gap assessment's proposals through the application layer, from a
//! real SQLite database (see `bench/gap/run` and the "Gap assessment (issue 11)" section of
//! `docs/benchmarks.md`). `crates/opres-gap/examples/gap_bench.rs` times the derivations over
//! facts made in memory; this times what a front end waits for: `Register::gap_proposals`, which
//! reads the institution's incidents, systems, dependency map, scenario runs and TLPT programmes
//! from the store, computes recurrence chains, SPOFs and concentration, then derives.
//!
//! 1. One institution: 100k generated incidents (`opres gen`'s generator, written as JSONL and
//!    imported with `Register::import`), a generated 10k-resource map, `SCENARIOS` scenarios run
//!    (paper tests), the demo TLPT programme (three engagements, each with a management report)
//!    and an assessment against each built-in framework. Timed: the proposals of all of them.
//! 2. The supervisor's roll-up: the same incidents, resources and scenarios split between 24
//!    institutions, each with its own three-engagement TLPT programme, each assessed against
//!    every built-in framework with every requirement answered. Timed: (a) the proposals of all
//!    24 institutions, (b) `Register::gap_distribution` of each framework.
//!
//! Loading is printed on its own and never part of a timed figure.
//!
//!     gap_store_bench [RUNS=5] [SCENARIOS=500] [FISCAL_YEARS=1]
//!
//! `FISCAL_YEARS` is how many fiscal years up to today the incidents cover (`opres gen
//! --fiscal-years`); with 1, every incident falls in the twelve months a proposal reads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly

use chrono::{NaiveDate, SubsecRound};
use opres_app::resilience::{MapFile, ScenarioDoc};
use opres_app::{Actor, Register};
use opres_domain::{Bilingual, DataSet, InstitutionCode, Lang};
use opres_gap::{EntryRecord, ResultCode};
use opres_resilience::scenario::{Restoration, Scenario, ScenarioKind};
use opres_store::Store;
use std::path::Path;
use std::time::Instant;

const INCIDENTS: usize = 100_000;
const RESOURCES: usize = 10_000;
const INSTITUTIONS: usize = 24;
const SEED: u64 = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Opens a fresh SQLite register in `dir`.
async fn open(dir: &Path) -> Register {
    let url = dir.join("gap-bench.db").to_string_lossy().into_owned();
    Register::new(Store::connect(&url).await.expect("open SQLite"))
}

/// Generates the register's data as `opres gen` does and imports it through the register's import
/// use case from a JSONL file, as `opres import` does.
async fn import_incidents(register: &Register, actor: &Actor, dir: &Path, institutions: usize, fy: u32) -> DataSet {
    let now = chrono::Utc::now().trunc_subsecs(0);
    let params = opres_synthetic::GenParams { institutions, incidents: INCIDENTS, seed: SEED, now, fiscal_years: fy };
    let data = opres_synthetic::generate(&params);
    let path = dir.join("data.jsonl");
    let files = opres_interchange::write_file(&path, &data).expect("write JSONL");
    let report = register.import(actor, &files).await.expect("import");
    assert_eq!(report.summary.incidents_created, INCIDENTS);
    data
}

/// A generated map of `resources` resources (services as `opres gen --resources` chooses them),
/// imported as a JSON file, and `scenarios` scenarios saved and run: outages alternating with
/// capacity exhaustion of the resources that have a capacity record. Paper tests only (no Monte
/// Carlo samples): the proposals read the paper results.
async fn load_resilience(
    register: &Register,
    actor: &Actor,
    code: &InstitutionCode,
    resources: usize,
    scenarios: usize,
    seed: u64,
) {
    let services = (resources / 500).clamp(20, 200);
    let map = opres_resilience::generate::generate_map(resources, services, seed).expect("generated map");
    let file = MapFile { name: "map.json".into(), bytes: opres_resilience::interchange::to_json(&map).into_bytes() };
    register.import_resilience_map(actor, code, &[file], None).await.expect("import map");
    let with_capacity: Vec<_> = map
        .resources()
        .iter()
        .filter(|r| r.capacity.as_ref().is_some_and(|c| c.minutes_to_exhaustion().is_some()))
        .map(|r| r.id.clone())
        .collect();
    for k in 0..scenarios {
        let scenario = if k % 2 == 0 || with_capacity.is_empty() {
            Scenario {
                id: format!("GEN-OUT-{k:04}"),
                ..opres_resilience::generate::generate_scenario(&map, seed + k as u64)
            }
        } else {
            Scenario {
                id: format!("GEN-CAP-{k:04}"),
                name_ja: "容量枯渇".into(),
                name_en: "Capacity exhaustion".into(),
                start: chrono::Utc::now(),
                kind: ScenarioKind::CapacityExhaustion {
                    resource: with_capacity[(k / 2) % with_capacity.len()].clone(),
                    restoration: Restoration::Fixed { minutes: 180.0 },
                },
            }
        };
        let id = scenario.id.clone();
        let doc = ScenarioDoc { scenario, samples: 0, seed: k as u64 };
        let saved = register.save_resilience_scenario(actor, code, &doc, None).await.expect("save scenario");
        register.run_resilience_scenario(actor, code, &id, saved.version).await.expect("run scenario");
    }
}

/// The demo TLPT programme (three engagements, one falling short, each with a management report)
/// for a group whose bank is `members[0]`, imported for that bank.
async fn load_tlpt(register: &Register, actor: &Actor, data: &DataSet, members: [usize; 3]) {
    let member = |i: usize| {
        let inst = &data.institutions[i];
        opres_tlpt::demo::Member {
            code: inst.code.clone(),
            name: Bilingual::both(inst.name_ja.clone(), inst.name_en.clone()),
            institution_type: inst.institution_type,
        }
    };
    let bank = member(members[0]);
    let group = opres_tlpt::model::Group {
        code: InstitutionCode::parse(&format!("{}-FG", bank.code)).expect("group code"),
        name: Bilingual::both(
            format!("{}グループ", bank.name.get(Lang::Ja)),
            format!("{} Group", bank.name.get(Lang::En)),
        ),
    };
    let code = bank.code.clone();
    let members = [bank, member(members[1]), member(members[2])];
    let p = opres_tlpt::demo::demo_programme_for(chrono::Utc::now(), group, members).expect("TLPT programme");
    let imported = register.import_tlpt_programme(actor, &p.to_json(), &code, false, None).await.expect("import TLPT");
    assert_eq!(imported.engagements, 3);
}

/// An assessment of `code` against every built-in framework; returns their keys.
async fn assess(register: &Register, actor: &Actor, code: &InstitutionCode, today: NaiveDate) -> Vec<String> {
    let mut keys = Vec::new();
    for f in register.gap_frameworks(actor).await.expect("frameworks").into_iter().filter(|f| f.built_in) {
        keys.push(register.start_gap_assessment(actor, code, &f.id, today).await.expect("start").key);
    }
    keys
}

/// Answers every requirement of an assessment: the proposal where there is one (accepted), a
/// spread of results that is the same on every run elsewhere.
async fn answer_all(register: &Register, actor: &Actor, key: &str, n: usize, today: NaiveDate) {
    let view = register.gap_assessment(actor, key).await.expect("assessment");
    let proposals = register.gap_proposals(actor, &view, today).await.expect("proposals");
    let mut version = view.version;
    for (i, r) in view.framework.assessable().enumerate() {
        let proposal = proposals.iter().find(|p| p.requirement == r.id);
        let result = proposal.map(|p| p.proposed).unwrap_or(match (i + n) % 4 {
            0 => ResultCode::Met,
            1 | 2 => ResultCode::PartlyMet,
            _ => ResultCode::NotMet,
        });
        let current = match result {
            ResultCode::Met => 4,
            ResultCode::PartlyMet => 2,
            _ => 1,
        };
        let entry = EntryRecord {
            result: result.code().to_string(),
            current: Some(opres_domain::RawScalar::Int(current)),
            target: Some(opres_domain::RawScalar::Int(4)),
            rationale: "benchmark".into(),
            ..EntryRecord::default()
        };
        let seen = proposal.map(|p| p.seen());
        version =
            register.record_gap_entry(actor, key, &r.id, &entry, seen, Some(version)).await.expect("entry").version;
    }
}

/// One timed pass over `views`: every proposal of each, and each call's time.
async fn proposals_of(
    register: &Register,
    actor: &Actor,
    views: &[opres_app::gap::GapAssessmentView],
    today: NaiveDate,
) -> (usize, Vec<f64>) {
    let mut count = 0;
    let mut each = Vec::with_capacity(views.len());
    for v in views {
        let t = Instant::now();
        count += register.gap_proposals(actor, v, today).await.expect("proposals").len();
        each.push(ms(t));
    }
    (count, each)
}

/// Where one call's time goes: the same store reads and engine calls `gap_proposals` makes
/// before deriving, each through the public use cases, timed on their own.
async fn breakdown(register: &Register, actor: &Actor, code: &InstitutionCode, runs: usize) {
    let (mut read, mut chains, mut map, mut spof, mut scenarios, mut tlpt) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut counts = (0, 0, 0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let (incidents, _) = register.analysis_input(actor, Some(std::slice::from_ref(code))).await.expect("read");
        read.push(ms(t));
        let t = Instant::now();
        let r = opres_analysis::recurrence::Recurrences::find(incidents.iter(), &Default::default());
        chains.push(ms(t));
        let t = Instant::now();
        let m = register.resilience_map(actor, code).await.expect("map").expect("a map");
        map.push(ms(t));
        let t = Instant::now();
        let read = opres_app::resilience::MapRead::of(&m.map);
        let (s, c) = (read.spof(), read.concentration());
        spof.push(ms(t));
        let t = Instant::now();
        let list = register.resilience_scenario_list(actor, code).await.expect("scenarios");
        scenarios.push(ms(t));
        let t = Instant::now();
        let mut engagements = 0;
        for d in register.tlpt_programmes(actor).await.expect("programmes") {
            if d.institution.as_deref() == Some(code.as_str()) {
                engagements += register
                    .tlpt_programme(actor, &d.key)
                    .await
                    .expect("programme")
                    .expect("one")
                    .programme
                    .engagements
                    .len();
            }
        }
        tlpt.push(ms(t));
        counts = (incidents.len(), r.chains.len(), list.len(), engagements);
        std::hint::black_box((s, c));
    }
    let (incidents, chains_n, scenarios_n, engagements) = counts;
    println!("  read_incidents_ms_median {:.1} ({incidents} incidents and their children from SQLite)", median(read));
    println!("  recurrence_chains_ms_median {:.1} ({chains_n} chains)", median(chains));
    println!("  read_map_ms_median {:.1} (one {RESOURCES}-resource map document, parsed and validated)", median(map));
    println!("  spof_and_concentration_ms_median {:.1}", median(spof));
    println!(
        "  read_scenarios_and_runs_ms_median {:.1} ({scenarios_n} scenarios with their latest runs)",
        median(scenarios)
    );
    println!("  read_tlpt_ms_median {:.1} ({engagements} engagements)", median(tlpt));
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: usize| args.get(i).map(|a| a.parse().expect("a whole number")).unwrap_or(default);
    let runs = arg(1, 5).max(1);
    let scenarios = arg(2, 500);
    let fiscal_years = u32::try_from(arg(3, 1)).expect("fiscal years");
    let actor = Actor::cli(Lang::En);
    let today = opres_app::today();
    println!("gap_store_bench: SQLite, {runs} runs, today {today}");

    // 1. One institution.
    let dir = tempfile::tempdir().expect("temp dir");
    let register = open(dir.path()).await;
    let t = Instant::now();
    let data = import_incidents(&register, &actor, dir.path(), 1, fiscal_years).await;
    let load_incidents = t.elapsed().as_secs_f64();
    let code = data.institutions[0].code.clone();
    let from = today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
    let in_period = data.incidents.iter().filter(|i| opres_domain::jst_date(&i.times.occurred_at()) >= from).count();
    let t = Instant::now();
    load_resilience(&register, &actor, &code, RESOURCES, scenarios, SEED).await;
    let load_map = t.elapsed().as_secs_f64();
    let t = Instant::now();
    assert!(opres_app::tlpt::load_demo(&register, &actor, &code).await.expect("TLPT demo"));
    let keys = assess(&register, &actor, &code, today).await;
    let load_rest = t.elapsed().as_secs_f64();
    println!(
        "load_one_institution_s {:.1} (import of {INCIDENTS} incidents from JSONL {load_incidents:.1} s, {} systems; \
         map of {RESOURCES} resources and {scenarios} scenarios run {load_map:.1} s; TLPT demo programme and {} assessments {load_rest:.1} s)",
        load_incidents + load_map + load_rest,
        data.systems.len(),
        keys.len(),
    );
    let mut views = Vec::new();
    for k in &keys {
        views.push(register.gap_assessment(&actor, k).await.expect("assessment"));
    }
    let mut totals = Vec::new();
    let mut per_framework: Vec<Vec<f64>> = vec![Vec::new(); views.len()];
    let mut proposals = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let (n, each) = proposals_of(&register, &actor, &views, today).await;
        totals.push(ms(t));
        proposals = n;
        for (f, e) in per_framework.iter_mut().zip(each) {
            f.push(e);
        }
    }
    println!(
        "proposals_one_institution_ms_median {:.1} (proposals {proposals}: {} gap_proposals calls, one per built-in \
         framework, each collecting the facts from the store; {INCIDENTS} incidents, {in_period} in the last 12 months)",
        median(totals),
        views.len()
    );
    for (v, times) in views.iter().zip(per_framework) {
        println!("  {} {:.1} ms", v.framework.id, median(times));
    }
    println!("where one call's time goes (the same reads and engine calls, timed on their own):");
    breakdown(&register, &actor, &code, runs).await;
    register.close().await;
    drop(dir);

    // 2. The supervisor's roll-up over 24 institutions.
    let dir = tempfile::tempdir().expect("temp dir");
    let register = open(dir.path()).await;
    let t = Instant::now();
    let data = import_incidents(&register, &actor, dir.path(), INSTITUTIONS, fiscal_years).await;
    let load_incidents = t.elapsed().as_secs_f64();
    let codes: Vec<InstitutionCode> = data.institutions.iter().map(|i| i.code.clone()).collect();
    assert_eq!(codes.len(), INSTITUTIONS);
    let t = Instant::now();
    for (n, code) in codes.iter().enumerate() {
        let share = scenarios / INSTITUTIONS + usize::from(n < scenarios % INSTITUTIONS);
        load_resilience(&register, &actor, code, RESOURCES / INSTITUTIONS, share, SEED + n as u64).await;
        load_tlpt(&register, &actor, &data, [n, (n + 1) % INSTITUTIONS, (n + 2) % INSTITUTIONS]).await;
    }
    let load_maps = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut keys = Vec::new();
    let mut entries = 0;
    for (n, code) in codes.iter().enumerate() {
        for key in assess(&register, &actor, code, today).await {
            answer_all(&register, &actor, &key, n, today).await;
            let view = register.gap_assessment(&actor, &key).await.expect("assessment");
            entries += view.framework.assessable().count();
            keys.push(key);
        }
    }
    let load_assessments = t.elapsed().as_secs_f64();
    println!(
        "load_24_institutions_s {:.1} (import of {INCIDENTS} incidents {load_incidents:.1} s; 24 maps of {} resources, \
         {scenarios} scenarios run in all and 24 TLPT programmes {load_maps:.1} s; {} assessments, {entries} entries \
         recorded {load_assessments:.1} s)",
        load_incidents + load_maps + load_assessments,
        RESOURCES / INSTITUTIONS,
        keys.len(),
    );
    let mut views = Vec::new();
    for k in &keys {
        views.push(register.gap_assessment(&actor, k).await.expect("assessment"));
    }
    let mut totals = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        proposals = proposals_of(&register, &actor, &views, today).await.0;
        totals.push(ms(t));
    }
    println!(
        "proposals_24_institutions_ms_median {:.1} (proposals {proposals}: {} gap_proposals calls)",
        median(totals),
        views.len()
    );
    let frameworks: Vec<String> =
        views.iter().take(views.len() / INSTITUTIONS).map(|v| v.framework.id.clone()).collect();
    for f in &frameworks {
        let mut times = Vec::new();
        let mut sections = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let doc = register.gap_distribution(&actor, f, Lang::En, today).await.expect("distribution");
            times.push(ms(t));
            sections = doc.sections.len();
        }
        let requirements = views.iter().find(|v| &v.framework.id == f).map_or(0, |v| v.framework.assessable().count());
        println!(
            "distribution_{f}_ms_median {:.1} (24 institutions' latest assessments, {requirements} requirements, {sections} sections)",
            median(times)
        );
    }
    register.close().await;
}
