//! Hops: one proxy or backend (or container) with its effective settings,
//! the common view that `hoplint hops` prints and the cross-hop rules read.

use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;

/// What a hop is (DESIGN.md `hops` contract, `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HopKind {
    NginxUpstream,
    NginxServer,
    IngressNginx,
    LoadBalancer,
    Gunicorn,
    Uvicorn,
    Hypercorn,
    Tomcat,
    SpringBoot,
    Node,
    Puma,
    Httpd,
    PhpFpm,
    Container,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::NginxUpstream => "nginx-upstream",
            HopKind::NginxServer => "nginx-server",
            HopKind::IngressNginx => "ingress-nginx",
            HopKind::LoadBalancer => "load-balancer",
            HopKind::Gunicorn => "gunicorn",
            HopKind::Uvicorn => "uvicorn",
            HopKind::Hypercorn => "hypercorn",
            HopKind::Tomcat => "tomcat",
            HopKind::SpringBoot => "spring-boot",
            HopKind::Node => "node",
            HopKind::Puma => "puma",
            HopKind::Httpd => "httpd",
            HopKind::PhpFpm => "php-fpm",
            HopKind::Container => "container",
        }
    }

    /// Proxies send on pooled connections; backends receive.
    pub fn is_proxy(self) -> bool {
        matches!(self, HopKind::NginxUpstream | HopKind::NginxServer | HopKind::IngressNginx | HopKind::LoadBalancer)
    }
}

/// The settings a hop can have. `None`: this hop kind has no such setting
/// (the key is absent from the JSON); `Some(setting)`: its effective value
/// with provenance. All times in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HopSettings {
    /// How long an idle kept-alive connection is held (proxy upstream side,
    /// or backend); 0 = closes after every response.
    pub idle_timeout: Option<Setting<Millis>>,
    /// A proxy's client side.
    pub client_idle_timeout: Option<Setting<Millis>>,
    pub max_requests_per_connection: Option<Setting<u64>>,
    /// Upstream keepalive pool effectively on.
    pub pool: Option<Setting<bool>>,
    pub http_version: Option<Setting<String>>,
    pub read_timeout: Option<Setting<Millis>>,
    pub request_timeout: Option<Setting<Millis>>,
    pub worker_class: Option<Setting<String>>,
    /// `SIGQUIT`, `SIGTERM`…
    pub stop_signal: Option<Setting<String>>,
    pub drain_timeout: Option<Setting<Millis>>,
    pub prestop_seconds: Option<Setting<Millis>>,
    pub grace_period: Option<Setting<Millis>>,
}

/// One hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// `file`, `file:upstream NAME`, `file:Kind/name[/container]`,
    /// `file:service NAME` (compose).
    pub id: String,
    pub kind: HopKind,
    pub file: FileId,
    /// Where the hop is defined (the `upstream` line, the container's
    /// `- name:` line; line 1 for a whole file).
    pub span: Span,
    pub software_version: Option<Setting<String>>,
    pub settings: HopSettings,
}
