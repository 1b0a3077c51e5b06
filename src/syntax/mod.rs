//! Text → spanned trees, one module per format. No rule knowledge here.

pub mod nginx;
pub mod properties;
pub mod yaml;
