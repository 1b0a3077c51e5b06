//! `ConfigMap` data: each value with its spans and as an [`Embedded`] text,
//! so that configuration files kept in a ConfigMap (nginx.conf,
//! gunicorn.conf.py, server.xml…) can be parsed as their own format with
//! spans mapped back to the YAML file.

use crate::model::k8s::fields::{PlainType, Reader, plain_type};
use crate::model::k8s::kube_proxy::KubeProxyConfig;
use crate::model::k8s::{Manifests, looks_like_kubernetes};
use crate::span::Span;
use crate::syntax::yaml::{self, Embedded, Node};

#[derive(Clone, Debug)]
pub struct ConfigMap {
    /// The `data:` line (where keys are inserted).
    pub data_line: Option<Span>,
    pub data: Vec<DataEntry>,
    /// `KubeProxyConfiguration` documents held in `data` values (kubeadm
    /// keeps kube-proxy's configuration in `kube-system/kube-proxy`
    /// `config.conf`), spans mapped to this file.
    pub kube_proxy: Vec<KubeProxyConfig>,
}

/// One `key: value` of a string map whose values are configuration
/// (ConfigMap `data`, Helm `controller.config`).
#[derive(Clone, Debug)]
pub struct DataEntry {
    pub key: String,
    pub key_span: Span,
    /// The value after YAML unescaping (numbers and booleans as written).
    pub value: String,
    pub value_span: Span,
    pub embedded: Embedded,
}

impl ConfigMap {
    pub fn get(&self, key: &str) -> Option<&DataEntry> {
        self.data.iter().find(|e| e.key == key)
    }

    pub(crate) fn read(reader: &mut Reader<'_>, object: &Node) -> ConfigMap {
        let data_line = reader.key_line(object, "data");
        let data = reader.mapping(object, "data").map(|d| read_entries(reader, d, "data", true)).unwrap_or_default();
        let mut kube_proxy = Vec::new();
        for entry in &data {
            if looks_like_kubernetes(&entry.embedded.text) {
                read_embedded_kube_proxy(reader, &entry.embedded, &mut kube_proxy);
            }
        }
        ConfigMap { data_line, data, kube_proxy }
    }
}

/// The entries of a string map. With `strings_only`, a plain value that YAML
/// reads as a number or a boolean is a problem: the API rejects a ConfigMap
/// whose `data` holds them (`ConfigMap.data` is `map[string]string`).
pub(crate) fn read_entries(reader: &mut Reader<'_>, map: &Node, what: &str, strings_only: bool) -> Vec<DataEntry> {
    let mut entries = Vec::new();
    for (key, value) in map.entries() {
        let (Some(key_text), Some(text)) = (key.as_str(), value.as_str()) else {
            let span = if key.as_str().is_some() { value.span } else { key.span };
            reader.problem(span, format!("`{what}` must map names to strings"));
            continue;
        };
        if strings_only && matches!(plain_type(value), PlainType::Int(_) | PlainType::Float | PlainType::Bool(_)) {
            reader.problem(
                value.span,
                format!("`{what}` values must be strings: quote `{text}` (the API rejects this ConfigMap)"),
            );
        }
        let Some(embedded) = Embedded::of(value, reader.src) else { continue };
        entries.push(DataEntry {
            key: key_text.to_owned(),
            key_span: key.span,
            value: text.to_owned(),
            value_span: value.span,
            embedded,
        });
    }
    entries
}

fn read_embedded_kube_proxy(reader: &mut Reader<'_>, embedded: &Embedded, out: &mut Vec<KubeProxyConfig>) {
    let parsed = yaml::parse(&embedded.text);
    let to_source = |span: Span| embedded.span_to_source(span);
    let mut inner = Reader::new(reader.file, &embedded.text);
    for root in parsed.documents.iter().filter_map(|d| d.root.as_ref()) {
        if root.str_at("kind") == Some("KubeProxyConfiguration") {
            let mut config = KubeProxyConfig::read(&mut inner, root);
            config.map_spans(&to_source);
            out.push(config);
        }
    }
    if let Some(error) = parsed.error {
        inner.problem(error.span, format!("YAML syntax error in an embedded document: {}", error.message));
    }
    for mut problem in inner.problems {
        problem.span = to_source(problem.span);
        reader.problems.push(problem);
    }
}

/// A configuration file held in a ConfigMap.
#[derive(Clone, Debug)]
pub struct EmbeddedConfig {
    pub configmap: String,
    pub namespace: String,
    pub key: String,
    pub key_span: Span,
    pub value_span: Span,
    pub embedded: Embedded,
}

/// Whether a ConfigMap key names a configuration file hoplint reads.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the key is lowercased first
pub fn is_config_file_key(key: &str) -> bool {
    let key = key.to_lowercase();
    let spring =
        key.starts_with("application") && [".yml", ".yaml", ".properties"].iter().any(|ext| key.ends_with(ext));
    key.ends_with(".conf") || key.ends_with(".py") || key == "server.xml" || spring
}

/// The ConfigMap values of `manifests` whose keys name configuration files
/// (`nginx.conf`, `*.conf`, `gunicorn.conf.py`, `*.py`, `server.xml`,
/// `application*.yml|yaml|properties`, `php-fpm.conf`, `www.conf`), except
/// Kubernetes documents (kube-proxy's `config.conf`, read here already).
pub fn embedded_configs(manifests: &Manifests) -> Vec<EmbeddedConfig> {
    let mut out = Vec::new();
    for object in &manifests.objects {
        let Some(configmap) = object.configmap() else { continue };
        let config_files =
            configmap.data.iter().filter(|e| is_config_file_key(&e.key) && !looks_like_kubernetes(&e.embedded.text));
        for entry in config_files {
            out.push(EmbeddedConfig {
                configmap: object.meta.name().to_owned(),
                namespace: object.meta.namespace.clone(),
                key: entry.key.clone(),
                key_span: entry.key_span,
                value_span: entry.value_span,
                embedded: entry.embedded.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_keys() {
        for key in ["nginx.conf", "default.conf", "gunicorn.conf.py", "settings.py", "server.xml", "www.conf"] {
            assert!(is_config_file_key(key), "{key}");
        }
        for key in ["application.yml", "application-prod.yaml", "Application.properties"] {
            assert!(is_config_file_key(key), "{key}");
        }
        for key in ["LOG_LEVEL", "index.html", "values.yaml", "conf", "nginx.conf.bak"] {
            assert!(!is_config_file_key(key), "{key}");
        }
    }
}
