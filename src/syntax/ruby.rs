//! Ruby configuration DSLs (`config/puma.rb`) read without running Ruby:
//! the top-level method calls (`persistent_timeout 30`,
//! `workers(ENV.fetch("WEB_CONCURRENCY") { 2 })`) with their arguments
//! evaluated where they are literal, local variables assigned earlier,
//! `ENV.fetch(NAME, DEFAULT)` / `ENV.fetch(NAME) { DEFAULT }` /
//! `ENV[NAME] || DEFAULT` defaults, `.to_i`/`.to_f`/`Integer()` and integer
//! arithmetic. Calls inside `if`/`unless`/`case` are marked conditional;
//! blocks (`on_worker_boot do … end`) and method definitions are skipped.

use std::collections::HashMap;

use crate::source::LineIndex;
use crate::span::Span;

/// A Ruby value the reader can know.
#[derive(Clone, Debug, PartialEq)]
pub enum RValue {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Sym(String),
}

/// An evaluated argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// `Err(reason)` when it cannot be known without running Ruby.
    pub value: Result<RValue, String>,
    /// Environment variables whose defaults the value was computed from.
    pub env_defaults: Vec<String>,
}

/// One argument with where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub evaluated: Evaluated,
    pub span: Span,
}

/// A top-level method call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: String,
    pub name_span: Span,
    /// Positional arguments (keyword arguments are left out).
    pub args: Vec<Arg>,
    /// Why the call may not run (inside `if`, a modifier `unless`…).
    pub conditional: Option<String>,
}

/// What a file says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RubyFile {
    pub calls: Vec<Call>,
    /// Text the reader could not tokenize (unterminated strings).
    pub errors: Vec<(Span, String)>,
}

/// Reads the top-level calls of a Ruby DSL file.
pub fn read_calls(source: &str) -> RubyFile {
    let (tokens, errors) = lex(source);
    let mut reader = Reader { source, lines: LineIndex::new(source), locals: HashMap::new(), calls: Vec::new() };
    reader.statements(&tokens);
    RubyFile { calls: reader.calls, errors }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Str(String),
    /// A string with `#{…}` interpolation.
    Interpolated,
    Sym(String),
    Ident(String),
    /// `key:` in a call's keyword arguments.
    Label,
    Punct(&'static str),
    Newline,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    span: Span,
}

const PUNCTS: &[&str] = &[
    "||", "&&", "==", "!=", "=>", "::", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", "=", "+", "-", "*", "/",
    "%", "|", "&", "?", ":", "<", ">", "!",
];

fn at(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn lex(source: &str) -> (Vec<Token>, Vec<(Span, String)>) {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    let push = |tokens: &mut Vec<Token>, tok, start: usize, end: usize| {
        tokens.push(Token { tok, span: Span::new(at(start), at(end)) });
    };
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let line_start = i == 0 || bytes[i - 1] == b'\n';
        match c {
            b'=' if line_start && source[i..].starts_with("=begin") => {
                i = source[i..].find("\n=end").map_or(bytes.len(), |p| i + p + 5);
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' | b';' => {
                push(&mut tokens, Tok::Newline, i, i + 1);
                i += 1;
            }
            b'#' => i = source[i..].find('\n').map_or(bytes.len(), |p| i + p),
            b'"' | b'\'' => {
                let (tok, end) = string(source, i);
                if let Some(end) = end {
                    push(&mut tokens, tok, start, end);
                    i = end;
                } else {
                    errors.push((Span::new(at(start), at(bytes.len())), "unterminated string".to_owned()));
                    i = bytes.len();
                }
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                    i += 1;
                }
                let is_float = bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if is_float {
                    i += 1;
                    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                        i += 1;
                    }
                }
                let text = source[start..i].replace('_', "");
                let tok = if is_float {
                    text.parse().map_or(Tok::Punct("?"), Tok::Float)
                } else {
                    text.parse().map_or(Tok::Punct("?"), Tok::Int)
                };
                push(&mut tokens, tok, start, i);
            }
            b':' if bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                push(&mut tokens, Tok::Sym(source[start + 1..i].to_owned()), start, i);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                if matches!(bytes.get(i), Some(b'?' | b'!')) {
                    i += 1;
                }
                let label = bytes.get(i) == Some(&b':') && bytes.get(i + 1) != Some(&b':');
                if label {
                    i += 1;
                    push(&mut tokens, Tok::Label, start, i);
                } else {
                    push(&mut tokens, Tok::Ident(source[start..i].to_owned()), start, i);
                }
            }
            _ => {
                let punct = PUNCTS.iter().find(|p| source[i..].starts_with(**p)).copied().unwrap_or("?");
                i += punct.len().max(1);
                push(&mut tokens, Tok::Punct(punct), start, i);
            }
        }
    }
    (tokens, errors)
}

/// A quoted string starting at `i`: its token and end (after the quote).
fn string(source: &str, i: usize) -> (Tok, Option<usize>) {
    let quote = source.as_bytes()[i];
    let mut text = String::new();
    let mut interpolated = false;
    let mut chars = source[i + 1..].char_indices();
    while let Some((j, c)) = chars.next() {
        match c {
            c if c as u32 == u32::from(quote) => {
                let tok = if interpolated { Tok::Interpolated } else { Tok::Str(text) };
                return (tok, Some(i + 1 + j + 1));
            }
            '\\' => match chars.next() {
                Some((_, 'n')) if quote == b'"' => text.push('\n'),
                Some((_, 't')) if quote == b'"' => text.push('\t'),
                Some((_, e)) if quote == b'"' || e == '\'' || e == '\\' => text.push(e),
                Some((_, e)) => {
                    text.push('\\');
                    text.push(e);
                }
                None => break,
            },
            '#' if quote == b'"' && source[i + 1 + j..].starts_with("#{") => {
                interpolated = true;
                text.push(c);
            }
            c => text.push(c),
        }
    }
    (Tok::Interpolated, None)
}

/// An open block while walking statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// `if`/`unless`/`case`/`while`/`until`: statements inside may not run.
    Conditional(&'static str, usize),
    /// `begin`: runs.
    Begin,
    /// `do … end`, `def`, `class`, `module`: not run while configuring.
    Deferred,
}

struct Reader<'s> {
    source: &'s str,
    lines: LineIndex,
    locals: HashMap<String, Evaluated>,
    calls: Vec<Call>,
}

impl Reader<'_> {
    fn line(&self, span: Span) -> usize {
        self.lines.line(span.start)
    }

    fn statements(&mut self, tokens: &[Token]) {
        let mut blocks: Vec<Block> = Vec::new();
        for statement in split_statements(tokens) {
            let Some(first) = statement.first() else { continue };
            let keyword = match &first.tok {
                Tok::Ident(word) => word.as_str(),
                _ => "",
            };
            match keyword {
                "end" => {
                    blocks.pop();
                    continue;
                }
                "else" | "elsif" | "when" | "in" | "rescue" | "ensure" | "then" => continue,
                "if" | "unless" | "case" | "while" | "until" => {
                    let kind = match keyword {
                        "if" => "if",
                        "unless" => "unless",
                        "case" => "case",
                        "while" => "while",
                        _ => "until",
                    };
                    blocks.push(Block::Conditional(kind, self.line(first.span)));
                    continue;
                }
                "begin" => {
                    blocks.push(Block::Begin);
                    continue;
                }
                "def" | "class" | "module" => {
                    blocks.push(Block::Deferred);
                    continue;
                }
                _ => {}
            }
            let opens_do = statement.iter().any(|t| t.tok == Tok::Ident("do".into()));
            if !blocks.contains(&Block::Deferred) {
                let conditional = blocks.iter().rev().find_map(|b| match b {
                    Block::Conditional(kind, line) => Some(format!("inside `{kind}` (line {line})")),
                    _ => None,
                });
                self.statement(&statement, conditional);
            }
            if opens_do {
                blocks.push(Block::Deferred);
            }
        }
    }

    /// One statement: `name = expr` or a call `name args…`.
    fn statement(&mut self, tokens: &[Token], conditional: Option<String>) {
        let Some(Token { tok: Tok::Ident(name), span: name_span }) = tokens.first() else { return };
        // A modifier (`… if cond`) makes the statement conditional.
        let modifier =
            tokens.iter().skip(1).position(|t| matches!(&t.tok, Tok::Ident(k) if k == "if" || k == "unless"));
        let (tokens, conditional) = match modifier {
            Some(p) => {
                let keyword = &tokens[p + 1];
                let line = self.line(keyword.span);
                let what = match &keyword.tok {
                    Tok::Ident(k) => k.clone(),
                    _ => String::new(),
                };
                (&tokens[..=p], conditional.or(Some(format!("under a modifier `{what}` (line {line})"))))
            }
            None => (tokens, conditional),
        };
        if tokens.get(1).is_some_and(|t| t.tok == Tok::Punct("=")) {
            let mut evaluated = self.expression(&tokens[2..]);
            if let Some(reason) = &conditional {
                evaluated.value = Err(format!("`{name}` is assigned {reason}"));
            }
            self.locals.insert(name.clone(), evaluated);
            return;
        }
        let rest = &tokens[1..];
        // `name(args)` when the parenthesis is glued to the name.
        let args = match rest.first() {
            Some(t) if t.tok == Tok::Punct("(") && t.span.start == name_span.end => {
                let close = matching(rest, 0).unwrap_or(rest.len());
                &rest[1..close.min(rest.len())]
            }
            _ => {
                // Up to a `do` block (braces bind to the nearest call, such as
                // `ENV.fetch("X") { 5 }`, unless they follow the name).
                if rest.first().is_some_and(|t| t.tok == Tok::Punct("{")) {
                    &rest[..0]
                } else {
                    let end = rest.iter().position(|t| t.tok == Tok::Ident("do".into())).unwrap_or(rest.len());
                    &rest[..end]
                }
            }
        };
        let args = split_args(args)
            .into_iter()
            .filter(|arg| !matches!(arg.first().map(|t| &t.tok), Some(Tok::Label)))
            .filter_map(|arg| {
                let span = arg.first()?.span.cover(arg.last()?.span);
                Some(Arg { evaluated: self.expression(arg), span })
            })
            .collect();
        self.calls.push(Call { name: name.clone(), name_span: *name_span, args, conditional });
    }

    fn expression(&self, tokens: &[Token]) -> Evaluated {
        let mut parser = Parser { tokens, pos: 0 };
        let expr = parser.or_expr();
        if parser.pos < tokens.len() {
            return self.opaque(tokens, "is not a value hoplint evaluates");
        }
        self.eval(&expr, tokens)
    }

    fn opaque(&self, tokens: &[Token], why: &str) -> Evaluated {
        let span = tokens.first().zip(tokens.last()).map_or(Span::default(), |(a, b)| a.span.cover(b.span));
        let text = span.text(self.source).split_whitespace().collect::<Vec<_>>().join(" ");
        Evaluated { value: Err(format!("`{text}` {why} (line {})", self.line(span))), env_defaults: Vec::new() }
    }

    fn eval(&self, expr: &Expr, tokens: &[Token]) -> Evaluated {
        let known = |value| Evaluated { value: Ok(value), env_defaults: Vec::new() };
        match expr {
            Expr::Lit(v) => known(v.clone()),
            Expr::Opaque(range) => {
                self.opaque(&tokens[range.0..range.1.min(tokens.len())], "is only known at run time")
            }
            Expr::Local(name, span) => self.locals.get(name).cloned().unwrap_or_else(|| Evaluated {
                value: Err(format!("`{name}` is a method call or undefined (line {})", self.line(*span))),
                env_defaults: Vec::new(),
            }),
            Expr::EnvRead(key, span) => {
                let key = self.eval(key, tokens);
                let name = match key.value {
                    Ok(RValue::Str(name)) => name,
                    _ => "?".to_owned(),
                };
                Evaluated {
                    value: Err(format!("`ENV[\"{name}\"]` comes from the environment (line {})", self.line(*span))),
                    env_defaults: Vec::new(),
                }
            }
            Expr::EnvDefault { key, default, span } => {
                let key = self.eval(key, tokens);
                let Ok(RValue::Str(name)) = key.value else {
                    return Evaluated {
                        value: Err("the ENV key is not a string".to_owned()),
                        env_defaults: Vec::new(),
                    };
                };
                match default {
                    Some(default) => {
                        let mut value = self.eval(default, tokens);
                        if !value.env_defaults.contains(&name) {
                            value.env_defaults.push(name);
                        }
                        value
                    }
                    None => Evaluated {
                        value: Err(format!(
                            "`ENV.fetch(\"{name}\")` has no default: the value comes from the environment (line {})",
                            self.line(*span)
                        )),
                        env_defaults: Vec::new(),
                    },
                }
            }
            Expr::Convert(target, inner) => {
                let mut value = self.eval(inner, tokens);
                value.value = value.value.and_then(|v| convert(target, &v));
                value
            }
            Expr::Neg(inner) => {
                let mut value = self.eval(inner, tokens);
                value.value = value.value.and_then(|v| match v {
                    RValue::Int(i) => i.checked_neg().map(RValue::Int).ok_or_else(|| "integer too large".to_owned()),
                    RValue::Float(f) => Ok(RValue::Float(-f)),
                    other => Err(format!("cannot negate {other:?}")),
                });
                value
            }
            Expr::Binary(op, left, right) => {
                let (mut l, r) = (self.eval(left, tokens), self.eval(right, tokens));
                l.env_defaults.extend(r.env_defaults);
                l.value = match (l.value, r.value) {
                    (Ok(a), Ok(b)) => arithmetic(op, &a, &b),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                l
            }
        }
    }
}

/// Splits tokens into statements at newlines outside brackets, joining
/// lines that end with an operator or a comma, or whose next line starts
/// with `.`.
fn split_statements(tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut statements = vec![Vec::new()];
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match &token.tok {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => depth = depth.saturating_sub(1),
            Tok::Newline => {
                let continues = statements.last().and_then(|s| s.last()).is_some_and(|t: &Token| {
                    matches!(t.tok, Tok::Punct("," | "." | "||" | "&&" | "+" | "-" | "*" | "/" | "="))
                });
                let next_is_dot =
                    tokens[i + 1..].iter().find(|t| t.tok != Tok::Newline).is_some_and(|t| t.tok == Tok::Punct("."));
                if depth == 0 && !continues && !next_is_dot {
                    statements.push(Vec::new());
                }
                continue;
            }
            _ => {}
        }
        if let Some(current) = statements.last_mut() {
            current.push(token.clone());
        }
    }
    statements.retain(|s| !s.is_empty());
    statements
}

/// Splits call arguments at top-level commas.
fn split_args(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token.tok {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => depth = depth.saturating_sub(1),
            Tok::Punct(",") if depth == 0 => {
                out.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&tokens[start..]);
    out.retain(|a| !a.is_empty());
    out
}

/// The index of the bracket closing the one at `open`.
fn matching(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.tok {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The expressions the reader understands; anything else is `Opaque`.
#[derive(Debug)]
enum Expr {
    Lit(RValue),
    /// Token range `[from, to)` of something only known at run time.
    Opaque((usize, usize)),
    Local(String, Span),
    /// `ENV["X"]`.
    EnvRead(Box<Expr>, Span),
    /// `ENV.fetch("X", d)`, `ENV.fetch("X") { d }`, `ENV["X"] || d`.
    EnvDefault {
        key: Box<Expr>,
        default: Option<Box<Expr>>,
        span: Span,
    },
    Convert(&'static str, Box<Expr>),
    Neg(Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
}

/// Recursive descent over one expression's tokens.
struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
}

/// Expressions nested deeper than this are opaque.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn eat(&mut self, punct: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Punct(p)) if *p == punct) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or_expr(&mut self) -> Expr {
        self.or_at(0)
    }

    fn or_at(&mut self, depth: usize) -> Expr {
        let left = self.additive(depth);
        if self.eat("||") {
            let right = self.or_at(depth + 1);
            return match left {
                // `ENV["X"] || default`: the default unless X is set.
                Expr::EnvRead(key, span) => Expr::EnvDefault { key, default: Some(Box::new(right)), span },
                other => Expr::Binary("||", Box::new(other), Box::new(right)),
            };
        }
        left
    }

    fn additive(&mut self, depth: usize) -> Expr {
        let mut left = self.multiplicative(depth);
        loop {
            let op = match self.peek() {
                Some(Tok::Punct("+")) => "+",
                Some(Tok::Punct("-")) => "-",
                _ => return left,
            };
            self.pos += 1;
            let right = self.multiplicative(depth);
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self, depth: usize) -> Expr {
        let mut left = self.unary(depth);
        loop {
            let op = match self.peek() {
                Some(Tok::Punct("*")) => "*",
                Some(Tok::Punct("/")) => "/",
                _ => return left,
            };
            self.pos += 1;
            let right = self.unary(depth);
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self, depth: usize) -> Expr {
        if depth > MAX_DEPTH {
            self.pos = self.tokens.len();
            return Expr::Opaque((0, self.tokens.len()));
        }
        if self.eat("-") {
            return Expr::Neg(Box::new(self.unary(depth + 1)));
        }
        let mut expr = self.primary(depth + 1);
        // `.to_i`, `.to_f`, `.to_s`; any other method makes it opaque.
        while self.peek() == Some(&Tok::Punct(".")) {
            let start = self.pos;
            self.pos += 1;
            expr = match self.peek() {
                Some(Tok::Ident(m)) if matches!(m.as_str(), "to_i" | "to_f" | "to_s") => {
                    let target = match m.as_str() {
                        "to_i" => "to_i",
                        "to_f" => "to_f",
                        _ => "to_s",
                    };
                    self.pos += 1;
                    Expr::Convert(target, Box::new(expr))
                }
                _ => {
                    self.skip_postfix();
                    Expr::Opaque((start.saturating_sub(1), self.pos))
                }
            };
        }
        expr
    }

    /// Skips a method name and its arguments or block.
    fn skip_postfix(&mut self) {
        self.pos += 1;
        while matches!(self.peek(), Some(Tok::Punct("(" | "{" | "["))) {
            self.pos = matching(self.tokens, self.pos).map_or(self.tokens.len(), |c| c + 1);
        }
    }

    fn primary(&mut self, depth: usize) -> Expr {
        let start = self.pos;
        let Some(token) = self.tokens.get(self.pos) else { return Expr::Opaque((start, start)) };
        self.pos += 1;
        match &token.tok {
            Tok::Int(i) => Expr::Lit(RValue::Int(*i)),
            Tok::Float(f) => Expr::Lit(RValue::Float(*f)),
            Tok::Str(s) => Expr::Lit(RValue::Str(s.clone())),
            Tok::Sym(s) => Expr::Lit(RValue::Sym(s.clone())),
            Tok::Punct("(") => {
                let inner = self.or_at(depth + 1);
                if self.eat(")") { inner } else { Expr::Opaque((start, self.pos)) }
            }
            Tok::Ident(word) => match word.as_str() {
                "nil" => Expr::Lit(RValue::Nil),
                "true" => Expr::Lit(RValue::Bool(true)),
                "false" => Expr::Lit(RValue::Bool(false)),
                "ENV" => self.env(start, token.span, depth),
                "Integer" | "Float" if self.peek() == Some(&Tok::Punct("(")) => {
                    self.pos += 1;
                    let inner = self.or_at(depth + 1);
                    if !self.eat(")") {
                        return Expr::Opaque((start, self.pos));
                    }
                    Expr::Convert(if word == "Integer" { "Integer" } else { "Float" }, Box::new(inner))
                }
                _ if word.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                    && !matches!(self.peek(), Some(Tok::Punct("(" | "{"))) =>
                {
                    Expr::Local(word.clone(), token.span)
                }
                _ => {
                    self.pos -= 1;
                    self.skip_postfix();
                    Expr::Opaque((start, self.pos))
                }
            },
            _ => Expr::Opaque((start, self.pos)),
        }
    }

    /// After `ENV`: `["X"]`, `.fetch("X")`, `.fetch("X", d)`, `.fetch("X") { d }`.
    fn env(&mut self, start: usize, span: Span, depth: usize) -> Expr {
        if self.eat("[") {
            let key = self.or_at(depth + 1);
            return if self.eat("]") { Expr::EnvRead(Box::new(key), span) } else { Expr::Opaque((start, self.pos)) };
        }
        let fetch = self.peek() == Some(&Tok::Punct("."))
            && self.tokens.get(self.pos + 1).is_some_and(|t| t.tok == Tok::Ident("fetch".into()));
        if !fetch {
            return Expr::Opaque((start, self.pos));
        }
        self.pos += 2;
        if !self.eat("(") {
            return Expr::Opaque((start, self.pos));
        }
        let key = self.or_at(depth + 1);
        let mut default = None;
        if self.eat(",") {
            default = Some(Box::new(self.or_at(depth + 1)));
        }
        if !self.eat(")") {
            return Expr::Opaque((start, self.pos));
        }
        if self.eat("{") {
            let block = self.or_at(depth + 1);
            if !self.eat("}") {
                return Expr::Opaque((start, self.pos));
            }
            default = Some(Box::new(block));
        }
        Expr::EnvDefault { key: Box::new(key), default, span }
    }
}

/// `.to_i`, `.to_f`, `.to_s`, `Integer()`, `Float()` as Ruby does them.
fn convert(target: &str, value: &RValue) -> Result<RValue, String> {
    match (target, value) {
        ("to_i" | "Integer", RValue::Int(i)) => Ok(RValue::Int(*i)),
        // Truncation toward zero, as Ruby does.
        #[allow(clippy::cast_possible_truncation)]
        ("to_i" | "Integer", RValue::Float(f)) if f.is_finite() && f.abs() < 9.0e18 => {
            Ok(RValue::Int(f.trunc() as i64))
        }
        // String#to_i reads a leading integer and ignores the rest ("" → 0).
        ("to_i", RValue::Str(s)) => {
            let s = s.trim_start();
            let end = s
                .char_indices()
                .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && matches!(c, '-' | '+'))))
                .map_or(s.len(), |(i, _)| i);
            Ok(RValue::Int(s[..end].parse().unwrap_or(0)))
        }
        ("Integer", RValue::Str(s)) => s
            .trim()
            .replace('_', "")
            .parse()
            .map(RValue::Int)
            .map_err(|_| format!("Integer({s:?}) raises ArgumentError")),
        ("to_i", RValue::Nil) => Ok(RValue::Int(0)),
        #[allow(clippy::cast_precision_loss)]
        ("to_f" | "Float", RValue::Int(i)) => Ok(RValue::Float(*i as f64)),
        ("to_f" | "Float", RValue::Float(f)) => Ok(RValue::Float(*f)),
        ("to_f" | "Float", RValue::Str(s)) => {
            s.trim().parse().map(RValue::Float).map_err(|_| format!("Float({s:?}) is not evaluated"))
        }
        ("to_s", RValue::Str(s)) => Ok(RValue::Str(s.clone())),
        ("to_s", RValue::Int(i)) => Ok(RValue::Str(i.to_string())),
        _ => Err(format!("{target} of {value:?} is not evaluated")),
    }
}

fn arithmetic(op: &str, left: &RValue, right: &RValue) -> Result<RValue, String> {
    let overflow = || "integer too large".to_owned();
    match (op, left, right) {
        ("||", RValue::Nil | RValue::Bool(false), other) => Ok(other.clone()),
        ("||", first, _) => Ok(first.clone()),
        ("+", RValue::Int(x), RValue::Int(y)) => x.checked_add(*y).map(RValue::Int).ok_or_else(overflow),
        ("-", RValue::Int(x), RValue::Int(y)) => x.checked_sub(*y).map(RValue::Int).ok_or_else(overflow),
        ("*", RValue::Int(x), RValue::Int(y)) => x.checked_mul(*y).map(RValue::Int).ok_or_else(overflow),
        // Ruby's Integer#/ rounds toward negative infinity.
        ("/", RValue::Int(dividend), RValue::Int(divisor)) if *divisor != 0 => {
            let quotient = dividend.checked_div(*divisor).ok_or_else(overflow)?;
            let inexact = dividend % divisor != 0 && ((*dividend < 0) != (*divisor < 0));
            Ok(RValue::Int(if inexact { quotient - 1 } else { quotient }))
        }
        ("+", RValue::Str(x), RValue::Str(y)) => Ok(RValue::Str(format!("{x}{y}"))),
        _ => Err(format!("`{op}` on these values is not evaluated")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(file: &RubyFile, call: &str, n: usize) -> Evaluated {
        file.calls.iter().rev().find(|c| c.name == call).unwrap_or_else(|| panic!("{call}")).args[n].evaluated.clone()
    }

    #[test]
    fn literals_env_defaults_and_locals() {
        let src = "# Puma\nmax_threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") { 5 }\nthreads max_threads_count, max_threads_count\n\
                   port ENV.fetch(\"PORT\", 3000)\nworkers(Integer(ENV[\"WEB_CONCURRENCY\"] || 2))\npersistent_timeout 30 * 2\n\
                   worker_timeout ENV[\"TIMEOUT\"].to_i\nplugin :tmp_restart\nfirst_data_timeout ENV.fetch(\"FDT\")\n";
        let file = read_calls(src);
        assert!(file.errors.is_empty());
        assert_eq!(arg(&file, "threads", 1).value, Ok(RValue::Int(5)));
        assert_eq!(arg(&file, "threads", 1).env_defaults, ["RAILS_MAX_THREADS"]);
        assert_eq!(arg(&file, "port", 0).value, Ok(RValue::Int(3000)));
        assert_eq!(arg(&file, "workers", 0).value, Ok(RValue::Int(2)));
        assert_eq!(arg(&file, "workers", 0).env_defaults, ["WEB_CONCURRENCY"]);
        assert_eq!(arg(&file, "persistent_timeout", 0).value, Ok(RValue::Int(60)));
        assert!(arg(&file, "worker_timeout", 0).value.is_err());
        assert_eq!(arg(&file, "plugin", 0).value, Ok(RValue::Sym("tmp_restart".into())));
        assert!(arg(&file, "first_data_timeout", 0).value.unwrap_err().contains("has no default"));
        let call = file.calls.iter().find(|c| c.name == "persistent_timeout").unwrap();
        assert_eq!(call.args[0].span.text(src), "30 * 2");
    }

    #[test]
    fn conditionals_and_blocks() {
        let src = "if ENV['RACK_ENV'] == 'production'\n  persistent_timeout 75\nelse\n  persistent_timeout 20\nend\n\
                   on_worker_boot do\n  worker_shutdown_timeout 5\nend\nworker_shutdown_timeout 25 unless ENV['X']\n\
                   def helper\n  max_keep_alive 1\nend\nfirst_data_timeout(\n  45\n)\n";
        let file = read_calls(src);
        let persistent: Vec<_> = file.calls.iter().filter(|c| c.name == "persistent_timeout").collect();
        assert_eq!(persistent.len(), 2);
        assert!(persistent[0].conditional.as_deref().is_some_and(|c| c.contains("inside `if` (line 1)")));
        let shutdown: Vec<_> = file.calls.iter().filter(|c| c.name == "worker_shutdown_timeout").collect();
        assert_eq!(shutdown.len(), 1);
        assert!(shutdown[0].conditional.as_deref().is_some_and(|c| c.contains("modifier `unless`")));
        assert!(!file.calls.iter().any(|c| c.name == "max_keep_alive"));
        assert_eq!(arg(&file, "first_data_timeout", 0).value, Ok(RValue::Int(45)));
    }
}
