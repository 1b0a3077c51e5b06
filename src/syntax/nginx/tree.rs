//! The lossless nginx syntax tree. Every byte of the file belongs to exactly
//! one leaf (a [`Part`], a terminator, a brace, or a trivia node), so
//! [`File::write_source`] rebuilds the file from the tree alone.

use std::borrow::Cow;

use crate::span::Span;

/// A parsed nginx file.
#[derive(Debug, Default)]
pub struct File {
    pub nodes: Vec<Node>,
    pub errors: Vec<SyntaxError>,
}

/// An item at block level.
#[derive(Debug)]
pub enum Node {
    Directive(Directive),
    Comment(Span),
    Whitespace(Span),
    /// A token nginx would reject here (a stray `;`, `{` or `}`), kept so the
    /// tree stays lossless; the matching error is in [`File::errors`].
    Stray(Span),
}

/// `name arg… ;` or `name arg… { … }`.
#[derive(Debug)]
pub struct Directive {
    /// Name, arguments and the trivia between them, in source order. The first
    /// part is always the name.
    pub parts: Vec<Part>,
    pub end: End,
}

/// How a directive ends.
#[derive(Debug)]
pub enum End {
    Semicolon(Span),
    Block(Box<Block>),
    /// The raw `{ … }` body of a `*_by_lua_block` directive (`closed` is false
    /// when the file ended first).
    Lua {
        span: Span,
        closed: bool,
    },
    /// The file ended, or a `}` came, before `;` (an error is recorded).
    Missing,
}

/// `{ … }` with its contents.
#[derive(Debug)]
pub struct Block {
    pub open: Span,
    pub nodes: Vec<Node>,
    /// `None` when the file ended before the block was closed.
    pub close: Option<Span>,
}

/// One leaf of a directive's head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub span: Span,
    pub kind: PartKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    Word,
    DoubleQuoted,
    SingleQuoted,
    /// A quoted string the file never closes.
    Unterminated,
    Whitespace,
    Comment,
    /// A `{` nginx rejects inside a statement (in `map`, `types`…); not an
    /// argument. The matching error is in [`File::errors`].
    Stray,
}

impl PartKind {
    /// Not an argument: whitespace, comments, stray braces.
    pub fn is_trivia(self) -> bool {
        matches!(self, PartKind::Whitespace | PartKind::Comment | PartKind::Stray)
    }
}

/// A place where the file does not follow nginx's grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where nginx would report it.
    pub span: Span,
    pub message: String,
    /// Other places that explain the error (the unclosed `{`, the opening
    /// quote), with their labels.
    pub related: Vec<(Span, String)>,
}

impl Part {
    pub fn is_quoted(self) -> bool {
        matches!(self.kind, PartKind::DoubleQuoted | PartKind::SingleQuoted | PartKind::Unterminated)
    }

    /// The raw text, quotes and escapes included.
    pub fn raw(self, src: &str) -> &str {
        self.span.text(src)
    }

    /// The value nginx sees: quotes removed; `\"`, `\'`, `\\` unescaped; `\t`,
    /// `\r`, `\n` turned into control characters; any other `\X` kept whole
    /// (`ngx_conf_read_token`, the word-building loop).
    pub fn value(self, src: &str) -> Cow<'_, str> {
        let raw = self.raw(src);
        let inner = match self.kind {
            PartKind::DoubleQuoted | PartKind::SingleQuoted => raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""),
            PartKind::Unterminated => raw.get(1..).unwrap_or(""),
            _ => raw,
        };
        if !inner.contains('\\') {
            return Cow::Borrowed(inner);
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some(e @ ('"' | '\'' | '\\')) => out.push(e),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('n') => out.push('\n'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        }
        Cow::Owned(out)
    }
}

impl Directive {
    pub fn name_part(&self) -> Part {
        self.parts[0]
    }

    /// The directive's name as written (a quoted name is unusual but legal).
    pub fn name<'s>(&self, src: &'s str) -> Cow<'s, str> {
        self.name_part().value(src)
    }

    /// The arguments (no trivia), in order.
    pub fn args(&self) -> impl DoubleEndedIterator<Item = Part> + '_ {
        self.parts[1..].iter().copied().filter(|p| !p.kind.is_trivia())
    }

    pub fn arg_count(&self) -> usize {
        self.args().count()
    }

    /// The comments written between the name and the terminator.
    pub fn comments(&self) -> impl Iterator<Item = Span> + '_ {
        self.parts.iter().filter(|p| p.kind == PartKind::Comment).map(|p| p.span)
    }

    /// From the name to the end of the last argument.
    pub fn head_span(&self) -> Span {
        let first = self.parts[0].span;
        let last = self.parts.iter().rev().find(|p| !p.kind.is_trivia()).map_or(first, |p| p.span);
        first.cover(last)
    }

    /// From the name through the terminator (`;`, or the whole block).
    pub fn span(&self) -> Span {
        let head = self.head_span();
        match &self.end {
            End::Semicolon(s) | End::Lua { span: s, .. } => head.cover(*s),
            End::Block(b) => head.cover(b.close.unwrap_or(b.open)).cover(b.open).cover(b.last_span().unwrap_or(b.open)),
            End::Missing => head,
        }
    }

    /// The `;`, `{` or Lua body that ends the head; `None` when missing.
    pub fn terminator(&self) -> Option<Span> {
        match &self.end {
            End::Semicolon(s) => Some(*s),
            End::Block(b) => Some(b.open),
            End::Lua { span, .. } => Some(Span::new(span.start, span.start + 1)),
            End::Missing => None,
        }
    }

    pub fn block(&self) -> Option<&Block> {
        match &self.end {
            End::Block(b) => Some(b),
            _ => None,
        }
    }
}

impl Block {
    /// The directives directly inside this block.
    pub fn directives(&self) -> impl Iterator<Item = &Directive> {
        self.nodes.iter().filter_map(|n| match n {
            Node::Directive(d) => Some(d),
            _ => None,
        })
    }

    /// The end of the last thing inside the block, for spans of unclosed blocks.
    fn last_span(&self) -> Option<Span> {
        self.nodes.last().map(Node::span)
    }
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Directive(d) => d.span(),
            Node::Comment(s) | Node::Whitespace(s) | Node::Stray(s) => *s,
        }
    }
}

impl File {
    /// The top-level directives.
    pub fn directives(&self) -> impl Iterator<Item = &Directive> {
        self.nodes.iter().filter_map(|n| match n {
            Node::Directive(d) => Some(d),
            _ => None,
        })
    }

    /// Rebuilds the source text by visiting every leaf of the tree in order.
    /// Equal to the parsed text for every input (the round-trip tests check it).
    pub fn write_source(&self, src: &str, out: &mut String) {
        write_nodes(&self.nodes, src, out);
    }

    /// Calls `f` for every directive with its depth-first nesting, parents
    /// before children.
    pub fn walk<'t>(&'t self, f: &mut dyn FnMut(&'t Directive, &[&'t Directive])) {
        let mut stack: Vec<&Directive> = Vec::new();
        walk_nodes(&self.nodes, &mut stack, f);
    }
}

fn walk_nodes<'t>(
    nodes: &'t [Node],
    stack: &mut Vec<&'t Directive>,
    f: &mut dyn FnMut(&'t Directive, &[&'t Directive]),
) {
    for node in nodes {
        if let Node::Directive(d) = node {
            f(d, stack);
            if let Some(block) = d.block() {
                stack.push(d);
                walk_nodes(&block.nodes, stack, f);
                stack.pop();
            }
        }
    }
}

fn write_nodes(nodes: &[Node], src: &str, out: &mut String) {
    for node in nodes {
        match node {
            Node::Comment(s) | Node::Whitespace(s) | Node::Stray(s) => out.push_str(s.text(src)),
            Node::Directive(d) => {
                for part in &d.parts {
                    out.push_str(part.span.text(src));
                }
                match &d.end {
                    End::Semicolon(s) | End::Lua { span: s, .. } => out.push_str(s.text(src)),
                    End::Block(b) => {
                        out.push_str(b.open.text(src));
                        write_nodes(&b.nodes, src, out);
                        if let Some(close) = b.close {
                            out.push_str(close.text(src));
                        }
                    }
                    End::Missing => {}
                }
            }
        }
    }
}
