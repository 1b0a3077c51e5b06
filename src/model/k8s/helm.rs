//! Helm: templates are recognised (and skipped: hoplint never renders them);
//! values files of the ingress-nginx chart are read for the controller's
//! configuration (`controller.config`, image, shutdown settings).

use crate::model::ingress_nginx;
use crate::model::k8s::configmap::{DataEntry, read_entries};
use crate::model::k8s::fields::{Field, KeyValue, Reader, Spanned};
use crate::model::k8s::pod::{PreStopHook, read_pre_stop};
use crate::model::problem::ParseProblem;
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::syntax::yaml::{self, Node};

/// Text inside `{{ … }}` that only Helm templates use: its built-in objects
/// and its own functions (Helm docs, "Chart Template Guide").
const HELM_MARKERS: &[&str] = &[
    ".Values",
    ".Release",
    ".Chart",
    ".Capabilities",
    ".Files",
    ".Template",
    "include ",
    "toYaml",
    "nindent",
    "tpl ",
    "required ",
    "lookup ",
];

/// Keys of the ingress-nginx chart's `controller:` section that other charts
/// do not use (kubernetes/ingress-nginx `charts/ingress-nginx/values.yaml`).
const CHART_CONTROLLER_KEYS: &[&str] = &[
    "admissionWebhooks",
    "publishService",
    "ingressClassResource",
    "allowSnippetAnnotations",
    "watchIngressWithoutClass",
    "ingressClassByName",
    "electionID",
];

/// Whether a YAML file is a Helm template: a `{{ … }}` action that uses
/// Helm's objects or functions, or `{{` in text that is not valid YAML. Go
/// templates kept inside a ConfigMap value (`{{.WorkerProcesses}}`) do not
/// count.
pub fn is_helm_template(text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let action = &rest[open + 2..];
        let close = action.find("}}").unwrap_or(action.len());
        if HELM_MARKERS.iter().any(|marker| action[..close].contains(marker)) {
            return true;
        }
        rest = &action[close..];
    }
    yaml::parse(text).error.is_some()
}

/// The ingress-nginx chart's values, as far as hops need them.
#[derive(Clone, Debug)]
pub struct HelmValues {
    pub file: FileId,
    pub path: String,
    /// The `controller:` line.
    pub controller_line: Span,
    /// The `controller.config:` line.
    pub config_line: Option<Span>,
    /// `controller.config`: ConfigMap keys.
    pub config: Vec<DataEntry>,
    pub image: HelmImage,
    pub termination_grace_period_seconds: Field<i64>,
    pub pre_stop: Option<PreStopHook>,
    pub stop_signal: Option<Spanned<String>>,
    /// `controller.extraArgs`: flags without their `--`.
    pub extra_args: Vec<KeyValue>,
    pub config_map_namespace: Option<Spanned<String>>,
    pub problems: Vec<ParseProblem>,
}

/// `controller.image` (`registry` + `image` in current charts, `repository`
/// in older ones).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelmImage {
    pub registry: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub repository: Option<Spanned<String>>,
    pub tag: Option<Spanned<String>>,
    pub digest: Option<Spanned<String>>,
}

impl HelmImage {
    /// `registry/image`, or `repository`.
    pub fn name(&self) -> Option<String> {
        match (&self.registry, &self.image, &self.repository) {
            (Some(registry), Some(image), _) => Some(format!("{}/{}", registry.value, image.value)),
            (None, Some(image), _) => Some(image.value.clone()),
            (_, None, Some(repository)) => Some(repository.value.clone()),
            _ => None,
        }
    }
}

/// Reads a values file that configures ingress-nginx: `controller:` at the
/// top (or under `ingress-nginx:` in an umbrella chart). `None` for any
/// other YAML, for Kubernetes objects, and for values that do not look like
/// the ingress-nginx chart's (other charts also have a `controller:` key).
pub fn read_helm_values(file: FileId, source: &SourceFile) -> Option<HelmValues> {
    let parsed = yaml::parse(&source.text);
    let root = parsed.documents.first()?.root.as_ref()?;
    if root.get("apiVersion").is_some() && root.get("kind").is_some() {
        return None;
    }
    let (parent, controller) = if let Some(controller) = root.get("controller") {
        (root, controller)
    } else {
        let subchart = root.get("ingress-nginx")?;
        (subchart, subchart.get("controller")?)
    };
    if !configures_ingress_nginx(controller) {
        return None;
    }
    let mut reader = Reader::new(file, &source.text);
    let controller_line = reader.key_line(parent, "controller")?;
    let config_line = reader.key_line(controller, "config");
    let config = reader.mapping(controller, "config").map(|c| read_entries(&mut reader, c, "config", false));
    let image = reader.mapping(controller, "image").map_or_else(HelmImage::default, |image| HelmImage {
        registry: reader.string(image, "registry"),
        image: reader.string(image, "image"),
        repository: reader.string(image, "repository"),
        tag: reader.string(image, "tag"),
        digest: reader.string(image, "digest"),
    });
    let lifecycle = reader.mapping(controller, "lifecycle");
    Some(HelmValues {
        file,
        path: source.display_path(),
        controller_line,
        config_line,
        config: config.unwrap_or_default(),
        image,
        termination_grace_period_seconds: reader.int(controller, "terminationGracePeriodSeconds"),
        pre_stop: lifecycle.and_then(|l| read_pre_stop(&mut reader, l)),
        stop_signal: lifecycle.and_then(|l| reader.string(l, "stopSignal")),
        extra_args: reader.string_map(controller, "extraArgs"),
        config_map_namespace: reader.string(controller, "configMapNamespace"),
        problems: reader.problems,
    })
}

/// Conservative: the controller image is ingress-nginx's, or the section has
/// keys only that chart uses, or `config` holds known ingress-nginx ConfigMap
/// keys. The F5 NGINX Ingress chart (`controller.config.entries`) is not it.
fn configures_ingress_nginx(controller: &Node) -> bool {
    if !controller.is_mapping() {
        return false;
    }
    let config = controller.get("config");
    if config.is_some_and(|c| c.get("entries").is_some()) {
        return false;
    }
    let image = controller.get("image");
    let image_matches = ["image", "repository"]
        .iter()
        .filter_map(|key| image.and_then(|i| i.str_at(key)))
        .any(ingress_nginx::is_controller_image_name);
    let chart_keys = CHART_CONTROLLER_KEYS.iter().any(|key| controller.get(key).is_some());
    let known_config = config.is_some_and(|c| {
        c.entries().iter().any(|(key, _)| key.as_str().is_some_and(ingress_nginx::is_known_configmap_key))
    });
    image_matches || chart_keys || known_config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Option<HelmValues> {
        read_helm_values(FileId(0), &SourceFile::new("values.yaml".into(), text.as_bytes().to_vec()))
    }

    #[test]
    fn only_the_ingress_nginx_chart_counts() {
        let umbrella = values("ingress-nginx:\n  controller:\n    config:\n      keep-alive: \"10\"\n").unwrap();
        assert_eq!(umbrella.config[0].key, "keep-alive");
        assert_eq!(umbrella.controller_line.start, 17);
        let by_image = values("controller:\n  image:\n    repository: quay.io/kubernetes-ingress-controller/nginx-ingress-controller\n    tag: 0.30.0\n").unwrap();
        assert_eq!(by_image.image.tag.unwrap().value, "0.30.0");
        assert!(values("controller:\n  publishService:\n    enabled: true\n").is_some());
        // F5 NGINX Ingress chart, other charts, and no `controller` at all.
        assert!(values("controller:\n  config:\n    entries:\n      keepalive-timeout: 65s\n").is_none());
        assert!(values("controller:\n  config:\n    logLevel: debug\n").is_none());
        assert!(values("controller: on\n").is_none());
        assert!(values("replicaCount: 2\n").is_none());
        assert!(values("").is_none());
    }

    #[test]
    fn templates_are_recognised_by_helm_actions() {
        assert!(is_helm_template("image: {{ .Values.image }}\n"));
        assert!(is_helm_template("{{- if .Values.enabled }}\nkind: Service\n{{- end }}\n"));
        assert!(is_helm_template("metadata:\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n"));
        assert!(is_helm_template("a: {{ b }\n  c: [\n"));
        assert!(!is_helm_template("data:\n  main-template: |\n    worker_processes {{.WorkerProcesses}};\n"));
        assert!(!is_helm_template("kind: Service\n"));
    }
}
