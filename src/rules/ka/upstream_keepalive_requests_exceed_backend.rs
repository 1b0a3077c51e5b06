//! KA002 upstream-keepalive-requests-exceed-backend

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixAvailability};
use crate::model::hop::{Hop, HopKind};
use crate::model::keepalive::requests_exceed;
use crate::model::setting::{Origin, Setting};
use crate::project::Project;
use crate::rules::{Check, Rule, rule_doc};

use super::{each_link, insert_into_upstream, pool_on, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA002",
    name: "upstream-keepalive-requests-exceed-backend",
    severity: Severity::Warning,
    fix: FixAvailability::Safe,
    doc: rule_doc!("KA002"),
    check: Check::Project(check),
};

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    each_link(project, out, finding);
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

fn finding(project: &Project, proxy: &Hop, backend: &Hop) -> Option<Diagnostic> {
    let (p, proxy_setting) = known(proxy.settings.max_requests_per_connection.as_ref())?;
    let (b, backend_setting) = known(backend.settings.max_requests_per_connection.as_ref())?;
    if !requests_exceed(p, Some(b)) || !pool_on(project, proxy) {
        return None;
    }
    let software = backend.kind.as_str();
    let (severity, consequence) = if announces_close(backend.kind) {
        (Severity::Info, "it announces the close, so the proxy only opens new connections early")
    } else {
        (Severity::Warning, "a request sent on a connection it has just closed fails")
    };
    let message = format!(
        "upstream keepalive requests exceed the backend: the proxy sends up to {p} requests per connection, {software} closes after {b}; {consequence}"
    );
    let (file, span) = primary(proxy, Some(&proxy_setting.origin));
    let label = format!("{software} closes a connection after {b} requests");
    let mut diagnostic = Diagnostic::new(&RULE, file, span, message).with_severity(severity);
    diagnostic = match &backend_setting.origin {
        Origin::Explicit { file, span } => diagnostic.with_related(*file, *span, label),
        _ => diagnostic.with_related(backend.file, backend.span, label),
    };
    // RULES.md KA002: set the proxy to the backend's cap − 2 (at least 1).
    if proxy.kind == HopKind::NginxUpstream {
        let target = b.saturating_sub(2).max(1);
        let edit = match &proxy_setting.origin {
            Origin::Explicit { file, span } => Some(Edit::replace(*file, *span, target.to_string())),
            _ => insert_into_upstream(project, proxy, &format!("keepalive_requests {target};")),
        };
        if let Some(edit) = edit {
            diagnostic = diagnostic
                .with_fix(Fix::safe(format!("Set `keepalive_requests {target}` in the upstream"), vec![edit]));
        }
    }
    Some(diagnostic)
}
