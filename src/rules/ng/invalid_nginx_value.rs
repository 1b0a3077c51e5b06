//! NG006 invalid-nginx-value

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixAvailability};
use crate::knowledge::nginx_directives::{DirectiveRow, Slot};
use crate::knowledge::nginx_values::{parse_flag, parse_number, parse_offset, parse_size, parse_time};
use crate::model::nginx::{Ctx, Resolution};
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::syntax::nginx::Part;

pub(crate) static RULE: Rule = Rule {
    code: "NG006",
    name: "invalid-nginx-value",
    severity: Severity::Error,
    fix: FixAvailability::SafeWhenUnambiguous,
    doc: rule_doc!("NG006"),
    check: Check::Project(check),
};

/// The kind of value an argument must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueKind {
    TimeMs,
    TimeS,
    Size,
    Offset,
    Number,
    Flag,
    /// One of the row's keywords (enum: the first argument; bitmask: each).
    Keyword,
}

impl ValueKind {
    fn accepts(self, value: &str, row: &DirectiveRow, version: crate::knowledge::Version) -> bool {
        match self {
            ValueKind::TimeMs => parse_time(value, false).is_some(),
            ValueKind::TimeS => parse_time(value, true).is_some(),
            ValueKind::Size => parse_size(value).is_some(),
            ValueKind::Offset => parse_offset(value).is_some(),
            ValueKind::Number => parse_number(value).is_some(),
            ValueKind::Flag => parse_flag(value).is_some(),
            ValueKind::Keyword => row.shape_at(version).values.iter().any(|k| k.eq_ignore_ascii_case(value)),
        }
    }

    fn expected(self, row: &DirectiveRow, version: crate::knowledge::Version) -> String {
        match self {
            ValueKind::TimeMs => "a time such as 60s, 500ms or 1h30m".to_owned(),
            ValueKind::TimeS => "a time in seconds such as 60s, 5m or 1h (no ms)".to_owned(),
            ValueKind::Size => "a size such as 512, 16k or 10m".to_owned(),
            ValueKind::Offset => "a size such as 512, 16k, 10m or 1g".to_owned(),
            ValueKind::Number => "a whole number".to_owned(),
            ValueKind::Flag => "\"on\" or \"off\"".to_owned(),
            ValueKind::Keyword => {
                let values: Vec<String> = row.shape_at(version).values.iter().map(|v| format!("\"{v}\"")).collect();
                format!("one of {}", values.join(", "))
            }
        }
    }
}

/// Which arguments to check and how: slots read the first argument (bitmasks
/// every argument); the client-side `keepalive_timeout` handler reads a
/// millisecond timeout and an optional header timeout in seconds.
fn checks(row: &DirectiveRow, name: &str, version: crate::knowledge::Version) -> Vec<(usize, ValueKind)> {
    let slot = row.shape_at(version).slot;
    match slot {
        Slot::TimeMs => vec![(0, ValueKind::TimeMs)],
        Slot::TimeS => vec![(0, ValueKind::TimeS)],
        Slot::Size => vec![(0, ValueKind::Size)],
        Slot::Offset => vec![(0, ValueKind::Offset)],
        Slot::Number => vec![(0, ValueKind::Number)],
        Slot::Flag => vec![(0, ValueKind::Flag)],
        Slot::Enum if !row.shape_at(version).values.is_empty() => vec![(0, ValueKind::Keyword)],
        Slot::Bitmask if !row.shape_at(version).values.is_empty() => (0..16).map(|i| (i, ValueKind::Keyword)).collect(),
        Slot::Handler if name == "keepalive_timeout" && row.module == "ngx_http_core_module" => {
            vec![(0, ValueKind::TimeMs), (1, ValueKind::TimeS)]
        }
        _ => Vec::new(),
    }
}

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let version = project.nginx_version.version;
    project.walk_nginx(&mut |site| {
        let (d, text) = (site.directive, &site.source.text);
        if matches!(site.ctx, Ctx::Custom | Ctx::Unknown) {
            return;
        }
        let name = d.name(text);
        let Resolution::Found(row) = project.resolve_nginx(&name, site.ctx) else { return };
        // NG002 reports wrong argument counts; values are checked only when
        // the count is right.
        if !row.shape_at(version).args.accepts(d.arg_count()) {
            return;
        }
        let args: Vec<Part> = d.args().collect();
        for (index, kind) in checks(row, &name, version) {
            let Some(arg) = args.get(index) else { continue };
            let value = arg.value(text);
            if kind.accepts(&value, row, version) {
                continue;
            }
            let expected = kind.expected(row, version);
            let message = format!("invalid value \"{value}\" in \"{name}\" directive: expected {expected}");
            let mut diagnostic = Diagnostic::new(&RULE, site.file, arg.span, message);
            if let Some(fixed) = repeated_unit_fix(&value).filter(|f| kind.accepts(f, row, version)) {
                let edit = Edit::replace(site.file, arg.span, fixed.clone());
                diagnostic = diagnostic.with_fix(Fix::safe(format!("Set `{name} {fixed}`"), vec![edit]));
            }
            out.push(diagnostic);
        }
    });
}

/// `60ss` → `60s`: the one obvious reading of a doubled unit letter.
fn repeated_unit_fix(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let n = bytes.len();
    if n >= 3 && bytes[n - 1] == bytes[n - 2] && bytes[n - 1].is_ascii_alphabetic() && bytes[n - 3].is_ascii_digit() {
        return Some(value[..n - 1].to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_units() {
        assert_eq!(repeated_unit_fix("60ss").as_deref(), Some("60s"));
        assert_eq!(repeated_unit_fix("10mm").as_deref(), Some("10m"));
        assert_eq!(repeated_unit_fix("1h30").as_deref(), None);
        assert_eq!(repeated_unit_fix("ss"), None);
    }
}
