//! nginx's tokenizer, byte for byte as `ngx_conf_read_token` reads a file
//! (`src/core/ngx_conf_file.c`), written with nom on `&[u8]` so that offsets
//! come from slice arithmetic. Whitespace and comments are tokens too: the
//! parser keeps them in the tree, which makes it lossless.

use nom::{
    IResult, Parser,
    bytes::complete::{take_till, take_while1},
    combinator::value,
};

/// What a token is. Quoted strings include their quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Whitespace,
    Comment,
    Word,
    DoubleQuoted,
    SingleQuoted,
    /// A quoted string with no closing quote: runs to the end of the file.
    Unterminated,
    OpenBrace,
    CloseBrace,
    Semicolon,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Bytes that neither end nor change an unquoted word: everything but
/// whitespace, `;`, `{`, `\` and `$`.
static PLAIN: [bool; 256] = {
    let mut table = [true; 256];
    let special = *b" \t\r\n;{\\$";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = false;
        i += 1;
    }
    table
};

/// An unquoted word: ends at whitespace, `;` or `{` (but `${` continues it).
/// `\` escapes the next byte; `"`, `'`, `}` and `#` inside a word are literal.
fn word(input: &[u8]) -> IResult<&[u8], TokenKind> {
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b if PLAIN[b as usize] => i += 1,
            b'\\' => i += 2,
            b'$' => i += if input.get(i + 1) == Some(&b'{') { 2 } else { 1 },
            _ => break,
        }
    }
    let i = i.min(input.len());
    if i == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::TakeWhile1)));
    }
    Ok((&input[i..], TokenKind::Word))
}

/// A quoted string; `\` escapes the next byte. With no closing quote the
/// token runs to the end of the input and is `Unterminated`.
fn quoted(input: &[u8]) -> IResult<&[u8], TokenKind> {
    let Some(&quote) = input.first().filter(|c| matches!(c, b'"' | b'\'')) else {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Char)));
    };
    let mut i = 1;
    while i < input.len() {
        match input[i] {
            b'\\' => i += 2,
            c if c == quote => {
                let kind = if quote == b'"' { TokenKind::DoubleQuoted } else { TokenKind::SingleQuoted };
                return Ok((&input[i + 1..], kind));
            }
            _ => i += 1,
        }
    }
    Ok((&input[input.len()..], TokenKind::Unterminated))
}

/// One token. The first byte decides which recognizer runs (nginx's own
/// tokenizer branches the same way), so no alternative is tried in vain.
fn token(input: &[u8]) -> IResult<&[u8], TokenKind> {
    let single = |kind| Ok((&input[1..], kind));
    match input.first() {
        Some(c) if is_space(*c) => value(TokenKind::Whitespace, take_while1(is_space)).parse_complete(input),
        Some(b'#') => value(TokenKind::Comment, take_till(|c| c == b'\n')).parse_complete(input),
        Some(b'{') => single(TokenKind::OpenBrace),
        Some(b'}') => single(TokenKind::CloseBrace),
        Some(b';') => single(TokenKind::Semicolon),
        Some(b'"' | b'\'') => quoted(input),
        _ => word(input),
    }
}

/// Pulls tokens from a file's bytes; the parser drives it so that it can
/// switch to Lua mode after a `*_by_lua_block` directive.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: u32,
    pub end: u32,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Self { src, pos: 0 }
    }

    /// A lexer that starts at byte `pos`.
    pub fn at(src: &'a [u8], pos: usize) -> Self {
        Self { src, pos: pos.min(src.len()) }
    }

    pub fn next_token(&mut self) -> Option<Token> {
        let rest = &self.src[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let start = self.pos;
        // Every byte starts some alternative of `token`, so it cannot fail on
        // non-empty input; a single byte is taken as a word if it ever did.
        let (kind, consumed) = match token(rest) {
            Ok((after, kind)) => (kind, rest.len() - after.len()),
            Err(_) => (TokenKind::Word, 1),
        };
        self.pos += consumed;
        Some(make(kind, start, self.pos))
    }

    /// Reads the body of a `*_by_lua_block` directive: from the `{` at the
    /// current position to its matching `}`, skipping Lua strings, comments
    /// and long brackets as lua-nginx-module's own block lexer does
    /// (`ngx_http_lua_conf_read_lua_token`). Returns the token and whether it
    /// was closed before the end of the file.
    pub fn lua_block(&mut self) -> (Token, bool) {
        let start = self.pos;
        let (len, closed) = lua_body(&self.src[start..]);
        self.pos = start + len;
        (make(TokenKind::Word, start, self.pos), closed)
    }
}

#[allow(clippy::cast_possible_truncation)] // files are capped far below 4 GiB
fn make(kind: TokenKind, start: usize, end: usize) -> Token {
    Token { kind, start: start as u32, end: end as u32 }
}

/// Length of a Lua block starting at `{`, and whether its `}` was found.
fn lua_body(s: &[u8]) -> (usize, bool) {
    let mut depth = 0usize;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
                if depth == 0 {
                    return (i, true);
                }
            }
            b'"' | b'\'' => {
                let quote = s[i];
                i += 1;
                while i < s.len() && s[i] != quote && s[i] != b'\n' {
                    i += if s[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' if s.get(i + 1) == Some(&b'-') => {
                i += 2;
                if let Some(level) = long_bracket_level(&s[i..]) {
                    i = skip_long_bracket(s, i, level);
                } else {
                    while i < s.len() && s[i] != b'\n' {
                        i += 1;
                    }
                }
            }
            b'[' => match long_bracket_level(&s[i..]) {
                Some(level) => i = skip_long_bracket(s, i, level),
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    (s.len(), false)
}

/// `[[` → 0, `[==[` → 2; `None` if `s` does not open a long bracket.
fn long_bracket_level(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'[') {
        return None;
    }
    let equals = s[1..].iter().take_while(|c| **c == b'=').count();
    (s.get(1 + equals) == Some(&b'[')).then_some(equals)
}

/// Index just past the `]=*]` closing the long bracket opened at `open`.
fn skip_long_bracket(s: &[u8], open: usize, level: usize) -> usize {
    let mut i = open + level + 2;
    while i < s.len() {
        if s[i] == b']' {
            let equals = s[i + 1..].iter().take_while(|c| **c == b'=').count();
            if equals == level && s.get(i + 1 + equals) == Some(&b']') {
                return i + equals + 2;
            }
        }
        i += 1;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        let mut lx = Lexer::new(src.as_bytes());
        std::iter::from_fn(|| lx.next_token())
            .map(|t| (t.kind, &src[t.start as usize..t.end as usize]))
            .filter(|(k, _)| *k != TokenKind::Whitespace)
            .collect()
    }

    #[test]
    fn words_follow_nginx_rules() {
        use TokenKind::{CloseBrace, Comment, DoubleQuoted, OpenBrace, Semicolon, Word};
        assert_eq!(
            kinds("a#b ${x}y \"q;{}\" } # c\n;{"),
            vec![
                (Word, "a#b"),
                (Word, "${x}y"),
                (DoubleQuoted, "\"q;{}\""),
                (CloseBrace, "}"),
                (Comment, "# c"),
                (Semicolon, ";"),
                (OpenBrace, "{")
            ]
        );
        assert_eq!(kinds(r"a\ b\;c;"), vec![(Word, r"a\ b\;c"), (Semicolon, ";")]);
        assert_eq!(kinds("x}y"), vec![(Word, "x}y")]);
    }

    #[test]
    fn unterminated_quote_runs_to_eof() {
        assert_eq!(kinds("a \"b;\n}"), vec![(TokenKind::Word, "a"), (TokenKind::Unterminated, "\"b;\n}")]);
    }

    #[test]
    fn lua_bodies_skip_strings_and_comments() {
        let src = "{ local s = \"}\" -- }\n local t = [==[ } ]==] --[[ } ]] if x then y() end }tail";
        let (len, closed) = lua_body(src.as_bytes());
        assert!(closed);
        assert_eq!(&src[len..], "tail");
        assert_eq!(lua_body(b"{ { }"), (5, false));
    }
}
