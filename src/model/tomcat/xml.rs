//! The server.xml element tree → [`Service`]s. Only `<Server>` →
//! `<Service>` → `<Connector>`/`<Executor>` is read, as Tomcat's digester
//! rules place them; comments are not elements, so a commented-out
//! Connector is not read.

use super::attr::{self, AttrReader};
use super::placeholder::PropertySources;
use super::{Connector, Executor, Protocol, Service, byte_span};
use crate::model::jvm::RunningVersion;
use crate::model::problem::ParseProblem;
use crate::model::setting::Setting;
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// The Services of a server.xml, or the problem that stops it being read.
pub(super) fn services(
    file: FileId,
    source: &SourceFile,
    props: &PropertySources,
    version: RunningVersion,
) -> Result<Vec<Service>, ParseProblem> {
    let text = &source.text;
    let document = roxmltree::Document::parse(text).map_err(|error| problem(file, source, &error))?;
    let root = document.root_element();
    if !root.has_tag_name("Server") {
        return Ok(Vec::new());
    }
    let reader = AttrReader { file, props, version };
    Ok(children(root, "Service").map(|service| read_service(&reader, text, service)).collect())
}

fn children<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    tag: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children().filter(move |child| child.is_element() && child.has_tag_name(tag))
}

fn read_service(reader: &AttrReader, text: &str, node: roxmltree::Node) -> Service {
    Service {
        span: start_tag(text, node),
        name: reader.read(node, "name", attr::string),
        graceful_stop_await: reader.read(node, "gracefulStopAwaitMillis", attr::wait_millis),
        executors: children(node, "Executor")
            .map(|executor| Executor {
                span: start_tag(text, executor),
                name: reader.read(executor, "name", attr::string),
                max_threads: reader.read(executor, "maxThreads", attr::count),
            })
            .collect(),
        connectors: children(node, "Connector").map(|connector| read_connector(reader, text, connector)).collect(),
    }
}

fn read_connector(reader: &AttrReader, text: &str, node: roxmltree::Node) -> Connector {
    let protocol_attr = reader.read(node, "protocol", attr::string);
    let protocol = match protocol_attr.as_ref().map(|a| a.setting()) {
        None => Protocol::Http,
        Some(Some(Setting { value: Some(value), .. })) => Protocol::of(value),
        Some(_) => Protocol::Unknown,
    };
    Connector {
        span: start_tag(text, node),
        protocol,
        port: reader.read(node, "port", attr::int),
        protocol_attr,
        connection_timeout: reader.read(node, "connectionTimeout", attr::timeout),
        keep_alive_timeout: reader.read(node, "keepAliveTimeout", attr::timeout),
        max_keep_alive_requests: reader.read(node, "maxKeepAliveRequests", attr::request_limit),
        executor: reader.read(node, "executor", attr::string),
        max_connections: reader.read(node, "maxConnections", attr::connection_limit),
        bind_on_init: reader.read(node, "bindOnInit", attr::boolean),
    }
}

/// The element's start tag: from `<` to the `>` after its last attribute
/// (attribute values may contain `>`).
fn start_tag(text: &str, node: roxmltree::Node) -> Span {
    let range = node.range();
    let scan_from = node.attributes().map(|a| a.range().end).max().unwrap_or(range.start + 1);
    let end = text.get(scan_from..range.end).and_then(|rest| rest.find('>')).map_or(range.end, |i| scan_from + i + 1);
    byte_span(range.start..end)
}

/// An XML error as a problem at the place it names.
fn problem(file: FileId, source: &SourceFile, error: &roxmltree::Error) -> ParseProblem {
    let text = &source.text;
    let (span, message) = match error {
        roxmltree::Error::DtdDetected => {
            let at = text.find("<!DOCTYPE").unwrap_or(0);
            let end = text[at..].find('>').map_or(text.len(), |i| at + i + 1);
            (
                byte_span(at..end),
                "the file has a DTD (<!DOCTYPE …>); hoplint does not read DTDs, so its Connectors are not checked"
                    .to_owned(),
            )
        }
        roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => {
            (byte_span(text.len()..text.len()), format!("XML ends early: {error}"))
        }
        _ => {
            let pos = error.pos();
            let line_start = source.lines.line_start(pos.row as usize).unwrap_or(0) as usize;
            let column = pos.col.saturating_sub(1) as usize;
            let at = text[line_start..].char_indices().nth(column).map_or(text.len(), |(i, _)| line_start + i);
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let message = error.to_string();
            let message = message.strip_suffix(&format!(" at {pos}")).unwrap_or(&message).to_owned();
            (byte_span(at..end), format!("invalid XML: {message}"))
        }
    };
    ParseProblem { file, span, message }
}
