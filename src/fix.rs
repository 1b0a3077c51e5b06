//! Fixes: byte-range edits, possibly in several files, with applicability.

use crate::source::FileId;
use crate::span::Span;

/// Whether `--fix` applies a fix by itself or needs `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Unsafe,
    Safe,
}

/// Replace `span` of `file` with `content` (empty span: insert; empty
/// content: delete).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(file: FileId, span: Span, content: impl Into<String>) -> Self {
        Self { file, span, content: content.into() }
    }

    pub fn delete(file: FileId, span: Span) -> Self {
        Self::replace(file, span, "")
    }
}

/// A change that resolves one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Imperative: "Remove the duplicate `proxy_read_timeout 60s;`".
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by file then start; non-overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::Safe, edits)
    }

    pub fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.file, e.span));
        Self { title: title.into(), applicability, edits }
    }
}

/// Which fixes a rule can offer (shown by `hoplint rules` and `explain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
    /// Safe or unsafe depending on the case.
    SafeOrUnsafe,
    /// Offered only when one reading is unambiguous.
    SafeWhenUnambiguous,
}

impl FixAvailability {
    pub fn describe(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::SafeOrUnsafe => "safe / unsafe",
            FixAvailability::SafeWhenUnambiguous => "safe when unambiguous",
        }
    }
}
