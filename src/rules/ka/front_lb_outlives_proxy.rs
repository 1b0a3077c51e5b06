//! KA008 front-lb-outlives-proxy

use std::collections::{BTreeMap, HashSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixAvailability};
use crate::knowledge::nginx_directives;
use crate::model::hop::{Hop, HopKind};
use crate::model::link::{Link, is_backend};
use crate::model::setting::{Millis, Origin, Setting};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::nginx::Directive;

use super::upstream_keepalive_outlives_backend::backend_edit;
use super::{ingress_config_keys, insert_ingress_key};
use crate::rules::nginx_insert::insert_into_block;

pub(crate) static RULE: Rule = Rule {
    code: "KA008",
    name: "front-lb-outlives-proxy",
    severity: Severity::Error,
    fix: FixAvailability::Safe,
    doc: rule_doc!("KA008"),
    check: Check::Project(check),
};

/// How much longer than the load balancer the fix keeps idle connections
/// (RULES.md KA008: LB + 20s).
const HEADROOM_SECONDS: u64 = 20;

/// ingress-nginx's ConfigMap key for the client-side `keepalive_timeout`.
const KEEP_ALIVE_KEY: &str = "keep-alive";

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let graph = project.hop_graph();
    // Each fronted hop against the longest-lived load balancer in front of it.
    let mut longest: BTreeMap<&str, (&Hop, &Link, Millis)> = BTreeMap::new();
    for link in &graph.links {
        let Some(lb) = graph.hop(&link.proxy).filter(|h| h.kind == HopKind::LoadBalancer) else { continue };
        let Some(idle) = known(lb.settings.idle_timeout.as_ref()) else { continue };
        let entry = longest.entry(link.backend.as_str()).or_insert((lb, link, idle));
        if idle > entry.2 {
            *entry = (lb, link, idle);
        }
    }
    // The servers of one `http` share its setting: one finding for them.
    let mut reported: HashSet<(FileId, Span)> = HashSet::new();
    for (fronted, (lb, link, lb_idle)) in longest {
        let Some(hop) = graph.hop(fronted) else { continue };
        if let Some(diagnostic) = finding(project, lb, link, lb_idle, hop)
            && reported.insert((diagnostic.file, diagnostic.span))
        {
            out.push(diagnostic);
        }
    }
}

fn known(setting: Option<&Setting<Millis>>) -> Option<Millis> {
    setting.filter(|s| s.is_known()).and_then(|s| s.value)
}

/// Where a value comes from, for messages: `file:line`, or the default's
/// description without its source reference.
fn provenance(project: &Project, setting: &Setting<Millis>) -> String {
    match &setting.origin {
        Origin::Explicit { file, span } => {
            let source = project.file(*file);
            format!("{}:{}", source.display_path(), source.lines.line(span.start))
        }
        Origin::Default { what } => what.split(" (").next().unwrap_or(what).to_owned(),
        Origin::Unknown { reason } => reason.clone(),
    }
}

fn finding(project: &Project, lb: &Hop, link: &Link, lb_idle: Millis, hop: &Hop) -> Option<Diagnostic> {
    let setting = match hop.kind {
        HopKind::NginxServer | HopKind::IngressNginx => hop.settings.client_idle_timeout.as_ref()?,
        kind if is_backend(kind) => hop.settings.idle_timeout.as_ref()?,
        _ => return None,
    };
    let idle = known(Some(setting))?;
    // 0: keepalive off, the connection closes after each response and the
    // load balancer has nothing to reuse.
    if idle == Millis(0) || idle > lb_idle {
        return None;
    }
    let receiver = match hop.kind {
        HopKind::NginxServer => "nginx",
        kind => kind.as_str(),
    };
    let lb_setting = lb.settings.idle_timeout.as_ref()?;
    let message = format!(
        "the load balancer in front outlives {receiver}: `{}` keeps idle connections {lb_idle} ({}), {receiver} closes them after {idle} ({})",
        lb.id,
        provenance(project, lb_setting),
        provenance(project, setting),
    );
    let (file, span) = primary(project, hop, setting);
    let (lb_file, lb_span) = match &lb_setting.origin {
        Origin::Explicit { file, span } => (*file, *span),
        _ => (link.file, link.span),
    };
    let label = format!("load balancer keeps idle connections {lb_idle}");
    let mut diagnostic = Diagnostic::new(&RULE, file, span, message).with_related(lb_file, lb_span, label);
    let target = lb_idle.0.div_ceil(1000) + HEADROOM_SECONDS;
    if let Some(fix) = fix(project, hop, setting, target) {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// RULES.md "Where a finding is reported", KA008: the setting, else where it
/// would be inserted (the `http` line, the ConfigMap's `data:` line), else
/// the hop's own line.
fn primary(project: &Project, hop: &Hop, setting: &Setting<Millis>) -> (FileId, Span) {
    if let Origin::Explicit { file, span } = &setting.origin {
        return (*file, *span);
    }
    let insertion_line = match hop.kind {
        HopKind::NginxServer => {
            project.nginx_enclosing_block(hop.file, hop.span, "http").map(|(file, http)| (file, http.name_part().span))
        }
        HopKind::IngressNginx => ingress_config_keys(project, hop).map(|(line, _)| (hop.file, line)),
        _ => None,
    };
    insertion_line.unwrap_or((hop.file, hop.span))
}

/// Sets the receiver's idle timeout to `target` seconds: nginx
/// `keepalive_timeout` (in place, or inserted into `http{}`), the
/// ingress-nginx `keep-alive` key (in place, or added to the keys), or a
/// gunicorn `keepalive` assignment.
fn fix(project: &Project, hop: &Hop, setting: &Setting<Millis>, target: u64) -> Option<Fix> {
    let explicit = match &setting.origin {
        Origin::Explicit { file, span } => Some((*file, *span)),
        _ => None,
    };
    let (title, edit) = match hop.kind {
        HopKind::NginxServer => {
            let edit = if let Some((file, span)) = explicit {
                Edit::replace(file, span, format!("{target}s"))
            } else {
                let (file, http) = project.nginx_enclosing_block(hop.file, hop.span, "http")?;
                let line = format!("keepalive_timeout {target}s;");
                insert_into_block(project, file, http, &line, &is_core_simple_directive)?
            };
            (format!("Set `keepalive_timeout {target}s`"), edit)
        }
        HopKind::IngressNginx => {
            let edit = match explicit {
                Some((file, span)) => {
                    let written = span.text(&project.file(file).text);
                    let quote = written.chars().next().filter(|c| matches!(c, '"' | '\'')).map(String::from);
                    let quote = quote.unwrap_or_default();
                    Edit::replace(file, span, format!("{quote}{target}{quote}"))
                }
                None => insert_ingress_key(project, hop, KEEP_ALIVE_KEY, &format!("\"{target}\""))?,
            };
            (format!("Set `{KEEP_ALIVE_KEY}: \"{target}\"`"), edit)
        }
        _ => {
            let current = setting.value?;
            let edit = backend_edit(project, hop, current, Millis::from_secs(target))?;
            (format!("Raise {}'s idle keepalive timeout to {target}s", hop.kind.as_str()), edit)
        }
    };
    Some(Fix::safe(title, vec![edit]))
}

/// A simple directive of the core http module, after which an inserted
/// `keepalive_timeout` goes (blocks such as `server{}` are not anchors).
fn is_core_simple_directive(directive: &Directive, name: &str) -> bool {
    directive.block().is_none() && nginx_directives::lookup(name).iter().any(|r| r.module == "ngx_http_core_module")
}
