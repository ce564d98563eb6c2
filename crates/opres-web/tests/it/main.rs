//! The REST API, black-box over HTTP, against both engines.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod analysis;
mod api;
mod browser;
mod chromium;
mod gap;
mod limits;
mod matrix;
mod reports_due;
mod resilience;
mod security;
mod sessions;
mod support;
mod tlpt;
