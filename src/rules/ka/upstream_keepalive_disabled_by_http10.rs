//! KA003 upstream-keepalive-disabled-by-http10

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, FixAvailability};
use crate::model::nginx_pool::{Connection, HttpVersion, UpstreamUse};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

use super::{Defeat, LocationRule, ingress_pool, insert_into_location};
use crate::model::ingress_nginx::PoolDefeat;

pub(crate) static RULE: Rule = Rule {
    code: "KA003",
    name: "upstream-keepalive-disabled-by-http10",
    severity: Severity::Warning,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA003"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    LocationRule {
        rule: &RULE,
        defeat: |use_| match use_.http {
            HttpVersion::Http10 { explicit } => {
                Some(Defeat { explicit, default: "proxy_http_version 1.0", doing: "speaks HTTP/1.0 to it" })
            }
            HttpVersion::Http11 | HttpVersion::Unknown => None,
        },
        edit,
        title: "Set `proxy_http_version 1.1`",
        turns_on: |use_| matches!(use_.connection, Connection::Reusable),
    }
    .check(cx, out);
    ingress_pool::annotation_findings(cx.project, &RULE, PoolDefeat::Http10, Some("1.1"), out);
    ingress_pool::configmap_http10_findings(cx.project, &RULE, out);
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
