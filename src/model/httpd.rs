//! Apache httpd configuration (`httpd.conf`, `apache2.conf`, included
//! `*.conf`): the keep-alive and timeout directives of the main server
//! (defaults: include/httpd.h, facts §A7). Directive names are
//! case-insensitive; `#` starts a comment only at the start of a line; a
//! trailing `\` continues a line. Values inside `<VirtualHost>` override the
//! main server's for that host only: they are listed, not applied.

use crate::knowledge::Version;
use crate::knowledge::servers::{self, DefaultValue, Server};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::limits::zero_is_unbounded;
use crate::model::problem::ParseProblem;
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;

/// The main server's keep-alive and timeout directives in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpdConf {
    pub file: FileId,
    pub keep_alive: Option<Setting<bool>>,
    pub keep_alive_timeout: Option<Setting<Millis>>,
    /// 0 = unlimited.
    pub max_keep_alive_requests: Option<Setting<u64>>,
    pub timeout: Option<Setting<Millis>>,
    /// The same directives inside `<VirtualHost>` blocks.
    pub vhost_overrides: Vec<VhostOverride>,
    /// `Include` / `IncludeOptional` patterns (relative to `ServerRoot`).
    pub includes: Vec<(String, Span)>,
    pub problems: Vec<ParseProblem>,
}

/// A keep-alive or timeout directive inside a `<VirtualHost>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VhostOverride {
    /// The `<VirtualHost …>` line.
    pub vhost: Span,
    pub directive: String,
    /// The directive's arguments.
    pub span: Span,
}

/// Directives that mark Apache configuration; nginx spells its own in
/// lowercase and ends them with `;`.
const MARKERS: &[&str] = &[
    "<VirtualHost",
    "<Directory",
    "<IfModule",
    "<Location",
    "LoadModule",
    "ServerRoot",
    "DocumentRoot",
    "KeepAliveTimeout",
    "MaxKeepAliveRequests",
    "IncludeOptional",
];

/// Whether text is Apache httpd configuration.
pub fn looks_like_httpd(text: &str) -> bool {
    let mut markers = 0;
    for line in text.lines().map(str::trim) {
        if line.ends_with(';') || line.ends_with('{') {
            return false;
        }
        if MARKERS.iter().any(|m| line.starts_with(m) && line[m.len()..].starts_with([' ', '\t', '>'])) {
            markers += 1;
        }
    }
    markers > 0
}

/// A directive with its arguments.
struct Directive<'s> {
    name: &'s str,
    args: Vec<(&'s str, Span)>,
    /// All arguments together.
    args_span: Span,
}

/// Reads one httpd configuration file.
pub fn read_httpd(file: FileId, source: &str) -> HttpdConf {
    let mut conf = HttpdConf {
        file,
        keep_alive: None,
        keep_alive_timeout: None,
        max_keep_alive_requests: None,
        timeout: None,
        vhost_overrides: Vec::new(),
        includes: Vec::new(),
        problems: Vec::new(),
    };
    // Open sections: name and `<…>` span.
    let mut sections: Vec<(String, Span)> = Vec::new();
    for (start, line) in logical_lines(source) {
        let Some(directive) = directive(start, line) else { continue };
        if let Some(closing) = directive.name.strip_prefix("</") {
            let closing = closing.trim_end_matches('>');
            match sections.pop() {
                Some((open, _)) if open.eq_ignore_ascii_case(closing) => {}
                _ => conf.problems.push(ParseProblem {
                    file,
                    span: directive.args_span.cover(span(start, start + line.trim_end().len())),
                    message: format!("`</{closing}>` closes no open `<{closing}>` section"),
                }),
            }
            continue;
        }
        if let Some(open) = directive.name.strip_prefix('<') {
            sections.push((open.trim_end_matches('>').to_owned(), span(start, start + line.trim_end().len())));
            continue;
        }
        let vhost = sections.iter().rev().find(|(name, _)| name.eq_ignore_ascii_case("VirtualHost")).map(|(_, s)| *s);
        read_directive(&mut conf, file, &directive, vhost);
    }
    for (name, open) in sections {
        conf.problems.push(ParseProblem { file, span: open, message: format!("`<{name}>` is never closed") });
    }
    conf
}

fn read_directive(conf: &mut HttpdConf, file: FileId, directive: &Directive<'_>, vhost: Option<Span>) {
    let name = directive.name.to_ascii_lowercase();
    if matches!(name.as_str(), "include" | "includeoptional") {
        if let Some((pattern, span)) = directive.args.first() {
            conf.includes.push(((*pattern).to_owned(), *span));
        }
        return;
    }
    if !matches!(name.as_str(), "keepalive" | "keepalivetimeout" | "maxkeepaliverequests" | "timeout") {
        return;
    }
    if let Some(vhost) = vhost {
        conf.vhost_overrides.push(VhostOverride {
            vhost,
            directive: directive.name.to_owned(),
            span: directive.args_span,
        });
        return;
    }
    let Some((value, span)) = directive.args.first().copied() else {
        conf.problems.push(ParseProblem {
            file,
            span: directive.args_span,
            message: format!("`{}` needs an argument", directive.name),
        });
        return;
    };
    let unknown_env = value.contains("${").then(|| format!("`{} {value}` is expanded from a variable", directive.name));
    match name.as_str() {
        "keepalive" => {
            conf.keep_alive = Some(match (unknown_env, value.to_ascii_lowercase().as_str()) {
                (Some(reason), _) => Setting::unknown(reason),
                (None, "on") => Setting::explicit(true, file, span),
                (None, "off") => Setting::explicit(false, file, span),
                (None, _) => {
                    Setting::unknown(format!("`KeepAlive {value}`: httpd accepts On or Off and refuses to start"))
                }
            });
        }
        "maxkeepaliverequests" => {
            conf.max_keep_alive_requests = Some(match (unknown_env, value.parse::<u64>()) {
                (Some(reason), _) => Setting::unknown(reason),
                (None, Ok(n)) => zero_is_unbounded(Setting::explicit(n, file, span), &0),
                (None, Err(_)) => Setting::unknown(format!("`MaxKeepAliveRequests {value}` is not a number")),
            });
        }
        _ => {
            let setting = match (unknown_env, parse_timeout(value)) {
                (Some(reason), _) => Setting::unknown(reason),
                (None, Some(ms)) => Setting::explicit(ms, file, span),
                (None, None) => Setting::unknown(format!("`{} {value}` is not a time httpd accepts", directive.name)),
            };
            if name == "timeout" {
                conf.timeout = Some(setting);
            } else {
                conf.keep_alive_timeout = Some(setting);
            }
        }
    }
}

/// httpd's `ap_timeout_parameter_parse` with seconds as the default unit:
/// `5`, `5s`, `500ms`, `2mi`, `1h`.
fn parse_timeout(value: &str) -> Option<Millis> {
    let digits_end = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    let number: u64 = value[..digits_end].parse().ok()?;
    let ms = match value[digits_end..].to_ascii_lowercase().as_str() {
        "" | "s" => number.checked_mul(1_000)?,
        "ms" => number,
        "mi" => number.checked_mul(60_000)?,
        "h" => number.checked_mul(3_600_000)?,
        _ => return None,
    };
    Some(Millis(ms))
}

fn span(start: usize, end: usize) -> Span {
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span::new(at(start), at(end))
}

/// Lines joined across trailing backslashes, without comment lines: each
/// with its start offset. A joined line keeps its `\`-newline pairs so that
/// offsets stay those of the file; they separate words (httpd would glue a
/// word split there, which configurations do not do).
fn logical_lines(source: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let first = *start.get_or_insert(line_start);
        if line.trim_end().ends_with('\\') {
            continue;
        }
        start = None;
        let text = &source[first..offset];
        if !text.trim_start().starts_with('#') && !text.trim().is_empty() {
            out.push((first, text));
        }
    }
    if let Some(first) = start {
        out.push((first, &source[first..]));
    }
    out
}

/// Splits a logical line into a directive name and arguments (double or
/// single quotes group an argument; `\`-newline is a blank).
fn directive(start: usize, line: &str) -> Option<Directive<'_>> {
    let mut words = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'\\' if matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) => i += 1,
            quote @ (b'"' | b'\'') => {
                let end = line[i + 1..].find(char::from(quote)).map_or(line.len(), |e| i + 1 + e);
                words.push((&line[i + 1..end], span(start + i + 1, start + end)));
                i = end + 1;
            }
            _ => {
                let end = line[i..].find([' ', '\t', '\r', '\n']).map_or(line.len(), |e| i + e);
                words.push((&line[i..end], span(start + i, start + end)));
                i = end;
            }
        }
    }
    let ((name, name_span), args) = words.split_first()?;
    let args_span = args.first().zip(args.last()).map_or(Span::at(name_span.end), |((_, a), (_, b))| a.cover(*b));
    Some(Directive { name, args: args.to_vec(), args_span })
}

/// httpd's effective main-server settings over its files (the main file
/// first, then its includes, as httpd reads them; the last value wins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpdSettings {
    pub version: Version,
    pub software_version: Setting<String>,
    pub keep_alive: Setting<bool>,
    pub keep_alive_timeout: Setting<Millis>,
    pub max_keep_alive_requests: Setting<u64>,
    pub timeout: Setting<Millis>,
    /// 0 when `KeepAlive Off`, else `KeepAliveTimeout`.
    pub idle_timeout: Setting<Millis>,
    pub vhost_overrides: Vec<(FileId, VhostOverride)>,
}

pub fn effective_httpd(confs: &[&HttpdConf], version: Option<Version>) -> HttpdSettings {
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| Server::Httpd.newest());
    let label = Server::Httpd.label(version);
    let row = |name: &str| servers::default(Server::Httpd, name, version);
    let default_time = |name: &str| match row(name).map(|r| (r.value, r.what(version))) {
        Some((DefaultValue::Millis(ms), what)) => Setting::default(Millis(ms), what),
        _ => Setting::unknown(format!("httpd {label} has no default for {name}")),
    };
    let keep_alive = confs.iter().rev().find_map(|c| c.keep_alive.clone()).unwrap_or_else(|| match row("KeepAlive") {
        Some(r) => Setting::default(r.value == DefaultValue::Text("On"), r.what(version)),
        None => Setting::unknown(format!("httpd {label} has no default for KeepAlive")),
    });
    let keep_alive_timeout = confs
        .iter()
        .rev()
        .find_map(|c| c.keep_alive_timeout.clone())
        .unwrap_or_else(|| default_time("KeepAliveTimeout"));
    let max_keep_alive_requests =
        confs.iter().rev().find_map(|c| c.max_keep_alive_requests.clone()).unwrap_or_else(|| {
            match row("MaxKeepAliveRequests").map(|r| (r.value, r.what(version))) {
                Some((DefaultValue::Count(n), what)) => Setting::default(n, what),
                _ => Setting::unknown(format!("httpd {label} has no default for MaxKeepAliveRequests")),
            }
        });
    let timeout = confs.iter().rev().find_map(|c| c.timeout.clone()).unwrap_or_else(|| default_time("Timeout"));
    let idle_timeout = match keep_alive.value {
        Some(true) => keep_alive_timeout.clone(),
        // `KeepAlive Off`: every response closes the connection.
        Some(false) => keep_alive.clone().map(|_| Millis(0)),
        None => Setting::unknown("KeepAlive is unknown"),
    };
    HttpdSettings {
        version,
        software_version: if assumed {
            Setting::default(label.clone(), "httpd version assumed: newest known")
        } else {
            Setting::default(label.clone(), "httpd version given")
        },
        keep_alive,
        keep_alive_timeout,
        max_keep_alive_requests,
        timeout,
        idle_timeout,
        vhost_overrides: confs.iter().flat_map(|c| c.vhost_overrides.iter().map(|o| (c.file, o.clone()))).collect(),
    }
}

impl HttpdSettings {
    /// The hop `hoplint hops` shows (kind `httpd`).
    pub fn to_hop(&self, id: String, file: FileId, span: Span) -> Hop {
        Hop {
            id,
            kind: HopKind::Httpd,
            file,
            span,
            software_version: Some(self.software_version.clone()),
            settings: HopSettings {
                idle_timeout: Some(self.idle_timeout.clone()),
                max_requests_per_connection: Some(self.max_keep_alive_requests.clone()),
                request_timeout: Some(self.timeout.clone()),
                ..HopSettings::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::setting::Origin;

    #[test]
    fn main_server_and_vhosts() {
        let src = "ServerRoot \"/usr/local/apache2\"\n# KeepAlive On\nkeepalive off\nKeepAliveTimeout 500ms\nMaxKeepAliveRequests 0\n\
                   IncludeOptional conf.d/*.conf\n<VirtualHost *:80>\n    KeepAliveTimeout 15\n</VirtualHost>\n";
        assert!(looks_like_httpd(src));
        let conf = read_httpd(FileId(2), src);
        assert!(conf.problems.is_empty(), "{:?}", conf.problems);
        assert_eq!(conf.keep_alive.as_ref().and_then(|k| k.value), Some(false));
        assert_eq!(conf.keep_alive_timeout.as_ref().and_then(|k| k.value), Some(Millis(500)));
        assert_eq!(conf.vhost_overrides.len(), 1);
        assert_eq!(conf.vhost_overrides[0].span.text(src), "15");
        assert_eq!(conf.vhost_overrides[0].vhost.text(src), "<VirtualHost *:80>");
        assert_eq!(conf.includes[0].0, "conf.d/*.conf");
        let s = effective_httpd(&[&conf], None);
        assert_eq!(s.idle_timeout.value, Some(Millis(0)));
        assert!(matches!(s.idle_timeout.origin, Origin::Explicit { span, .. } if span.text(src) == "off"));
        assert_eq!(s.max_keep_alive_requests.value, None);
        assert!(s.max_keep_alive_requests.is_explicit());
        assert_eq!(s.timeout.value, Some(Millis(60_000)));
        assert!(matches!(&s.timeout.origin, Origin::Default { what } if what.starts_with("httpd 2.4 Timeout default")));
    }

    #[test]
    fn defaults_and_problems() {
        let conf = read_httpd(FileId(1), "<IfModule x>\nTimeout\n</Directory>\n<Location />\n");
        assert_eq!(conf.problems.len(), 3, "{:?}", conf.problems);
        let s = effective_httpd(&[&conf], None);
        assert_eq!(s.idle_timeout.value, Some(Millis(5_000)));
        assert_eq!(s.max_keep_alive_requests.value, Some(100));
        assert!(!looks_like_httpd("server {\n  listen 80;\n}\n"));
        assert!(!looks_like_httpd("key = value\n"));
    }
}
