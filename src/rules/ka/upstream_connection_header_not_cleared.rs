//! KA004 upstream-connection-header-not-cleared

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, FixAvailability};
use crate::model::nginx_pool::{Connection, HttpVersion, UpstreamUse};
use crate::project::Project;
use crate::rules::nginx_insert::insert_after;
use crate::rules::{Check, Rule, rule_doc};

use super::{default_note, insert_into_location, pool_enabling_fix, pool_label, pooled_upstreams, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA004",
    name: "upstream-connection-header-not-cleared",
    severity: Severity::Warning,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA004"),
    check: Check::Project(check),
};

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (proxy, uses) in pooled_upstreams(project) {
        for use_ in &uses {
            let Connection::Close { explicit } = use_.connection else { continue };
            let (file, span, how) = match explicit {
                Some(l) => (l.file, l.directive.span(), String::new()),
                None => (use_.file, use_.block.head_span(), default_note(project, "Connection: close")),
            };
            if !seen.insert((file, span)) {
                continue;
            }
            let name = super::upstream_name(proxy);
            let message = format!(
                "upstream `{name}` keeps a keepalive pool, but this location sends `Connection: close`{how}: every request opens a new connection"
            );
            let (pool_file, pool_span) = primary(proxy, None);
            let mut diagnostic =
                Diagnostic::new(&RULE, file, span, message).with_related(pool_file, pool_span, pool_label(name));
            let turns_on = matches!(use_.http, HttpVersion::Http11);
            if let Some(fix) = edit(project, use_).and_then(|edit| {
                pool_enabling_fix(
                    project,
                    proxy,
                    "Set `proxy_set_header Connection \"\"`".to_owned(),
                    vec![edit],
                    turns_on,
                )
            }) {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// The change that stops `use_` sending `Connection: close`: an explicit
/// `close` becomes `""`; else `proxy_set_header Connection "";` goes where
/// the location's headers are defined, after the last `proxy_set_header` of
/// the level that sets them (adding one to the location itself would drop
/// those it inherits), else into the location.
pub(super) fn edit(project: &Project, use_: &UpstreamUse<'_>) -> Option<Edit> {
    const LINE: &str = "proxy_set_header Connection \"\";";
    match use_.connection {
        Connection::Close { explicit: Some(l) } => {
            return l.directive.args().nth(1).map(|a| Edit::replace(l.file, a.span, "\"\""));
        }
        Connection::Close { explicit: None } => {}
        Connection::Reusable | Connection::MapClose { .. } | Connection::Unknown => return None,
    }
    let headers = project.nginx_effective_all(use_.file, &use_.enclosing, "proxy_set_header");
    match headers.last() {
        Some(last) => insert_after(project, last.file, last.directive, LINE),
        None => insert_into_location(project, use_, LINE),
    }
}
