//! NG004 inherited-header-dropped
//!
//! nginx's array directives (`add_header`, `proxy_set_header`,
//! `fastcgi_param`…) are inherited from the enclosing level only when the
//! block sets none of its own (`ngx_http_headers_merge_conf`,
//! `ngx_http_proxy_merge_headers`, `ngx_http_fastcgi_merge_params`…). A block
//! that sets one loses every value of the enclosing level it does not repeat.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixAvailability;
use crate::knowledge::nginx_directives::Context;
use crate::model::nginx::{Ctx, Resolution, child_context};
use crate::model::nginx_hops::{Located, PerScope};
use crate::project::Project;
use crate::rules::RuleContext;
use crate::rules::{Check, Rule, rule_doc};
use crate::source::FileId;
use crate::syntax::nginx::{Directive, Node};

pub(crate) static RULE: Rule = Rule {
    code: "NG004",
    name: "inherited-header-dropped",
    severity: Severity::Warning,
    fix: FixAvailability::None,
    doc: rule_doc!("NG004"),
    check: Check::Project(check),
};

/// An array directive whose values a block inherits only when it sets none.
struct ArrayDirective {
    name: &'static str,
    /// The switch (nginx ≥ 1.29.3) that makes a block merge the enclosing
    /// values with its own (`merge`) or refuse them (`off`).
    switch: Option<&'static str>,
    /// Keys are HTTP header names, compared case-insensitively.
    headers: bool,
}

const ARRAYS: &[ArrayDirective] = &[
    ArrayDirective { name: "add_header", switch: Some("add_header_inherit"), headers: true },
    ArrayDirective { name: "add_trailer", switch: Some("add_trailer_inherit"), headers: true },
    ArrayDirective { name: "proxy_set_header", switch: None, headers: true },
    ArrayDirective { name: "grpc_set_header", switch: None, headers: true },
    ArrayDirective { name: "fastcgi_param", switch: None, headers: false },
    ArrayDirective { name: "uwsgi_param", switch: None, headers: false },
    ArrayDirective { name: "scgi_param", switch: None, headers: false },
];

/// A stock file nginx packages ship (never in the repository, so never
/// expanded), the array directive it sets and its keys: the union over the
/// nginx releases (and, for `proxy_params`, Debian's file).
#[derive(Debug)]
struct StockFile {
    name: &'static str,
    directive: &'static str,
    keys: &'static [&'static str],
    /// Keys it sets beyond `keys` (a file that extends another).
    extra_keys: &'static [&'static str],
}

impl StockFile {
    fn all_keys(&self) -> impl Iterator<Item = &'static str> {
        self.extra_keys.iter().chain(self.keys).copied()
    }
}

const CGI_KEYS: &[&str] = &[
    "QUERY_STRING",
    "REQUEST_METHOD",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "SCRIPT_NAME",
    "REQUEST_URI",
    "DOCUMENT_URI",
    "DOCUMENT_ROOT",
    "SERVER_PROTOCOL",
    "REQUEST_SCHEME",
    "HTTPS",
    "GATEWAY_INTERFACE",
    "SERVER_SOFTWARE",
    "REMOTE_ADDR",
    "REMOTE_PORT",
    "SERVER_ADDR",
    "SERVER_PORT",
    "SERVER_NAME",
    "HTTP_HOST",
    "REDIRECT_STATUS",
];

const STOCK_FILES: &[StockFile] = &[
    StockFile { name: "fastcgi_params", directive: "fastcgi_param", keys: CGI_KEYS, extra_keys: &[] },
    // fastcgi_params plus SCRIPT_FILENAME
    StockFile { name: "fastcgi.conf", directive: "fastcgi_param", keys: CGI_KEYS, extra_keys: &["SCRIPT_FILENAME"] },
    StockFile {
        name: "uwsgi_params",
        directive: "uwsgi_param",
        keys: &[
            "QUERY_STRING",
            "REQUEST_METHOD",
            "CONTENT_TYPE",
            "CONTENT_LENGTH",
            "REQUEST_URI",
            "PATH_INFO",
            "DOCUMENT_ROOT",
            "SERVER_PROTOCOL",
            "REQUEST_SCHEME",
            "HTTPS",
            "REMOTE_ADDR",
            "REMOTE_PORT",
            "SERVER_PORT",
            "SERVER_NAME",
            "HTTP_HOST",
        ],
        extra_keys: &[],
    },
    StockFile {
        name: "scgi_params",
        directive: "scgi_param",
        keys: &[
            "REQUEST_METHOD",
            "REQUEST_URI",
            "QUERY_STRING",
            "CONTENT_TYPE",
            "DOCUMENT_URI",
            "DOCUMENT_ROOT",
            "SCGI",
            "SERVER_PROTOCOL",
            "REQUEST_SCHEME",
            "HTTPS",
            "REMOTE_ADDR",
            "REMOTE_PORT",
            "SERVER_PORT",
            "SERVER_NAME",
            "HTTP_HOST",
        ],
        extra_keys: &[],
    },
    StockFile {
        name: "proxy_params",
        directive: "proxy_set_header",
        keys: &["Host", "X-Real-IP", "X-Forwarded-For", "X-Forwarded-Proto"],
        extra_keys: &[],
    },
];

/// The stock file an unexpanded `include` names, by its last path component.
fn stock_file(pattern: &str) -> Option<&'static StockFile> {
    let name = pattern.rsplit(['/', '\\']).next().unwrap_or(pattern);
    STOCK_FILES.iter().find(|s| s.name == name)
}

/// Includes expanded inside includes at most this deep when reading a level.
const MAX_EXPANSION_DEPTH: usize = 16;

/// `add_header_inherit` / `add_trailer_inherit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inherit {
    Off,
    On,
    Merge,
}

/// One level's values of one array directive (the block itself, then each
/// enclosing level), as nginx merges them.
#[derive(Clone, Debug)]
struct LevelOf<T> {
    own: Vec<T>,
    /// An include of this level could not be read: it may set more.
    uncertain: bool,
    /// The level's own `*_inherit` switch.
    switch: Option<Inherit>,
}

/// The values in effect at `levels[0]` (innermost first), each with the
/// index of the level that sets it; `None` when an unreadable include leaves
/// them unknown. A level takes the enclosing values when it sets none
/// (`on`), adds them after its own (`merge`), or never takes them (`off`);
/// the switch itself is inherited.
fn in_effect<T: Clone>(levels: &[LevelOf<T>]) -> Option<Vec<(usize, T)>> {
    let mut effective: Option<Vec<(usize, T)>> = Some(Vec::new());
    let mut mode = Inherit::On;
    for (i, level) in levels.iter().enumerate().rev() {
        mode = level.switch.unwrap_or(mode);
        let own: Vec<(usize, T)> = level.own.iter().map(|v| (i, v.clone())).collect();
        effective = match mode {
            Inherit::Off => Some(own),
            Inherit::On if !own.is_empty() => Some(own),
            Inherit::On if level.uncertain => None,
            Inherit::On => effective,
            Inherit::Merge => effective.map(|parent| own.into_iter().chain(parent).collect()),
        };
    }
    effective
}

/// The enclosing values that `levels[0]` loses: those in effect at
/// `levels[1]` whose keys the block does not set itself. Nothing when the
/// block sets none, cannot be read whole, or merges/refuses by its switch.
fn dropped<T: Clone>(levels: &[LevelOf<T>], keys: &dyn Fn(&T) -> Vec<String>, headers: bool) -> Vec<(usize, T)> {
    let Some(block) = levels.first() else { return Vec::new() };
    if block.own.is_empty() || block.uncertain {
        return Vec::new();
    }
    if levels.iter().find_map(|l| l.switch).unwrap_or(Inherit::On) != Inherit::On {
        return Vec::new();
    }
    let normalize = |k: &str| if headers { k.to_ascii_lowercase() } else { k.to_owned() };
    let set: HashSet<String> = block.own.iter().flat_map(keys).map(|k| normalize(&k)).collect();
    let Some(inherited) = in_effect(&levels[1..]) else { return Vec::new() };
    inherited
        .into_iter()
        .filter(|(_, v)| keys(v).iter().any(|k| !set.contains(&normalize(k))))
        .map(|(i, v)| (i + 1, v))
        .collect()
}

/// Where a value of an array directive comes from.
#[derive(Clone, Copy, Debug)]
enum Source<'p> {
    /// Written in a file of the project.
    Written(Located<'p>),
    /// An `include` of a stock file that is not in the project.
    Stock(Located<'p>, &'static StockFile),
}

impl<'p> Source<'p> {
    fn located(&self) -> Located<'p> {
        match self {
            Source::Written(l) | Source::Stock(l, _) => *l,
        }
    }
}

/// What one level (a block, includes expanded) sets.
#[derive(Default)]
struct Level<'p> {
    /// Values of the array directives, by directive name.
    values: Vec<(&'static str, Source<'p>)>,
    /// The first `*_inherit` switch of each name.
    switches: Vec<(&'static str, Inherit)>,
    uncertain: bool,
}

/// Reads a level as nginx does: `include`d files expanded in place.
fn read_level<'p>(project: &'p Project, file: FileId, nodes: &'p [Node], honour_switches: bool) -> Level<'p> {
    let mut level = Level::default();
    read_into(project, file, nodes, honour_switches, 0, &mut level);
    level
}

fn read_into<'p>(
    project: &'p Project,
    file: FileId,
    nodes: &'p [Node],
    honour_switches: bool,
    depth: usize,
    level: &mut Level<'p>,
) {
    let text = &project.file(file).text;
    for node in nodes {
        let Node::Directive(directive) = node else { continue };
        let name = directive.name(text);
        let located = Located { file, directive };
        if name == "include" {
            let Some(include) =
                project.nginx.includes.iter().find(|i| i.file == file && i.directive == directive.span())
            else {
                level.uncertain = true;
                continue;
            };
            level.uncertain |= include.problem.is_some();
            if include.targets.is_empty() && include.problem.is_none() {
                if let Some(stock) = stock_file(&include.pattern) {
                    level.values.push((stock.directive, Source::Stock(located, stock)));
                }
                continue;
            }
            for target in &include.targets {
                match project.nginx.tree(*target) {
                    Some(tree) if depth < MAX_EXPANSION_DEPTH => {
                        read_into(project, *target, &tree.nodes, honour_switches, depth + 1, level);
                    }
                    _ => level.uncertain = true,
                }
            }
        } else if let Some(array) = ARRAYS.iter().find(|a| a.name == name) {
            level.values.push((array.name, Source::Written(located)));
        } else if let Some(switch) = ARRAYS.iter().filter_map(|a| a.switch).find(|s| *s == name)
            && honour_switches
            && !level.switches.iter().any(|(s, _)| *s == switch)
        {
            let mode = match directive.args().next().map(|a| a.value(text).into_owned()).as_deref() {
                Some("off") => Inherit::Off,
                Some("merge") => Inherit::Merge,
                _ => Inherit::On,
            };
            level.switches.push((switch, mode));
        }
    }
}

impl<'p> Level<'p> {
    fn of(&self, array: &ArrayDirective) -> LevelOf<Source<'p>> {
        LevelOf {
            own: self.values.iter().filter(|(name, _)| *name == array.name).map(|(_, s)| *s).collect(),
            uncertain: self.uncertain,
            switch: array.switch.and_then(|s| self.switches.iter().find(|(name, _)| *name == s).map(|(_, m)| *m)),
        }
    }
}

/// The keys a value sets: the first argument, or a stock file's keys.
fn keys_of(project: &Project, source: &Source<'_>) -> Vec<String> {
    match source {
        Source::Written(l) => l
            .directive
            .args()
            .next()
            .map(|a| vec![a.value(&project.file(l.file).text).into_owned()])
            .unwrap_or_default(),
        Source::Stock(_, stock) => stock.all_keys().map(str::to_owned).collect(),
    }
}

/// A block nginx merges the array directives into.
struct Candidate<'p> {
    file: FileId,
    /// Its enclosing directives, the block's own directive last.
    enclosing: Vec<&'p Directive>,
    /// The block's own directive.
    block: &'p Directive,
    ctx: Ctx,
}

fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let honour_switches = ARRAYS
        .iter()
        .filter_map(|a| a.switch)
        .all(|s| matches!(project.resolve_nginx(s, Ctx::Known(Context::Location)), Resolution::Found(_)));
    // The context each value is written in names its level in messages.
    let mut contexts: HashMap<(FileId, u32), Ctx> = HashMap::new();
    let mut candidates = Vec::new();
    project.walk_nginx(&mut |site| {
        let d = site.directive;
        let text = &site.source.text;
        let name = d.name(text);
        if name == "include" || ARRAYS.iter().any(|a| a.name == name) {
            contexts.insert((site.file, d.span().start), site.ctx);
        }
        if d.block().is_none() {
            return;
        }
        let ctx = child_context(site.ctx, d, text);
        let level = match ctx {
            Ctx::Known(c) => matches!(c, Context::Http | Context::Server | Context::Location | Context::LocationIf),
            Ctx::Open => matches!(name.as_ref(), "http" | "server" | "location" | "if"),
            Ctx::Custom | Ctx::Unknown => false,
        };
        if level {
            let mut enclosing = site.parents.to_vec();
            enclosing.push(d);
            candidates.push(Candidate { file: site.file, enclosing, block: d, ctx });
        }
    });
    let mut levels = PerScope::new(|(file, nodes)| read_level(project, file, nodes, honour_switches));
    for candidate in candidates {
        check_block(project, &candidate, &contexts, &mut levels, out);
    }
}

fn check_block<'p>(
    project: &'p Project,
    candidate: &Candidate<'p>,
    contexts: &HashMap<(FileId, u32), Ctx>,
    levels: &mut PerScope<'p, Level<'p>>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(block) = candidate.block.block() else { return };
    let Some(&own) = levels.of(&[(candidate.file, &block.nodes)]).first() else { return };
    let wanted: Vec<&ArrayDirective> = ARRAYS
        .iter()
        .filter(|a| own.values.iter().any(|(name, _)| *name == a.name))
        .filter(|a| matches!(project.resolve_nginx(a.name, candidate.ctx), Resolution::Found(_)))
        .collect();
    if wanted.is_empty() {
        return;
    }
    // The enclosing levels, innermost first (the block's own among them).
    let levels = levels.of(&project.nginx_scopes(candidate.file, &candidate.enclosing));
    for array in wanted {
        let of: Vec<LevelOf<Source<'_>>> = levels.iter().map(|l| l.of(array)).collect();
        let lost = dropped(&of, &|s| keys_of(project, s), array.headers);
        if !lost.is_empty() {
            out.push(report(project, candidate, array, &of[0].own[0], &lost, contexts));
        }
    }
}

fn report(
    project: &Project,
    candidate: &Candidate<'_>,
    array: &ArrayDirective,
    first: &Source<'_>,
    lost: &[(usize, Source<'_>)],
    contexts: &HashMap<(FileId, u32), Ctx>,
) -> Diagnostic {
    let name = array.name;
    let block_line = |file: FileId| {
        let d = candidate.block;
        let source = project.file(candidate.file);
        let kind = d.name(&source.text);
        let line = source.lines.line(d.name_part().span.start);
        let at = if file == candidate.file {
            format!("line {line}")
        } else {
            format!("{}:{line}", project.display_name(candidate.file))
        };
        match kind.as_ref() {
            "location" | "server" => format!("the {kind} at {at}"),
            _ => format!("the `{kind}` block at {at}"),
        }
    };
    let subject = match first {
        Source::Written(_) => format!("`{name}`"),
        Source::Stock(l, _) => format!("`{}`", include_text(project, *l)),
    };
    // The levels the lost values come from, innermost first.
    let mut kinds: Vec<Option<&str>> = Vec::new();
    for (_, source) in lost {
        let l = source.located();
        let kind = contexts.get(&(l.file, l.directive.span().start)).and_then(|c| level_kind(*c));
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let from = match kinds.as_slice() {
        [Some(kind)] => format!("the enclosing {kind} block"),
        kinds if kinds.iter().all(Option::is_some) => {
            let names: Vec<&str> = kinds.iter().flatten().copied().collect();
            format!("the enclosing {} blocks", join_and(&names))
        }
        _ => "the enclosing blocks".to_owned(),
    };
    let mut items: Vec<String> = Vec::new();
    for (_, source) in lost {
        let item = match source {
            Source::Written(l) => keys_of(project, source).into_iter().next().unwrap_or_else(|| {
                let text = &project.file(l.file).text;
                l.directive.span().text(text).to_owned()
            }),
            Source::Stock(_, stock) => format!("those of {}", stock.name),
        };
        let seen = items.iter().any(|i| if array.headers { i.eq_ignore_ascii_case(&item) } else { *i == item });
        if !seen {
            items.push(item);
        }
    }
    let what = if lost.iter().any(|(_, s)| matches!(s, Source::Stock(..))) || lost.len() == 1 {
        format!("the `{name}`")
    } else {
        format!("the {} `{name}`", lost.len())
    };
    let message = format!("{subject} here drops {what} inherited from {from} ({})", items.join(", "));
    let primary = first.located();
    let mut diagnostic = Diagnostic::new(&RULE, primary.file, primary.directive.name_part().span, message);
    for (_, source) in lost {
        let l = source.located();
        let label = match source {
            Source::Written(_) => format!("dropped here: not inherited by {}", block_line(l.file)),
            Source::Stock(_, stock) => {
                format!("dropped here: the `{name}` of {} are not inherited by {}", stock.name, block_line(l.file))
            }
        };
        diagnostic = diagnostic.with_related(l.file, l.directive.span(), label);
    }
    diagnostic
}

/// `include fastcgi_params` as written.
fn include_text(project: &Project, include: Located<'_>) -> String {
    let text = &project.file(include.file).text;
    let pattern = include.directive.args().next().map(|a| a.value(text).into_owned()).unwrap_or_default();
    format!("include {pattern}")
}

/// How messages name a level by the context its values are written in.
fn level_kind(ctx: Ctx) -> Option<&'static str> {
    match ctx {
        Ctx::Known(Context::Http) => Some("http"),
        Ctx::Known(Context::Server) => Some("server"),
        Ctx::Known(Context::Location) => Some("location"),
        Ctx::Known(Context::LocationIf) => Some("`if`"),
        _ => None,
    }
}

fn join_and(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(own: &[&'static str]) -> LevelOf<&'static str> {
        LevelOf { own: own.to_vec(), uncertain: false, switch: None }
    }

    fn with_switch(own: &[&'static str], switch: Inherit) -> LevelOf<&'static str> {
        LevelOf { switch: Some(switch), ..level(own) }
    }

    fn lost(levels: &[LevelOf<&'static str>], headers: bool) -> Vec<(usize, &'static str)> {
        dropped(levels, &|k: &&str| vec![(*k).to_owned()], headers)
    }

    #[test]
    fn a_block_with_its_own_values_loses_the_enclosing_ones() {
        let levels = [level(&["Cache-Control"]), level(&["X-Frame-Options", "Strict-Transport-Security"])];
        assert_eq!(lost(&levels, true), vec![(1, "X-Frame-Options"), (1, "Strict-Transport-Security")]);
    }

    #[test]
    fn a_block_without_values_inherits() {
        assert!(lost(&[level(&[]), level(&["X-Frame-Options"])], true).is_empty());
    }

    #[test]
    fn repeated_keys_are_not_lost_header_names_ignore_case() {
        let levels = [level(&["x-frame-options", "Cache-Control"]), level(&["X-Frame-Options"])];
        assert!(lost(&levels, true).is_empty());
        // fastcgi_param keys are case-sensitive.
        let levels = [level(&["https"]), level(&["HTTPS"])];
        assert_eq!(lost(&levels, false), vec![(1, "HTTPS")]);
    }

    #[test]
    fn the_nearest_level_that_sets_values_is_inherited() {
        // location { B } in server { } in http { A }: A comes from http.
        let levels = [level(&["B"]), level(&[]), level(&["A"])];
        assert_eq!(lost(&levels, true), vec![(2, "A")]);
        // location { C } in server { B } in http { A }: only B was in effect.
        let levels = [level(&["C"]), level(&["B"]), level(&["A"])];
        assert_eq!(lost(&levels, true), vec![(1, "B")]);
    }

    #[test]
    fn merge_in_effect_keeps_everything() {
        // Set in the block itself, or inherited from an enclosing level.
        assert!(lost(&[with_switch(&["B"], Inherit::Merge), level(&["A"])], true).is_empty());
        assert!(lost(&[level(&["C"]), level(&["B"]), with_switch(&["A"], Inherit::Merge)], true).is_empty());
        // `off` refuses the enclosing values on purpose.
        assert!(lost(&[with_switch(&["B"], Inherit::Off), level(&["A"])], true).is_empty());
    }

    #[test]
    fn an_enclosing_merge_passes_on_both_levels() {
        // location { on; C } in server { merge; B } in http { A }: B and A.
        let levels = [with_switch(&["C"], Inherit::On), with_switch(&["B"], Inherit::Merge), level(&["A"])];
        assert_eq!(lost(&levels, true), vec![(1, "B"), (2, "A")]);
    }

    #[test]
    fn unreadable_includes_make_the_result_unknown() {
        let uncertain = |own: &[&'static str]| LevelOf { uncertain: true, ..level(own) };
        // The block's own unreadable include may repeat the enclosing values.
        assert!(lost(&[uncertain(&["B"]), level(&["A"])], true).is_empty());
        // An enclosing level that may set values of its own hides the outer ones.
        assert!(lost(&[level(&["B"]), uncertain(&[]), level(&["A"])], true).is_empty());
        // Values it visibly sets are in effect.
        assert_eq!(lost(&[level(&["B"]), uncertain(&["A"])], true), vec![(1, "A")]);
    }

    #[test]
    fn stock_files_by_name() {
        assert_eq!(stock_file("fastcgi_params").map(|s| s.directive), Some("fastcgi_param"));
        assert_eq!(stock_file("/etc/nginx/proxy_params").map(|s| s.directive), Some("proxy_set_header"));
        assert!(stock_file("/etc/nginx/fastcgi.conf").is_some_and(|s| s.all_keys().any(|k| k == "SCRIPT_FILENAME")));
        assert!(stock_file("mime.types").is_none());
        assert!(stock_file("snippets/fastcgi-php.conf").is_none());
    }

    #[test]
    fn names_are_joined() {
        assert_eq!(join_and(&["server"]), "server");
        assert_eq!(join_and(&["location", "server", "http"]), "location, server and http");
    }
}
