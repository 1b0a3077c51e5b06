//! Everything `check` knows about the scanned paths, built once and read by
//! every rule.

use std::path::{Path, PathBuf};

use crate::knowledge::Version;
use crate::model::command::CommandLine;
use crate::model::compose::Compose;
use crate::model::dockerfile::Dockerfile;
use crate::model::gunicorn::GunicornConf;
use crate::model::httpd::HttpdConf;
use crate::model::k8s::Manifests;
use crate::model::k8s::helm::HelmValues;
use crate::model::nginx::{Ctx, Modules, NginxModel, Resolution, resolve_directive, walk_with_context};
use crate::model::phpfpm::PhpFpmConf;
use crate::model::pins::Pin;
use crate::model::problem::ParseProblem;
use crate::model::procfile::ProcfileEntry;
use crate::model::puma::PumaConf;
use crate::model::setting::Setting;
use crate::model::spring::SpringApp;
use crate::model::tomcat::TomcatServer;
use crate::settings::{FrontSection, LinkEntry, Spanned};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::syntax::nginx::Directive;
use crate::syntax::yaml::Embedded;

/// Where a version in use came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionSource {
    /// `--nginx-version`.
    Cli,
    /// `[versions]` in this file.
    Config(String),
    /// The tag of the nginx image named at `at` (`file:line`): `span` in
    /// `file`.
    Image { at: String, file: FileId, span: Span },
    /// Nothing declared one: the newest stable release hoplint knows.
    Assumed,
}

/// A version with its provenance.
#[derive(Clone, Debug)]
pub struct ResolvedVersion {
    pub version: Version,
    /// As the user wrote it (`1.24`), or the resolved number.
    pub written: String,
    pub source: VersionSource,
}

impl ResolvedVersion {
    /// For messages: "nginx 1.22.1, from --nginx-version".
    pub fn describe(&self) -> String {
        match &self.source {
            VersionSource::Cli => format!("nginx {}, from --nginx-version", self.version),
            VersionSource::Config(path) | VersionSource::Image { at: path, .. } => {
                format!("nginx {}, from {path}", self.version)
            }
            VersionSource::Assumed => format!("nginx {}, assumed", self.version),
        }
    }
}

/// A backend version declared by the user, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredBackend {
    pub version: Version,
    /// `--version` or the hoplint.toml path.
    pub source: String,
}

/// A note for the report: no effect on the exit code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

/// The scanned project.
#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// Files the walk found but could not read, with the reason (HL005).
    pub unreadable: Vec<(FileId, String)>,
    pub nginx: NginxModel,
    pub nginx_version: ResolvedVersion,
    pub nginx_modules: Modules,
    /// Files of other formats that did not parse (HL004).
    pub parse_problems: Vec<ParseProblem>,
    /// Kubernetes manifests, one entry per YAML file.
    pub k8s: Vec<Manifests>,
    /// Helm values files of the ingress-nginx chart.
    pub helm_values: Vec<HelmValues>,
    /// Configuration files embedded in other files (ConfigMap `data:`).
    pub embedded: Vec<EmbeddedFile>,
    /// The ingress-nginx version declared on the command line or in
    /// hoplint.toml (else the controller image tag decides).
    pub ingress_nginx_version: Option<Setting<Version>>,
    pub tomcat: Vec<TomcatServer>,
    pub spring: Vec<SpringApp>,
    pub dockerfiles: Vec<Dockerfile>,
    pub compose: Vec<Compose>,
    pub backends: BackendFiles,
    /// `[keepalive] margin` and `[fix] prefer` from hoplint.toml.
    pub fix_policy: crate::settings::FixPolicy,
    /// Backend versions from `--version NAME=V` and `[versions]`, by name
    /// (`gunicorn`, `php`…).
    pub backend_versions: std::collections::BTreeMap<String, DeclaredBackend>,
    /// `[[link]]` and `[front]` from hoplint.toml.
    pub graph_config: GraphConfig,
    /// The hops and their links, built on first use by the cross-hop rules.
    pub graph: std::sync::OnceLock<crate::model::hops::HopGraph>,
    /// Each file's absolute, normalized path ([`Project::absolute_path`]).
    pub absolute_paths: std::sync::OnceLock<Vec<PathBuf>>,
}

/// What hoplint.toml says about the hop graph. Its spans point into `file`,
/// hoplint.toml read as a source file that no parser reads and no rule lints,
/// so that findings about its entries show their lines.
#[derive(Debug, Default)]
pub struct GraphConfig {
    pub file: Option<FileId>,
    pub links: Vec<Spanned<LinkEntry>>,
    pub front: FrontSection,
}

impl GraphConfig {
    /// A byte range of hoplint.toml as a span.
    pub fn span(range: &std::ops::Range<usize>) -> Span {
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span::new(offset(range.start), offset(range.end))
    }
}

/// Backend configuration read from files, and what starts processes.
#[derive(Debug, Default)]
pub struct BackendFiles {
    pub gunicorn_confs: Vec<GunicornConf>,
    pub phpfpm: Vec<PhpFpmConf>,
    pub httpd: Vec<HttpdConf>,
    pub puma: Vec<PumaConf>,
    pub procfiles: Vec<(FileId, Vec<ProcfileEntry>)>,
    /// Shell scripts and the command lines they run.
    pub scripts: Vec<(FileId, Vec<CommandLine>)>,
    /// Python version pins (`requirements*.txt`, lock files).
    pub pins: Vec<(FileId, Vec<Pin>)>,
    /// `Gemfile.lock` pins.
    pub gem_pins: Vec<(FileId, Vec<Pin>)>,
}

/// A configuration file embedded in another one (a ConfigMap's `data:`
/// value): a file of its own for parsing, whose spans map back to the parent.
#[derive(Debug)]
pub struct EmbeddedFile {
    pub file: FileId,
    pub parent: FileId,
    /// Where in the parent: `ConfigMap/edge/nginx.conf`.
    pub label: String,
    pub embedded: Embedded,
}

impl Project {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The absolute, normalized path of a file, worked out once for all
    /// files (it asks the OS for the working directory).
    pub fn absolute_path(&self, id: FileId) -> &Path {
        let paths =
            self.absolute_paths.get_or_init(|| self.files.iter().map(|f| crate::source::absolute(&f.path)).collect());
        &paths[id.0 as usize]
    }

    /// Calls `f` for every nginx directive of the project, each file once, with
    /// the context it is read in (its first include's, or the one its content
    /// implies) and its enclosing directives.
    pub fn walk_nginx<'p>(&'p self, f: &mut dyn FnMut(NginxSite<'p, '_>)) {
        for unit in &self.nginx.units {
            let config = &self.nginx.configs[unit.config];
            let source = self.file(config.file);
            walk_with_context(&config.tree, &source.text, unit.context, &mut |directive, ctx, parents| {
                f(NginxSite { file: config.file, source, directive, ctx, parents });
            });
        }
    }

    /// Where a span of `file` is in the files on disk: spans of an embedded
    /// file map into its parent (a ConfigMap's YAML).
    pub fn on_disk(&self, file: FileId, span: Span) -> (FileId, Span) {
        match self.embedded.iter().find(|e| e.file == file) {
            Some(e) => (e.parent, e.embedded.span_to_source(span)),
            None => (file, span),
        }
    }

    /// Every hop and how they link (computed once).
    pub fn hop_graph(&self) -> &crate::model::hops::HopGraph {
        self.graph.get_or_init(|| crate::model::hops::graph(self))
    }

    /// The Dockerfile read from `path`, if any.
    pub fn dockerfile_at(&self, path: &Path) -> Option<&Dockerfile> {
        let wanted = crate::source::absolute(path);
        self.dockerfiles.iter().find(|d| self.absolute_path(d.file) == wanted)
    }

    /// A file's name for hop ids and messages: the path, or for an embedded
    /// file `parent.yaml:ConfigMap/name/key`.
    pub fn display_name(&self, file: FileId) -> String {
        match self.embedded.iter().find(|e| e.file == file) {
            Some(e) => format!("{}:{}", self.file(e.parent).display_path(), e.label),
            None => self.file(file).display_path(),
        }
    }

    /// What the tables say about `name` written in `ctx`, for this project's
    /// nginx version and modules.
    pub fn resolve_nginx(&self, name: &str, ctx: Ctx) -> Resolution {
        resolve_directive(name, ctx, self.nginx_version.version, &self.nginx_modules)
    }

    /// A path for messages, as reports print paths: relative to the working
    /// directory when below it.
    pub fn relative(&self, path: &Path) -> String {
        crate::source::display_path(&crate::source::relative_to_cwd(path))
    }
}

/// One directive met by [`Project::walk_nginx`].
pub struct NginxSite<'p, 'w> {
    pub file: FileId,
    pub source: &'p SourceFile,
    pub directive: &'p Directive,
    pub ctx: Ctx,
    /// Enclosing directives, outermost first.
    pub parents: &'w [&'p Directive],
}

/// The project root (RULES.md): the directory of the `hoplint.toml` in use,
/// else the nearest ancestor of the first path that holds `.git`, else the
/// first path itself (its parent when it is a file).
pub fn find_root(first: &Path, config: Option<&Path>) -> PathBuf {
    if let Some(dir) = config.and_then(Path::parent) {
        return std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    }
    let absolute = std::path::absolute(first).unwrap_or_else(|_| first.to_path_buf());
    let start = if absolute.is_dir() {
        absolute.clone()
    } else {
        absolute.parent().map_or_else(|| absolute.clone(), Path::to_path_buf)
    };
    start.ancestors().find(|d| d.join(".git").exists()).map_or(start.clone(), Path::to_path_buf)
}
