//! KA: keepalive between hops.

use std::collections::HashSet;

mod backend_max_requests_closes_silently;
mod client_keepalive_mistaken_for_upstream;
mod front_lb_outlives_proxy;
mod ingress_nginx_keepalive_broken_version;
mod ingress_pool;
mod upstream_connection_header_not_cleared;
mod upstream_keepalive_disabled_by_http10;
mod upstream_keepalive_outlives_backend;
mod upstream_keepalive_requests_exceed_backend;
mod upstream_without_keepalive;
mod websocket_map_closes_keepalive;

use crate::fix::{Applicability, Edit, Fix};
use crate::model::hop::{Hop, HopKind};
use crate::model::k8s::DataEntry;
use crate::model::keepalive::{has_pool, pool_on, upstream_name};
use crate::model::nginx_hops::Located;
use crate::model::nginx_pool::{PoolIndex, UpstreamUse};
use crate::model::setting::Origin;
use crate::project::Project;
use crate::rules::nginx_insert::insert_into_block;
use crate::source::FileId;
use crate::span::Span;
use upstream_keepalive_outlives_backend::OncePooled;

use crate::diagnostic::Diagnostic;
use crate::rules::RuleContext;

use super::Rule;

pub(super) static RULES: &[&Rule] = &[
    &upstream_keepalive_outlives_backend::RULE,        // KA001
    &upstream_keepalive_requests_exceed_backend::RULE, // KA002
    &upstream_keepalive_disabled_by_http10::RULE,      // KA003
    &upstream_connection_header_not_cleared::RULE,     // KA004
    &upstream_without_keepalive::RULE,                 // KA005
    &ingress_nginx_keepalive_broken_version::RULE,     // KA006
    &client_keepalive_mistaken_for_upstream::RULE,     // KA007
    &front_lb_outlives_proxy::RULE,                    // KA008
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
    let upstream = project.nginx_directive_at(proxy.file, proxy.span)?;
    insert_into_block(project, proxy.file, upstream, line, &|_, name| keepalive_module(name))
}

/// An insertion into the `location` holding a `proxy_pass`, after its last
/// proxy-module directive. An `if` or `limit_except` around the
/// `proxy_pass` accepts none of the proxy settings, and takes them from the
/// location; with no `location` in the file, the `server` or `http` block.
/// `None` when the file holds none of them (the location is in the file
/// that includes this one).
fn insert_into_location(project: &Project, use_: &UpstreamUse<'_>, line: &str) -> Option<Edit> {
    let text = &project.file(use_.file).text;
    let block =
        use_.enclosing.iter().rev().find(|d| matches!(d.name(text).as_ref(), "location" | "server" | "http"))?;
    insert_into_block(project, use_.file, block, line, &|_, name| name.starts_with("proxy_"))
}

/// The nginx upstream hops whose pool is on (explicit `keepalive N` or the
/// version's default), with the locations that use them.
fn pooled_upstreams<'p, 'i>(
    project: &'p Project,
    index: &'i PoolIndex<'p>,
) -> impl Iterator<Item = (&'p Hop, &'i [UpstreamUse<'p>])> {
    project
        .hop_graph()
        .hops
        .iter()
        .filter(|h| h.kind == HopKind::NginxUpstream && has_pool(h))
        .map(|h| (h, index.uses(upstream_name(h))))
}

/// Where the ingress-nginx keys of `hop` are written: the ConfigMap's
/// `data:` line (or the Helm values' `controller.config:` line) and its
/// entries.
pub(super) fn ingress_config_keys<'p>(project: &'p Project, hop: &Hop) -> Option<(Span, &'p [DataEntry])> {
    let configmap = project.k8s.iter().filter(|m| m.file == hop.file).find_map(|m| {
        let object = m.objects.iter().find(|o| format!("{}:{}", m.path, o.kind_name()) == hop.id)?;
        let configmap = object.configmap()?;
        Some((configmap.data_line?, configmap.data.as_slice()))
    });
    configmap.or_else(|| {
        let values = project.helm_values.iter().find(|v| v.file == hop.file && v.path == hop.id)?;
        Some((values.config_line?, values.config.as_slice()))
    })
}

/// `key: value` added to an ingress-nginx hop's keys: after the last key
/// (at its indentation), or under a `data:` without keys (two spaces
/// deeper). Flow mappings are not edited.
pub(super) fn insert_ingress_key(project: &Project, hop: &Hop, key: &str, value: &str) -> Option<Edit> {
    let (line, entries) = ingress_config_keys(project, hop)?;
    let text = &project.file(hop.file).text;
    let line_start = |at: u32| text[..at as usize].rfind('\n').map_or(0, |i| i + 1);
    let (after, indent) = if let Some(last) = entries.last() {
        let start = line_start(last.key_span.start);
        let indent = &text[start..last.key_span.start as usize];
        if !indent.trim().is_empty() {
            return None;
        }
        (last.value_span.end, indent.to_owned())
    } else {
        if !line.text(text).trim_end().ends_with(':') {
            return None;
        }
        let start = line_start(line.start);
        (line.end, format!("{}  ", &text[start..line.start as usize]))
    };
    let end = text[after as usize..].find('\n').map_or(text.len(), |i| after as usize + i + 1);
    let at = u32::try_from(end).ok()?;
    let newline = if end == text.len() && !text.ends_with('\n') { "\n" } else { "" };
    Some(Edit::replace(hop.file, Span::at(at), format!("{newline}{indent}{key}: {value}\n")))
}

/// What a location does that leaves its upstream's pool unused (KA003,
/// KA004).
struct Defeat<'p> {
    /// The directive in effect, `None` when nginx's default does it.
    explicit: Option<Located<'p>>,
    /// The default, for the message (`proxy_http_version 1.0`).
    default: &'static str,
    /// What the location does, for the message (`speaks HTTP/1.0 to it`).
    doing: &'static str,
}

/// A location-level rule: one finding per location (or explicit directive)
/// that `defeat` picks, on a pooled upstream, with `edit` as a
/// pool-enabling fix titled `title`; `turns_on` tells whether the edit
/// alone puts the pool to use.
struct LocationRule {
    rule: &'static Rule,
    defeat: for<'p> fn(&UpstreamUse<'p>) -> Option<Defeat<'p>>,
    edit: fn(&Project, &UpstreamUse<'_>) -> Option<Edit>,
    title: &'static str,
    turns_on: fn(&UpstreamUse<'_>) -> bool,
}

impl LocationRule {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let mut seen = HashSet::new();
        for (proxy, uses) in pooled_upstreams(project, cx.pools()) {
            for use_ in uses {
                let Some(defeat) = (self.defeat)(use_) else { continue };
                let (file, span, how) = match defeat.explicit {
                    Some(l) => (l.file, l.directive.span(), String::new()),
                    None => (use_.file, use_.block.head_span(), default_note(project, defeat.default)),
                };
                if !seen.insert((file, span)) {
                    continue;
                }
                let name = upstream_name(proxy);
                let message = format!(
                    "upstream `{name}` keeps a keepalive pool, but this location {}{how}: every request opens a new connection",
                    defeat.doing
                );
                let (pool_file, pool_span) = primary(proxy, None);
                let mut diagnostic = Diagnostic::new(self.rule, file, span, message).with_related(
                    pool_file,
                    pool_span,
                    pool_label(name),
                );
                let turns_on = (self.turns_on)(use_);
                let fix = (self.edit)(project, use_)
                    .and_then(|edit| pool_enabling_fix(project, proxy, self.title.to_owned(), vec![edit], turns_on));
                if let Some(fix) = fix {
                    diagnostic = diagnostic.with_fix(fix);
                }
                out.push(diagnostic);
            }
        }
    }
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

/// The backends linked to `proxy` through links that can use its pool
/// (not through an Ingress whose annotations turn it off, which KA003/KA004
/// report), or through every link when `every`.
fn linked_backends<'p>(project: &'p Project, proxy: &Hop, every: bool) -> impl Iterator<Item = &'p Hop> + use<'p> {
    let graph = project.hop_graph();
    graph
        .links_from(&proxy.id)
        .filter(move |l| every || !ingress_pool::pool_off_by_ingress(project, l))
        .filter_map(|l| graph.hop(&l.backend))
}

/// Runs `finding` on every linked (proxy, backend) pair.
fn each_link(
    cx: &RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
    finding: fn(&RuleContext<'_>, &Hop, &Hop) -> Option<Diagnostic>,
) {
    let graph = cx.project.hop_graph();
    for link in graph.links.iter().filter(|l| !ingress_pool::pool_off_by_ingress(cx.project, l)) {
        if let (Some(proxy), Some(backend)) = (graph.hop(&link.proxy), graph.hop(&link.backend)) {
            out.extend(finding(cx, proxy, backend));
        }
    }
}
