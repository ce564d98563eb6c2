use crate::*;
use opres_resilience::generate::demo_map;
use opres_resilience::spof;
use proptest::prelude::*;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::collections::{BTreeSet, HashMap};

/// A random acyclic map: resources depend only on earlier resources; every gate kind occurs.
pub fn random_map(seed: u64, max_res: usize) -> DependencyMap {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = rng.random_range(2..=max_res);
    let mut resources: Vec<Resource> = Vec::new();
    let gate_for = |rng: &mut Xoshiro256PlusPlus, n_deps: usize| -> Gate {
        match rng.random_range(0..4u8) {
            0 => Gate::And,
            1 => Gate::Or,
            2 => Gate::KOfN { k: rng.random_range(1..=n_deps) },
            _ if n_deps == 2 => Gate::Failover {
                switchover_probability: [0.0, 0.5, 1.0][rng.random_range(0..3)],
                switchover_minutes: [0.0, 15.0, 45.0][rng.random_range(0..3)],
            },
            _ => Gate::And,
        }
    };
    for i in 0..n {
        let mut deps: Vec<String> = Vec::new();
        if i > 0 {
            for _ in 0..rng.random_range(0..=3usize) {
                let d = format!("R{}", rng.random_range(0..i));
                if !deps.contains(&d) {
                    deps.push(d);
                }
            }
        }
        let gate = if deps.is_empty() { Gate::And } else { gate_for(&mut rng, deps.len()) };
        let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
        resources.push(sys(&format!("R{i}"), gate, &refs));
    }
    let n_svc = rng.random_range(1..=3usize);
    let mut services = Vec::new();
    for s in 0..n_svc {
        let mut deps: Vec<String> = Vec::new();
        for _ in 0..rng.random_range(1..=4usize) {
            let d = format!("R{}", rng.random_range(0..n));
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
        let gate = gate_for(&mut rng, deps.len());
        let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
        services.push(svc(&format!("S{s}"), gate, &refs, 60.0));
    }
    build(services, resources)
}

/// Whether a node is down when exactly `lost` resources are lost, straight from the model's records (an
/// oracle independent of the compiled graph). Failover groups switch over as designed.
pub fn down_oracle(map: &DependencyMap, node: &str, lost: &BTreeSet<String>, memo: &mut HashMap<String, bool>) -> bool {
    if let Some(&v) = memo.get(node) {
        return v;
    }
    let (gate, deps): (Gate, Vec<String>) = if let Some(s) = map.services().iter().find(|s| s.id.as_str() == node) {
        (s.gate, s.depends_on.iter().map(|d| d.to_string()).collect())
    } else {
        let r = map.resources().iter().find(|r| r.id.as_str() == node).unwrap();
        (r.gate, r.depends_on.iter().map(|d| d.to_string()).collect())
    };
    let downs: Vec<bool> = deps.iter().map(|d| down_oracle(map, d, lost, memo)).collect();
    let up = downs.iter().filter(|d| !**d).count();
    let gate_down = !deps.is_empty()
        && match gate {
            Gate::And => up < deps.len(),
            Gate::Or => up == 0,
            Gate::KOfN { k } => up < k,
            Gate::Failover { .. } => downs[0] && downs[1],
        };
    let v = gate_down || lost.contains(node);
    memo.insert(node.to_string(), v);
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Kill sets equal brute force: every resource whose loss alone takes the service down, and no other.
    #[test]
    fn kill_sets_match_brute_force(seed in any::<u64>()) {
        let map = random_map(seed, 9);
        let report = spof::analyse(&map);
        for s in &report.services {
            let mut brute = BTreeSet::new();
            for r in map.resources() {
                let lost: BTreeSet<String> = [r.id.to_string()].into();
                if down_oracle(&map, &s.service, &lost, &mut HashMap::new()) {
                    brute.insert(r.id.to_string());
                }
            }
            let got: BTreeSet<String> = s.resources.iter().cloned().collect();
            prop_assert_eq!(got, brute, "service {}", s.service);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]
    /// The same on larger maps, where kill sets are deep enough that the walks stop early and generators
    /// overlap (several resources of one kill set found by different dependencies).
    #[test]
    fn kill_sets_match_brute_force_on_larger_maps(seed in any::<u64>()) {
        let map = random_map(seed, 40);
        let report = spof::analyse(&map);
        for s in &report.services {
            let brute: BTreeSet<String> = map
                .resources()
                .iter()
                .filter(|r| down_oracle(&map, &s.service, &[r.id.to_string()].into(), &mut HashMap::new()))
                .map(|r| r.id.to_string())
                .collect();
            let got: BTreeSet<String> = s.resources.iter().cloned().collect();
            prop_assert_eq!(got, brute, "service {}", s.service);
        }
    }
}

/// A chain of `n` resources, each depending on the one before, with a failover pair over the two newest and a
/// service on top: every resource of the chain is a single point of failure of the service.
fn chain_map(n: usize) -> DependencyMap {
    let mut resources = Vec::with_capacity(n + 1);
    resources.push(sys("R0", Gate::And, &[]));
    for i in 1..n {
        let prev = format!("R{}", i - 1);
        resources.push(sys(&format!("R{i}"), Gate::And, &[prev.as_str()]));
    }
    let (a, b) = (format!("R{}", n - 1), format!("R{}", n - 2));
    resources.push(sys(
        "PAIR",
        Gate::Failover { switchover_probability: 0.9, switchover_minutes: 15.0 },
        &[a.as_str(), b.as_str()],
    ));
    build(vec![svc("S", Gate::And, &["PAIR"], 60.0)], resources)
}

#[test]
fn deep_chain_kill_sets_stay_linear() {
    // Regression: dense kill sets held n²/2 entries for this shape (20 GB at 100,000; the process aborted).
    let n = 100_000;
    let map = chain_map(n);
    let ks = spof::kill_sets(map.graph());
    assert!(ks.stored() <= 2 * map.graph().len(), "{} generator entries for {} nodes", ks.stored(), map.graph().len());
    let r = spof::analyse(&map);
    // The pair's two members cover each other's own loss; everything below the older one, and the pair, not.
    assert_eq!(r.services[0].resources.len(), n);
    assert!(r.services[0].resources.contains(&"PAIR".to_string()));
    assert!(r.services[0].resources.contains(&"R0".to_string()));
    assert!(!r.services[0].resources.contains(&format!("R{}", n - 1)));
}

#[test]
fn demo_funds_transfer_single_points() {
    let map = demo_map().unwrap();
    let r = spof::analyse(&map);
    let ft = r.services.iter().find(|s| s.service == "SVC-FT").unwrap();
    // Worked by hand: the Zengin gateway sits only in Tokyo (so the Tokyo DC with it), the Zengin network and the
    // operations team have no alternative, and the core system's own loss defeats its failover pair.
    assert_eq!(ft.resources, vec!["CORE", "DC-TOKYO", "PPL-OPS", "TP-ZENGIN", "ZENGIN-GW"]);
    let ib = r.services.iter().find(|s| s.service == "SVC-IB").unwrap();
    assert!(ib.resources.contains(&"TP-CLOUD".to_string()));
    assert!(!ib.resources.contains(&"CORE-TKY".to_string()), "the standby covers the primary");
}

#[test]
fn soft_single_points_rank_by_unreliability_times_services() {
    let map = demo_map().unwrap();
    let r = spof::analyse(&map);
    let core = r.soft.iter().find(|s| s.node == "CORE").unwrap();
    assert_eq!(core.services.len(), 4);
    assert!((core.score - 0.1 * 4.0).abs() < 1e-9);
    assert_eq!((core.primary.as_str(), core.standby.as_str()), ("CORE-TKY", "CORE-OSK"));
}

#[test]
fn k_of_n_kill_set_needs_n_minus_k_plus_one_children() {
    // 2-of-3 over X, Y, Z where X and Y both sit on P: losing P removes two members, more than 3−2 allows.
    let map = build(
        vec![svc("S", Gate::KOfN { k: 2 }, &["X", "Y", "Z"], 60.0)],
        vec![
            sys("P", Gate::And, &[]),
            sys("X", Gate::And, &["P"]),
            sys("Y", Gate::And, &["P"]),
            sys("Z", Gate::And, &[]),
        ],
    );
    let r = spof::analyse(&map);
    assert_eq!(r.services[0].resources, vec!["P"]);
}

#[test]
fn large_map_spof_runs() {
    let map = opres_resilience::generate::generate_map(20_000, 40, 3).unwrap();
    let r = spof::analyse(&map);
    assert_eq!(r.services.len(), 40);
    assert!(r.services.iter().any(|s| !s.resources.is_empty()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// The pruned "which services go down" (used for providers without substitute) equals the model oracle,
    /// also when one work space is reused across calls.
    #[test]
    fn services_down_matches_the_oracle(seed in any::<u64>()) {
        let map = random_map(seed, 10);
        let g = map.graph();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 5);
        let mut scratch = opres_resilience::graph::DownScratch::default();
        for _ in 0..4 {
            let lost_ids: BTreeSet<String> =
                map.resources().iter().filter(|_| rng.random_bool(0.3)).map(|r| r.id.to_string()).collect();
            let lost: Vec<usize> = lost_ids.iter().filter_map(|i| g.index_of(i)).collect();
            let got: Vec<String> = g.services_down(&lost, true, &mut scratch).into_iter().map(|s| g.id(s).to_string()).collect();
            let want: Vec<String> = map
                .services()
                .iter()
                .filter(|s| down_oracle(&map, s.id.as_str(), &lost_ids, &mut HashMap::new()))
                .map(|s| s.id.to_string())
                .collect();
            prop_assert_eq!(got, want);
        }
    }
}
