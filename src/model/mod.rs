//! Format-neutral views of what the parsed files say.

pub mod args;
pub mod command;
pub mod compose;
pub mod dockerfile;
pub mod gunicorn;
pub mod hop;
pub mod hops;
pub mod httpd;
pub mod hypercorn;
pub mod ingress_nginx;
pub mod interpolation;
pub mod jvm;
pub mod k8s;
pub mod limits;
pub mod nginx;
pub mod nginx_hops;
pub mod phpfpm;
pub mod pins;
pub mod problem;
pub mod procfile;
pub mod puma;
pub mod server_invocation;
pub mod setting;
pub mod spring;
pub mod tomcat;
pub mod uvicorn;
