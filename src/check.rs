//! The `check` pipeline: discover → classify → parse → model → rules →
//! report data. No printing here.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::{self, nginx_directives, version};
use crate::model::nginx::{self as nginx_model, Loader, Modules};
use crate::project::{Note, Project, ResolvedVersion, VersionSource};
use crate::rules::Selection;
use crate::settings::{self, Loaded};
use crate::source::classify::{self, Kind};
use crate::source::{FileId, SourceFile, discover};

/// Which configuration file to use.
#[derive(Clone, Debug, Default)]
pub enum ConfigChoice {
    /// Look upward from the first path.
    #[default]
    Discover,
    File(PathBuf),
    None,
}

/// Everything `check` needs from the command line.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Text read from stdin, with the path it stands for.
    pub stdin: Option<(PathBuf, Vec<u8>)>,
    pub config: ConfigChoice,
    pub nginx_version: Option<String>,
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    /// Globs (relative to the working directory or absolute) forcing a kind;
    /// added to `[files]` from hoplint.toml.
    pub forced_kinds: Vec<(String, Kind)>,
    pub max_file_size: Option<u64>,
}

/// An entry of the JSON `errors` list (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunError {
    pub file: Option<String>,
    pub message: String,
}

/// What `check` found.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<Note>,
    pub errors: Vec<RunError>,
    /// Files parsed (includes counted once).
    pub files_parsed: usize,
    pub fail_on: Severity,
}

impl Report {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// 0 clean, 1 findings at or above `fail_on`, 2 run errors (RULES.md).
    pub fn exit_code(&self, exit_zero: bool) -> u8 {
        if !self.errors.is_empty() {
            return 2;
        }
        u8::from(!exit_zero && self.diagnostics.iter().any(|d| d.severity >= self.fail_on))
    }
}

/// Runs the whole pipeline.
pub fn check(options: &CheckOptions) -> Report {
    let (loaded, mut report) = load(options);
    let Some((project, selection)) = loaded else { return report };
    let diagnostics = crate::rules::run(&project, &selection);
    let mut diagnostics = crate::suppress::apply(diagnostics, &project.files, &selection);
    sort_diagnostics(&mut diagnostics, &project.files);
    report.diagnostics = diagnostics;
    report.files = project.files;
    report
}

/// Configuration, discovery, classification and parsing: the project every
/// command works on, and the rules selected. `None` when a run error stops
/// everything (the report says which).
pub fn load(options: &CheckOptions) -> (Option<(Project, Selection)>, Report) {
    let mut report = Report { fail_on: Severity::Warning, ..Report::default() };
    let first = options
        .paths
        .first()
        .cloned()
        .or_else(|| options.stdin.as_ref().map(|(p, _)| p.clone()))
        .unwrap_or_else(|| PathBuf::from("."));
    let config_file = match load_config(&options.config, &first) {
        Ok(loaded) => loaded,
        Err(err) => {
            report.errors.push(RunError { file: Some(err.path.clone()), message: err.to_string() });
            return (None, report);
        }
    };
    let config = &config_file.config;
    let config_path =
        config_file.path.as_ref().map(|p| crate::source::display_path(&crate::source::relative_to_cwd(p)));
    report.fail_on = options.fail_on.or(config.lint.fail_on).unwrap_or(Severity::Warning);

    let selection = Selection {
        select: if options.select.is_empty() { config.lint.select.clone() } else { options.select.clone() },
        extend_select: config.lint.extend_select.iter().chain(&options.extend_select).cloned().collect(),
        ignore: config.lint.ignore.iter().chain(&options.ignore).cloned().collect(),
    };
    for selector in selection.select.iter().chain(&selection.extend_select).chain(&selection.ignore) {
        if !crate::rules::is_valid_selector(selector) {
            report.errors.push(RunError { file: None, message: format!("unknown rule code or prefix `{selector}`") });
        }
    }

    let nginx_version = match resolve_nginx_version(options, config, config_path.as_deref()) {
        Ok(v) => v,
        Err(message) => {
            report.errors.push(RunError { file: None, message });
            return (None, report);
        }
    };
    if nginx_version.source == VersionSource::Assumed {
        report.notes.push(Note {
            file: None,
            line: None,
            message: format!("nginx version assumed: {} (newest stable)", nginx_version.written),
        });
    }
    if !report.errors.is_empty() {
        return (None, report);
    }

    let root = crate::project::find_root(&first, config_file.path.as_deref());
    let max_size = options.max_file_size.unwrap_or(discover::DEFAULT_MAX_FILE_SIZE);
    let (found, path_errors) = discover::discover(&options.paths, max_size);
    for err in path_errors {
        report.errors.push(RunError { file: Some(crate::source::display_path(&err.path)), message: err.reason });
    }

    let mut files: Vec<SourceFile> = Vec::new();
    let mut unreadable = Vec::new();
    for u in found.unreadable {
        unreadable.push((FileId(index(files.len())), u.reason));
        files.push(SourceFile::new(u.path, Vec::new()));
    }
    let forced = forced_kinds(options, config, &root);
    let mut nginx_files = Vec::new();
    let mut images: Vec<String> = Vec::new();
    let inputs = found.files.into_iter().chain(options.stdin.clone());
    for (path, bytes) in inputs {
        // Configuration is text: a NUL byte in the first 8 KiB marks a binary
        // file, which is skipped (git uses the same test).
        if bytes.iter().take(8192).any(|b| *b == 0) {
            report.notes.push(file_note(&path, "skipped: binary file"));
            continue;
        }
        let file = SourceFile::new(path, bytes);
        images.extend(image_references(&file.path, &file.text));
        let kind = forced_kind(&forced, &file.path).or_else(|| classify::classify(&file.path, &file.text));
        if kind == Some(Kind::Nginx) {
            if file.lossy {
                let message = "not valid UTF-8: read with replacement characters; fixes will not rewrite it";
                report.notes.push(file_note(&file.path, message));
            }
            nginx_files.push(FileId(index(files.len())));
            files.push(file);
        }
    }

    let mut modules = configured_modules(config, config_path.as_deref(), &mut report);
    let image_names: Vec<&str> = images.iter().map(String::as_str).collect();
    modules.enabled.extend(nginx_model::modules_from_images(&image_names));

    let nginx = {
        let mut loader = Loader::new(&mut files, &root, max_size);
        nginx_model::build(&mut loader, &nginx_files, nginx_version.version)
    };
    modules.enabled.extend(nginx.loaded_modules.iter().cloned());
    report.files_parsed = nginx.configs.len();

    let project =
        Project { root, files, unreadable, nginx, nginx_version, nginx_modules: modules, parse_problems: Vec::new() };
    report.notes.sort();
    report.errors.sort();
    (Some((project, selection)), report)
}

/// `[nginx] modules` from hoplint.toml; unknown names are run errors.
fn configured_modules(config: &settings::ConfigFile, config_path: Option<&str>, report: &mut Report) -> Modules {
    let mut modules = Modules::default();
    for name in &config.nginx.modules {
        match module_from_config(name) {
            Some(m) => {
                modules.enabled.insert(m);
            }
            None => report.errors.push(RunError {
                file: config_path.map(str::to_owned),
                message: format!(
                    "unknown nginx module `{name}` in [nginx] modules: use lua, headers-more, njs, or a module name such as http_geoip_module"
                ),
            }),
        }
    }
    modules
}

fn file_note(path: &Path, message: &str) -> Note {
    Note { file: Some(crate::source::display_path(path)), line: None, message: message.to_owned() }
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn load_config(choice: &ConfigChoice, first: &Path) -> Result<Loaded, settings::ConfigError> {
    match choice {
        ConfigChoice::None => Ok(Loaded::default()),
        ConfigChoice::File(path) => settings::load(path),
        ConfigChoice::Discover => settings::find(first).map_or_else(|| Ok(Loaded::default()), |p| settings::load(&p)),
    }
}

/// RULES.md "Versions": CLI → `[versions]` → (files, a later step) → newest stable.
fn resolve_nginx_version(
    options: &CheckOptions,
    config: &settings::ConfigFile,
    config_path: Option<&str>,
) -> Result<ResolvedVersion, String> {
    let known = knowledge::nginx_known_versions();
    let declared = options.nginx_version.as_ref().map(|v| (v.clone(), VersionSource::Cli)).or_else(|| {
        config
            .versions
            .get("nginx")
            .map(|v| (v.clone(), VersionSource::Config(config_path.unwrap_or(settings::FILE_NAME).to_owned())))
    });
    let Some((written, source)) = declared else {
        let (major, minor) = knowledge::NGINX_NEWEST_STABLE;
        return Ok(ResolvedVersion {
            version: knowledge::nginx_newest_stable(),
            written: format!("{major}.{minor}"),
            source: VersionSource::Assumed,
        });
    };
    let version = version::resolve(&written, known).map_err(|e| format!("invalid nginx version: {e}"))?;
    Ok(ResolvedVersion { version, written, source })
}

fn module_from_config(name: &str) -> Option<nginx_directives::LoadedModule> {
    if let Some(t) = nginx_directives::ThirdParty::from_config_name(name) {
        return Some(nginx_directives::LoadedModule::ThirdParty(t));
    }
    let bare = name.trim_start_matches("--with-").trim_start_matches("ngx_");
    let flag = format!("--with-{bare}");
    let known =
        nginx_directives::all().iter().any(|r| matches!(r.build, nginx_directives::Build::WithFlag(f) if f == flag));
    known.then_some(nginx_directives::LoadedModule::Flag(flag))
}

type ForcedKinds = Vec<(globset::GlobMatcher, Kind)>;

fn forced_kinds(options: &CheckOptions, config: &settings::ConfigFile, root: &Path) -> ForcedKinds {
    let mut out = Vec::new();
    let patterns = config.files.iter().map(|(g, k)| (root.join(g).to_string_lossy().into_owned(), *k));
    let cli = options
        .forced_kinds
        .iter()
        .map(|(g, k)| (std::path::absolute(g).map_or_else(|_| g.clone(), |p| p.to_string_lossy().into_owned()), *k));
    for (glob, kind) in patterns.chain(cli) {
        if let Ok(g) = globset::Glob::new(&glob) {
            out.push((g.compile_matcher(), kind));
        }
    }
    out
}

fn forced_kind(forced: &ForcedKinds, path: &Path) -> Option<Kind> {
    if forced.is_empty() {
        return None;
    }
    let absolute = std::path::absolute(path).ok()?;
    forced.iter().find(|(m, _)| m.is_match(&absolute)).map(|(_, k)| *k)
}

/// Container images a Dockerfile (`FROM`) or compose file (`image:`) names,
/// so that image-bundled nginx modules are known.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name is lowercased first
fn image_references(path: &Path, text: &str) -> Vec<String> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let dockerfile = name.starts_with("dockerfile") || name.ends_with(".dockerfile") || name == "containerfile";
    let compose = name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml"));
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let from = line.get(..5).filter(|w| w.eq_ignore_ascii_case("FROM ")).and_then(|_| line.get(5..));
        if dockerfile && let Some(rest) = from {
            if let Some(image) = rest.split_whitespace().find(|w| !w.starts_with("--")) {
                out.push(image.to_owned());
            }
        } else if compose && let Some(image) = line.strip_prefix("image:") {
            out.push(image.trim().trim_matches(['"', '\'']).to_owned());
        }
    }
    out
}

/// RULES.md: by file path (byte order), then line, column, code.
fn sort_diagnostics(diagnostics: &mut [Diagnostic], files: &[SourceFile]) {
    diagnostics.sort_by(|a, b| {
        let fa = &files[a.file.0 as usize];
        let fb = &files[b.file.0 as usize];
        fa.display_path()
            .cmp(&fb.display_path())
            .then(a.span.start.cmp(&b.span.start))
            .then(a.rule.code.cmp(b.rule.code))
            .then(a.message.cmp(&b.message))
    });
}
