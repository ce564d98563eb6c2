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
