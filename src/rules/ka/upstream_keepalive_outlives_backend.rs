//! KA001 upstream-keepalive-outlives-backend

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix, FixAvailability};
use crate::model::hop::{Hop, HopKind};
use crate::model::keepalive::idle_outlives;
use crate::model::setting::{Millis, Origin, Setting};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::value_edit::{insert_option, rewrite_duration};
use crate::rules::{Check, Rule, rule_doc};
use crate::settings::FixSide;
use crate::source::FileId;
use crate::span::Span;

use super::{insert_ingress_key, insert_into_upstream, linked_backends, pool_on, primary};

pub(crate) static RULE: Rule = Rule {
    code: "KA001",
    name: "upstream-keepalive-outlives-backend",
    severity: Severity::Error,
    fix: FixAvailability::SafeOrUnsafe,
    doc: rule_doc!("KA001"),
    check: Check::Project(check),
};

/// Below this, a proxy-side pool is nearly useless: raise the backend instead.
const MIN_PROXY_TIMEOUT: Millis = Millis(10_000);

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let graph = project.hop_graph();
    for proxy in graph.hops.iter().filter(|h| h.kind.is_proxy()) {
        out.extend(finding(cx, proxy));
    }
}

fn value(setting: Option<&Setting<Millis>>) -> Option<Millis> {
    setting.filter(|s| s.is_known()).and_then(|s| s.value)
}

/// For a default, its provenance without the source reference (which `hops`
/// shows in full), e.g. ` (nginx 1.24.0 upstream keepalive_timeout default)`.
fn describe(setting: &Setting<Millis>) -> String {
    match &setting.origin {
        Origin::Default { what } => format!(" ({})", what.split(" (").next().unwrap_or(what)),
        _ => String::new(),
    }
}

/// The proxy's and the backend's idle timeouts when the proxy holds idle
/// connections at least as long as the backend, whether or not the pool is
/// on (the pool-enabling fixes ask what KA001 would say once it is).
pub(super) fn outlives(proxy: &Hop, backend: &Hop) -> Option<(Millis, Millis)> {
    let p = value(proxy.settings.idle_timeout.as_ref())?;
    let b = value(backend.settings.idle_timeout.as_ref())?;
    idle_outlives(p, b).then_some((p, b))
}

/// A linked backend that closes idle connections before the proxy does.
struct Outlived<'p> {
    backend: &'p Hop,
    idle: Millis,
}

/// The backends linked to `proxy` that close idle connections first,
/// tightest first, and the proxy's idle timeout; through `every` link, or
/// only those that can use the pool.
fn outlived<'p>(project: &'p Project, proxy: &Hop, every: bool) -> Option<(Millis, Vec<Outlived<'p>>)> {
    let mut firing: Vec<Outlived<'p>> = linked_backends(project, proxy, every)
        .filter_map(|backend| outlives(proxy, backend).map(|(_, idle)| Outlived { backend, idle }))
        .collect();
    firing.sort_by(|a, b| (a.idle, &a.backend.id).cmp(&(b.idle, &b.backend.id)));
    firing.dedup_by(|a, b| a.backend.id == b.backend.id);
    let p = value(proxy.settings.idle_timeout.as_ref())?;
    (!firing.is_empty()).then_some((p, firing))
}

/// What KA001 would say about a proxy once its pool is on.
pub(super) enum OncePooled {
    Quiet,
    /// It would fire, with this fix if it has one.
    Fires(Option<Fix>),
}

pub(super) fn once_pooled(project: &Project, proxy: &Hop) -> OncePooled {
    match outlived(project, proxy, true) {
        Some((p, firing)) => OncePooled::Fires(fix(project, proxy, &firing, p)),
        None => OncePooled::Quiet,
    }
}

/// RULES.md "A proxy setting shared by several backends": one diagnostic
/// naming the tightest backend, the others related.
fn finding(cx: &RuleContext<'_>, proxy: &Hop) -> Option<Diagnostic> {
    let project = cx.project;
    let (p, firing) = outlived(project, proxy, false)?;
    if !pool_on(cx.pools(), proxy) {
        return None;
    }
    let proxy_idle = proxy.settings.idle_timeout.as_ref()?;
    let tightest = firing.first()?;
    let (software, b) = (tightest.backend.kind.as_str(), tightest.idle);
    let fix = fix(project, proxy, &firing, p);
    // RULES.md "No fix": say what to set where hoplint cannot edit it.
    let in_code = match tightest.backend.kind {
        HopKind::Node if fix.is_none() => format!(
            "; set `server.keepAliveTimeout` above {p} in the application (with `headersTimeout` above it), or lower the proxy's"
        ),
        _ => String::new(),
    };
    let others = match firing.len() {
        1 => String::new(),
        2 => " (1 other linked backend closes sooner than the proxy too)".to_owned(),
        n => format!(" ({} other linked backends close sooner than the proxy too)", n - 1),
    };
    let message = format!(
        "upstream keepalive outlives the backend: the proxy keeps idle connections {p}{}, {software} closes them after {b}{others}{in_code}",
        describe(proxy_idle)
    );
    let (file, span) = primary(proxy, proxy.settings.idle_timeout.as_ref().map(|s| &s.origin));
    let mut diagnostic = Diagnostic::new(&RULE, file, span, message);
    for Outlived { backend, idle } in &firing {
        let Some(backend_idle) = backend.settings.idle_timeout.as_ref() else { continue };
        let label = format!("{} closes idle connections after {idle}{}", backend.kind.as_str(), describe(backend_idle));
        diagnostic = match &backend_idle.origin {
            Origin::Explicit { file, span } => diagnostic.with_related(*file, *span, label),
            _ => diagnostic.with_related(backend.file, backend.span, label),
        };
    }
    if let Some(fix) = fix {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// RULES.md "KA001 fix": proxy target = tightest backend − margin
/// (`[keepalive] margin`); ≥ 10 s → set it on the proxy (safe); otherwise
/// raise every backend to proxy + 5 s (unsafe). `[fix] prefer` forces one
/// side. `backends` are the ones the proxy outlives, tightest first.
fn fix(project: &Project, proxy: &Hop, backends: &[Outlived<'_>], proxy_idle: Millis) -> Option<Fix> {
    let policy = project.fix_policy;
    let tightest = backends.first()?.idle;
    let target = Millis(tightest.0.saturating_sub(policy.margin.0));
    // Whole seconds, rounded down so the proxy still gives up first.
    let seconds = target.0 / 1000;
    let proxy_side = match policy.prefer {
        FixSide::Auto => target >= MIN_PROXY_TIMEOUT,
        FixSide::Proxy => seconds > 0,
        FixSide::Backend => false,
    };
    if proxy_side {
        return proxy_fix(project, proxy, proxy_idle, seconds);
    }
    if policy.prefer == FixSide::Proxy {
        return None;
    }
    let raised = Millis::from_secs(proxy_idle.0 / 1000 + 5);
    let mut edits = Vec::new();
    for Outlived { backend, idle } in backends {
        edits.push(backend_edit(project, backend, *idle, raised)?);
    }
    let title = match backends {
        [only] => format!("Raise {}'s idle keepalive timeout to {raised}", only.backend.kind.as_str()),
        many => format!("Raise the idle keepalive timeout of {} backends to {raised}", many.len()),
    };
    Some(Fix::new(title, Applicability::Unsafe, edits))
}

/// The proxy's upstream idle timeout set to `seconds`: the nginx upstream's
/// `keepalive_timeout`, or the ingress-nginx `upstream-keepalive-timeout`.
fn proxy_fix(project: &Project, proxy: &Hop, proxy_idle: Millis, seconds: u64) -> Option<Fix> {
    let origin = &proxy.settings.idle_timeout.as_ref()?.origin;
    let (title, edit) = match proxy.kind {
        HopKind::NginxUpstream => (
            format!("Set `keepalive_timeout {seconds}s` in the upstream"),
            match origin {
                Origin::Explicit { file, span } => Edit::replace(*file, *span, format!("{seconds}s")),
                _ => insert_into_upstream(project, proxy, &format!("keepalive_timeout {seconds}s;"))?,
            },
        ),
        HopKind::IngressNginx => (
            format!("Set `upstream-keepalive-timeout: \"{seconds}\"`"),
            match origin {
                Origin::Explicit { file, span } => {
                    let written = span.text(&project.file(*file).text);
                    Edit::replace(*file, *span, rewrite_duration(written, proxy_idle, Millis::from_secs(seconds))?)
                }
                _ => insert_ingress_key(project, proxy, "upstream-keepalive-timeout", &format!("\"{seconds}\""))?,
            },
        ),
        _ => return None,
    };
    Some(Fix::new(title, Applicability::Safe, vec![edit]))
}

/// The backend's idle timeout raised to `raised` where it is written, or
/// added where its settings live.
pub(super) fn backend_edit(project: &Project, backend: &Hop, backend_idle: Millis, raised: Millis) -> Option<Edit> {
    let Origin::Explicit { file, span } = &backend.settings.idle_timeout.as_ref()?.origin else {
        return absent_backend_setting(project, backend, raised);
    };
    let text = &project.file(*file).text;
    let written = span.text(text);
    // Tomcat falls back to `connectionTimeout`, which also bounds reading a
    // request: add `keepAliveTimeout` beside it instead of raising it.
    match written_key(text, *span) {
        key if key.eq_ignore_ascii_case("connectionTimeout") => {
            let quoted = text[span.end as usize..].starts_with(['"', '\'']);
            let after = span.end + u32::from(quoted);
            let value = rewrite_duration(written, backend_idle, raised)?;
            Some(Edit::replace(*file, Span::at(after), format!(" keepAliveTimeout=\"{value}\"")))
        }
        // Spring's `connection-timeout` fallback, likewise: a
        // `keep-alive-timeout` line under the same parent.
        key if key.ends_with("connection-timeout") => {
            let value = rewrite_duration(written, backend_idle, raised)?;
            spring_keep_alive_line(text, *file, *span, key, &value)
        }
        _ => Some(Edit::replace(*file, *span, rewrite_duration(written, backend_idle, raised)?)),
    }
}

/// `keep-alive-timeout` on a new line after Spring's `connection-timeout`
/// (its value at `span`, written under `key`), beside it under the same
/// parent: `server.tomcat.keep-alive-timeout=65s` after a property,
/// `keep-alive-timeout: 65s` at a nested YAML key's indentation. `None` when
/// the key shares its line with more than its value (YAML flow style).
fn spring_keep_alive_line(text: &str, file: FileId, span: Span, key: &str, value: &str) -> Option<Edit> {
    let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let key_at = line_start + text[line_start..span.start as usize].rfind(key)?;
    let indent = &text[line_start..key_at];
    if !indent.trim().is_empty() {
        return None;
    }
    // `=`, `: ` or `: "`: what joins the key to its value, an opening quote
    // outside the span included, closed again after the new value.
    let separator = &text[key_at + key.len()..span.start as usize];
    let close = separator.chars().last().filter(|c| matches!(c, '"' | '\'')).map(String::from).unwrap_or_default();
    let parent = key.strip_suffix("connection-timeout")?;
    let line = format!("{indent}{parent}keep-alive-timeout{separator}{value}{close}");
    let end = span.end as usize;
    Some(match text[end..].find('\n') {
        Some(i) => Edit::replace(file, Span::at(u32::try_from(end + i + 1).ok()?), format!("{line}\n")),
        None => Edit::replace(file, Span::at(u32::try_from(text.len()).ok()?), format!("\n{line}")),
    })
}

/// RULES.md "Backend-side settings that are absent": added where the
/// backend's settings live — gunicorn's config file (`keepalive = N`
/// appended), else the command line that starts the server (`--keep-alive
/// N` for gunicorn and hypercorn, `--timeout-keep-alive N` for uvicorn).
fn absent_backend_setting(project: &Project, backend: &Hop, raised: Millis) -> Option<Edit> {
    let seconds = raised.0 / 1000;
    if backend.kind == HopKind::Gunicorn
        && let Some(edit) = gunicorn_conf_append(project, backend, seconds)
    {
        return Some(edit);
    }
    let option = match backend.kind {
        HopKind::Gunicorn | HopKind::Hypercorn => "--keep-alive",
        HopKind::Uvicorn => "--timeout-keep-alive",
        _ => return None,
    };
    let site = project.hop_graph().program(&backend.id)?;
    insert_option(project, site, option, &seconds.to_string())
}

/// `keepalive = N` appended to the gunicorn.conf.py the hop's other
/// explicit settings come from.
fn gunicorn_conf_append(project: &Project, backend: &Hop, seconds: u64) -> Option<Edit> {
    let s = &backend.settings;
    let origins = [
        s.worker_class.as_ref().map(|x| &x.origin),
        s.request_timeout.as_ref().map(|x| &x.origin),
        s.drain_timeout.as_ref().map(|x| &x.origin),
        s.recycle_after.as_ref().map(|x| &x.origin),
        s.recycle_jitter.as_ref().map(|x| &x.origin),
    ];
    let explicit = origins.into_iter().filter_map(|o| match o {
        Some(Origin::Explicit { file, .. }) => Some(*file),
        _ => None,
    });
    let is_conf = |file: &FileId| project.file(*file).path.extension().is_some_and(|e| e == "py");
    let conf = std::iter::once(backend.file).chain(explicit).find(is_conf)?;
    let text = &project.file(conf).text;
    let end = u32::try_from(text.len()).ok()?;
    let newline = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    Some(Edit::replace(conf, Span::at(end), format!("{newline}keepalive = {seconds}\n")))
}

/// The key a value at `span` is written under on its line: the XML
/// attribute (`connectionTimeout="…"`), the property (`a.b=…`), the YAML key
/// (`a: …`); empty when there is none.
fn written_key(text: &str, span: Span) -> &str {
    let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..span.start as usize].trim_end_matches(['"', '\'', ' ', '\t']);
    let before = before.trim_end_matches(['=', ':']).trim_end();
    let start =
        before.rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))).map_or(0, |i| i + 1);
    &before[start..]
}
