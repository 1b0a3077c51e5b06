//! KA001 upstream-keepalive-outlives-backend

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix, FixAvailability};
use crate::model::hop::{Hop, HopKind};
use crate::model::setting::{Millis, Origin, Setting};
use crate::project::Project;
use crate::rules::{Check, Rule, rule_doc};
use crate::settings::FixSide;

use super::{each_link, insert_into_upstream, pool_on, primary};

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

/// The proxy's and the backend's idle timeouts when the proxy holds idle
/// connections at least as long as the backend, whether or not the pool is
/// on (the pool-enabling fixes ask what KA001 would say once it is).
pub(super) fn outlives(proxy: &Hop, backend: &Hop) -> Option<(Millis, Millis)> {
    let p = value(proxy.settings.idle_timeout.as_ref())?;
    let b = value(backend.settings.idle_timeout.as_ref())?;
    // A backend that closes after every response says so (`Connection:
    // close`): nothing is ever reused. An unbounded backend never closes.
    (b != Millis(0) && p >= b).then_some((p, b))
}

fn finding(project: &Project, proxy: &Hop, backend: &Hop) -> Option<Diagnostic> {
    let (p, b) = outlives(proxy, backend)?;
    if !pool_on(project, proxy) {
        return None;
    }
    let proxy_idle = proxy.settings.idle_timeout.as_ref()?;
    let backend_idle = backend.settings.idle_timeout.as_ref()?;
    let software = backend.kind.as_str();
    let fix = fix(project, proxy, backend, p, b);
    // RULES.md "No fix": say what to set where hoplint cannot edit it.
    let in_code = match backend.kind {
        HopKind::Node if fix.is_none() => format!(
            "; set `server.keepAliveTimeout` above {p} in the application (with `headersTimeout` above it), or lower the proxy's"
        ),
        _ => String::new(),
    };
    let message = format!(
        "upstream keepalive outlives the backend: the proxy keeps idle connections {p}{}, {software} closes them after {b}{in_code}",
        describe(proxy_idle)
    );
    let (file, span) = primary(proxy, proxy.settings.idle_timeout.as_ref().map(|s| &s.origin));
    let mut diagnostic = Diagnostic::new(&RULE, file, span, message);
    let label = format!("{software} closes idle connections after {b}{}", describe(backend_idle));
    diagnostic = match &backend_idle.origin {
        Origin::Explicit { file, span } => diagnostic.with_related(*file, *span, label),
        _ => diagnostic.with_related(backend.file, backend.span, label),
    };
    if let Some(fix) = fix {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// RULES.md "KA001 fix": proxy target = backend − margin (`[keepalive]
/// margin`); ≥ 10 s → set it on the proxy (safe); otherwise raise the backend
/// to proxy + 5 s (unsafe). `[fix] prefer` forces one side.
/// Only the edits hoplint can make exactly are offered: an nginx upstream's
/// `keepalive_timeout`, and a `keepalive = N` assignment in gunicorn.conf.py.
pub(super) fn fix(
    project: &Project,
    proxy: &Hop,
    backend: &Hop,
    proxy_idle: Millis,
    backend_idle: Millis,
) -> Option<Fix> {
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
    let Origin::Explicit { file, span } = &backend.settings.idle_timeout.as_ref()?.origin else { return None };
    let source = project.file(*file);
    let is_python_assignment = source.path.extension().is_some_and(|e| e == "py")
        && source.text[..span.start as usize]
            .rsplit('\n')
            .next()
            .is_some_and(|line| line.trim_start().starts_with("keepalive"));
    is_python_assignment.then(|| {
        Fix::new(
            format!("Raise gunicorn `keepalive` to {raised}"),
            Applicability::Unsafe,
            vec![Edit::replace(*file, *span, raised.to_string())],
        )
    })
}
