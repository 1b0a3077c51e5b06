//! A place where a file could not be read as its format (HL004 for backend
//! and Kubernetes files; nginx has its own NG001).

use crate::source::FileId;
use crate::span::Span;

/// One parse problem, reported as a finding, never a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseProblem {
    pub file: FileId,
    pub span: Span,
    /// States the problem and, where possible, what was expected.
    pub message: String,
}
