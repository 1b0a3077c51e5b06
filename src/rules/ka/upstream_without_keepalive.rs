//! KA005 upstream-without-keepalive

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, FixAvailability};
use crate::knowledge::Version;
use crate::model::hop::{Hop, HopKind};
use crate::model::nginx_pool::{
    Connection, HttpVersion, PoolIndex, Target, UpstreamUse, proxy_pass_target, proxy_passes,
};
use crate::model::setting::Origin;
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

use super::{
    insert_into_upstream, pool_enabling_fix, upstream_connection_header_not_cleared as ka004,
    upstream_keepalive_disabled_by_http10 as ka003, upstream_name, websocket_map_closes_keepalive as ka009,
};

pub(crate) static RULE: Rule = Rule {
    code: "KA005",
    name: "upstream-without-keepalive",
    severity: Severity::Info,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA005"),
    check: Check::Project(check),
};

/// From this version an `upstream{}` pools by default and `keepalive 0`
/// is accepted (and turns the pool off).
const DEFAULT_POOL: Version = Version::new(1, 29, 7);

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let graph = project.hop_graph();
    let upstreams: Vec<&Hop> = graph.hops.iter().filter(|h| h.kind == HopKind::NginxUpstream).collect();
    let index = cx.pools();
    for proxy in &upstreams {
        out.extend(poolless_upstream(project, index, proxy));
    }
    let names: HashSet<&str> = upstreams.iter().map(|h| upstream_name(h)).collect();
    proxy_passes(project, &mut |pass| {
        let url = pass.url;
        let host = match proxy_pass_target(url) {
            Some(Target::Literal(host)) => host,
            Some(Target::Named(name)) if !names.contains(name) => name,
            _ => return,
        };
        if crate::model::nginx_pool::upstream_name(url).is_some_and(|n| names.contains(n)) {
            return;
        }
        let scheme = if url.starts_with("https://") { "https" } else { "http" };
        let message = format!(
            "`proxy_pass {url}` goes to an implicit upstream, which never keeps connections alive: declare `upstream NAME {{ server {host}; keepalive 32; }}` and proxy to `{scheme}://NAME`"
        );
        out.push(Diagnostic::new(&RULE, pass.file, pass.directive.span(), message));
    });
}

/// An `upstream{}` that `proxy_pass` uses but that has no pool.
fn poolless_upstream(project: &Project, index: &PoolIndex<'_>, proxy: &Hop) -> Option<Diagnostic> {
    let pool = proxy.settings.pool.as_ref().filter(|p| p.is_known())?;
    let explicit = match &pool.origin {
        Origin::Explicit { file, span } => Some((*file, *span)),
        _ => None,
    };
    // Before 1.29.7 `keepalive 0` is refused outright (NG006).
    if pool.value != Some(false) || (explicit.is_some() && project.nginx_version.version < DEFAULT_POOL) {
        return None;
    }
    let uses = index.uses(upstream_name(proxy));
    if uses.is_empty() {
        return None;
    }
    let name = upstream_name(proxy);
    let why = match explicit {
        Some(_) => "`keepalive 0` turns the pool off".to_owned(),
        None => format!("no `keepalive`, and {} pools only from 1.29.7", project.nginx_version.describe()),
    };
    let message =
        format!("upstream `{name}` has no keepalive pool ({why}): every proxied request opens a new connection");
    let mut diagnostic = Diagnostic::new(&RULE, proxy.file, proxy.span, message);
    if let Some(fix) = fix(project, proxy, explicit, uses) {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// `keepalive 32;` in the upstream, plus what each location needs for the
/// pool to be used (KA003, KA004 and KA009's changes).
fn fix(
    project: &Project,
    proxy: &Hop,
    explicit: Option<(crate::source::FileId, crate::span::Span)>,
    uses: &[UpstreamUse<'_>],
) -> Option<crate::fix::Fix> {
    let pool = match explicit {
        Some((file, span)) => Edit::replace(file, span, "32"),
        None => insert_into_upstream(project, proxy, "keepalive 32;")?,
    };
    let mut edits = vec![pool];
    for use_ in uses {
        edits.extend(ka003::edit(project, use_));
        edits.extend(ka004::edit(project, use_));
        if let Connection::MapClose { entry, .. } = use_.connection {
            edits.push(ka009::edit(project, &entry));
        }
    }
    let mut seen = HashSet::new();
    edits.retain(|e| seen.insert((e.file, e.span, e.content.clone())));
    let turns_on =
        uses.iter().any(|u| !matches!(u.http, HttpVersion::Unknown) && !matches!(u.connection, Connection::Unknown));
    pool_enabling_fix(project, proxy, "Set `keepalive 32` in the upstream".to_owned(), edits, turns_on)
}
