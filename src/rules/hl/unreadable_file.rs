//! HL005 unreadable-file

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::span::Span;

pub(crate) static RULE: Rule = Rule {
    code: "HL005",
    name: "unreadable-file",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    doc: rule_doc!("HL005"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    for (file, reason) in &project.unreadable {
        out.push(Diagnostic::new(&RULE, *file, Span::at(0), format!("cannot read file: {reason}")));
    }
}
