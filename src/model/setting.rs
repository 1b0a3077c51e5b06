//! Effective settings with provenance (DESIGN.md "model"): every value a rule
//! reads says whether it was written down, is a default for a known
//! version, or cannot be known.

use crate::source::FileId;
use crate::span::Span;

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Written in a file.
    Explicit { file: FileId, span: Span },
    /// Not written: the software's default. `what` names the software, the
    /// version and the setting ("gunicorn 23 keepalive").
    Default { what: String },
    /// Cannot be known statically (a placeholder, an expression, code).
    Unknown { reason: String },
}

/// An effective value. `value` is `None` for unknown settings, and for known
/// ones that are unbounded (no timeout, no cap): check [`Setting::is_known`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: Option<T>,
    pub origin: Origin,
}

impl<T> Setting<T> {
    pub fn explicit(value: T, file: FileId, span: Span) -> Self {
        Self { value: Some(value), origin: Origin::Explicit { file, span } }
    }

    /// Written down, and meaning "no limit".
    pub fn explicit_unbounded(file: FileId, span: Span) -> Self {
        Self { value: None, origin: Origin::Explicit { file, span } }
    }

    pub fn default(value: T, what: impl Into<String>) -> Self {
        Self { value: Some(value), origin: Origin::Default { what: what.into() } }
    }

    /// The default is "no limit".
    pub fn default_unbounded(what: impl Into<String>) -> Self {
        Self { value: None, origin: Origin::Default { what: what.into() } }
    }

    pub fn unknown(reason: impl Into<String>) -> Self {
        Self { value: None, origin: Origin::Unknown { reason: reason.into() } }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self.origin, Origin::Unknown { .. })
    }

    pub fn is_explicit(&self) -> bool {
        matches!(self.origin, Origin::Explicit { .. })
    }

    /// The same provenance with another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Setting<U> {
        Setting { value: self.value.map(f), origin: self.origin }
    }
}

/// A time, kept in milliseconds (reports show seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    pub fn from_secs(secs: u64) -> Self {
        Millis(secs.saturating_mul(1000))
    }

    /// Seconds as a JSON number: whole when exact.
    pub fn to_json(self) -> serde_json::Value {
        if self.0.is_multiple_of(1000) {
            serde_json::Value::from(self.0 / 1000)
        } else {
            // Millisecond values are small: the f64 is exact to the ms.
            #[allow(clippy::cast_precision_loss)]
            serde_json::Value::from(self.0 as f64 / 1000.0)
        }
    }
}

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_multiple_of(1000) { write!(f, "{}s", self.0 / 1000) } else { write!(f, "{}ms", self.0) }
    }
}
