//! NG002 unknown-nginx-directive

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::knowledge::nginx_directives::{self, Build};
use crate::model::nginx::{Ctx, FILE_LEVEL, Resolution, missing_semicolon, shape_problem};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};

pub(crate) static RULE: Rule = Rule {
    code: "NG002",
    name: "unknown-nginx-directive",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("NG002"),
    check: Check::Project(check),
};

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let version = project.nginx_version.version;
    let open_blocks = &project.nginx.open_blocks;
    project.walk_nginx(&mut |site| {
        let (d, text) = (site.directive, &site.source.text);
        if matches!(site.ctx, Ctx::Custom | Ctx::Unknown) {
            return;
        }
        let open = open_blocks.contains(&(site.file, FILE_LEVEL))
            || site.parents.iter().filter_map(|p| p.block()).any(|b| open_blocks.contains(&(site.file, b.open.start)));
        let ctx = if open { Ctx::Open } else { site.ctx };
        let name = d.name(text);
        let at = d.name_part().span;
        let found = match project.resolve_nginx(&name, ctx) {
            Resolution::Found(row) => row,
            other => {
                out.push(Diagnostic::new(&RULE, site.file, at, problem_message(&name, ctx, &other, project)));
                return;
            }
        };
        if let Some(message) = shape_problem(&name, d, found, version) {
            // A forgotten ";" is NG001's finding.
            if missing_semicolon(d, text, &site.source.lines).is_none() {
                out.push(Diagnostic::new(&RULE, site.file, at, message));
            }
        } else if let Some(replacement) = found.obsolete {
            let advice = if replacement.is_empty() { String::new() } else { format!("; use `{replacement}`") };
            let message = format!("\"{name}\" directive is obsolete{advice}");
            out.push(Diagnostic::new(&RULE, site.file, at, message).with_severity(Severity::Warning));
        }
    });
}

fn problem_message(name: &str, ctx: Ctx, resolution: &Resolution, project: &Project) -> String {
    let version = project.nginx_version.describe();
    match resolution {
        Resolution::Unknown => {
            let suggestions = nginx_directives::similar_names(name);
            match suggestions.first() {
                Some(best) => format!("unknown directive \"{name}\" (did you mean \"{best}\"?)"),
                None => format!("unknown directive \"{name}\""),
            }
        }
        Resolution::NotInVersion(rows) => {
            let v = project.nginx_version.version;
            if let Some(last) = rows.iter().filter_map(|r| r.last).filter(|l| *l < v).max() {
                let advice = rows.iter().find_map(|r| r.obsolete).filter(|u| !u.is_empty());
                let advice = advice.map(|u| format!("; use `{u}`")).unwrap_or_default();
                format!("\"{name}\" directive was removed after nginx {last} ({version}){advice}")
            } else {
                let first = rows.iter().filter_map(|r| r.first).min().map_or_else(String::new, |f| f.to_string());
                format!("\"{name}\" directive needs nginx {first} or newer ({version})")
            }
        }
        Resolution::NotBuilt(rows) => match rows[0].build {
            Build::ThirdParty(t) => format!(
                "\"{name}\" directive needs the third-party {} module: add \"{}\" to `[nginx] modules` in hoplint.toml",
                rows[0].module,
                t.config_name()
            ),
            Build::WithFlag(flag) => format!(
                "\"{name}\" directive needs {} ({flag}), which the official nginx build does not include: load it with `load_module` or add it to `[nginx] modules`",
                rows[0].module
            ),
            Build::Default | Build::Unlisted => {
                format!("\"{name}\" directive needs {}", rows[0].module)
            }
        },
        Resolution::WrongContext(rows) => {
            let v = project.nginx_version.version;
            let allowed: Vec<String> = rows.iter().map(|r| r.shape_at(v).contexts.describe()).collect();
            let here = match ctx {
                Ctx::Known(c) => c.name(),
                _ => "this context",
            };
            format!("\"{name}\" directive is not allowed here (in {here}; allowed in {})", allowed.join("; "))
        }
        Resolution::Found(_) => String::new(),
    }
}
