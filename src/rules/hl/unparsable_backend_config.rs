//! HL004 unparsable-backend-config

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "HL004",
    name: "unparsable-backend-config",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("HL004"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    for problem in &project.parse_problems {
        out.push(Diagnostic::new(&RULE, problem.file, problem.span, problem.message.clone()));
    }
}
