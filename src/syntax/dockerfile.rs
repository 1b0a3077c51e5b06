//! Dockerfile → instructions with spans, read the way buildkit reads them
//! (moby/buildkit `frontend/dockerfile/parser/parser.go` and
//! `line_parsers.go`): parser directives at the top (`# syntax=`,
//! `# escape=`, `# check=`), comment and blank lines skipped, lines ending in
//! the escape character joined with the next (comment and blank lines inside
//! a continued instruction are skipped), the keyword in any case, `--flags`,
//! and heredocs after `RUN`/`COPY`/`ADD`. Arguments keep a map back to the
//! file so that words found in them have spans. Nothing is ever run.

use std::ops::Range;

use crate::span::Span;
use crate::syntax::mapped::MappedText;

/// A parsed Dockerfile.
#[derive(Debug, Default)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    /// `\`, or the backtick when an `escape` directive chose it.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Every comment line (from `#` to the end of the line), directives
    /// excluded.
    pub comments: Vec<Span>,
    pub errors: Vec<SyntaxError>,
}

/// A parser directive (`# syntax=…`, `# escape=…`, `# check=…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased: `syntax`, `escape`, `check`.
    pub name: String,
    pub value: String,
    /// The whole line.
    pub span: Span,
    pub value_span: Span,
}

/// One instruction, continuation lines joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased (`FROM`, `CMD`…; also for unknown keywords).
    pub keyword: String,
    pub keyword_span: Span,
    /// From the keyword to the end of its last line, heredoc bodies included.
    pub span: Span,
    pub flags: Vec<Flag>,
    /// The arguments after the flags, trimmed, continuation lines joined.
    pub args: MappedText,
    pub heredocs: Vec<Heredoc>,
}

/// A `--name=value` (or `--name`) flag before an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    /// Quotes removed; `None` for a bare `--name`.
    pub value: Option<String>,
    pub span: Span,
}

/// A here-document: `<<EOF` on the instruction line, its body on the lines
/// after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter, quotes removed.
    pub name: String,
    /// The `<<EOF` word.
    pub marker: Span,
    /// `<<-`: leading tabs are removed from the body and the delimiter line.
    pub chomp: bool,
    /// The delimiter was unquoted, so variables in the body are expanded.
    pub expand: bool,
    /// The body lines, delimiter excluded.
    pub body: Span,
    /// The body as Docker uses it (leading tabs removed for `<<-`).
    pub content: String,
    /// `false` when the file ended before the delimiter line.
    pub terminated: bool,
}

/// Where and why the file is not a valid Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// A word of an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// As written (quotes kept), or decoded for exec-form JSON strings.
    pub text: String,
    pub span: Span,
    /// Where it lies in [`Instruction::args`]'s text.
    pub range: Range<usize>,
}

/// How `CMD`, `ENTRYPOINT`, `RUN`, `SHELL` arguments are written
/// (`parseMaybeJSON`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgsForm {
    /// A JSON array of strings: exec form.
    Exec(Vec<Arg>),
    /// Anything else, invalid JSON included: shell form.
    Shell,
    /// A JSON array holding something other than strings, which Docker
    /// rejects.
    NotAllStrings,
}

/// The directives buildkit knows (`directives.go` `validDirectives`).
const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// Instructions that may carry heredocs (`parser.go` `heredocDirectives`).
const HEREDOC_KEYWORDS: [&str; 3] = ["RUN", "COPY", "ADD"];

const BOM: &str = "\u{feff}";

/// Parses Dockerfile text. Never fails: problems are collected in
/// [`Dockerfile::errors`] and parsing goes on.
pub fn parse(text: &str) -> Dockerfile {
    let mut parser = Parser {
        text,
        lines: physical_lines(text),
        next: 0,
        directives_done: false,
        out: Dockerfile { escape: '\\', ..Dockerfile::default() },
    };
    parser.run();
    parser.out
}

/// Each line as `start..end` without its line break, and where the next
/// line starts.
fn physical_lines(text: &str) -> Vec<(usize, usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let next = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
        let end = start + text[start..next].trim_end_matches(['\r', '\n']).len();
        lines.push((start, end, next));
        start = next;
    }
    lines
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<(usize, usize, usize)>,
    /// Index of the next line to read.
    next: usize,
    directives_done: bool,
    out: Dockerfile,
}

impl Parser<'_> {
    fn next_line(&mut self) -> Option<(usize, usize, usize)> {
        let line = self.lines.get(self.next).copied();
        self.next += 1;
        line
    }

    fn error(&mut self, start: usize, end: usize, message: String) {
        self.out.errors.push(SyntaxError { span: span(start, end), message });
    }

    fn run(&mut self) {
        while let Some((mut start, end, _)) = self.next_line() {
            if start == 0 && self.text.starts_with(BOM) {
                start = BOM.len().min(end);
            }
            let raw = &self.text[start..end];
            let body_start = start + (raw.len() - raw.trim_start().len());
            let body = &self.text[body_start..end];
            if !self.directives_done && self.directive(body, body_start) {
                continue;
            }
            if body.starts_with('#') {
                self.out.comments.push(span(body_start, end));
                continue;
            }
            if body.is_empty() {
                continue;
            }
            self.instruction(body_start, end);
        }
    }

    /// Reads a parser directive; `true` if the line was one. Directives are
    /// only looked for until the first line that is not one.
    fn directive(&mut self, body: &str, at: usize) -> bool {
        let Some((name, value, value_at)) = directive_parts(body) else {
            self.directives_done = true;
            return false;
        };
        let name = name.to_ascii_lowercase();
        if !DIRECTIVES.contains(&name.as_str()) {
            self.directives_done = true;
            return false;
        }
        let line_end = at + body.len();
        let value_span = span(at + value_at, at + value_at + value.len());
        if self.out.directives.iter().any(|d| d.name == name) {
            self.error(at, line_end, format!("only one `{name}` parser directive can be used"));
            return true;
        }
        if name == "escape" {
            match value {
                "\\" => self.out.escape = '\\',
                "`" => self.out.escape = '`',
                _ => self.error(
                    value_span.start as usize,
                    value_span.end as usize,
                    format!("invalid escape character `{value}`: expected `\\` or `` ` ``"),
                ),
            }
        }
        self.out.directives.push(Directive { name, value: value.to_owned(), span: span(at, line_end), value_span });
        true
    }

    /// Reads one instruction starting on the current line: its continuation
    /// lines, then its heredoc bodies.
    fn instruction(&mut self, start: usize, end: usize) {
        let escape = self.out.escape;
        let (content, mut continued) = strip_continuation(&self.text[start..end], escape);
        let mut line = MappedText::verbatim(content, to_u32(start));
        let mut last_end = end;
        while continued {
            let Some((line_start, line_end, _)) = self.next_line() else { break };
            let raw = &self.text[line_start..line_end];
            let trimmed = raw.trim_start();
            if trimmed.starts_with('#') {
                self.out.comments.push(span(line_end - trimmed.len(), line_end));
                continue;
            }
            if trimmed.is_empty() {
                continue;
            }
            let (content, more) = strip_continuation(raw, escape);
            line.push_verbatim(content, to_u32(line_start));
            last_end = line_end;
            continued = more;
        }
        let line = line.trim();
        if line.text.is_empty() {
            // Only continuation characters: nothing to build.
            return;
        }
        let keyword_end = line.text.find(is_blank).unwrap_or(line.text.len());
        let keyword = line.text[..keyword_end].to_ascii_uppercase();
        let keyword_span = line.span_to_source(span(0, keyword_end));
        let rest = line.slice(keyword_end, line.text.len()).trim();
        let (flags, args_start) = extract_flags(&rest);
        let args = rest.slice(args_start, rest.text.len()).trim();
        let mut heredocs = Vec::new();
        if may_hold_heredocs(&keyword, &args) {
            for (marker, heredoc) in heredoc_markers(&line) {
                let (read, read_end) = self.heredoc_body(marker, heredoc);
                if !read.terminated {
                    self.error(
                        read.marker.start as usize,
                        read.marker.end as usize,
                        format!("unterminated heredoc: no line `{}` ends it", read.name),
                    );
                }
                last_end = last_end.max(read_end);
                heredocs.push(read);
            }
        }
        let span = Span::new(keyword_span.start, to_u32(last_end).max(keyword_span.end));
        self.out.instructions.push(Instruction { keyword, keyword_span, span, flags, args, heredocs });
    }

    /// Reads the lines of a heredoc body up to its delimiter line; returns
    /// the heredoc and where its last line ends.
    fn heredoc_body(&mut self, marker: Span, found: FoundHeredoc) -> (Heredoc, usize) {
        let body_start = self.lines.get(self.next).map_or(self.text.len(), |l| l.0);
        let mut body_end = body_start;
        let mut content = String::new();
        let mut last_end = body_start;
        let mut terminated = false;
        while let Some((start, end, next)) = self.next_line() {
            let line = &self.text[start..end];
            let candidate = if found.chomp { line.trim_start_matches('\t') } else { line };
            last_end = end;
            if candidate == found.name {
                terminated = true;
                break;
            }
            let raw = &self.text[start..next];
            content.push_str(if found.chomp { raw.trim_start_matches('\t') } else { raw });
            body_end = end;
        }
        let heredoc = Heredoc {
            name: found.name,
            marker,
            chomp: found.chomp,
            expand: found.expand,
            body: span(body_start, body_end.max(body_start)),
            content,
            terminated,
        };
        (heredoc, last_end)
    }
}

/// `# name = value` → (name, value, offset of value in `body`).
fn directive_parts(body: &str) -> Option<(&str, &str, usize)> {
    let after_hash = body.strip_prefix('#')?;
    let name_start = body.len() - after_hash.trim_start().len();
    let name_len = body[name_start..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(body.len() - name_start);
    let name = &body[name_start..name_start + name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after_name = body[name_start + name_len..].trim_start().strip_prefix('=')?;
    let value = after_name.trim();
    let value_at = body.len() - after_name.trim_start().len();
    (!value.is_empty()).then_some((name, value, value_at))
}

/// Removes a line-continuation escape character (and the blanks after it)
/// from the end of a line: returns the rest and whether the line continues.
/// The character is a continuation only when it is not itself escaped
/// (`parser.go` `setEscapeToken`: `([^\\])\\[ \t]*$|^\\[ \t]*$`).
fn strip_continuation(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    let Some(before) = trimmed.strip_suffix(escape) else { return (line, false) };
    if before.ends_with(escape) {
        return (line, false);
    }
    (before, true)
}

/// buildkit's `reWhitespace` (`[\t\v\f\r ]`).
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r')
}

/// `--name[=value]` words at the start of the arguments, as buildkit's
/// `extractBuilderFlags` reads them (quotes removed, `\` escapes, a bare
/// `--` ends the flags). Returns the flags and where the arguments start.
fn extract_flags(rest: &MappedText) -> (Vec<Flag>, usize) {
    let text = &rest.text;
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        let word_start = pos + (text[pos..].len() - text[pos..].trim_start().len());
        if !text[word_start..].starts_with("--") {
            return (flags, word_start);
        }
        let (word, word_end) = unquote_until_blank(text, word_start);
        if word == "--" {
            return (flags, word_end);
        }
        let body = &word[2..];
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (body.to_owned(), None),
        };
        flags.push(Flag { name, value, span: rest.span_to_source(span(word_start, word_end)) });
        pos = word_end;
    }
}

/// One word from `start`: quotes removed and `\` escapes applied, up to the
/// next blank outside quotes. Returns the word and where it ends.
fn unquote_until_blank(text: &str, start: usize) -> (String, usize) {
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => return (word, start + i),
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (_, '\\') => {
                if let Some((_, next)) = chars.next() {
                    word.push(next);
                }
            }
            _ => word.push(c),
        }
    }
    (word, text.len())
}

/// Whether an instruction may carry heredocs: `RUN`, `COPY`, `ADD` (also
/// after `ONBUILD`), not in exec form (`parser.go` `canContainHeredoc`).
fn may_hold_heredocs(keyword: &str, args: &MappedText) -> bool {
    let (keyword, args) = if keyword == "ONBUILD" {
        let end = args.text.find(is_blank).unwrap_or(args.text.len());
        (args.text[..end].to_ascii_uppercase(), args.slice(end, args.text.len()).trim())
    } else {
        (keyword.to_owned(), args.clone())
    };
    HEREDOC_KEYWORDS.contains(&keyword.as_str()) && !matches!(exec_form(&args), ArgsForm::Exec(_))
}

/// A heredoc marker found on an instruction line.
struct FoundHeredoc {
    name: String,
    chomp: bool,
    expand: bool,
}

/// The heredoc markers (`<<EOF`, `<<-"EOF"`, `2<<EOF`) among the words of an
/// instruction line, in order (`parser.go` `heredocsFromLine`, `reHeredoc`
/// `^(\d*)<<(-?)([^<]*)$`).
fn heredoc_markers(line: &MappedText) -> Vec<(Span, FoundHeredoc)> {
    shell_words(&line.text)
        .into_iter()
        .filter_map(|range| {
            let word = &line.text[range.clone()];
            let after_fd = word.trim_start_matches(|c: char| c.is_ascii_digit());
            let after = after_fd.strip_prefix("<<")?;
            let (chomp, delimiter) = match after.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, after),
            };
            if delimiter.is_empty() || delimiter.contains('<') {
                return None;
            }
            let (name, _) = unquote_until_blank(delimiter, 0);
            let expand = !delimiter.contains(['\'', '"']);
            let marker = line.span_to_source(span(range.start, range.end));
            Some((marker, FoundHeredoc { name, chomp, expand }))
        })
        .collect()
}

/// Blank-separated words with quotes and backslash escapes kept together
/// (the shell lexer with raw quotes that buildkit runs over the line to find
/// heredocs).
fn shell_words(text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push(s..i);
            }
            continue;
        }
        start.get_or_insert(i);
        match c {
            '\'' => {
                chars.by_ref().find(|(_, q)| *q == '\'');
            }
            '"' => {
                while let Some((_, q)) = chars.next() {
                    match q {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..text.len());
    }
    words
}

/// How arguments are written: a JSON array of strings is exec form,
/// anything else (invalid JSON too) is shell form (`line_parsers.go`
/// `parseMaybeJSON`).
pub fn exec_form(args: &MappedText) -> ArgsForm {
    let text = args.text.trim_start();
    let offset = args.text.len() - text.len();
    if !text.starts_with('[') {
        return ArgsForm::Shell;
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(text) else { return ArgsForm::Shell };
    if !values.iter().all(serde_json::Value::is_string) {
        return ArgsForm::NotAllStrings;
    }
    let words = json_string_ranges(text)
        .into_iter()
        .filter_map(|range| {
            let decoded = serde_json::from_str::<String>(&text[range.clone()]).ok()?;
            let range = offset + range.start..offset + range.end;
            let span = args.span_to_source(span(range.start, range.end));
            Some(Arg { text: decoded, span, range })
        })
        .collect::<Vec<_>>();
    if words.len() == values.len() { ArgsForm::Exec(words) } else { ArgsForm::Shell }
}

/// The ranges of the string literals (quotes included) of a JSON array that
/// holds only strings.
fn json_string_ranges(json: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut chars = json.char_indices();
    while let Some((start, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        while let Some((i, q)) = chars.next() {
            match q {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    ranges.push(start..i + 1);
                    break;
                }
                _ => {}
            }
        }
    }
    ranges
}

/// Words of `ENV`, `ARG`, `LABEL` arguments: blank-separated, quotes and
/// escapes kept for later processing (`line_parsers.go` `parseWords`). A
/// trailing escape character is dropped.
pub fn quoted_words(args: &MappedText, escape: char) -> Vec<Arg> {
    let text = &args.text;
    let mut ranges = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match (start, quote) {
            (None, _) if c.is_whitespace() => continue,
            (Some(s), None) if c.is_whitespace() => {
                ranges.push(s..end);
                start = None;
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
        end = i + c.len_utf8();
        match quote {
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            Some('\'') => {}
            _ if c == escape => match chars.next() {
                Some((j, next)) => end = j + next.len_utf8(),
                None => end = i,
            },
            _ => {}
        }
    }
    if let Some(s) = start {
        ranges.push(s..end);
    }
    ranges.into_iter().filter(|r| !r.is_empty()).map(|r| arg(args, r)).collect()
}

/// Words of `FROM`, `EXPOSE`, `COPY` arguments: separated by blanks, as
/// written (`line_parsers.go` `parseStringsWhitespaceDelimited`).
pub fn blank_separated(args: &MappedText) -> Vec<Arg> {
    let text = &args.text;
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (is_blank(c), start) {
            (true, Some(s)) => {
                words.push(arg(args, s..i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(arg(args, s..text.len()));
    }
    words
}

fn arg(args: &MappedText, range: Range<usize>) -> Arg {
    Arg { text: args.text[range.clone()].to_owned(), span: args.span_to_source(span(range.start, range.end)), range }
}

#[allow(clippy::cast_possible_truncation)] // files are capped far below 4 GiB
fn span(start: usize, end: usize) -> Span {
    Span::new(start as u32, end as u32)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(file: &Dockerfile) -> Vec<&str> {
        file.instructions.iter().map(|i| i.keyword.as_str()).collect()
    }

    #[test]
    fn instructions_comments_and_case() {
        let src = "# a comment\nfrom alpine:3.20 AS base\n\n  run echo hi\nCMD [\"sh\"]\n";
        let file = parse(src);
        assert_eq!(keywords(&file), ["FROM", "RUN", "CMD"]);
        assert_eq!(file.comments.len(), 1);
        assert!(file.directives.is_empty());
        let from = &file.instructions[0];
        assert_eq!(from.keyword_span.text(src), "from");
        assert_eq!(from.args.text, "alpine:3.20 AS base");
        assert_eq!(from.args.source_span().text(src), "alpine:3.20 AS base");
        assert_eq!(file.instructions[1].span.text(src), "run echo hi");
        assert!(file.errors.is_empty());
    }

    #[test]
    fn directives_only_at_the_top() {
        let src = "# syntax = docker/dockerfile:1.4\n# ESCAPE=`\n# check=skip=all\n# escape=\\\nFROM x\n";
        let file = parse(src);
        let names: Vec<_> = file.directives.iter().map(|d| (d.name.as_str(), d.value.as_str())).collect();
        assert_eq!(names, [("syntax", "docker/dockerfile:1.4"), ("escape", "`"), ("check", "skip=all")]);
        assert_eq!(file.directives[0].value_span.text(src), "docker/dockerfile:1.4");
        assert_eq!(file.escape, '`');
        assert_eq!(file.errors.len(), 1, "a second escape directive is an error");
        // after a comment, a directive-looking line is a comment
        let file = parse("# hello\n# escape=`\nFROM x\n");
        assert!(file.directives.is_empty());
        assert_eq!(file.escape, '\\');
        assert_eq!(file.comments.len(), 2);
    }

    #[test]
    fn continuation_lines_with_comments_inside() {
        let src = "RUN apt-get update \\\n  # a comment Docker skips\n\n    && apt-get install -y curl\nUSER app\n";
        let file = parse(src);
        assert_eq!(keywords(&file), ["RUN", "USER"]);
        let run = &file.instructions[0];
        assert_eq!(run.args.text, "apt-get update     && apt-get install -y curl");
        let curl = run.args.text.find("curl").unwrap();
        assert_eq!(run.args.span_to_source(span(curl, curl + 4)).text(src), "curl");
        assert_eq!(run.span.text(src), &src[..src.find("\nUSER").unwrap()]);
        assert_eq!(file.comments.len(), 1);
    }

    #[test]
    fn escaped_escape_is_not_a_continuation() {
        let file = parse("RUN echo \\\\\nCMD x\n");
        assert_eq!(keywords(&file), ["RUN", "CMD"]);
    }

    #[test]
    fn backtick_escape() {
        let src = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nRUN dir C:\\ ; `\n    echo done\n";
        let file = parse(src);
        assert_eq!(keywords(&file), ["FROM", "RUN"]);
        assert_eq!(file.instructions[1].args.text, "dir C:\\ ;     echo done");
    }

    #[test]
    fn flags() {
        let src = "RUN --mount=type=cache,target=\"/root/.cache\" --network=none pip install x\nCOPY --link --from=build /a /b\n";
        let file = parse(src);
        let run = &file.instructions[0];
        let flags: Vec<_> = run.flags.iter().map(|f| (f.name.as_str(), f.value.as_deref())).collect();
        assert_eq!(flags, [("mount", Some("type=cache,target=/root/.cache")), ("network", Some("none"))]);
        assert_eq!(run.flags[1].span.text(src), "--network=none");
        assert_eq!(run.args.text, "pip install x");
        let copy = &file.instructions[1];
        assert_eq!(copy.flags[0].value, None);
        assert_eq!(copy.args.text, "/a /b");
    }

    #[test]
    fn heredocs() {
        let src = "RUN <<EOF\napt-get update\napt-get install -y git\nEOF\nCOPY <<-\"CONF\" /etc/app.conf\n\tkey = $VALUE\n\tCONF\nRUN cat <<A <<B\na\nA\nb\nB\nCMD x\n";
        let file = parse(src);
        assert_eq!(keywords(&file), ["RUN", "COPY", "RUN", "CMD"]);
        let run = &file.instructions[0];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredocs[0].name, "EOF");
        assert_eq!(run.heredocs[0].content, "apt-get update\napt-get install -y git\n");
        assert_eq!(run.heredocs[0].body.text(src), "apt-get update\napt-get install -y git");
        assert_eq!(run.heredocs[0].marker.text(src), "<<EOF");
        assert!(run.span.text(src).ends_with("\nEOF"));
        let copy = &file.instructions[1];
        let doc = &copy.heredocs[0];
        assert_eq!((doc.name.as_str(), doc.chomp, doc.expand), ("CONF", true, false));
        assert_eq!(doc.content, "key = $VALUE\n");
        let two = &file.instructions[2];
        let names: Vec<_> = two.heredocs.iter().map(|h| (h.name.as_str(), h.content.as_str())).collect();
        assert_eq!(names, [("A", "a\n"), ("B", "b\n")]);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        let src = "FROM x\nRUN <<EOF\necho hi\n";
        let file = parse(src);
        let run = &file.instructions[1];
        assert!(!run.heredocs[0].terminated);
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].span.text(src), "<<EOF");
        assert!(file.errors[0].message.contains("unterminated heredoc"));
    }

    #[test]
    fn exec_form_needs_a_json_array_of_strings() {
        let src = "CMD [\"gunicorn\", \"-k\", \"gthread\", \"a\\\"b\"]";
        let file = parse(src);
        let ArgsForm::Exec(words) = exec_form(&file.instructions[0].args) else { panic!("exec form") };
        let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["gunicorn", "-k", "gthread", "a\"b"]);
        assert_eq!(words[0].span.text(src), "\"gunicorn\"");
        assert_eq!(exec_form(&parse("CMD [\"a\", 'b']").instructions[0].args), ArgsForm::Shell);
        assert_eq!(exec_form(&parse("CMD [\"a\", 1]").instructions[0].args), ArgsForm::NotAllStrings);
        assert_eq!(exec_form(&parse("CMD gunicorn app").instructions[0].args), ArgsForm::Shell);
        assert!(matches!(exec_form(&parse("ENTRYPOINT []").instructions[0].args), ArgsForm::Exec(w) if w.is_empty()));
        // heredocs are not looked for in exec form
        assert!(parse("RUN [\"sh\", \"<<EOF\"]").instructions[0].heredocs.is_empty());
    }

    #[test]
    fn word_splitting() {
        let src = "ENV a=b c=\"d e\" f=g\\ h";
        let file = parse(src);
        let words = quoted_words(&file.instructions[0].args, '\\');
        let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["a=b", "c=\"d e\"", "f=g\\ h"]);
        assert_eq!(words[1].span.text(src), "c=\"d e\"");
        let file = parse("EXPOSE 80/tcp  443");
        let texts: Vec<_> = blank_separated(&file.instructions[0].args).into_iter().map(|w| w.text).collect();
        assert_eq!(texts, ["80/tcp", "443"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for src in
            ["", "\\", "RUN \\", "#", "# escape=x\nFROM a", "\u{feff}FROM a", "RUN <<", "CMD [", "RUN <<'", "é\\\n"]
        {
            let _ = parse(src);
        }
        let file = parse("\u{feff}FROM a\r\nCMD b\r\n");
        assert_eq!(keywords(&file), ["FROM", "CMD"]);
        assert_eq!(file.instructions[1].args.text, "b");
    }
}
