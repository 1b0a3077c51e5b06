//! ingress-nginx: the controllers found in manifests and Helm values, their
//! version and ConfigMap, and their hops with effective settings.
//!
//! ConfigMap values are strings. The controller decodes them into its
//! `Configuration` struct with mapstructure's weakly typed input
//! (`internal/ingress/controller/template/configmap.go` `ReadConfig`): an
//! integer key takes `strconv.ParseInt(value, 0, 64)`, and a value that does
//! not parse leaves the default in place (a warning in the controller log).
//! So an invalid value is reported as data ([`InvalidValue`]) and the
//! effective setting is the default (RULES.md "Invalid values behave as the
//! software behaves").

use crate::knowledge::defaults;
use crate::knowledge::nginx_values;
use crate::knowledge::version::Version;
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::k8s::hops::{grace_period, stop_signal};
use crate::model::k8s::prestop::prestop_delay;
use crate::model::k8s::{
    ConfigMap, Container, DataEntry, Field, HelmValues, KeyValue, Manifests, Meta, Object, PodSpec,
};
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::span::Span;

/// The newest controller release known, assumed when nothing declares one
/// (RULES.md "Newest stable known"; the last release, facts
/// nginx-ingress-facts.md §7).
pub const NEWEST_KNOWN: Version = Version::new(1, 15, 1);

/// Controller images (RULES.md "Images").
const CONTROLLER_IMAGES: &[&str] = &[
    "registry.k8s.io/ingress-nginx/controller",
    "k8s.gcr.io/ingress-nginx/controller",
    "quay.io/kubernetes-ingress-controller/nginx-ingress-controller",
];

/// The controller binary, first in the args of every ingress-nginx manifest.
const CONTROLLER_BINARY: &str = "/nginx-ingress-controller";

/// The ConfigMap names of the static manifests (`ingress-nginx-controller`
/// since 0.30-era `deploy/static/provider/*`, `nginx-configuration` before)
/// and of the chart (`RELEASE-ingress-nginx-controller`).
const CONVENTIONAL_CONFIGMAPS: &[&str] = &["ingress-nginx-controller", "nginx-configuration"];
const CHART_CONFIGMAP_SUFFIX: &str = "-ingress-nginx-controller";

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

/// The controller version of an image tag: `v1.9.4` → 1.9.4, `0.30.0`,
/// `0.9.0-beta.15` → 0.9.0. Other tags (`latest`, `dev`, `${TAG}`) → `None`.
pub fn version_from_tag(tag: &str) -> Option<Version> {
    let release = tag.strip_prefix('v').unwrap_or(tag);
    let release = release.split_once('-').map_or(release, |(numbers, _)| numbers);
    let mut parts = release.split('.').map(|p| p.parse::<u16>().ok());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) => Some(Version::new(major, minor, patch)),
        _ => None,
    }
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

/// The annotation of an Ingress that disables upstream keepalive for its
/// locations: `connection-proxy-header: close` or `proxy-http-version: "1.0"`.
pub fn pool_disabled_by_annotation(meta: &Meta) -> Option<&KeyValue> {
    meta.annotation(CONNECTION_HEADER_ANNOTATION)
        .filter(|a| a.value.eq_ignore_ascii_case("close"))
        .or_else(|| meta.annotation(HTTP_VERSION_ANNOTATION).filter(|a| a.value == "1.0"))
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
/// else the one with a conventional name (in its namespace, or anywhere if
/// only one exists), else the only Helm values file in scope; without any,
/// the defaults of its version. Helm values files not used by a manifest
/// are hops of their own, and so are conventionally named ConfigMaps when no
/// controller is in scope. `declared` is the version from the command line
/// or hoplint.toml, which wins over image tags.
pub fn analyze(
    manifests: &[Manifests],
    helm_values: &[HelmValues],
    declared: Option<&Setting<Version>>,
) -> IngressNginx {
    let mut out = IngressNginx::default();
    let configmaps: Vec<NamedConfigMap<'_>> = manifests
        .iter()
        .flat_map(|m| {
            m.objects.iter().filter_map(move |o| Some(NamedConfigMap { manifests: m, object: o, data: o.configmap()? }))
        })
        .collect();
    let controllers = find_controllers(manifests);
    let mut helm_used = vec![false; helm_values.len()];
    let mut ids = std::collections::BTreeSet::new();
    for controller in &controllers {
        let version = controller_version(controller, declared, &mut out.notes);
        let pod = PodSettings::of_controller(controller);
        let hop = match find_configmap(controller, &configmaps) {
            Some(cm) => config_hop(cm.source(), &version, pod, &mut out.invalid_values),
            None if helm_values.len() == 1 => {
                helm_used[0] = true;
                config_hop(helm_source(&helm_values[0]), &version, pod, &mut out.invalid_values)
            }
            None => {
                let source = ConfigSource {
                    id: format!("{}:{}", controller.manifests.path, controller.object.kind_name()),
                    file: controller.manifests.file,
                    span: controller.object.name_line,
                    entries: &[],
                };
                config_hop(source, &version, pod, &mut out.invalid_values)
            }
        };
        if ids.insert(hop.id.clone()) {
            out.hops.push(hop);
        }
    }
    for (values, _) in helm_values.iter().zip(&helm_used).filter(|(_, used)| !**used) {
        let version = helm_version(values, declared, &mut out.notes);
        let hop = config_hop(helm_source(values), &version, PodSettings::of_helm(values), &mut out.invalid_values);
        if ids.insert(hop.id.clone()) {
            out.hops.push(hop);
        }
    }
    if controllers.is_empty() {
        for cm in configmaps.iter().filter(|cm| is_conventional(cm.object.meta.name())) {
            // Hop ids carry no namespace: the first of two same-named ConfigMaps in one file wins.
            if ids.contains(&cm.source().id) {
                continue;
            }
            let version = assumed_version(
                declared,
                cm.manifests.file,
                cm.object.name_line,
                "no controller in scope",
                &mut out.notes,
            );
            let hop = config_hop(cm.source(), &version, PodSettings::not_in_scope(), &mut out.invalid_values);
            if ids.insert(hop.id.clone()) {
                out.hops.push(hop);
            }
        }
    }
    out
}

struct NamedConfigMap<'m> {
    manifests: &'m Manifests,
    object: &'m Object,
    data: &'m ConfigMap,
}

impl NamedConfigMap<'_> {
    fn source(&self) -> ConfigSource<'_> {
        ConfigSource {
            id: format!("{}:{}", self.manifests.path, self.object.kind_name()),
            file: self.manifests.file,
            span: self.object.name_line,
            entries: &self.data.data,
        }
    }
}

/// Where a controller's ConfigMap keys are read from.
struct ConfigSource<'a> {
    id: String,
    file: FileId,
    span: Span,
    entries: &'a [DataEntry],
}

fn helm_source(values: &HelmValues) -> ConfigSource<'_> {
    ConfigSource {
        id: values.path.clone(),
        file: values.file,
        span: values.config_line.unwrap_or(values.controller_line),
        entries: &values.config,
    }
}

fn is_conventional(name: &str) -> bool {
    CONVENTIONAL_CONFIGMAPS.contains(&name) || name.ends_with(CHART_CONFIGMAP_SUFFIX)
}

/// The ConfigMap of a controller: `--configmap=NAMESPACE/NAME`, else an
/// unambiguous conventional name (in its own file, else its namespace, else
/// anywhere).
fn find_configmap<'a, 'm>(
    controller: &Controller<'_>,
    configmaps: &'a [NamedConfigMap<'m>],
) -> Option<&'a NamedConfigMap<'m>> {
    let own_namespace = controller.object.meta.namespace.as_str();
    if let Some((namespace, name)) = configmap_flag(controller) {
        let named = |cm: &&NamedConfigMap<'m>| {
            cm.object.meta.name() == name && namespace.as_deref().is_none_or(|ns| ns == cm.object.meta.namespace)
        };
        // The same name may be installed from several files (overlays,
        // copies): the controller's own file wins.
        let in_own_file = configmaps.iter().filter(named).find(|cm| cm.manifests.file == controller.manifests.file);
        if let Some(found) = in_own_file.or_else(|| configmaps.iter().find(named)) {
            return Some(found);
        }
    }
    let conventional: Vec<&NamedConfigMap<'m>> =
        configmaps.iter().filter(|cm| is_conventional(cm.object.meta.name())).collect();
    let only = |candidates: Vec<&'a NamedConfigMap<'m>>| match candidates.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let same_file = conventional.iter().copied().filter(|cm| cm.manifests.file == controller.manifests.file).collect();
    let same_namespace = conventional.iter().copied().filter(|cm| cm.object.meta.namespace == own_namespace).collect();
    only(same_file).or_else(|| only(same_namespace)).or_else(|| only(conventional))
}

/// `--configmap=NS/NAME` (or `--configmap NS/NAME`), with `$(VAR)`
/// references expanded as the kubelet does; an unresolvable namespace is
/// `None` (any namespace matches).
fn configmap_flag(controller: &Controller<'_>) -> Option<(Option<String>, String)> {
    let words: Vec<&str> = controller.container.words().map(|w| w.text.as_str()).collect();
    let value = words.iter().enumerate().find_map(|(i, word)| match word.strip_prefix("--configmap") {
        Some(rest) if rest.starts_with('=') => Some(&rest[1..]),
        Some("") => words.get(i + 1).copied(),
        _ => None,
    })?;
    let (namespace, name) = match value.split_once('/') {
        Some((namespace, name)) => (expand_vars(namespace, controller), name.to_owned()),
        None => (Some(controller.object.meta.namespace.clone()), value.to_owned()),
    };
    Some((namespace, name))
}

/// Expands `$(VAR)` from the container's environment (kubelet
/// `expansion.Expand`: literal values and the pod's own namespace; `$$` is a
/// literal `$`). `None` when a reference cannot be resolved statically.
fn expand_vars(text: &str, controller: &Controller<'_>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(stripped) = after.strip_prefix('$') {
            out.push('$');
            rest = stripped;
        } else if let Some((name, tail)) = after.strip_prefix('(').and_then(|r| r.split_once(')')) {
            out.push_str(&resolve_var(name, controller)?);
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Some(out)
}

fn resolve_var(name: &str, controller: &Controller<'_>) -> Option<String> {
    let container = controller.container;
    if let Some(value) = container.env_var(name).and_then(|v| v.value.clone()) {
        return Some(value);
    }
    container
        .env_field_refs
        .iter()
        .find(|r| r.name == name && r.field_path == "metadata.namespace")
        .map(|_| controller.object.meta.namespace.clone())
}

/// The version a hop uses, as a setting for the hop.
struct ResolvedVersion {
    version: Version,
    setting: Setting<String>,
}

fn from_declared(declared: &Setting<Version>) -> Option<ResolvedVersion> {
    let version = declared.value?;
    Some(ResolvedVersion {
        version,
        setting: Setting { value: Some(version.to_string()), origin: declared.origin.clone() },
    })
}

fn assumed_version(
    declared: Option<&Setting<Version>>,
    file: FileId,
    span: Span,
    why: &str,
    notes: &mut Vec<IngressNginxNote>,
) -> ResolvedVersion {
    if let Some(resolved) = declared.and_then(from_declared) {
        return resolved;
    }
    notes.push(IngressNginxNote {
        file,
        span,
        message: format!("ingress-nginx version assumed: {NEWEST_KNOWN} (newest known; {why})"),
    });
    ResolvedVersion {
        version: NEWEST_KNOWN,
        setting: Setting::default(
            NEWEST_KNOWN.to_string(),
            format!("ingress-nginx {NEWEST_KNOWN}, newest known (assumed)"),
        ),
    }
}

/// Declared version, else the controller image tag, else the newest.
fn controller_version(
    controller: &Controller<'_>,
    declared: Option<&Setting<Version>>,
    notes: &mut Vec<IngressNginxNote>,
) -> ResolvedVersion {
    if let Some(resolved) = declared.and_then(from_declared) {
        return resolved;
    }
    let file = controller.manifests.file;
    let Some(image) = &controller.container.image else {
        return assumed_version(declared, file, controller.container.line, "the controller has no image", notes);
    };
    if let Some(version) = image.value.tag.as_deref().and_then(version_from_tag) {
        ResolvedVersion { version, setting: Setting::explicit(version.to_string(), file, image.span) }
    } else {
        let why = format!("image `{}` has no version tag", image.value.text);
        assumed_version(declared, file, image.span, &why, notes)
    }
}

/// Declared version, else `controller.image.tag`, else the newest.
fn helm_version(
    values: &HelmValues,
    declared: Option<&Setting<Version>>,
    notes: &mut Vec<IngressNginxNote>,
) -> ResolvedVersion {
    if let Some(resolved) = declared.and_then(from_declared) {
        return resolved;
    }
    if let Some((version, span)) = values.image.tag.as_ref().and_then(|t| Some((version_from_tag(&t.value)?, t.span))) {
        ResolvedVersion { version, setting: Setting::explicit(version.to_string(), values.file, span) }
    } else {
        let why = "the values do not set controller.image.tag to a release";
        assumed_version(declared, values.file, values.controller_line, why, notes)
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
    let connections = config.read("upstream-keepalive-connections", parse_int, "an integer");
    let http_version = config.read("proxy-http-version", parse_http_version, "\"1.0\" or \"1.1\"");
    let settings = HopSettings {
        idle_timeout: Some(config.read("upstream-keepalive-timeout", parse_seconds, SECONDS)),
        client_idle_timeout: Some(config.read("keep-alive", parse_seconds, SECONDS)),
        max_requests_per_connection: Some(config.read(
            "upstream-keepalive-requests",
            parse_count,
            "a non-negative integer",
        )),
        pool: Some(pool(&connections, &http_version)),
        http_version: Some(http_version),
        read_timeout: Some(config.read("proxy-read-timeout", parse_seconds, SECONDS)),
        drain_timeout: Some(config.read("worker-shutdown-timeout", parse_nginx_time, "an nginx time such as \"240s\"")),
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

const SECONDS: &str = "an integer number of seconds (such as \"60\")";

/// Reads ConfigMap keys with the defaults of one controller version.
struct ConfigReader<'a> {
    entries: &'a [DataEntry],
    file: FileId,
    version: Version,
    invalid: &'a mut Vec<InvalidValue>,
}

impl ConfigReader<'_> {
    /// The key's effective value: written and valid, else the version's
    /// default (an invalid value is recorded).
    fn read<T>(&mut self, key: &'static str, parse: fn(&str) -> Option<T>, expected: &'static str) -> Setting<T> {
        let row = defaults::ingress_nginx(key, self.version);
        let default = || match row.and_then(|r| parse(r.default)) {
            Some(value) => Setting::default(value, format!("ingress-nginx {} default {key}", self.version)),
            None => Setting::unknown(format!("no default of {key} known for ingress-nginx {}", self.version)),
        };
        let Some(entry) = self.entries.iter().find(|e| e.key == key) else { return default() };
        if let Some(value) = parse(&entry.value) {
            return Setting::explicit(value, self.file, entry.value_span);
        }
        self.invalid.push(InvalidValue {
            file: self.file,
            key: key.to_owned(),
            key_span: entry.key_span,
            value: entry.value.clone(),
            value_span: entry.value_span,
            expected,
            default: row.map(|r| r.default),
        });
        default()
    }
}

/// Pool effectively on (RULES.md "Pool effectively on"):
/// `upstream-keepalive-connections` > 0 (the template renders `keepalive`
/// only then) and `proxy-http-version` ≠ 1.0.
fn pool(connections: &Setting<i64>, http_version: &Setting<String>) -> Setting<bool> {
    let off = |origin: &Origin| Setting { value: Some(false), origin: origin.clone() };
    match (connections.value, http_version.value.as_deref()) {
        (Some(n), _) if n <= 0 => off(&connections.origin),
        (_, Some("1.0")) => off(&http_version.origin),
        (Some(_), Some(_)) => Setting { value: Some(true), origin: connections.origin.clone() },
        _ => Setting::unknown("upstream-keepalive-connections or proxy-http-version is not known"),
    }
}

/// `strconv.ParseInt(s, 0, 64)` as mapstructure calls it (an empty string
/// decodes as 0).
fn parse_int(text: &str) -> Option<i64> {
    if text.is_empty() { Some(0) } else { crate::model::k8s::go_values::parse_int(text) }
}

/// Seconds: the template appends `s`, so a negative number makes nginx
/// reject the configuration (treated as invalid).
fn parse_seconds(text: &str) -> Option<Millis> {
    parse_int(text).and_then(|n| u64::try_from(n).ok()).map(Millis::from_secs)
}

fn parse_count(text: &str) -> Option<u64> {
    parse_int(text).and_then(|n| u64::try_from(n).ok())
}

/// `proxy_http_version` takes `1.0` or `1.1` (nginx proxy module); anything
/// else fails `nginx -t`, so the controller keeps its configuration.
fn parse_http_version(text: &str) -> Option<String> {
    matches!(text, "1.0" | "1.1").then(|| text.to_owned())
}

/// `worker_shutdown_timeout` is an nginx time (msec slot).
fn parse_nginx_time(text: &str) -> Option<Millis> {
    nginx_values::parse_time(text, false).map(Millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_tags() {
        assert_eq!(version_from_tag("v1.9.4"), Some(Version::new(1, 9, 4)));
        assert_eq!(version_from_tag("0.30.0"), Some(Version::new(0, 30, 0)));
        assert_eq!(version_from_tag("0.9.0-beta.15"), Some(Version::new(0, 9, 0)));
        assert_eq!(version_from_tag("dev"), None);
        assert_eq!(version_from_tag("v1.9"), None);
        assert_eq!(version_from_tag("${TAG}"), None);
    }

    #[test]
    fn config_values_parse_like_the_controller() {
        assert_eq!(parse_seconds("3600s"), None);
        assert_eq!(parse_seconds("3600"), Some(Millis::from_secs(3600)));
        assert_eq!(parse_seconds("-1"), None);
        assert_eq!(parse_int(""), Some(0));
        assert_eq!(parse_int("0x10"), Some(16));
        assert_eq!(parse_http_version("2"), None);
        assert_eq!(parse_nginx_time("240s"), Some(Millis::from_secs(240)));
        assert_eq!(parse_nginx_time("1m30s"), Some(Millis::from_secs(90)));
    }

    #[test]
    fn pool_is_off_when_either_key_turns_it_off() {
        let file = FileId(0);
        let on = pool(&Setting::default(320, "d"), &Setting::default("1.1".to_owned(), "d"));
        assert_eq!(on.value, Some(true));
        let zero = pool(&Setting::explicit(0, file, Span::new(1, 2)), &Setting::default("1.1".to_owned(), "d"));
        assert_eq!(zero, Setting::explicit(false, file, Span::new(1, 2)));
        let http10 = pool(&Setting::default(320, "d"), &Setting::explicit("1.0".to_owned(), file, Span::new(5, 8)));
        assert_eq!(http10, Setting::explicit(false, file, Span::new(5, 8)));
        assert!(!pool(&Setting::unknown("x"), &Setting::default("1.1".to_owned(), "d")).is_known());
    }
}
