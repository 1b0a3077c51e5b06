//! Whether an nginx upstream's keepalive pool is used at all (RULES.md "Pool
//! effectively on"): the upstream has a pool, and at least one location that
//! `proxy_pass`es to it speaks HTTP/1.1 and sends no `Connection: close`.
//! Each location keeps the evidence (the explicit directive, the `map`
//! entry) that KA003, KA004 and KA009 report and fix.

use std::collections::HashMap;

use crate::knowledge::{Version, defaults};
use crate::model::nginx::Ctx;
use crate::model::nginx_hops::{Inherited, Located, ScopeIndex};
use crate::project::Project;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::nginx::{Directive, Part};

/// Where a `proxy_pass` URL goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'u> {
    /// A name an `upstream{}` block may define: `http://app/x` → `app`.
    Named(&'u str),
    /// A host written with a port, or an IP address, or a unix socket: nginx
    /// builds an implicit upstream for it, which never pools.
    Literal(&'u str),
    /// The host is (or contains) a variable: decided at run time.
    Variable,
}

/// The host part of a `proxy_pass` URL, classified.
pub fn proxy_pass_target(url: &str) -> Option<Target<'_>> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    if rest.starts_with("unix:") {
        return Some(Target::Literal(rest));
    }
    let host = rest.split(['/', '?']).next()?;
    if host.contains('$') {
        return Some(Target::Variable);
    }
    if host.is_empty() {
        return None;
    }
    let port = host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()));
    let name = port.map_or(host, |(name, _)| name);
    let is_ip = name.parse::<std::net::Ipv4Addr>().is_ok() || name.starts_with('[');
    Some(if port.is_some() || is_ip { Target::Literal(host) } else { Target::Named(name) })
}

/// The upstream name a `proxy_pass` URL can target: `http://app/x` and
/// `http://app:8000` → `app` (nginx matches an `upstream{}` by host; with a
/// port it refuses the configuration, NG's business).
pub fn upstream_name(url: &str) -> Option<&str> {
    match proxy_pass_target(url)? {
        Target::Named(name) => Some(name),
        Target::Literal(host) => host.rsplit_once(':').map(|(name, _)| name).filter(|n| !n.starts_with("unix")),
        Target::Variable => None,
    }
}

/// What a location sends upstream, as far as pooling goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    Used,
    /// `proxy_http_version 1.0` (the default before nginx 1.29.7).
    Http10,
    /// `Connection: close` is sent (the default before nginx 1.29.4).
    ConnectionClose,
    /// A variable or an nginx version whose behaviour is not tabulated.
    Unknown,
}

/// The effective `proxy_http_version` of a location.
#[derive(Clone, Copy, Debug)]
pub enum HttpVersion<'p> {
    Http11,
    /// `explicit` is the `proxy_http_version 1.0` in effect, `None` when it
    /// is the version's default.
    Http10 {
        explicit: Option<Located<'p>>,
    },
    Unknown,
}

/// The `Connection` request header a location sends on ordinary requests.
#[derive(Clone, Copy, Debug)]
pub enum Connection<'p> {
    /// Empty or `keep-alive`: the connection may be reused.
    Reusable,
    /// `close`; `explicit` is the `proxy_set_header Connection close` in
    /// effect, `None` when it is the version's default.
    Close {
        explicit: Option<Located<'p>>,
    },
    /// `proxy_set_header Connection $var` where `$var` comes from a `map` on
    /// `$http_upgrade` that yields `close` for requests without `Upgrade`.
    MapClose {
        header: Located<'p>,
        entry: MapEntry,
    },
    Unknown,
}

/// The `map` entry whose value plain requests get.
#[derive(Clone, Copy, Debug)]
pub struct MapEntry {
    pub file: FileId,
    /// The whole entry (`'' close;`).
    pub span: Span,
    /// The value (`close`).
    pub value: Part,
    /// The key (`''` or `default`).
    pub key: Part,
}

/// One `proxy_pass` to a named upstream, with what its location sends.
#[derive(Clone, Debug)]
pub struct UpstreamUse<'p> {
    /// The file holding the `proxy_pass` and its enclosing block.
    pub file: FileId,
    /// The `location` (or `if`, `limit_except`) the `proxy_pass` is in.
    pub block: &'p Directive,
    /// The directives enclosing the `proxy_pass` in `file`, `block` last.
    pub enclosing: Vec<&'p Directive>,
    pub http: HttpVersion<'p>,
    pub connection: Connection<'p>,
    /// The `proxy_set_header` directives in effect there (all from the
    /// nearest level that sets any).
    pub headers: Vec<Located<'p>>,
    /// The client-side `keepalive_timeout` in effect there, when written
    /// (KA007).
    pub client_keepalive_timeout: Option<Located<'p>>,
}

impl UpstreamUse<'_> {
    pub fn pooling(&self) -> Pooling {
        match (self.http, self.connection) {
            (HttpVersion::Http10 { .. }, _) => Pooling::Http10,
            (_, Connection::Close { .. } | Connection::MapClose { .. }) => Pooling::ConnectionClose,
            (HttpVersion::Unknown, _) | (_, Connection::Unknown) => Pooling::Unknown,
            (HttpVersion::Http11, Connection::Reusable) => Pooling::Used,
        }
    }
}

/// A `proxy_pass` met by [`proxy_passes`].
pub struct ProxyPass<'p, 'w> {
    pub file: FileId,
    /// The directives enclosing it in `file`, outermost first.
    pub enclosing: &'w [&'p Directive],
    pub directive: &'p Directive,
    pub url: &'w str,
}

/// Every `proxy_pass` of the project with its enclosing blocks and URL.
pub fn proxy_passes<'p>(project: &'p Project, f: &mut dyn FnMut(ProxyPass<'p, '_>)) {
    project.walk_nginx(&mut |site| {
        let d = site.directive;
        let text = &site.source.text;
        if site.ctx == Ctx::Unknown || d.name(text) != "proxy_pass" {
            return;
        }
        if let Some(url) = d.args().next().map(|a| a.value(text)) {
            f(ProxyPass { file: site.file, enclosing: site.parents, directive: d, url: &url });
        }
    });
}

/// How every location that `proxy_pass`es to a named upstream uses its
/// pool, by upstream name: built in one walk, with each scope's directives
/// indexed once, so the cost is linear in the configuration.
pub struct PoolIndex<'p> {
    uses: HashMap<String, Vec<UpstreamUse<'p>>>,
}

impl<'p> PoolIndex<'p> {
    pub fn of(project: &'p Project) -> Self {
        let version = project.nginx_version.version;
        let maps = upgrade_maps(project);
        let mut scopes = ScopeIndex::new(project);
        let mut by_upstream: HashMap<String, Vec<UpstreamUse<'p>>> = HashMap::new();
        proxy_passes(project, &mut |pass| {
            let Some(name) = upstream_name(pass.url) else { return };
            let Some(block) = pass.enclosing.last() else { return };
            let inherited = scopes.inherited(pass.file, pass.enclosing);
            let headers = inherited.effective_all("proxy_set_header");
            let location = UpstreamUse {
                file: pass.file,
                block,
                enclosing: pass.enclosing.to_vec(),
                http: http_version(project, &inherited, version),
                connection: connection(project, &headers, &maps, version),
                headers,
                client_keepalive_timeout: inherited.effective("keepalive_timeout"),
            };
            by_upstream.entry(name.to_owned()).or_default().push(location);
        });
        Self { uses: by_upstream }
    }

    /// The locations proxying to `upstream`.
    pub fn uses(&self, upstream: &str) -> &[UpstreamUse<'p>] {
        self.uses.get(upstream).map_or(&[], Vec::as_slice)
    }

    /// Whether some `proxy_pass` targets `upstream`.
    pub fn proxied(&self, upstream: &str) -> bool {
        self.uses.contains_key(upstream)
    }

    /// Whether some location reaches `upstream` with HTTP/1.1 and no
    /// `Connection: close`: its pool is effectively on.
    pub fn used(&self, upstream: &str) -> bool {
        self.uses(upstream).iter().any(|u| u.pooling() == Pooling::Used)
    }
}

fn http_version<'p>(project: &'p Project, inherited: &Inherited<'p, '_>, version: Version) -> HttpVersion<'p> {
    let explicit = inherited.effective("proxy_http_version");
    let value = match explicit {
        Some(l) => l.directive.args().next().map(|a| a.value(&project.file(l.file).text).into_owned()),
        None => defaults::nginx("proxy_http_version", "location", version).map(|r| r.default.to_owned()),
    };
    match value.as_deref() {
        Some("1.0") => HttpVersion::Http10 { explicit },
        Some("1.1") => HttpVersion::Http11,
        _ => HttpVersion::Unknown,
    }
}

fn connection<'p>(
    project: &'p Project,
    headers: &[Located<'p>],
    maps: &HashMap<String, MapOutcome>,
    version: Version,
) -> Connection<'p> {
    let header = headers.iter().copied().find(|l| {
        let text = &project.file(l.file).text;
        l.directive.args().next().is_some_and(|a| a.value(text).eq_ignore_ascii_case("connection"))
    });
    let Some(header) = header else {
        return match defaults::nginx("proxy_set_header Connection", "location", version).map(|r| r.default) {
            Some("close") => Connection::Close { explicit: None },
            Some(d) if d.starts_with("\"\"") => Connection::Reusable,
            _ => Connection::Unknown,
        };
    };
    let text = &project.file(header.file).text;
    let value = header.directive.args().nth(1).map_or_else(String::new, |v| v.value(text).into_owned());
    match plain_value(&value) {
        Plain::Reusable => Connection::Reusable,
        Plain::Close => Connection::Close { explicit: Some(header) },
        Plain::Other => Connection::Unknown,
        Plain::Variable(name) => match maps.get(name) {
            Some(MapOutcome::Reusable) => Connection::Reusable,
            Some(MapOutcome::Close(entry)) => Connection::MapClose { header, entry: *entry },
            Some(MapOutcome::Other) | None => Connection::Unknown,
        },
    }
}

enum Plain<'v> {
    Reusable,
    Close,
    Variable(&'v str),
    Other,
}

fn plain_value(value: &str) -> Plain<'_> {
    if value.is_empty() || value.eq_ignore_ascii_case("keep-alive") {
        Plain::Reusable
    } else if value.eq_ignore_ascii_case("close") {
        Plain::Close
    } else if let Some(name) =
        value.strip_prefix('$').filter(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    {
        Plain::Variable(name)
    } else {
        Plain::Other
    }
}

/// What a `map` gives requests without an `Upgrade` header.
#[derive(Clone, Copy)]
enum MapOutcome {
    Reusable,
    Close(MapEntry),
    Other,
}

/// Every `map` by the variable it defines (the first definition wins), with
/// the value it gives a request without an `Upgrade` header: for a map on
/// `$http_upgrade`, the `''` entry, else `default`, else the empty string.
fn upgrade_maps(project: &Project) -> HashMap<String, MapOutcome> {
    let mut maps = HashMap::new();
    project.walk_nginx(&mut |site| {
        let text = &site.source.text;
        let d = site.directive;
        if d.name(text) != "map" {
            return;
        }
        let mut args = d.args();
        let (Some(source), Some(result)) = (args.next(), args.next()) else { return };
        let Some(name) = result.value(text).strip_prefix('$').map(str::to_owned) else { return };
        if maps.contains_key(&name) {
            return;
        }
        let outcome = if source.value(text) == "$http_upgrade" {
            plain_request_value(site.file, d, text)
        } else {
            MapOutcome::Other
        };
        maps.insert(name, outcome);
    });
    maps
}

fn plain_request_value(file: FileId, map: &Directive, text: &str) -> MapOutcome {
    let entries: Vec<&Directive> = map.block().map(|b| b.directives().collect()).unwrap_or_default();
    let entry = |key: &dyn Fn(Part) -> bool| entries.iter().copied().find(|e| key(e.name_part()));
    let chosen = entry(&|k| k.is_quoted() && k.value(text).is_empty()).or_else(|| entry(&|k| k.raw(text) == "default"));
    let Some(chosen) = chosen else { return MapOutcome::Reusable };
    let Some(value) = chosen.args().next() else { return MapOutcome::Other };
    match plain_value(&value.value(text)) {
        Plain::Reusable => MapOutcome::Reusable,
        Plain::Close => MapOutcome::Close(MapEntry { file, span: chosen.span(), value, key: chosen.name_part() }),
        Plain::Variable(_) | Plain::Other => MapOutcome::Other,
    }
}
