//! The hop graph (RULES.md "Linking hops"): which backend each proxy talks
//! to. Methods, in order: inline `# hoplint: backend=PATH` in an `upstream`
//! block; the Kubernetes graph (Ingress → Service → selected pods → the
//! container with the target port); compose service names in upstream
//! `server` lines and `proxy_pass` URLs; and the implicit single pair. Every
//! link records how it was made.

use std::collections::HashSet;
use std::path::Path;

use crate::model::hop::{Hop, HopKind};
use crate::model::k8s::{Manifests, PortRef};
use crate::project::Project;
use crate::source::FileId;
use crate::source::absolute;
use crate::span::Span;

/// How a link was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// `# hoplint: backend=…` in the upstream block.
    Inline,
    /// Ingress → Service → pods → container.
    Kubernetes,
    /// A compose service name in an upstream `server` or `proxy_pass`.
    Compose,
    /// The only proxy upstream and the only backend of the project.
    Implicit,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Inline => "inline",
            How::Kubernetes => "kubernetes",
            How::Compose => "compose",
            How::Implicit => "implicit",
        }
    }
}

/// A proxy hop linked to a backend hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub proxy: String,
    pub backend: String,
    pub how: How,
    /// The evidence: the inline comment, the Ingress path, the `server` line.
    pub file: FileId,
    pub span: Span,
}

/// An inline link that names no backend hoplint read (HL003).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleLink {
    pub file: FileId,
    pub span: Span,
    pub target: String,
}

/// The links between `hops`, and inline links that lead nowhere.
pub fn link(project: &Project, hops: &[Hop]) -> (Vec<Link>, Vec<StaleLink>) {
    let mut links = Vec::new();
    let mut stale = Vec::new();
    let backends: Vec<&Hop> = hops.iter().filter(|h| is_backend(h.kind)).collect();
    inline_links(project, hops, &backends, &mut links, &mut stale);
    kubernetes_links(project, hops, &mut links);
    compose_links(project, hops, &mut links);
    let linked: HashSet<&str> = links.iter().map(|l| l.proxy.as_str()).collect();
    let upstreams: Vec<&Hop> = hops.iter().filter(|h| h.kind == HopKind::NginxUpstream).collect();
    if links.is_empty() && upstreams.len() == 1 && backends.len() == 1 && !linked.contains(upstreams[0].id.as_str()) {
        links.push(Link {
            proxy: upstreams[0].id.clone(),
            backend: backends[0].id.clone(),
            how: How::Implicit,
            file: upstreams[0].file,
            span: upstreams[0].span,
        });
    }
    links.sort_by(|a, b| (&a.proxy, &a.backend).cmp(&(&b.proxy, &b.backend)));
    links.dedup_by(|a, b| a.proxy == b.proxy && a.backend == b.backend);
    (links, stale)
}

/// Backend servers (and containers, which may run one hoplint does not know).
pub fn is_backend(kind: HopKind) -> bool {
    !kind.is_proxy() && kind != HopKind::Container
}

/// `# hoplint: backend=PATH` inside an `upstream{}`: PATH is a file (relative
/// to the project root, or to the nginx file's directory or any directory
/// above it — so a monorepo checked from its top resolves the links its
/// subprojects wrote relative to their own roots) whose backend hop is meant.
fn inline_links(project: &Project, hops: &[Hop], backends: &[&Hop], links: &mut Vec<Link>, stale: &mut Vec<StaleLink>) {
    for upstream in hops.iter().filter(|h| h.kind == HopKind::NginxUpstream) {
        let source = project.file(upstream.file);
        let Some(tree) = project.nginx.tree(upstream.file) else { continue };
        let mut comments: Vec<Span> = Vec::new();
        tree.walk(&mut |d, _| {
            if d.name_part().span == upstream.span {
                comments.extend(d.block().into_iter().flat_map(|b| &b.nodes).filter_map(|n| match n {
                    crate::syntax::nginx::Node::Comment(span) => Some(*span),
                    _ => None,
                }));
            }
        });
        for comment in comments {
            let text = comment.text(&source.text);
            let Some(target) = text.split("hoplint:").nth(1).and_then(|r| r.trim().strip_prefix("backend=")) else {
                continue;
            };
            let target = target.split_whitespace().next().unwrap_or_default();
            let (path, suffix) = target.split_once(':').map_or((target, None), |(p, s)| (p, Some(s)));
            let dir = absolute(source.path.parent().unwrap_or(Path::new("")));
            let mut wanted: Vec<_> = dir.ancestors().map(|d| absolute(&d.join(path))).collect();
            wanted.push(absolute(&project.root.join(path)));
            let found = backends.iter().find(|b| {
                let file = absolute(&project.file(b.file).path);
                wanted.contains(&file) && suffix.is_none_or(|s| b.id.ends_with(s))
            });
            match found {
                Some(backend) => links.push(Link {
                    proxy: upstream.id.clone(),
                    backend: backend.id.clone(),
                    how: How::Inline,
                    file: upstream.file,
                    span: comment,
                }),
                None => stale.push(StaleLink { file: upstream.file, span: comment, target: target.to_owned() }),
            }
        }
    }
}

/// Ingress → Service (name, port) → workloads whose pod labels the Service
/// selects → the container exposing the target port (by number or name) →
/// that container's hop. The proxy is the ingress-nginx hop for Ingresses of
/// an nginx class or none: the only controller, or — in a monorepo holding
/// several — the one nearest the Ingress in the directory tree, when no other
/// is as near.
fn kubernetes_links(project: &Project, hops: &[Hop], links: &mut Vec<Link>) {
    let controllers: Vec<&Hop> = hops.iter().filter(|h| h.kind == HopKind::IngressNginx).collect();
    for manifests in &project.k8s {
        let here = &project.file(manifests.file).path;
        let nearest = nearest(here, &controllers, |c| &project.file(c.file).path);
        let [controller] = nearest.as_slice() else { continue };
        for object in &manifests.objects {
            let Some(ingress) = object.ingress() else { continue };
            let nginx_class = ingress.class.as_ref().is_none_or(|c| c.name.contains("nginx"));
            if !nginx_class {
                continue;
            }
            let paths =
                ingress.rules.iter().flat_map(|r| &r.paths).filter_map(|p| p.backend.as_ref().map(|b| (b, p.line)));
            let default = ingress.default_backend.as_ref().map(|b| (b, b.span));
            for (backend, line) in paths.chain(default) {
                let namespace = &object.meta.namespace;
                for id in container_ids(
                    project,
                    here,
                    namespace,
                    &backend.service.value,
                    backend.port.as_ref().map(|p| &p.value),
                ) {
                    if hops.iter().any(|h| h.id == id && is_backend(h.kind)) {
                        links.push(Link {
                            proxy: controller.id.clone(),
                            backend: id,
                            how: How::Kubernetes,
                            file: manifests.file,
                            span: line,
                        });
                    }
                }
            }
        }
    }
}

/// The `candidates` whose file shares the most leading directories with
/// `from`.
fn nearest<'a, 'p, T>(from: &Path, candidates: &[&'a T], path: impl Fn(&T) -> &'p Path) -> Vec<&'a T> {
    let shared = |p: &Path| from.components().zip(p.components()).take_while(|(a, b)| a == b).count();
    let best = candidates.iter().map(|c| shared(path(c))).max().unwrap_or(0);
    candidates.iter().filter(|c| shared(path(c)) == best).copied().collect()
}

/// Hop ids of the containers a Service port routes to. The Service is looked
/// up nearest to the Ingress (`from`) and the workloads nearest to the
/// Service, so same-named objects of unrelated subprojects do not link.
fn container_ids(
    project: &Project,
    from: &Path,
    namespace: &str,
    service: &str,
    port: Option<&PortRef>,
) -> Vec<String> {
    let mut out = Vec::new();
    let named: Vec<&Manifests> = project
        .k8s
        .iter()
        .filter(|m| m.objects.iter().any(|o| o.meta.namespace == namespace && o.meta.name() == service))
        .collect();
    let path = |m: &Manifests| project.file(m.file).path.as_path();
    for manifests in nearest(from, &named, path) {
        let here = path(manifests);
        let objects = manifests.objects.iter();
        for object in objects.filter(|o| o.meta.namespace == namespace && o.meta.name() == service) {
            out.extend(service_containers(project, here, namespace, object, port));
        }
    }
    out
}

/// Hop ids of the containers `object` (if a Service, in file `here`) routes
/// `port` to.
fn service_containers(
    project: &Project,
    here: &Path,
    namespace: &str,
    object: &crate::model::k8s::Object,
    port: Option<&PortRef>,
) -> Vec<String> {
    let Some(svc) = object.service() else { return Vec::new() };
    // The Service port the Ingress names, and the target port it maps to.
    let target = svc
        .ports
        .iter()
        .find(|p| match port {
            Some(PortRef::Number(n)) => p.port.value() == Some(n),
            Some(PortRef::Name(name)) => p.name.as_ref().is_some_and(|s| &s.value == name),
            None => true,
        })
        .map(|p| {
            p.target_port
                .as_ref()
                .map_or_else(|| p.port.value().copied().map(PortRef::Number), |t| Some(t.value.clone()))
        });
    let Some(Some(target)) = target else { return Vec::new() };
    let selected: Vec<(&Manifests, Vec<String>)> = project
        .k8s
        .iter()
        .map(|m| (m, selected_containers(m, namespace, &svc.selector, &target)))
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    let files: Vec<&Manifests> = selected.iter().map(|(m, _)| *m).collect();
    let near = nearest(here, &files, |m| project.file(m.file).path.as_path());
    selected.into_iter().filter(|(m, _)| near.iter().any(|n| std::ptr::eq(*n, *m))).flat_map(|(_, ids)| ids).collect()
}

fn selected_containers(
    manifests: &Manifests,
    namespace: &str,
    selector: &[crate::model::k8s::KeyValue],
    target: &PortRef,
) -> Vec<String> {
    let mut out = Vec::new();
    for object in manifests.objects.iter().filter(|o| o.meta.namespace == namespace) {
        let Some(workload) = object.workload() else { continue };
        let selects = !selector.is_empty()
            && selector.iter().all(|s| workload.template_labels.iter().any(|l| l.key == s.key && l.value == s.value));
        if !selects {
            continue;
        }
        for container in workload.pod.containers.iter().filter(|c| !c.is_init) {
            let exposes = container.ports.iter().any(|p| match target {
                PortRef::Number(n) => p.container_port.value() == Some(n),
                PortRef::Name(name) => p.name.as_ref().is_some_and(|s| &s.value == name),
            });
            // A numeric target port need not be declared by the container.
            if exposes || matches!(target, PortRef::Number(_)) && workload.pod.containers.len() == 1 {
                out.push(format!("{}:{}/{}", manifests.path, object.kind_name(), container.name));
            }
        }
    }
    out
}

/// `server app:8000;` in an upstream (or `proxy_pass http://app:8000`) where
/// `app` is a compose service: the upstream talks to that service.
fn compose_links(project: &Project, hops: &[Hop], links: &mut Vec<Link>) {
    for upstream in hops.iter().filter(|h| h.kind == HopKind::NginxUpstream) {
        let source = project.file(upstream.file);
        let Some(tree) = project.nginx.tree(upstream.file) else { continue };
        let mut servers: Vec<(String, Span)> = Vec::new();
        tree.walk(&mut |d, parents| {
            let in_upstream = parents.last().is_some_and(|p| p.name_part().span == upstream.span);
            if in_upstream
                && d.name(&source.text) == "server"
                && let Some(arg) = d.args().next()
            {
                servers.push((arg.value(&source.text).into_owned(), d.span()));
            }
        });
        for (address, span) in servers {
            let host = address.split(':').next().unwrap_or_default();
            for compose in &project.compose {
                let id = format!("{}:service {host}", project.display_name(compose.file));
                if hops.iter().any(|h| h.id == id && is_backend(h.kind)) {
                    links.push(Link {
                        proxy: upstream.id.clone(),
                        backend: id,
                        how: How::Compose,
                        file: upstream.file,
                        span,
                    });
                }
            }
        }
    }
}
