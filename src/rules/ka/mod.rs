//! KA: keepalive between hops.

mod front_lb_outlives_proxy;
mod upstream_keepalive_outlives_backend;
mod upstream_keepalive_requests_exceed_backend;

use crate::fix::Edit;
use crate::model::hop::{Hop, HopKind};
use crate::model::nginx_pool::{Pooling, locations_for};
use crate::model::setting::Origin;
use crate::project::Project;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::nginx::Directive;

use crate::diagnostic::Diagnostic;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &upstream_keepalive_outlives_backend::RULE,        // KA001
    &upstream_keepalive_requests_exceed_backend::RULE, // KA002
    &front_lb_outlives_proxy::RULE,                    // KA008
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
/// before its `}`).
fn insert_into_upstream(project: &Project, proxy: &Hop, line: &str) -> Option<Edit> {
    let module = ["keepalive", "keepalive_timeout", "keepalive_requests", "keepalive_time"];
    insert_into_block(project, proxy.file, proxy.span, &|_, name| module.contains(&name), line)
}

/// An insertion into the block named at `block` in `file`: after the block's
/// last directive of the same module (`same_module`), else before its `}`,
/// at the indentation of its first directive (RULES.md "Inserted
/// directives").
fn insert_into_block(
    project: &Project,
    file: FileId,
    block: Span,
    same_module: &dyn Fn(&Directive, &str) -> bool,
    line: &str,
) -> Option<Edit> {
    let tree = project.nginx.tree(file)?;
    let text = &project.file(file).text;
    let mut found = None;
    tree.walk(&mut |d, _| {
        if d.name_part().span == block {
            found = d.block().map(|b| {
                let children: Vec<(Span, bool)> =
                    b.directives().map(|c| (c.span(), same_module(c, &c.name(text)))).collect();
                (children, b.close)
            });
        }
    });
    let (children, close) = found?;
    let first = children.first().map(|(s, _)| *s)?;
    let line_start = text[..first.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first.start as usize];
    let anchor = children.iter().rev().find(|(_, same)| *same).map(|(s, _)| *s);
    let at = match anchor {
        Some(after) => {
            let end = text[after.end as usize..].find('\n').map_or(text.len(), |i| after.end as usize + i + 1);
            u32::try_from(end).ok()?
        }
        None => close?.start,
    };
    Some(Edit::replace(file, Span::at(at), format!("{indent}{line}\n")))
}

/// Sets the backend's idle timeout to `seconds` where hoplint can edit it
/// exactly: a `keepalive = N` assignment in a gunicorn.conf.py.
fn gunicorn_keepalive_edit(project: &Project, backend: &Hop, seconds: u64) -> Option<Edit> {
    let Origin::Explicit { file, span } = &backend.settings.idle_timeout.as_ref()?.origin else { return None };
    let source = project.file(*file);
    let is_python_assignment = source.path.extension().is_some_and(|e| e == "py")
        && source.text[..span.start as usize]
            .rsplit('\n')
            .next()
            .is_some_and(|line| line.trim_start().starts_with("keepalive"));
    is_python_assignment.then(|| Edit::replace(*file, *span, seconds.to_string()))
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
