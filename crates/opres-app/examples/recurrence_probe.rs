#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::time::Instant;
fn main() {
    let now = chrono::Utc::now();
    let args: Vec<String> = std::env::args().collect();
    let inst: usize = args[1].parse().unwrap();
    let fy: u32 = args[2].parse().unwrap();
    for n in args[3..].iter().map(|a| a.parse::<usize>().unwrap()) {
        let p = opres_synthetic::GenParams { institutions: inst, incidents: n, seed: 7, now, fiscal_years: fy };
        let d = opres_synthetic::generate(&p);
        let causes: std::collections::HashSet<_> = d.incidents.iter().filter_map(|i| i.root_cause.clone()).collect();
        let t = Instant::now();
        let r = opres_analysis::recurrence::Recurrences::find(d.incidents.iter(), &Default::default());
        println!(
            "inst {inst} fy {fy} n {n}: {:.2} s, {} chains, {} distinct causes, largest chain {}",
            t.elapsed().as_secs_f64(),
            r.chains.len(),
            causes.len(),
            r.chains.iter().map(|c| c.incidents.len()).max().unwrap_or(0)
        );
    }
}
