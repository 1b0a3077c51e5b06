//! Commands written in a `Procfile` (`web: gunicorn app:app`) and in shell
//! scripts (`start.sh`, `docker-entrypoint.sh`): the simple commands a
//! shell would run, each with its words and spans, so that a server started
//! by `exec gunicorn …` on line 12 of a script is found. Scripts are read,
//! never run: control flow is flattened (every branch's commands are
//! listed) and here-document bodies are skipped.

use crate::model::command::{CommandLine, Form, split_shell};
use crate::source::FileId;
use crate::span::Span;

/// One `name: command` line of a Procfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcfileEntry {
    /// The process type (`web`, `worker`).
    pub process: String,
    pub process_span: Span,
    /// The command, run by `sh -c` (one command line, possibly with `&&`).
    pub command: CommandLine,
}

/// The processes a Procfile declares. Blank lines, `#` comments and lines
/// that are not `name: command` are skipped, as Heroku and foreman do.
pub fn procfile_entries(file: FileId, source: &str) -> Vec<ProcfileEntry> {
    let mut entries = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some((name, rest)) = line.split_once(':') else { continue };
        let process = name.trim();
        let valid = !process.is_empty() && process.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid || name.trim_start().starts_with('#') {
            continue;
        }
        let command = rest.trim_end_matches(['\n', '\r']);
        let leading = command.len() - command.trim_start().len();
        let command = command.trim();
        if command.is_empty() {
            continue;
        }
        let name_start = start + (name.len() - name.trim_start().len());
        let command_start = start + name.len() + 1 + leading;
        let (words, has_shell_syntax) = split_shell(command, to_u32(command_start));
        entries.push(ProcfileEntry {
            process: process.to_owned(),
            process_span: Span::new(to_u32(name_start), to_u32(name_start + process.len())),
            command: CommandLine {
                file,
                span: Span::new(to_u32(command_start), to_u32(command_start + command.len())),
                form: Form::Shell,
                words,
                has_shell_syntax,
            },
        });
    }
    entries
}

/// Every simple command of a shell script, in order.
pub fn commands_in_script(file: FileId, source: &str) -> Vec<CommandLine> {
    commands_in_text(file, source, 0)
}

/// Every simple command of shell text written at `offset` in `file`: split
/// at newlines, `;`, `&&`, `||`, `|` and `&` outside quotes and command
/// substitutions; backslash-newline joins lines; `#` comments and
/// here-document bodies are skipped; leading reserved words (`then`, `do`,
/// `if`…) and `case` patterns are dropped. `exec` is kept as a word.
pub fn commands_in_text(file: FileId, text: &str, offset: u32) -> Vec<CommandLine> {
    let mut commands = Vec::new();
    for segment in segments(text) {
        let Some((start, end)) = strip_syntax(text, segment) else { continue };
        let (words, has_shell_syntax) = split_shell(&text[start..end], offset + to_u32(start));
        if words.is_empty() {
            continue;
        }
        commands.push(CommandLine {
            file,
            span: Span::new(offset + to_u32(start), offset + to_u32(end)),
            form: Form::Shell,
            words,
            has_shell_syntax,
        });
    }
    commands
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Byte ranges of the simple commands of `text`.
fn segments(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    // Nesting of `$(…)` and backquotes: no command boundary inside.
    let mut substitution = 0usize;
    let mut backquote = false;
    let at_word_start = |i: usize| i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(');
    while i < bytes.len() {
        let nested = substitution > 0 || backquote;
        match bytes[i] {
            b'\\' => i += 2,
            b'\'' => i = skip_past(bytes, i + 1, b'\''),
            b'"' => i = skip_double_quoted(bytes, i + 1),
            b'`' => {
                backquote = !backquote;
                i += 1;
            }
            b'$' if bytes.get(i + 1) == Some(&b'(') => {
                substitution += 1;
                i += 2;
            }
            b'(' if substitution > 0 => {
                substitution += 1;
                i += 1;
            }
            b')' if substitution > 0 => {
                substitution -= 1;
                i += 1;
            }
            // A comment ends the command; its newline is read next.
            b'#' if !nested && at_word_start(i) => {
                out.push((start, i));
                i = bytes[i..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |p| i + p);
                start = i;
            }
            b'<' if !nested && bytes.get(i + 1) == Some(&b'<') && bytes.get(i + 2) != Some(&b'<') => {
                let (delimiter, strip_tabs, after) = heredoc_delimiter(text, i + 2);
                if let Some(delimiter) = delimiter {
                    heredocs.push((delimiter, strip_tabs));
                }
                i = after;
            }
            b'\n' if !nested => {
                out.push((start, i));
                i += 1;
                for (delimiter, strip_tabs) in heredocs.drain(..) {
                    i = skip_heredoc(text, i, &delimiter, strip_tabs);
                }
                start = i;
            }
            b';' | b'|' if !nested => {
                out.push((start, i));
                i += if bytes.get(i + 1) == Some(&bytes[i]) { 2 } else { 1 };
                start = i;
            }
            // `&` ends a command unless it is part of a redirection (`2>&1`, `&>`).
            b'&' if !(nested || i > 0 && bytes[i - 1] == b'>') && bytes.get(i + 1) != Some(&b'>') => {
                out.push((start, i));
                i += if bytes.get(i + 1) == Some(&b'&') { 2 } else { 1 };
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push((start, bytes.len().min(i)));
    out.into_iter().map(|(s, e)| (s.min(bytes.len()), e.min(bytes.len()))).filter(|(s, e)| s < e).collect()
}

/// The index just past the next `end` byte at or after `i` (or the end).
fn skip_past(bytes: &[u8], i: usize, end: u8) -> usize {
    bytes.get(i..).and_then(|rest| rest.iter().position(|b| *b == end)).map_or(bytes.len(), |p| i + p + 1)
}

fn skip_double_quoted(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Reads the delimiter after `<<` (or `<<-`): `EOF`, `'EOF'`, `"EOF"`.
/// Returns it (if any), whether leading tabs are stripped, and where
/// scanning resumes.
fn heredoc_delimiter(text: &str, mut i: usize) -> (Option<String>, bool, usize) {
    let bytes = text.as_bytes();
    let strip_tabs = bytes.get(i) == Some(&b'-');
    if strip_tabs {
        i += 1;
    }
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>') {
        i += 1;
    }
    let word: String = text[start..i].chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
    ((!word.is_empty()).then_some(word), strip_tabs, i)
}

/// The index after the line that closes a here-document begun at `i`.
fn skip_heredoc(text: &str, mut i: usize, delimiter: &str, strip_tabs: bool) -> usize {
    while i < text.len() {
        let end = skip_past(text.as_bytes(), i, b'\n');
        let line = text[i..end].trim_end_matches(['\n', '\r']);
        let line = if strip_tabs { line.trim_start_matches('\t') } else { line };
        i = end;
        if line == delimiter {
            break;
        }
    }
    i
}

/// Shell words that start compound commands or end them; what follows a
/// leading one is the command.
const RESERVED: &[&str] = &["then", "do", "else", "elif", "if", "while", "until", "!", "{", "(", "time"];
const CLOSING: &[&str] = &["fi", "done", "esac", "}", ")", "then", "do", "else", ";;"];

/// The command part of a segment: blanks, leading reserved words, a `case`
/// pattern (`web)`) and trailing `)`/`}` removed. `None` when nothing is
/// left to run.
fn strip_syntax(text: &str, (mut start, mut end): (usize, usize)) -> Option<(usize, usize)> {
    let word_end = |s: usize| text[s..end].find([' ', '\t', '\n', '\r']).map_or(end, |p| s + p);
    loop {
        start += text[start..end].len()
            - text[start..end].trim_start_matches(|c: char| c.is_whitespace() || c == '\\').len();
        if start >= end {
            return None;
        }
        let first = &text[start..word_end(start)];
        let is_pattern = first.ends_with(')') && !first.contains('(') && first.len() > 1;
        if RESERVED.contains(&first) || is_pattern || first == "in" {
            start = word_end(start);
            continue;
        }
        if let Some(opening) = ["{", "("].iter().find(|o| first.starts_with(**o) && first.len() > 1) {
            start += opening.len();
            continue;
        }
        break;
    }
    loop {
        end = start + text[start..end].trim_end().len();
        let last_start = text[start..end].rfind([' ', '\t', '\n']).map_or(start, |p| start + p + 1);
        if last_start > start && matches!(&text[last_start..end], "}" | ")") {
            end = last_start;
            continue;
        }
        // `(cd /srv && exec puma)`: the subshell's `)` is not an argument.
        let segment = &text[start..end];
        if segment.ends_with(')') && segment.matches(')').count() > segment.matches('(').count() {
            end -= 1;
            continue;
        }
        break;
    }
    let only = &text[start..end];
    (!CLOSING.contains(&only) && !only.is_empty()).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<Vec<String>> {
        commands_in_script(FileId(0), source)
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.text).collect())
            .collect()
    }

    #[test]
    fn procfile_lines() {
        let src = "# processes\nweb: gunicorn app:app --keep-alive 5\nworker:celery -A app worker\n\nbad line\n";
        let entries = procfile_entries(FileId(3), src);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].process, "web");
        assert_eq!(entries[0].process_span.text(src), "web");
        assert_eq!(entries[0].command.span.text(src), "gunicorn app:app --keep-alive 5");
        assert_eq!(entries[0].command.words[3].span.text(src), "5");
        assert_eq!(entries[1].command.words[0].text, "celery");
    }

    #[test]
    fn scripts_split_into_simple_commands() {
        let src = "#!/bin/sh\nset -e\n# start\ncd /app && python manage.py migrate; echo done # note\n\
                   exec gunicorn app:app \\\n  --keep-alive 75 \\\n  --workers 4\n";
        assert_eq!(
            texts(src),
            [
                vec!["set", "-e"],
                vec!["cd", "/app"],
                vec!["python", "manage.py", "migrate"],
                vec!["echo", "done"],
                vec!["exec", "gunicorn", "app:app", "--keep-alive", "75", "--workers", "4"],
            ]
        );
        let commands = commands_in_script(FileId(0), src);
        assert_eq!(commands[4].words[4].span.text(src), "75");
    }

    #[test]
    fn control_flow_heredocs_and_substitutions() {
        let src = "if [ \"$MODE\" = web ]; then\n  exec gunicorn app\nfi\ncat <<EOF > /tmp/x\nexec nope\nEOF\n\
                   case \"$1\" in\n  web) exec uvicorn app:app ;;\nesac\nX=$(echo a; echo b) run\n";
        assert_eq!(
            texts(src),
            [
                vec!["[", "$MODE", "=", "web", "]"],
                vec!["exec", "gunicorn", "app"],
                vec!["cat", "<<EOF", ">", "/tmp/x"],
                vec!["case", "$1", "in"],
                vec!["exec", "uvicorn", "app:app"],
                vec!["X=$(echo", "a;", "echo", "b)", "run"],
            ]
        );
    }

    #[test]
    fn redirections_and_background() {
        assert_eq!(texts("gunicorn app 2>&1 | tee log &\n"), [vec!["gunicorn", "app", "2>&1"], vec!["tee", "log"]]);
        assert_eq!(texts("(cd /srv && exec puma)\n"), [vec!["cd", "/srv"], vec!["exec", "puma"]]);
    }
}
