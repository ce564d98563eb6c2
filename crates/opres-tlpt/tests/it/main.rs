//! Integration tests of the TLPT engine: one binary, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod assess;
mod attack;
mod common;
mod metrics;
mod programme;
mod recurrence;
mod report;
mod rollout;
mod similarity;
