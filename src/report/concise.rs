//! `path:line:col: CODE message`, one line per finding.

use std::fmt::Write;

use crate::check::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (line, column, _, _) = super::position(report, d);
        let path = report.file(d.file).display_path();
        let _ = writeln!(out, "{path}:{line}:{column}: {} [{}] {}", d.rule.code, d.severity.as_str(), d.message);
    }
    out
}
