//! KA: keepalive between hops.

mod upstream_keepalive_outlives_backend;
mod upstream_keepalive_requests_exceed_backend;

use crate::fix::Edit;
use crate::model::hop::{Hop, HopKind};
use crate::model::nginx_pool::{Pooling, locations_for};
use crate::model::setting::Origin;
use crate::project::Project;
use crate::source::FileId;
use crate::span::Span;

use crate::diagnostic::Diagnostic;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &upstream_keepalive_outlives_backend::RULE,        // KA001
    &upstream_keepalive_requests_exceed_backend::RULE, // KA002
];

/// RULES.md "Pool effectively on": for nginx, the upstream has a pool and
/// some location using it speaks HTTP/1.1 without `Connection: close`; the
/// ingress-nginx hop's `pool` already says so.
fn pool_on(project: &Project, proxy: &Hop) -> bool {
    let has_pool = proxy.settings.pool.as_ref().and_then(|p| p.value).unwrap_or(false);
    if !has_pool {
        return false;
    }
    match proxy.kind {
        HopKind::NginxUpstream => {
            let name = proxy.id.rsplit("upstream ").next().unwrap_or_default();
            locations_for(project, name).iter().any(|(_, _, pooling)| *pooling == Pooling::Used)
        }
        _ => true,
    }
}

/// RULES.md "Where a finding is reported": the explicit setting (`setting`),
/// else the pool's `keepalive`, else the hop's own line.
fn primary(proxy: &Hop, setting: Option<&Origin>) -> (FileId, Span) {
    let explicit = |s: Option<&Origin>| match s {
        Some(Origin::Explicit { file, span }) => Some((*file, *span)),
        _ => None,
    };
    explicit(setting)
        .or_else(|| explicit(proxy.settings.pool.as_ref().map(|s| &s.origin)))
        .unwrap_or((proxy.file, proxy.span))
}

/// An insertion after the upstream's last keepalive-module directive (else
/// before its `}`), at the indentation of its first directive (RULES.md
/// "Inserted directives").
fn insert_into_upstream(project: &Project, proxy: &Hop, line: &str) -> Option<Edit> {
    let tree = project.nginx.tree(proxy.file)?;
    let text = &project.file(proxy.file).text;
    let mut found = None;
    tree.walk(&mut |d, _| {
        if d.name_part().span == proxy.span {
            found = d
                .block()
                .map(|b| (b.directives().map(|c| (c.name(text).into_owned(), c.span())).collect::<Vec<_>>(), b.close));
        }
    });
    let (children, close) = found?;
    let first = children.first().map(|(_, s)| *s)?;
    let line_start = text[..first.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first.start as usize];
    let module = ["keepalive", "keepalive_timeout", "keepalive_requests", "keepalive_time"];
    let anchor = children.iter().rev().find(|(name, _)| module.contains(&name.as_str())).map(|(_, s)| *s);
    let at = match anchor {
        Some(after) => {
            let end = text[after.end as usize..].find('\n').map_or(text.len(), |i| after.end as usize + i + 1);
            u32::try_from(end).ok()?
        }
        None => close?.start,
    };
    Some(Edit::replace(proxy.file, Span::at(at), format!("{indent}{line}\n")))
}

/// Runs `finding` on every linked (proxy, backend) pair.
fn each_link(project: &Project, out: &mut Vec<Diagnostic>, finding: fn(&Project, &Hop, &Hop) -> Option<Diagnostic>) {
    let graph = project.hop_graph();
    for link in &graph.links {
        if let (Some(proxy), Some(backend)) = (graph.hop(&link.proxy), graph.hop(&link.backend)) {
            out.extend(finding(project, proxy, backend));
        }
    }
}
