//! The keep-alive and shutdown values a Spring Boot application runs with,
//! per embedded server and Spring Boot version (facts §A2).

use super::build::EmbeddedServer;
use super::convert;
use super::environment::{Environment, Lookup};
use crate::knowledge::java::{
    JETTY_IDLE_TIMEOUT, SPRING_GRACEFUL_SHUTDOWN_SINCE, SPRING_TIMEOUT_PER_SHUTDOWN_PHASE,
    SPRING_TOMCAT_MAX_KEEP_ALIVE_REQUESTS, SPRING_UNDERTOW_DROPPED, Shutdown, TOMCAT_CONNECTION_TIMEOUT,
    TOMCAT_MAX_KEEP_ALIVE_REQUESTS, UNDERTOW_NO_REQUEST_TIMEOUT, spring_property_since, spring_shutdown_default,
    tomcat_max_requests, tomcat_timeout,
};
use crate::model::jvm::RunningVersion;
use crate::model::setting::{Millis, Setting};

/// The settings of the hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective {
    pub idle_timeout: Setting<Millis>,
    pub max_requests_per_connection: Setting<u64>,
    pub shutdown: Setting<Shutdown>,
    pub drain_timeout: Setting<Millis>,
}

/// A converter from property text: `Ok(None)` = no limit; `Err` says why
/// the text is not usable.
type Convert<T> = fn(&str) -> Result<Option<T>, String>;

/// A property as the application binds it.
enum Read<T> {
    Set(Setting<T>),
    /// Not set, or not bound by this version; the text is a note for the
    /// default's `what` (`""` when there is nothing to say).
    Unset(String),
}

struct Reader<'a> {
    environment: &'a Environment,
    version: &'a RunningVersion,
}

impl Reader<'_> {
    fn read<T>(&self, key: &str, convert: Convert<T>) -> Read<T> {
        let label = self.version.label();
        let found = self.environment.find(key);
        if let Some(since) = spring_property_since(key).filter(|since| self.version.version < *since) {
            let note = match found {
                Lookup::Absent => String::new(),
                _ => format!("; {label} does not bind {key}, added in {since}"),
            };
            return Read::Unset(note);
        }
        let property = match found {
            Lookup::Absent => return Read::Unset(String::new()),
            Lookup::Unknown(reason) => return Read::Set(Setting::unknown(reason)),
            Lookup::Found(property) => property,
        };
        let resolved = match self.environment.resolve(property, &format!("{label} {key}")) {
            Ok(resolved) => resolved,
            Err(reason) => return Read::Set(Setting::unknown(reason)),
        };
        // Spring's converters turn an empty text into null: the default applies.
        if resolved.text.is_empty() {
            return Read::Unset(format!("; {key} is empty in {}", property.location));
        }
        match convert(&resolved.text) {
            Ok(value) => Read::Set(Setting { value, origin: resolved.origin }),
            Err(why) => Read::Set(Setting::unknown(format!("{key} in {}: {why}", property.location))),
        }
    }

    /// The property, else `default` with `what` and the read's note.
    fn or_default<T>(&self, key: &str, convert: Convert<T>, default: impl FnOnce(String) -> Setting<T>) -> Setting<T> {
        match self.read(key, convert) {
            Read::Set(setting) => setting,
            Read::Unset(note) => default(note),
        }
    }
}

fn invalid_duration(text: &str) -> Result<i64, String> {
    convert::duration_millis(text).map_err(|why| format!("{why}; Spring Boot fails to start with it"))
}

/// A Tomcat timeout set through Spring: non-positive means none, as for
/// server.xml attributes.
fn tomcat_duration(text: &str) -> Result<Option<Millis>, String> {
    invalid_duration(text).map(tomcat_timeout)
}

/// A timeout of another server: hoplint only reads positive values.
fn positive_duration(text: &str) -> Result<Option<Millis>, String> {
    let millis = invalid_duration(text)?;
    u64::try_from(millis)
        .ok()
        .filter(|ms| *ms > 0)
        .map(|ms| Some(Millis(ms)))
        .ok_or_else(|| format!("`{text}` is not positive; hoplint does not know how the server treats it"))
}

/// A shutdown phase timeout: the lifecycle stops waiting at once when it
/// is not positive.
fn phase_duration(text: &str) -> Result<Option<Millis>, String> {
    invalid_duration(text).map(|ms| Some(Millis(u64::try_from(ms).unwrap_or(0))))
}

fn tomcat_requests(text: &str) -> Result<Option<u64>, String> {
    convert::int(text).map(tomcat_max_requests).map_err(|why| format!("{why}; Spring Boot fails to start with it"))
}

fn netty_requests(text: &str) -> Result<Option<u64>, String> {
    let n = convert::int(text).map_err(|why| format!("{why}; Spring Boot fails to start with it"))?;
    u64::try_from(n)
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or_else(|| format!("`{text}`: hoplint does not know how Reactor Netty treats it"))
}

fn shutdown(text: &str) -> Result<Option<Shutdown>, String> {
    match convert::enum_constant(text, &["graceful", "immediate"]) {
        Some("graceful") => Ok(Some(Shutdown::Graceful)),
        Some(_) => Ok(Some(Shutdown::Immediate)),
        None => Err(format!("`{text}` is neither graceful nor immediate; Spring Boot fails to start with it")),
    }
}

/// The values for `server` under `version`.
pub fn effective(environment: &Environment, server: EmbeddedServer, version: &RunningVersion) -> Effective {
    let reader = Reader { environment, version };
    let (idle_timeout, max_requests_per_connection) = match server {
        EmbeddedServer::Tomcat => tomcat(&reader),
        EmbeddedServer::Jetty => (
            reader.or_default("server.jetty.connection-idle-timeout", positive_duration, |note| {
                Setting::default(
                    JETTY_IDLE_TIMEOUT,
                    format!("Jetty connector idleTimeout default under {} (server.jetty.connection-idle-timeout unset{note})", version.label()),
                )
            }),
            Setting::unknown("Spring Boot sets no per-connection request limit on Jetty, and hoplint does not know Jetty's"),
        ),
        EmbeddedServer::Undertow if version.version >= SPRING_UNDERTOW_DROPPED => {
            let reason = format!("{} has no Undertow support (dropped in {SPRING_UNDERTOW_DROPPED})", version.label());
            (Setting::unknown(reason.clone()), Setting::unknown(reason))
        }
        EmbeddedServer::Undertow => (
            reader.or_default("server.undertow.no-request-timeout", positive_duration, |note| {
                Setting::default(
                    UNDERTOW_NO_REQUEST_TIMEOUT,
                    format!("Undertow NO_REQUEST_TIMEOUT default under {} (server.undertow.no-request-timeout unset{note})", version.label()),
                )
            }),
            Setting::unknown("Spring Boot sets no per-connection request limit on Undertow, and hoplint does not know Undertow's"),
        ),
        EmbeddedServer::Netty => (
            reader.or_default("server.netty.idle-timeout", positive_duration, |note| {
                Setting::default_unbounded(format!(
                    "Reactor Netty under {}: no idle timeout unless server.netty.idle-timeout is set{note}",
                    version.label()
                ))
            }),
            reader.or_default("server.netty.max-keep-alive-requests", netty_requests, |note| {
                Setting::unknown(format!(
                    "server.netty.max-keep-alive-requests is unset and hoplint does not know Reactor Netty's default{note}"
                ))
            }),
        ),
    };
    let (shutdown, drain_timeout) = shutdown_settings(&reader);
    Effective { idle_timeout, max_requests_per_connection, shutdown, drain_timeout }
}

/// Tomcat: `server.tomcat.keep-alive-timeout`, else
/// `server.tomcat.connection-timeout`, else Tomcat's 60 s (Spring Boot ships
/// no server.xml, so the stock 20 s does not apply); 0 when
/// `max-keep-alive-requests` is 1.
fn tomcat(reader: &Reader) -> (Setting<Millis>, Setting<u64>) {
    const REQUESTS: &str = "server.tomcat.max-keep-alive-requests";
    let label = reader.version.label();
    let bound = spring_property_since(REQUESTS).is_none_or(|since| reader.version.version >= since);
    let requests = reader.or_default(REQUESTS, tomcat_requests, |note| {
        if bound {
            Setting::default(SPRING_TOMCAT_MAX_KEEP_ALIVE_REQUESTS, format!("{label} {REQUESTS} default{note}"))
        } else {
            Setting::default(
                TOMCAT_MAX_KEEP_ALIVE_REQUESTS,
                format!("Tomcat maxKeepAliveRequests default under {label}{note}"),
            )
        }
    });
    if requests.value == Some(1) {
        return (Setting { value: Some(Millis(0)), origin: requests.origin.clone() }, requests);
    }
    let idle = match reader.read("server.tomcat.keep-alive-timeout", tomcat_duration) {
        Read::Set(setting) => setting,
        Read::Unset(keep_alive_note) => reader.or_default("server.tomcat.connection-timeout", tomcat_duration, |note| {
            Setting::default(
                TOMCAT_CONNECTION_TIMEOUT,
                format!(
                    "Tomcat connectionTimeout default under {label} (server.tomcat.keep-alive-timeout and connection-timeout unset; no server.xml{keep_alive_note}{note})"
                ),
            )
        }),
    };
    (idle, requests)
}

/// `server.shutdown` and the drain it gives: the shutdown phase timeout
/// when graceful, none when immediate.
fn shutdown_settings(reader: &Reader) -> (Setting<Shutdown>, Setting<Millis>) {
    let label = reader.version.label();
    let Some(default) = spring_shutdown_default(reader.version.version) else {
        let what = format!("{label} has no graceful shutdown (added in {SPRING_GRACEFUL_SHUTDOWN_SINCE})");
        return (Setting::default(Shutdown::Immediate, what.clone()), Setting::default(Millis(0), what));
    };
    let mode = reader.or_default("server.shutdown", shutdown, |note| {
        let name = if default == Shutdown::Graceful { "graceful" } else { "immediate" };
        Setting::default(default, format!("{label} server.shutdown default ({name}){note}"))
    });
    let drain = match mode.value {
        None => Setting::unknown(match &mode.origin {
            crate::model::setting::Origin::Unknown { reason } => reason.clone(),
            _ => "server.shutdown is not known".to_owned(),
        }),
        Some(Shutdown::Immediate) => Setting { value: Some(Millis(0)), origin: mode.origin.clone() },
        Some(Shutdown::Graceful) => {
            reader.or_default("spring.lifecycle.timeout-per-shutdown-phase", phase_duration, |note| {
                Setting::default(
                    SPRING_TIMEOUT_PER_SHUTDOWN_PHASE,
                    format!("{label} spring.lifecycle.timeout-per-shutdown-phase default{note}"),
                )
            })
        }
    };
    (mode, drain)
}
