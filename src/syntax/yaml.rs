//! YAML → a node tree with byte spans, built from granit-parser's event
//! stream. Multi-document; comments kept (for suppressions and inline
//! links); aliases expanded under a node budget so an alias bomb is an error,
//! not a hang; `<<` merge keys honoured by [`Node::get`].

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle};

use crate::span::Span;

/// Nodes an alias expansion may copy per file before the file is rejected
/// ("billion laughs").
pub const ALIAS_NODE_BUDGET: usize = 100_000;

/// Documents nested deeper than this are refused, so that hostile input cannot
/// exhaust the stack of the tree's recursive walks.
pub const MAX_DEPTH: usize = 256;

/// A parsed YAML file.
#[derive(Debug, Default)]
pub struct YamlFile {
    pub documents: Vec<Document>,
    /// Every `#` comment (span from `#` to the end of its line).
    pub comments: Vec<Span>,
    /// The first error; parsing stops there (documents before it are kept).
    pub error: Option<YamlError>,
}

/// One `---` document.
#[derive(Debug)]
pub struct Document {
    /// `None` for an empty document.
    pub root: Option<Node>,
}

/// Where and why YAML could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

/// A node with the bytes it was read from. Nodes copied by an alias keep the
/// spans of the anchored original.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// What a node holds.
#[derive(Debug, Clone)]
pub enum Value {
    Scalar { text: String, style: Style },
    Mapping(Vec<(Node, Node)>),
    Sequence(Vec<Node>),
}

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl Node {
    /// The scalar's text (after YAML unescaping).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain `null`/`~`/empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, style: Style::Plain } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn style(&self) -> Option<Style> {
        match &self.value {
            Value::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> &[Node] {
        match &self.value {
            Value::Sequence(items) => items,
            _ => &[],
        }
    }

    /// The mapping's entries, merge keys (`<<`) expanded after the node's own
    /// keys (own keys win, as YAML specifies).
    pub fn entries(&self) -> Vec<(&Node, &Node)> {
        let Value::Mapping(entries) = &self.value else { return Vec::new() };
        let mut own: Vec<(&Node, &Node)> = Vec::with_capacity(entries.len());
        let mut merged: Vec<(&Node, &Node)> = Vec::new();
        for (key, value) in entries {
            if key.as_str() == Some("<<") && key.style() == Some(Style::Plain) {
                let sources: Vec<&Node> = match &value.value {
                    Value::Sequence(items) => items.iter().collect(),
                    _ => vec![value],
                };
                for source in sources {
                    merged.extend(source.entries());
                }
            } else {
                own.push((key, value));
            }
        }
        for (key, value) in merged {
            if !own.iter().any(|(k, _)| k.as_str().is_some() && k.as_str() == key.as_str()) {
                own.push((key, value));
            }
        }
        own
    }

    /// The value under a string key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node under a string key.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries().into_iter().find(|(k, _)| k.as_str() == Some(key))
    }

    /// Follows a path of keys: `node.path(&["spec", "template", "spec"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The scalar under `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.value, Value::Mapping(_))
    }
}

/// Parses YAML text. Never fails: an error is recorded and parsing stops.
pub fn parse(src: &str) -> YamlFile {
    let mut builder = Builder { src, file: YamlFile::default(), anchors: HashMap::new(), budget: ALIAS_NODE_BUDGET };
    builder.run();
    builder.file
}

enum Frame {
    Mapping { start: usize, entries: Vec<(Node, Node)>, pending_key: Option<Node>, anchor: usize },
    Sequence { start: usize, items: Vec<Node>, anchor: usize },
}

struct Builder<'a> {
    src: &'a str,
    file: YamlFile,
    /// Anchored nodes of the current document, by anchor id.
    anchors: HashMap<usize, Node>,
    budget: usize,
}

#[allow(clippy::cast_possible_truncation)] // files are capped far below 4 GiB
fn span(start: usize, end: usize) -> Span {
    Span::new(start as u32, end as u32)
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Scalar { .. } => 0,
        Value::Mapping(entries) => entries.iter().map(|(k, v)| count_nodes(k) + count_nodes(v)).sum(),
        Value::Sequence(items) => items.iter().map(count_nodes).sum(),
    }
}

impl Builder<'_> {
    fn offsets(&self, s: &granit_parser::Span) -> (usize, usize) {
        let len = self.src.len();
        let start = s.start.byte_offset().unwrap_or(0).min(len);
        let end = s.end.byte_offset().unwrap_or(start).clamp(start, len);
        (start, end)
    }

    fn fail(&mut self, at: usize, message: String) {
        if self.file.error.is_none() {
            self.file.error = Some(YamlError { span: span(at, at), message });
        }
    }

    fn run(&mut self) {
        let mut parser = Parser::new_from_str(self.src);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        while let Some(result) = parser.next_event() {
            let (event, ev_span) = match result {
                Ok(pair) => pair,
                Err(err) => {
                    let at = err.marker().byte_offset().unwrap_or(self.src.len());
                    self.fail(at, err.info());
                    return;
                }
            };
            let (start, end) = self.offsets(&ev_span);
            let node = match event {
                Event::DocumentStart(..) => {
                    self.anchors.clear();
                    root = None;
                    None
                }
                Event::DocumentEnd => {
                    self.file.documents.push(Document { root: root.take() });
                    None
                }
                #[allow(unreachable_patterns)]
                Event::Comment(..) => {
                    self.file.comments.push(span(start, end));
                    None
                }
                Event::MappingStart(_, anchor, _) | Event::SequenceStart(_, anchor, _) if stack.len() >= MAX_DEPTH => {
                    let _ = anchor;
                    self.fail(start, format!("YAML nested more than {MAX_DEPTH} levels deep"));
                    return;
                }
                Event::MappingStart(_, anchor, _) => {
                    stack.push(Frame::Mapping { start, entries: Vec::new(), pending_key: None, anchor });
                    None
                }
                Event::SequenceStart(_, anchor, _) => {
                    stack.push(Frame::Sequence { start, items: Vec::new(), anchor });
                    None
                }
                Event::MappingEnd | Event::SequenceEnd => stack.pop().map(|frame| self.close(frame, end)),
                Event::Scalar(text, style, anchor, _) => {
                    Some(self.scalar(text.into_owned(), style, anchor, start, end))
                }
                Event::Alias(id) => match self.expand(id, start) {
                    Some(node) => Some(node),
                    None => return,
                },
                _ => None,
            };
            let Some(node) = node else { continue };
            match stack.last_mut() {
                Some(Frame::Mapping { entries, pending_key, .. }) => match pending_key.take() {
                    Some(key) => entries.push((key, node)),
                    None => *pending_key = Some(node),
                },
                Some(Frame::Sequence { items, .. }) => items.push(node),
                None => root = Some(node),
            }
        }
    }

    fn close(&mut self, frame: Frame, end: usize) -> Node {
        let (start, value, anchor) = match frame {
            Frame::Mapping { start, entries, anchor, .. } => (start, Value::Mapping(entries), anchor),
            Frame::Sequence { start, items, anchor } => (start, Value::Sequence(items), anchor),
        };
        let node = Node { span: span(start, end.max(start)), value };
        self.remember(anchor, &node);
        node
    }

    fn scalar(&mut self, text: String, style: ScalarStyle, anchor: usize, start: usize, end: usize) -> Node {
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let node = Node { span: span(start, end), value: Value::Scalar { text, style } };
        self.remember(anchor, &node);
        node
    }

    /// A copy of the anchored node, or `None` (and an error) when the alias
    /// is unknown or the copy would exceed the budget.
    fn expand(&mut self, id: usize, at: usize) -> Option<Node> {
        let Some(target) = self.anchors.get(&id).cloned() else {
            self.fail(at, "alias to an unknown anchor".to_owned());
            return None;
        };
        let cost = count_nodes(&target);
        if cost > self.budget {
            self.fail(
                at,
                format!("alias expansion exceeds {ALIAS_NODE_BUDGET} nodes (a YAML alias bomb?); file not read"),
            );
            return None;
        }
        self.budget -= cost;
        Some(target)
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }
}

/// A scalar's text with a map from its offsets back to the YAML source, for
/// configuration files embedded in a `|` block (ConfigMap `data:`).
#[derive(Debug, Clone)]
pub struct Embedded {
    pub text: String,
    /// `(offset in text where a line starts, offset in the source)`.
    lines: Vec<(u32, u32)>,
}

impl Embedded {
    /// The embedded text of a scalar node, mapped line by line. Literal
    /// blocks map exactly; single-line plain and quoted scalars without
    /// escapes map exactly; anything else maps every line to the scalar.
    pub fn of(node: &Node, src: &str) -> Option<Embedded> {
        let Value::Scalar { text, style } = &node.value else { return None };
        let start = node.span.start;
        let mut lines = Vec::new();
        match style {
            Style::Literal => {
                // The span starts at the first content character: its column is
                // the block's indentation. Leading empty lines are in the text
                // but not in the span.
                let line_start = src[..start as usize].rfind('\n').map_or(0, |i| i + 1);
                let indent = start as usize - line_start;
                let leading_blank = text.bytes().take_while(|b| *b == b'\n').count();
                let mut source_line = line_start;
                let mut text_offset = leading_blank;
                for (i, _) in text.match_indices('\n').chain(std::iter::once((text.len(), ""))) {
                    if i < leading_blank || text_offset > text.len() {
                        continue;
                    }
                    let src_at = (source_line + indent).min(src.len());
                    lines.push((to_u32(text_offset), to_u32(src_at)));
                    text_offset = i + 1;
                    source_line = src[source_line..].find('\n').map_or(src.len(), |n| source_line + n + 1);
                }
                for blank in 0..leading_blank {
                    lines.insert(blank, (to_u32(blank), start));
                }
            }
            Style::Plain if !text.contains('\n') => lines.push((0, start)),
            Style::SingleQuoted | Style::DoubleQuoted
                if !text.contains('\n') && node.span.len() as usize == text.len() + 2 =>
            {
                lines.push((0, start + 1));
            }
            _ => lines.push((0, start)),
        }
        Some(Embedded { text: text.clone(), lines })
    }

    /// The source offset of `offset` in the embedded text.
    pub fn to_source(&self, offset: u32) -> u32 {
        let i = self.lines.partition_point(|(t, _)| *t <= offset).saturating_sub(1);
        let (text_start, source_start) = self.lines.get(i).copied().unwrap_or((0, 0));
        if self.lines.len() == 1 && self.lines[0].0 == 0 && self.text.contains('\n') {
            return source_start; // coarse map: the scalar itself
        }
        source_start + (offset - text_start)
    }

    /// A span of the embedded text as a span of the source.
    pub fn span_to_source(&self, span: Span) -> Span {
        let start = self.to_source(span.start);
        let end = self.to_source(span.end).max(start);
        Span::new(start, end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    #[test]
    fn documents_mappings_and_spans() {
        let src = "a: 1\nb:\n  - x\n  - 'y' # c\n---\nkind: Service\n";
        let file = parse(src);
        assert!(file.error.is_none(), "{:?}", file.error);
        assert_eq!(file.documents.len(), 2);
        let first = file.documents[0].root.as_ref().unwrap();
        let b = first.get("b").unwrap();
        let y = &b.as_sequence()[1];
        assert_eq!(y.as_str(), Some("y"));
        assert_eq!(y.span.text(src), "'y'");
        assert_eq!(file.comments.len(), 1);
        assert_eq!(file.comments[0].text(src), "# c");
        assert_eq!(file.documents[1].root.as_ref().unwrap().str_at("kind"), Some("Service"));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let src = "base: &b\n  stop_signal: SIGQUIT\n  image: x\napp:\n  <<: *b\n  image: y\n";
        let file = parse(src);
        let app = file.documents[0].root.as_ref().unwrap().get("app").unwrap();
        assert_eq!(app.str_at("image"), Some("y"));
        assert_eq!(app.str_at("stop_signal"), Some("SIGQUIT"));
        // the merged value points at the anchor's definition
        assert_eq!(app.get("stop_signal").unwrap().span.text(src), "SIGQUIT");
    }

    #[test]
    fn alias_bomb_is_an_error_not_a_hang() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            let _ = writeln!(
                src,
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
            );
            prev = name;
        }
        let file = parse(&src);
        let error = file.error.expect("budget exceeded");
        assert!(error.message.contains("alias"), "{}", error.message);
    }

    #[test]
    fn syntax_errors_are_values() {
        let file = parse("a: [1, 2\nb: c\n");
        assert!(file.error.is_some());
        let file = parse("");
        assert!(file.error.is_none());
    }

    #[test]
    fn literal_blocks_map_back_to_the_source() {
        let src = "data:\n  nginx.conf: |\n    events {}\n\n    http {\n      keepalive_timeout 5s;\n    }\n";
        let file = parse(src);
        let node = file.documents[0].root.as_ref().unwrap().path(&["data", "nginx.conf"]).unwrap();
        let embedded = Embedded::of(node, src).unwrap();
        assert_eq!(embedded.text, "events {}\n\nhttp {\n  keepalive_timeout 5s;\n}\n");
        let inner = embedded.text.find("keepalive_timeout").unwrap();
        let at = embedded.to_source(u32::try_from(inner).unwrap()) as usize;
        assert!(src[at..].starts_with("keepalive_timeout 5s;"));
        let http = embedded.text.find("http").unwrap();
        assert!(src[embedded.to_source(u32::try_from(http).unwrap()) as usize..].starts_with("http {"));
    }
}
