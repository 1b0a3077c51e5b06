//! Tomcat's `${name}` / `${name:-default}` attribute placeholders and the
//! properties they resolve from (facts §A1 "Property placeholders").
//!
//! Tomcat resolves them from JVM system properties. `catalina.properties`
//! is loaded into the system properties at startup, over any `-D` option of
//! the same name (`CatalinaProperties.loadProperties` calls
//! `System.setProperty` for every entry), so it wins over `-D`.

use std::collections::HashMap;
use std::path::Path;

use crate::model::jvm::SystemProperty;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::properties::PropertiesFile;

/// Where a property's value is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyValue {
    pub value: String,
    pub file: FileId,
    pub span: Span,
}

/// The properties a server.xml's placeholders can resolve from.
#[derive(Clone, Debug, Default)]
pub struct PropertySources {
    catalina: HashMap<String, PropertyValue>,
    system: HashMap<String, PropertyValue>,
}

impl PropertySources {
    /// Adds the entries of a `catalina.properties` (a later entry of the
    /// same name wins, as `Properties.load` keeps the last).
    pub fn add_catalina_properties(&mut self, file: FileId, parsed: &PropertiesFile) {
        for entry in &parsed.entries {
            let value = PropertyValue { value: entry.value.clone(), file, span: entry.value_span };
            self.catalina.insert(entry.key.clone(), value);
        }
    }

    /// Adds `-D` system properties in command-line order (later wins).
    pub fn add_system_properties(&mut self, properties: &[SystemProperty]) {
        for p in properties {
            let value = PropertyValue { value: p.value.clone(), file: p.file, span: p.span };
            self.system.insert(p.name.clone(), value);
        }
    }

    pub fn get(&self, name: &str) -> Option<&PropertyValue> {
        self.catalina.get(name).or_else(|| self.system.get(name))
    }
}

/// The `catalina.properties` that belongs to `server_xml`: the one in the
/// same directory (Tomcat reads `$CATALINA_BASE/conf/catalina.properties`
/// beside `conf/server.xml`), else the only one in the repository.
pub fn catalina_properties_for<'a>(
    server_xml: &Path,
    candidates: impl IntoIterator<Item = (FileId, &'a Path)>,
) -> Option<FileId> {
    let candidates: Vec<(FileId, &Path)> = candidates.into_iter().collect();
    let dir = server_xml.parent();
    candidates
        .iter()
        .find(|(_, path)| path.parent() == dir)
        .or_else(|| if candidates.len() == 1 { candidates.first() } else { None })
        .map(|(id, _)| *id)
}

/// How an attribute's text was resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// No placeholder.
    Literal,
    /// Every placeholder resolved from a property; the first one's value.
    Property { file: FileId, span: Span },
    /// A `${name:-default}` whose `name` is not defined: its default was
    /// used. `expression` is the text between the braces.
    PlaceholderDefault { expression: String, name: String },
    /// `${name}` has no value in the repository.
    Unresolved { name: String },
}

/// An attribute value after placeholder replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    pub resolution: Resolution,
}

/// Tomcat repeats the replacement while the result still holds `${` and
/// changes, at most this many times (`IntrospectionUtils.replaceProperties`).
const MAX_ROUNDS: usize = 20;

/// Replaces placeholders as `IntrospectionUtils.replaceProperties` does:
/// the whole text between `${` and `}` is looked up first, then, when it
/// contains `:-`, the name before it, falling back to the text after it. An
/// unresolved placeholder stays as written.
pub fn resolve(text: &str, sources: &PropertySources) -> Resolved {
    let mut current = text.to_owned();
    let mut resolution = Resolution::Literal;
    for _ in 0..MAX_ROUNDS {
        if !current.contains("${") {
            break;
        }
        let next = replace_once(&current, sources, &mut resolution);
        if next == current {
            break;
        }
        current = next;
    }
    Resolved { text: current, resolution }
}

fn replace_once(text: &str, sources: &PropertySources, resolution: &mut Resolution) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let Some(close) = rest[at..].find('}') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let expression = &rest[at + 2..at + close];
        out.push_str(&lookup(expression, sources, resolution));
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

/// One placeholder's replacement, recording how it was found (an
/// unresolved name outranks a default, which outranks a property).
fn lookup(expression: &str, sources: &PropertySources, resolution: &mut Resolution) -> String {
    let mut record = |found: Resolution| {
        let rank = |r: &Resolution| match r {
            Resolution::Literal => 0,
            Resolution::Property { .. } => 1,
            Resolution::PlaceholderDefault { .. } => 2,
            Resolution::Unresolved { .. } => 3,
        };
        if rank(&found) > rank(resolution) {
            *resolution = found;
        }
    };
    let by_name = |name: &str| sources.get(name);
    if let Some(found) = by_name(expression) {
        record(Resolution::Property { file: found.file, span: found.span });
        return found.value.clone();
    }
    if let Some((name, default)) = expression.split_once(":-") {
        if let Some(found) = by_name(name) {
            record(Resolution::Property { file: found.file, span: found.span });
            return found.value.clone();
        }
        record(Resolution::PlaceholderDefault { expression: expression.to_owned(), name: name.to_owned() });
        return default.to_owned();
    }
    record(Resolution::Unresolved { name: expression.to_owned() });
    format!("${{{expression}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::properties;

    fn sources() -> PropertySources {
        let mut sources = PropertySources::default();
        let text = "tomcat.timeout=25000\nnested=${tomcat.timeout}\n";
        sources.add_catalina_properties(FileId(1), &properties::parse(text));
        sources.add_system_properties(&[
            SystemProperty { name: "tomcat.timeout".into(), value: "1".into(), file: FileId(2), span: Span::new(0, 1) },
            SystemProperty { name: "port".into(), value: "8080".into(), file: FileId(2), span: Span::new(5, 9) },
        ]);
        sources
    }

    #[test]
    fn catalina_properties_win_over_system_properties() {
        let resolved = resolve("${tomcat.timeout}", &sources());
        assert_eq!(resolved.text, "25000");
        assert_eq!(resolved.resolution, Resolution::Property { file: FileId(1), span: Span::new(15, 20) });
        assert_eq!(resolve("x${port}y", &sources()).text, "x8080y");
    }

    #[test]
    fn defaults_unresolved_and_nested() {
        let s = sources();
        let with_default = resolve("${http.keepalive:-65000}", &s);
        assert_eq!(with_default.text, "65000");
        assert_eq!(
            with_default.resolution,
            Resolution::PlaceholderDefault {
                expression: "http.keepalive:-65000".into(),
                name: "http.keepalive".into()
            }
        );
        assert_eq!(resolve("${port:-1}", &s).text, "8080");
        let missing = resolve("${nope}", &s);
        assert_eq!(missing.text, "${nope}");
        assert_eq!(missing.resolution, Resolution::Unresolved { name: "nope".into() });
        assert_eq!(resolve("${nested}", &s).text, "25000");
        assert_eq!(resolve("${open", &s).text, "${open");
        assert_eq!(resolve("20000", &s).resolution, Resolution::Literal);
    }

    #[test]
    fn picks_the_neighbouring_catalina_properties() {
        let a = Path::new("a/conf/catalina.properties");
        let b = Path::new("b/conf/catalina.properties");
        let pick = |xml: &str, c: Vec<(FileId, &'static Path)>| catalina_properties_for(Path::new(xml), c);
        assert_eq!(pick("b/conf/server.xml", vec![(FileId(1), a), (FileId(2), b)]), Some(FileId(2)));
        assert_eq!(pick("c/server.xml", vec![(FileId(1), a), (FileId(2), b)]), None);
        assert_eq!(pick("c/server.xml", vec![(FileId(1), a)]), Some(FileId(1)));
    }
}
