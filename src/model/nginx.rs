//! The nginx configurations of a project: every parsed file, the includes
//! between them, and the context each file is linted in (RULES.md
//! "Resolution details": fragments, includes, each file linted once).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::knowledge::Version;
use crate::knowledge::nginx_directives::{self, BlockBody, Context, LoadedModule, ThirdParty};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::syntax::nginx::{self as syntax, Directive, include};

/// Includes nested deeper than this are reported (NG005) and not followed.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// One parsed nginx file.
#[derive(Debug)]
pub struct Config {
    pub file: FileId,
    pub tree: syntax::File,
}

/// The context a directive is read in while walking a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// One of nginx's structural contexts.
    Known(Context),
    /// Inside `map`, `types`, `geo`…: lines are data, not directives.
    Custom,
    /// A context hoplint cannot place (a fragment whose context cannot be
    /// implied, a block with an unresolved include, a third-party block):
    /// directives are checked, context rules are not.
    Open,
    /// Inside a block whose directive is itself unknown: its contents belong
    /// to that unknown module and are not checked.
    Unknown,
}

/// How a file came to be linted in its context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// No scanned file includes it: its context is implied by its content.
    Unincluded,
    /// Linted through its first include.
    IncludedBy { file: FileId, directive: Span },
}

/// A file to lint, once, with the context of its first line.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Index into [`NginxModel::configs`].
    pub config: usize,
    pub context: Ctx,
    pub origin: Origin,
    /// nginx's conf prefix for this file's relative includes.
    pub base: PathBuf,
}

/// Something wrong with an `include` (NG005).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncludeProblem {
    /// Following the include would read a file already being read.
    Cycle {
        chain: Vec<FileId>,
    },
    /// A non-glob include of a file that does not exist.
    Missing {
        path: PathBuf,
    },
    /// The include points outside the project root; not followed.
    Outside,
    /// The target exists but could not be read.
    Unreadable {
        path: PathBuf,
        reason: String,
    },
    TooDeep,
}

/// An `include` directive and what it resolved to.
#[derive(Clone, Debug)]
pub struct Include {
    pub file: FileId,
    /// The whole `include …;` directive.
    pub directive: Span,
    /// The include's argument as written.
    pub pattern: String,
    pub targets: Vec<FileId>,
    pub problem: Option<IncludeProblem>,
}

/// All nginx configuration of a project.
#[derive(Debug, Default)]
pub struct NginxModel {
    pub configs: Vec<Config>,
    pub units: Vec<Unit>,
    pub includes: Vec<Include>,
    /// Blocks (by file and `{` offset; the file itself at `u32::MAX`) holding
    /// an include that could not be followed: their context is open.
    pub open_blocks: HashSet<(FileId, u32)>,
    /// Modules enabled by `load_module` lines.
    pub loaded_modules: HashSet<LoadedModule>,
}

/// Marks the whole file (not a block) in [`NginxModel::open_blocks`].
pub const FILE_LEVEL: u32 = u32::MAX;

impl NginxModel {
    /// The files an `include` directive (by file and the directive's start
    /// offset) resolved to.
    pub fn include_targets(&self, file: FileId, directive: Span) -> &[FileId] {
        self.includes.iter().find(|i| i.file == file && i.directive == directive).map_or(&[], |i| &i.targets)
    }

    /// The parsed tree of a file.
    pub fn tree(&self, file: FileId) -> Option<&syntax::File> {
        self.configs.iter().find(|c| c.file == file).map(|c| &c.tree)
    }

    /// The unit (context, origin) a file is linted in.
    pub fn unit_of(&self, file: FileId) -> Option<&Unit> {
        self.units.iter().find(|u| self.configs[u.config].file == file)
    }
}

/// Reads files on demand for includes: the sources so far, plus the disk
/// below the project root.
pub struct Loader<'a> {
    pub files: &'a mut Vec<SourceFile>,
    pub root: &'a Path,
    pub max_size: u64,
    /// Contents that replace the disk's (see `CheckOptions::overrides`).
    pub overrides: &'a HashMap<PathBuf, Vec<u8>>,
    by_path: HashMap<PathBuf, FileId>,
}

impl<'a> Loader<'a> {
    pub fn new(
        files: &'a mut Vec<SourceFile>,
        root: &'a Path,
        max_size: u64,
        overrides: &'a HashMap<PathBuf, Vec<u8>>,
    ) -> Self {
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (key(&f.path), FileId(u32::try_from(i).unwrap_or(u32::MAX))))
            .collect();
        Self { files, root, max_size, overrides, by_path }
    }

    /// The file at `path`, reading it if it is not loaded yet.
    fn load(&mut self, path: &Path) -> Result<FileId, String> {
        if let Some(id) = self.by_path.get(&key(path)) {
            return Ok(*id);
        }
        let meta = std::fs::metadata(path).map_err(|e| crate::source::discover::describe_io(&e))?;
        if meta.len() > self.max_size {
            return Err(format!("file is over the size cap of {} bytes", self.max_size));
        }
        let bytes = match self.overrides.get(&key(path)) {
            Some(bytes) => bytes.clone(),
            None => std::fs::read(path).map_err(|e| crate::source::discover::describe_io(&e))?,
        };
        let id = FileId(u32::try_from(self.files.len()).map_err(|_| "too many files".to_owned())?);
        self.files.push(SourceFile::new(crate::source::relative_to_cwd(path), bytes));
        self.by_path.insert(key(path), id);
        Ok(id)
    }
}

/// Paths are compared absolute and lexically normalized.
fn key(path: &Path) -> PathBuf {
    crate::source::absolute(path)
}

/// Builds the model from the nginx files among `loader.files` (`nginx_files`),
/// reading included files as needed.
pub fn build(loader: &mut Loader<'_>, nginx_files: &[FileId], version: Version) -> NginxModel {
    use rayon::prelude::*;
    let parsed: Vec<Config> = nginx_files
        .par_iter()
        .map(|id| Config { file: *id, tree: syntax::parse(&loader.files[id.0 as usize].text) })
        .collect();
    let mut builder = Builder { model: NginxModel::default(), index: HashMap::new(), version };
    for config in parsed {
        builder.add(config);
    }
    // First pass: which files does any file include, resolving against each
    // file's own implied base? Those that nobody includes are the roots.
    let mut included: HashSet<FileId> = HashSet::new();
    for i in 0..builder.model.configs.len() {
        let file = builder.model.configs[i].file;
        let base = fragment_base(&key(&loader.files[file.0 as usize].path));
        for (_, pattern) in include_patterns(&builder.model.configs[i].tree, &loader.files[file.0 as usize].text) {
            for target in resolve_quiet(&pattern, &base, loader) {
                if target != file {
                    included.insert(target);
                }
            }
        }
    }
    let mut roots: Vec<FileId> = nginx_files.iter().copied().filter(|f| !included.contains(f)).collect();
    roots.sort_by(|a, b| loader.files[a.0 as usize].path.cmp(&loader.files[b.0 as usize].path));
    let mut visited = HashSet::new();
    for root in &roots {
        builder.visit_root(*root, loader, &mut visited);
    }
    // Files only reachable through a cycle, or whose includer resolved
    // differently than the first pass assumed: lint them on their own.
    let mut rest: Vec<FileId> = nginx_files.iter().copied().filter(|f| !visited.contains(f)).collect();
    rest.sort_by(|a, b| loader.files[a.0 as usize].path.cmp(&loader.files[b.0 as usize].path));
    for file in rest {
        if !visited.contains(&file) {
            builder.visit_root(file, loader, &mut visited);
        }
    }
    builder.model.units.sort_by_key(|u| builder.model.configs[u.config].file);
    builder.model
}

/// The `include` directives of a tree with their (unquoted) first argument.
fn include_patterns(tree: &syntax::File, text: &str) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    tree.walk(&mut |d, _| {
        if d.name(text) == "include"
            && let Some(arg) = d.args().next()
        {
            out.push((d.span(), arg.value(text).into_owned()));
        }
    });
    out
}

/// Paths an include names, for the first pass (no diagnostics).
fn resolve_quiet(pattern: &str, base: &Path, loader: &mut Loader<'_>) -> Vec<FileId> {
    match include::target(pattern, base, loader.root) {
        include::Target::Inside(path) => {
            let paths = if include::is_glob(pattern) { include::expand_glob(&path) } else { vec![path] };
            paths.iter().filter(|p| p.is_file()).filter_map(|p| loader.by_path.get(&key(p)).copied()).collect()
        }
        include::Target::Outside(_) => Vec::new(),
    }
}

/// The conf prefix an unincluded fragment's includes resolve against: the
/// nearest ancestor holding an `nginx.conf`, else the parent of a
/// `conf.d`/`sites-*`/`snippets`/`http.d` directory, else its own directory.
pub fn fragment_base(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    for ancestor in dir.ancestors() {
        if ancestor.join("nginx.conf").is_file() {
            return ancestor.to_path_buf();
        }
    }
    for ancestor in dir.ancestors() {
        let name = ancestor.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if matches!(name.as_str(), "conf.d" | "snippets" | "http.d") || name.starts_with("sites-") {
            return ancestor.parent().unwrap_or(ancestor).to_path_buf();
        }
    }
    dir
}

struct Builder {
    model: NginxModel,
    index: HashMap<FileId, usize>,
    version: Version,
}

impl Builder {
    fn add(&mut self, config: Config) -> usize {
        let i = self.model.configs.len();
        self.index.insert(config.file, i);
        self.model.configs.push(config);
        i
    }

    fn config_index(&mut self, file: FileId, loader: &Loader<'_>) -> usize {
        if let Some(i) = self.index.get(&file) {
            return *i;
        }
        let tree = syntax::parse(&loader.files[file.0 as usize].text);
        self.add(Config { file, tree })
    }

    fn visit_root(&mut self, file: FileId, loader: &mut Loader<'_>, visited: &mut HashSet<FileId>) {
        let config = self.config_index(file, loader);
        let text = &loader.files[file.0 as usize].text;
        let context = implied_context(&self.model.configs[config].tree, text, self.version);
        let base = fragment_base(&key(&loader.files[file.0 as usize].path));
        visited.insert(file);
        let mut chain = vec![file];
        self.visit(config, context, Origin::Unincluded, &base, loader, visited, &mut chain);
    }

    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        config: usize,
        context: Ctx,
        origin: Origin,
        base: &Path,
        loader: &mut Loader<'_>,
        visited: &mut HashSet<FileId>,
        chain: &mut Vec<FileId>,
    ) {
        let file = self.model.configs[config].file;
        self.model.units.push(Unit { config, context, origin, base: base.to_path_buf() });
        // Collect include sites with their contexts first (the walk borrows the tree).
        let mut sites: Vec<(Span, String, Ctx, u32)> = Vec::new();
        {
            let text = &loader.files[file.0 as usize].text;
            let tree = &self.model.configs[config].tree;
            walk_with_context(tree, text, context, &mut |d, ctx, parents| {
                let name = d.name(text);
                let Some(arg) = d.args().next() else { return };
                if name == "load_module"
                    && let Some(module) = nginx_directives::loadable_module(&arg.value(text))
                {
                    self.model.loaded_modules.insert(module);
                }
                if name == "include" {
                    let block = parents.last().and_then(|p| p.block()).map_or(FILE_LEVEL, |b| b.open.start);
                    sites.push((d.span(), arg.value(text).into_owned(), ctx, block));
                }
            });
        }
        for (directive, pattern, ctx, block) in sites {
            let (targets, problem) = resolve(&pattern, base, loader, chain);
            let unresolved = matches!(
                problem,
                Some(IncludeProblem::Missing { .. } | IncludeProblem::Outside | IncludeProblem::Unreadable { .. })
            );
            if unresolved {
                self.model.open_blocks.insert((file, block));
            }
            for target in &targets {
                if visited.insert(*target) {
                    let child = self.config_index(*target, loader);
                    chain.push(*target);
                    let origin = Origin::IncludedBy { file, directive };
                    self.visit(child, ctx, origin, base, loader, visited, chain);
                    chain.pop();
                }
            }
            self.model.includes.push(Include { file, directive, pattern, targets, problem });
        }
    }
}

/// Resolves one include against `base`; reads the targets through `loader`.
fn resolve(
    pattern: &str,
    base: &Path,
    loader: &mut Loader<'_>,
    chain: &[FileId],
) -> (Vec<FileId>, Option<IncludeProblem>) {
    let stock = include::is_stock_file(pattern);
    let path = match include::target(pattern, base, loader.root) {
        include::Target::Inside(path) => path,
        include::Target::Outside(_) if stock => return (Vec::new(), None),
        include::Target::Outside(_) => return (Vec::new(), Some(IncludeProblem::Outside)),
    };
    let paths = if include::is_glob(pattern) {
        include::expand_glob(&path)
    } else if path.is_file() {
        vec![path.clone()]
    } else if stock {
        return (Vec::new(), None);
    } else {
        return (Vec::new(), Some(IncludeProblem::Missing { path }));
    };
    if chain.len() > MAX_INCLUDE_DEPTH {
        return (Vec::new(), Some(IncludeProblem::TooDeep));
    }
    let mut targets = Vec::new();
    for p in paths {
        match loader.load(&p) {
            Ok(id) if chain.contains(&id) => {
                let start = chain.iter().position(|f| *f == id).unwrap_or(0);
                let mut cycle = chain[start..].to_vec();
                cycle.push(id);
                return (targets, Some(IncludeProblem::Cycle { chain: cycle }));
            }
            Ok(id) => targets.push(id),
            Err(reason) => {
                return (targets, Some(IncludeProblem::Unreadable { path: p, reason }));
            }
        }
    }
    (targets, None)
}

/// The context a directive written in `ctx` opens for its block.
pub fn child_context(ctx: Ctx, directive: &Directive, text: &str) -> Ctx {
    let Ctx::Known(parent) = ctx else { return ctx };
    let name = directive.name(text);
    if let Some(child) = parent.child(&name) {
        return Ctx::Known(child);
    }
    let rows = nginx_directives::lookup(&name);
    // A structural block written in the wrong place (NG002 reports it): read
    // its body as the block it is, so its contents are not blamed too.
    if let Some(child) = rows.iter().flat_map(|r| r.current.contexts.iter()).find_map(|c| c.child(&name)) {
        return Ctx::Known(child);
    }
    if rows.is_empty() {
        Ctx::Unknown
    } else if rows.iter().any(|r| r.block_body != BlockBody::Directives) {
        Ctx::Custom
    } else {
        Ctx::Open
    }
}

/// Walks every directive of `tree` with the context it is written in. The
/// callback gets the directive, its context and its enclosing directives.
pub fn walk_with_context<'t>(
    tree: &'t syntax::File,
    text: &str,
    start: Ctx,
    f: &mut dyn FnMut(&'t Directive, Ctx, &[&'t Directive]),
) {
    let mut contexts = vec![start];
    tree.walk(&mut |d, parents| {
        contexts.truncate(parents.len() + 1);
        // `contexts[k]` is the context inside parents[k-1]; fill the missing ones.
        while contexts.len() < parents.len() + 1 {
            let k = contexts.len();
            let outer = contexts[k - 1];
            contexts.push(child_context(outer, parents[k - 1], text));
        }
        f(d, contexts[parents.len()], parents);
    });
}

/// The context a file's first line is read in, implied by its content
/// (RULES.md "Scope of rules", nginx fragments). Top-level blocks mark the
/// context: `http`/`events`/`stream`/`mail` → main; `server`/`upstream`/`map`
/// → http (or stream, when only stream accepts their contents); `location`
/// → server. Without a marker: the innermost context that accepts every
/// top-level directive; if none does, context checks are skipped.
pub fn implied_context(tree: &syntax::File, text: &str, version: Version) -> Ctx {
    const INNERMOST_FIRST: [Context; 9] = [
        Context::Location,
        Context::Upstream,
        Context::Server,
        Context::Http,
        Context::StreamUpstream,
        Context::StreamServer,
        Context::Stream,
        Context::Events,
        Context::Main,
    ];
    let top: Vec<&Directive> = tree.directives().collect();
    let has_block = |name: &str| top.iter().any(|d| d.block().is_some() && d.name(text) == name);
    // Children count only to tell an http fragment from a stream one.
    let fits = |context: Context, depth: usize| top.iter().all(|d| fits_in(d, context, text, version, depth));
    if ["http", "events", "stream", "mail"].iter().any(|n| has_block(n)) {
        return Ctx::Known(Context::Main);
    }
    if ["server", "upstream", "map"].iter().any(|n| has_block(n)) {
        let stream = !fits(Context::Http, 2) && fits(Context::Stream, 2);
        let context = if stream { Context::Stream } else { Context::Http };
        return Ctx::Known(context);
    }
    if has_block("location") {
        return Ctx::Known(Context::Server);
    }
    let any_known =
        top.iter().any(|d| d.name(text) != "include" && !nginx_directives::lookup(&d.name(text)).is_empty());
    if !any_known {
        return Ctx::Known(Context::Main);
    }
    INNERMOST_FIRST.into_iter().find(|c| fits(*c, 0)).map_or(Ctx::Open, Ctx::Known)
}

/// Whether `d` may stand in `context` (unknown names and includes fit
/// anywhere); for structural blocks, `depth` more levels of children are
/// checked in the context the block opens.
fn fits_in(d: &Directive, context: Context, text: &str, version: Version, depth: usize) -> bool {
    let name = d.name(text);
    let rows = nginx_directives::lookup(&name);
    if rows.is_empty() || name == "include" {
        return true;
    }
    let has_block = d.block().is_some() || matches!(d.end, syntax::End::Lua { .. });
    let allowed = rows.iter().any(|r| {
        let shape = r.shape_at(version);
        r.exists_in(version) && shape.contexts.contains(context) && shape.args.block == has_block
    });
    if !allowed || depth == 0 {
        return allowed;
    }
    match (context.child(&name), d.block()) {
        (Some(child), Some(block)) => block.directives().all(|c| fits_in(c, child, text, version, depth - 1)),
        _ => true,
    }
}

/// Third-party modules implied by the images that run the configs:
/// `OpenResty` images bundle lua-nginx-module and headers-more (RULES.md NG002).
pub fn modules_from_images(images: &[&str]) -> Vec<LoadedModule> {
    if images.iter().any(|i| i.starts_with("openresty/")) {
        vec![LoadedModule::ThirdParty(ThirdParty::Lua), LoadedModule::ThirdParty(ThirdParty::HeadersMore)]
    } else {
        Vec::new()
    }
}

/// Modules available to a configuration beyond the official build:
/// `[nginx] modules`, `load_module` lines, modules bundled by the image.
#[derive(Clone, Debug, Default)]
pub struct Modules {
    pub enabled: HashSet<LoadedModule>,
}

impl Modules {
    /// Whether `row`'s module is compiled in or loaded.
    pub fn has(&self, row: &nginx_directives::DirectiveRow, version: Version) -> bool {
        match row.build {
            nginx_directives::Build::Default | nginx_directives::Build::Unlisted => true,
            nginx_directives::Build::WithFlag(flag) => {
                nginx_directives::in_official_build(flag, version)
                    || self.enabled.contains(&LoadedModule::Flag(flag.to_owned()))
            }
            nginx_directives::Build::ThirdParty(t) => self.enabled.contains(&LoadedModule::ThirdParty(t)),
        }
    }
}

/// What the tables say about a directive written in a context.
#[derive(Debug)]
pub enum Resolution {
    /// No module defines this name.
    Unknown,
    /// Known, but not in this nginx version (removed, or newer).
    NotInVersion(&'static [nginx_directives::DirectiveRow]),
    /// Present in this version, but its module is not built or loaded.
    NotBuilt(Vec<&'static nginx_directives::DirectiveRow>),
    /// Available, but not allowed in this context.
    WrongContext(Vec<&'static nginx_directives::DirectiveRow>),
    /// The row that applies (context unknown: the first available row).
    Found(&'static nginx_directives::DirectiveRow),
}

/// Finds the row that applies to `name` written in `ctx`.
pub fn resolve_directive(name: &str, ctx: Ctx, version: Version, modules: &Modules) -> Resolution {
    let rows = nginx_directives::lookup(name);
    if rows.is_empty() {
        return Resolution::Unknown;
    }
    let present: Vec<_> = rows.iter().filter(|r| r.exists_in(version)).collect();
    if present.is_empty() {
        return Resolution::NotInVersion(rows);
    }
    let built: Vec<_> = present.iter().copied().filter(|r| modules.has(r, version)).collect();
    if built.is_empty() {
        return Resolution::NotBuilt(present);
    }
    match ctx {
        Ctx::Known(context) => built
            .iter()
            .copied()
            .find(|r| r.shape_at(version).contexts.contains(context))
            .map_or(Resolution::WrongContext(built), Resolution::Found),
        Ctx::Custom | Ctx::Open | Ctx::Unknown => Resolution::Found(built[0]),
    }
}

/// For a directive that may lack its `;`: the first argument that is a known
/// directive name, unquoted and first on a later line. Callers use it only
/// when nginx rejects the directive as written (its arguments or block do
/// not fit), so a forgotten `;` is the likely cause.
pub fn missing_semicolon(d: &Directive, text: &str, lines: &crate::source::LineIndex) -> Option<syntax::Part> {
    let name_line = lines.line(d.name_part().span.start);
    let mut after_newline = false;
    for part in &d.parts[1..] {
        match part.kind {
            syntax::PartKind::Whitespace => after_newline |= part.span.text(text).contains('\n'),
            syntax::PartKind::Comment => {}
            syntax::PartKind::Word if after_newline && lines.line(part.span.start) > name_line => {
                if !nginx_directives::lookup(part.span.text(text)).is_empty() {
                    return Some(*part);
                }
                after_newline = false;
            }
            _ => after_newline = false,
        }
    }
    None
}

/// Block/terminator and argument-count checks, in nginx's order
/// (`ngx_conf_handler`).
pub fn shape_problem(
    name: &str,
    d: &Directive,
    row: &nginx_directives::DirectiveRow,
    version: Version,
) -> Option<String> {
    let shape = row.shape_at(version);
    let has_block = matches!(d.end, syntax::End::Block(_) | syntax::End::Lua { .. });
    if matches!(d.end, syntax::End::Missing) {
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

fn describe_args(args: nginx_directives::ArgSpec) -> String {
    if args.flag {
        return "1 (on or off)".to_owned();
    }
    let exact: Vec<String> = (0..16).filter(|n| args.counts & (1 << n) != 0).map(|n: u16| n.to_string()).collect();
    let mut parts = Vec::new();
    if !exact.is_empty() {
        parts.push(match exact.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
            [] => String::new(),
        });
    }
    if let Some(m) = args.more_from {
        parts.push(if m == 0 { "any number".to_owned() } else { format!("at least {m}") });
    }
    if parts.is_empty() { "none".to_owned() } else { parts.join(" or ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_descriptions() {
        let spec = |counts, more_from| nginx_directives::ArgSpec { counts, more_from, flag: false, block: false };
        assert_eq!(describe_args(spec(0b10, None)), "1");
        assert_eq!(describe_args(spec(0b110, None)), "1 or 2");
        assert_eq!(describe_args(spec(0b1, None)), "0");
        assert_eq!(describe_args(spec(0, Some(1))), "at least 1");
    }
}
