//! KA003 upstream-keepalive-disabled-by-http10

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, FixAvailability};
use crate::model::nginx_pool::{Connection, HttpVersion, UpstreamUse};
use crate::project::Project;
use crate::rules::{Check, Rule, rule_doc};

use super::{default_note, insert_into_location, pool_enabling_fix, pool_label, pooled_upstreams, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA003",
    name: "upstream-keepalive-disabled-by-http10",
    severity: Severity::Warning,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA003"),
    check: Check::Project(check),
};

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (proxy, uses) in pooled_upstreams(project) {
        for use_ in &uses {
            let HttpVersion::Http10 { explicit } = use_.http else { continue };
            let (file, span, how) = match explicit {
                Some(l) => (l.file, l.directive.span(), String::new()),
                None => (use_.file, use_.block.head_span(), default_note(project, "proxy_http_version 1.0")),
            };
            if !seen.insert((file, span)) {
                continue;
            }
            let name = super::upstream_name(proxy);
            let message = format!(
                "upstream `{name}` keeps a keepalive pool, but this location speaks HTTP/1.0 to it{how}: every request opens a new connection"
            );
            let (pool_file, pool_span) = primary(proxy, None);
            let mut diagnostic =
                Diagnostic::new(&RULE, file, span, message).with_related(pool_file, pool_span, pool_label(name));
            let turns_on = matches!(use_.connection, Connection::Reusable);
            if let Some(fix) = edit(project, use_).and_then(|edit| {
                pool_enabling_fix(project, proxy, "Set `proxy_http_version 1.1`".to_owned(), vec![edit], turns_on)
            }) {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// The change that makes `use_` speak HTTP/1.1: the explicit `1.0` becomes
/// `1.1`, else the directive is added to the location.
pub(super) fn edit(project: &Project, use_: &UpstreamUse<'_>) -> Option<Edit> {
    match use_.http {
        HttpVersion::Http10 { explicit: Some(l) } => {
            l.directive.args().next().map(|a| Edit::replace(l.file, a.span, "1.1"))
        }
        HttpVersion::Http10 { explicit: None } => insert_into_location(project, use_, "proxy_http_version 1.1;"),
        HttpVersion::Http11 | HttpVersion::Unknown => None,
    }
}
