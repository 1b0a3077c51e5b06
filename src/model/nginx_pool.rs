//! Whether an nginx upstream's keepalive pool is used at all (RULES.md "Pool
//! effectively on"): the upstream has a pool, and at least one location that
//! `proxy_pass`es to it speaks HTTP/1.1 and sends no `Connection: close`.

use crate::knowledge::{Version, defaults};
use crate::model::nginx::Ctx;
use crate::project::Project;
use crate::source::FileId;
use crate::syntax::nginx::Directive;

/// The upstream name a `proxy_pass` URL targets: `http://app/x` → `app`.
pub fn proxy_pass_target(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    let host = rest.split(['/', '?']).next()?;
    let name =
        host.rsplit_once(':').map_or(host, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host });
    (!name.is_empty() && !name.contains('$')).then_some(name)
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

/// How each location proxying to `upstream` (written in `file`) uses the
/// pool, with the `location` directive's file.
pub fn locations_for<'p>(project: &'p Project, upstream: &str) -> Vec<(FileId, &'p Directive, Pooling)> {
    let version = project.nginx_version.version;
    let mut out = Vec::new();
    project.walk_nginx(&mut |site| {
        let d = site.directive;
        let text = &site.source.text;
        if site.ctx == Ctx::Unknown || d.name(text) != "proxy_pass" {
            return;
        }
        let Some(url) = d.args().next().map(|a| a.value(text).into_owned()) else { return };
        if proxy_pass_target(&url) != Some(upstream) {
            return;
        }
        let Some(location) = site.parents.last() else { return };
        out.push((site.file, *location, pooling(project, site.file, site.parents, version)));
    });
    out
}

fn pooling(project: &Project, file: FileId, enclosing: &[&Directive], version: Version) -> Pooling {
    let http = match project.nginx_effective(file, enclosing, "proxy_http_version") {
        Some(l) => l.directive.args().next().map(|a| a.value(&project.file(l.file).text).into_owned()),
        None => defaults::nginx("proxy_http_version", "location", version).map(|r| r.default.to_owned()),
    };
    if http.as_deref() == Some("1.0") {
        return Pooling::Http10;
    }
    // `proxy_set_header` is an array: the nearest level that sets any of
    // them defines them all.
    let headers: Vec<(String, String)> = project
        .nginx_effective_all(file, enclosing, "proxy_set_header")
        .into_iter()
        .filter_map(|l| {
            let text = &project.file(l.file).text;
            let mut args = l.directive.args();
            let name = args.next()?.value(text).into_owned();
            let value = args.next().map_or_else(String::new, |v| v.value(text).into_owned());
            Some((name, value))
        })
        .collect();
    let connection = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("connection")).map(|(_, v)| v.clone());
    match connection {
        Some(value) if value.is_empty() || value.eq_ignore_ascii_case("keep-alive") => Pooling::Used,
        Some(value) if value.eq_ignore_ascii_case("close") => Pooling::ConnectionClose,
        Some(_) => Pooling::Unknown,
        None => match defaults::nginx("proxy_set_header Connection", "location", version).map(|r| r.default) {
            Some("close") => Pooling::ConnectionClose,
            Some(d) if d.starts_with("\"\"") => Pooling::Used,
            _ => Pooling::Unknown,
        },
    }
}
