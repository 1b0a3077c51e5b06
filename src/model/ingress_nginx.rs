//! ingress-nginx: the controllers found in manifests and Helm values, their
//! version and ConfigMap, and their hops with effective settings.

mod config_values;
mod lookup;
mod version;

pub use version::{NEWEST_KNOWN, version_from_tag};

use crate::knowledge::defaults;
use crate::knowledge::version::Version;
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::k8s::hops::{grace_period, stop_signal};
use crate::model::k8s::prestop::prestop_delay;
use crate::model::k8s::{Container, DataEntry, Field, HelmValues, KeyValue, Manifests, Meta, Object, PodSpec};
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;
use config_values::{
    COUNT, ConfigReader, HTTP_VERSION, INTEGER, NGINX_TIME, SECONDS, parse_count, parse_http_version, parse_int,
    parse_nginx_time, parse_seconds, pool,
};
use lookup::{NamedConfigMap, configmaps, find_configmap, is_conventional};
use version::{NoVersion, ResolvedVersion, resolve};

/// Controller images (RULES.md "Images").
const CONTROLLER_IMAGES: &[&str] = &[
    "registry.k8s.io/ingress-nginx/controller",
    "k8s.gcr.io/ingress-nginx/controller",
    "quay.io/kubernetes-ingress-controller/nginx-ingress-controller",
];

/// The controller binary, first in the args of every ingress-nginx manifest.
const CONTROLLER_BINARY: &str = "/nginx-ingress-controller";

/// Per-Ingress annotations that turn the upstream pool off for that
/// Ingress's locations (facts nginx-ingress-facts.md §4).
const CONNECTION_HEADER_ANNOTATION: &str = "nginx.ingress.kubernetes.io/connection-proxy-header";
const HTTP_VERSION_ANNOTATION: &str = "nginx.ingress.kubernetes.io/proxy-http-version";

/// Whether an image name (`registry/repository`, no tag) is the controller's.
/// Helm values write it without a registry (`ingress-nginx/controller`).
pub fn is_controller_image_name(name: &str) -> bool {
    CONTROLLER_IMAGES.contains(&name) || name == "ingress-nginx/controller"
}

/// Whether `key` is an ingress-nginx ConfigMap key with a tabulated default.
pub fn is_known_configmap_key(key: &str) -> bool {
    defaults::ingress_nginx(key, NEWEST_KNOWN).is_some()
}

/// A controller container found in the manifests.
#[derive(Clone, Copy, Debug)]
pub struct Controller<'m> {
    pub manifests: &'m Manifests,
    pub object: &'m Object,
    pub pod: &'m PodSpec,
    pub container: &'m Container,
}

/// Every ingress-nginx controller container (init containers aside): its
/// image is a controller image, or it runs `/nginx-ingress-controller`.
pub fn find_controllers(manifests: &[Manifests]) -> Vec<Controller<'_>> {
    let mut found = Vec::new();
    for file in manifests {
        for object in &file.objects {
            let Some(workload) = object.workload() else { continue };
            for container in workload.pod.containers.iter().filter(|c| c.runs_with_pod()) {
                let by_image = container.image.as_ref().is_some_and(|i| is_controller_image_name(&i.value.name()));
                let by_binary = container.words().next().is_some_and(|w| w.text == CONTROLLER_BINARY);
                if by_image || by_binary {
                    found.push(Controller { manifests: file, object, pod: &workload.pod, container });
                }
            }
        }
    }
    found
}

/// How an Ingress annotation turns upstream keepalive off for its locations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolDefeat {
    /// `proxy-http-version: "1.0"`.
    Http10,
    /// `connection-proxy-header: close`.
    ConnectionClose,
}

/// The annotations of an Ingress that disable upstream keepalive for its
/// locations, and how: `proxy-http-version: "1.0"`,
/// `connection-proxy-header: close`.
pub fn pool_defeats(meta: &Meta) -> Vec<(PoolDefeat, &KeyValue)> {
    let http10 = meta.annotation(HTTP_VERSION_ANNOTATION).filter(|a| a.value == "1.0");
    let close = meta.annotation(CONNECTION_HEADER_ANNOTATION).filter(|a| a.value.eq_ignore_ascii_case("close"));
    http10.map(|a| (PoolDefeat::Http10, a)).into_iter().chain(close.map(|a| (PoolDefeat::ConnectionClose, a))).collect()
}

/// A ConfigMap value the controller does not accept: it keeps its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue {
    pub file: FileId,
    pub key: String,
    pub key_span: Span,
    pub value: String,
    pub value_span: Span,
    /// What the controller expects ("an integer number of seconds").
    pub expected: &'static str,
    /// The default the controller uses instead, when known.
    pub default: Option<&'static str>,
}

/// Something the caller should tell the user (an assumed version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressNginxNote {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// What [`analyze`] found.
#[derive(Clone, Debug, Default)]
pub struct IngressNginx {
    pub hops: Vec<Hop>,
    pub invalid_values: Vec<InvalidValue>,
    pub notes: Vec<IngressNginxNote>,
}

/// The hops of every ingress-nginx controller in scope. A controller's
/// configuration comes from the ConfigMap named by its `--configmap` flag,
/// else the one with a conventional name, else the only Helm values file in
/// scope; without any, the defaults of its version. Helm values files not
/// used by a manifest are hops of their own, and so are conventionally named
/// ConfigMaps when no controller is in scope. `declared` is the version from
/// the command line or hoplint.toml, which wins over image tags. Hop ids
/// carry no namespace: of two hops with one id, the first is kept.
pub fn analyze(
    manifests: &[Manifests],
    helm_values: &[HelmValues],
    declared: Option<&Setting<Version>>,
) -> IngressNginx {
    let mut out = IngressNginx::default();
    let configmaps = configmaps(manifests);
    let controllers = find_controllers(manifests);
    let mut helm_used = vec![false; helm_values.len()];
    for controller in &controllers {
        let found = match &controller.container.image {
            Some(image) => version::from_image(image, controller.manifests.file),
            None => Err(NoVersion {
                file: controller.manifests.file,
                span: controller.container.line,
                why: "the controller has no image".to_owned(),
            }),
        };
        let version = resolve(declared, found, &mut out.notes);
        let pod = PodSettings::of_controller(controller);
        let source = match find_configmap(controller, &configmaps) {
            Some(cm) => configmap_source(cm),
            None if helm_values.len() == 1 => {
                helm_used[0] = true;
                helm_source(&helm_values[0])
            }
            None => ConfigSource {
                id: format!("{}:{}", controller.manifests.path, controller.object.kind_name()),
                file: controller.manifests.file,
                span: controller.object.name_line,
                entries: &[],
            },
        };
        push_new(&mut out.hops, config_hop(source, &version, pod, &mut out.invalid_values));
    }
    for (values, _) in helm_values.iter().zip(&helm_used).filter(|(_, used)| !**used) {
        let found =
            values.image.tag.as_ref().and_then(|tag| version::from_tag(tag, values.file)).ok_or_else(|| NoVersion {
                file: values.file,
                span: values.controller_line,
                why: "the values do not set controller.image.tag to a release".to_owned(),
            });
        let version = resolve(declared, found, &mut out.notes);
        let hop = config_hop(helm_source(values), &version, PodSettings::of_helm(values), &mut out.invalid_values);
        push_new(&mut out.hops, hop);
    }
    if controllers.is_empty() {
        for cm in configmaps.iter().filter(|cm| is_conventional(cm.object.meta.name())) {
            let source = configmap_source(cm);
            if has_hop(&out.hops, &source.id) {
                continue;
            }
            let missing = NoVersion {
                file: cm.manifests.file,
                span: cm.object.name_line,
                why: "no controller in scope".to_owned(),
            };
            let version = resolve(declared, Err(missing), &mut out.notes);
            let hop = config_hop(source, &version, PodSettings::not_in_scope(), &mut out.invalid_values);
            push_new(&mut out.hops, hop);
        }
    }
    out
}

fn has_hop(hops: &[Hop], id: &str) -> bool {
    hops.iter().any(|h| h.id == id)
}

/// Adds `hop` unless a hop with its id is there already.
fn push_new(hops: &mut Vec<Hop>, hop: Hop) {
    if !has_hop(hops, &hop.id) {
        hops.push(hop);
    }
}

/// Where a controller's ConfigMap keys are read from, and the hop's id.
struct ConfigSource<'a> {
    id: String,
    file: FileId,
    span: Span,
    entries: &'a [DataEntry],
}

fn configmap_source<'a>(cm: &NamedConfigMap<'a>) -> ConfigSource<'a> {
    ConfigSource {
        id: format!("{}:{}", cm.manifests.path, cm.object.kind_name()),
        file: cm.manifests.file,
        // RULES.md "Where a finding is reported": the `data:` line, else
        // (no entries: `data: null`, no `data:`) the ConfigMap's `name:`.
        span: cm.data.data_line.filter(|_| !cm.data.data.is_empty()).unwrap_or(cm.object.name_line),
        entries: &cm.data.data,
    }
}

fn helm_source(values: &HelmValues) -> ConfigSource<'_> {
    ConfigSource {
        id: values.path.clone(),
        file: values.file,
        span: values.config_line.unwrap_or(values.controller_line),
        entries: &values.config,
    }
}

/// The controller pod's shutdown settings.
struct PodSettings {
    stop_signal: Setting<String>,
    prestop: Setting<Millis>,
    grace: Setting<Millis>,
}

/// The controller image has no STOPSIGNAL; dumb-init (PID 1) forwards
/// SIGTERM, on which the controller drains (facts nginx-ingress-facts.md §9).
fn image_stop_signal() -> Setting<String> {
    Setting::default("SIGTERM".to_owned(), "ingress-nginx controller image stop signal (no STOPSIGNAL; dumb-init)")
}

/// Chart defaults: `terminationGracePeriodSeconds: 300` and preStop
/// `/wait-shutdown` (facts backend-lifecycle-facts.md §0,
/// `charts/ingress-nginx/values.yaml` L329-332, L1007-1018 at controller-v1.15.1).
const CHART_GRACE_PERIOD_SECONDS: u64 = 300;

impl PodSettings {
    fn of_controller(controller: &Controller<'_>) -> PodSettings {
        let file = controller.manifests.file;
        PodSettings {
            stop_signal: stop_signal(controller.container, file, image_stop_signal),
            prestop: prestop_delay(controller.container.pre_stop.as_ref(), file),
            grace: grace_period(controller.pod, file),
        }
    }

    fn of_helm(values: &HelmValues) -> PodSettings {
        let stop_signal = match &values.stop_signal {
            Some(signal) => Setting::explicit(signal.value.clone(), values.file, signal.span),
            None => image_stop_signal(),
        };
        let prestop = match &values.pre_stop {
            Some(hook) => prestop_delay(Some(hook), values.file),
            None => Setting::default(Millis(0), "ingress-nginx chart default preStop /wait-shutdown (no delay)"),
        };
        let grace = match &values.termination_grace_period_seconds {
            Field::Set(seconds) => {
                Setting::explicit(Millis::from_secs(seconds.value.unsigned_abs()), values.file, seconds.span)
            }
            Field::Invalid { reason, .. } => Setting::unknown(reason.clone()),
            Field::Absent => Setting::default(
                Millis::from_secs(CHART_GRACE_PERIOD_SECONDS),
                "ingress-nginx chart default controller.terminationGracePeriodSeconds",
            ),
        };
        PodSettings { stop_signal, prestop, grace }
    }

    fn not_in_scope() -> PodSettings {
        let reason = "the ingress-nginx controller's pod is not in scope";
        PodSettings {
            stop_signal: Setting::unknown(reason),
            prestop: Setting::unknown(reason),
            grace: Setting::unknown(reason),
        }
    }
}

fn config_hop(
    source: ConfigSource<'_>,
    version: &ResolvedVersion,
    pod: PodSettings,
    invalid: &mut Vec<InvalidValue>,
) -> Hop {
    let mut config = ConfigReader { entries: source.entries, file: source.file, version: version.version, invalid };
    let connections = config.read("upstream-keepalive-connections", parse_int, INTEGER);
    let http_version = config.read("proxy-http-version", parse_http_version, HTTP_VERSION);
    let settings = HopSettings {
        idle_timeout: Some(config.read("upstream-keepalive-timeout", parse_seconds, SECONDS)),
        client_idle_timeout: Some(config.read("keep-alive", parse_seconds, SECONDS)),
        max_requests_per_connection: Some(config.read("upstream-keepalive-requests", parse_count, COUNT)),
        pool: Some(pool(&connections, &http_version)),
        http_version: Some(http_version),
        read_timeout: Some(config.read("proxy-read-timeout", parse_seconds, SECONDS)),
        drain_timeout: Some(config.read("worker-shutdown-timeout", parse_nginx_time, NGINX_TIME)),
        stop_signal: Some(pod.stop_signal),
        prestop_seconds: Some(pod.prestop),
        grace_period: Some(pod.grace),
        ..HopSettings::default()
    };
    Hop {
        id: source.id,
        kind: HopKind::IngressNginx,
        file: source.file,
        span: source.span,
        software_version: Some(version.setting.clone()),
        settings,
    }
}
