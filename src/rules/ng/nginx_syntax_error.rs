//! NG001 nginx-syntax-error

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::model::nginx::{Resolution, missing_semicolon, shape_problem};
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::span::Span;

pub(crate) static RULE: Rule = Rule {
    code: "NG001",
    name: "nginx-syntax-error",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("NG001"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
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
    project.walk_nginx(&mut |site| {
        let (directive, text) = (site.directive, &site.source.text);
        let Some(next) = missing_semicolon(directive, text, &site.source.lines) else { return };
        let name = directive.name(text);
        let Resolution::Found(row) = project.resolve_nginx(&name, site.ctx) else { return };
        if shape_problem(&name, directive, row, version).is_none() {
            return;
        }
        // nginx reports the statement where it ends, at its `;` or `{`.
        let at = directive.terminator().unwrap_or_else(|| directive.head_span());
        let word = next.span.text(text);
        let line = site.source.lines.line(next.span.start);
        let previous = directive
            .parts
            .iter()
            .rfind(|p| !p.kind.is_trivia() && p.span.end <= next.span.start)
            .map_or(directive.name_part().span, |p| p.span);
        let message =
            format!("missing \";\" before `{word}` on line {line}: nginx reads it as an argument of `{name}`");
        out.push(Diagnostic::new(&RULE, site.file, at, message).with_related(
            site.file,
            Span::at(previous.end),
            "expected \";\" here",
        ));
    });
}
