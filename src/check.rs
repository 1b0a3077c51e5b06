//! The `check` pipeline: discover → classify → parse → model → rules →
//! report data. No printing here.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::Note;
use crate::source::classify::Kind;
use crate::source::{FileId, SourceFile};

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
    pub ingress_nginx_version: Option<String>,
    /// `--version NAME=VERSION`, as written.
    pub backend_versions: Vec<String>,
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    /// Globs (relative to the working directory or absolute) forcing a kind;
    /// added to `[files]` from hoplint.toml.
    pub forced_kinds: Vec<(String, Kind)>,
    pub max_file_size: Option<u64>,
    /// File contents to use instead of the disk's (absolute, normalized
    /// paths): the fix engine re-lints its edits before writing them.
    pub overrides: std::collections::HashMap<PathBuf, Vec<u8>>,
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
    /// The project root (fixes never write outside it).
    pub root: PathBuf,
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
    let (loaded, mut report) = crate::load::load(options);
    let Some((project, selection)) = loaded else { return report };
    let mut diagnostics = crate::rules::run(&project, &selection);
    for d in &mut diagnostics {
        d.map_locations(&|file, span| project.on_disk(file, span));
    }
    let mut diagnostics = crate::suppress::apply(diagnostics, &project.files, &selection);
    if !selection.per_file_ignores.is_empty() {
        let absolute = crate::source::absolute;
        let root = absolute(&project.root);
        // Each file's path relative to the root, once per file, not per finding.
        let relative: Vec<String> = project
            .files
            .iter()
            .map(|f| {
                let path = absolute(&f.path);
                crate::source::display_path(path.strip_prefix(&root).unwrap_or(&path))
            })
            .collect();
        diagnostics.retain(|d| !selection.is_ignored_in(d.rule, &relative[d.file.0 as usize]));
    }
    sort_diagnostics(&mut diagnostics, &project.files);
    report.diagnostics = diagnostics;
    report.root = project.root;
    report.files = project.files;
    report
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
