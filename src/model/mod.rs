//! Format-neutral views of what the parsed files say.

pub mod nginx;
