//! `KubeProxyConfiguration` (`kubeproxy.config.k8s.io`): proxy mode and
//! conntrack settings (facts: backend-lifecycle-facts.md §C).

use crate::model::k8s::fields::{Field, Reader, Spanned};
use crate::model::setting::Millis;
use crate::span::Span;
use crate::syntax::go_values;
use crate::syntax::yaml::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeProxyConfig {
    /// `iptables` (the Linux default when empty), `ipvs`, `nftables`.
    pub mode: Option<Spanned<String>>,
    pub conntrack: Conntrack,
}

/// `conntrack` (v1alpha1 top level; `linux.conntrack` in newer layouts).
/// Absent fields take kube-proxy's defaults (`maxPerCore` 32768,
/// `tcpEstablishedTimeout` 24h, `tcpCloseWaitTimeout` 1h; kubernetes
/// `pkg/proxy/apis/config/v1alpha1/defaults.go`), left to the rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conntrack {
    pub max_per_core: Field<i64>,
    pub tcp_established_timeout: Field<Millis>,
    pub tcp_close_wait_timeout: Field<Millis>,
}

impl KubeProxyConfig {
    pub(crate) fn read(reader: &mut Reader<'_>, object: &Node) -> KubeProxyConfig {
        let conntrack = match reader.mapping(object, "conntrack") {
            Some(node) => Some(node),
            None => reader.mapping(object, "linux").and_then(|linux| reader.mapping(linux, "conntrack")),
        };
        let conntrack = conntrack.map_or_else(Conntrack::default, |node| Conntrack {
            max_per_core: reader.int(node, "maxPerCore"),
            tcp_established_timeout: duration(reader, node, "tcpEstablishedTimeout"),
            tcp_close_wait_timeout: duration(reader, node, "tcpCloseWaitTimeout"),
        });
        KubeProxyConfig { mode: reader.string(object, "mode"), conntrack }
    }

    /// Moves every span through `map` (for a configuration read from a
    /// ConfigMap `data:` block).
    pub(crate) fn map_spans(&mut self, map: &impl Fn(Span) -> Span) {
        if let Some(mode) = &mut self.mode {
            mode.span = map(mode.span);
        }
        map_field(&mut self.conntrack.max_per_core, map);
        map_field(&mut self.conntrack.tcp_established_timeout, map);
        map_field(&mut self.conntrack.tcp_close_wait_timeout, map);
    }
}

fn map_field<T>(field: &mut Field<T>, map: &impl Fn(Span) -> Span) {
    match field {
        Field::Set(spanned) => spanned.span = map(spanned.span),
        Field::Invalid { span, .. } => *span = map(*span),
        Field::Absent => {}
    }
}

/// A `metav1.Duration` field (`time.ParseDuration` text).
fn duration(reader: &mut Reader<'_>, parent: &Node, key: &str) -> Field<Millis> {
    let Some(text) = reader.string(parent, key) else { return Field::Absent };
    if let Some(value) = go_values::parse_duration(&text.value) {
        Field::Set(Spanned { value, span: text.span })
    } else {
        let reason = format!("`{key}` must be a duration such as `24h0m0s`, found `{}`", text.value);
        reader.problem(text.span, reason.clone());
        Field::Invalid { span: text.span, reason }
    }
}
