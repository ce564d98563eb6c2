//! Operational resilience: `resilience …`. The engine is `opres-resilience`; a map (services,
//! tolerances, resources, dependencies) and its scenarios are kept in JSON files
//! (docs/resilience-formats.md) and checked on every read.

use crate::cli::{FlowchartFormat, ResilienceArgs, ResilienceCommand, ResilienceReportFormat, TableOrJson};
use crate::output::InputError;
use anyhow::Context;
use opres_domain::{JST, Lang};
use opres_resilience::engine::{CompiledScenario, FailoverAssumption, MonteCarloOptions};
use opres_resilience::maps::{self, SvgOptions};
use opres_resilience::report::{self, ScenarioRun};
use opres_resilience::{DependencyMap, Issues, Scenario, concentration, interchange, spof};
use std::path::{Path, PathBuf};

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        InputError::err(format!("{} を読めません: {e}", path.display()), format!("cannot read {}: {e}", path.display()))
    })
}

fn issues(e: Issues) -> anyhow::Error {
    InputError::err(e.message(Lang::Ja), e.message(Lang::En))
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn load_map(path: &Path) -> anyhow::Result<DependencyMap> {
    interchange::from_json(&read(path)?, &file_name(path)).map_err(issues)
}

fn load_scenarios(path: &Path, map: &DependencyMap) -> anyhow::Result<Vec<Scenario>> {
    interchange::scenarios_from_json(&read(path)?, &file_name(path), map).map_err(issues)
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("{}", path.display());
    Ok(())
}

pub fn run(args: ResilienceArgs, lang: Lang) -> anyhow::Result<()> {
    match args.command {
        ResilienceCommand::Demo { out } => {
            std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            let map = opres_resilience::generate::demo_map().map_err(issues)?;
            write(&out.join("map.json"), interchange::to_json(&map))?;
            write(
                &out.join("scenarios.json"),
                interchange::scenarios_to_json(&opres_resilience::generate::demo_scenarios()),
            )?;
            Ok(())
        }
        ResilienceCommand::Import { files, services, out } => {
            let map = import(&files, services.as_deref())?;
            write(&out, interchange::to_json(&map))
        }
        ResilienceCommand::Spof { format } => {
            let map = load_map(&args.map)?;
            let r = spof::analyse(&map);
            match format {
                TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                TableOrJson::Table => {
                    for s in &r.services {
                        println!(
                            "{}: {}",
                            s.service,
                            if s.resources.is_empty() { "-".to_string() } else { s.resources.join(", ") }
                        );
                    }
                    for s in &r.soft {
                        println!(
                            "{} {}",
                            lang.pick("ソフトな単一障害点:", "soft single point:"),
                            serde_json::to_string(s)?
                        );
                    }
                }
            }
            Ok(())
        }
        ResilienceCommand::Concentration => {
            let map = load_map(&args.map)?;
            println!("{}", serde_json::to_string_pretty(&concentration::analyse(&map))?);
            Ok(())
        }
        ResilienceCommand::Simulate { scenarios, scenario, samples, seed, threads } => {
            let map = load_map(&args.map)?;
            let list = load_scenarios(&scenarios, &map)?;
            let chosen: Vec<&Scenario> =
                list.iter().filter(|s| scenario.as_ref().is_none_or(|id| &s.id == id)).collect();
            if chosen.is_empty() {
                return Err(InputError::err("該当するシナリオがありません", "no scenario with that id"));
            }
            for sc in chosen {
                let compiled = CompiledScenario::new(&map, sc).map_err(issues)?;
                let paper = compiled.evaluate(FailoverAssumption::AsDesigned);
                println!("{}  {}", sc.id, sc.name(lang));
                for s in &paper.services {
                    println!(
                        "  {:<24} {}  {}",
                        s.service,
                        if s.breach {
                            lang.pick("耐性度超過", "BREACH")
                        } else {
                            lang.pick("耐性度内", "within")
                        },
                        opres_resilience::scenario::fmt_minutes(s.disruption_minutes, lang)
                    );
                }
                if samples > 0 {
                    let mc = compiled.simulate(&MonteCarloOptions { samples, seed, threads });
                    for s in mc.services.iter().filter(|s| s.affected) {
                        println!(
                            "  {:<24} P({}) = {:.3} [{:.3}, {:.3}]",
                            s.service,
                            lang.pick("超過", "breach"),
                            s.breach.p,
                            s.breach.low,
                            s.breach.high
                        );
                    }
                }
            }
            Ok(())
        }
        ResilienceCommand::Report { scenarios, samples, seed, format, out } => {
            let map = load_map(&args.map)?;
            let mut runs = Vec::new();
            if let Some(path) = scenarios {
                for sc in load_scenarios(&path, &map)? {
                    let compiled = CompiledScenario::new(&map, &sc).map_err(issues)?;
                    let paper = compiled.evaluate(FailoverAssumption::AsDesigned);
                    let monte_carlo =
                        (samples > 0).then(|| compiled.simulate(&MonteCarloOptions { samples, seed, threads: None }));
                    runs.push(ScenarioRun { scenario: sc, paper, monte_carlo });
                }
            }
            let sa = report::assess(&map, chrono::Utc::now().with_timezone(&JST).date_naive(), runs);
            let text = match format {
                ResilienceReportFormat::Html => report::render_html(&sa, lang),
                ResilienceReportFormat::Md => report::render_markdown(&sa, lang),
            };
            write(&out, text)
        }
        ResilienceCommand::Flowchart { service, format, out } => {
            let map = load_map(&args.map)?;
            let text = match format {
                FlowchartFormat::Svg => {
                    let highlight = spof::analyse(&map)
                        .services
                        .into_iter()
                        .find(|s| service.as_deref().is_none_or(|id| s.service == id))
                        .map(|s| s.resources)
                        .unwrap_or_default();
                    let id = service
                        .clone()
                        .or_else(|| map.services().first().map(|s| s.id.as_str().to_string()))
                        .unwrap_or_default();
                    maps::service_svg(&map, &id, &SvgOptions { lang, highlight })
                }
                FlowchartFormat::Mermaid => maps::mermaid(&map, service.as_deref(), lang),
                FlowchartFormat::Dot => maps::dot(&map, service.as_deref(), lang),
                FlowchartFormat::Cytoscape => maps::cytoscape(&map, service.as_deref(), lang)
                    .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()),
            };
            let Some(text) = text else {
                return Err(InputError::err(
                    "該当する重要業務がありません",
                    "no important business service with that id",
                ));
            };
            write(&out, text)
        }
    }
}

/// Reads a map from JSON, an XLSX workbook, or the two CSV files of a CMDB export.
fn import(files: &[PathBuf], services_from: Option<&Path>) -> anyhow::Result<DependencyMap> {
    let ext = |p: &PathBuf| p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let services = match services_from {
        Some(p) => load_map(p)?.services().to_vec(),
        None => Vec::new(),
    };
    match files {
        [one] if ext(one) == "json" => load_map(one),
        [one] if ext(one) == "xlsx" => {
            interchange::from_xlsx(&read(one)?, &file_name(one), services, None).map_err(issues)
        }
        [a, b] if ext(a) == "csv" && ext(b) == "csv" => {
            // resources first, dependencies second; accept either order by name.
            let (r, d) = if file_name(a).contains("depend") { (b, a) } else { (a, b) };
            interchange::from_csv(&read(r)?, &read(d)?, services, None).map_err(issues)
        }
        _ => Err(InputError::err(
            "map.json、map.xlsx、または resources.csv と dependencies.csv の 2 ファイルを指定してください",
            "give map.json, map.xlsx, or the two files resources.csv and dependencies.csv",
        )),
    }
}
