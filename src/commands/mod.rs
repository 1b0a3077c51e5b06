//! One module per subcommand: glue between the CLI and the library.

pub mod check;
pub mod explain;
pub mod hops;
pub mod rules;
