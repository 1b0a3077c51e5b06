//! The hop graph as a diagram, written as Mermaid or as Graphviz DOT: a node
//! per hop labelled with its software, a short id and its key values; an
//! edge per link labelled with how it was made and what breaks, drawn red
//! when something does.

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::hop::Hop;
use crate::model::hops::HopGraph;
use crate::model::keepalive::Verdict;

use super::{Chain, software, value_text};

/// Node and edge labels as lines of plain text; each format escapes them.
pub(super) struct Diagram {
    /// In the graph's hop order; node `i` is named `h{i}`.
    nodes: Vec<Vec<String>>,
    edges: Vec<Edge>,
}

struct Edge {
    from: usize,
    to: usize,
    lines: Vec<String>,
    broken: bool,
}

impl Diagram {
    pub(super) fn new(graph: &HopGraph, chains: &[Chain]) -> Self {
        let shorts: Vec<&str> = graph.hops.iter().map(|h| short_id(&h.id)).collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for short in &shorts {
            *seen.entry(short).or_default() += 1;
        }
        let nodes = graph
            .hops
            .iter()
            .zip(&shorts)
            // A short id two hops share would mislead: those keep the whole id.
            .map(|(hop, short)| node(hop, if seen[short] > 1 { &hop.id } else { short }))
            .collect();
        let index = |id: &str| graph.hops.iter().position(|h| h.id == id);
        let edges = chains
            .iter()
            .filter_map(|chain| {
                let mismatches = mismatches(chain);
                let broken = !mismatches.is_empty();
                let lines = std::iter::once(chain.link.how.as_str().to_owned()).chain(mismatches).collect();
                Some(Edge { from: index(&chain.proxy.id)?, to: index(&chain.backend.id)?, lines, broken })
            })
            .collect();
        Self { nodes, edges }
    }

    /// A `flowchart LR`; labels are quoted with Mermaid's entity codes for
    /// the characters a label cannot hold.
    pub(super) fn mermaid(&self) -> String {
        let mut out = "flowchart LR\n".to_owned();
        self.statements(
            &mut out,
            Syntax { codes: MERMAID_CODES, line_break: "<br/>" },
            |i, label| format!("h{i}[\"{label}\"]"),
            |edge, label| format!("h{} -->|\"{label}\"| h{}", edge.from, edge.to),
        );
        // `linkStyle` numbers edges in the order they are declared.
        let broken: Vec<String> =
            self.edges.iter().enumerate().filter(|(_, e)| e.broken).map(|(i, _)| i.to_string()).collect();
        if !broken.is_empty() {
            let _ = writeln!(out, "    linkStyle {} stroke:red,color:red", broken.join(","));
        }
        out
    }

    /// A `digraph` laid out left to right.
    pub(super) fn dot(&self) -> String {
        let mut out = "digraph hops {\n    rankdir=LR;\n    node [shape=box];\n".to_owned();
        self.statements(
            &mut out,
            Syntax { codes: DOT_CODES, line_break: "\\n" },
            |i, label| format!("h{i} [label=\"{label}\"];"),
            |edge, label| {
                let style = if edge.broken { ", color=red, fontcolor=red" } else { "" };
                format!("h{} -> h{} [label=\"{label}\"{style}];", edge.from, edge.to)
            },
        );
        out.push_str("}\n");
        out
    }

    /// A statement per node, then one per edge, indented, each given its
    /// label written in `syntax`.
    fn statements(
        &self,
        out: &mut String,
        syntax: Syntax,
        node: impl Fn(usize, &str) -> String,
        edge: impl Fn(&Edge, &str) -> String,
    ) {
        let label = |lines: &[String]| {
            lines.iter().map(|l| escape(l, syntax.codes)).collect::<Vec<_>>().join(syntax.line_break)
        };
        for (i, lines) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "    {}", node(i, &label(lines)));
        }
        for e in &self.edges {
            let _ = writeln!(out, "    {}", edge(e, &label(&e.lines)));
        }
    }
}

/// How a format writes a label's text.
#[derive(Clone, Copy)]
struct Syntax {
    /// The escapes of characters a quoted label cannot hold as they are.
    codes: &'static [(char, &'static str)],
    line_break: &'static str,
}

/// The id without the directories of its file: `k8s/shop.yaml:Deployment/web/app`
/// → `shop.yaml:Deployment/web/app`.
fn short_id(id: &str) -> &str {
    let file_end = id.find(':').unwrap_or(id.len());
    let start = id[..file_end].rfind('/').map_or(0, |i| i + 1);
    &id[start..]
}

/// The software, the id, and the values that decide the chains.
fn node(hop: &Hop, id: &str) -> Vec<String> {
    let s = &hop.settings;
    let values: Vec<String> = [
        s.idle_timeout.as_ref().map(|v| format!("idle {}", value_text(v))),
        s.max_requests_per_connection.as_ref().map(|v| format!("requests {}", value_text(v))),
        s.stop_signal.as_ref().map(|v| format!("stop {}", value_text(v))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut lines = vec![software(hop), id.to_owned()];
    if !values.is_empty() {
        lines.push(values.join(", "));
    }
    lines
}

/// What breaks the "sender gives up first" rule on this chain, e.g.
/// `✗ idle 60s ≥ 2s`.
fn mismatches(chain: &Chain) -> Vec<String> {
    let (p, b) = (&chain.proxy.settings, &chain.backend.settings);
    let mut out = Vec::new();
    if chain.idle == Verdict::Breaks
        && let (Some(proxy), Some(backend)) = (&p.idle_timeout, &b.idle_timeout)
    {
        out.push(format!("✗ idle {} ≥ {}", value_text(proxy), value_text(backend)));
    }
    if chain.requests == Verdict::Breaks
        && let (Some(proxy), Some(backend)) = (&p.max_requests_per_connection, &b.max_requests_per_connection)
    {
        out.push(format!("✗ requests {} > {}", value_text(proxy), value_text(backend)));
    }
    out
}

/// Mermaid entity codes for the characters that end or mark up a label.
const MERMAID_CODES: &[(char, &str)] = &[('"', "#quot;"), ('#', "#35;"), ('&', "#amp;"), ('<', "#lt;"), ('>', "#gt;")];

/// DOT escapes inside a quoted string.
const DOT_CODES: &[(char, &str)] = &[('"', "\\\""), ('\\', "\\\\"), ('\n', "\\n")];

/// `text` with each character `codes` names replaced by its code.
fn escape(text: &str, codes: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match codes.iter().find(|(from, _)| *from == c) {
            Some((_, code)) => out.push_str(code),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_drop_the_directories_of_the_file() {
        assert_eq!(short_id("k8s/shop.yaml:Deployment/web/app"), "shop.yaml:Deployment/web/app");
        assert_eq!(short_id("tomcat/conf/server.xml"), "server.xml");
        assert_eq!(
            short_id("a/b.yaml:ConfigMap/c/nginx.conf:upstream app"),
            "b.yaml:ConfigMap/c/nginx.conf:upstream app"
        );
        assert_eq!(short_id("-:ConfigMap/x"), "-:ConfigMap/x");
    }

    #[test]
    fn labels_are_escaped_for_each_format() {
        assert_eq!(escape(r#"say "hi" #1 <b> & co"#, MERMAID_CODES), "say #quot;hi#quot; #35;1 #lt;b#gt; #amp; co");
        assert_eq!(escape("a \"b\" c\\d\ne", DOT_CODES), "a \\\"b\\\" c\\\\d\\ne");
    }
}
