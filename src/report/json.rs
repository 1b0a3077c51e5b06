//! The JSON contract of RULES.md "Output contract".

use serde::Serialize;

use crate::check::Report;
use crate::diagnostic::Diagnostic;
use crate::fix::Applicability;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: Vec<JsonError<'a>>,
    notes: Vec<JsonNote<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    fixable: usize,
    fixable_unsafe: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: String,
    start: u32,
    end: u32,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonNote<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    message: &'a str,
}

fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let (line, column, end_line, end_column) = super::position(report, d);
    JsonDiagnostic {
        code: d.rule.code,
        name: d.rule.name,
        severity: d.severity.as_str(),
        message: &d.message,
        file: report.file(d.file).display_path(),
        line,
        column,
        end_line,
        end_column,
        related: d
            .related
            .iter()
            .map(|r| {
                let file = report.file(r.file);
                let (line, column) = file.lines.line_col(&file.text, r.span.start);
                JsonRelated { file: file.display_path(), line, column, message: &r.message }
            })
            .collect(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            applicability: f.applicability,
            message: &f.title,
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit {
                    file: report.file(e.file).display_path(),
                    start: e.span.start,
                    end: e.span.end,
                    content: &e.content,
                })
                .collect(),
        }),
    }
}

pub fn render(report: &Report) -> String {
    use crate::diagnostic::Severity;
    let count = |s: Severity| report.diagnostics.iter().filter(|d| d.severity == s).count();
    let output = Output {
        version: 1,
        tool: Tool { name: "hoplint", version: env!("CARGO_PKG_VERSION") },
        summary: Summary {
            files: report.files_parsed,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            fixable: report
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe))
                .count(),
            fixable_unsafe: report
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Unsafe))
                .count(),
        },
        diagnostics: report.diagnostics.iter().map(|d| diagnostic(report, d)).collect(),
        errors: report.errors.iter().map(|e| JsonError { file: e.file.as_deref(), message: &e.message }).collect(),
        notes: report
            .notes
            .iter()
            .map(|n| JsonNote { file: n.file.as_deref(), line: n.line, message: &n.message })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&output)
        .unwrap_or_else(|e| format!("{{\"errors\":[{{\"file\":null,\"message\":\"{e}\"}}]}}"));
    text.push('\n');
    text
}
