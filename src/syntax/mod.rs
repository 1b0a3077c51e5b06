//! Text → spanned trees, one module per format. No rule knowledge here.

pub mod dockerfile;
pub mod go_values;
pub mod mapped;
pub mod nginx;
pub mod properties;
pub mod python;
pub mod ruby;
pub mod yaml;
