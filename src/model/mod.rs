//! Format-neutral views of what the parsed files say.

pub mod command;
pub mod gunicorn;
pub mod hop;
pub mod nginx;
pub mod pins;
pub mod problem;
pub mod procfile;
pub mod server_invocation;
pub mod setting;
