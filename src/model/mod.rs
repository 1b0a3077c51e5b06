//! Format-neutral views of what the parsed files say.

pub mod command;
pub mod compose;
pub mod dockerfile;
pub mod hop;
pub mod hops;
pub mod ingress_nginx;
pub mod interpolation;
pub mod jvm;
pub mod k8s;
pub mod nginx;
pub mod nginx_hops;
pub mod problem;
pub mod setting;
pub mod spring;
pub mod tomcat;
