//! The values a Connector runs with, after Tomcat's fallbacks and defaults,
//! and the hops they make (facts §A1).

use std::collections::HashMap;

use super::{Attr, AttrValue, Connector, Protocol, Service, TomcatServer};
use crate::knowledge::java::{
    Support, TOMCAT_CONNECTION_TIMEOUT, TOMCAT_GRACEFUL_STOP_AWAIT, TOMCAT_GRACEFUL_STOP_AWAIT_SINCE,
    TOMCAT_MAX_KEEP_ALIVE_REQUESTS, tomcat_graceful_stop_await,
};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::jvm::RunningVersion;
use crate::model::setting::{Millis, Setting};

/// The setting Tomcat uses for an attribute, if it is present and valid.
fn used<T: Clone>(attr: Option<&Attr<T>>) -> Option<Setting<T>> {
    attr.and_then(Attr::setting).cloned()
}

/// Why a present attribute is ignored, as a note for the default's `what`.
fn ignored<T>(attr: Option<&Attr<T>>) -> String {
    match attr.map(|a| &a.value) {
        Some(AttrValue::Invalid(why)) => format!("; {why}"),
        _ => String::new(),
    }
}

impl Connector {
    /// How long an idle kept-alive connection stays open: `keepAliveTimeout`,
    /// else `connectionTimeout` (`AbstractEndpoint.getKeepAliveTimeout()`),
    /// else 60 s; 0 when `maxKeepAliveRequests="1"` disables keep-alive.
    pub fn idle_timeout(&self, version: &RunningVersion) -> Setting<Millis> {
        let requests = self.max_requests_per_connection(version);
        if requests.value == Some(1) {
            return Setting { value: Some(Millis(0)), origin: requests.origin };
        }
        used(self.keep_alive_timeout.as_ref()).or_else(|| used(self.connection_timeout.as_ref())).unwrap_or_else(|| {
            let notes = ignored(self.keep_alive_timeout.as_ref()) + &ignored(self.connection_timeout.as_ref());
            Setting::default(
                TOMCAT_CONNECTION_TIMEOUT,
                format!(
                    "{} connectionTimeout default (no keepAliveTimeout or connectionTimeout{notes})",
                    version.label()
                ),
            )
        })
    }

    /// Requests served on one connection before Tomcat closes it (announcing
    /// it with `Connection: close`).
    pub fn max_requests_per_connection(&self, version: &RunningVersion) -> Setting<u64> {
        used(self.max_keep_alive_requests.as_ref()).unwrap_or_else(|| {
            Setting::default(
                TOMCAT_MAX_KEEP_ALIVE_REQUESTS,
                format!(
                    "{} maxKeepAliveRequests default{}",
                    version.label(),
                    ignored(self.max_keep_alive_requests.as_ref())
                ),
            )
        })
    }
}

impl Service {
    /// How long stopping waits for `connector`'s open connections:
    /// `gracefulStopAwaitMillis`, which only applies when the Connector has
    /// `bindOnInit="false"` and the release has the attribute (facts §A1).
    pub fn drain_timeout(&self, connector: &Connector, version: &RunningVersion) -> Setting<Millis> {
        let label = version.label();
        let Some(wait) = used(self.graceful_stop_await.as_ref()) else {
            let notes = ignored(self.graceful_stop_await.as_ref());
            return Setting::default(
                TOMCAT_GRACEFUL_STOP_AWAIT,
                format!("{label} gracefulStopAwaitMillis default (no wait{notes})"),
            );
        };
        if !wait.is_known() || wait.value == Some(Millis(0)) {
            return wait;
        }
        match tomcat_graceful_stop_await(version.version) {
            Support::Yes => {}
            Support::No => {
                return Setting::default(
                    Millis(0),
                    format!(
                        "{label} has no gracefulStopAwaitMillis (added in {TOMCAT_GRACEFUL_STOP_AWAIT_SINCE}); it is ignored"
                    ),
                );
            }
            Support::Unverified => {
                return Setting::unknown(format!(
                    "gracefulStopAwaitMillis (added in {TOMCAT_GRACEFUL_STOP_AWAIT_SINCE}) is not verified for {label}"
                ));
            }
        }
        match used(connector.bind_on_init.as_ref()) {
            Some(Setting { value: Some(false), .. }) => wait,
            Some(bind) if !bind.is_known() => Setting::unknown(
                "gracefulStopAwaitMillis only applies with bindOnInit=\"false\", and bindOnInit is not known"
                    .to_owned(),
            ),
            bind => {
                let how = if bind.is_some() { "" } else { " by default" };
                Setting::default(
                    Millis(0),
                    format!(
                        "{label}: gracefulStopAwaitMillis only applies with bindOnInit=\"false\" (bindOnInit is true{how})"
                    ),
                )
            }
        }
    }
}

impl TomcatServer {
    /// One hop per HTTP Connector (AJP and unknown protocols make none). The
    /// id is the file's path when it has one HTTP Connector, else
    /// `path:Connector PORT` (`#2`… when a port repeats).
    pub fn hops(&self) -> Vec<Hop> {
        let http: Vec<(&Service, &Connector)> = self
            .services
            .iter()
            .flat_map(|service| service.connectors.iter().map(move |connector| (service, connector)))
            .filter(|(_, connector)| connector.protocol == Protocol::Http)
            .collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        http.iter()
            .map(|(service, connector)| {
                let id = if http.len() == 1 {
                    self.path.clone()
                } else {
                    let port = connector.port.as_ref().map_or("(no port)", |p| p.text.as_str());
                    let base = format!("{}:Connector {port}", self.path);
                    let count = seen.entry(base.clone()).or_insert(0);
                    *count += 1;
                    if *count == 1 { base } else { format!("{base}#{count}") }
                };
                Hop {
                    id,
                    kind: HopKind::Tomcat,
                    file: self.file,
                    span: connector.span,
                    software_version: Some(self.version.setting()),
                    settings: HopSettings {
                        idle_timeout: Some(connector.idle_timeout(&self.version)),
                        max_requests_per_connection: Some(connector.max_requests_per_connection(&self.version)),
                        drain_timeout: Some(service.drain_timeout(connector, &self.version)),
                        ..HopSettings::default()
                    },
                }
            })
            .collect()
    }
}
