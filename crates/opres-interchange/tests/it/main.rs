//! Integration tests of opres-interchange: one binary, one module per concern.

mod refuse;
mod roundtrip;
mod strategies;
mod xlsx;
