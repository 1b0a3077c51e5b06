//! Apache Tomcat `conf/server.xml`: each `<Service>` with its `<Connector>`s
//! and `<Executor>`s, every attribute with the span of its raw value and
//! its placeholders resolved, and the hops of the HTTP Connectors
//! (facts §A1).

mod attr;
mod effective;
pub mod placeholder;
mod xml;

pub use attr::{Attr, AttrValue};
pub use placeholder::{PropertySources, PropertyValue, catalina_properties_for};

use crate::knowledge::Version;
use crate::knowledge::java::TOMCAT_NEWEST;
use crate::model::jvm::{DeclaredVersion, RunningVersion};
use crate::model::problem::ParseProblem;
use crate::model::setting::Millis;
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// A server.xml as Tomcat reads it.
#[derive(Clone, Debug)]
pub struct TomcatServer {
    pub file: FileId,
    /// The file's display path (hop ids start with it).
    pub path: String,
    pub version: RunningVersion,
    /// Empty when the file cannot be read or its root is not `<Server>`.
    pub services: Vec<Service>,
    pub problems: Vec<ParseProblem>,
}

/// A `<Service>`.
#[derive(Clone, Debug)]
pub struct Service {
    /// The start tag.
    pub span: Span,
    pub name: Option<Attr<String>>,
    /// `gracefulStopAwaitMillis`.
    pub graceful_stop_await: Option<Attr<Millis>>,
    pub executors: Vec<Executor>,
    pub connectors: Vec<Connector>,
}

/// An `<Executor>` (a thread pool Connectors may share).
#[derive(Clone, Debug)]
pub struct Executor {
    pub span: Span,
    pub name: Option<Attr<String>>,
    /// `maxThreads`.
    pub max_threads: Option<Attr<u64>>,
}

/// What a Connector speaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `HTTP/1.1` (the default) or an `org.apache.coyote.http11.*` class.
    Http,
    /// `AJP/1.3` or an `org.apache.coyote.ajp.*` class: not an HTTP hop.
    Ajp,
    /// Another class name: hoplint cannot tell.
    Other(String),
    /// A placeholder with no value in the repository.
    Unknown,
}

impl Protocol {
    /// Classifies a `protocol` attribute value (facts §A1, `protocol` row).
    pub fn of(value: &str) -> Protocol {
        if value == "HTTP/1.1" || value.starts_with("org.apache.coyote.http11.") {
            Protocol::Http
        } else if value == "AJP/1.3" || value.starts_with("org.apache.coyote.ajp.") {
            Protocol::Ajp
        } else {
            Protocol::Other(value.to_owned())
        }
    }
}

/// A `<Connector>`.
#[derive(Clone, Debug)]
pub struct Connector {
    /// The start tag (`<Connector … >` or `<Connector … />`).
    pub span: Span,
    pub protocol: Protocol,
    pub port: Option<Attr<i64>>,
    /// The `protocol` attribute as written.
    pub protocol_attr: Option<Attr<String>>,
    /// `connectionTimeout`; `value: None` = no timeout.
    pub connection_timeout: Option<Attr<Millis>>,
    /// `keepAliveTimeout`; `value: None` = no timeout.
    pub keep_alive_timeout: Option<Attr<Millis>>,
    /// `maxKeepAliveRequests`; `value: None` = no limit.
    pub max_keep_alive_requests: Option<Attr<u64>>,
    pub executor: Option<Attr<String>>,
    /// `maxConnections`; `value: None` = no limit.
    pub max_connections: Option<Attr<u64>>,
    pub bind_on_init: Option<Attr<bool>>,
}

/// The release a Tomcat distribution's `RELEASE-NOTES` names (`Apache
/// Tomcat Version 9.0.80`), and where.
pub fn release_notes_version(text: &str) -> Option<(Version, Span)> {
    const MARKER: &str = "Apache Tomcat Version ";
    let start = text.find(MARKER)? + MARKER.len();
    let len = text[start..].find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len() - start);
    let version = match text[start..start + len].split('.').collect::<Vec<_>>().as_slice() {
        [a, b, c] => Version::new(a.parse().ok()?, b.parse().ok()?, c.parse().ok()?),
        _ => return None,
    };
    Some((version, byte_span(start..start + len)))
}

/// A byte range as a [`Span`] (files are capped far below 4 GiB).
fn byte_span(range: std::ops::Range<usize>) -> Span {
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span::new(at(range.start), at(range.end))
}

/// Reads a server.xml. `props` resolves `${…}` placeholders; `version` is
/// the Tomcat release the repository declares (an image tag, RELEASE-NOTES),
/// the newest known otherwise. Never fails: XML errors (and DTDs, which are
/// not read) become problems and leave `services` empty.
pub fn read_server_xml(
    file: FileId,
    source: &SourceFile,
    props: &PropertySources,
    version: Option<DeclaredVersion>,
) -> TomcatServer {
    let version = RunningVersion::new("Tomcat", version, TOMCAT_NEWEST);
    let mut server =
        TomcatServer { file, path: source.display_path(), version, services: Vec::new(), problems: Vec::new() };
    match xml::services(file, source, props, version) {
        Ok(services) => server.services = services,
        Err(problem) => server.problems.push(problem),
    }
    server
}
