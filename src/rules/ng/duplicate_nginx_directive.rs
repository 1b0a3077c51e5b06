//! NG003 duplicate-nginx-directive

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixAvailability};
use crate::knowledge::nginx_directives::Slot;
use crate::model::nginx::{Ctx, Resolution};
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::syntax::nginx::Directive;

pub(crate) static RULE: Rule = Rule {
    code: "NG003",
    name: "duplicate-nginx-directive",
    severity: Severity::Error,
    fix: FixAvailability::Safe,
    doc: rule_doc!("NG003"),
    check: Check::Project(check),
};

/// Handlers that refuse a second occurrence in one block ("is duplicate"),
/// besides the single-value slots: `ngx_http_core_keepalive`,
/// `ngx_http_upstream_keepalive`, `ngx_http_proxy_pass` and its siblings,
/// `ngx_http_core_root`, `ngx_http_headers_expires`,
/// `ngx_set_worker_processes`, `ngx_set_user`.
const SINGLE_HANDLERS: &[&str] = &[
    "keepalive_timeout",
    "keepalive",
    "proxy_pass",
    "proxy_redirect",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
    "root",
    "alias",
    "expires",
    "worker_processes",
    "user",
];

/// Whether nginx rejects a repeat of this directive in one block: every
/// `ngx_conf_set_*_slot` that stores one value checks "is duplicate"; array
/// slots (`proxy_set_header`, `add_header`…) and bitmasks merge instead.
fn single_valued(slot: Slot, name: &str) -> bool {
    match slot {
        Slot::TimeMs
        | Slot::TimeS
        | Slot::Size
        | Slot::Offset
        | Slot::Number
        | Slot::Flag
        | Slot::Enum
        | Slot::String
        | Slot::Bufs
        | Slot::Path
        | Slot::Access
        | Slot::ComplexValue
        | Slot::ComplexValueSize => true,
        Slot::Handler => SINGLE_HANDLERS.contains(&name),
        _ => false,
    }
}

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let version = project.nginx_version.version;
    // The first directive of each name per block: (file, `{` offset or
    // u32::MAX for a file's top level, name).
    let mut seen: HashMap<(FileId, u32, String), &Directive> = HashMap::new();
    project.walk_nginx(&mut |site| {
        let d = site.directive;
        if matches!(site.ctx, Ctx::Custom | Ctx::Unknown) {
            return;
        }
        let name = d.name(&site.source.text).into_owned();
        let Resolution::Found(row) = project.resolve_nginx(&name, site.ctx) else { return };
        if !single_valued(row.shape_at(version).slot, &name) {
            return;
        }
        let block = site.parents.last().and_then(|p| p.block()).map_or(u32::MAX, |b| b.open.start);
        match seen.get(&(site.file, block, name.clone())) {
            Some(first) => out.push(report(site.file, site.source, first, d, &name)),
            None => {
                seen.insert((site.file, block, name), d);
            }
        }
    });
}

fn report(file: FileId, source: &SourceFile, first: &Directive, second: &Directive, name: &str) -> Diagnostic {
    let text = &source.text;
    let line = source.lines.line(first.name_part().span.start);
    let mut diagnostic = Diagnostic::new(
        &RULE,
        file,
        second.name_part().span,
        format!("\"{name}\" directive is duplicate: it is already set on line {line} in this block"),
    )
    .with_related(file, first.span(), "first set here");
    let identical = first.span().text(text) == second.span().text(text);
    if identical {
        let span = removal_span(first, text);
        diagnostic = diagnostic.with_fix(Fix::safe(
            format!("Remove the first `{}`", first.span().text(text).trim()),
            vec![Edit::delete(file, span)],
        ));
    }
    diagnostic
}

/// The bytes to delete to remove `directive`: its whole line when it is alone
/// on it (with the line break), else the directive and the spaces before it.
fn removal_span(directive: &Directive, text: &str) -> Span {
    let span = directive.span();
    let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..span.start as usize];
    let after_end = text[span.end as usize..].find('\n').map_or(text.len(), |i| span.end as usize + i);
    let after = &text[span.end as usize..after_end];
    #[allow(clippy::cast_possible_truncation)]
    if before.trim().is_empty() && after.trim().is_empty() {
        let end = (after_end + 1).min(text.len());
        Span::new(line_start as u32, end as u32)
    } else {
        let spaces = before.len() - before.trim_end().len();
        Span::new(span.start - spaces as u32, span.end)
    }
}
