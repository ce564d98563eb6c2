//! The store's conformance suite: every test runs against SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod documents;
mod fixtures;
mod incidents;
mod institutions;
mod round_trip;
