//! hoplint: lints, fixes and generates the configuration of every hop a web
//! request crosses. The library holds the whole pipeline; `main.rs` only
//! parses the command line.
#![deny(clippy::unwrap_used)]

pub mod check;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod fix;
pub mod fix_engine;
pub mod knowledge;
pub mod load;
pub mod model;
pub mod project;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod span;
pub mod suppress;
pub mod syntax;
pub mod text;

pub use check::{CheckOptions, Report, check};
