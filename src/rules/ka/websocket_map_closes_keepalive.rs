//! KA009 websocket-map-closes-keepalive

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, FixAvailability};
use crate::model::nginx_pool::{Connection, HttpVersion, MapEntry};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

use super::{pool_enabling_fix, pool_label, pooled_upstreams};

pub(crate) static RULE: Rule = Rule {
    code: "KA009",
    name: "websocket-map-closes-keepalive",
    severity: Severity::Warning,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA009"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let mut seen = HashSet::new();
    let index = cx.pools();
    for (proxy, uses) in pooled_upstreams(project, index) {
        for use_ in uses {
            let Connection::MapClose { header, entry } = use_.connection else { continue };
            let span = header.directive.span();
            if !seen.insert((header.file, span)) {
                continue;
            }
            let name = super::upstream_name(proxy);
            let text = &project.file(header.file).text;
            let variable = header.directive.args().nth(1).map(|a| a.raw(text).to_owned()).unwrap_or_default();
            let message = format!(
                "`Connection {variable}` sends `Connection: close` on every request without `Upgrade`, so upstream `{name}` never reuses a connection"
            );
            let (pool_file, pool_span) = super::primary(proxy, None);
            let mut diagnostic = Diagnostic::new(&RULE, header.file, span, message)
                .with_related(entry.file, entry.span, "requests without `Upgrade` get `close`")
                .with_related(pool_file, pool_span, pool_label(name));
            let turns_on = matches!(use_.http, HttpVersion::Http11);
            let title = format!("Map requests without `Upgrade` to {}", empty_string(project, &entry));
            if let Some(fix) = pool_enabling_fix(project, proxy, title, vec![edit(project, &entry)], turns_on) {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// The map's `close` becomes an empty string.
pub(super) fn edit(project: &Project, entry: &MapEntry) -> Edit {
    Edit::replace(entry.file, entry.value.span, empty_string(project, entry))
}

/// An empty string in the file's own quote style: the `''` key's, else the
/// quote the file uses most.
fn empty_string(project: &Project, entry: &MapEntry) -> String {
    let text = &project.file(entry.file).text;
    if entry.key.is_quoted() {
        return entry.key.raw(text).to_owned();
    }
    let (single, double) = (text.matches('\'').count(), text.matches('"').count());
    if single > double { "''" } else { "\"\"" }.to_owned()
}
