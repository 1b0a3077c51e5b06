//! Output formats. Each takes a finished [`Report`] and writes text.

pub mod concise;
pub mod hops;
pub mod json;
pub mod text;

use crate::check::Report;
use crate::diagnostic::Diagnostic;

/// 1-based line and column of a diagnostic's primary span, and of its end.
pub fn position(report: &Report, d: &Diagnostic) -> (usize, usize, usize, usize) {
    let file = report.file(d.file);
    let (line, column) = file.lines.line_col(&file.text, d.span.start);
    let (end_line, end_column) = file.lines.line_col(&file.text, d.span.end);
    (line, column, end_line, end_column)
}
