use crate::*;
use opres_domain::Lang;
use opres_resilience::generate::{demo_data, demo_map, demo_today, generate_data};
use proptest::prelude::*;

fn problems(data: MapData) -> Vec<Issue> {
    DependencyMap::new(data).unwrap_err().0
}

fn data(services: Vec<ImportantBusinessService>, resources: Vec<Resource>) -> MapData {
    MapData { institution: None, services, processes: vec![], resources }
}

#[test]
fn demo_map_is_valid_and_round_trips_through_json() {
    let map = demo_map().unwrap();
    let json = serde_json::to_string(&map).unwrap();
    let back: DependencyMap = serde_json::from_str(&json).unwrap();
    assert_eq!(back.data(), map.data());
    assert_eq!(map.services().len(), 4);
}

#[test]
fn cycles_are_refused_and_named() {
    let d = data(
        vec![svc("S", Gate::And, &["A"], 60.0)],
        vec![sys("A", Gate::And, &["B"]), sys("B", Gate::And, &["C"]), sys("C", Gate::And, &["A"])],
    );
    let issues = problems(d);
    let cycle = issues.iter().find_map(|i| match &i.problem {
        Problem::Cycle { path } => Some(path.clone()),
        _ => None,
    });
    let path = cycle.expect("a cycle problem");
    assert_eq!(path.first(), path.last());
    for n in ["A", "B", "C"] {
        assert!(path.iter().any(|p| p == n), "{path:?} names {n}");
    }
    assert!(issues[0].message(Lang::Ja).contains("循環"));
    assert!(issues[0].message(Lang::En).contains("cycle"));
}

#[test]
fn unknown_references_gates_and_shapes_are_named() {
    let mut s = svc("S", Gate::KOfN { k: 3 }, &["A", "B"], 60.0);
    s.tolerances.push(ImpactTolerance::max_duration(30.0)); // second FSA tolerance
    let fo = sys("F", Gate::Failover { switchover_probability: 1.5, switchover_minutes: 5.0 }, &["A"]);
    let mut tp = Resource::new(id("TP"), ResourceKind::ThirdParty, "委託", "outsourced");
    tp.depends_on = vec![id("S")];
    let d = data(vec![s], vec![sys("A", Gate::And, &["NOPE"]), sys("B", Gate::And, &[]), fo, tp]);
    let issues = problems(d);
    let kinds: Vec<(&str, String)> =
        issues.iter().map(|i| (i.problem.kind(), i.location.field.clone().unwrap_or_default())).collect();
    for (kind, field) in [
        ("k_out_of_range", "services[S].gate"),
        ("regulator_twice", "services[S].tolerances[1].regulator"),
        ("unknown_reference", "resources[A].depends_on"),
        ("failover_shape", "resources[F].depends_on"),
        ("out_of_range", "resources[F].gate.switchover_probability"),
        ("provider_required", "resources[TP].provider"),
        ("service_as_dependency", "resources[TP].depends_on"),
    ] {
        assert!(kinds.iter().any(|(k, f)| *k == kind && f == field), "{kind} at {field} in {kinds:?}");
    }
    let unknown = issues.iter().find(|i| i.problem.kind() == "unknown_reference").unwrap();
    assert!(unknown.message(Lang::Ja).contains("NOPE") && unknown.message(Lang::Ja).contains("登録されていません"));
    assert!(unknown.message(Lang::En).contains("'NOPE' does not exist"));
}

#[test]
fn tolerances_and_reviews_are_checked() {
    let mut s = svc("S", Gate::And, &["A"], 60.0);
    s.tolerances.clear();
    let mut late = svc("L", Gate::And, &["A"], 0.0);
    late.next_review = NaiveDate::from_ymd_opt(2027, 4, 2).unwrap();
    late.tolerances[0].rlo_percent = Some(120.0);
    let issues = problems(data(vec![s, late], vec![sys("A", Gate::And, &[])]));
    let kinds: Vec<&str> = issues.iter().map(|i| i.problem.kind()).collect();
    assert!(kinds.contains(&"no_tolerance"));
    assert!(kinds.contains(&"review_too_late"));
    assert_eq!(kinds.iter().filter(|k| **k == "out_of_range").count(), 2, "{kinds:?}"); // duration 0, RLO 120
}

#[test]
fn duplicates_are_refused() {
    let issues = problems(data(vec![svc("A", Gate::And, &[], 60.0)], vec![sys("A", Gate::And, &[])]));
    assert!(issues.iter().any(|i| i.problem == Problem::Duplicate { value: "A".into() }));
}

#[test]
fn importance_score_follows_the_bands() {
    let c = ImportanceCriteria {
        customer_impact: 5,
        customers: 0,
        transactions_per_day: 5_000,
        value_per_day_yen: 20_000_000_000,
        has_cutoff: true,
    };
    assert_eq!(c.score(), 40 + 20 + 30);
    let c = ImportanceCriteria { customer_impact: 1, ..Default::default() };
    assert_eq!(c.score(), 0);
}

#[test]
fn overdue_reviews_are_listed() {
    let map = demo_map().unwrap();
    let overdue: Vec<&str> = map.overdue_reviews(demo_today()).iter().map(|s| s.id.as_str()).collect();
    assert_eq!(overdue, vec!["SVC-ATM"]);
}

#[test]
fn clock_times_parse_strictly() {
    assert_eq!(ClockTime::parse("15:30").unwrap().to_string(), "15:30");
    assert_eq!(ClockTime::parse("9:05").unwrap().minutes_of_day(), 545);
    for bad in ["24:00", "15:3", "15", "ab:cd", "15:30:10"] {
        assert!(ClockTime::parse(bad).is_err(), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn generated_maps_are_valid_and_round_trip(size in 20usize..400, services in 1usize..8, seed in any::<u64>()) {
        let d = generate_data(size, services, seed);
        prop_assert_eq!(d.resources.len(), size.max(20));
        let map = DependencyMap::new(d.clone()).unwrap();
        let json = serde_json::to_vec(&map).unwrap();
        let back = opres_resilience::interchange::from_json(&json, "map.json").unwrap();
        prop_assert_eq!(back.data(), &d);
    }
}

#[test]
fn demo_data_has_dual_regulated_funds_transfer_with_cutoff() {
    let d = demo_data();
    let ft = d.services.iter().find(|s| s.id.as_str() == "SVC-FT").unwrap();
    let regs: Vec<Regulator> = ft.tolerances.iter().map(|t| t.regulator).collect();
    assert_eq!(regs, vec![Regulator::Fsa, Regulator::Boj]);
    assert_eq!(ft.tolerances[0].cutoff.unwrap().to_string(), "15:30");
}
