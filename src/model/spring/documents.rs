//! Application files (`application[-PROFILE].properties|yml|yaml`) →
//! documents of flat properties, each with the condition under which Spring
//! Boot applies it.
//!
//! YAML is flattened as Spring's `YamlProcessor` does: nested keys joined
//! with `.`, sequence items as `[i]`, `null` as the empty string. Plain
//! scalars that `SnakeYAML` (YAML 1.1) reads as integers are written back in
//! decimal (`20_000` → `20000`, `0x10` → `16`, `010` → `8`), since Spring
//! binds the number's text.

use std::path::Path;

use super::binding::uniform;
use super::profiles::split_list;
use crate::model::problem::ParseProblem;
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::syntax::properties;
use crate::syntax::yaml::{self, Node, Style, Value};

/// One property as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The name as written (flattened for YAML; a variable name for the
    /// environment).
    pub name: String,
    /// `None` when the value is not in the repository (`valueFrom`).
    pub value: Option<String>,
    pub file: FileId,
    /// The value as written (for YAML, the scalar).
    pub span: Span,
    /// `path:line`, for messages.
    pub location: String,
}

/// When a document applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activation {
    Always,
    /// `spring.config.activate.on-profile` (or the legacy `spring.profiles`):
    /// any of these expressions must match the active profiles.
    OnProfile(Vec<String>),
    /// `spring.config.activate.on-cloud-platform`: decided at runtime.
    OnCloudPlatform(String),
}

/// One document of an application file.
#[derive(Clone, Debug)]
pub struct Document {
    pub file: FileId,
    /// `path` or `path (document N)` for messages.
    pub label: String,
    /// `Some(p)` for `application-p.*`: applies only when `p` is active.
    pub file_profile: Option<String>,
    pub activation: Activation,
    pub properties: Vec<Property>,
}

/// The profile of an application file name: `Some(None)` for
/// `application.yml`, `Some(Some("prod"))` for `application-prod.yml`,
/// `None` when the name is not an application file.
pub fn application_profile(path: &Path) -> Option<Option<String>> {
    let name = path.file_name()?.to_str()?;
    let stem = [".properties", ".yml", ".yaml"].iter().find_map(|ext| name.strip_suffix(ext))?;
    match stem.strip_prefix("application")? {
        "" => Some(None),
        rest => rest.strip_prefix('-').filter(|p| !p.is_empty()).map(|p| Some(p.to_owned())),
    }
}

/// Reads one application file into documents (in file order).
pub fn load(file: FileId, source: &SourceFile, problems: &mut Vec<ParseProblem>) -> Vec<Document> {
    let path = source.display_path();
    let file_profile = application_profile(&source.path).flatten();
    let location = |span: Span| format!("{path}:{}", source.lines.line(span.start));
    let is_properties = path.ends_with(".properties");
    let groups: Vec<Vec<Property>> = if is_properties {
        let parsed = properties::parse(&source.text);
        if let Some(error) = parsed.error {
            problems.push(ParseProblem { file, span: error.span, message: error.message });
        }
        let count = parsed.entries.iter().map(|e| e.document + 1).max().unwrap_or(0);
        let mut groups = vec![Vec::new(); count];
        for entry in parsed.entries {
            groups[entry.document].push(Property {
                location: location(entry.value_span),
                name: entry.key,
                value: Some(entry.value),
                file,
                span: entry.value_span,
            });
        }
        groups
    } else {
        let parsed = yaml::parse(&source.text);
        if let Some(error) = parsed.error {
            problems.push(ParseProblem { file, span: error.span, message: format!("invalid YAML: {}", error.message) });
        }
        parsed
            .documents
            .iter()
            .map(|document| {
                let mut flat = Vec::new();
                if let Some(root) = &document.root {
                    flatten(root, "", &mut |name, node| {
                        flat.push(Property {
                            location: location(node.span),
                            name,
                            value: Some(scalar_text(node)),
                            file,
                            span: node.span,
                        });
                    });
                }
                flat
            })
            .collect()
    };
    let several = groups.len() > 1;
    groups
        .into_iter()
        .enumerate()
        .map(|(i, properties)| Document {
            file,
            label: if several { format!("{path} (document {})", i + 1) } else { path.clone() },
            file_profile: file_profile.clone(),
            activation: activation(&properties),
            properties,
        })
        .collect()
}

/// Calls `leaf` for every scalar under `node` with its flattened name.
fn flatten(node: &Node, prefix: &str, leaf: &mut impl FnMut(String, &Node)) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else if key.starts_with('[') {
            format!("{prefix}{key}")
        } else {
            format!("{prefix}.{key}")
        }
    };
    match &node.value {
        Value::Mapping(_) => {
            for (key, value) in node.entries() {
                if let Some(key) = key.as_str() {
                    flatten(value, &join(key), leaf);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, &format!("{prefix}[{i}]"), leaf);
            }
        }
        Value::Scalar { .. } => leaf(prefix.to_owned(), node),
    }
}

/// A scalar's text as Spring binds it.
fn scalar_text(node: &Node) -> String {
    let Value::Scalar { text, style } = &node.value else { return String::new() };
    if *style != Style::Plain {
        return text.clone();
    }
    if node.is_null() {
        return String::new();
    }
    yaml11_integer(text).map_or_else(|| text.clone(), |n| n.to_string())
}

/// `SnakeYAML`'s YAML 1.1 integer forms: `[-+]?` then `0b[01_]+`, `0[0-7_]+`,
/// `0x[0-9a-fA-F_]+`, or `0|[1-9][0-9_]*` (sexagesimal `1:30` is left as
/// text, which then fails to convert).
fn yaml11_integer(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(d) = unsigned.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = unsigned.strip_prefix("0x") {
        (16, d)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        if unsigned.starts_with('_') {
            return None;
        }
        (10, unsigned)
    };
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let value = i128::from_str_radix(&digits, radix).ok()?;
    Some(if negative { -value } else { value })
}

/// The properties named `canonical` or its list items (`canonical[i]`).
fn values_of<'a>(properties: &'a [Property], canonical: &str) -> impl Iterator<Item = &'a Property> {
    let wanted = uniform(canonical);
    let item = format!("{wanted}.[");
    properties.iter().filter(move |p| {
        let name = uniform(&p.name);
        name == wanted || name.starts_with(&item)
    })
}

/// A document's activation from its own properties.
fn activation(properties: &[Property]) -> Activation {
    let platform = values_of(properties, "spring.config.activate.on-cloud-platform").last();
    if let Some(platform) = platform.and_then(|p| p.value.clone()) {
        return Activation::OnCloudPlatform(platform);
    }
    for key in ["spring.config.activate.on-profile", "spring.profiles"] {
        let expressions: Vec<String> =
            values_of(properties, key).filter_map(|p| p.value.as_deref()).flat_map(split_list).collect();
        if !expressions.is_empty() {
            return Activation::OnProfile(expressions);
        }
    }
    Activation::Always
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn docs(path: &str, text: &str) -> Vec<Document> {
        let source = SourceFile::new(PathBuf::from(path), text.as_bytes().to_vec());
        let mut problems = Vec::new();
        let documents = load(FileId(0), &source, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        documents
    }

    fn names(document: &Document) -> Vec<(String, String)> {
        document.properties.iter().map(|p| (p.name.clone(), p.value.clone().unwrap_or_default())).collect()
    }

    #[test]
    fn profile_of_file_names() {
        let profile = |p: &str| application_profile(Path::new(p));
        assert_eq!(profile("a/application.yml"), Some(None));
        assert_eq!(profile("application-prod.properties"), Some(Some("prod".into())));
        assert_eq!(profile("application-.yaml"), None);
        assert_eq!(profile("applications.yml"), None);
        assert_eq!(profile("bootstrap.yml"), None);
    }

    #[test]
    fn yaml_is_flattened() {
        let text = "server:\n  tomcat:\n    keep-alive-timeout: 20s\n    max-keep-alive-requests: 1_000\n  list: [a, b]\n  empty:\nspring.profiles.active: prod\n";
        let documents = docs("application.yml", text);
        assert_eq!(
            names(&documents[0]),
            [
                ("server.tomcat.keep-alive-timeout".into(), "20s".into()),
                ("server.tomcat.max-keep-alive-requests".into(), "1000".into()),
                ("server.list[0]".into(), "a".into()),
                ("server.list[1]".into(), "b".into()),
                ("server.empty".into(), String::new()),
                ("spring.profiles.active".into(), "prod".into()),
            ]
        );
        let timeout = &documents[0].properties[0];
        assert_eq!(timeout.span.text(text), "20s");
        assert_eq!(timeout.location, "application.yml:3");
    }

    #[test]
    fn activations() {
        let text = "a: 1\n---\nspring:\n  config:\n    activate:\n      on-profile: prod & !cloud\nb: 2\n---\nspring.profiles: [dev, qa]\n---\nspring.config.activate.on-cloud-platform: kubernetes\n";
        let documents = docs("config/application.yaml", text);
        let activations: Vec<_> = documents.iter().map(|d| d.activation.clone()).collect();
        assert_eq!(
            activations,
            [
                Activation::Always,
                Activation::OnProfile(vec!["prod & !cloud".into()]),
                Activation::OnProfile(vec!["dev".into(), "qa".into()]),
                Activation::OnCloudPlatform("kubernetes".into()),
            ]
        );
        assert_eq!(documents[1].label, "config/application.yaml (document 2)");
        let properties = docs("application-prod.properties", "a=1\n#---\nspring.config.activate.on-profile=x,y\n");
        assert_eq!(properties[0].file_profile.as_deref(), Some("prod"));
        assert_eq!(properties[1].activation, Activation::OnProfile(vec!["x".into(), "y".into()]));
    }

    #[test]
    fn yaml11_integers() {
        assert_eq!(yaml11_integer("20_000"), Some(20_000));
        assert_eq!(yaml11_integer("0x1F"), Some(31));
        assert_eq!(yaml11_integer("010"), Some(8));
        assert_eq!(yaml11_integer("-0b11"), Some(-3));
        assert_eq!(yaml11_integer("0"), Some(0));
        assert_eq!(yaml11_integer("09"), None);
        assert_eq!(yaml11_integer("20s"), None);
        assert_eq!(yaml11_integer("_1"), None);
    }
}
