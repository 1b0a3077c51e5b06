//! NG005 include-problem

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::model::nginx::IncludeProblem;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "NG005",
    name: "include-problem",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("NG005"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    for include in &project.nginx.includes {
        let Some(problem) = &include.problem else {
            continue;
        };
        let (severity, message) = match problem {
            IncludeProblem::Cycle { chain } => {
                let names: Vec<String> = chain.iter().map(|f| project.file(*f).display_path()).collect();
                (Severity::Error, format!("include cycle: {}", names.join(" → ")))
            }
            IncludeProblem::TooDeep => (
                Severity::Error,
                format!("includes are nested more than {} deep; not followed", crate::model::nginx::MAX_INCLUDE_DEPTH),
            ),
            IncludeProblem::Missing { path } => {
                (Severity::Warning, format!("included file `{}` does not exist", project.relative(path)))
            }
            IncludeProblem::Outside => (
                Severity::Warning,
                format!("include `{}` points outside the project root and is not checked", include.pattern),
            ),
            IncludeProblem::Unreadable { path, reason } => {
                (Severity::Warning, format!("included file `{}` cannot be read: {reason}", project.relative(path)))
            }
        };
        let mut diagnostic = Diagnostic::new(&RULE, include.file, include.directive, message).with_severity(severity);
        if let IncludeProblem::Cycle { chain } = problem {
            // Show the other includes that close the loop, file by file.
            for pair in chain.windows(2) {
                let link = project.nginx.includes.iter().find(|i| i.file == pair[0] && i.targets.contains(&pair[1]));
                if let Some(link) = link.filter(|l| (l.file, l.directive) != (include.file, include.directive)) {
                    let target = project.file(pair[1]).display_path();
                    diagnostic = diagnostic.with_related(link.file, link.directive, format!("includes {target}"));
                }
            }
        }
        out.push(diagnostic);
    }
}
