//! Which ConfigMap a controller reads: the one its `--configmap` flag names,
//! else one with a conventional name (RULES.md "Linking hops").

use crate::model::ingress_nginx::Controller;
use crate::model::k8s::{ConfigMap, Manifests, Object};

/// ConfigMap names of the static manifests: `nginx-configuration` in older
/// ones (controller 0.x `deploy/static/mandatory.yaml`),
/// `ingress-nginx-controller` in those generated from the chart.
const CONVENTIONAL_NAMES: &[&str] = &["ingress-nginx-controller", "nginx-configuration"];

/// The chart names it `RELEASE-ingress-nginx-controller`.
const CHART_NAME_SUFFIX: &str = "-ingress-nginx-controller";

/// A ConfigMap with the file it is in.
pub(super) struct NamedConfigMap<'m> {
    pub manifests: &'m Manifests,
    pub object: &'m Object,
    pub data: &'m ConfigMap,
}

/// Every ConfigMap of `manifests`.
pub(super) fn configmaps(manifests: &[Manifests]) -> Vec<NamedConfigMap<'_>> {
    manifests
        .iter()
        .flat_map(|m| {
            m.objects.iter().filter_map(move |o| Some(NamedConfigMap { manifests: m, object: o, data: o.configmap()? }))
        })
        .collect()
}

pub(super) fn is_conventional(name: &str) -> bool {
    CONVENTIONAL_NAMES.contains(&name) || name.ends_with(CHART_NAME_SUFFIX)
}

/// The ConfigMap of a controller: `--configmap=NAMESPACE/NAME` (the same
/// name may be applied from several files, overlays or copies: the
/// controller's own file wins), else an unambiguous conventional name (in
/// its own file, else its namespace, else anywhere).
pub(super) fn find_configmap<'a, 'm>(
    controller: &Controller<'_>,
    configmaps: &'a [NamedConfigMap<'m>],
) -> Option<&'a NamedConfigMap<'m>> {
    let in_own_file = |cm: &&NamedConfigMap<'m>| cm.manifests.file == controller.manifests.file;
    if let Some((namespace, name)) = configmap_flag(controller) {
        let named = |cm: &&NamedConfigMap<'m>| {
            cm.object.meta.name() == name && namespace.as_deref().is_none_or(|ns| ns == cm.object.meta.namespace)
        };
        let found = configmaps.iter().filter(named).find(in_own_file).or_else(|| configmaps.iter().find(named));
        if found.is_some() {
            return found;
        }
    }
    let conventional: Vec<&NamedConfigMap<'m>> =
        configmaps.iter().filter(|cm| is_conventional(cm.object.meta.name())).collect();
    let only = |candidates: Vec<&'a NamedConfigMap<'m>>| match candidates.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let own_namespace = controller.object.meta.namespace.as_str();
    let same_file = conventional.iter().copied().filter(in_own_file).collect();
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
