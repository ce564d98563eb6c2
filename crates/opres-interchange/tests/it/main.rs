//! Integration tests of opres-interchange: one binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod limits;
mod refuse;
mod roundtrip;
mod strategies;
mod xlsx;
