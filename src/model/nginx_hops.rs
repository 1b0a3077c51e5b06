//! nginx as hops: each `upstream{}` (the proxy's upstream side) and each
//! `server{}` (its client side), with effective values that follow nginx's
//! inheritance across blocks and includes, and version-aware defaults.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::knowledge::defaults;
use crate::knowledge::nginx_values::{parse_number, parse_time};
use crate::model::hop::{Hop, HopKind, HopSettings};
use crate::model::nginx::{Ctx, Origin as UnitOrigin};
use crate::model::setting::{Millis, Setting};
use crate::project::{Project, VersionSource};
use crate::source::FileId;
use crate::syntax::nginx::{Directive, Node};

/// Includes expanded inside includes at most this deep when reading a block.
const MAX_EXPANSION_DEPTH: usize = 16;

/// A directive and the file it is written in.
#[derive(Clone, Copy, Debug)]
pub struct Located<'p> {
    pub file: FileId,
    pub directive: &'p Directive,
}

impl Project {
    /// The directives of a block (or a file's top level) as nginx reads them:
    /// `include`d files expanded in place.
    pub fn nginx_block<'p>(&'p self, file: FileId, nodes: &'p [Node]) -> Vec<Located<'p>> {
        let mut out = Vec::new();
        self.expand_into(file, nodes, 0, &mut out);
        out
    }

    fn expand_into<'p>(&'p self, file: FileId, nodes: &'p [Node], depth: usize, out: &mut Vec<Located<'p>>) {
        let text = &self.file(file).text;
        for node in nodes {
            let Node::Directive(directive) = node else { continue };
            if directive.name(text) == "include" && depth < MAX_EXPANSION_DEPTH {
                for target in self.nginx.include_targets(file, directive.span()) {
                    if let Some(tree) = self.nginx.tree(*target) {
                        self.expand_into(*target, &tree.nodes, depth + 1, out);
                    }
                }
            } else {
                out.push(Located { file, directive });
            }
        }
    }

    /// The scopes a directive written inside `enclosing` (outermost first, the
    /// innermost being the block it is in) inherits from, innermost first:
    /// each enclosing block, the file's top level, then — for an included
    /// file — the blocks around its first include.
    pub(crate) fn nginx_scopes<'p>(&'p self, file: FileId, enclosing: &[&'p Directive]) -> Vec<(FileId, &'p [Node])> {
        let mut scopes: Vec<(FileId, &'p [Node])> = Vec::new();
        let mut file = file;
        let mut enclosing: Vec<&'p Directive> = enclosing.to_vec();
        for _ in 0..=MAX_EXPANSION_DEPTH {
            for block in enclosing.iter().rev().filter_map(|d| d.block()) {
                scopes.push((file, &block.nodes));
            }
            let Some(unit) = self.nginx.unit_of(file) else { break };
            match &unit.origin {
                UnitOrigin::Unincluded => {
                    if let Some(tree) = self.nginx.tree(file) {
                        scopes.push((file, &tree.nodes));
                    }
                    break;
                }
                UnitOrigin::IncludedBy { file: including, directive } => {
                    let Some(parents) = self.directive_parents(*including, *directive) else { break };
                    file = *including;
                    enclosing = parents;
                }
            }
        }
        scopes
    }

    /// The nearest `name` block around the block directive whose name is at
    /// `name_span` in `file` — the `http` around a `server` — looking through
    /// the includes that pull the file in.
    pub(crate) fn nginx_enclosing_block(
        &self,
        file: FileId,
        name_span: crate::span::Span,
        name: &str,
    ) -> Option<(FileId, &Directive)> {
        let mut parents = self.nginx_path(file, name_span.start);
        let at = parents.iter().position(|d| d.name_part().span == name_span)?;
        parents.truncate(at);
        let mut file = file;
        for _ in 0..=MAX_EXPANSION_DEPTH {
            let text = &self.file(file).text;
            if let Some(block) = parents.iter().rev().find(|d| d.name(text) == name) {
                return Some((file, *block));
            }
            let UnitOrigin::IncludedBy { file: including, directive } = &self.nginx.unit_of(file)?.origin else {
                return None;
            };
            parents = self.directive_parents(*including, *directive)?;
            file = *including;
        }
        None
    }

    /// The enclosing directives of the directive at `span` in `file`.
    fn directive_parents(&self, file: FileId, span: crate::span::Span) -> Option<Vec<&Directive>> {
        let mut path = self.nginx_path(file, span.start);
        let at = path.iter().position(|d| d.span() == span)?;
        path.truncate(at);
        Some(path)
    }

    /// The directive whose name is at `name_span` in `file`.
    pub fn nginx_directive_at(&self, file: FileId, name_span: crate::span::Span) -> Option<&Directive> {
        self.nginx_path(file, name_span.start).into_iter().find(|d| d.name_part().span == name_span)
    }

    /// The directives in `file` whose text holds `offset`, outermost first:
    /// found by descending through the blocks (nodes are in source order),
    /// not by walking the whole file, so asking for every block of a large
    /// configuration stays linear.
    fn nginx_path(&self, file: FileId, offset: u32) -> Vec<&Directive> {
        let mut path = Vec::new();
        let Some(mut nodes) = self.nginx.tree(file).map(|t| t.nodes.as_slice()) else { return path };
        loop {
            let at = nodes.partition_point(|n| n.span().end <= offset);
            let Some(Node::Directive(d)) = nodes.get(at) else { break };
            if d.span().start > offset {
                break;
            }
            path.push(d);
            let Some(block) = d.block() else { break };
            nodes = &block.nodes;
        }
        path
    }
}

/// A scope: a block's nodes (or a file's top level) and the file holding them.
pub type Scope<'p> = (FileId, &'p [Node]);

/// Something worked out once per scope, however many blocks below it ask
/// for it: a large `http{}` is not re-read for each of its locations.
pub struct PerScope<'p, T> {
    made: HashMap<(FileId, *const Node), T>,
    make: Box<dyn FnMut(Scope<'p>) -> T + 'p>,
}

impl<'p, T> PerScope<'p, T> {
    pub fn new(make: impl FnMut(Scope<'p>) -> T + 'p) -> Self {
        Self { made: HashMap::new(), make: Box::new(make) }
    }

    /// The values of `scopes`, in their order, made where missing.
    pub fn of(&mut self, scopes: &[Scope<'p>]) -> Vec<&T> {
        for &(file, nodes) in scopes {
            let make = &mut self.make;
            self.made.entry((file, nodes.as_ptr())).or_insert_with(|| make((file, nodes)));
        }
        scopes.iter().filter_map(|(file, nodes)| self.made.get(&(*file, nodes.as_ptr()))).collect()
    }
}

/// Each scope's directives (includes expanded) sorted by name, indexed on
/// first use: reading many blocks of one configuration through it costs one
/// pass over each scope, not one per block and directive asked for.
pub struct ScopeIndex<'p> {
    project: &'p Project,
    indexed: PerScope<'p, ByName<'p>>,
}

/// One scope's directives with their names, sorted by name; source order
/// kept among equal names.
type ByName<'p> = Vec<(Cow<'p, str>, Located<'p>)>;

/// The directives a block inherits, scope by scope, innermost first.
pub struct Inherited<'p, 's>(Vec<&'s ByName<'p>>);

impl<'p> ScopeIndex<'p> {
    pub fn new(project: &'p Project) -> Self {
        let indexed = PerScope::new(move |(file, nodes)| {
            let mut by_name: ByName<'p> = project
                .nginx_block(file, nodes)
                .into_iter()
                .map(|l| (l.directive.name(&project.file(l.file).text), l))
                .collect();
            by_name.sort_by(|a, b| a.0.cmp(&b.0));
            by_name
        });
        Self { project, indexed }
    }

    /// The scopes a directive written inside `enclosing` reads, as
    /// [`Project::nginx_scopes`] orders them.
    pub fn inherited(&mut self, file: FileId, enclosing: &[&'p Directive]) -> Inherited<'p, '_> {
        let scopes = self.project.nginx_scopes(file, enclosing);
        Inherited(self.indexed.of(&scopes))
    }
}

impl<'p> Inherited<'p, '_> {
    /// The nearest scope's `name` directives (all of them: arrays such as
    /// `proxy_set_header` are defined wholly by the nearest level that sets
    /// any).
    pub fn effective_all(&self, name: &str) -> Vec<Located<'p>> {
        self.0
            .iter()
            .map(|scope| named(scope, name))
            .find(|found| !found.is_empty())
            .map(|found| found.iter().map(|(_, l)| *l).collect())
            .unwrap_or_default()
    }

    /// The `name` directive in effect: the first of the nearest scope that
    /// sets it.
    pub fn effective(&self, name: &str) -> Option<Located<'p>> {
        self.0.iter().find_map(|scope| named(scope, name).first().map(|(_, l)| *l))
    }
}

/// The `name` directives of a scope, in source order.
fn named<'s, 'p>(scope: &'s ByName<'p>, name: &str) -> &'s [(Cow<'p, str>, Located<'p>)] {
    let start = scope.partition_point(|(n, _)| n.as_ref() < name);
    let end = start + scope[start..].partition_point(|(n, _)| n.as_ref() == name);
    &scope[start..end]
}

/// The hops every nginx configuration in the project defines.
pub fn nginx_hops(project: &Project) -> Vec<Hop> {
    let mut hops = Vec::new();
    let mut scopes = ScopeIndex::new(project);
    project.walk_nginx(&mut |site| {
        let d = site.directive;
        let Some(block) = d.block() else { return };
        let text = &site.source.text;
        let name = d.name(text);
        let mut enclosing = site.parents.to_vec();
        enclosing.push(d);
        let hop = match (site.ctx, name.as_ref()) {
            (Ctx::Known(crate::knowledge::nginx_directives::Context::Http), "upstream") => {
                let upstream = d.args().next().map(|a| a.value(text).into_owned()).unwrap_or_default();
                upstream_hop(project, site.file, &upstream, d)
            }
            (Ctx::Known(crate::knowledge::nginx_directives::Context::Http), "server") => {
                server_hop(project, &mut scopes, site.file, &enclosing, &block.nodes, d)
            }
            _ => return,
        };
        hops.push(hop);
    });
    hops
}

fn software_version(project: &Project) -> Setting<String> {
    let v = &project.nginx_version;
    let what = match &v.source {
        VersionSource::Cli => "nginx version from --nginx-version".to_owned(),
        VersionSource::Config(path) => format!("nginx version from {path}"),
        VersionSource::Assumed => "nginx version assumed: newest stable".to_owned(),
        VersionSource::Image { file, span, .. } => return Setting::explicit(v.version.to_string(), *file, *span),
    };
    Setting::default(v.version.to_string(), what)
}

/// A time directive's value when set (`found`), else nginx's default for
/// the version in `context`.
fn time_setting(project: &Project, found: Option<Located<'_>>, name: &str, context: &str) -> Setting<Millis> {
    let Some(found) = found else {
        return default_setting(project, name, context, |d| parse_time(d, false).map(Millis));
    };
    let text = &project.file(found.file).text;
    let Some(arg) = found.directive.args().next() else {
        return Setting::unknown(format!("`{name}` has no value"));
    };
    match parse_time(&arg.value(text), false) {
        Some(ms) => Setting::explicit(Millis(ms), found.file, arg.span),
        None => Setting::unknown(format!("`{name} {}` is not a time nginx accepts", arg.value(text))),
    }
}

/// A number directive's value when set, else nginx's default.
fn number_setting(project: &Project, found: Option<Located<'_>>, name: &str, context: &str) -> Setting<u64> {
    let Some(found) = found else { return default_setting(project, name, context, parse_number) };
    let arg = found.directive.args().next();
    match arg.and_then(|a| parse_number(&a.value(&project.file(found.file).text)).map(|n| (n, a.span))) {
        Some((n, span)) => Setting::explicit(n, found.file, span),
        None => Setting::unknown(format!("`{name}` is not a number")),
    }
}

fn default_setting<T>(project: &Project, name: &str, context: &str, read: impl Fn(&str) -> Option<T>) -> Setting<T> {
    let version = project.nginx_version.version;
    match defaults::nginx(name, context, version) {
        Some(row) => match read(row.default) {
            Some(value) => {
                Setting::default(value, format!("nginx {version} {context} {name} default ({})", row.source))
            }
            None => {
                Setting::unknown(format!("nginx {version} {context} {name} default `{}` is not a value", row.default))
            }
        },
        None => Setting::unknown(format!("no known default for {name} in nginx {version}")),
    }
}

fn upstream_hop(project: &Project, file: FileId, name: &str, d: &Directive) -> Hop {
    // The upstream module's directives live in the `upstream{}` block only:
    // they do not inherit the client-side `keepalive_timeout` of `http`.
    let own = d.block().map(|b| project.nginx_block(file, &b.nodes)).unwrap_or_default();
    let find =
        |directive: &str| own.iter().copied().find(|l| l.directive.name(&project.file(l.file).text) == directive);
    let idle_timeout = time_setting(project, find("keepalive_timeout"), "keepalive_timeout", "upstream");
    let max_requests = number_setting(project, find("keepalive_requests"), "keepalive_requests", "upstream");
    // The pool: `keepalive N`, else the version's default (none before
    // 1.29.7, `32 local` since).
    let pool = match find("keepalive") {
        Some(_) => number_setting(project, find("keepalive"), "keepalive", "upstream").map(|n| n > 0),
        None => default_setting(project, "keepalive", "upstream", |text| Some(!text.starts_with("(none"))),
    };
    Hop {
        id: format!("{}:upstream {name}", project.display_name(file)),
        kind: HopKind::NginxUpstream,
        file,
        span: d.name_part().span,
        software_version: Some(software_version(project)),
        settings: HopSettings {
            idle_timeout: Some(idle_timeout),
            max_requests_per_connection: Some(max_requests),
            pool: Some(pool),
            ..HopSettings::default()
        },
    }
}

fn server_hop<'p>(
    project: &'p Project,
    scopes: &mut ScopeIndex<'p>,
    file: FileId,
    enclosing: &[&'p Directive],
    nodes: &'p [Node],
    d: &Directive,
) -> Hop {
    let own = project.nginx_block(file, nodes);
    let label = |directive: &str| {
        own.iter()
            .find(|l| l.directive.name(&project.file(l.file).text) == directive)
            .and_then(|l| l.directive.args().next().map(|a| a.value(&project.file(l.file).text).into_owned()))
    };
    let name = label("server_name").or_else(|| label("listen")).unwrap_or_else(|| {
        let line = project.file(file).lines.line(d.name_part().span.start);
        format!("line {line}")
    });
    // `worker_shutdown_timeout` lives in the main context; 0 means nginx
    // waits for open connections without limit.
    let inherited = scopes.inherited(file, enclosing);
    let inherited = |directive: &str| inherited.effective(directive);
    let drain = time_setting(project, inherited("worker_shutdown_timeout"), "worker_shutdown_timeout", "main");
    let drain = match drain.value {
        Some(Millis(0)) => Setting { value: None, origin: drain.origin },
        _ => drain,
    };
    Hop {
        id: format!("{}:server {name}", project.display_name(file)),
        kind: HopKind::NginxServer,
        file,
        span: d.name_part().span,
        software_version: Some(software_version(project)),
        settings: HopSettings {
            client_idle_timeout: Some(time_setting(
                project,
                inherited("keepalive_timeout"),
                "keepalive_timeout",
                "server",
            )),
            read_timeout: Some(time_setting(project, inherited("proxy_read_timeout"), "proxy_read_timeout", "server")),
            drain_timeout: Some(drain),
            ..HopSettings::default()
        },
    }
}
