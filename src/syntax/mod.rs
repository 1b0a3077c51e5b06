//! Text → spanned trees, one module per format. No rule knowledge here.

pub mod nginx;
pub mod python;
pub mod ruby;
pub mod yaml;
