//! The register's use cases against real databases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod access;
mod gap;
mod gap_file;
mod gap_mapping;
mod gap_report;
mod gap_roadmap;
mod import;
mod regimes;
mod register;
mod resilience;
mod support;
