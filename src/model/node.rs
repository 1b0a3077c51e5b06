//! Node.js `http.Server` as a backend hop. Its keepalive settings are set in
//! code (`server.keepAliveTimeout = 65000`), which hoplint does not read: the
//! hop carries the defaults of the Node version its image names, and says
//! so.

use crate::knowledge::Version;
use crate::knowledge::images::{ImageRef, Software, TagVersion, software};
use crate::knowledge::servers::{self, DefaultValue, Server, newest_in_major};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::span::Span;

/// The Node version an image runs: its tag for the official `node` image,
/// else the newest known (assumed).
pub fn version_of(image: Option<&Setting<ImageRef>>) -> (Version, Setting<String>) {
    let newest = Server::Node.newest();
    let assumed = || (newest, Setting::default(newest.to_string(), "node version assumed: newest known"));
    let Some(image) = image else { return assumed() };
    let (Some(value), Origin::Explicit { file, span }) = (&image.value, &image.origin) else { return assumed() };
    if software(value) != Some(Software::Node) {
        return assumed();
    }
    let version = match value.tag_version() {
        TagVersion::Exact(v) => v,
        TagVersion::Minor { major, minor } => Version::new(major, minor, 0),
        TagVersion::Major(major) => newest_in_major(Server::Node, major),
        TagVersion::NewestStable | TagVersion::NewestMainline => newest,
        TagVersion::NotDerived => return assumed(),
    };
    (version, Setting::explicit(version.to_string(), *file, *span))
}

fn millis(setting: &str, version: Version) -> Option<(u64, String)> {
    let row = servers::default(Server::Node, setting, version)?;
    match row.value {
        DefaultValue::Millis(ms) => Some((ms, row.what(version))),
        _ => None,
    }
}

/// The hop of a process started with `node script.js`.
pub fn node_hop(id: String, file: FileId, span: Span, version: Version, software_version: Setting<String>) -> Hop {
    let in_code = "set in code, which hoplint does not read";
    // An idle socket lives keepAliveTimeout plus the buffer (from 24.6 and
    // 22.19) that covers the announced timeout's race.
    let idle_timeout = match (millis("keepAliveTimeout", version), millis("keepAliveTimeoutBuffer", version)) {
        (Some((timeout, what)), Some((buffer, _))) => Setting::default(
            Millis(timeout + buffer),
            format!("{what} plus keepAliveTimeoutBuffer {}; {in_code}", Millis(buffer)),
        ),
        (Some((timeout, what)), None) => Setting::default(Millis(timeout), format!("{what}; {in_code}")),
        (None, _) => Setting::unknown(format!("no keepAliveTimeout default known for node {version}")),
    };
    let unbounded = |setting: &str| match servers::default(Server::Node, setting, version) {
        Some(row) if row.value == DefaultValue::Unbounded => Setting::default_unbounded(row.what(version)),
        Some(row) => match row.value {
            DefaultValue::Millis(ms) => Setting::default(Millis(ms), row.what(version)),
            _ => Setting::unknown(row.what(version)),
        },
        None => Setting::unknown(format!("no {setting} default known for node {version}")),
    };
    Hop {
        id,
        kind: HopKind::Node,
        file,
        span,
        software_version: Some(software_version),
        settings: HopSettings {
            idle_timeout: Some(idle_timeout),
            max_requests_per_connection: Some(Setting::default_unbounded(format!(
                "node {version} maxRequestsPerSocket default (unbounded); {in_code}"
            ))),
            request_timeout: Some(unbounded("requestTimeout")),
            ..HopSettings::default()
        },
    }
}
