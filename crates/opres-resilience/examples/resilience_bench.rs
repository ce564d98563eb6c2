//! Benchmark driver: generates maps of the given sizes, writes each map and its scenario as JSON for the
//! Python references, and times SPOF analysis and Monte Carlo on 1..N threads.
//!
//! `cargo run --release -p opres-resilience --example resilience_bench -- --out bench/out/resilience \
//!     --sizes 1000,10000,100000 --samples 200000,100000,50000 --threads 1,2`
//!
//! Prints one JSON object per line (size, phase, figures) and writes `rust_<size>.json` with P(breach) per
//! service so `bench/resilience/compare.py` can check agreement with the references.

use opres_resilience::engine::{CompiledScenario, MonteCarloOptions};
use opres_resilience::generate::{generate_map, generate_scenario};
use opres_resilience::spof;
use std::time::Instant;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

fn list(s: &str) -> Vec<usize> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

/// CPU time of the whole process (all threads, exited ones included), from /proc: the machine is shared, so
/// CPU time says more about the engine's cost than wall time does. 0 where /proc is missing.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    let Some((_, rest)) = stat.rsplit_once(") ") else { return 0.0 };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the command name), in 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = std::path::PathBuf::from(arg(&args, "--out", "bench/out/resilience"));
    let sizes = list(&arg(&args, "--sizes", "1000,10000,100000"));
    let samples = list(&arg(&args, "--samples", "200000,100000,50000"));
    let threads = list(&arg(&args, "--threads", "1,2"));
    let repeats: usize = arg(&args, "--repeats", "3").parse().unwrap_or(3);
    let seed: u64 = arg(&args, "--seed", "20261129").parse().unwrap_or(20261129);
    std::fs::create_dir_all(&out)?;
    for (i, &size) in sizes.iter().enumerate() {
        let n_samples = samples.get(i).copied().unwrap_or(10_000);
        let services = (size / 500).clamp(20, 200);
        let t0 = Instant::now();
        let map = generate_map(size, services, seed).map_err(|e| e.to_string())?;
        let gen_s = t0.elapsed().as_secs_f64();
        let mut scenario = generate_scenario(&map, seed);
        if args.iter().any(|a| a == "--fixed") {
            // Diagnostic: paper-test restoration times, to separate sampling cost from propagation cost.
            if let opres_resilience::ScenarioKind::Outage { losses } = &mut scenario.kind {
                for l in losses {
                    l.restoration = opres_resilience::Restoration::Fixed { minutes: l.restoration.point_estimate() };
                }
            }
        }
        std::fs::write(out.join(format!("map_{size}.json")), serde_json::to_vec(&map)?)?;
        std::fs::write(out.join(format!("scenario_{size}.json")), serde_json::to_vec(&scenario)?)?;
        let spof_times: Vec<f64> = (0..repeats)
            .map(|_| {
                let t = Instant::now();
                let r = spof::analyse(&map);
                std::hint::black_box(&r);
                t.elapsed().as_secs_f64()
            })
            .collect();
        // Import/export of the CMDB shape, as a user's import would run it.
        let t = Instant::now();
        let (res_csv, dep_csv) = opres_resilience::interchange::to_csv(&map);
        let csv_export_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let back = opres_resilience::interchange::from_csv(&res_csv, &dep_csv, map.services().to_vec(), None)
            .map_err(|e| e.to_string())?;
        let csv_import_s = t.elapsed().as_secs_f64();
        std::hint::black_box(&back);
        let t = Instant::now();
        let conc = opres_resilience::concentration::analyse(&map);
        let concentration_s = t.elapsed().as_secs_f64();
        std::hint::black_box(&conc);
        let t = Instant::now();
        let compiled = CompiledScenario::new(&map, &scenario).map_err(|e| e.to_string())?;
        let compile_s = t.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({
                "size": size, "phase": "setup", "nodes": map.graph().len(), "services": services,
                "generate_s": gen_s, "spof_median_s": median(spof_times), "compile_s": compile_s, "concentration_s": concentration_s,
                "csv_export_s": csv_export_s, "csv_import_s": csv_import_s,
                "lost": compiled.losses(), "evaluated_nodes": compiled.evaluated_nodes(), "samples": n_samples,
            })
        );
        let mut reference = None;
        for &th in &threads {
            let opts = MonteCarloOptions { samples: n_samples, seed, threads: Some(th) };
            let mut times = Vec::new();
            let mut cpu = Vec::new();
            let mut result = None;
            for _ in 0..repeats {
                let c = cpu_seconds();
                let t = Instant::now();
                let r = compiled.simulate(&opts);
                times.push(t.elapsed().as_secs_f64());
                cpu.push(cpu_seconds() - c);
                result = Some(r);
            }
            let cpu_med = median(cpu);
            // On a shared machine the fastest of several runs is the best estimate of the unloaded speed.
            let best = times.iter().copied().fold(f64::INFINITY, f64::min);
            let Some(result) = result else { continue };
            let med = median(times);
            let identical = match &reference {
                None => {
                    reference = Some(result.clone());
                    true
                }
                Some(r) => *r == result,
            };
            println!(
                "{}",
                serde_json::json!({
                    "size": size, "phase": "simulate", "threads": th, "median_s": med,
                    "samples_per_s": n_samples as f64 / med, "identical_to_1_thread": identical,
                    "best_s": best, "samples_per_s_best": n_samples as f64 / best,
                    "cpu_s": cpu_med, "samples_per_cpu_s": n_samples as f64 / cpu_med.max(0.01),
                    "load_avg": std::fs::read_to_string("/proc/loadavg").ok().and_then(|l| l.split_whitespace().next().map(str::to_string)),
                })
            );
            if th == threads[0] {
                std::fs::write(out.join(format!("rust_{size}.json")), serde_json::to_vec_pretty(&result)?)?;
            }
        }
    }
    Ok(())
}
