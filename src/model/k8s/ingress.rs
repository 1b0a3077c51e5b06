//! `Ingress` in every API version: `extensions/v1beta1` and
//! `networking.k8s.io/v1beta1` (`serviceName`/`servicePort`, `backend`) and
//! `networking.k8s.io/v1` (`service.name`/`service.port.number|name`,
//! `defaultBackend`).

use crate::model::k8s::fields::{PortRef, Reader, Spanned, line_span};
use crate::model::k8s::meta::Meta;
use crate::span::Span;
use crate::syntax::yaml::Node;

/// The annotation that named the class before `spec.ingressClassName`
/// (deprecated but still honoured by ingress-nginx; kubernetes.io
/// docs/concepts/services-networking/ingress "Deprecated annotation").
pub const CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    pub class: Option<IngressClass>,
    pub rules: Vec<IngressRule>,
    /// `spec.defaultBackend` (v1) or `spec.backend` (v1beta1).
    pub default_backend: Option<IngressBackend>,
}

/// Which controller the Ingress is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressClass {
    pub name: String,
    pub span: Span,
    /// Named by the deprecated annotation rather than `ingressClassName`.
    pub from_annotation: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressRule {
    /// `None`: every host.
    pub host: Option<Spanned<String>>,
    pub paths: Vec<IngressPath>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressPath {
    pub path: Option<Spanned<String>>,
    pub path_type: Option<Spanned<String>>,
    /// `None` for a `resource` backend (or none written).
    pub backend: Option<IngressBackend>,
    /// The path item's first line (`- path: /`).
    pub line: Span,
}

/// A Service backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressBackend {
    pub service: Spanned<String>,
    pub port: Option<Spanned<PortRef>>,
    /// The `backend:` mapping.
    pub span: Span,
}

impl Ingress {
    /// Whether an ingress-nginx controller serves it: an nginx class, or
    /// none (the default class).
    pub fn for_nginx(&self) -> bool {
        self.class.as_ref().is_none_or(|c| c.name.contains("nginx"))
    }

    pub(crate) fn read(reader: &mut Reader<'_>, object: &Node, meta: &Meta) -> Ingress {
        let spec = reader.mapping(object, "spec");
        let class_field = spec.and_then(|s| reader.string(s, "ingressClassName"));
        let class = match class_field {
            Some(name) => Some(IngressClass { name: name.value, span: name.span, from_annotation: false }),
            None => meta.annotation(CLASS_ANNOTATION).map(|a| IngressClass {
                name: a.value.clone(),
                span: a.value_span,
                from_annotation: true,
            }),
        };
        let Some(spec) = spec else { return Ingress { class, rules: Vec::new(), default_backend: None } };
        let default_backend = ["defaultBackend", "backend"]
            .into_iter()
            .find_map(|key| reader.mapping(spec, key))
            .and_then(|b| read_backend(reader, b));
        let rules = reader
            .list_of_mappings(spec, "rules")
            .into_iter()
            .map(|rule| {
                let paths = reader
                    .mapping(rule, "http")
                    .map(|http| reader.list_of_mappings(http, "paths"))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| IngressPath {
                        path: reader.string(p, "path"),
                        path_type: reader.string(p, "pathType"),
                        backend: reader.mapping(p, "backend").and_then(|b| read_backend(reader, b)),
                        line: line_span(reader.src, p.span.start),
                    })
                    .collect();
                IngressRule { host: reader.string(rule, "host"), paths }
            })
            .collect();
        Ingress { class, rules, default_backend }
    }
}

fn read_backend(reader: &mut Reader<'_>, backend: &Node) -> Option<IngressBackend> {
    if let Some(service) = reader.mapping(backend, "service") {
        let port = reader.mapping(service, "port").and_then(|port| {
            let number = reader.int(port, "number");
            match (number.value(), number.span()) {
                (Some(n), Some(span)) => Some(Spanned { value: PortRef::Number(*n), span }),
                _ => reader
                    .string(port, "name")
                    .map(|name| Spanned { value: PortRef::Name(name.value), span: name.span }),
            }
        });
        return Some(IngressBackend { service: reader.string(service, "name")?, port, span: backend.span });
    }
    let service = reader.string(backend, "serviceName")?;
    Some(IngressBackend { service, port: reader.port_ref(backend, "servicePort"), span: backend.span })
}
