//! KA007 client-keepalive-mistaken-for-upstream

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::knowledge::nginx_values::parse_time;
use crate::model::hop::{Hop, HopKind};
use crate::model::nginx_pool::PoolIndex;
use crate::model::setting::{Millis, Origin};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::source::FileId;
use crate::span::Span;

use super::upstream_keepalive_outlives_backend::outlives;
use super::upstream_name;

pub(crate) static RULE: Rule = Rule {
    code: "KA007",
    name: "client-keepalive-mistaken-for-upstream",
    severity: Severity::Info,
    fix: FixAvailability::None,
    doc: rule_doc!("KA007"),
    check: Check::Project(check),
};

/// A client-side keepalive timeout that is explicit: where, and its value.
struct ClientSide {
    file: FileId,
    span: Span,
    value: Millis,
}

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let graph = project.hop_graph();
    let index = cx.pools();
    let mut seen = HashSet::new();
    for link in &graph.links {
        let (Some(proxy), Some(backend)) = (graph.hop(&link.proxy), graph.hop(&link.backend)) else { continue };
        // RULES.md "Scope of rules", KA007: the upstream side is at or above
        // the backend's idle timeout, the client side at or below it.
        let Some((upstream, idle)) = outlives(proxy, backend) else { continue };
        for client in client_sides(project, index, proxy).into_iter().filter(|c| c.value <= idle) {
            if !seen.insert((client.file, client.span)) {
                continue;
            }
            let software = backend.kind.as_str();
            let instead = match proxy.kind {
                HopKind::IngressNginx => "the ConfigMap key `upstream-keepalive-timeout`".to_owned(),
                _ => format!("`keepalive_timeout` inside `upstream {} {{}}`", upstream_name(proxy)),
            };
            let message = format!(
                "the client-side keepalive timeout {} is at or below {software}'s idle timeout ({idle}), but it only governs connections from clients; the upstream pool still keeps idle connections {upstream}: set {instead}",
                client.value
            );
            let label = format!("{software} closes idle connections after {idle}");
            let (file, span) = match &backend.settings.idle_timeout.as_ref().map(|s| &s.origin) {
                Some(Origin::Explicit { file, span }) => (*file, *span),
                _ => (backend.file, backend.span),
            };
            out.push(Diagnostic::new(&RULE, client.file, client.span, message).with_related(file, span, label));
        }
    }
}

/// The explicit client-side keepalive timeouts in front of `proxy`: nginx's
/// `keepalive_timeout` in effect where each location uses the upstream, or
/// the ingress-nginx ConfigMap `keep-alive`.
fn client_sides(project: &Project, index: &PoolIndex<'_>, proxy: &Hop) -> Vec<ClientSide> {
    match proxy.kind {
        HopKind::NginxUpstream => index
            .uses(upstream_name(proxy))
            .iter()
            .filter_map(|u| {
                let found = u.client_keepalive_timeout?;
                let text = &project.file(found.file).text;
                let value = parse_time(&found.directive.args().next()?.value(text), false)?;
                Some(ClientSide { file: found.file, span: found.directive.span(), value: Millis(value) })
            })
            .collect(),
        HopKind::IngressNginx => {
            let Some(setting) = proxy.settings.client_idle_timeout.as_ref() else { return Vec::new() };
            match (&setting.origin, setting.value) {
                (Origin::Explicit { file, span }, Some(value)) => vec![ClientSide { file: *file, span: *span, value }],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}
