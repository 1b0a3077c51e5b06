//! Human output: miette's graphical report, with a second file's labels as a
//! related diagnostic carrying its own source.

use std::fmt::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::FileId;
use crate::span::Span;

/// One diagnostic (or one related location) as miette renders it.
#[derive(Debug)]
struct Rendered {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: NamedSource<Arc<String>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<Rendered>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}

/// miette cannot show a position after the last newline; show the end of
/// the last line instead (the JSON output keeps nginx's line).
fn source_span(span: Span, text: &str) -> SourceSpan {
    let mut start = (span.start as usize).min(text.len());
    if start == text.len() && text.ends_with('\n') {
        start -= 1;
    }
    let len = (span.len() as usize).min(text.len() - start);
    (start, len).into()
}

/// The primary label: empty spans get words, so the caret is explained.
fn primary_label(span: Span, text: &str) -> Option<String> {
    if !span.is_empty() {
        None
    } else if span.start as usize >= text.len() {
        Some("end of file".to_owned())
    } else {
        Some("here".to_owned())
    }
}

/// Renders every diagnostic (the summary line is [`summary`]).
pub fn render(report: &Report, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    // Only files that diagnostics point into are copied for miette, once each.
    let mut sources: std::collections::HashMap<FileId, Arc<String>> = std::collections::HashMap::new();
    for d in &report.diagnostics {
        for file in std::iter::once(d.file).chain(d.related.iter().map(|r| r.file)) {
            sources.entry(file).or_insert_with(|| Arc::new(report.file(file).text.clone()));
        }
    }
    let named = |file: FileId| {
        let text = sources.get(&file).map_or_else(|| Arc::new(String::new()), Arc::clone);
        NamedSource::new(report.file(file).display_path(), text)
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        let rendered = to_rendered(d, report, &named);
        if handler.render_report(&mut out, &rendered).is_err() {
            let (line, column, _, _) = super::position(report, d);
            let _ =
                writeln!(out, "{}:{line}:{column}: {} {}", report.file(d.file).display_path(), d.rule.code, d.message);
        }
    }
    out
}

fn to_rendered(d: &Diagnostic, report: &Report, named: &dyn Fn(FileId) -> NamedSource<Arc<String>>) -> Rendered {
    let text = &report.file(d.file).text;
    let mut labels = vec![LabeledSpan::new_primary_with_span(primary_label(d.span, text), source_span(d.span, text))];
    let mut related = Vec::new();
    for r in &d.related {
        if r.file == d.file {
            labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), source_span(r.span, text)));
        } else {
            let other = &report.file(r.file).text;
            related.push(Rendered {
                message: r.message.clone(),
                code: None,
                severity: miette::Severity::Advice,
                source: named(r.file),
                labels: vec![LabeledSpan::new_with_span(Some(r.message.clone()), source_span(r.span, other))],
                help: None,
                related: Vec::new(),
            });
        }
    }
    let help = d.fix.as_ref().map(|f| match f.applicability {
        crate::fix::Applicability::Safe => format!("fix: {}", f.title),
        crate::fix::Applicability::Unsafe => format!("fix (unsafe): {}", f.title),
    });
    Rendered {
        message: d.message.clone(),
        code: Some(format!("{}({})", d.rule.code, d.rule.name)),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        source: named(d.file),
        labels,
        help,
        related,
    }
}

/// "Found 3 problems (1 error, 2 warnings) in 4 files."
pub fn summary(report: &Report) -> String {
    let count = |s: Severity| report.diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, word: &str| {
        if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
    };
    let files = plural(report.files_parsed, "file");
    if report.diagnostics.is_empty() {
        return format!("All checks passed ({files} checked).\n");
    }
    format!(
        "Found {} ({}, {}, {}) in {files}.\n",
        plural(report.diagnostics.len(), "problem"),
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info"),
    )
}
