//! Typed reads of YAML nodes for Kubernetes objects. Every value keeps the
//! span it was read from; a value of the wrong type is recorded as a
//! [`ParseProblem`] and read as absent or [`Field::Invalid`], never a panic.

use crate::model::problem::ParseProblem;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::go_values;
use crate::syntax::yaml::{Node, Style, Value};

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A field whose value feeds a setting: absent, readable, or written but
/// unreadable (a [`ParseProblem`] was recorded; the setting is unknown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Field<T> {
    #[default]
    Absent,
    Set(Spanned<T>),
    Invalid {
        span: Span,
        reason: String,
    },
}

impl<T> Field<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Set(spanned) => Some(&spanned.value),
            _ => None,
        }
    }

    /// Where the field is written (absent: `None`).
    pub fn span(&self) -> Option<Span> {
        match self {
            Field::Set(spanned) => Some(spanned.span),
            Field::Invalid { span, .. } => Some(*span),
            Field::Absent => None,
        }
    }
}

/// One entry of a string map (labels, annotations, selectors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub key_span: Span,
    pub value: String,
    pub value_span: Span,
}

/// A port given by number or by name (`targetPort`, Ingress backend ports).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

/// What a node is, for messages.
pub(crate) fn describe(node: &Node) -> &'static str {
    match &node.value {
        Value::Scalar { .. } => "a scalar",
        Value::Mapping(_) => "a mapping",
        Value::Sequence(_) => "a list",
    }
}

/// The line holding `offset`, from its first non-blank character to its end
/// (a container's `- name: app` line, a pod spec's `spec:` line).
pub fn line_span(src: &str, offset: u32) -> Span {
    let at = (offset as usize).min(src.len());
    let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = src[at..].find('\n').map_or(src.len(), |i| at + i);
    let line = &src[start..end];
    let lead = line.len() - line.trim_start().len();
    let trail = line.len() - line.trim_end().len();
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span::new(to_u32(start + lead), to_u32(end - trail).max(to_u32(start + lead)))
}

/// How a plain YAML scalar resolves in the YAML 1.1 schema of go-yaml v2,
/// which `sigs.k8s.io/yaml` (kubectl, the API server) uses: `resolve.go`
/// resolves `y/yes/on/true…` to booleans, `~`/`null`/empty to null, and
/// numbers (underscores dropped, `strconv.ParseInt(s, 0, 64)` bases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlainType {
    Null,
    Bool(bool),
    Int(i64),
    Float,
    Str,
}

pub(crate) fn plain_type(node: &Node) -> PlainType {
    let Value::Scalar { text, style: Style::Plain } = &node.value else { return PlainType::Str };
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return PlainType::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return PlainType::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return PlainType::Bool(false);
        }
        _ => {}
    }
    if let Some(n) = go_values::parse_int(&text.replace('_', "")) {
        return PlainType::Int(n);
    }
    let is_float = matches!(text.as_str(), ".inf" | ".Inf" | ".INF" | "-.inf" | "+.inf" | ".nan" | ".NaN" | ".NAN")
        || text.bytes().any(|b| b.is_ascii_digit())
            && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
            && text.replace('_', "").parse::<f64>().is_ok();
    if is_float { PlainType::Float } else { PlainType::Str }
}

/// Reads typed fields of one file's YAML, collecting problems.
pub(crate) struct Reader<'a> {
    pub file: FileId,
    pub src: &'a str,
    pub problems: Vec<ParseProblem>,
}

impl<'a> Reader<'a> {
    pub fn new(file: FileId, src: &'a str) -> Self {
        Self { file, src, problems: Vec::new() }
    }

    pub fn problem(&mut self, span: Span, message: String) {
        self.problems.push(ParseProblem { file: self.file, span, message });
    }

    fn mismatch(&mut self, key: &str, node: &Node, expected: &str) {
        let found = describe(node);
        self.problem(node.span, format!("`{key}` must be {expected}, found {found}"));
    }

    /// The value under `key` unless it is absent or null.
    fn present<'n>(parent: &'n Node, key: &str) -> Option<&'n Node> {
        parent.get(key).filter(|node| !node.is_null())
    }

    /// The line of `key` in `parent` (for "report on the `spec:` line").
    pub fn key_line(&self, parent: &Node, key: &str) -> Option<Span> {
        parent.entry(key).map(|(k, _)| line_span(self.src, k.span.start))
    }

    /// A mapping under `key`.
    pub fn mapping<'n>(&mut self, parent: &'n Node, key: &str) -> Option<&'n Node> {
        let node = Self::present(parent, key)?;
        if node.is_mapping() {
            Some(node)
        } else {
            self.mismatch(key, node, "a mapping");
            None
        }
    }

    /// The items of a list under `key` (absent or null: none).
    pub fn list<'n>(&mut self, parent: &'n Node, key: &str) -> &'n [Node] {
        let Some(node) = Self::present(parent, key) else { return &[] };
        if let Value::Sequence(items) = &node.value {
            items
        } else {
            self.mismatch(key, node, "a list");
            &[]
        }
    }

    /// The mappings of a list under `key`; other items are problems.
    pub fn list_of_mappings<'n>(&mut self, parent: &'n Node, key: &str) -> Vec<&'n Node> {
        let mut out = Vec::new();
        for item in self.list(parent, key) {
            if item.is_mapping() {
                out.push(item);
            } else {
                self.mismatch(&format!("{key}[]"), item, "a mapping");
            }
        }
        out
    }

    /// A scalar under `key`, as text (numbers and booleans keep their text).
    pub fn string(&mut self, parent: &Node, key: &str) -> Option<Spanned<String>> {
        let node = Self::present(parent, key)?;
        self.scalar(key, node)
    }

    pub fn scalar(&mut self, key: &str, node: &Node) -> Option<Spanned<String>> {
        if let Some(text) = node.as_str() {
            Some(Spanned { value: text.to_owned(), span: node.span })
        } else {
            self.mismatch(key, node, "a scalar");
            None
        }
    }

    /// An integer under `key` (a YAML int: quoted numbers are strings, which
    /// the API rejects for integer fields).
    pub fn int(&mut self, parent: &Node, key: &str) -> Field<i64> {
        let Some(node) = Self::present(parent, key) else { return Field::Absent };
        match (node.as_str(), plain_type(node)) {
            (_, PlainType::Int(value)) => Field::Set(Spanned { value, span: node.span }),
            (Some(_), _) => {
                let reason = format!("`{key}` must be an integer, found `{}`", node.span.text(self.src));
                self.problem(node.span, reason.clone());
                Field::Invalid { span: node.span, reason }
            }
            (None, _) => {
                self.mismatch(key, node, "an integer");
                Field::Invalid { span: node.span, reason: format!("`{key}` is not an integer") }
            }
        }
    }

    /// A boolean under `key` (YAML 1.1 spellings, as the API reads them).
    pub fn bool(&mut self, parent: &Node, key: &str) -> Field<bool> {
        let Some(node) = Self::present(parent, key) else { return Field::Absent };
        if let PlainType::Bool(value) = plain_type(node) {
            return Field::Set(Spanned { value, span: node.span });
        }
        let reason = format!("`{key}` must be true or false, found {}", node.as_str().map_or("a collection", |t| t));
        self.problem(node.span, reason.clone());
        Field::Invalid { span: node.span, reason }
    }

    /// An integer or a name (Kubernetes `IntOrString`).
    pub fn port_ref(&mut self, parent: &Node, key: &str) -> Option<Spanned<PortRef>> {
        let node = Self::present(parent, key)?;
        let value = match (plain_type(node), node.as_str()) {
            (PlainType::Int(n), _) => PortRef::Number(n),
            (_, Some(text)) => PortRef::Name(text.to_owned()),
            (_, None) => {
                self.mismatch(key, node, "a port number or name");
                return None;
            }
        };
        Some(Spanned { value, span: node.span })
    }

    /// A map of strings under `key` (labels, annotations, selectors).
    pub fn string_map(&mut self, parent: &Node, key: &str) -> Vec<KeyValue> {
        let Some(map) = self.mapping(parent, key) else { return Vec::new() };
        let mut out = Vec::new();
        for (k, v) in map.entries() {
            let (Some(key_text), Some(value)) = (k.as_str(), v.as_str()) else {
                self.mismatch(key, v, "a map of strings");
                continue;
            };
            out.push(KeyValue {
                key: key_text.to_owned(),
                key_span: k.span,
                value: value.to_owned(),
                value_span: v.span,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml;

    fn root(src: &str) -> Node {
        yaml::parse(src).documents.remove(0).root.unwrap()
    }

    #[test]
    fn plain_scalars_resolve_like_go_yaml_v2() {
        let doc = root("a: 30\nb: \"30\"\nc: yes\nd: 0x1F\ne: 1.5\nf: ~\ng: web\nh: 1_000\n");
        let kind = |k: &str| plain_type(doc.get(k).unwrap());
        assert_eq!(kind("a"), PlainType::Int(30));
        assert_eq!(kind("b"), PlainType::Str);
        assert_eq!(kind("c"), PlainType::Bool(true));
        assert_eq!(kind("d"), PlainType::Int(31));
        assert_eq!(kind("e"), PlainType::Float);
        assert_eq!(kind("f"), PlainType::Null);
        assert_eq!(kind("g"), PlainType::Str);
        assert_eq!(kind("h"), PlainType::Int(1000));
    }

    #[test]
    fn mismatches_are_problems_with_spans() {
        let src = "grace: \"30\"\nlist: {a: 1}\nhost: maybe\nport: http\n";
        let doc = root(src);
        let mut reader = Reader::new(FileId(0), src);
        assert!(matches!(reader.int(&doc, "grace"), Field::Invalid { .. }));
        assert!(reader.list(&doc, "list").is_empty());
        assert!(matches!(reader.bool(&doc, "host"), Field::Invalid { .. }));
        assert_eq!(reader.port_ref(&doc, "port").unwrap().value, PortRef::Name("http".into()));
        assert_eq!(reader.problems.len(), 3);
        assert_eq!(reader.problems[0].span.text(src), "\"30\"");
        assert_eq!(reader.problems[1].message, "`list` must be a list, found a mapping");
    }

    #[test]
    fn line_spans_cover_the_written_line() {
        let src = "spec:\n  containers:\n    - name: app   \n";
        let at = u32::try_from(src.find("name").unwrap()).unwrap();
        assert_eq!(line_span(src, at).text(src), "- name: app");
    }
}
