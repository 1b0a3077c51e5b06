//! What a rule reports.

use crate::fix::Fix;
use crate::rules::Rule;
use crate::source::FileId;
use crate::span::Span;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A second location that explains a finding, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    /// The rule's default unless the rule's row says otherwise (an obsolete
    /// directive is NG002 at warning).
    pub severity: Severity,
    /// States the problem; no trailing period.
    pub message: String,
    pub file: FileId,
    pub span: Span,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self { rule, severity: rule.severity, message: message.into(), file, span, related: Vec::new(), fix: None }
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_related(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { file, span, message: message.into() });
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

impl Diagnostic {
    /// Moves every location (primary, related, fix edits) through `f`.
    pub fn map_locations(&mut self, f: &dyn Fn(FileId, Span) -> (FileId, Span)) {
        (self.file, self.span) = f(self.file, self.span);
        for r in &mut self.related {
            (r.file, r.span) = f(r.file, r.span);
        }
        if let Some(fix) = &mut self.fix {
            for e in &mut fix.edits {
                (e.file, e.span) = f(e.file, e.span);
            }
        }
    }
}
