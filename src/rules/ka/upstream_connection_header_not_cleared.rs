//! KA004 upstream-connection-header-not-cleared

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, FixAvailability};
use crate::model::nginx_pool::{Connection, HttpVersion, UpstreamUse};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::nginx_insert::insert_after;
use crate::rules::{Check, Rule, rule_doc};

use super::{Defeat, LocationRule, ingress_pool, insert_into_location};
use crate::model::ingress_nginx::PoolDefeat;

pub(crate) static RULE: Rule = Rule {
    code: "KA004",
    name: "upstream-connection-header-not-cleared",
    severity: Severity::Warning,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA004"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    LocationRule {
        rule: &RULE,
        defeat: |use_| match use_.connection {
            Connection::Close { explicit } => {
                Some(Defeat { explicit, default: "Connection: close", doing: "sends `Connection: close`" })
            }
            // KA009 reports the map; the rest cannot be judged.
            Connection::Reusable | Connection::MapClose { .. } | Connection::Unknown => None,
        },
        edit,
        title: "Set `proxy_set_header Connection \"\"`",
        turns_on: |use_| matches!(use_.http, HttpVersion::Http11),
    }
    .check(cx, out);
    // No fix: the annotation is the only thing to remove.
    ingress_pool::annotation_findings(cx.project, &RULE, PoolDefeat::ConnectionClose, None, out);
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
    match use_.headers.last() {
        Some(last) => insert_after(project, last.file, last.directive, LINE),
        None => insert_into_location(project, use_, LINE),
    }
}
