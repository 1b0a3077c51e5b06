//! NG001 nginx-syntax-error

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::model::nginx::missing_semicolon;
use crate::project::Project;
use crate::rules::{Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "NG001",
    name: "nginx-syntax-error",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("NG001"),
    check,
};

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for config in &project.nginx.configs {
        let source = project.file(config.file);
        for error in &config.tree.errors {
            let mut diagnostic =
                Diagnostic::new(&RULE, config.file, error.span, error.message.clone());
            if let Some((span, label)) = &error.related {
                diagnostic = diagnostic.with_related(config.file, *span, label.clone());
            }
            out.push(diagnostic);
        }
        config.tree.walk(&mut |directive, _| {
            let Some(next) = missing_semicolon(directive, &source.text, &source.lines) else { return };
            // nginx reports the statement where it ends, at its `;` or `{`.
            let at = directive.terminator().unwrap_or_else(|| directive.head_span());
            let name = directive.name(&source.text);
            let word = next.span.text(&source.text);
            let line = source.lines.line(next.span.start);
            let previous_end = directive
                .parts
                .iter()
                .filter(|p| !p.kind.is_trivia() && p.span.end <= next.span.start)
                .last()
                .map_or(directive.name_part().span, |p| p.span);
            out.push(
                Diagnostic::new(
                    &RULE,
                    config.file,
                    at,
                    format!("missing \";\" before `{word}` on line {line}: nginx reads it as an argument of `{name}`"),
                )
                .with_related(config.file, crate::span::Span::at(previous_end.end), "expected \";\" here"),
            );
        });
    }
}
