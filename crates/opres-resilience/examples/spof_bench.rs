//! SPOF benchmark: generates one map, runs SPOF analysis and prints time and memory as one JSON line.
//!
//! `cargo run --release -p opres-resilience --example spof_bench -- --resources 1000000 [--shape chain]`
//!
//! Shapes: `generated` (the crate's generator, services growing with the map as in `opres gen`) and `chain`
//! (each resource depends on the one before, a failover pair on the two newest and one service on top: the
//! shape whose dense kill sets were quadratic). Memory is read from /proc: the process's resident size before
//! the analysis, and its peak during the analysis (the peak is reset through `/proc/self/clear_refs` once the
//! map is built, so map generation does not count).

use opres_resilience::generate::generate_map;
use opres_resilience::model::{DependencyMap, Gate, MapData, NodeId, Resource, ResourceKind};
use opres_resilience::spof;
use std::time::Instant;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

/// A field of /proc/self/status in MB (0 where /proc is missing).
fn status_mb(field: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else { return 0.0 };
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn chain(n: usize) -> Result<DependencyMap, Box<dyn std::error::Error>> {
    let id = |s: String| NodeId::parse(&s).map_err(|e| format!("{e:?}"));
    let mut resources = Vec::with_capacity(n + 1);
    for i in 0..n {
        let mut r =
            Resource::new(id(format!("R{i}"))?, ResourceKind::System, &format!("システム{i}"), &format!("System {i}"));
        if i > 0 {
            r.depends_on = vec![id(format!("R{}", i - 1))?];
        }
        resources.push(r);
    }
    let mut pair = Resource::new(id("PAIR".into())?, ResourceKind::System, "冗長系", "Failover pair");
    pair.gate = Gate::Failover { switchover_probability: 0.9, switchover_minutes: 15.0 };
    pair.depends_on = vec![id(format!("R{}", n - 1))?, id(format!("R{}", n.saturating_sub(2)))?];
    resources.push(pair);
    let mut data = opres_resilience::generate::generate_data(20, 1, 1);
    data.processes.clear();
    data.services.truncate(1);
    data.services[0].gate = Gate::And;
    data.services[0].depends_on = vec![id("PAIR".into())?];
    data.resources = resources;
    DependencyMap::new(MapData { ..data }).map_err(|e| format!("{e:?}").into())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let resources: usize = arg(&args, "--resources", "1000000").parse()?;
    let shape = arg(&args, "--shape", "generated");
    let seed: u64 = arg(&args, "--seed", "20261129").parse()?;
    let services = (resources / 500).clamp(20, 200);
    let t = Instant::now();
    let map = if shape == "chain" { chain(resources.max(2))? } else { generate_map(resources, services, seed)? };
    let build_s = t.elapsed().as_secs_f64();
    let rss_map = status_mb("VmRSS:");
    // Reset the peak so what follows measures the analysis alone (Linux ≥ 4.0; ignored elsewhere).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let t = Instant::now();
    let report = spof::analyse(&map);
    let spof_s = t.elapsed().as_secs_f64();
    let hwm = status_mb("VmHWM:");
    let stored = spof::kill_sets(map.graph()).stored();
    let single_points: usize = report.services.iter().map(|s| s.resources.len()).sum();
    println!(
        "{}",
        serde_json::json!({
            "shape": shape, "resources": resources, "nodes": map.graph().len(), "services": map.services().len(),
            "build_map_s": build_s, "spof_s": spof_s, "rss_with_map_mb": rss_map,
            "peak_rss_during_spof_mb": if reset { hwm } else { f64::NAN },
            "generator_entries": stored, "service_single_points": single_points, "soft": report.soft.len(),
        })
    );
    Ok(())
}
