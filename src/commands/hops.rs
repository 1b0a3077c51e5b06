//! `hoplint hops`.

use std::io::Write;

use crate::cli::{HopsArgs, HopsFormat};
use crate::load::load;
use crate::model::hops::graph;
use crate::model::keepalive::PooledProxies;
use crate::report;

/// Prints every hop with its effective settings; returns the exit code
/// (2 when the project could not be loaded, else 0).
pub fn run(args: &HopsArgs) -> u8 {
    let (options, early_errors) = super::check::options(&args.project);
    let (loaded, mut report) = load(&options);
    report.errors.extend(early_errors);
    let graphed = loaded.map(|(project, _)| {
        let mut graph = graph(&project);
        report.notes.append(&mut graph.notes);
        report.notes.sort();
        let pooled = PooledProxies::of(&project, &graph);
        report.files = project.files;
        (graph, pooled)
    });
    let (graph, pooled) = graphed.unwrap_or_default();
    let body = match args.format {
        HopsFormat::Json => report::hops::json(&graph, &report),
        HopsFormat::Text => report::hops::text(&graph, &report, &pooled),
        HopsFormat::Mermaid => report::hops::mermaid(&graph, &pooled),
        HopsFormat::Dot => report::hops::dot(&graph, &pooled),
    };
    let _ = std::io::stdout().lock().write_all(body.as_bytes());
    if args.format == HopsFormat::Text {
        let mut stderr = std::io::stderr().lock();
        for error in &report.errors {
            let _ = writeln!(stderr, "error: {}", error.message);
        }
        for note in &report.notes {
            let _ = writeln!(stderr, "note: {}", note.message);
        }
    }
    if report.errors.is_empty() { 0 } else { 2 }
}
