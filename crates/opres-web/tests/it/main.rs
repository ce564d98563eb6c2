//! The REST API, black-box over HTTP, against both engines.

mod api;
mod browser;
mod matrix;
mod security;
mod support;
