//! The operational-resilience engine (オペレーショナル・レジリエンス), as the FSA's analysis report describes
//! the four basic actions: identify important business services, set impact tolerances, map the people,
//! systems, facilities and third parties they depend on, and verify with stress scenarios.
//!
//! Pure library: no HTTP, no database, no async. Callers hand it bytes or values and get values back.
//!
//! - [`model`]: the register ([`ImportantBusinessService`], [`ImpactTolerance`]) and the map
//!   ([`Resource`], [`Gate`], [`DependencyMap`], validated on construction).
//! - [`interchange`]: JSON, CSV and XLSX import/export in the shape a CMDB export has.
//! - [`maps`]: SVG flowcharts, Mermaid, Graphviz DOT and Cytoscape JSON.
//! - [`spof`] and [`concentration`]: single points of failure and third-party concentration.
//! - [`scenario`] and [`engine`]: scenarios, paper tests and Monte Carlo.
//! - [`generate`]: realistic generated maps and the bilingual demo bank.
//! - [`report`]: the self-assessment report (ja/en, HTML/Markdown).
//!
//! How the CLI and web layers call it (each step is a plain function; errors are [`Issues`], every one with
//! file/row/field and a message in Japanese and English):
//!
//! ```text
//! import    interchange::from_json(bytes, "map.json")                      -> DependencyMap
//!           interchange::from_csv(resources, dependencies, services, inst) -> DependencyMap
//!           interchange::from_xlsx(bytes, "cmdb.xlsx", services, inst)     -> DependencyMap
//!           interchange::scenarios_from_json(bytes, "scenarios.json", &map) -> Vec<Scenario>
//! export    interchange::{to_json, to_csv, to_xlsx, scenarios_to_json}
//! maps      maps::service_svg(&map, "SVC-FT", &SvgOptions { lang, highlight }), maps::{mermaid, dot, cytoscape}
//! spof      spof::analyse(&map)            -> SpofReport (hard per service, by resource, soft ranked)
//! concentr. concentration::analyse(&map)   -> ConcentrationReport (providers, parents, HHI, top shares)
//! simulate  let c = CompiledScenario::new(&map, &scenario)?;
//!           c.evaluate(FailoverAssumption::AsDesigned)  -> DeterministicResult (paper test, per metric)
//!           c.simulate(&MonteCarloOptions { samples, seed, threads }) -> MonteCarloResult
//! report    let sa = report::assess(&map, today, runs); report::render_html(&sa, lang) / render_markdown
//!           report::gantt_svg(&map, &paper_result, lang) for the results screen
//! demo      generate::{demo_map, demo_scenarios, demo_today}; generate::generate_map(n, services, seed)
//! ```
//!
//! All results are `serde::Serialize`, so the store can keep them as JSON.

pub mod concentration;
pub mod engine;
pub mod generate;
pub mod graph;
pub mod interchange;
pub mod maps;
pub mod model;
pub mod problem;
pub mod report;
pub mod scenario;
pub mod spof;

pub use concentration::ConcentrationReport;
pub use engine::{
    CompiledScenario, DeterministicResult, Estimate, FailoverAssumption, MonteCarloOptions, MonteCarloResult, evaluate,
    simulate,
};
pub use graph::Graph;
pub use model::{
    ClockTime, DependencyMap, Gate, ImpactRates, ImpactTolerance, ImportanceCriteria, ImportantBusinessService,
    MapData, NodeId, NodeKind, Process, Regulator, Resource, ResourceKind,
};
pub use problem::{Issue, Issues, Location, Problem};
pub use scenario::{LossTarget, Restoration, Scenario, ScenarioKind};
pub use spof::SpofReport;
