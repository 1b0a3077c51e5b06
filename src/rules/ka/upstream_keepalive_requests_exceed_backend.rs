//! KA002 upstream-keepalive-requests-exceed-backend

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixAvailability};
use crate::model::hop::{Hop, HopKind};
use crate::model::keepalive::requests_exceed;
use crate::model::setting::{Origin, Setting};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

use super::{insert_ingress_key, insert_into_upstream, linked_backends, pool_on, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA002",
    name: "upstream-keepalive-requests-exceed-backend",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    doc: rule_doc!("KA002"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    for proxy in project.hop_graph().hops.iter().filter(|h| h.kind.is_proxy()) {
        out.extend(finding(cx, proxy));
    }
}

fn known(setting: Option<&Setting<u64>>) -> Option<(u64, &Setting<u64>)> {
    let setting = setting.filter(|s| s.is_known())?;
    Some((setting.value?, setting))
}

/// Backends that send `Connection: close` on the last response of a
/// connection (Tomcat `Http11Processor`, Hypercorn h11): the proxy then does
/// not reuse it, so only the extra handshakes remain.
fn announces_close(kind: HopKind) -> bool {
    matches!(kind, HopKind::Tomcat | HopKind::SpringBoot | HopKind::Hypercorn)
}

/// RULES.md "A proxy setting shared by several backends": one diagnostic
/// naming the tightest backend, the others related.
fn finding(cx: &RuleContext<'_>, proxy: &Hop) -> Option<Diagnostic> {
    let project = cx.project;
    let (p, proxy_setting) = known(proxy.settings.max_requests_per_connection.as_ref())?;
    let mut capped: Vec<(u64, &Hop, &Setting<u64>)> = linked_backends(project, proxy, false)
        .filter_map(|backend| {
            let (b, setting) = known(backend.settings.max_requests_per_connection.as_ref())?;
            requests_exceed(p, Some(b)).then_some((b, backend, setting))
        })
        .collect();
    capped.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    let (b, tightest, _) = *capped.first()?;
    if !pool_on(cx.pools(), proxy) {
        return None;
    }
    let software = tightest.kind.as_str();
    // Info only when every backend concerned announces the close.
    let (severity, consequence) = if capped.iter().all(|(_, backend, _)| announces_close(backend.kind)) {
        (Severity::Info, "it announces the close, so the proxy only opens new connections early")
    } else {
        (Severity::Warning, "a request sent on a connection it has just closed fails")
    };
    let others = match capped.len() {
        1 => String::new(),
        2 => " (1 other linked backend caps connections below the proxy too)".to_owned(),
        n => format!(" ({} other linked backends cap connections below the proxy too)", n - 1),
    };
    let message = format!(
        "upstream keepalive requests exceed the backend: the proxy sends up to {p} requests per connection, {software} closes after {b}{others}; {consequence}"
    );
    let (file, span) = primary(proxy, Some(&proxy_setting.origin));
    let mut diagnostic = Diagnostic::new(&RULE, file, span, message).with_severity(severity);
    for (cap, backend, setting) in &capped {
        let label = format!("{} closes a connection after {cap} requests", backend.kind.as_str());
        diagnostic = match &setting.origin {
            Origin::Explicit { file, span } => diagnostic.with_related(*file, *span, label),
            _ => diagnostic.with_related(backend.file, backend.span, label),
        };
    }
    if let Some(fix) = fix(project, proxy, proxy_setting, b.saturating_sub(2).max(1)) {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// RULES.md KA002: the proxy's value set to the tightest cap − 2 (at least
/// 1): the nginx upstream's `keepalive_requests`, or ingress-nginx's
/// `upstream-keepalive-requests`.
fn fix(project: &Project, proxy: &Hop, setting: &Setting<u64>, target: u64) -> Option<Fix> {
    let explicit = match &setting.origin {
        Origin::Explicit { file, span } => Some((*file, *span)),
        _ => None,
    };
    let (title, edit) = match proxy.kind {
        HopKind::NginxUpstream => (
            format!("Set `keepalive_requests {target}` in the upstream"),
            match explicit {
                Some((file, span)) => Edit::replace(file, span, target.to_string()),
                None => insert_into_upstream(project, proxy, &format!("keepalive_requests {target};"))?,
            },
        ),
        HopKind::IngressNginx => (
            format!("Set `upstream-keepalive-requests: \"{target}\"`"),
            match explicit {
                Some((file, span)) => {
                    let written = span.text(&project.file(file).text);
                    let quote = if written.starts_with(['"', '\'']) { &written[..1] } else { "" };
                    Edit::replace(file, span, format!("{quote}{target}{quote}"))
                }
                None => insert_ingress_key(project, proxy, "upstream-keepalive-requests", &format!("\"{target}\""))?,
            },
        ),
        _ => return None,
    };
    Some(Fix::safe(title, vec![edit]))
}
