//! Load balancers in front of nginx or of a backend (RULES.md KA008), as
//! `load-balancer` hops linked to what they front. From the manifests: a
//! `type: LoadBalancer` Service without NLB annotations is an AWS Classic
//! Load Balancer; an Ingress of class `alb` an AWS Application Load Balancer;
//! of class `gce` or `gce-internal` a GCP Application Load Balancer. From
//! hoplint.toml: `[front]` stands in front of every nginx of the project.
//! An NLB passes TCP connections through (layer 4) and pools nothing.

use crate::knowledge::images::{self, Software};
use crate::knowledge::load_balancers::{AWS_ALB, AWS_ELB, GCP_ALB, LoadBalancerKind};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::k8s::{Manifests, Meta, Object, Workload};
use crate::model::link::{self, How, Link};
use crate::model::setting::{Millis, Setting};
use crate::project::{GraphConfig, Project};
use crate::source::FileId;
use crate::span::Span;

/// Annotations of the AWS cloud provider and AWS Load Balancer Controller
/// that make a `LoadBalancer` Service an NLB.
const NLB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const NLB_TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
/// `nlb-ip` is the AWS Load Balancer Controller's legacy spelling.
const NLB_TYPES: [&str; 3] = ["nlb", "external", "nlb-ip"];
/// The Classic Load Balancer's idle timeout, in seconds.
const ELB_IDLE_TIMEOUT: &str = "service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout";
/// The ALB's attributes, `key=value` pairs separated by commas.
const ALB_ATTRIBUTES: &str = "alb.ingress.kubernetes.io/load-balancer-attributes";
const ALB_IDLE_TIMEOUT: &str = "idle_timeout.timeout_seconds";
/// The label the ingress-nginx chart puts on the controller's pods.
const CHART_NAME_LABEL: &str = "app.kubernetes.io/name";

/// The load balancer hops and their links to what they front.
#[derive(Debug, Default)]
pub struct Front {
    pub hops: Vec<Hop>,
    pub links: Vec<Link>,
}

/// A load balancer and the place that declares it.
struct Declared {
    id: String,
    file: FileId,
    /// The hop's line (the object's `name:`, or `[front]`'s key).
    span: Span,
    /// What makes it a load balancer (`type: LoadBalancer`, the class):
    /// where its links point.
    evidence: Span,
    idle: Setting<Millis>,
    how: How,
}

/// Every load balancer in front of a hop of `hops`.
pub fn load_balancers(project: &Project, hops: &[Hop]) -> Front {
    let mut front = Front::default();
    for manifests in &project.k8s {
        for object in &manifests.objects {
            if let Some(declared) = declared_in_manifest(manifests, object) {
                let fronted = fronted_by(project, hops, manifests, object);
                front.add(declared, &fronted);
            }
        }
    }
    if let Some(declared) = configured(project) {
        let proxies = hops.iter().filter(|h| matches!(h.kind, HopKind::NginxServer | HopKind::IngressNginx));
        let fronted: Vec<String> = proxies.map(|h| h.id.clone()).collect();
        front.add(declared, &fronted);
    }
    front
}

impl Front {
    /// A load balancer that fronts some hop; one in front of nothing hoplint
    /// read is left out.
    fn add(&mut self, lb: Declared, fronted: &[String]) {
        if fronted.is_empty() || self.hops.iter().any(|h| h.id == lb.id) {
            return;
        }
        for id in fronted {
            self.links.push(Link {
                proxy: lb.id.clone(),
                backend: id.clone(),
                how: lb.how,
                file: lb.file,
                span: lb.evidence,
            });
        }
        self.hops.push(Hop {
            id: lb.id,
            kind: HopKind::LoadBalancer,
            file: lb.file,
            span: lb.span,
            software_version: None,
            settings: HopSettings { idle_timeout: Some(lb.idle), ..HopSettings::default() },
        });
    }
}

/// A Service or Ingress that provisions a pooling load balancer.
fn declared_in_manifest(manifests: &Manifests, object: &Object) -> Option<Declared> {
    let file = manifests.file;
    let (evidence, idle) = if let Some(service) = object.service() {
        let service_type = service.service_type.as_ref().filter(|t| t.value == "LoadBalancer")?;
        if is_nlb(&object.meta) {
            return None;
        }
        (service_type.span, elb_idle(&object.meta, file))
    } else {
        let class = object.ingress()?.class.as_ref()?;
        let idle = match class.name.as_str() {
            "alb" => alb_idle(&object.meta, file),
            "gce" | "gce-internal" => default_idle(GCP_ALB),
            _ => return None,
        };
        (class.span, idle)
    };
    Some(Declared {
        id: format!("{}:{}", manifests.path, object.kind_name()),
        file,
        span: object.name_line,
        evidence,
        idle,
        how: How::Kubernetes,
    })
}

fn is_nlb(meta: &Meta) -> bool {
    meta.annotation(NLB_TYPE).is_some_and(|a| NLB_TYPES.contains(&a.value.as_str()))
        || meta.annotation(NLB_TARGET_TYPE).is_some()
}

fn default_idle(kind: LoadBalancerKind) -> Setting<Millis> {
    Setting::default(Millis::from_secs(kind.idle_seconds), kind.default_what())
}

/// Seconds written in an annotation (`value_span` of `file`).
fn seconds(text: &str, file: FileId, span: Span, what: &str) -> Setting<Millis> {
    match text.trim().parse::<u64>() {
        Ok(n) => Setting::explicit(Millis::from_secs(n), file, span),
        Err(_) => Setting::unknown(format!("{what} `{text}` is not a number of seconds")),
    }
}

fn elb_idle(meta: &Meta, file: FileId) -> Setting<Millis> {
    match meta.annotation(ELB_IDLE_TIMEOUT) {
        Some(a) => seconds(&a.value, file, a.value_span, ELB_IDLE_TIMEOUT),
        None => default_idle(AWS_ELB),
    }
}

fn alb_idle(meta: &Meta, file: FileId) -> Setting<Millis> {
    let Some(attributes) = meta.annotation(ALB_ATTRIBUTES) else { return default_idle(AWS_ALB) };
    let idle =
        attributes.value.split(',').filter_map(|pair| pair.split_once('=')).find(|(k, _)| k.trim() == ALB_IDLE_TIMEOUT);
    match idle {
        Some((_, value)) => seconds(value, file, attributes.value_span, ALB_IDLE_TIMEOUT),
        None => default_idle(AWS_ALB),
    }
}

/// `[front]` in hoplint.toml: `idle-timeout` when written, else the kind's.
fn configured(project: &Project) -> Option<Declared> {
    let config = &project.graph_config;
    let file = config.file?;
    let front = &config.front;
    let idle = match (&front.idle_timeout, front.idle_timeout(), front.lb_kind()) {
        (Some(written), Some(idle), _) => Setting::explicit(idle, file, GraphConfig::span(&written.span())),
        (_, _, Some(kind)) => default_idle(kind),
        _ => return None,
    };
    let key = front.kind.as_ref().or(front.idle_timeout.as_ref())?;
    let span = GraphConfig::span(&key.span());
    Some(Declared {
        id: format!("{}:front", project.file(file).display_path()),
        file,
        span,
        evidence: span,
        idle,
        how: How::Config,
    })
}

/// What a load-balancing Service, or the Services an Ingress routes to,
/// send traffic to.
fn fronted_by(project: &Project, hops: &[Hop], manifests: &Manifests, object: &Object) -> Vec<String> {
    let Some(ingress) = object.ingress() else { return service_fronts(project, hops, manifests, object) };
    let here = project.file(manifests.file).path.as_path();
    let paths = ingress.rules.iter().flat_map(|r| &r.paths).filter_map(|p| p.backend.as_ref());
    let mut out: Vec<String> = Vec::new();
    for backend in paths.chain(&ingress.default_backend) {
        for (m, service) in link::services_named(project, here, &object.meta.namespace, &backend.service.value) {
            out.extend(service_fronts(project, hops, m, service));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The hops behind a Service of `manifests`: the ingress-nginx controller or
/// the nginx servers of an nginx workload it selects (their client side),
/// else the backends of the containers it routes to. A Service that selects
/// no workload in scope but the chart's controller label fronts the
/// ingress-nginx controller whose configuration is in scope.
fn service_fronts(project: &Project, hops: &[Hop], manifests: &Manifests, object: &Object) -> Vec<String> {
    let Some(service) = object.service() else { return Vec::new() };
    let namespace = &object.meta.namespace;
    let controllers = crate::model::ingress_nginx::find_controllers(&project.k8s);
    let ingress_hops: Vec<&Hop> = hops.iter().filter(|h| h.kind == HopKind::IngressNginx).collect();
    let controller = |file: FileId| link::controller_for(project, &ingress_hops, file).map(|h| h.id.clone());
    let mut out = Vec::new();
    let mut selects_any = false;
    for m in &project.k8s {
        for selected in m.objects.iter().filter(|o| &o.meta.namespace == namespace) {
            let Some(workload) = selected.workload().filter(|w| link::selects(&service.selector, w)) else { continue };
            selects_any = true;
            if controllers.iter().any(|c| std::ptr::eq(c.object, selected)) {
                out.extend(controller(m.file));
            } else if runs_nginx(workload) {
                out.extend(nginx_servers(project, hops, m, workload));
            }
        }
    }
    let chart_label = service.selector.iter().any(|s| s.key == CHART_NAME_LABEL && s.value == "ingress-nginx");
    if !selects_any && chart_label {
        out.extend(controller(manifests.file));
    }
    if out.is_empty() {
        let here = project.file(manifests.file).path.as_path();
        let backends = link::service_containers(project, here, namespace, object, None);
        out.extend(backends.into_iter().filter(|id| hops.iter().any(|h| &h.id == id && link::is_backend(h.kind))));
    }
    out
}

fn runs_nginx(workload: &Workload) -> bool {
    let nginx = |c: &crate::model::k8s::Container| {
        c.image.as_ref().is_some_and(|i| images::software(&i.value) == Some(Software::Nginx))
    };
    workload.pod.containers.iter().filter(|c| c.runs_with_pod()).any(nginx)
}

/// The nginx servers an nginx workload runs: those of the configuration its
/// pod mounts from ConfigMaps, else those of the nginx configuration nearest
/// to its manifest in the directory tree (the image built beside it).
fn nginx_servers(project: &Project, hops: &[Hop], manifests: &Manifests, workload: &Workload) -> Vec<String> {
    let servers: Vec<&Hop> = hops.iter().filter(|h| h.kind == HopKind::NginxServer).collect();
    let mounted: Vec<String> = workload
        .pod
        .volumes
        .iter()
        .filter_map(|v| v.config_map.as_ref())
        .map(|cm| format!(":ConfigMap/{}/", cm.name.value))
        .collect();
    let from_configmaps: Vec<String> =
        servers.iter().filter(|h| mounted.iter().any(|m| h.id.contains(m))).map(|h| h.id.clone()).collect();
    if !from_configmaps.is_empty() {
        return from_configmaps;
    }
    let here = project.file(manifests.file).path.as_path();
    link::nearest(here, &servers, |h| project.file(h.file).path.as_path()).into_iter().map(|h| h.id.clone()).collect()
}
