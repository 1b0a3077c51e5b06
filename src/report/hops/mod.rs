//! `hoplint hops` output: DESIGN.md's `hops --format json` contract, a
//! readable text form with a ladder per chain, and Mermaid and Graphviz
//! diagrams of the chains.

mod diagram;
mod ladder;

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::check::Report;
use crate::model::hop::{Hop, HopSettings};
use crate::model::hops::HopGraph;
use crate::model::keepalive::{PooledProxies, Verdict, idle_verdict, requests_verdict};
use crate::model::link::Link;
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::SourceFile;

/// A setting's value as JSON.
trait JsonValue {
    fn json(&self) -> Value;
    fn text(&self) -> String;
}

impl JsonValue for Millis {
    fn json(&self) -> Value {
        self.to_json()
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

impl JsonValue for u64 {
    fn json(&self) -> Value {
        Value::from(*self)
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

impl JsonValue for bool {
    fn json(&self) -> Value {
        Value::from(*self)
    }
    fn text(&self) -> String {
        if *self { "on" } else { "off" }.to_owned()
    }
}

impl JsonValue for String {
    fn json(&self) -> Value {
        Value::from(self.as_str())
    }
    fn text(&self) -> String {
        self.clone()
    }
}

fn origin_json(origin: &Origin, files: &[SourceFile], out: &mut Map<String, Value>) {
    match origin {
        Origin::Explicit { file, span } => {
            let source = &files[file.0 as usize];
            out.insert("origin".into(), "explicit".into());
            out.insert("file".into(), source.display_path().into());
            out.insert("line".into(), source.lines.line(span.start).into());
        }
        Origin::Default { what } => {
            out.insert("origin".into(), "default".into());
            out.insert("what".into(), what.as_str().into());
        }
        Origin::Unknown { reason } => {
            out.insert("origin".into(), "unknown".into());
            out.insert("reason".into(), reason.as_str().into());
        }
    }
}

fn setting_json<T: JsonValue>(setting: &Setting<T>, files: &[SourceFile]) -> Value {
    let mut out = Map::new();
    out.insert("value".into(), setting.value.as_ref().map_or(Value::Null, JsonValue::json));
    origin_json(&setting.origin, files, &mut out);
    Value::Object(out)
}

/// A setting's value for people: `?` when unknown, `unbounded` for no limit.
fn value_text<T: JsonValue>(setting: &Setting<T>) -> String {
    match (&setting.value, &setting.origin) {
        (Some(v), _) => v.text(),
        (None, Origin::Unknown { .. }) => "?".to_owned(),
        (None, _) => "unbounded".to_owned(),
    }
}

/// Calls `f` with (JSON key, text label, value text, origin) for each setting
/// the hop kind has, in the contract's order.
fn each_setting(settings: &HopSettings, f: &mut dyn FnMut(&'static str, &'static str, Value, String, &Origin)) {
    fn visit<T: JsonValue>(
        key: &'static str,
        label: &'static str,
        setting: Option<&Setting<T>>,
        emit: &mut dyn FnMut(&'static str, &'static str, Value, String, &Origin),
    ) {
        if let Some(s) = setting {
            let value = s.value.as_ref().map_or(Value::Null, JsonValue::json);
            emit(key, label, value, value_text(s), &s.origin);
        }
    }
    visit("idle_timeout", "idle keepalive", settings.idle_timeout.as_ref(), f);
    visit("client_idle_timeout", "client keepalive", settings.client_idle_timeout.as_ref(), f);
    visit("max_requests_per_connection", "requests / connection", settings.max_requests_per_connection.as_ref(), f);
    visit("pool", "upstream pool", settings.pool.as_ref(), f);
    visit("http_version", "http version", settings.http_version.as_ref(), f);
    visit("read_timeout", "read timeout", settings.read_timeout.as_ref(), f);
    visit("request_timeout", "request timeout", settings.request_timeout.as_ref(), f);
    visit("worker_class", "worker class", settings.worker_class.as_ref(), f);
    visit("stop_signal", "stop signal", settings.stop_signal.as_ref(), f);
    visit("drain_timeout", "drain", settings.drain_timeout.as_ref(), f);
    visit("prestop_seconds", "preStop delay", settings.prestop_seconds.as_ref(), f);
    visit("grace_period", "grace period", settings.grace_period.as_ref(), f);
}

fn hop_json(hop: &Hop, files: &[SourceFile]) -> Value {
    let source = &files[hop.file.0 as usize];
    let mut settings = Map::new();
    each_setting(&hop.settings, &mut |key, _, value, _, origin| {
        let mut out = Map::new();
        out.insert("value".into(), value);
        origin_json(origin, files, &mut out);
        settings.insert(key.into(), Value::Object(out));
    });
    let mut out = Map::new();
    out.insert("id".into(), hop.id.as_str().into());
    out.insert("kind".into(), hop.kind.as_str().into());
    out.insert("file".into(), source.display_path().into());
    out.insert("line".into(), source.lines.line(hop.span.start).into());
    if let Some(version) = &hop.software_version {
        out.insert("software_version".into(), setting_json(version, files));
    }
    out.insert("settings".into(), Value::Object(settings));
    Value::Object(out)
}

/// The JSON contract: hops sorted by id, chains with how each link was made,
/// notes.
pub fn json(graph: &HopGraph, report: &Report) -> String {
    let hops = &graph.hops;
    let notes: Vec<Value> =
        report.notes.iter().map(|n| json!({"file": n.file, "line": n.line, "message": n.message})).collect();
    let errors: Vec<Value> = report.errors.iter().map(|e| json!({"file": e.file, "message": e.message})).collect();
    let output = json!({
        "version": 1,
        "hops": hops.iter().map(|h| hop_json(h, &report.files)).collect::<Vec<_>>(),
        "chains": graph.links.iter().map(|l| chain_json(l, &report.files)).collect::<Vec<_>>(),
        "notes": notes,
        "errors": errors,
    });
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}

fn chain_json(link: &Link, files: &[SourceFile]) -> Value {
    let source = &files[link.file.0 as usize];
    json!({
        "hops": [link.proxy, link.backend],
        "link": {"how": link.how.as_str(), "file": source.display_path(), "line": source.lines.line(link.span.start)},
    })
}

fn origin_text(origin: &Origin, files: &[SourceFile]) -> String {
    match origin {
        Origin::Explicit { file, span } => {
            let source = &files[file.0 as usize];
            format!("{}:{}", source.display_path(), source.lines.line(span.start))
        }
        Origin::Default { what } => format!("default: {what}"),
        Origin::Unknown { reason } => format!("unknown: {reason}"),
    }
}

/// A link with its two hops and how they compare.
struct Chain<'g> {
    link: &'g Link,
    proxy: &'g Hop,
    backend: &'g Hop,
    /// The proxy reuses connections to the backend at all.
    pooled: bool,
    idle: Verdict,
    requests: Verdict,
}

/// Every link whose hops are in the graph, in the graph's order.
fn chains<'g>(graph: &'g HopGraph, pooled: &PooledProxies) -> Vec<Chain<'g>> {
    graph
        .links
        .iter()
        .filter_map(|link| {
            let (proxy, backend) = (graph.hop(&link.proxy)?, graph.hop(&link.backend)?);
            let (p, b) = (&proxy.settings, &backend.settings);
            let pooled = pooled.contains(proxy);
            Some(Chain {
                link,
                proxy,
                backend,
                pooled,
                idle: idle_verdict(p.idle_timeout.as_ref(), b.idle_timeout.as_ref(), pooled),
                requests: requests_verdict(
                    p.max_requests_per_connection.as_ref(),
                    b.max_requests_per_connection.as_ref(),
                    pooled,
                ),
            })
        })
        .collect()
}

/// A hop's software: kind, version when known, and worker class when set,
/// e.g. `gunicorn 23.0.0, gthread`.
fn software(hop: &Hop) -> String {
    let mut out = hop.kind.as_str().to_owned();
    if let Some(version) = hop.software_version.as_ref().and_then(|v| v.value.as_deref()) {
        let _ = write!(out, " {version}");
    }
    if let Some(class) = hop.settings.worker_class.as_ref().and_then(|c| c.value.as_deref()) {
        let _ = write!(out, ", {class}");
    }
    out
}

/// One block per hop: where it is, then each setting with its value and
/// where the value comes from; then a ladder per chain (see [`ladder`]).
pub fn text(graph: &HopGraph, report: &Report, pooled: &PooledProxies) -> String {
    let hops = &graph.hops;
    let mut out = String::new();
    if hops.is_empty() {
        out.push_str("No hops found.\n");
    }
    for hop in hops {
        let source = &report.files[hop.file.0 as usize];
        let line = source.lines.line(hop.span.start);
        let version = hop
            .software_version
            .as_ref()
            .and_then(|v| v.value.as_deref())
            .map(|v| format!(" ({v})"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}  [{}{version}]  {}:{line}", hop.id, hop.kind.as_str(), source.display_path());
        each_setting(&hop.settings, &mut |_, label, _, value, origin| {
            let _ = writeln!(out, "  {label:<22} {value:<10} {}", origin_text(origin, &report.files));
        });
        out.push('\n');
    }
    for (index, chain) in chains(graph, pooled).iter().enumerate() {
        out.push_str(&ladder::ladder(index + 1, chain, &report.files));
    }
    out
}

/// A `flowchart LR`: a node per hop, an edge per link, mismatched links in
/// red.
pub fn mermaid(graph: &HopGraph, pooled: &PooledProxies) -> String {
    diagram::Diagram::new(graph, &chains(graph, pooled)).mermaid()
}

/// A Graphviz `digraph` of the same diagram as [`mermaid`].
pub fn dot(graph: &HopGraph, pooled: &PooledProxies) -> String {
    diagram::Diagram::new(graph, &chains(graph, pooled)).dot()
}
