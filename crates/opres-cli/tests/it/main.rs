//! The `opres` binary end to end: gen → import → export, refusal of bad files, exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod limits;
mod list;
mod modules;
mod round_trip;
mod search;
