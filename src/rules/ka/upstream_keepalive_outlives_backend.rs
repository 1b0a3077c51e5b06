//! KA001 upstream-keepalive-outlives-backend

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix, FixAvailability};
use crate::model::hop::{Hop, HopKind};
use crate::model::setting::{Millis, Origin, Setting};
use crate::project::Project;
use crate::rules::{Check, Rule, rule_doc};
use crate::settings::FixSide;

use super::{each_link, gunicorn_keepalive_edit, insert_into_upstream, pool_on, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA001",
    name: "upstream-keepalive-outlives-backend",
    severity: Severity::Error,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA001"),
    check: Check::Project(check),
};

/// Below this, a proxy-side pool is nearly useless: raise the backend instead.
const MIN_PROXY_TIMEOUT: Millis = Millis(10_000);

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    each_link(project, out, finding);
}

fn value(setting: Option<&Setting<Millis>>) -> Option<Millis> {
    setting.filter(|s| s.is_known()).and_then(|s| s.value)
}

/// For a default, its provenance without the source reference (which `hops`
/// shows in full), e.g. ` (nginx 1.24.0 upstream keepalive_timeout default)`.
fn describe(setting: &Setting<Millis>) -> String {
    match &setting.origin {
        Origin::Default { what } => format!(" ({})", what.split(" (").next().unwrap_or(what)),
        _ => String::new(),
    }
}

fn finding(project: &Project, proxy: &Hop, backend: &Hop) -> Option<Diagnostic> {
    let proxy_idle = proxy.settings.idle_timeout.as_ref()?;
    let backend_idle = backend.settings.idle_timeout.as_ref()?;
    let (p, b) = (value(Some(proxy_idle))?, value(Some(backend_idle))?);
    // A backend that closes after every response says so (`Connection:
    // close`): nothing is ever reused. An unbounded backend never closes.
    if b == Millis(0) || p < b || !pool_on(project, proxy) {
        return None;
    }
    let software = backend.kind.as_str();
    let message = format!(
        "upstream keepalive outlives the backend: the proxy keeps idle connections {p}{}, {software} closes them after {b}",
        describe(proxy_idle)
    );
    let (file, span) = primary(proxy, proxy.settings.idle_timeout.as_ref().map(|s| &s.origin));
    let mut diagnostic = Diagnostic::new(&RULE, file, span, message);
    let label = format!("{software} closes idle connections after {b}{}", describe(backend_idle));
    diagnostic = match &backend_idle.origin {
        Origin::Explicit { file, span } => diagnostic.with_related(*file, *span, label),
        _ => diagnostic.with_related(backend.file, backend.span, label),
    };
    if let Some(fix) = fix(project, proxy, backend, p, b) {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// RULES.md "KA001 fix": proxy target = backend − margin (`[keepalive]
/// margin`); ≥ 10 s → set it on the proxy (safe); otherwise raise the backend
/// to proxy + 5 s (unsafe). `[fix] prefer` forces one side.
/// Only the edits hoplint can make exactly are offered: an nginx upstream's
/// `keepalive_timeout`, and a `keepalive = N` assignment in gunicorn.conf.py.
fn fix(project: &Project, proxy: &Hop, backend: &Hop, proxy_idle: Millis, backend_idle: Millis) -> Option<Fix> {
    let policy = project.fix_policy;
    let target = Millis(backend_idle.0.saturating_sub(policy.margin.0));
    // Whole seconds, rounded down so the proxy still gives up first.
    let seconds = target.0 / 1000;
    let proxy_side = match policy.prefer {
        FixSide::Auto => target >= MIN_PROXY_TIMEOUT,
        FixSide::Proxy => seconds > 0,
        FixSide::Backend => false,
    };
    if proxy_side && proxy.kind == HopKind::NginxUpstream {
        let title = format!("Set `keepalive_timeout {seconds}s` in the upstream");
        let edit = match &proxy.settings.idle_timeout.as_ref()?.origin {
            Origin::Explicit { file, span } => Edit::replace(*file, *span, format!("{seconds}s")),
            _ => insert_into_upstream(project, proxy, &format!("keepalive_timeout {seconds}s;"))?,
        };
        return Some(Fix::new(title, Applicability::Safe, vec![edit]));
    }
    if policy.prefer == FixSide::Proxy {
        return None;
    }
    let raised = proxy_idle.0 / 1000 + 5;
    let edit = gunicorn_keepalive_edit(project, backend, raised)?;
    Some(Fix::new(format!("Raise gunicorn `keepalive` to {raised}"), Applicability::Unsafe, vec![edit]))
}
