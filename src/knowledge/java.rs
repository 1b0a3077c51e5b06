//! Apache Tomcat and Spring Boot: defaults, the releases that changed them,
//! and the newest releases hoplint knows. Sources are named per item:
//! `facts §A1`/`§A2` are the sections of
//! `shared/facts/backend-lifecycle-facts.md`, which cite upstream files and
//! commits.

use super::version::Version;
use crate::model::setting::Millis;

// ---------------------------------------------------------------- Tomcat

/// The release lines hoplint knows, each at the newest release read: facts
/// §A1 "Branch heads read" (8.5.x 8.5.101, 9.0.x 9.0.122, 10.1.x 10.1.60,
/// 11.0.x 11.0.26). 7.0.0 only bounds the range so that `7.0` and `10.0`
/// (end-of-life lines) resolve.
pub const TOMCAT_KNOWN: &[Version] = &[
    Version::new(7, 0, 0),
    Version::new(8, 5, 101),
    Version::new(9, 0, 122),
    Version::new(10, 1, 60),
    Version::new(11, 0, 26),
];

/// Assumed when nothing in the repository names a Tomcat version.
pub const TOMCAT_NEWEST: Version = Version::new(11, 0, 26);

/// The Tomcat release an official `tomcat` image tag runs: `9.0.80-jdk17`
/// → 9.0.80; `9.0` or `9` → the newest 9.0.x known; `latest` or a variant
/// alone (`jdk21-temurin`) → the newest known. `None` for a tag that is not
/// a version (`${TAG}`) or names an unknown line.
pub fn tomcat_image_version(tag: &str) -> Option<Version> {
    let head = tag.split('-').next().unwrap_or(tag);
    if tag == "latest"
        || head.starts_with(|c: char| c.is_ascii_alphabetic()) && head.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Some(TOMCAT_NEWEST);
    }
    match head.split('.').collect::<Vec<_>>().as_slice() {
        [major] => {
            let major: u16 = major.parse().ok()?;
            TOMCAT_KNOWN.iter().filter(|v| v.major == major).max().copied()
        }
        _ => super::version::resolve(head, TOMCAT_KNOWN).ok(),
    }
}

/// `connectionTimeout` when the Connector does not set it:
/// `Constants.DEFAULT_CONNECTION_TIMEOUT` (facts §A1,
/// `java/org/apache/coyote/http11/Constants.java`). The stock
/// `conf/server.xml` sets 20000 on its 8080 Connector; that is a written
/// value, not this default.
pub const TOMCAT_CONNECTION_TIMEOUT: Millis = Millis(60_000);

/// `maxKeepAliveRequests` when unset (facts §A1, `AbstractEndpoint.java`
/// L1602, 11.0.x).
pub const TOMCAT_MAX_KEEP_ALIVE_REQUESTS: u64 = 100;

/// `<Service gracefulStopAwaitMillis>` when unset: no wait (facts §A1,
/// `webapps/docs/config/service.xml`).
pub const TOMCAT_GRACEFUL_STOP_AWAIT: Millis = Millis(0);

/// Whether a Tomcat release has a change, where that is only known for
/// some release lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    Yes,
    No,
    /// The change was not checked for this release line.
    Unverified,
}

/// `first` lists the first release with the change in each line where it is
/// known; every line from `all_from` on has it from its first release.
fn tomcat_change(version: Version, first: &[Version], all_from: (u16, u16)) -> Support {
    if let Some(first) = first.iter().find(|f| (f.major, f.minor) == (version.major, version.minor)) {
        return if version >= *first { Support::Yes } else { Support::No };
    }
    if (version.major, version.minor) >= all_from { Support::Yes } else { Support::Unverified }
}

/// The `${name:-default}` placeholder form: "Default-value separator
/// changed to `:-` in 9.0.35 (bug 64398)" (facts §A1, changelog 9.0.x
/// L9602-9604). 10.1 branched later, so it has it; 7.0, 8.5 and 10.0 were
/// not checked.
pub fn tomcat_placeholder_default(version: Version) -> Support {
    tomcat_change(version, &[Version::new(9, 0, 35)], (10, 1))
}

/// `<Service gracefulStopAwaitMillis>`: added in 9.0.41 and 8.5.76, bug
/// 64080 (facts §A1, changelog 9.0.x L8583, 8.5.x L2435); 10.1 branched
/// later; 10.0.x is an open item of the facts.
pub fn tomcat_graceful_stop_await(version: Version) -> Support {
    tomcat_change(version, &[Version::new(8, 5, 76), Version::new(9, 0, 41)], (10, 1))
}

/// The releases where [`tomcat_graceful_stop_await`] is known to start.
pub const TOMCAT_GRACEFUL_STOP_AWAIT_SINCE: &str = "9.0.41 / 8.5.76";

/// A Tomcat socket timeout in milliseconds as Tomcat applies it: `None`
/// (no timeout) for zero and negative values. The docs name `-1`; the NIO
/// poller only times a socket out when `timeout > 0 && delta > timeout`
/// (`NioEndpoint.Poller.timeout`), and NIO2 maps `timeout <= 0` to
/// `Long.MAX_VALUE` (`Nio2Endpoint.toTimeout`).
pub fn tomcat_timeout(millis: i64) -> Option<Millis> {
    u64::try_from(millis).ok().filter(|ms| *ms > 0).map(Millis)
}

/// A `maxKeepAliveRequests` as Tomcat applies it: `None` (no limit) for
/// zero and negative values; `1` disables keep-alive. `Http11Processor`:
/// `if (maxKeepAliveRequests == 1) keepAlive = false; else if
/// (maxKeepAliveRequests > 0 && decrementKeepAlive() <= 0) keepAlive = false`.
pub fn tomcat_max_requests(count: i64) -> Option<u64> {
    u64::try_from(count).ok().filter(|n| *n > 0)
}

// ----------------------------------------------------------- Spring Boot

/// Assumed when no build file names a Spring Boot version: v4.1.0, released
/// 2026-06 (release notes "Compare v4.0.7...v4.1.0", quoted in dependency
/// update pull requests such as xdev-software/vaadin-editable-label#334).
pub const SPRING_BOOT_NEWEST: Version = Version::new(4, 1, 0);

/// `server.shutdown` when unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    Graceful,
    Immediate,
}

/// The first release with `server.shutdown` and
/// `spring.lifecycle.timeout-per-shutdown-phase` (facts §A2).
pub const SPRING_GRACEFUL_SHUTDOWN_SINCE: Version = Version::new(2, 3, 0);

/// `server.shutdown` default: `graceful` since 3.4.0 (commit 814369e),
/// `immediate` from 2.3.0 to 3.3.x; `None` before 2.3.0, which has no
/// graceful shutdown (facts §A2, `ServerProperties.java` v3.3.0 L112 vs
/// v3.4.0 L116).
pub fn spring_shutdown_default(version: Version) -> Option<Shutdown> {
    if version >= Version::new(3, 4, 0) {
        Some(Shutdown::Graceful)
    } else if version >= SPRING_GRACEFUL_SHUTDOWN_SINCE {
        Some(Shutdown::Immediate)
    } else {
        None
    }
}

/// `spring.lifecycle.timeout-per-shutdown-phase` default (facts §A2,
/// `LifecycleProperties.java` L36: `Duration.ofSeconds(30)`).
pub const SPRING_TIMEOUT_PER_SHUTDOWN_PHASE: Millis = Millis(30_000);

/// `server.tomcat.max-keep-alive-requests` default, the same as Tomcat's
/// (facts §A2, `TomcatServerProperties.java` L141-146).
pub const SPRING_TOMCAT_MAX_KEEP_ALIVE_REQUESTS: u64 = 100;

/// Jetty's connector idle timeout when `server.jetty.connection-idle-timeout`
/// is unset: `AbstractConnector._idleTimeout = 30000` (facts §A2).
pub const JETTY_IDLE_TIMEOUT: Millis = Millis(30_000);

/// Undertow's `NO_REQUEST_TIMEOUT` when `server.undertow.no-request-timeout`
/// is unset (facts §A2, undertow `Undertow.java` L148).
pub const UNDERTOW_NO_REQUEST_TIMEOUT: Millis = Millis(60_000);

/// Spring Boot dropped Undertow in 4.0 (facts §A2, commit 8c0051a).
pub const SPRING_UNDERTOW_DROPPED: Version = Version::new(4, 0, 0);

/// The first Spring Boot release that binds `key` (canonical form), for the
/// properties hoplint reads that are younger than 2.3; older releases
/// ignore them. Facts §A2: keep-alive-timeout and max-keep-alive-requests
/// 2.5.0 (commit 34b94d8); the shutdown properties 2.3.0; Netty
/// max-keep-alive-requests 2.7.0 (commit 0e94b2c).
pub fn spring_property_since(key: &str) -> Option<Version> {
    match key {
        "server.tomcat.keep-alive-timeout" | "server.tomcat.max-keep-alive-requests" => Some(Version::new(2, 5, 0)),
        "server.shutdown" | "spring.lifecycle.timeout-per-shutdown-phase" => Some(SPRING_GRACEFUL_SHUTDOWN_SINCE),
        "server.netty.max-keep-alive-requests" => Some(Version::new(2, 7, 0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn v(a: u16, b: u16, c: u16) -> Version {
        Version::new(a, b, c)
    }

    #[test]
    fn tomcat_changes_per_line() {
        assert_eq!(tomcat_placeholder_default(v(9, 0, 35)), Support::Yes);
        assert_eq!(tomcat_placeholder_default(v(9, 0, 34)), Support::No);
        assert_eq!(tomcat_placeholder_default(v(10, 1, 8)), Support::Yes);
        assert_eq!(tomcat_placeholder_default(v(8, 5, 46)), Support::Unverified);
        assert_eq!(tomcat_graceful_stop_await(v(8, 5, 76)), Support::Yes);
        assert_eq!(tomcat_graceful_stop_await(v(8, 5, 46)), Support::No);
        assert_eq!(tomcat_graceful_stop_await(v(9, 0, 40)), Support::No);
        assert_eq!(tomcat_graceful_stop_await(v(10, 0, 14)), Support::Unverified);
        assert_eq!(tomcat_graceful_stop_await(v(11, 0, 0)), Support::Yes);
    }

    #[test]
    fn tomcat_image_tags() {
        assert_eq!(tomcat_image_version("9.0.80-jdk17-temurin-jammy"), Some(v(9, 0, 80)));
        assert_eq!(tomcat_image_version("10.1-jre21"), Some(v(10, 1, 60)));
        assert_eq!(tomcat_image_version("9"), Some(v(9, 0, 122)));
        assert_eq!(tomcat_image_version("latest"), Some(TOMCAT_NEWEST));
        assert_eq!(tomcat_image_version("jdk21-temurin"), Some(TOMCAT_NEWEST));
        assert_eq!(tomcat_image_version("10.0"), Some(v(10, 0, 0)));
        assert_eq!(tomcat_image_version("${TOMCAT_TAG}"), None);
        assert_eq!(tomcat_image_version("6"), None);
    }

    #[test]
    fn tomcat_limits() {
        assert_eq!(tomcat_timeout(20_000), Some(Millis(20_000)));
        assert_eq!(tomcat_timeout(-1), None);
        assert_eq!(tomcat_timeout(0), None);
        assert_eq!(tomcat_max_requests(1), Some(1));
        assert_eq!(tomcat_max_requests(0), None);
        assert_eq!(tomcat_max_requests(-1), None);
    }

    #[test]
    fn spring_shutdown_follows_versions() {
        assert_eq!(spring_shutdown_default(v(3, 3, 9)), Some(Shutdown::Immediate));
        assert_eq!(spring_shutdown_default(v(3, 4, 0)), Some(Shutdown::Graceful));
        assert_eq!(spring_shutdown_default(v(2, 2, 0)), None);
        assert_eq!(spring_property_since("server.tomcat.keep-alive-timeout"), Some(v(2, 5, 0)));
        assert_eq!(spring_property_since("server.tomcat.connection-timeout"), None);
    }
}
