//! `Service` (core/v1): which pods it selects and which ports it maps.

use crate::model::k8s::fields::{Field, KeyValue, PortRef, Reader, Spanned, line_span};
use crate::span::Span;
use crate::syntax::yaml::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// `ClusterIP` (the API default), `NodePort`, `LoadBalancer`…
    pub service_type: Option<Spanned<String>>,
    pub selector: Vec<KeyValue>,
    pub ports: Vec<ServicePort>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Option<Spanned<String>>,
    pub port: Field<i64>,
    /// Absent: the API uses `port`.
    pub target_port: Option<Spanned<PortRef>>,
    /// The port item's first line.
    pub line: Span,
}

impl Service {
    pub(crate) fn read(reader: &mut Reader<'_>, object: &Node) -> Service {
        let Some(spec) = reader.mapping(object, "spec") else {
            return Service { service_type: None, selector: Vec::new(), ports: Vec::new() };
        };
        let ports = reader
            .list_of_mappings(spec, "ports")
            .into_iter()
            .map(|p| ServicePort {
                name: reader.string(p, "name"),
                port: reader.int(p, "port"),
                target_port: reader.port_ref(p, "targetPort"),
                line: line_span(reader.src, p.span.start),
            })
            .collect();
        Service { service_type: reader.string(spec, "type"), selector: reader.string_map(spec, "selector"), ports }
    }
}
