//! KA006 ingress-nginx-keepalive-broken-version

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::knowledge::{Version, version};
use crate::model::hop::{Hop, HopKind};
use crate::model::setting::Origin;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "KA006",
    name: "ingress-nginx-keepalive-broken-version",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    doc: rule_doc!("KA006"),
    check: Check::Project(check),
};

/// The first controller whose upstream keepalive worked: before it the
/// `$connection_upgrade` map sent `Connection: close` on every plain
/// request (ingress-nginx PR #3098).
const FIXED_IN: Version = Version::new(0, 20, 0);

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    for hop in project.hop_graph().hops.iter().filter(|h| h.kind == HopKind::IngressNginx) {
        out.extend(finding(hop));
    }
}

fn finding(hop: &Hop) -> Option<Diagnostic> {
    let written = hop.software_version.as_ref()?;
    let running = version::resolve(written.value.as_deref()?, &[]).ok()?;
    // Those releases set up a pool by default (`keepalive 32`); only an
    // explicit `upstream-keepalive-connections: "0"` says there is none.
    let pool_off = hop.settings.pool.as_ref().is_some_and(|p| p.value == Some(false) && p.is_known());
    if running >= FIXED_IN || pool_off {
        return None;
    }
    let (file, span) = match &written.origin {
        Origin::Explicit { file, span } => (*file, *span),
        _ => (hop.file, hop.span),
    };
    let message = format!(
        "ingress-nginx {running} predates 0.20.0: its upstream keepalive sends `Connection: close` on every request without `Upgrade`, so the pool is never used; upgrade the controller"
    );
    Some(Diagnostic::new(&RULE, file, span, message))
}
