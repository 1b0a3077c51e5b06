//! Defaults per version for nginx and ingress-nginx, from the generated
//! tables (`defaults_data.rs`), each row naming its source line.

use super::defaults_data::{INGRESS_DEFAULTS, NGINX_DEFAULTS};
use super::version::Version;

/// One nginx default over a version range.
#[derive(Debug)]
pub struct NginxDefaultRow {
    pub directive: &'static str,
    /// Contexts as the table writes them (`upstream`, `http,server,location`).
    pub contexts: &'static str,
    /// Readable default (`60s`, `1000`, or a parenthesised note).
    pub default: &'static str,
    /// `None`: since at least 1.18.0 (the oldest release scanned).
    pub from: Option<Version>,
    /// `None`: still the default in the newest release.
    pub to: Option<Version>,
    /// `file:line@tag`.
    pub source: &'static str,
}

/// One ingress-nginx ConfigMap default, valid from `since` until the next
/// row of the same key.
#[derive(Debug)]
pub struct IngressDefaultRow {
    pub key: &'static str,
    pub since: Version,
    pub default: &'static str,
    pub source: &'static str,
}

/// The default of `directive` in a context (`upstream`, `http`, `server`,
/// `location`, `main`) for nginx `version`.
pub fn nginx(directive: &str, context: &str, version: Version) -> Option<&'static NginxDefaultRow> {
    NGINX_DEFAULTS.iter().find(|row| {
        row.directive == directive
            && row.contexts.split(',').any(|c| c == context)
            && row.from.is_none_or(|f| f <= version)
            && row.to.is_none_or(|t| version <= t)
    })
}

/// The ConfigMap default of `key` for controller `version` (`None` before the
/// key's first scanned release).
pub fn ingress_nginx(key: &str, version: Version) -> Option<&'static IngressDefaultRow> {
    INGRESS_DEFAULTS.iter().filter(|row| row.key == key && row.since <= version).max_by_key(|row| row.since)
}

/// Every ingress-nginx release the ConfigMap table has a row for, oldest first.
pub fn ingress_nginx_versions() -> Vec<Version> {
    let mut versions: Vec<Version> = INGRESS_DEFAULTS.iter().map(|row| row.since).collect();
    versions.sort_unstable();
    versions.dedup();
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_defaults_follow_versions() {
        let v = |a, b, c| Version::new(a, b, c);
        assert_eq!(nginx("keepalive_timeout", "upstream", v(1, 24, 0)).unwrap().default, "60s");
        assert_eq!(nginx("keepalive_requests", "upstream", v(1, 18, 0)).unwrap().default, "100");
        assert_eq!(nginx("keepalive_requests", "upstream", v(1, 19, 10)).unwrap().default, "1000");
        assert_eq!(nginx("keepalive_timeout", "server", v(1, 24, 0)).unwrap().default, "75s");
        assert_eq!(nginx("proxy_http_version", "location", v(1, 29, 7)).unwrap().default, "1.1");
        assert!(nginx("keepalive", "upstream", v(1, 24, 0)).unwrap().default.starts_with("(none"));
    }

    #[test]
    fn ingress_defaults_follow_versions() {
        let v = |a, b, c| Version::new(a, b, c);
        assert_eq!(ingress_nginx("upstream-keepalive-requests", v(0, 39, 0)).unwrap().default, "100");
        assert_eq!(ingress_nginx("upstream-keepalive-requests", v(1, 11, 3)).unwrap().default, "10000");
        assert_eq!(ingress_nginx("upstream-keepalive-timeout", v(1, 15, 1)).unwrap().default, "60");
        assert!(ingress_nginx("upstream-keepalive-timeout", v(0, 10, 0)).is_none());
    }
}
