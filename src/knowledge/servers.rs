//! Backend servers' defaults per version, and the features that appeared or
//! went away, as data. Every row names its source: the facts file section
//! (`../shared/facts/backend-lifecycle-facts.md`) and the upstream file it
//! cites. A setting's default for a version is the row with the latest
//! `since` that covers it.

use super::version::Version;

/// A backend server hoplint knows the defaults of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    Gunicorn,
    Uvicorn,
    Hypercorn,
    PhpFpm,
    Httpd,
    Puma,
    Node,
}

impl Server {
    pub fn name(self) -> &'static str {
        match self {
            Server::Gunicorn => "gunicorn",
            Server::Uvicorn => "uvicorn",
            Server::Hypercorn => "hypercorn",
            Server::PhpFpm => "php-fpm",
            Server::Httpd => "httpd",
            Server::Puma => "puma",
            Server::Node => "node",
        }
    }

    /// The newest release hoplint knows, assumed when nothing declares one.
    pub fn newest(self) -> Version {
        match self {
            // facts §A3: latest on PyPI 27.0.1.
            Server::Gunicorn => Version::new(27, 0, 1),
            // facts §A4: PyPI latest 0.54.0 / Hypercorn 0.18.0.
            Server::Uvicorn => Version::new(0, 54, 0),
            Server::Hypercorn => Version::new(0, 18, 0),
            // facts §A7 cites docker-library/php images up to 8.5 (8.6 is an
            // rc); the defaults below hold for every PHP-FPM release line.
            Server::PhpFpm => Version::new(8, 5, 0),
            // facts §A7 tabulates the 2.4 line.
            Server::Httpd => Version::new(2, 4, 0),
            // facts §A7: Puma 8.0.2.
            Server::Puma => Version::new(8, 0, 2),
            // facts §A5: CHANGELOG_V26 read through 26.6.0.
            Server::Node => Version::new(26, 6, 0),
        }
    }

    /// How messages name a release: servers whose facts track release lines
    /// only (httpd 2.4, PHP 8.5) print `X.Y`.
    pub fn label(self, version: Version) -> String {
        match self {
            Server::PhpFpm | Server::Httpd => format!("{}.{}", version.major, version.minor),
            _ => version.to_string(),
        }
    }
}

/// A default value. Times are in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    Millis(u64),
    Count(u64),
    Text(&'static str),
    /// No limit (no timeout, no cap).
    Unbounded,
    /// The setting does not exist in these releases.
    Absent,
}

/// One default over a range of releases.
#[derive(Debug)]
pub struct ServerDefault {
    pub server: Server,
    /// The setting as the server's own configuration names it.
    pub setting: &'static str,
    /// First release with this default (`0.0.0`: as far back as the source goes).
    pub since: Version,
    /// First release of a later line without it (rows of one release line,
    /// like a Node backport), exclusive.
    pub until: Option<Version>,
    pub value: DefaultValue,
    pub source: &'static str,
}

impl ServerDefault {
    /// How an origin names this default: "gunicorn 23.0.0 keepalive default
    /// (source)".
    pub fn what(&self, version: Version) -> String {
        format!("{} {} {} default ({})", self.server.name(), self.server.label(version), self.setting, self.source)
    }

    fn covers(&self, version: Version) -> bool {
        self.since <= version && self.until.is_none_or(|until| version < until)
    }
}

/// The newest `major.y.z` as far as the defaults table can tell them apart
/// (an image tag `node:22` runs the newest 22.x): the newest release when
/// `major` is current, else the last table row inside `major`, else
/// `major.0.0`.
pub fn newest_in_major(server: Server, major: u16) -> Version {
    if server.newest().major == major {
        return server.newest();
    }
    DEFAULTS
        .iter()
        .filter(|row| row.server == server && row.since.major == major)
        .map(|row| row.since)
        .max()
        .unwrap_or(Version::new(major, 0, 0))
}

/// The default of `setting` for `server` at `version`.
pub fn default(server: Server, setting: &str, version: Version) -> Option<&'static ServerDefault> {
    DEFAULTS
        .iter()
        .filter(|row| row.server == server && row.setting == setting && row.covers(version))
        .max_by_key(|row| row.since)
}

/// A behaviour or option that exists only in some releases.
#[derive(Debug)]
pub struct Feature {
    pub server: Server,
    pub name: &'static str,
    /// First release that has it (`None`: as far back as the source goes).
    pub since: Option<Version>,
    /// First release without it.
    pub removed: Option<Version>,
    pub source: &'static str,
}

impl Feature {
    pub fn available_in(&self, version: Version) -> bool {
        self.since.is_none_or(|since| since <= version) && self.removed.is_none_or(|removed| version < removed)
    }
}

/// A feature of `server` by name.
pub fn feature(server: Server, name: &str) -> Option<&'static Feature> {
    FEATURES.iter().find(|f| f.server == server && f.name == name)
}

const V0: Version = Version::new(0, 0, 0);

const fn row(
    server: Server,
    setting: &'static str,
    since: Version,
    value: DefaultValue,
    source: &'static str,
) -> ServerDefault {
    ServerDefault { server, setting, since, until: None, value, source }
}

use DefaultValue::{Absent, Count, Millis, Text, Unbounded};
use Server::{Gunicorn, Httpd, Hypercorn, Node, PhpFpm, Puma, Uvicorn};

const GUNICORN_CONFIG: &str = "gunicorn/config.py, facts §A3";

static DEFAULTS: &[ServerDefault] = &[
    // Gunicorn: facts §A3 (gunicorn/config.py Keepalive L890-909, Timeout
    // L851-870, GracefulTimeout L873-887, MaxRequests L812-829,
    // MaxRequestsJitter L832-848, WorkerClass, WorkerConnections); threads,
    // workers and bind as read in gunicorn/config.py (WorkerThreads, Workers,
    // Bind).
    row(Gunicorn, "keepalive", V0, Millis(2_000), "gunicorn/config.py Keepalive L890-909, facts §A3"),
    row(Gunicorn, "timeout", V0, Millis(30_000), "gunicorn/config.py Timeout L851-870, facts §A3"),
    row(Gunicorn, "graceful_timeout", V0, Millis(30_000), "gunicorn/config.py GracefulTimeout L873-887, facts §A3"),
    row(Gunicorn, "max_requests", V0, Count(0), "gunicorn/config.py MaxRequests L812-829, facts §A3"),
    row(Gunicorn, "max_requests_jitter", V0, Absent, "gunicorn news 19.2, facts §A3"),
    row(Gunicorn, "max_requests_jitter", Version::new(19, 2, 0), Count(0), "gunicorn/config.py L832-848, facts §A3"),
    row(Gunicorn, "worker_class", V0, Text("sync"), GUNICORN_CONFIG),
    row(Gunicorn, "worker_connections", V0, Count(1_000), GUNICORN_CONFIG),
    row(Gunicorn, "threads", V0, Count(1), "gunicorn/config.py WorkerThreads"),
    row(Gunicorn, "workers", V0, Count(1), "gunicorn/config.py Workers: 1 unless WEB_CONCURRENCY is set"),
    row(Gunicorn, "bind", V0, Text("127.0.0.1:8000"), "gunicorn/config.py Bind: 0.0.0.0:$PORT when PORT is set"),
    // Uvicorn: facts §A4 (uvicorn 0.54.0 main.py L276-309, docs/settings.md).
    row(Uvicorn, "timeout_keep_alive", V0, Millis(5_000), "uvicorn/main.py --timeout-keep-alive, facts §A4"),
    row(Uvicorn, "timeout_graceful_shutdown", V0, Unbounded, "uvicorn/main.py --timeout-graceful-shutdown, facts §A4"),
    row(Uvicorn, "limit_max_requests", V0, Unbounded, "uvicorn/main.py --limit-max-requests, facts §A4"),
    row(Uvicorn, "limit_max_requests_jitter", V0, Count(0), "uvicorn 0.54.0 --limit-max-requests-jitter, facts §A4"),
    row(
        Uvicorn,
        "timeout_worker_healthcheck",
        V0,
        Millis(5_000),
        "uvicorn 0.54.0 --timeout-worker-healthcheck, facts §A4",
    ),
    // Hypercorn: facts §A4 (hypercorn/config.py L78-101).
    row(Hypercorn, "keep_alive_timeout", V0, Millis(5_000), "hypercorn/config.py L78-101, facts §A4"),
    row(Hypercorn, "keep_alive_max_requests", V0, Count(1_000), "hypercorn/config.py L78-101, facts §A4"),
    row(Hypercorn, "graceful_timeout", V0, Millis(3_000), "hypercorn/config.py L78-101, facts §A4"),
    row(Hypercorn, "read_timeout", V0, Unbounded, "hypercorn/config.py L78-101, facts §A4"),
    row(Hypercorn, "max_requests", V0, Unbounded, "hypercorn/config.py L78-101, facts §A4"),
    row(Hypercorn, "shutdown_timeout", V0, Millis(60_000), "hypercorn/config.py L78-101, facts §A4"),
    // PHP-FPM: facts §A7 (php-src sapi/fpm/php-fpm.conf.in, www.conf.in).
    row(PhpFpm, "process_control_timeout", V0, Millis(0), "php-src sapi/fpm/php-fpm.conf.in, facts §A7"),
    // 0 means "off".
    row(PhpFpm, "request_terminate_timeout", V0, Unbounded, "php-src sapi/fpm/www.conf.in, facts §A7"),
    // 0 means "never recycle".
    row(PhpFpm, "pm.max_requests", V0, Unbounded, "php-src sapi/fpm/www.conf.in, facts §A7"),
    // Apache httpd 2.4: facts §A7 (include/httpd.h DEFAULT_TIMEOUT,
    // DEFAULT_KEEPALIVE_TIMEOUT, DEFAULT_KEEPALIVE).
    row(Httpd, "KeepAlive", V0, Text("On"), "httpd core documentation, facts §A7"),
    row(Httpd, "KeepAliveTimeout", V0, Millis(5_000), "include/httpd.h DEFAULT_KEEPALIVE_TIMEOUT, facts §A7"),
    row(Httpd, "MaxKeepAliveRequests", V0, Count(100), "include/httpd.h DEFAULT_KEEPALIVE, facts §A7"),
    row(Httpd, "Timeout", V0, Millis(60_000), "include/httpd.h DEFAULT_TIMEOUT, facts §A7"),
    // Puma: facts §A7 (lib/puma/configuration.rb DEFAULTS L135-181; History.md
    // 7.0.0, PR #3378; v6.6.1 configuration.rb L148-170).
    row(Puma, "persistent_timeout", V0, Millis(20_000), "puma v6.6.1 lib/puma/configuration.rb, facts §A7"),
    row(
        Puma,
        "persistent_timeout",
        Version::new(7, 0, 0),
        Millis(65_000),
        "puma History.md 7.0.0 (PR #3378), facts §A7",
    ),
    row(Puma, "max_keep_alive", V0, Absent, "puma History.md 7.0.0, facts §A7"),
    row(Puma, "max_keep_alive", Version::new(7, 0, 0), Count(999), "puma lib/puma/configuration.rb, facts §A7"),
    row(Puma, "first_data_timeout", V0, Millis(30_000), "puma lib/puma/configuration.rb, facts §A7"),
    row(Puma, "worker_timeout", V0, Millis(60_000), "puma lib/puma/configuration.rb, facts §A7"),
    row(Puma, "worker_shutdown_timeout", V0, Millis(30_000), "puma lib/puma/configuration.rb, facts §A7"),
    row(Puma, "force_shutdown_after", V0, Unbounded, "puma lib/puma/dsl.rb (:forever), facts §A7"),
    row(Puma, "workers", V0, Count(0), "puma lib/puma/configuration.rb: 0 unless WEB_CONCURRENCY is set"),
    // Node.js http.Server: facts §A5 (doc/api/http.md and the PRs named).
    // Kept as data for a future `node` hop.
    row(Node, "keepAliveTimeout", Version::new(8, 0, 0), Millis(5_000), "nodejs doc/api/http.md, facts §A5"),
    row(Node, "keepAliveTimeoutBuffer", V0, Absent, "nodejs PR #59243, facts §A5"),
    ServerDefault {
        server: Node,
        setting: "keepAliveTimeoutBuffer",
        since: Version::new(22, 19, 0),
        until: Some(Version::new(23, 0, 0)),
        value: Millis(1_000),
        source: "nodejs PR #59243 (v22.19.0 backport), facts §A5",
    },
    row(Node, "keepAliveTimeoutBuffer", Version::new(24, 6, 0), Millis(1_000), "nodejs PR #59243, facts §A5"),
    row(Node, "headersTimeout", V0, Millis(40_000), "nodejs PR #30071, facts §A5"),
    // min(60000, requestTimeout) since v19/v18.x (PR #45778): 60 s with the
    // default requestTimeout.
    row(Node, "headersTimeout", Version::new(13, 0, 0), Millis(60_000), "nodejs PRs #30071 and #45778, facts §A5"),
    row(Node, "requestTimeout", V0, Unbounded, "nodejs PR #41263, facts §A5"),
    row(Node, "requestTimeout", Version::new(18, 0, 0), Millis(300_000), "nodejs PR #41263, facts §A5"),
    row(Node, "maxRequestsPerSocket", V0, Unbounded, "nodejs doc/api/http.md (added v16.10.0), facts §A5"),
    row(Node, "timeout", V0, Millis(120_000), "nodejs doc/api/http.md, facts §A5"),
    row(Node, "timeout", Version::new(13, 0, 0), Unbounded, "nodejs doc/api/http.md, facts §A5"),
];

static FEATURES: &[Feature] = &[
    Feature {
        server: Gunicorn,
        name: "GUNICORN_CMD_ARGS",
        since: Some(Version::new(19, 7, 0)),
        removed: None,
        source: "gunicorn docs/content/configure.md, facts §A3",
    },
    Feature {
        server: Gunicorn,
        name: "eventlet worker",
        since: None,
        removed: Some(Version::new(26, 0, 0)),
        source: "gunicorn news.md 26.0.0, facts §A3",
    },
    Feature {
        server: Gunicorn,
        name: "asgi worker",
        since: Some(Version::new(24, 0, 0)),
        removed: None,
        source: "gunicorn/config.py Keepalive note (beta since 24.0.0), facts §A3",
    },
    Feature {
        server: Uvicorn,
        name: "--timeout-graceful-shutdown",
        since: Some(Version::new(0, 22, 0)),
        removed: None,
        source: "uvicorn release 0.22.0, facts §A4",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(server: Server, setting: &str, v: Version) -> DefaultValue {
        default(server, setting, v).expect("a row").value
    }

    #[test]
    fn defaults_follow_versions() {
        let v = Version::new;
        assert_eq!(ms(Gunicorn, "keepalive", v(23, 0, 0)), Millis(2_000));
        assert_eq!(ms(Gunicorn, "max_requests_jitter", v(19, 1, 0)), Absent);
        assert_eq!(ms(Puma, "persistent_timeout", v(6, 4, 2)), Millis(20_000));
        assert_eq!(ms(Puma, "persistent_timeout", v(7, 0, 0)), Millis(65_000));
        assert_eq!(ms(Node, "keepAliveTimeoutBuffer", v(22, 19, 0)), Millis(1_000));
        assert_eq!(newest_in_major(Node, 22), v(22, 19, 0));
        assert_eq!(newest_in_major(Node, 20), v(20, 0, 0));
        assert_eq!(newest_in_major(Node, Node.newest().major), Node.newest());
        assert_eq!(ms(Node, "keepAliveTimeoutBuffer", v(23, 5, 0)), Absent);
        assert_eq!(ms(Node, "keepAliveTimeoutBuffer", v(24, 5, 0)), Absent);
        assert_eq!(ms(Node, "keepAliveTimeoutBuffer", v(24, 6, 0)), Millis(1_000));
        assert_eq!(ms(Node, "requestTimeout", v(16, 0, 0)), Unbounded);
        assert!(default(Node, "keepAliveTimeout", v(6, 0, 0)).is_none());
    }

    #[test]
    fn what_names_server_version_and_source() {
        let row = default(Gunicorn, "keepalive", Version::new(23, 0, 0)).unwrap();
        assert_eq!(
            row.what(Version::new(23, 0, 0)),
            "gunicorn 23.0.0 keepalive default (gunicorn/config.py Keepalive L890-909, facts §A3)"
        );
        let row = default(Httpd, "KeepAliveTimeout", Httpd.newest()).unwrap();
        assert!(row.what(Httpd.newest()).starts_with("httpd 2.4 KeepAliveTimeout default"));
    }

    #[test]
    fn features_by_version() {
        let eventlet = feature(Gunicorn, "eventlet worker").unwrap();
        assert!(eventlet.available_in(Version::new(25, 1, 0)));
        assert!(!eventlet.available_in(Version::new(26, 0, 0)));
        assert!(!feature(Gunicorn, "GUNICORN_CMD_ARGS").unwrap().available_in(Version::new(19, 6, 0)));
    }
}
