//! PHP-FPM configuration (`php-fpm.conf`, `www.conf`, `php-fpm.d/*.conf`):
//! INI sections — `[global]` and one per pool — with `;` comments, quoted
//! values, `${ENV}` expansion and time units (`10s`, `1m`, `2h`, `1d`; bare
//! numbers are seconds). Defaults: php-src `sapi/fpm/php-fpm.conf.in` and
//! `www.conf.in` (facts §A7).

use crate::knowledge::Version;
use crate::knowledge::servers::{self, DefaultValue, Server};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::limits::zero_is_unbounded;
use crate::model::problem::ParseProblem;
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::span::Span;

/// One php-fpm configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhpFpmConf {
    pub file: FileId,
    /// The `[global]` line.
    pub global_span: Option<Span>,
    /// `process_control_timeout` as the global section sets it.
    pub process_control_timeout: Option<Setting<Millis>>,
    pub pools: Vec<Pool>,
    /// `include=` patterns (resolved against php-fpm's prefix by the caller).
    pub includes: Vec<(String, Span)>,
    pub problems: Vec<ParseProblem>,
}

/// A `[name]` pool section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    pub name: String,
    /// The `[name]` line.
    pub span: Span,
    pub listen: Option<Setting<String>>,
    /// 0 (also the default) = no limit.
    pub request_terminate_timeout: Option<Setting<Millis>>,
    /// Requests per child before it is recycled; 0 = never (KA010).
    pub max_requests: Option<Setting<u64>>,
}

/// Whether text is php-fpm configuration: a `[global]` section, or a pool
/// section with process-manager keys (`pm =`, `pm.max_children =`; every
/// pool must set `pm`). `listen =` alone is not enough: uWSGI ini files
/// have it too.
pub fn looks_like_phpfpm(text: &str) -> bool {
    let mut in_section = false;
    for line in text.lines().map(str::trim) {
        if line.eq_ignore_ascii_case("[global]") {
            return true;
        }
        if line.starts_with('[') && line.ends_with(']') {
            in_section = true;
        } else if in_section
            && let Some((key, _)) = line.split_once('=')
            && (key.trim() == "pm" || key.trim().starts_with("pm."))
        {
            return true;
        }
    }
    false
}

/// Reads a php-fpm configuration file.
pub fn read_phpfpm(file: FileId, source: &str) -> PhpFpmConf {
    let mut conf = PhpFpmConf {
        file,
        global_span: None,
        process_control_timeout: None,
        pools: Vec::new(),
        includes: Vec::new(),
        problems: Vec::new(),
    };
    // Entries before any section belong to the global one.
    let mut pool: Option<usize> = None;
    let mut offset = 0;
    for raw in source.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = strip_comment(raw.trim_end_matches(['\n', '\r']));
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = |s: &str| {
            // `s` is a slice of `raw`.
            let from = start + (s.as_ptr() as usize - raw.as_ptr() as usize);
            span(from, from + s.len())
        };
        if let Some(section) = trimmed.strip_prefix('[') {
            let Some(name) = section.strip_suffix(']') else {
                conf.problems.push(ParseProblem {
                    file,
                    span: at(trimmed),
                    message: "unclosed `[` section header".into(),
                });
                continue;
            };
            if name.trim() == "global" {
                conf.global_span = Some(at(trimmed));
                pool = None;
            } else {
                conf.pools.push(Pool {
                    name: name.trim().to_owned(),
                    span: at(trimmed),
                    listen: None,
                    request_terminate_timeout: None,
                    max_requests: None,
                });
                pool = Some(conf.pools.len() - 1);
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            conf.problems.push(ParseProblem {
                file,
                span: at(trimmed),
                message: "expected `key = value` or a `[section]`".into(),
            });
            continue;
        };
        let key = key.trim();
        let value = unquote(value.trim());
        let value_span = at(value);
        match (pool, key) {
            (_, "include") => conf.includes.push((value.to_owned(), value_span)),
            (None, "process_control_timeout") => {
                conf.process_control_timeout = Some(time(key, value, file, value_span));
            }
            (Some(p), "request_terminate_timeout") => {
                conf.pools[p].request_terminate_timeout =
                    Some(zero_is_unbounded(time(key, value, file, value_span), &Millis(0)));
            }
            (Some(p), "pm.max_requests") => conf.pools[p].max_requests = Some(count(key, value, file, value_span)),
            (Some(p), "listen") => conf.pools[p].listen = Some(text(key, value, file, value_span)),
            _ => {}
        }
    }
    conf
}

fn span(start: usize, end: usize) -> Span {
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span::new(at(start), at(end))
}

/// The line without its `;` comment (outside double quotes).
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

fn unquote(value: &str) -> &str {
    value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value)
}

fn env_reason(key: &str, value: &str) -> Option<String> {
    value.contains("${").then(|| format!("`{key} = {value}` is expanded from the environment at start"))
}

/// php-src `sapi/fpm/fpm/fpm_conf.c` `fpm_conf_set_time`: a number with an optional `s`, `m`, `h`
/// or `d` suffix (seconds by default).
fn time(key: &str, value: &str, file: FileId, span: Span) -> Setting<Millis> {
    if let Some(reason) = env_reason(key, value) {
        return Setting::unknown(reason);
    }
    let (digits, unit) = match value.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&value[..i], c),
        _ => (value, 's'),
    };
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Setting::unknown(format!("`{key} = {value}`: unknown unit, php-fpm refuses to start")),
    };
    match digits.trim().parse::<u64>() {
        Ok(n) => Setting::explicit(Millis::from_secs(n.saturating_mul(scale)), file, span),
        Err(_) => Setting::unknown(format!("`{key} = {value}` is not a time php-fpm accepts")),
    }
}

fn count(key: &str, value: &str, file: FileId, span: Span) -> Setting<u64> {
    if let Some(reason) = env_reason(key, value) {
        return Setting::unknown(reason);
    }
    match value.parse::<u64>() {
        Ok(n) => zero_is_unbounded(Setting::explicit(n, file, span), &0),
        Err(_) => Setting::unknown(format!("`{key} = {value}` is not a number")),
    }
}

fn text(key: &str, value: &str, file: FileId, span: Span) -> Setting<String> {
    match env_reason(key, value) {
        Some(reason) => Setting::unknown(reason),
        None => Setting::explicit(value.to_owned(), file, span),
    }
}

/// php-fpm's effective settings over its files (the main file first, then
/// its includes; a later file's value wins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhpFpmSettings {
    pub version: Version,
    pub software_version: Setting<String>,
    /// How long children get to finish on a graceful stop (`SIGQUIT`); 0 =
    /// none (SD007).
    pub process_control_timeout: Setting<Millis>,
    /// The longest `request_terminate_timeout` of the pools (unbounded when
    /// any pool has none).
    pub request_terminate_timeout: Setting<Millis>,
    /// Each pool's `pm.max_requests`, by pool name.
    pub max_requests: Vec<(String, Setting<u64>)>,
    /// The `[global]` line the hop points at: its file and span.
    pub global: Option<(FileId, Span)>,
}

/// `version`: the PHP version (from the image tag), else the newest known.
pub fn effective_phpfpm(confs: &[&PhpFpmConf], version: Option<Version>) -> PhpFpmSettings {
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| Server::PhpFpm.newest());
    let label = Server::PhpFpm.label(version);
    let default_time = |setting: &str| match servers::default(Server::PhpFpm, setting, version) {
        Some(row) => match row.value {
            DefaultValue::Millis(ms) => Setting::default(Millis(ms), row.what(version)),
            _ => Setting::default_unbounded(row.what(version)),
        },
        None => Setting::unknown(format!("php-fpm {label} has no default for {setting}")),
    };
    let process_control_timeout = confs
        .iter()
        .rev()
        .find_map(|c| c.process_control_timeout.clone())
        .unwrap_or_else(|| default_time("process_control_timeout"));
    let pools: Vec<&Pool> = confs.iter().flat_map(|c| &c.pools).collect();
    let terminate: Vec<Setting<Millis>> = pools
        .iter()
        .map(|p| p.request_terminate_timeout.clone().unwrap_or_else(|| default_time("request_terminate_timeout")))
        .collect();
    let request_terminate_timeout = longest(terminate).unwrap_or_else(|| default_time("request_terminate_timeout"));
    let max_requests = pools
        .iter()
        .map(|p| {
            let setting = p.max_requests.clone().unwrap_or_else(|| {
                match servers::default(Server::PhpFpm, "pm.max_requests", version) {
                    Some(row) => Setting::default_unbounded(row.what(version)),
                    None => Setting::unknown("no default for pm.max_requests"),
                }
            });
            (p.name.clone(), setting)
        })
        .collect();
    PhpFpmSettings {
        version,
        software_version: if assumed {
            Setting::default(label.clone(), "PHP version assumed: newest known")
        } else {
            Setting::default(label.clone(), "PHP version given")
        },
        process_control_timeout,
        request_terminate_timeout,
        max_requests,
        global: confs.iter().find_map(|c| c.global_span.map(|s| (c.file, s))),
    }
}

/// The longest of several timeouts: unbounded wins, then unknown, then the
/// largest value.
fn longest(timeouts: Vec<Setting<Millis>>) -> Option<Setting<Millis>> {
    let unbounded = timeouts.iter().find(|t| t.value.is_none() && t.is_known()).cloned();
    let unknown = timeouts.iter().find(|t| !t.is_known()).cloned();
    unbounded.or(unknown).or_else(|| timeouts.into_iter().max_by_key(|t| t.value))
}

impl PhpFpmSettings {
    /// The hop `hoplint hops` shows (kind `php-fpm`). `span` is used when no
    /// file has a `[global]` line.
    pub fn to_hop(&self, id: String, file: FileId, span: Span) -> Hop {
        let (file, span) = self.global.unwrap_or((file, span));
        Hop {
            id,
            kind: HopKind::PhpFpm,
            file,
            span,
            software_version: Some(self.software_version.clone()),
            settings: HopSettings {
                drain_timeout: Some(self.process_control_timeout.clone()),
                request_timeout: Some(self.request_terminate_timeout.clone()),
                // The pool that recycles soonest (0 = never).
                recycle_after: self
                    .max_requests
                    .iter()
                    .map(|(_, s)| s)
                    .filter(|s| s.value.is_some_and(|n| n > 0))
                    .min_by_key(|s| s.value)
                    .cloned(),
                ..HopSettings::default()
            },
        }
    }

    /// Whether `process_control_timeout` was left at its default.
    pub fn process_control_timeout_defaulted(&self) -> bool {
        matches!(self.process_control_timeout.origin, Origin::Default { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_and_pools() {
        let src = "[global]\nprocess_control_timeout = 10s ; graceful\ninclude=etc/php-fpm.d/*.conf\n\n[www]\nlisten = \"127.0.0.1:9000\"\npm = dynamic\nrequest_terminate_timeout = 2m\npm.max_requests = 500\n\n[admin]\nlisten = /run/admin.sock\nrequest_terminate_timeout = 0\n";
        assert!(looks_like_phpfpm(src));
        let conf = read_phpfpm(FileId(4), src);
        assert!(conf.problems.is_empty(), "{:?}", conf.problems);
        assert_eq!(conf.global_span.map(|s| s.text(src)), Some("[global]"));
        let pct = conf.process_control_timeout.clone().unwrap();
        assert_eq!(pct.value, Some(Millis(10_000)));
        assert!(matches!(pct.origin, Origin::Explicit { span, .. } if span.text(src) == "10s"));
        assert_eq!(conf.includes[0].0, "etc/php-fpm.d/*.conf");
        assert_eq!(conf.pools[0].listen.as_ref().and_then(|l| l.value.clone()).as_deref(), Some("127.0.0.1:9000"));
        assert_eq!(conf.pools[0].request_terminate_timeout.as_ref().and_then(|t| t.value), Some(Millis(120_000)));
        let s = effective_phpfpm(&[&conf], None);
        // One pool without a limit makes the longest request unbounded.
        assert_eq!(s.request_terminate_timeout.value, None);
        assert!(s.request_terminate_timeout.is_explicit());
        let hop = s.to_hop("php-fpm.conf".into(), FileId(9), Span::default());
        assert_eq!((hop.file, hop.span.text(src)), (FileId(4), "[global]"));
    }

    #[test]
    fn defaults_units_and_errors() {
        let src = "[www]\nlisten = 9000\npm = static\nrequest_terminate_timeout = ${TIMEOUT}\nbroken line\n";
        assert!(looks_like_phpfpm(src));
        assert!(!looks_like_phpfpm("[section]\nkey = value\n"));
        assert!(!looks_like_phpfpm("[uwsgi]\nlisten = 128\nmodule = app\n"));
        let conf = read_phpfpm(FileId(1), src);
        assert_eq!(conf.problems.len(), 1);
        let s = effective_phpfpm(&[&conf], None);
        assert_eq!(s.process_control_timeout.value, Some(Millis(0)));
        assert!(s.process_control_timeout_defaulted());
        assert!(!s.request_terminate_timeout.is_known());
        assert_eq!(time("t", "1h", FileId(1), Span::default()).value, Some(Millis(3_600_000)));
        assert!(!time("t", "5x", FileId(1), Span::default()).is_known());
    }
}
