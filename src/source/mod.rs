//! Files on disk: finding them, reading them, telling what they are.

pub mod classify;
pub mod discover;
pub mod line_index;

pub use line_index::LineIndex;

use std::path::PathBuf;

/// Index of a file in [`crate::project::Project::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A file's text as hoplint reads it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as printed in reports (relative to the working directory
    /// when the user gave a relative path).
    pub path: PathBuf,
    pub text: String,
    /// The bytes were not valid UTF-8 and were decoded lossily: spans refer
    /// to the decoded text, and `--fix` never rewrites such a file.
    pub lossy: bool,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: PathBuf, bytes: Vec<u8>) -> Self {
        let (text, lossy) = match String::from_utf8(bytes) {
            Ok(text) => (text, false),
            Err(err) => (String::from_utf8_lossy(err.as_bytes()).into_owned(), true),
        };
        let lines = LineIndex::new(&text);
        Self { path, text, lossy, lines }
    }

    /// The path with `/` separators, as reports print it.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

/// A path as reports print it: `/`-separated, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// A file the walk found but could not read.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

/// Everything discovery produced.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub unreadable: Vec<Unreadable>,
}

/// Paths given on the command line that do not exist or cannot be listed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct PathError {
    pub path: PathBuf,
    pub reason: String,
}

/// `path` made absolute and lexically normalized, so two spellings of one
/// file compare equal (as given when the working directory is unknown).
pub fn absolute(path: &std::path::Path) -> PathBuf {
    crate::syntax::nginx::include::normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// `path` relative to the working directory when it lies below it, else as
/// given (absolute paths stay absolute).
pub fn relative_to_cwd(path: &std::path::Path) -> PathBuf {
    let Ok(absolute) = std::path::absolute(path) else { return path.to_path_buf() };
    let absolute = crate::syntax::nginx::include::normalize(&absolute);
    std::env::current_dir()
        .ok()
        .and_then(|cwd| absolute.strip_prefix(cwd).ok().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}
