//! The register's use cases against real databases.

mod access;
mod import;
