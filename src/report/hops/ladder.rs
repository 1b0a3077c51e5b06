//! The ladder of one chain (DESIGN.md "and `hoplint hops`"): the proxy side
//! beside the backend side, row by row, each value with where it comes from
//! and a mark between them: `✗` the backend may give up first, `✓` the
//! sender gives up first, `·` not comparable.

use std::fmt::Write;

use crate::model::keepalive::Verdict;
use crate::model::setting::{Origin, Setting};
use crate::source::SourceFile;

use super::{Chain, JsonValue, origin_text, software, value_text};

/// One side of a row: a value and where it comes from (empty when the value
/// names its sources itself).
struct Side {
    value: String,
    origin: String,
}

struct Row {
    label: &'static str,
    proxy: Option<Side>,
    /// `' '` when the row compares nothing.
    mark: char,
    backend: Option<Side>,
}

/// The chain's header, then its rows in aligned columns, then a blank line.
pub(super) fn ladder(number: usize, chain: &Chain, files: &[SourceFile]) -> String {
    let mut out = String::new();
    let source = &files[chain.link.file.0 as usize];
    let _ = writeln!(
        out,
        "chain {number}  {} → {} ({})  (linked: {}, {}:{})",
        chain.proxy.id,
        chain.backend.id,
        software(chain.backend),
        chain.link.how.as_str(),
        source.display_path(),
        source.lines.line(chain.link.span.start)
    );
    if !chain.pooled {
        out.push_str(
            "  the proxy does not reuse connections to this backend (no pool, or no location uses it): keepalive is not compared\n",
        );
    }
    let rows = rows(chain, files);
    let proxy_cells: Vec<String> = {
        let width = widest(rows.iter().filter_map(|r| r.proxy.as_ref()).map(|s| &s.value));
        rows.iter().map(|r| r.proxy.as_ref().map(|s| cell(s, width)).unwrap_or_default()).collect()
    };
    let backend_width =
        widest(rows.iter().filter_map(|r| r.backend.as_ref()).filter(|s| !s.origin.is_empty()).map(|s| &s.value));
    let proxy_width = widest(proxy_cells.iter()).max("proxy side".len());
    if !rows.is_empty() {
        let _ = writeln!(out, "  {:<22} {:<proxy_width$}     backend side", "", "proxy side");
    }
    for (row, proxy) in rows.iter().zip(&proxy_cells) {
        let backend = row.backend.as_ref().map(|s| cell(s, backend_width)).unwrap_or_default();
        let line = format!("  {:<22} {proxy:<proxy_width$}  {}  {backend}", row.label, row.mark);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    out
}

/// The keepalive comparisons, then the backend's stop signal and shutdown,
/// each when a side has it.
fn rows(chain: &Chain, files: &[SourceFile]) -> Vec<Row> {
    let (proxy, backend) = (&chain.proxy.settings, &chain.backend.settings);
    let mut rows = Vec::new();
    let mut compare = |label, proxy: Option<Side>, verdict, backend: Option<Side>| {
        if proxy.is_some() || backend.is_some() {
            rows.push(Row { label, proxy, mark: mark(verdict), backend });
        }
    };
    compare(
        "idle keepalive",
        side(proxy.idle_timeout.as_ref(), files),
        chain.idle,
        side(backend.idle_timeout.as_ref(), files),
    );
    compare(
        "requests / connection",
        side(proxy.max_requests_per_connection.as_ref(), files),
        chain.requests,
        side(backend.max_requests_per_connection.as_ref(), files),
    );
    if let Some(signal) = side(backend.stop_signal.as_ref(), files) {
        rows.push(Row { label: "stop signal", proxy: None, mark: ' ', backend: Some(signal) });
    }
    let steps: Vec<String> = [
        ("preStop", backend.prestop_seconds.as_ref()),
        ("drain", backend.drain_timeout.as_ref()),
        ("grace", backend.grace_period.as_ref()),
    ]
    .into_iter()
    .filter_map(|(name, setting)| setting.map(|s| step(name, s, files)))
    .collect();
    if !steps.is_empty() {
        let value = steps.join(" → ");
        rows.push(Row {
            label: "shutdown",
            proxy: None,
            mark: ' ',
            backend: Some(Side { value, origin: String::new() }),
        });
    }
    rows
}

fn mark(verdict: Verdict) -> char {
    match verdict {
        Verdict::Breaks => '✗',
        Verdict::Holds => '✓',
        Verdict::NotComparable => '·',
    }
}

fn side<T: JsonValue>(setting: Option<&Setting<T>>, files: &[SourceFile]) -> Option<Side> {
    setting.map(|s| Side { value: value_text(s), origin: short_origin(&s.origin, files) })
}

/// One step of the shutdown sequence, e.g. `drain 20s (app/gunicorn.conf.py:10)`.
fn step<T: JsonValue>(name: &str, setting: &Setting<T>, files: &[SourceFile]) -> String {
    let value = value_text(setting);
    match &setting.origin {
        Origin::Explicit { .. } => format!("{name} {value} ({})", origin_text(&setting.origin, files)),
        Origin::Default { .. } => format!("{name} {value} (default)"),
        Origin::Unknown { .. } => format!("{name} {value}"),
    }
}

/// Where a value comes from, without a default's trailing source reference:
/// the hop blocks above the ladders show it in full.
fn short_origin(origin: &Origin, files: &[SourceFile]) -> String {
    let mut text = origin_text(origin, files);
    if matches!(origin, Origin::Default { .. })
        && text.ends_with(')')
        && let Some(at) = text.rfind(" (")
    {
        text.truncate(at);
    }
    text
}

fn cell(side: &Side, value_width: usize) -> String {
    format!("{:<value_width$}  {}", side.value, side.origin).trim_end().to_owned()
}

/// The width in characters of the longest text.
fn widest<'a>(texts: impl Iterator<Item = &'a String>) -> usize {
    texts.map(|t| t.chars().count()).max().unwrap_or(0)
}
