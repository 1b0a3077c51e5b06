//! HL003 unresolved-backend-link

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::model::hop::HopKind;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "HL003",
    name: "unresolved-backend-link",
    severity: Severity::Info,
    fix: FixAvailability::None,
    doc: rule_doc!("HL003"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let graph = project.hop_graph();
    for stale in &graph.stale {
        let message = format!("`{}` names no {} hoplint read", stale.written, stale.wanted);
        out.push(Diagnostic::new(&RULE, stale.file, stale.span, message));
    }
    let linked: HashSet<&str> = graph.links.iter().map(|l| l.proxy.as_str()).collect();
    for upstream in graph.hops.iter().filter(|h| h.kind == HopKind::NginxUpstream) {
        let name = upstream.id.rsplit("upstream ").next().unwrap_or_default();
        if linked.contains(upstream.id.as_str()) || !cx.pools().proxied(name) {
            continue;
        }
        let message = format!(
            "upstream `{name}` is proxied to, but no backend is linked: the keepalive rules cannot check it; add `# hoplint: backend=PATH` in the upstream"
        );
        out.push(Diagnostic::new(&RULE, upstream.file, upstream.span, message));
    }
}
