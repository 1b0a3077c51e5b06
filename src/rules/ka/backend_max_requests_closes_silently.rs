//! KA010 backend-max-requests-closes-silently

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::model::hop::{Hop, HopKind};
use crate::model::setting::Origin;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

use super::{each_link, pool_on, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA010",
    name: "backend-max-requests-closes-silently",
    severity: Severity::Info,
    fix: FixAvailability::None,
    doc: rule_doc!("KA010"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    each_link(cx, out, finding);
}

/// The jitter setting's name, for servers that have one.
fn jitter_name(kind: HopKind) -> Option<&'static str> {
    match kind {
        HopKind::Gunicorn => Some("max_requests_jitter"),
        HopKind::Uvicorn => Some("--limit-max-requests-jitter"),
        _ => None,
    }
}

fn finding(cx: &RuleContext<'_>, proxy: &Hop, backend: &Hop) -> Option<Diagnostic> {
    let recycle = backend.settings.recycle_after.as_ref().filter(|s| s.is_known())?;
    let after = recycle.value.filter(|n| *n > 0)?;
    if !pool_on(cx.pools(), proxy) {
        return None;
    }
    let software = backend.kind.as_str();
    let has_jitter = backend.settings.recycle_jitter.as_ref().and_then(|j| j.value).is_some_and(|n| n > 0);
    let jitter = match jitter_name(backend.kind) {
        Some(name) if !has_jitter => format!("; add `{name}` so workers do not restart together"),
        _ => String::new(),
    };
    let message = format!(
        "{software} restarts each worker after {after} requests and closes its pooled connections without warning: a request sent on one fails, and only idempotent requests are retried (`proxy_next_upstream error`){jitter}"
    );
    let (file, span) = primary(proxy, None);
    let label = format!("{software} recycles workers after {after} requests");
    let related = match &recycle.origin {
        Origin::Explicit { file, span } => (*file, *span),
        _ => (backend.file, backend.span),
    };
    Some(Diagnostic::new(&RULE, file, span, message).with_related(related.0, related.1, label))
}
