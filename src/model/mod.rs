//! Format-neutral views of what the parsed files say.

pub mod command;
pub mod compose;
pub mod dockerfile;
pub mod hop;
pub mod interpolation;
pub mod nginx;
pub mod problem;
pub mod setting;
