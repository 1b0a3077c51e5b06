//! One server.xml attribute: where it is written, its placeholders resolved,
//! and its value converted the way Tomcat's `IntrospectionUtils.setProperty`
//! converts it (a value it cannot convert is ignored, with a warning in
//! Tomcat's log).

use super::byte_span;
use super::placeholder::{PropertySources, Resolution, resolve};
use crate::knowledge::java::{Support, tomcat_max_requests, tomcat_placeholder_default, tomcat_timeout};
use crate::model::jvm::RunningVersion;
use crate::model::setting::{Millis, Origin, Setting};
use crate::source::FileId;
use crate::span::Span;

/// An attribute as written and as Tomcat takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr<T> {
    pub name_span: Span,
    /// The raw value between the quotes (edit here to change the value).
    pub value_span: Span,
    /// The value after XML entity decoding and placeholder replacement.
    pub text: String,
    pub value: AttrValue<T>,
    /// The property (`catalina.properties` entry, `-D` option) a
    /// placeholder took its value from.
    pub resolved_from: Option<(FileId, Span)>,
}

/// What Tomcat makes of an attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue<T> {
    /// The value Tomcat uses. Its origin is explicit (the attribute's
    /// value span, also when a placeholder resolved from a property), a
    /// default (a `${name:-default}` placeholder whose property is not
    /// defined), or unknown (a placeholder with no value in the repository).
    Set(Setting<T>),
    /// Tomcat cannot convert the text and keeps its default; says why.
    Invalid(String),
}

impl<T> Attr<T> {
    /// The setting Tomcat uses, `None` when it ignores the attribute.
    pub fn setting(&self) -> Option<&Setting<T>> {
        match &self.value {
            AttrValue::Set(setting) => Some(setting),
            AttrValue::Invalid(_) => None,
        }
    }
}

/// A converter from attribute text to a typed value: `Ok(None)` means "no
/// limit", `Err` says why Tomcat rejects the text.
pub type Convert<T> = fn(&str) -> Result<Option<T>, String>;

/// Reads attributes of one file.
pub(super) struct AttrReader<'a> {
    pub file: FileId,
    pub props: &'a PropertySources,
    pub version: RunningVersion,
}

impl AttrReader<'_> {
    /// The attribute `name` of `node` (case-sensitive, as Tomcat matches
    /// setters), if present.
    pub fn read<T>(&self, node: roxmltree::Node, name: &str, convert: Convert<T>) -> Option<Attr<T>> {
        let attribute = node.attributes().find(|a| a.name() == name && a.namespace().is_none())?;
        let resolved = resolve(attribute.value(), self.props);
        let value_span = byte_span(attribute.range_value());
        let resolved_from = match &resolved.resolution {
            Resolution::Property { file, span } => Some((*file, *span)),
            _ => None,
        };
        let origin = match &resolved.resolution {
            Resolution::Unresolved { name } => Err(format!("${{{name}}} is not defined in the repository")),
            Resolution::PlaceholderDefault { expression, name: property } => {
                Ok(Origin::Default { what: self.placeholder_default(name, expression, property) })
            }
            Resolution::Literal | Resolution::Property { .. } => {
                Ok(Origin::Explicit { file: self.file, span: value_span })
            }
        };
        let value = match origin {
            Err(reason) => AttrValue::Set(Setting::unknown(reason)),
            Ok(origin) => match convert(&resolved.text) {
                Ok(value) => AttrValue::Set(Setting { value, origin }),
                Err(why) => AttrValue::Invalid(format!("{name}=\"{}\" {why}; Tomcat ignores it", resolved.text)),
            },
        };
        Some(Attr {
            name_span: byte_span(attribute.range_qname()),
            value_span,
            text: resolved.text,
            value,
            resolved_from,
        })
    }

    /// The `what` of a value taken from a `${name:-default}` placeholder,
    /// saying when the running version is not known to read that form
    /// (facts §A1: the `:-` separator dates from 9.0.35).
    fn placeholder_default(&self, attribute: &str, expression: &str, property: &str) -> String {
        let version = self.version.version;
        let caveat = match tomcat_placeholder_default(version) {
            Support::Yes => String::new(),
            Support::No => format!("; Tomcat {version} predates this `:-` form (9.0.35), read as newer releases do"),
            Support::Unverified => {
                format!("; the `:-` form (9.0.35) is not verified for Tomcat {version}, read as newer releases do")
            }
        };
        format!(
            "{} {attribute}: placeholder default of ${{{expression}}} ({property} is not defined in the repository){caveat}",
            self.version.label()
        )
    }
}

/// Java's `Integer.valueOf` (`Long.valueOf` with `long`): an optional sign
/// and decimal digits, in range; no blanks.
fn java_integer(text: &str, long: bool) -> Result<i64, String> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let parsed =
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) { text.parse::<i64>().ok() } else { None };
    let in_range = |n: &i64| long || i32::try_from(*n).is_ok();
    parsed.filter(in_range).ok_or_else(|| {
        if long { "is not a whole number".to_owned() } else { "is not a 32-bit whole number".to_owned() }
    })
}

/// A socket timeout in ms (`connectionTimeout`, `keepAliveTimeout`).
pub(super) fn timeout(text: &str) -> Result<Option<Millis>, String> {
    java_integer(text, false).map(tomcat_timeout)
}

/// `maxKeepAliveRequests`.
pub(super) fn request_limit(text: &str) -> Result<Option<u64>, String> {
    java_integer(text, false).map(tomcat_max_requests)
}

/// `gracefulStopAwaitMillis` (a `long`): `StandardService` only waits when
/// it is positive, so anything else is no wait.
pub(super) fn wait_millis(text: &str) -> Result<Option<Millis>, String> {
    java_integer(text, true).map(|n| Some(Millis(u64::try_from(n).unwrap_or(0))))
}

/// `maxConnections`: `-1` disables the limit (facts §A1).
pub(super) fn connection_limit(text: &str) -> Result<Option<u64>, String> {
    match java_integer(text, false)? {
        -1 => Ok(None),
        n => u64::try_from(n).map(Some).map_err(|_| "is negative (only -1, no limit, is accepted)".to_owned()),
    }
}

/// A count that must not be negative (`maxThreads`).
pub(super) fn count(text: &str) -> Result<Option<u64>, String> {
    let n = java_integer(text, false)?;
    u64::try_from(n).map(Some).map_err(|_| "is negative".to_owned())
}

/// An `int` taken as written (`port`; `-1` and `0` have meanings of their own).
pub(super) fn int(text: &str) -> Result<Option<i64>, String> {
    java_integer(text, false).map(Some)
}

/// A `boolean`: `Boolean.valueOf`, so anything but `true` (any case) is false.
#[allow(clippy::unnecessary_wraps)] // the shape of every converter
pub(super) fn boolean(text: &str) -> Result<Option<bool>, String> {
    Ok(Some(text.eq_ignore_ascii_case("true")))
}

/// A name or class name, taken as written.
#[allow(clippy::unnecessary_wraps)]
pub(super) fn string(text: &str) -> Result<Option<String>, String> {
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_like_java() {
        assert_eq!(timeout("20000"), Ok(Some(Millis(20_000))));
        assert_eq!(timeout("+5"), Ok(Some(Millis(5))));
        assert_eq!(timeout("-1"), Ok(None));
        assert!(timeout("20s").is_err());
        assert!(timeout(" 20000").is_err());
        assert!(timeout("3000000000").is_err());
        assert_eq!(wait_millis("3000000000"), Ok(Some(Millis(3_000_000_000))));
        assert_eq!(wait_millis("-5"), Ok(Some(Millis(0))));
        assert_eq!(request_limit("1"), Ok(Some(1)));
        assert_eq!(request_limit("-1"), Ok(None));
        assert_eq!(connection_limit("-1"), Ok(None));
        assert!(connection_limit("-2").is_err());
        assert_eq!(boolean("FALSE"), Ok(Some(false)));
        assert_eq!(boolean("yes"), Ok(Some(false)));
        assert_eq!(boolean("True"), Ok(Some(true)));
    }
}
