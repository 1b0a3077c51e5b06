//! Format-neutral views of what the parsed files say.

pub mod args;
pub mod command;
pub mod gunicorn;
pub mod hop;
pub mod httpd;
pub mod hypercorn;
pub mod limits;
pub mod nginx;
pub mod phpfpm;
pub mod pins;
pub mod problem;
pub mod procfile;
pub mod puma;
pub mod server_invocation;
pub mod setting;
pub mod uvicorn;
