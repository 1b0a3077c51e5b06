//! What hoplint knows about the software on each hop, as data. Every fact
//! names its source; generated tables come from `../shared/data` through
//! `scripts/gen_knowledge.py` and are committed, never read at build time.

pub mod defaults;
#[rustfmt::skip]
mod defaults_data;
pub mod images;
pub mod java;
pub mod load_balancers;
pub mod nginx_directives;
pub mod nginx_values;
#[rustfmt::skip]
mod nginx_directives_data;
pub mod servers;
pub mod signals;
pub mod version;

pub use version::Version;

/// The newest stable nginx hoplint knows, assumed when nothing declares one
/// (RULES.md "Values and versions": nginx 1.30, stable branch).
pub const NGINX_NEWEST_STABLE: (u16, u16) = (1, 30);

/// Every nginx release number the shared tables mention.
pub fn nginx_known_versions() -> &'static [Version] {
    nginx_directives_data::KNOWN_VERSIONS
}

/// The newest stable nginx release in the tables.
pub fn nginx_newest_stable() -> Version {
    let (major, minor) = NGINX_NEWEST_STABLE;
    nginx_known_versions()
        .iter()
        .filter(|v| v.major == major && v.minor == minor)
        .max()
        .copied()
        .unwrap_or(Version::new(major, minor, 0))
}
