//! Java `.properties` text → entries with the byte spans of their keys and
//! values (`application.properties`, `catalina.properties`).
//!
//! Reads like `java.util.Properties.load`: `key=value`, `key: value`,
//! `key value`; leading blanks skipped; `#`/`!` comment lines (never
//! continued); a backslash at the end of a line continues the entry on the
//! next line, whose leading blanks are dropped; escapes `\t \n \r \f`,
//! `\uXXXX`, and `\` before any other character keeps that character (so
//! `\=`, `\:` and `\ ` can be part of a key).
//!
//! Also records Spring Boot's multi-document separators: a line that is
//! exactly `#---` or `!---` (Spring Boot `OriginTrackedPropertiesLoader`,
//! 2.4+). Other readers ignore [`Entry::document`].

use crate::span::Span;

/// A parsed properties file.
#[derive(Debug, Default)]
pub struct PropertiesFile {
    /// Entries in file order (a later entry with the same key wins).
    pub entries: Vec<Entry>,
    /// A malformed `\uXXXX` escape. Java stops reading there (the entries
    /// before it are kept) and Spring Boot refuses the file.
    pub error: Option<PropertiesError>,
}

/// One `key=value` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key after unescaping.
    pub key: String,
    /// The value after unescaping and line joining. Trailing blanks are part
    /// of the value, as Java and Spring Boot read it.
    pub value: String,
    /// The key as written.
    pub key_span: Span,
    /// The value as written, continuation lines included; empty (at the
    /// place where it would start) when there is no value.
    pub value_span: Span,
    /// Index of the `#---`-separated document (Spring Boot).
    pub document: usize,
}

/// Where and why the text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertiesError {
    pub span: Span,
    pub message: String,
}

/// Parses properties text. Never fails: a malformed escape is recorded and
/// reading stops there.
pub fn parse(src: &str) -> PropertiesFile {
    let mut file = PropertiesFile::default();
    let mut documents = Documents::default();
    let mut pos = 0;
    while pos < src.len() {
        let line_start = pos;
        pos = skip_blanks(src, pos);
        match src[pos..].chars().next() {
            None => break,
            Some('\n' | '\r') => {
                documents.last_comment = None;
                pos = after_line_end(src, pos);
            }
            Some(prefix @ ('#' | '!')) => {
                let end = line_end(src, pos);
                if pos == line_start && is_separator(&src[pos + 1..end]) && documents.last_comment != Some(prefix) {
                    documents.separator();
                } else {
                    documents.comment(prefix);
                }
                pos = after_line_end(src, end);
            }
            Some(_) => {
                documents.last_comment = None;
                match read_entry(src, pos) {
                    Ok((key, value, next)) => {
                        pos = next;
                        let document = documents.entry(!key.text.is_empty());
                        file.entries.push(Entry {
                            key: key.text,
                            value: value.text,
                            key_span: key.span,
                            value_span: value.span,
                            document,
                        });
                    }
                    Err(error) => {
                        file.error = Some(error);
                        break;
                    }
                }
            }
        }
    }
    file
}

/// Spring Boot's document bookkeeping, mirroring `OriginTrackedPropertiesLoader`:
/// a separator closes a non-empty document; a comment right after a
/// separator (before any entry) reopens the previous document; a `#---`
/// directly under a `#` comment line is a comment.
#[derive(Default)]
struct Documents {
    closed: usize,
    current_has_entries: bool,
    last_comment: Option<char>,
}

impl Documents {
    fn separator(&mut self) {
        if self.current_has_entries {
            self.closed += 1;
            self.current_has_entries = false;
        }
    }

    fn comment(&mut self, prefix: char) {
        if !self.current_has_entries && self.closed > 0 {
            self.closed -= 1;
            self.current_has_entries = true;
        }
        self.last_comment = Some(prefix);
    }

    /// The document of an entry. Spring Boot drops entries with an empty
    /// key, so they do not make a document non-empty.
    fn entry(&mut self, has_key: bool) -> usize {
        self.current_has_entries |= has_key;
        self.closed
    }
}

fn is_separator(after_prefix: &str) -> bool {
    after_prefix.strip_prefix("---").is_some_and(|rest| rest.chars().all(is_blank))
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

fn skip_blanks(src: &str, pos: usize) -> usize {
    pos + src[pos..].len() - src[pos..].trim_start_matches(is_blank).len()
}

/// Offset of the `\n`/`\r` ending the line at `pos` (or the end of text).
fn line_end(src: &str, pos: usize) -> usize {
    src[pos..].find(['\n', '\r']).map_or(src.len(), |i| pos + i)
}

/// Offset after the line terminator at `pos` (`\r\n`, `\n` or `\r`).
fn after_line_end(src: &str, pos: usize) -> usize {
    let rest = &src[pos..];
    if rest.starts_with("\r\n") {
        pos + 2
    } else if rest.starts_with(['\n', '\r']) {
        pos + 1
    } else {
        pos
    }
}

/// A key or value: its unescaped text and the raw span.
struct Part {
    text: String,
    span: Span,
}

/// One logical character of an entry.
struct Char {
    c: char,
    escaped: bool,
    start: usize,
    end: usize,
}

/// Reads the characters of one logical line, joining continuation lines
/// and decoding escapes.
struct Reader<'a> {
    src: &'a str,
    pos: usize,
}

impl Reader<'_> {
    /// The next character, or `None` at the end of the logical line (the
    /// reader then stands on the line terminator).
    fn next(&mut self) -> Result<Option<Char>, PropertiesError> {
        loop {
            let start = self.pos;
            let Some(c) = self.src[start..].chars().next() else { return Ok(None) };
            if c == '\n' || c == '\r' {
                return Ok(None);
            }
            self.pos += c.len_utf8();
            if c != '\\' {
                return Ok(Some(Char { c, escaped: false, start, end: self.pos }));
            }
            let Some(e) = self.src[self.pos..].chars().next() else { return Ok(None) }; // a lone `\` at the end is dropped
            match e {
                '\n' | '\r' => {
                    // Continuation: the next line's leading blanks are not part of the entry.
                    self.pos = skip_blanks(self.src, after_line_end(self.src, self.pos));
                }
                'u' => {
                    let digits =
                        self.src.get(self.pos + 1..self.pos + 5).filter(|d| d.chars().all(|h| h.is_ascii_hexdigit()));
                    let decoded = digits
                        .and_then(|d| u32::from_str_radix(d, 16).ok())
                        .map(|n| char::from_u32(n).unwrap_or('\u{fffd}'));
                    let Some(decoded) = decoded else {
                        let end = line_end(self.src, self.pos).min(self.pos + 5);
                        return Err(PropertiesError {
                            span: span(start, end),
                            message: "malformed \\uXXXX escape: expected four hexadecimal digits after \\u".to_owned(),
                        });
                    };
                    self.pos += 5;
                    return Ok(Some(Char { c: decoded, escaped: true, start, end: self.pos }));
                }
                _ => {
                    self.pos += e.len_utf8();
                    let c = match e {
                        't' => '\t',
                        'n' => '\n',
                        'r' => '\r',
                        'f' => '\x0c',
                        other => other,
                    };
                    return Ok(Some(Char { c, escaped: true, start, end: self.pos }));
                }
            }
        }
    }
}

/// Reads the entry starting at `pos` (its first non-blank character).
/// Returns the key, the value and the offset after the line.
fn read_entry(src: &str, pos: usize) -> Result<(Part, Part, usize), PropertiesError> {
    let mut reader = Reader { src, pos };
    let mut key = Part { text: String::new(), span: Span::at(to_u32(pos)) };
    // The key ends at an unescaped `=`, `:` or blank.
    let mut pending = None;
    while let Some(ch) = reader.next()? {
        if !ch.escaped && (ch.c == '=' || ch.c == ':' || is_blank(ch.c)) {
            pending = Some(ch);
            break;
        }
        key.text.push(ch.c);
        key.span.end = to_u32(ch.end);
    }
    // Blanks, then at most one `=` or `:`, then blanks.
    let mut separator_seen = false;
    let mut first = None;
    let mut next = match pending {
        Some(ch) => Some(ch),
        None => reader.next()?,
    };
    while let Some(ch) = next {
        if ch.escaped || !is_blank(ch.c) {
            if separator_seen || ch.escaped || (ch.c != '=' && ch.c != ':') {
                first = Some(ch);
                break;
            }
            separator_seen = true;
        }
        next = reader.next()?;
    }
    let mut value = Part { text: String::new(), span: Span::at(to_u32(reader.pos)) };
    if let Some(ch) = first {
        value.span = span(ch.start, ch.end);
        value.text.push(ch.c);
        while let Some(ch) = reader.next()? {
            value.text.push(ch.c);
            value.span.end = to_u32(ch.end);
        }
    }
    Ok((key, value, after_line_end(src, reader.pos)))
}

fn span(start: usize, end: usize) -> Span {
    Span::new(to_u32(start), to_u32(end))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(src: &str) -> Vec<(String, String)> {
        parse(src).entries.into_iter().map(|e| (e.key, e.value)).collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn separators_and_blanks() {
        assert_eq!(
            pairs("a=1\nb: 2\nc 3\n  d = 4\ne\t:\t5\nf\ng=\nh  x=y\n"),
            [
                pair("a", "1"),
                pair("b", "2"),
                pair("c", "3"),
                pair("d", "4"),
                pair("e", "5"),
                pair("f", ""),
                pair("g", ""),
                pair("h", "x=y")
            ]
        );
        // Only one separator is consumed.
        assert_eq!(pairs("a == b\nc := d"), [pair("a", "= b"), pair("c", "= d")]);
        // Trailing blanks belong to the value.
        assert_eq!(pairs("a=20s  \n"), [pair("a", "20s  ")]);
    }

    #[test]
    fn comments_are_never_continued() {
        assert_eq!(pairs("# c \\\na=1\n! x\n  # y\nb=2"), [pair("a", "1"), pair("b", "2")]);
        assert_eq!(pairs("a=x # not a comment"), [pair("a", "x # not a comment")]);
    }

    #[test]
    fn continuation_lines_drop_leading_blanks() {
        let src = "list = a,\\\n       b,\\\r\n   c\nnext=1";
        let file = parse(src);
        assert_eq!(file.entries[0].value, "a,b,c");
        assert_eq!(file.entries[0].value_span.text(src), "a,\\\n       b,\\\r\n   c");
        assert_eq!(file.entries[1].key, "next");
        // A continuation inside the key.
        assert_eq!(pairs("ke\\\n  y=v"), [pair("key", "v")]);
        // A lone backslash at the end of the text is dropped.
        assert_eq!(pairs("a=b\\"), [pair("a", "b")]);
    }

    #[test]
    fn escapes() {
        assert_eq!(pairs("a\\=b\\:c\\ d = x\\ty\\u0041\\\\z\\q"), [pair("a=b:c d", "x\tyA\\zq")]);
        assert_eq!(pairs("k=\\ lead"), [pair("k", " lead")]);
    }

    #[test]
    fn spans_are_raw_ranges() {
        let src = "  server.port = 8080\nkeep\\:x:\\u0031s\nempty=";
        let file = parse(src);
        let e = &file.entries;
        assert_eq!(e[0].key_span.text(src), "server.port");
        assert_eq!(e[0].value_span.text(src), "8080");
        assert_eq!(e[1].key_span.text(src), "keep\\:x");
        assert_eq!(e[1].value_span.text(src), "\\u0031s");
        assert_eq!(e[1].value, "1s");
        assert!(e[2].value_span.is_empty());
        assert_eq!(e[2].value_span.start as usize, src.len());
    }

    #[test]
    fn malformed_unicode_escape_stops_reading() {
        let src = "a=1\nb=\\u12G4\nc=3";
        let file = parse(src);
        assert_eq!(file.entries.len(), 1);
        let error = file.error.unwrap();
        assert_eq!(error.span.text(src), "\\u12G4");
        assert!(error.message.contains("\\uXXXX"));
        assert!(parse("a=\\u12").error.is_some());
    }

    #[test]
    fn spring_documents() {
        let docs = |src: &str| parse(src).entries.iter().map(|e| (e.key.clone(), e.document)).collect::<Vec<_>>();
        let d = |k: &str, n| (k.to_owned(), n);
        assert_eq!(docs("a=1\n#---\nb=2\n!---\nc=3\n"), [d("a", 0), d("b", 1), d("c", 2)]);
        // Leading blanks, a fourth hyphen or text after it: a comment.
        assert_eq!(docs("a=1\n  #---\nb=2\n#----\nc=3\n#--- x\nd=4"), [d("a", 0), d("b", 0), d("c", 0), d("d", 0)]);
        // Blanks after the hyphens are allowed; empty documents do not count.
        assert_eq!(docs("#---\na=1\n#--- \n#---\nb=2"), [d("a", 0), d("b", 1)]);
        // Directly under a comment with the same prefix: a comment.
        assert_eq!(docs("a=1\n# note\n#---\nb=2\n! note\n#---\nc=3"), [d("a", 0), d("b", 0), d("c", 1)]);
        // A comment right after the separator reopens the previous document
        // (as Spring Boot's loader does).
        assert_eq!(docs("a=1\n#---\n# about b\nb=2"), [d("a", 0), d("b", 0)]);
    }
}
