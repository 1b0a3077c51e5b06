//! NG001 nginx-syntax-error

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::model::nginx::{Resolution, missing_semicolon, resolve_directive, shape_problem, walk_with_context};
use crate::project::Project;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "NG001",
    name: "nginx-syntax-error",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("NG001"),
    check: Check::Project(check),
};

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    for config in &project.nginx.configs {
        for error in &config.tree.errors {
            let mut diagnostic = Diagnostic::new(&RULE, config.file, error.span, error.message.clone());
            for (span, label) in &error.related {
                diagnostic = diagnostic.with_related(config.file, *span, label.clone());
            }
            out.push(diagnostic);
        }
    }
    // A forgotten ";" glues the next statement onto a directive; nginx then
    // rejects the directive's arguments or its block. Report the real cause.
    let version = project.nginx_version.version;
    for unit in &project.nginx.units {
        let config = &project.nginx.configs[unit.config];
        let source = project.file(config.file);
        walk_with_context(&config.tree, &source.text, unit.context, &mut |directive, ctx, _| {
            let Some(next) = missing_semicolon(directive, &source.text, &source.lines) else { return };
            let name = directive.name(&source.text);
            let Resolution::Found(row) = resolve_directive(&name, ctx, version, &project.nginx_modules) else { return };
            if shape_problem(&name, directive, row, version).is_none() {
                return;
            }
            // nginx reports the statement where it ends, at its `;` or `{`.
            let at = directive.terminator().unwrap_or_else(|| directive.head_span());
            let word = next.span.text(&source.text);
            let line = source.lines.line(next.span.start);
            let previous_end = directive
                .parts
                .iter()
                .rfind(|p| !p.kind.is_trivia() && p.span.end <= next.span.start)
                .map_or(directive.name_part().span, |p| p.span);
            out.push(
                Diagnostic::new(
                    &RULE,
                    config.file,
                    at,
                    format!("missing \";\" before `{word}` on line {line}: nginx reads it as an argument of `{name}`"),
                )
                .with_related(
                    config.file,
                    crate::span::Span::at(previous_end.end),
                    "expected \";\" here",
                ),
            );
        });
    }
}
