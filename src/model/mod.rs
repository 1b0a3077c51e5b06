//! Format-neutral views of what the parsed files say.

pub mod command;
pub mod hop;
pub mod jvm;
pub mod nginx;
pub mod problem;
pub mod setting;
pub mod spring;
pub mod tomcat;
