//! Integration tests of opres-synthetic: one binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod properties;
mod realism;
mod variety;

use chrono::{DateTime, Utc};
use opres_domain::DataSet;
use opres_synthetic::{GenParams, generate};

/// A fixed "today" so results do not depend on the clock.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-29T12:00:00+09:00").unwrap().to_utc()
}

/// A large data set shared by the statistical tests (generated once per test binary run).
pub fn big() -> &'static DataSet {
    static BIG: std::sync::OnceLock<DataSet> = std::sync::OnceLock::new();
    BIG.get_or_init(|| {
        generate(&GenParams { institutions: 30, incidents: 20_000, seed: 42, now: now(), fiscal_years: 5 })
    })
}
