//! The hop graph (RULES.md "Linking hops"): which backend each proxy talks
//! to. Methods, in order: `[[link]]` entries of hoplint.toml; inline
//! `# hoplint: backend=PATH` in an `upstream` block; the Kubernetes graph
//! (Ingress → Service → selected pods → the container with the target port);
//! compose service names in upstream `server` lines and `proxy_pass` URLs;
//! and the implicit single pair. A proxy that a `[[link]]` links is left
//! alone by the later methods. Every link records how it was made.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::model::hop::{Hop, HopKind};
use crate::model::k8s::{Manifests, PortRef};
use crate::project::{GraphConfig, Project};
use crate::source::FileId;
use crate::source::absolute;
use crate::span::Span;

/// How a link was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// A `[[link]]` entry (or `[front]`) in hoplint.toml.
    Config,
    /// `# hoplint: backend=…` in the upstream block.
    Inline,
    /// Ingress → Service → pods → container, or a load balancer the
    /// manifests declare.
    Kubernetes,
    /// A compose service name in an upstream `server` or `proxy_pass`.
    Compose,
    /// The only proxy upstream and the only backend of the project.
    Implicit,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Config => "config",
            How::Inline => "inline",
            How::Kubernetes => "kubernetes",
            How::Compose => "compose",
            How::Implicit => "implicit",
        }
    }
}

/// A proxy hop linked to a backend hop (or a load balancer to what it
/// fronts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub proxy: String,
    pub backend: String,
    pub how: How,
    /// The evidence: the `[[link]]` entry, the inline comment, the Ingress
    /// path, the `server` line.
    pub file: FileId,
    pub span: Span,
}

/// A written link that names nothing hoplint read (HL003).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleLink {
    pub file: FileId,
    pub span: Span,
    /// As written: `backend=PATH`, or `backend = "PATH"` in a `[[link]]`.
    pub written: String,
    /// What it should name: "backend configuration", "proxy".
    pub wanted: &'static str,
}

/// Proxies a `[[link]]` linked, which later methods leave alone.
#[derive(Debug, Default)]
struct Claims {
    /// Hop ids of proxies linked as a whole.
    proxies: HashSet<String>,
    /// Ingresses (their file and `Ingress/name`) linked one by one.
    ingresses: HashSet<(FileId, String)>,
}

/// The links between `hops` (with `front`, the load balancers' links, which
/// no method here makes), and written links that lead nowhere.
pub fn link(project: &Project, hops: &[Hop], front: Vec<Link>) -> (Vec<Link>, Vec<StaleLink>) {
    let mut links = Vec::new();
    let mut stale = Vec::new();
    let backends: Vec<&Hop> = hops.iter().filter(|h| is_backend(h.kind)).collect();
    let claims = config_links(project, hops, &backends, &mut links, &mut stale);
    inline_links(project, hops, &backends, &claims, &mut links, &mut stale);
    kubernetes_links(project, hops, &claims, &mut links);
    compose_links(project, hops, &claims, &mut links);
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
    links.extend(front);
    links.sort_by(|a, b| (&a.proxy, &a.backend).cmp(&(&b.proxy, &b.backend)));
    links.dedup_by(|a, b| a.proxy == b.proxy && a.backend == b.backend);
    (links, stale)
}

/// Backend servers (and containers, which may run one hoplint does not know).
pub fn is_backend(kind: HopKind) -> bool {
    !kind.is_proxy() && kind != HopKind::Container
}

/// A written target, `PATH` or `PATH:SUFFIX` (`upstream app`,
/// `Deployment/app/web`).
fn split_target(target: &str) -> (&str, Option<&str>) {
    target.split_once(':').map_or((target, None), |(p, s)| (p, Some(s)))
}

/// The `candidates` defined in one of the `wanted` files (absolute,
/// normalized) whose id ends with `suffix` — or, for a workload, names one of
/// its containers (`Deployment/app` matches `…:Deployment/app/web`).
fn matching_hops<'h>(
    project: &Project,
    candidates: &[&'h Hop],
    wanted: &[PathBuf],
    suffix: Option<&str>,
) -> Vec<&'h Hop> {
    let names = |id: &str, s: &str| id.ends_with(s) || id.contains(&format!(":{s}/"));
    let suffix_matches = |h: &&Hop| suffix.is_none_or(|s| names(&h.id, s));
    let wanted_file = |file: FileId| wanted.iter().any(|w| w == project.absolute_path(file));
    let defined: Vec<&Hop> = candidates.iter().copied().filter(|h| wanted_file(h.file) && suffix_matches(h)).collect();
    if !defined.is_empty() || suffix.is_some() {
        return defined;
    }
    // A configuration file no hop is defined by, such as a gunicorn.conf.py
    // the container that runs gunicorn reads: the hops whose settings come
    // from it.
    candidates.iter().copied().filter(|h| h.written_in(&wanted_file)).collect()
}

/// Method 1: `[[link]] proxy = "…" backend = "…"`, paths relative to the
/// project root. The proxy is an upstream or ingress-nginx hop
/// (`file:upstream NAME`, `file`), every ingress-nginx controller
/// (`ingress-nginx`), or the controller serving one Ingress
/// (`file:Ingress/NAME`); the backend, every backend hop defined in the file
/// (or the workload) named. An entry that resolves to nothing is stale and
/// claims nothing, so its proxy falls back to the later methods.
fn config_links(
    project: &Project,
    hops: &[Hop],
    backends: &[&Hop],
    links: &mut Vec<Link>,
    stale: &mut Vec<StaleLink>,
) -> Claims {
    let mut claims = Claims::default();
    let Some(file) = project.graph_config.file else { return claims };
    let proxies: Vec<&Hop> =
        hops.iter().filter(|h| matches!(h.kind, HopKind::NginxUpstream | HopKind::IngressNginx)).collect();
    let controllers: Vec<&Hop> = hops.iter().filter(|h| h.kind == HopKind::IngressNginx).collect();
    for entry in &project.graph_config.links {
        let span = GraphConfig::span(&entry.span());
        let (proxy, backend) = (entry.get_ref().proxy.get_ref(), entry.get_ref().backend.get_ref());
        let (found_proxies, ingress) = config_proxies(project, &proxies, &controllers, proxy);
        let (path, suffix) = split_target(backend);
        let found_backends = matching_hops(project, backends, &[absolute(&project.root.join(path))], suffix);
        if found_proxies.is_empty() {
            stale.push(StaleLink { file, span, written: format!("proxy = \"{proxy}\""), wanted: "proxy" });
        }
        if found_backends.is_empty() {
            let written = format!("backend = \"{backend}\"");
            stale.push(StaleLink { file, span, written, wanted: "backend configuration" });
        }
        if found_proxies.is_empty() || found_backends.is_empty() {
            continue;
        }
        for p in &found_proxies {
            for b in &found_backends {
                links.push(Link { proxy: p.id.clone(), backend: b.id.clone(), how: How::Config, file, span });
            }
        }
        match ingress {
            Some(ingress) => {
                claims.ingresses.insert(ingress);
            }
            None => claims.proxies.extend(found_proxies.iter().map(|p| p.id.clone())),
        }
    }
    claims
}

/// The proxy hops a `[[link]]` proxy names, and the Ingress when it names
/// one.
fn config_proxies<'h>(
    project: &Project,
    proxies: &[&'h Hop],
    controllers: &[&'h Hop],
    written: &str,
) -> (Vec<&'h Hop>, Option<(FileId, String)>) {
    if written == "ingress-nginx" {
        return (controllers.to_vec(), None);
    }
    let (path, suffix) = split_target(written);
    let wanted = absolute(&project.root.join(path));
    let Some(name) = suffix.and_then(|s| s.strip_prefix("Ingress/")) else {
        return (matching_hops(project, proxies, &[wanted], suffix), None);
    };
    let manifests = project.k8s.iter().find(|m| {
        project.absolute_path(m.file) == wanted
            && m.objects.iter().any(|o| o.ingress().is_some() && o.meta.name() == name)
    });
    let Some(manifests) = manifests else { return (Vec::new(), None) };
    match controller_for(project, controllers, manifests.file) {
        Some(controller) => (vec![controller], Some((manifests.file, format!("Ingress/{name}")))),
        None => (Vec::new(), None),
    }
}

/// `# hoplint: backend=PATH` inside an `upstream{}`: PATH is a file (relative
/// to the project root, or to the nginx file's directory or any directory
/// above it — so a monorepo checked from its top resolves the links its
/// subprojects wrote relative to their own roots) whose backend hop is meant.
fn inline_links(
    project: &Project,
    hops: &[Hop],
    backends: &[&Hop],
    claims: &Claims,
    links: &mut Vec<Link>,
    stale: &mut Vec<StaleLink>,
) {
    let upstreams = hops.iter().filter(|h| h.kind == HopKind::NginxUpstream && !claims.proxies.contains(&h.id));
    for upstream in upstreams {
        let source = project.file(upstream.file);
        let Some(directive) = project.nginx_directive_at(upstream.file, upstream.span) else { continue };
        let comments = directive.block().into_iter().flat_map(|b| &b.nodes).filter_map(|n| match n {
            crate::syntax::nginx::Node::Comment(span) => Some(*span),
            _ => None,
        });
        for comment in comments {
            let text = comment.text(&source.text);
            let Some(target) = text.split("hoplint:").nth(1).and_then(|r| r.trim().strip_prefix("backend=")) else {
                continue;
            };
            let target = target.split_whitespace().next().unwrap_or_default();
            let (path, suffix) = split_target(target);
            let dir = absolute(source.path.parent().unwrap_or(Path::new("")));
            let mut wanted: Vec<_> = dir.ancestors().map(|d| absolute(&d.join(path))).collect();
            wanted.push(absolute(&project.root.join(path)));
            match matching_hops(project, backends, &wanted, suffix).first() {
                Some(backend) => links.push(Link {
                    proxy: upstream.id.clone(),
                    backend: backend.id.clone(),
                    how: How::Inline,
                    file: upstream.file,
                    span: comment,
                }),
                None => stale.push(StaleLink {
                    file: upstream.file,
                    span: comment,
                    written: format!("backend={target}"),
                    wanted: "backend configuration",
                }),
            }
        }
    }
}

/// The ingress-nginx controller that serves the Ingresses of `file`: the only
/// one, or — in a monorepo holding several — the one nearest in the
/// directory tree, when no other is as near.
pub(crate) fn controller_for<'h>(project: &Project, controllers: &[&'h Hop], file: FileId) -> Option<&'h Hop> {
    let nearest = nearest(&project.file(file).path, controllers, |c| &project.file(c.file).path);
    match nearest.as_slice() {
        [controller] => Some(*controller),
        _ => None,
    }
}

/// Ingress → Service (name, port) → workloads whose pod labels the Service
/// selects → the container exposing the target port (by number or name) →
/// that container's hop. The proxy is the ingress-nginx hop for Ingresses of
/// an nginx class or none ([`controller_for`]). Ingresses and controllers a
/// `[[link]]` claimed are skipped.
fn kubernetes_links(project: &Project, hops: &[Hop], claims: &Claims, links: &mut Vec<Link>) {
    let controllers: Vec<&Hop> = hops.iter().filter(|h| h.kind == HopKind::IngressNginx).collect();
    for manifests in &project.k8s {
        let here = &project.file(manifests.file).path;
        let Some(controller) = controller_for(project, &controllers, manifests.file) else { continue };
        if claims.proxies.contains(&controller.id) {
            continue;
        }
        for object in &manifests.objects {
            let Some(ingress) = object.ingress() else { continue };
            if claims.ingresses.contains(&(manifests.file, object.kind_name())) {
                continue;
            }
            if !ingress.for_nginx() {
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
pub(crate) fn nearest<'a, 'p, T>(from: &Path, candidates: &[&'a T], path: impl Fn(&T) -> &'p Path) -> Vec<&'a T> {
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
    services_named(project, from, namespace, service)
        .into_iter()
        .flat_map(|(manifests, object)| {
            service_containers(project, &project.file(manifests.file).path, namespace, object, port)
        })
        .collect()
}

/// The objects named `service` in `namespace` (Services, for a caller that
/// follows an Ingress backend), in the files nearest to `from`.
pub(crate) fn services_named<'p>(
    project: &'p Project,
    from: &Path,
    namespace: &str,
    service: &str,
) -> Vec<(&'p Manifests, &'p crate::model::k8s::Object)> {
    let named_here = |o: &&crate::model::k8s::Object| o.meta.namespace == namespace && o.meta.name() == service;
    let named: Vec<&Manifests> = project.k8s.iter().filter(|m| m.objects.iter().any(|o| named_here(&o))).collect();
    let path = |m: &Manifests| project.file(m.file).path.as_path();
    nearest(from, &named, path)
        .into_iter()
        .flat_map(|manifests| manifests.objects.iter().filter(named_here).map(move |o| (manifests, o)))
        .collect()
}

/// Hop ids of the containers `object` (if a Service, in file `here`) routes
/// `port` to.
pub(crate) fn service_containers(
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
        if !selects(selector, workload) {
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
fn compose_links(project: &Project, hops: &[Hop], claims: &Claims, links: &mut Vec<Link>) {
    for upstream in hops.iter().filter(|h| h.kind == HopKind::NginxUpstream && !claims.proxies.contains(&h.id)) {
        let source = project.file(upstream.file);
        let Some(directive) = project.nginx_directive_at(upstream.file, upstream.span) else { continue };
        let servers = directive.block().into_iter().flat_map(crate::syntax::nginx::Block::directives).filter_map(|d| {
            let arg = d.args().next().filter(|_| d.name(&source.text) == "server")?;
            Some((arg.value(&source.text).into_owned(), d.span()))
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

/// Whether a Service `selector` selects the pods of `workload` (an empty
/// selector selects none: such a Service has its endpoints managed by hand).
pub(crate) fn selects(selector: &[crate::model::k8s::KeyValue], workload: &crate::model::k8s::Workload) -> bool {
    !selector.is_empty()
        && selector.iter().all(|s| workload.template_labels.iter().any(|l| l.key == s.key && l.value == s.value))
}
