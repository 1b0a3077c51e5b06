//! Typed views of Kubernetes manifests: workloads and their pod specs,
//! Services, Ingresses, ConfigMaps and kube-proxy configuration, every value
//! with its span. Multi-document files and `List` objects are read whole;
//! YAML errors and fields of the wrong type are [`ParseProblem`]s.

pub mod configmap;
mod fields;
pub mod helm;
pub mod hops;
pub mod ingress;
pub mod kube_proxy;
pub mod meta;
pub mod pod;
pub mod prestop;
pub mod service;

pub use crate::knowledge::images::ImageRef;
pub use configmap::{ConfigMap, DataEntry, EmbeddedConfig, embedded_configs};
pub use fields::{Field, KeyValue, PortRef, Spanned, line_span};
pub use helm::{HelmValues, is_helm_template, read_helm_values};
pub use hops::container_hops;
pub use ingress::Ingress;
pub use kube_proxy::KubeProxyConfig;
pub use meta::Meta;
pub use pod::{Container, PodSpec};
pub use service::Service;

use crate::model::problem::ParseProblem;
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::syntax::yaml::{self, Node};
use fields::Reader;

/// The Kubernetes objects of one file.
#[derive(Clone, Debug)]
pub struct Manifests {
    pub file: FileId,
    /// The path as reports print it (hop ids start with it).
    pub path: String,
    pub objects: Vec<Object>,
    pub problems: Vec<ParseProblem>,
}

/// One object (a document, or an item of a `List`).
#[derive(Clone, Debug)]
pub struct Object {
    pub kind: Spanned<String>,
    pub api_version: Spanned<String>,
    pub meta: Meta,
    /// The object's mapping.
    pub span: Span,
    /// The `name:` line of the metadata (the object's first line without one).
    pub name_line: Span,
    pub body: Body,
}

/// What hoplint reads of an object, by kind.
#[derive(Clone, Debug)]
pub enum Body {
    Workload(Box<Workload>),
    Service(Service),
    Ingress(Ingress),
    ConfigMap(ConfigMap),
    KubeProxy(KubeProxyConfig),
    /// Any other kind: kept for its kind and name only.
    Other,
}

/// A Pod, or an object that runs pods from a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// The pod template's labels (a Pod's own labels), which Services select.
    pub template_labels: Vec<KeyValue>,
    pub pod: PodSpec,
}

impl Object {
    pub fn workload(&self) -> Option<&Workload> {
        match &self.body {
            Body::Workload(w) => Some(w),
            _ => None,
        }
    }

    pub fn service(&self) -> Option<&Service> {
        match &self.body {
            Body::Service(s) => Some(s),
            _ => None,
        }
    }

    pub fn ingress(&self) -> Option<&Ingress> {
        match &self.body {
            Body::Ingress(i) => Some(i),
            _ => None,
        }
    }

    pub fn configmap(&self) -> Option<&ConfigMap> {
        match &self.body {
            Body::ConfigMap(c) => Some(c),
            _ => None,
        }
    }

    pub fn kube_proxy(&self) -> Option<&KubeProxyConfig> {
        match &self.body {
            Body::KubeProxy(k) => Some(k),
            _ => None,
        }
    }

    /// `Kind/name`, as hop ids write it.
    pub fn kind_name(&self) -> String {
        format!("{}/{}", self.kind.value, self.meta.name())
    }
}

/// Cheap sniff for classification: a top-level `apiVersion:` and `kind:`.
pub fn looks_like_kubernetes(text: &str) -> bool {
    let (mut api_version, mut kind) = (false, false);
    for line in text.lines() {
        api_version |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        if api_version && kind {
            return true;
        }
    }
    false
}

/// Reads every Kubernetes object of a YAML file. Documents without `kind`
/// and `apiVersion` are not Kubernetes objects and are skipped.
pub fn read_manifests(file: FileId, source: &SourceFile) -> Manifests {
    let parsed = yaml::parse(&source.text);
    let mut reader = Reader::new(file, &source.text);
    let mut objects = Vec::new();
    for root in parsed.documents.iter().filter_map(|d| d.root.as_ref()) {
        read_object(&mut reader, root, &mut objects);
    }
    if let Some(error) = parsed.error {
        reader.problem(error.span, format!("YAML syntax error: {}", error.message));
    }
    let mut problems = reader.problems;
    problems.sort_by_key(|p| p.span);
    Manifests { file, path: source.display_path(), objects, problems }
}

fn read_object(reader: &mut Reader<'_>, node: &Node, out: &mut Vec<Object>) {
    let (Some(kind), Some(api_version)) = (node.get("kind"), node.get("apiVersion")) else { return };
    let (Some(kind_text), Some(api_text)) = (kind.as_str(), api_version.as_str()) else { return };
    let kind = Spanned { value: kind_text.to_owned(), span: kind.span };
    let api_version = Spanned { value: api_text.to_owned(), span: api_version.span };
    if kind.value.ends_with("List") && node.get("items").is_some() {
        for item in reader.list(node, "items") {
            read_object(reader, item, out);
        }
        return;
    }
    let meta = Meta::read(reader, node);
    let group = api_version.value.rsplit_once('/').map_or("", |(group, _)| group);
    let workload = match group {
        "" | "apps" | "extensions" | "batch" => read_workload(reader, node, &kind.value, &meta),
        _ => None,
    };
    let body = workload.unwrap_or_else(|| match (group, kind.value.as_str()) {
        ("", "Service") => Body::Service(Service::read(reader, node)),
        ("", "ConfigMap") => Body::ConfigMap(ConfigMap::read(reader, node)),
        ("extensions" | "networking.k8s.io", "Ingress") => Body::Ingress(Ingress::read(reader, node, &meta)),
        ("kubeproxy.config.k8s.io", "KubeProxyConfiguration") => Body::KubeProxy(KubeProxyConfig::read(reader, node)),
        _ => Body::Other,
    });
    let name_line = line_span(reader.src, meta.name.as_ref().map_or(node.span.start, |n| n.span.start));
    out.push(Object { kind, api_version, meta, span: node.span, name_line, body });
}

/// The pod template of a workload kind, or `None` for other kinds.
fn read_workload(reader: &mut Reader<'_>, object: &Node, kind: &str, meta: &Meta) -> Option<Body> {
    let template_path: &[&str] = match kind {
        "Pod" => &[],
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" | "Job" => {
            &["spec", "template"]
        }
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        _ => return None,
    };
    let mut template = object;
    let mut reached = line_span(reader.src, object.span.start);
    for key in template_path {
        let Some(next) = reader.mapping(template, key) else {
            let path = template_path.join(".");
            reader.problem(reached, format!("{kind} has no pod template (`{path}`)"));
            return Some(Body::Other);
        };
        reached = reader.key_line(template, key).unwrap_or(reached);
        template = next;
    }
    let template_labels = if template_path.is_empty() {
        meta.labels.clone()
    } else {
        reader.mapping(template, "metadata").map(|m| reader.string_map(m, "labels")).unwrap_or_default()
    };
    let Some(pod) = PodSpec::read(reader, template) else {
        reader.problem(reached, format!("{kind} has no pod spec (`spec`)"));
        return Some(Body::Other);
    };
    Some(Body::Workload(Box::new(Workload { template_labels, pod })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Manifests {
        read_manifests(FileId(0), &SourceFile::new("m.yaml".into(), text.as_bytes().to_vec()))
    }

    #[test]
    fn odd_shapes_are_problems_or_ignored() {
        let odd = [
            "- apiVersion: v1\n  kind: Pod\n",
            "apiVersion: v1\nkind: [Pod]\n",
            "apiVersion: v1\nkind: List\nitems: {a: 1}\n",
            "apiVersion: v1\nkind: List\nitems: [1, [2], {kind: Pod}]\n",
            "apiVersion: v1\nkind: Pod\nmetadata: []\nspec: 3\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: [1, {name: [x]}, {name: a, env: 5, ports: [{containerPort: x}]}]\n",
            "apiVersion: v1\nkind: Service\nspec:\n  ports: [{port: [1]}, {targetPort: {a: 1}}]\n",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec:\n  rules: [{http: {paths: [{backend: {service: {port: {number: x}}}}]}}]\n",
            "apiVersion: v1\nkind: ConfigMap\ndata: [a]\n",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {b: c}\n  ? [k]\n  : v\n",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: {spec: {containers: [{name: a, lifecycle: {preStop: {sleep: {seconds: x}}}}]}}\n",
            "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nconntrack: [1]\n",
            "\u{feff}apiVersion: v1\nkind: Pod\n",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.conf: |\n    apiVersion: v1\n    kind: KubeProxyConfiguration\n    conntrack: {maxPerCore: [\n",
        ];
        for text in odd {
            let manifests = read(text);
            let _ = hops::container_hops(&manifests);
            let _ = embedded_configs(&manifests);
        }
        let pod = read("apiVersion: v1\nkind: Pod\nspec:\n  containers: [1, {name: a}]\n");
        assert_eq!(pod.problems.len(), 1);
        assert_eq!(pod.problems[0].message, "`containers[]` must be a mapping, found a scalar");
        assert_eq!(pod.objects[0].workload().map(|w| w.pod.containers.len()), Some(1));
    }

    #[test]
    fn only_top_level_api_version_and_kind_count() {
        assert!(looks_like_kubernetes("---\napiVersion: apps/v1\nkind: Deployment\n"));
        assert!(!looks_like_kubernetes("spec:\n  apiVersion: v1\n  kind: Pod\n"));
        assert!(!looks_like_kubernetes("kind: Pod\n"));
    }
}
