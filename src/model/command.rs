//! Command lines as the hops write them (Dockerfile `CMD`/`ENTRYPOINT`,
//! Kubernetes `command`/`args`, compose `command`, Procfile, shell scripts):
//! words with their spans, and environment variables. Shell text is split
//! like POSIX `sh` would (quotes, backslashes), never executed.

use crate::source::FileId;
use crate::span::Span;

/// One word of a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word after quote removal.
    pub text: String,
    /// Where it is written (quotes included).
    pub span: Span,
}

/// How the command was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// A JSON/YAML list: the process is the first word.
    Exec,
    /// A string run by `/bin/sh -c`.
    Shell,
}

/// A command line found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLine {
    pub file: FileId,
    /// The whole command as written.
    pub span: Span,
    pub form: Form,
    pub words: Vec<Word>,
    /// Shell syntax beyond plain words (`&&`, `|`, `;`, `$VAR`, redirections)
    /// was seen: the words are a best effort.
    pub has_shell_syntax: bool,
}

/// An environment variable set for a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// `None` when the value comes from elsewhere (`valueFrom`, `${X}`).
    pub value: Option<String>,
    pub file: FileId,
    /// The value as written (or the name, when there is no value).
    pub span: Span,
}

impl CommandLine {
    /// The words after `exec`, `sh -c` unwrapping and the like are left to
    /// the caller; this returns the program's base name (`gunicorn` for
    /// `/usr/local/bin/gunicorn`).
    pub fn program(&self) -> Option<&str> {
        self.words.first().map(|w| w.text.rsplit('/').next().unwrap_or(&w.text))
    }
}

/// Splits shell text into words as `sh` does for simple commands: blanks
/// separate words; `'…'` is literal; `"…"` keeps `\"`, `\\`, `\$`, `` \` ``
/// escapes; a backslash outside quotes escapes the next character (and a
/// backslash-newline joins lines). `offset` is where `text` starts in its
/// file. Returns the words and whether other shell syntax was seen.
pub fn split_shell(text: &str, offset: u32) -> (Vec<Word>, bool) {
    let mut words = Vec::new();
    let mut shell_syntax = false;
    let mut current = String::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let at = |i: usize| offset + u32::try_from(i).unwrap_or(u32::MAX);
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(s) = start.take() {
                    words.push(Word { text: std::mem::take(&mut current), span: Span::new(at(s), at(i)) });
                }
            }
            '\'' => {
                start.get_or_insert(i);
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    current.push(q);
                }
            }
            '"' => {
                start.get_or_insert(i);
                while let Some((_, q)) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some((_, e @ ('"' | '\\' | '$' | '`'))) => {
                                current.push(*e);
                                chars.next();
                            }
                            Some((_, '\n')) => {
                                chars.next();
                            }
                            _ => current.push('\\'),
                        },
                        '$' | '`' => {
                            shell_syntax = true;
                            current.push(q);
                        }
                        _ => current.push(q),
                    }
                }
            }
            '\\' => {
                // A backslash-newline joins lines; any other escaped character is literal.
                if let Some((_, e)) = chars.next().filter(|(_, e)| *e != '\n') {
                    start.get_or_insert(i);
                    current.push(e);
                }
            }
            ';' | '&' | '|' | '<' | '>' | '(' | ')' | '`' | '$' | '*' | '?' => {
                shell_syntax = true;
                start.get_or_insert(i);
                current.push(c);
            }
            _ => {
                start.get_or_insert(i);
                current.push(c);
            }
        }
    }
    if let Some(s) = start {
        words.push(Word { text: current, span: Span::new(at(s), at(text.len())) });
    }
    (words, shell_syntax)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> (Vec<String>, bool) {
        let (words, syntax) = split_shell(text, 0);
        (words.into_iter().map(|w| w.text).collect(), syntax)
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(
            texts("gunicorn -k gthread --keep-alive 5 app:app").0,
            ["gunicorn", "-k", "gthread", "--keep-alive", "5", "app:app"]
        );
        assert_eq!(
            texts(r#"sh -c "exec gunicorn --bind \"0.0.0.0:8000\"""#).0,
            ["sh", "-c", r#"exec gunicorn --bind "0.0.0.0:8000""#]
        );
        assert_eq!(texts("a 'b c' d\\ e").0, ["a", "b c", "d e"]);
        assert_eq!(texts("gunicorn \\\n  --workers 2").0, ["gunicorn", "--workers", "2"]);
        assert!(texts("cd /app && gunicorn app").1);
        assert!(!texts("gunicorn app").1);
    }

    #[test]
    fn spans_point_at_the_words() {
        let text = "run  'x y' z";
        let (words, _) = split_shell(text, 10);
        assert_eq!(words[1].span, Span::new(15, 20));
        assert_eq!(&text[5..10], "'x y'");
    }
}
