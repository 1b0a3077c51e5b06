//! Hops: one proxy or backend (or container) with its effective settings,
//! the common view that `hoplint hops` prints and the cross-hop rules read.

use crate::model::setting::{Millis, Origin, Setting};
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
    /// Worker recycling after this many requests (gunicorn `max_requests`,
    /// uvicorn `--limit-max-requests`, php-fpm `pm.max_requests`); not part
    /// of the `hops` JSON contract.
    pub recycle_after: Option<Setting<u64>>,
    /// The random spread added to `recycle_after`; `None` when the server
    /// has no such setting.
    pub recycle_jitter: Option<Setting<u64>>,
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

impl Hop {
    /// Whether the hop or one of its settings is written in a file that
    /// `wanted` accepts (visited through [`Hop::map_locations`], which
    /// knows every setting, on a copy).
    pub fn written_in(&self, wanted: &dyn Fn(FileId) -> bool) -> bool {
        let found = std::cell::Cell::new(false);
        self.clone().map_locations(&|file, span| {
            found.set(found.get() || wanted(file));
            (file, span)
        });
        found.get()
    }

    /// Moves every location (the hop's and its settings' origins) through `f`,
    /// e.g. from an embedded file to the YAML file that holds it.
    pub fn map_locations(&mut self, f: &dyn Fn(FileId, Span) -> (FileId, Span)) {
        (self.file, self.span) = f(self.file, self.span);
        let origin = |o: &mut Origin| {
            if let Origin::Explicit { file, span } = o {
                (*file, *span) = f(*file, *span);
            }
        };
        if let Some(v) = &mut self.software_version {
            origin(&mut v.origin);
        }
        let s = &mut self.settings;
        for o in [
            s.idle_timeout.as_mut().map(|x| &mut x.origin),
            s.client_idle_timeout.as_mut().map(|x| &mut x.origin),
            s.max_requests_per_connection.as_mut().map(|x| &mut x.origin),
            s.pool.as_mut().map(|x| &mut x.origin),
            s.http_version.as_mut().map(|x| &mut x.origin),
            s.read_timeout.as_mut().map(|x| &mut x.origin),
            s.request_timeout.as_mut().map(|x| &mut x.origin),
            s.worker_class.as_mut().map(|x| &mut x.origin),
            s.stop_signal.as_mut().map(|x| &mut x.origin),
            s.drain_timeout.as_mut().map(|x| &mut x.origin),
            s.prestop_seconds.as_mut().map(|x| &mut x.origin),
            s.grace_period.as_mut().map(|x| &mut x.origin),
            s.recycle_after.as_mut().map(|x| &mut x.origin),
            s.recycle_jitter.as_mut().map(|x| &mut x.origin),
        ]
        .into_iter()
        .flatten()
        {
            origin(o);
        }
    }
}
