//! KA: keepalive between hops.

mod backend_max_requests_closes_silently;
mod client_keepalive_mistaken_for_upstream;
mod ingress_nginx_keepalive_broken_version;
mod upstream_connection_header_not_cleared;
mod upstream_keepalive_disabled_by_http10;
mod upstream_keepalive_outlives_backend;
mod upstream_keepalive_requests_exceed_backend;
mod upstream_without_keepalive;
mod websocket_map_closes_keepalive;

use crate::fix::{Applicability, Edit, Fix};
use crate::model::hop::{Hop, HopKind};
use crate::model::keepalive::{has_pool, pool_on, upstream_name};
use crate::model::nginx_pool::{UpstreamUse, locations_for};
use crate::model::setting::Origin;
use crate::project::Project;
use crate::rules::nginx_insert::{directive_at, insert_into_block};
use crate::source::FileId;
use crate::span::Span;
use upstream_keepalive_outlives_backend::OncePooled;

use crate::diagnostic::Diagnostic;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &upstream_keepalive_outlives_backend::RULE,        // KA001
    &upstream_keepalive_requests_exceed_backend::RULE, // KA002
    &upstream_keepalive_disabled_by_http10::RULE,      // KA003
    &upstream_connection_header_not_cleared::RULE,     // KA004
    &upstream_without_keepalive::RULE,                 // KA005
    &ingress_nginx_keepalive_broken_version::RULE,     // KA006
    &client_keepalive_mistaken_for_upstream::RULE,     // KA007
    &websocket_map_closes_keepalive::RULE,             // KA009
    &backend_max_requests_closes_silently::RULE,       // KA010
];

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

/// The upstream module's keepalive directives, which inserted ones follow.
fn keepalive_module(name: &str) -> bool {
    matches!(name, "keepalive" | "keepalive_timeout" | "keepalive_requests" | "keepalive_time")
}

/// An insertion into the `upstream{}` block of `proxy` (RULES.md "Inserted
/// directives").
fn insert_into_upstream(project: &Project, proxy: &Hop, line: &str) -> Option<Edit> {
    let upstream = directive_at(project, proxy.file, proxy.span)?;
    insert_into_block(project, proxy.file, upstream, line, &keepalive_module)
}

/// An insertion into the block holding a `proxy_pass`, after its last
/// proxy-module directive.
fn insert_into_location(project: &Project, use_: &UpstreamUse<'_>, line: &str) -> Option<Edit> {
    insert_into_block(project, use_.file, use_.block, line, &|name| name.starts_with("proxy_"))
}

/// The nginx upstream hops whose pool is on (explicit `keepalive N` or the
/// version's default), with the locations that use them.
fn pooled_upstreams(project: &Project) -> impl Iterator<Item = (&Hop, Vec<UpstreamUse<'_>>)> {
    project
        .hop_graph()
        .hops
        .iter()
        .filter(|h| h.kind == HopKind::NginxUpstream && has_pool(h))
        .map(|h| (h, locations_for(project, upstream_name(h))))
}

/// For a value that is nginx's default: ` (X is the default for nginx 1.24.0, assumed)`.
fn default_note(project: &Project, what: &str) -> String {
    format!(" ({what} is the default for {})", project.nginx_version.describe())
}

/// The related label on an upstream's pool.
fn pool_label(name: &str) -> String {
    format!("upstream `{name}` keeps idle connections for reuse")
}

/// RULES.md "Fixes that turn a pool on": `edits` (titled `title`) turn the
/// pool of `proxy` on when `turns_on`. Safe unless KA001 would then fire;
/// otherwise unsafe, carrying KA001's change for the tightest linked backend
/// — and no fix at all when that change cannot be made.
fn pool_enabling_fix(
    project: &Project,
    proxy: &Hop,
    title: String,
    mut edits: Vec<Edit>,
    turns_on: bool,
) -> Option<Fix> {
    let once_pooled =
        if turns_on { upstream_keepalive_outlives_backend::once_pooled(project, proxy) } else { OncePooled::Quiet };
    let OncePooled::Fires(change) = once_pooled else {
        return Some(Fix::safe(title, edits));
    };
    let change = change?;
    edits.extend(change.edits);
    let also =
        change.title.chars().next().map(|c| c.to_lowercase().chain(change.title.chars().skip(1)).collect::<String>());
    Some(Fix::new(format!("{title}, and {}", also.unwrap_or_default()), Applicability::Unsafe, edits))
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
