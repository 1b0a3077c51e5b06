//! Option words read the way Python's argparse and click read them
//! (gunicorn, hypercorn, uvicorn): `--opt value`, `--opt=value`, `-o value`,
//! `-ovalue`, `-o=value`; `--` ends the options. Only the options a caller
//! asks about are interpreted; the others are kept aside, and the word after
//! one is taken as its value unless the option is a known switch.

use crate::model::command::Word;
use crate::span::Span;

/// One occurrence of a known option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence<K> {
    pub key: K,
    /// The option as written (`--keep-alive`, `-k`).
    pub flag: String,
    /// The option word (for messages and spans when the value is missing).
    pub word: Word,
    /// The value and where it is written; `None` when the command line ends
    /// before it (the parser exits with a usage error).
    pub value: Option<(String, Span)>,
}

/// What the words hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed<K> {
    /// Known options in order (later ones override earlier ones).
    pub options: Vec<Occurrence<K>>,
    pub positional: Vec<Word>,
    /// Options the caller does not know.
    pub other_options: Vec<Word>,
}

/// Reads `words`. `known` maps a flag to its key; `switches` lists options
/// that take no value.
pub fn parse<K: Copy>(words: &[Word], known: impl Fn(&str) -> Option<K>, switches: &[&str]) -> Parsed<K> {
    let mut parsed = Parsed { options: Vec::new(), positional: Vec::new(), other_options: Vec::new() };
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        if word.text == "--" {
            parsed.positional.extend(words[i..].iter().cloned());
            break;
        }
        let Some((flag, attached)) = split_option(&word.text) else {
            parsed.positional.push(word.clone());
            continue;
        };
        let Some(key) = known(flag) else {
            parsed.other_options.push(word.clone());
            let takes_value = attached.is_none() && !switches.contains(&flag);
            if takes_value && words.get(i).is_some_and(|w| !w.text.starts_with('-')) {
                i += 1;
            }
            continue;
        };
        let value = if let Some(attached) = attached {
            Some((attached.to_owned(), attached_span(word, attached)))
        } else if let Some(next) = words.get(i) {
            i += 1;
            Some((next.text.clone(), next.span))
        } else {
            None
        };
        parsed.options.push(Occurrence { key, flag: flag.to_owned(), word: word.clone(), value });
    }
    parsed
}

/// `--flag`, `--flag=value`, `-k`, `-kvalue`, `-k=value`: the flag and an
/// attached value. `None` for a positional argument (also `-` and `-1`).
fn split_option(text: &str) -> Option<(&str, Option<&str>)> {
    if text.starts_with("--") {
        return Some(match text.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (text, None),
        });
    }
    let rest = text.strip_prefix('-')?;
    let letter = rest.chars().next().filter(char::is_ascii_alphabetic)?;
    let flag = &text[..=letter.len_utf8()];
    let attached = &text[flag.len()..];
    Some((flag, (!attached.is_empty()).then(|| attached.strip_prefix('=').unwrap_or(attached))))
}

/// The span of an attached value inside its word when the word is written
/// as is (no quotes or escapes); else the word's span.
fn attached_span(word: &Word, attached: &str) -> Span {
    if word.span.len() as usize == word.text.len() {
        let start = word.span.end - u32::try_from(attached.len()).unwrap_or(0);
        Span::new(start, word.span.end)
    } else {
        word.span
    }
}

/// A whole number as Python's `int(str)` reads it (argparse `type=int`,
/// click `INTEGER`): blanks, a sign and `_` separators allowed.
pub fn python_int(text: &str) -> Option<i64> {
    crate::syntax::python::parse_int_literal(text, 10)
}

/// Why an option value that is not a whole number is unknown.
pub fn not_an_integer(flag: &str, value: &str, program: &str) -> String {
    if value.contains('$') {
        format!("`{flag} {value}` is expanded by the shell at run time")
    } else {
        format!("`{flag} {value}` is not an integer: {program} exits with a usage error")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::command::split_shell;

    #[test]
    fn forms() {
        let text = "-kgthread --keep-alive=5 -w 4 --reload app:app --log-level debug -- -x";
        let (words, _) = split_shell(text, 0);
        let known = |f: &str| match f {
            "-k" => Some('k'),
            "--keep-alive" => Some('a'),
            "-w" => Some('w'),
            _ => None,
        };
        let parsed = parse(&words, known, &["--reload"]);
        let values: Vec<_> =
            parsed.options.iter().map(|o| (o.key, o.value.as_ref().map(|(v, s)| (v.as_str(), s.text(text))))).collect();
        assert_eq!(values, [('k', Some(("gthread", "gthread"))), ('a', Some(("5", "5"))), ('w', Some(("4", "4")))]);
        let positional: Vec<_> = parsed.positional.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(positional, ["app:app", "-x"]);
        assert_eq!(parsed.other_options.len(), 2);
    }
}
