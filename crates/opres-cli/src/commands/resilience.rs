//! Operational resilience: `resilience …`. The engine is `opres-resilience`; a map (services,
//! tolerances, resources, dependencies) and its scenarios are kept either in JSON files
//! (docs/resilience-formats.md) or, with `--institution`, in the register as versioned documents
//! (opres-app's resilience use cases). Both are checked on every read.

use crate::cli::{FlowchartFormat, ResilienceArgs, ResilienceCommand, ResilienceReportFormat, TableOrJson};
use crate::output::InputError;
use anyhow::Context;
use opres_app::resilience::{MapExport, MapFile, ReportFormat, ResilienceError};
use opres_app::{Actor, Register};
use opres_domain::{InstitutionCode, Lang};
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

/// The command line acts with every permission on every institution.
fn actor() -> Actor {
    Actor::cli(Lang::default())
}

fn app_error(e: ResilienceError) -> anyhow::Error {
    match &e {
        ResilienceError::Invalid(i) => InputError::err(
            format!("{}\n{}", e.message(Lang::Ja), i.message(Lang::Ja)),
            format!("{}\n{}", e.message(Lang::En), i.message(Lang::En)),
        ),
        ResilienceError::Store(_)
        | ResilienceError::Worker(_)
        | ResilienceError::Export(_)
        | ResilienceError::Corrupt(_) => {
            anyhow::anyhow!(e.message(Lang::En))
        }
        _ => InputError::err(e.message(Lang::Ja), e.message(Lang::En)),
    }
}

/// Where the map comes from: a file, or an institution's map in the register.
enum Source {
    File(PathBuf),
    Register(Register, InstitutionCode),
}

impl Source {
    async fn open(args: &ResilienceArgs, db: &str) -> anyhow::Result<Source> {
        match &args.institution {
            None => Ok(Source::File(args.map.clone())),
            Some(code) => {
                let code = InstitutionCode::parse(code).map_err(|_| {
                    InputError::err(
                        format!("--institution: 「{code}」は金融機関コードとして使えません"),
                        format!("--institution: '{code}' is not an institution code"),
                    )
                })?;
                Ok(Source::Register(super::open(db).await?, code))
            }
        }
    }

    async fn map(&self) -> anyhow::Result<DependencyMap> {
        match self {
            Source::File(p) => load_map(p),
            Source::Register(r, code) => Ok(r.require_resilience_map(&actor(), code).await.map_err(app_error)?.map),
        }
    }

    /// The scenarios to run: from the file if one is given, else those saved for the institution.
    async fn scenarios(&self, file: Option<&Path>, map: &DependencyMap) -> anyhow::Result<Vec<Scenario>> {
        match (file, self) {
            (Some(p), _) => load_scenarios(p, map),
            (None, Source::Register(r, code)) => {
                let mut list = Vec::new();
                for s in r.resilience_scenarios(&actor(), code).await.map_err(app_error)? {
                    let id = s.key.split_once('/').map(|(_, id)| id).unwrap_or_default();
                    if let Some(sc) = r.resilience_scenario(&actor(), code, id).await.map_err(app_error)? {
                        list.push(sc.doc.scenario);
                    }
                }
                Ok(list)
            }
            (None, Source::File(_)) => Err(InputError::err(
                "--scenarios でシナリオファイルを指定してください（--institution 指定時は登録済みのシナリオ）",
                "give the scenarios file with --scenarios (or --institution to use the saved scenarios)",
            )),
        }
    }

    async fn close(self) {
        if let Source::Register(r, _) = self {
            r.close().await;
        }
    }
}

pub async fn run(args: ResilienceArgs, db: &str, lang: Lang) -> anyhow::Result<()> {
    let source = Source::open(&args, db).await?;
    let result = command(args, &source, lang).await;
    source.close().await;
    result
}

async fn command(args: ResilienceArgs, source: &Source, lang: Lang) -> anyhow::Result<()> {
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
        ResilienceCommand::Import { files, services, out } => match source {
            Source::File(_) => {
                let map = import(&files, services.as_deref())?;
                write(&out, interchange::to_json(&map))
            }
            Source::Register(r, code) => {
                let current = r.resilience_map(&actor(), code).await.map_err(app_error)?;
                let version = current.as_ref().map(|c| c.version);
                let mut upload = Vec::new();
                for f in &files {
                    upload.push(MapFile { name: file_name(f), bytes: read(f)? });
                }
                let saved = match services {
                    // Services from a file: read the map with them here, then save it whole.
                    Some(p) => {
                        let svcs = load_map(&p)?.services().to_vec();
                        let map = opres_app::resilience::read_map_files(&upload, svcs, code).map_err(app_error)?;
                        r.save_resilience_map(&actor(), code, &map, version).await.map_err(app_error)?
                    }
                    None => r.import_resilience_map(&actor(), code, &upload, version).await.map_err(app_error)?,
                };
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Ja =>
                            format!("{code} の依存関係マップを保存しました（版 {}）: {}", saved.version, saved.title),
                        Lang::En =>
                            format!("saved the dependency map of {code} (version {}): {}", saved.version, saved.title),
                    }
                );
                Ok(())
            }
        },
        ResilienceCommand::Export { format, out } => {
            let Source::Register(r, code) = source else {
                return Err(InputError::err("--institution を指定してください", "give --institution"));
            };
            let Some(f) = MapExport::parse(&format) else {
                return Err(InputError::err(
                    "--format は json、xlsx、resources.csv、dependencies.csv のいずれかです",
                    "--format is one of json, xlsx, resources.csv, dependencies.csv",
                ));
            };
            let file = r.export_resilience_map(&actor(), code, f).await.map_err(app_error)?;
            write(&out, file.bytes)
        }
        ResilienceCommand::Spof { format } => {
            let map = source.map().await?;
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
            let map = source.map().await?;
            println!("{}", serde_json::to_string_pretty(&concentration::analyse(&map))?);
            Ok(())
        }
        ResilienceCommand::Simulate { scenarios, scenario, samples, seed, threads } => {
            let map = source.map().await?;
            let list = source.scenarios(scenarios.as_deref(), &map).await?;
            let chosen: Vec<&Scenario> =
                list.iter().filter(|s| scenario.as_ref().is_none_or(|id| &s.id == id)).collect();
            if chosen.is_empty() && scenario.is_none() {
                return Err(InputError::err(
                    "シナリオがありません（Web 画面で作成するか --scenarios でファイルを指定してください）",
                    "there are no scenarios (create them in the web UI, or give a file with --scenarios)",
                ));
            }
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
            let today = opres_app::today();
            if let (Source::Register(r, code), None) = (source, &scenarios) {
                // The register's latest saved runs of each scenario.
                let f = match format {
                    ResilienceReportFormat::Html => ReportFormat::Html,
                    ResilienceReportFormat::Md => ReportFormat::Markdown,
                };
                let text = r.resilience_report(&actor(), code, today, f, lang).await.map_err(app_error)?;
                return write(&out, text);
            }
            let map = source.map().await?;
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
            let sa = report::assess(&map, today, runs);
            let text = match format {
                ResilienceReportFormat::Html => report::render_html(&sa, lang),
                ResilienceReportFormat::Md => report::render_markdown(&sa, lang),
            };
            write(&out, text)
        }
        ResilienceCommand::Flowchart { service, format, out } => {
            let map = source.map().await?;
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
