//! NG002 unknown-nginx-directive

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::knowledge::nginx_directives::{self, ArgSpec, Build, DirectiveRow};
use crate::model::nginx::{
    Ctx, FILE_LEVEL, Resolution, missing_semicolon, resolve_directive, walk_with_context,
};
use crate::project::Project;
use crate::rules::{Rule, rule_doc};
use crate::syntax::nginx::{Directive, End};

pub(crate) static RULE: Rule = Rule {
    code: "NG002",
    name: "unknown-nginx-directive",
    severity: Severity::Error,
    fix: FixAvailability::None,
    doc: rule_doc!("NG002"),
    check,
};

fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let version = project.nginx_version.version;
    for unit in &project.nginx.units {
        let config = &project.nginx.configs[unit.config];
        let source = project.file(config.file);
        let text = &source.text;
        let file_open = project
            .nginx
            .open_blocks
            .contains(&(config.file, FILE_LEVEL));
        walk_with_context(&config.tree, text, unit.context, &mut |d, ctx, parents| {
            if matches!(ctx, Ctx::Custom | Ctx::Unknown)
                || missing_semicolon(d, text, &source.lines).is_some()
            {
                return;
            }
            let open = file_open
                || parents.iter().filter_map(|p| p.block()).any(|b| {
                    project
                        .nginx
                        .open_blocks
                        .contains(&(config.file, b.open.start))
                });
            let ctx = if open { Ctx::Open } else { ctx };
            let name = d.name(text);
            let found = match resolve_directive(&name, ctx, version, &project.nginx_modules) {
                Resolution::Found(row) => row,
                other => {
                    let message = problem_message(&name, ctx, &other, project);
                    out.push(Diagnostic::new(
                        &RULE,
                        config.file,
                        d.name_part().span,
                        message,
                    ));
                    return;
                }
            };
            if let Some(message) = shape_problem(&name, d, found, project) {
                out.push(Diagnostic::new(
                    &RULE,
                    config.file,
                    d.name_part().span,
                    message,
                ));
            } else if let Some(replacement) = found.obsolete {
                let advice = if replacement.is_empty() {
                    String::new()
                } else {
                    format!("; use `{replacement}`")
                };
                out.push(
                    Diagnostic::new(
                        &RULE,
                        config.file,
                        d.name_part().span,
                        format!("\"{name}\" directive is obsolete{advice}"),
                    )
                    .with_severity(Severity::Warning),
                );
            }
        });
    }
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
                let advice = rows
                    .iter()
                    .find_map(|r| r.obsolete)
                    .filter(|u| !u.is_empty());
                let advice = advice.map(|u| format!("; use `{u}`")).unwrap_or_default();
                format!("\"{name}\" directive was removed after nginx {last} ({version}){advice}")
            } else {
                let first = rows
                    .iter()
                    .filter_map(|r| r.first)
                    .min()
                    .map_or_else(String::new, |f| f.to_string());
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
            let allowed: Vec<String> = rows
                .iter()
                .map(|r| r.shape_at(v).contexts.describe())
                .collect();
            let here = match ctx {
                Ctx::Known(c) => c.name(),
                _ => "this context",
            };
            format!(
                "\"{name}\" directive is not allowed here (in {here}; allowed in {})",
                allowed.join("; ")
            )
        }
        Resolution::Found(_) => String::new(),
    }
}

/// Block/terminator and argument-count checks, in nginx's order
/// (`ngx_conf_handler`).
fn shape_problem(
    name: &str,
    d: &Directive,
    row: &DirectiveRow,
    project: &Project,
) -> Option<String> {
    let shape = row.shape_at(project.nginx_version.version);
    let has_block = matches!(d.end, End::Block(_) | End::Lua { .. });
    if matches!(d.end, End::Missing) {
        return None; // NG001 reports the missing terminator.
    }
    if !shape.args.block && has_block {
        return Some(format!("\"{name}\" directive is not terminated by \";\""));
    }
    if shape.args.block && !has_block {
        return Some(format!("\"{name}\" directive has no opening \"{{\""));
    }
    let count = d.arg_count();
    if !shape.args.accepts(count) {
        return Some(format!(
            "invalid number of arguments in \"{name}\" directive: expected {}, found {count}",
            describe_args(shape.args)
        ));
    }
    None
}

fn describe_args(args: ArgSpec) -> String {
    if args.flag {
        return "1 (on or off)".to_owned();
    }
    let exact: Vec<String> = (0..16)
        .filter(|n| args.counts & (1 << n) != 0)
        .map(|n: u16| n.to_string())
        .collect();
    let mut parts = Vec::new();
    if !exact.is_empty() {
        parts.push(match exact.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
            [] => String::new(),
        });
    }
    if let Some(m) = args.more_from {
        parts.push(if m == 0 {
            "any number".to_owned()
        } else {
            format!("at least {m}")
        });
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_descriptions() {
        let spec = |counts, more_from| ArgSpec {
            counts,
            more_from,
            flag: false,
            block: false,
        };
        assert_eq!(describe_args(spec(0b10, None)), "1");
        assert_eq!(describe_args(spec(0b110, None)), "1 or 2");
        assert_eq!(describe_args(spec(0b1, None)), "0");
        assert_eq!(describe_args(spec(0, Some(1))), "at least 1");
    }
}
