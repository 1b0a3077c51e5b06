//! `metadata`: name, namespace, labels and annotations.

use crate::model::k8s::fields::{KeyValue, Reader, Spanned};
use crate::syntax::yaml::Node;

/// Where an object without `metadata.namespace` lands: kubectl applies it to
/// the context's namespace, `default` unless configured (kubernetes.io
/// docs/concepts/overview/working-with-objects/namespaces).
pub const DEFAULT_NAMESPACE: &str = "default";

/// An object's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub name: Option<Spanned<String>>,
    /// `default` when not written (then `namespace_span` is `None`).
    pub namespace: String,
    pub namespace_span: Option<crate::span::Span>,
    pub labels: Vec<KeyValue>,
    pub annotations: Vec<KeyValue>,
}

impl Meta {
    pub(crate) fn read(reader: &mut Reader<'_>, object: &Node) -> Meta {
        let Some(metadata) = reader.mapping(object, "metadata") else {
            return Meta {
                name: None,
                namespace: DEFAULT_NAMESPACE.to_owned(),
                namespace_span: None,
                labels: Vec::new(),
                annotations: Vec::new(),
            };
        };
        let namespace = reader.string(metadata, "namespace");
        Meta {
            name: reader.string(metadata, "name"),
            namespace_span: namespace.as_ref().map(|ns| ns.span),
            namespace: namespace.map_or_else(|| DEFAULT_NAMESPACE.to_owned(), |ns| ns.value),
            labels: reader.string_map(metadata, "labels"),
            annotations: reader.string_map(metadata, "annotations"),
        }
    }

    /// The name, or `""` when the object has none.
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }

    pub fn annotation(&self, key: &str) -> Option<&KeyValue> {
        self.annotations.iter().find(|a| a.key == key)
    }
}
