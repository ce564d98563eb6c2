//! opres failure analysis: the engine behind `opres classify`, `opres search`, `opres analyze`
//! and `opres report analysis`.
//!
//! Pure library over [`opres_domain`] types: no HTTP, no database, no async. The caller (CLI, web
//! UI) loads incidents from the register and hands them in; search keeps its own tantivy index,
//! in RAM or in a directory, updated by incident reference.
//!
//! - [`classify`]: trigger/trend suggestions with confidence and reasons (rules and learned model),
//!   cross-validated evaluation, the JSONL contract.
//! - [`search`]: bilingual full-text search with snippets, and similar past incidents.
//! - [`recurrence`]: chains of recurring root causes within six months.
//! - [`trends`]: counts, shares, year-on-year change and time distributions.
//! - [`report`]: the yearly analysis report (HTML with SVG charts, Markdown, Excel), anonymised
//!   for supervisors.

pub mod classify;
pub mod error;
#[cfg(test)]
mod fixtures;
pub mod recurrence;
pub mod report;
pub mod search;
pub mod text;
pub mod trends;

pub use error::AnalysisError;
