//! Writes the demo bank's data set and every output of the engine into a folder, in both languages:
//! map JSON/CSV/XLSX, scenarios JSON, flowcharts (SVG, Mermaid, DOT, Cytoscape), results and the report.
//!
//! `cargo run -p opres-resilience --example resilience_demo -- OUT_DIR`

use opres_domain::Lang;
use opres_resilience::engine::{CompiledScenario, FailoverAssumption, MonteCarloOptions};
use opres_resilience::generate::{demo_map, demo_scenarios, demo_today};
use opres_resilience::maps::{self, SvgOptions};
use opres_resilience::report::{self, ScenarioRun};
use opres_resilience::{interchange, spof};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "demo-out".into()));
    std::fs::create_dir_all(&out)?;
    let map = demo_map().map_err(|e| e.message(Lang::En))?;
    std::fs::write(out.join("map.json"), interchange::to_json(&map))?;
    let (r, d) = interchange::to_csv(&map);
    std::fs::write(out.join("resources.csv"), r)?;
    std::fs::write(out.join("dependencies.csv"), d)?;
    std::fs::write(out.join("map.xlsx"), interchange::to_xlsx(&map)?)?;
    let scenarios = demo_scenarios();
    std::fs::write(out.join("scenarios.json"), interchange::scenarios_to_json(&scenarios))?;
    let spofs = spof::analyse(&map);
    for lang in Lang::ALL {
        for (i, s) in map.services().iter().enumerate() {
            let highlight = spofs.services[i].resources.clone();
            if let Some(svg) = maps::service_svg(&map, s.id.as_str(), &SvgOptions { lang, highlight }) {
                std::fs::write(out.join(format!("map_{}_{lang}.svg", s.id)), svg)?;
            }
        }
        if let Some(m) = maps::mermaid(&map, None, lang) {
            std::fs::write(out.join(format!("map_{lang}.mmd")), m)?;
        }
        if let Some(m) = maps::dot(&map, None, lang) {
            std::fs::write(out.join(format!("map_{lang}.dot")), m)?;
        }
        if let Some(m) = maps::cytoscape(&map, None, lang) {
            std::fs::write(out.join(format!("map_{lang}.cyjs")), serde_json::to_string_pretty(&m)?)?;
        }
    }
    let mut runs = Vec::new();
    for sc in &scenarios {
        let compiled = CompiledScenario::new(&map, sc).map_err(|e| e.message(Lang::En))?;
        let paper = compiled.evaluate(FailoverAssumption::AsDesigned);
        let mc = compiled.simulate(&MonteCarloOptions { samples: 20_000, seed: 7, threads: None });
        runs.push(ScenarioRun { scenario: sc.clone(), paper, monte_carlo: Some(mc) });
    }
    std::fs::write(out.join("results.json"), serde_json::to_string_pretty(&runs)?)?;
    let sa = report::assess(&map, demo_today(), runs);
    for lang in Lang::ALL {
        std::fs::write(out.join(format!("report_{lang}.html")), report::render_html(&sa, lang))?;
        std::fs::write(out.join(format!("report_{lang}.md")), report::render_markdown(&sa, lang))?;
        if let Some(run) = sa.runs.first() {
            std::fs::write(
                out.join(format!("gantt_{}_{lang}.svg", run.scenario.id)),
                report::gantt_svg(&map, &run.paper, lang),
            )?;
        }
    }
    println!("wrote {}", out.display());
    Ok(())
}
