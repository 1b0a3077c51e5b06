//! Variable references in values, resolved without guessing: Dockerfile
//! words (`$VAR`, `${VAR:-word}`, with quote removal, as buildkit's shell
//! lexer processes `ENV`, `FROM`, `STOPSIGNAL` arguments) and Compose
//! interpolation (`${VAR:-default}`, `$$`). A variable the file does not
//! define (a build arg, the host's environment) is taken as unset, so a
//! written default applies; a reference with no default is unresolved.

use crate::span::Span;
use crate::syntax::mapped::MappedText;

/// The value of a variable the file defines, `None` when it does not.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A reference whose value cannot be known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// The variable's name.
    pub name: String,
}

/// What follows a braced variable's name (`${NAME:-word}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    /// `:-` (`colon`) or `-`: the word when unset (or empty).
    Default { colon: bool },
    /// `:+` or `+`: the word when set (and not empty).
    Alternative { colon: bool },
    /// `:?` or `?`: an error when unset (or empty).
    Required { colon: bool },
    /// Any other operator (`#`, `%`, `/` patterns): not evaluated.
    Other,
}

/// A `${…}` or `$NAME` reference.
struct Reference<'t> {
    name: &'t str,
    modifier: Option<(Modifier, &'t str)>,
    /// Bytes from the `$` to the end of the reference.
    len: usize,
}

/// Reads the reference at `text` (which starts with `$`); `None` when the
/// `$` starts none.
fn reference(text: &str) -> Option<Reference<'_>> {
    let after = text.strip_prefix('$')?;
    let name_len = |s: &str| s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    let Some(inner) = after.strip_prefix('{') else {
        let len = name_len(after);
        return (len > 0).then(|| Reference { name: &after[..len], modifier: None, len: 1 + len });
    };
    let close = matching_brace(inner)?;
    let body = &inner[..close];
    let name = &body[..name_len(body)];
    if name.is_empty() {
        return None;
    }
    let rest = &body[name.len()..];
    let (colon, op_text) = match rest.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let modifier = match op_text.chars().next() {
        None if !colon => None,
        Some('-') => Some((Modifier::Default { colon }, &op_text[1..])),
        Some('+') => Some((Modifier::Alternative { colon }, &op_text[1..])),
        Some('?') => Some((Modifier::Required { colon }, &op_text[1..])),
        _ => Some((Modifier::Other, "")),
    };
    Some(Reference { name, modifier, len: 2 + close + 1 })
}

/// The index of the `}` closing a `${`, nested references counted.
fn matching_brace(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = inner.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The value of a reference; `word` expands the modifier's word when needed.
fn evaluate(
    reference: &Reference<'_>,
    lookup: Lookup<'_>,
    word: &dyn Fn(&str) -> Result<String, Unresolved>,
) -> Result<String, Unresolved> {
    let unresolved = || Unresolved { name: reference.name.to_owned() };
    let value = lookup(reference.name);
    let Some((modifier, text)) = reference.modifier else { return value.ok_or_else(unresolved) };
    match (modifier, value) {
        (Modifier::Default { colon }, Some(v)) if colon && v.is_empty() => word(text),
        (Modifier::Default { .. } | Modifier::Required { colon: false }, Some(v)) => Ok(v),
        (Modifier::Required { colon: true }, Some(v)) if !v.is_empty() => Ok(v),
        (Modifier::Default { .. }, None) => word(text),
        (Modifier::Alternative { colon }, Some(v)) => {
            if colon && v.is_empty() {
                Ok(String::new())
            } else {
                word(text)
            }
        }
        _ => Err(unresolved()),
    }
}

/// Processes one Dockerfile word as buildkit's shell lexer does
/// (`frontend/dockerfile/shell/lex.go` `ProcessWord`): `'…'` is literal,
/// `"…"` keeps everything but `\"`, `\$` and `\\` escapes (with the file's
/// escape character) and references; outside quotes the escape character
/// makes the next character literal.
pub fn dockerfile_word(raw: &str, escape: char, lookup: Lookup<'_>) -> Result<String, Unresolved> {
    let mut out = String::new();
    let mut chars = raw.char_indices().peekable();
    let mut in_double = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if !in_double => {
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '"' => in_double = !in_double,
            c if c == escape => match chars.peek() {
                Some(&(_, next)) if !in_double || matches!(next, '"' | '$') || next == escape => {
                    out.push(next);
                    chars.next();
                }
                Some(_) => out.push(c),
                None => {}
            },
            '$' => match reference(&raw[i..]) {
                Some(found) => {
                    let word = |w: &str| dockerfile_word(w, escape, lookup);
                    out.push_str(&evaluate(&found, lookup, &word)?);
                    let end = i + found.len;
                    while chars.peek().is_some_and(|(j, _)| *j < end) {
                        chars.next();
                    }
                }
                None => out.push('$'),
            },
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// A text after Compose interpolation, mapped back to the text as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interpolated {
    /// Resolved references replace their `${…}`; unresolved ones stay as
    /// written.
    pub text: MappedText,
    /// The references that could not be resolved, by name.
    pub unresolved: Vec<String>,
}

/// Interpolates a Compose value (compose-spec `12-interpolation.md`:
/// `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`,
/// `${VAR:?error}`, nested defaults, `$$` for a literal `$`). Offsets in
/// the result map to offsets in `raw`.
pub fn compose_text(raw: &str, lookup: Lookup<'_>) -> Interpolated {
    let mut out = Interpolated::default();
    let mut literal_start = 0;
    let mut i = 0;
    while let Some(found) = raw[i..].find('$') {
        let at = i + found;
        let (replacement, len) = if raw[at..].starts_with("$$") {
            (Some("$".to_owned()), 2)
        } else if let Some(reference) = reference(&raw[at..]) {
            let word = |w: &str| {
                let inner = compose_text(w, lookup);
                match inner.unresolved.first() {
                    Some(name) => Err(Unresolved { name: name.clone() }),
                    None => Ok(inner.text.text),
                }
            };
            match evaluate(&reference, lookup, &word) {
                Ok(value) => (Some(value), reference.len),
                Err(missing) => {
                    out.unresolved.push(missing.name);
                    (None, reference.len)
                }
            }
        } else {
            (None, 1)
        };
        if let Some(value) = replacement {
            out.text.push_verbatim(&raw[literal_start..at], to_u32(literal_start));
            out.text.push_replacement(&value, Span::new(to_u32(at), to_u32(at + len)));
            literal_start = at + len;
        }
        i = at + len;
    }
    out.text.push_verbatim(&raw[literal_start..], to_u32(literal_start));
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "TAG" => Some("1.25".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn docker(raw: &str) -> Result<String, Unresolved> {
        dockerfile_word(raw, '\\', &vars)
    }

    #[test]
    fn dockerfile_words() {
        assert_eq!(docker("nginx:${TAG}-alpine").unwrap(), "nginx:1.25-alpine");
        assert_eq!(docker("nginx:$TAG").unwrap(), "nginx:1.25");
        assert_eq!(docker("\"d e\"").unwrap(), "d e");
        assert_eq!(docker("'$TAG'").unwrap(), "$TAG");
        assert_eq!(docker("a\\ b").unwrap(), "a b");
        assert_eq!(docker("\"a\\\"b\"").unwrap(), "a\"b");
        assert_eq!(docker("\\$TAG").unwrap(), "$TAG");
        assert_eq!(docker("${NOPE:-8000}").unwrap(), "8000");
        assert_eq!(docker("${EMPTY:-x}").unwrap(), "x");
        assert_eq!(docker("${EMPTY-x}").unwrap(), "");
        assert_eq!(docker("${TAG:+set}").unwrap(), "set");
        assert_eq!(docker("${NOPE:-${TAG}}").unwrap(), "1.25");
        assert_eq!(docker("${NOPE}").unwrap_err().name, "NOPE");
        assert_eq!(docker("${NOPE:+x}").unwrap_err().name, "NOPE");
        assert_eq!(docker("${TAG%.*}").unwrap_err().name, "TAG");
        assert_eq!(docker("a$").unwrap(), "a$");
        assert_eq!(dockerfile_word("a` b", '`', &vars).unwrap(), "a b");
    }

    #[test]
    fn compose_interpolation() {
        let raw = "gunicorn --bind 0.0.0.0:${PORT:-8000} --tag $TAG $$HOME ${MISSING}";
        let out = compose_text(raw, &vars);
        assert_eq!(out.text.text, "gunicorn --bind 0.0.0.0:8000 --tag 1.25 $HOME ${MISSING}");
        assert_eq!(out.unresolved, ["MISSING"]);
        let port = out.text.text.find("8000").unwrap();
        let span = out.text.span_to_source(Span::new(to_u32(port), to_u32(port + 4)));
        assert_eq!(span.text(raw), "${PORT:-8000}");
        let home = out.text.text.find("HOME").unwrap();
        assert_eq!(out.text.to_source(to_u32(home)), to_u32(raw.find("HOME").unwrap()));
        assert_eq!(compose_text("${A:-${B:-x}}", &vars).text.text, "x");
        assert_eq!(compose_text("plain", &vars).text.text, "plain");
        assert_eq!(compose_text("${", &vars).text.text, "${");
    }
}
