//! Builds the lossless [`File`] tree from tokens. Errors are values: the
//! parser records nginx's message at nginx's position and carries on, so one
//! mistake never hides the rest of the file.

use super::lexer::{Lexer, Token, TokenKind};
use super::tree::{Block, Directive, End, File, Node, Part, PartKind, SyntaxError};
use crate::span::Span;

/// Blocks nested deeper than this are kept as text (stray braces) so that
/// hostile input cannot exhaust the stack of the tree's recursive walks.
pub const MAX_DEPTH: usize = 128;

/// Blocks whose lines nginx hands to the directive's own handler instead of
/// reading them as directives (`block_content=custom` in the directive
/// table). A `{` inside one is an error ("unexpected "{"").
pub const DATA_BLOCKS: &[&str] = &["charset_map", "geo", "map", "split_clients", "types"];

struct Frame {
    /// The head of the directive that opened this block (empty for the file).
    parts: Vec<Part>,
    open: Span,
    /// Where this block's nodes start in [`Parser::nodes`].
    first_node: usize,
    /// `{` that opened no block (no directive name, or too deep): the next
    /// this many `}` are strays too.
    stray_opens: usize,
    /// Opened by one of [`DATA_BLOCKS`].
    data: bool,
}

/// Parses nginx configuration text. Never fails: problems are in `errors`.
pub fn parse(src: &str) -> File {
    Parser::new(src).run()
}

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    stack: Vec<Frame>,
    /// The nodes of every open block, innermost last: a block's nodes are
    /// moved out, at their exact size, when it closes.
    nodes: Vec<Node>,
    /// The statement being read: name, arguments and trivia so far (a
    /// scratch buffer, copied out at its exact size).
    parts: Vec<Part>,
    errors: Vec<SyntaxError>,
    /// The previous token, to enforce nginx's "space after a quote" rule.
    prev: Option<Token>,
}

fn span(t: Token) -> Span {
    Span::new(t.start, t.end)
}

fn describe_byte(src: &str, at: u32) -> String {
    src.get(at as usize..).and_then(|s| s.chars().next()).map_or_else(String::new, |c| c.to_string())
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Self {
            src,
            lexer: Lexer::new(src.as_bytes()),
            stack: vec![Frame { parts: Vec::new(), open: Span::default(), first_node: 0, stray_opens: 0, data: false }],
            nodes: Vec::new(),
            parts: Vec::new(),
            errors: Vec::new(),
            prev: None,
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>, related: Option<(Span, String)>) {
        self.errors.push(SyntaxError { span, message: message.into(), related: related.into_iter().collect() });
    }

    fn frame(&mut self) -> &mut Frame {
        // The root frame is never popped.
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    /// The statement's parts at their exact size; the buffer is kept.
    fn take_parts(&mut self) -> Vec<Part> {
        let parts = self.parts.clone();
        self.parts.clear();
        parts
    }

    fn push_node(&mut self, node: Node) {
        self.nodes.push(node);
    }

    fn run(mut self) -> File {
        while let Some(tok) = self.lexer.next_token() {
            self.check_space_after_quote(tok);
            match tok.kind {
                TokenKind::Whitespace | TokenKind::Comment => {
                    let kind = if tok.kind == TokenKind::Comment { PartKind::Comment } else { PartKind::Whitespace };
                    if self.parts.is_empty() {
                        let node = if kind == PartKind::Comment {
                            Node::Comment(span(tok))
                        } else {
                            Node::Whitespace(span(tok))
                        };
                        self.push_node(node);
                    } else {
                        self.parts.push(Part { span: span(tok), kind });
                    }
                }
                TokenKind::Word | TokenKind::DoubleQuoted | TokenKind::SingleQuoted | TokenKind::Unterminated => {
                    self.word(tok);
                }
                TokenKind::Semicolon => self.semicolon(tok),
                TokenKind::OpenBrace => self.open_brace(tok),
                TokenKind::CloseBrace => self.close_brace(tok),
            }
            self.prev = Some(tok);
        }
        self.finish()
    }

    /// nginx requires whitespace, `;`, `{` or `)` right after a closing quote.
    fn check_space_after_quote(&mut self, tok: Token) {
        let Some(prev) = self.prev else { return };
        let after_quote = matches!(prev.kind, TokenKind::DoubleQuoted | TokenKind::SingleQuoted);
        let glued = matches!(
            tok.kind,
            TokenKind::Word
                | TokenKind::DoubleQuoted
                | TokenKind::SingleQuoted
                | TokenKind::Unterminated
                | TokenKind::CloseBrace
                | TokenKind::Comment
        );
        if after_quote && glued && prev.end == tok.start && !self.src[tok.start as usize..].starts_with(')') {
            let found = describe_byte(self.src, tok.start);
            self.error(
                Span::new(tok.start, tok.start + u32::try_from(found.len()).unwrap_or(1)),
                format!("unexpected \"{found}\" after a quoted string: expected whitespace, \";\" or \"{{\""),
                None,
            );
        }
    }

    fn word(&mut self, tok: Token) {
        let kind = match tok.kind {
            TokenKind::DoubleQuoted => PartKind::DoubleQuoted,
            TokenKind::SingleQuoted => PartKind::SingleQuoted,
            TokenKind::Unterminated => {
                #[allow(clippy::cast_possible_truncation)]
                let eof = self.src.len() as u32;
                self.error(
                    Span::at(eof),
                    "unexpected end of file: the quoted string is never closed, expected a closing quote",
                    Some((Span::new(tok.start, tok.start + 1), "string opened here".to_owned())),
                );
                PartKind::Unterminated
            }
            _ => PartKind::Word,
        };
        self.parts.push(Part { span: span(tok), kind });
    }

    fn take_directive(&mut self, end: End) -> Directive {
        Directive { parts: self.take_parts(), end }
    }

    fn semicolon(&mut self, tok: Token) {
        if self.parts.is_empty() {
            self.error(span(tok), "unexpected \";\": expected a directive name before it", None);
            self.push_node(Node::Stray(span(tok)));
            return;
        }
        let directive = self.take_directive(End::Semicolon(span(tok)));
        self.push_node(Node::Directive(directive));
    }

    fn open_brace(&mut self, tok: Token) {
        if self.frame().data {
            // nginx's map/geo/types handlers reject a block; the `{` is most
            // often an unquoted regex quantifier such as `[0-9]{1,5}`.
            self.error(span(tok), "unexpected \"{\": a regular expression with \"{\" must be quoted here", None);
            if self.parts.is_empty() {
                self.push_node(Node::Stray(span(tok)));
            } else {
                self.parts.push(Part { span: span(tok), kind: PartKind::Stray });
            }
            return;
        }
        if self.parts.is_empty() {
            self.error(span(tok), "unexpected \"{\": expected a directive name before the block", None);
            self.push_node(Node::Stray(span(tok)));
            self.frame().stray_opens += 1;
            return;
        }
        let name = self.parts[0].value(self.src);
        if name.ends_with("_by_lua_block") {
            self.lexer_rewind_to(tok.start);
            let (body, closed) = self.lexer.lua_block();
            if !closed {
                #[allow(clippy::cast_possible_truncation)]
                let eof = self.src.len() as u32;
                self.error(
                    Span::at(eof),
                    "unexpected end of file, expecting the \"}\" that closes the Lua block",
                    Some((Span::new(tok.start, tok.start + 1), "Lua block opened here".to_owned())),
                );
            }
            let directive = self.take_directive(End::Lua { span: span(body), closed });
            self.push_node(Node::Directive(directive));
            return;
        }
        if self.stack.len() > MAX_DEPTH {
            self.error(span(tok), format!("blocks nested more than {MAX_DEPTH} deep are not analysed"), None);
            // Keep the head as text so nothing is lost.
            let parts = self.take_parts();
            for part in parts {
                self.push_node(Node::Stray(part.span));
            }
            self.push_node(Node::Stray(span(tok)));
            self.frame().stray_opens += 1;
            return;
        }
        let data = DATA_BLOCKS.contains(&name.as_ref());
        let parts = self.take_parts();
        self.stack.push(Frame { parts, open: span(tok), first_node: self.nodes.len(), stray_opens: 0, data });
    }

    /// The lexer already consumed the `{`; Lua mode must start at it.
    fn lexer_rewind_to(&mut self, offset: u32) {
        self.lexer = Lexer::at(self.src.as_bytes(), offset as usize);
    }

    fn close_brace(&mut self, tok: Token) {
        if !self.parts.is_empty() {
            let head = self.parts[0].span;
            self.error(
                span(tok),
                "unexpected \"}\": expected \";\" to end the directive before it",
                Some((head, "this directive has no \";\"".to_owned())),
            );
            let directive = self.take_directive(End::Missing);
            self.push_node(Node::Directive(directive));
        }
        if self.frame().stray_opens > 0 {
            self.frame().stray_opens -= 1;
            self.push_node(Node::Stray(span(tok)));
            return;
        }
        if self.stack.len() == 1 {
            self.error(span(tok), "unexpected \"}\": no block is open here", None);
            self.push_node(Node::Stray(span(tok)));
            return;
        }
        self.close_frame(Some(span(tok)));
    }

    fn close_frame(&mut self, close: Option<Span>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let directive = Directive {
            parts: frame.parts,
            end: End::Block(Box::new(Block {
                open: frame.open,
                nodes: self.nodes.drain(frame.first_node..).collect(),
                close,
            })),
        };
        self.push_node(Node::Directive(directive));
    }

    fn finish(mut self) -> File {
        #[allow(clippy::cast_possible_truncation)]
        let eof = self.src.len() as u32;
        if !self.parts.is_empty() {
            let head = self.parts[0].span;
            let already = self.errors.last().is_some_and(|e| e.span == Span::at(eof));
            if !already {
                self.error(
                    Span::at(eof),
                    "unexpected end of file, expecting \";\" or \"}\"",
                    Some((head, "this directive is not terminated".to_owned())),
                );
            }
            let directive = self.take_directive(End::Missing);
            self.push_node(Node::Directive(directive));
        }
        // An unterminated string already explains the end of the file.
        let explained = self.errors.iter().any(|e| e.span == Span::at(eof));
        let unclosed = self.stack.len() - 1;
        let innermost = self.stack[unclosed].open;
        while self.stack.len() > 1 {
            self.close_frame(None);
        }
        let root = std::mem::take(&mut self.nodes);
        if unclosed > 0 && !explained {
            let label = if unclosed == 1 {
                "this block is never closed".to_owned()
            } else {
                format!("this block is never closed ({unclosed} blocks are open at the end of the file)")
            };
            let mut related = vec![(innermost, label)];
            if let Some((open, close)) = misindented_block(&root, self.src) {
                related.push((open, "this block probably lacks its \"}\"".to_owned()));
                related.push((close, "this \"}\" is indented for an outer block".to_owned()));
            }
            self.errors.push(SyntaxError {
                span: Span::at(eof),
                message: "unexpected end of file, expecting \"}\"".to_owned(),
                related,
            });
        }
        File { nodes: root, errors: self.errors }
    }
}

/// The indentation (in columns) of the line holding `offset`.
fn indentation(src: &str, offset: u32) -> usize {
    let start = src[..offset as usize].rfind('\n').map_or(0, |i| i + 1);
    src[start..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count()
}

/// For a file with an unclosed block: the first block (in source order)
/// whose `}` is indented differently from the line that opened it, when the
/// `}` starts its line. That `}` most likely belongs to an outer block.
fn misindented_block(nodes: &[Node], src: &str) -> Option<(Span, Span)> {
    for node in nodes {
        let Node::Directive(d) = node else { continue };
        let Some(block) = d.block() else { continue };
        if let Some(found) = misindented_block(&block.nodes, src) {
            return Some(found);
        }
        let Some(close) = block.close else { continue };
        let close_starts_line = src[..close.start as usize].rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
        if close_starts_line && indentation(src, close.start) != indentation(src, d.name_part().span.start) {
            return Some((block.open, close));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_inner_block_is_located_by_indentation() {
        let src = "http {\n    server {\n        location / {\n            return 204;\n    }\n}\n";
        let file = parse(src);
        let error = &file.errors[0];
        assert_eq!(error.message, "unexpected end of file, expecting \"}\"");
        let labels: Vec<&str> = error.related.iter().map(|(s, _)| s.text(src)).collect();
        assert_eq!(labels, ["{", "{", "}"], "{:?}", error.related);
        // the location's `{` is the one blamed
        assert_eq!(error.related[1].0.start as usize, src.find("/ {").unwrap() + 2);
    }

    #[test]
    fn data_blocks_reject_braces_but_keep_structure() {
        let src = "map $a $b {\n    ~x{2} 1;\n}\nserver {}\n";
        let file = parse(src);
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.directives().count(), 2);
        let mut out = String::new();
        file.write_source(src, &mut out);
        assert_eq!(out, src);
    }

    #[test]
    fn unterminated_string_inside_a_block_keeps_everything() {
        let src = "http {\n  server {\n    return 200 \"oops;\n  }\n}\n";
        let file = parse(src);
        assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
        assert_eq!(file.directives().count(), 1);
        let mut out = String::new();
        file.write_source(src, &mut out);
        assert_eq!(out, src);
    }

    #[test]
    fn every_input_round_trips() {
        for src in [
            "",
            "}",
            "{",
            ";",
            "a",
            "a \"b",
            "a 'b\\' c;",
            "x {{{ }",
            "# c",
            "a{b}c;d",
            "set_by_lua_block $x { {",
            "\"q\"x;",
            "a \\",
        ] {
            let mut out = String::new();
            parse(src).write_source(src, &mut out);
            assert_eq!(out, src, "{src:?}");
        }
    }
}
