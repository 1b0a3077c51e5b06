//! Rewriting a setting's value where it is written, in its own notation:
//! `2` (seconds), `20000` (milliseconds), `"20s"`, `'5'` keep their unit and
//! quotes. Used by fixes that change a backend's setting in whatever file
//! holds it (gunicorn.conf.py, a YAML `args:` list, an environment string,
//! server.xml, application.properties).

use crate::fix::Edit;
use crate::model::backends::ProgramSite;
use crate::model::command::Form;
use crate::model::setting::Millis;
use crate::project::Project;
use crate::span::Span;

/// The text that replaces `written` (the value as it appears in the file,
/// quotes included when the span has them) so that it reads `target`,
/// knowing it read `current`. `None` when the notation is not one hoplint
/// can rewrite exactly (an expression, an ISO-8601 duration, a unit that
/// cannot express `target`).
pub fn rewrite_duration(written: &str, current: Millis, target: Millis) -> Option<String> {
    let (open, inner, close) = unquote(written);
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (number, suffix) = inner.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let unit = match suffix {
        // A bare number: its unit is whatever makes it read `current`.
        "" => (number > 0 && current.0.is_multiple_of(number)).then(|| current.0 / number)?,
        "ms" => 1,
        "s" => 1000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    if !suffix.is_empty() && number.checked_mul(unit) != Some(current.0) {
        return None;
    }
    let value = match suffix {
        "" if target.0.is_multiple_of(unit) => format!("{}", target.0 / unit),
        "" => return None,
        _ if target.0.is_multiple_of(unit) => format!("{}{suffix}", target.0 / unit),
        // `1m` cannot say 65 s: fall back to seconds.
        _ if target.0.is_multiple_of(1000) => format!("{}s", target.0 / 1000),
        _ => format!("{}ms", target.0),
    };
    Some(format!("{open}{value}{close}"))
}

/// An edit adding `option value` to a command line right after the word
/// naming the server, in the command's own notation: a shell string
/// (`gunicorn app` → `gunicorn --keep-alive 65 app`), a JSON or YAML flow
/// list (`"uvicorn", "--timeout-keep-alive", "65", …`), or a YAML block
/// sequence (two new `- ` items). `None` for a layout it cannot follow.
pub fn insert_option(project: &Project, site: ProgramSite, option: &str, value: &str) -> Option<Edit> {
    let text = &project.file(site.file).text;
    let (start, end) = (site.word.start as usize, site.word.end as usize);
    let before = text.get(..start)?.trim_end_matches([' ', '\t']);
    let list_item = site.form == Form::Exec && before.ends_with(['[', ',', '-']);
    if !list_item {
        // Words separated by spaces: a shell string, or a compose
        // `command:` string that compose splits itself.
        return Some(Edit::replace(site.file, Span::at(site.word.end), format!(" {option} {value}")));
    }
    if before.ends_with(['[', ',']) {
        let quote = if text[start..].starts_with('\'') { "'" } else { "\"" };
        let item = |s: &str| format!("{quote}{s}{quote}");
        return Some(Edit::replace(site.file, Span::at(site.word.end), format!(", {}, {}", item(option), item(value))));
    }
    let indent = before.strip_suffix('-')?;
    let line_start = indent.rfind('\n').map_or(0, |i| i + 1);
    let indent = &indent[line_start..];
    if !indent.trim().is_empty() {
        return None;
    }
    let line_end = text[end..].find('\n').map(|i| end + i + 1)?;
    let items = format!("{indent}- {option}\n{indent}- \"{value}\"\n");
    Some(Edit::replace(site.file, Span::at(u32::try_from(line_end).ok()?), items))
}

/// Splits matching surrounding quotes off `text`.
fn unquote(text: &str) -> (&str, &str, &str) {
    for quote in ["\"", "'"] {
        if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            return (quote, &text[1..text.len() - 1], quote);
        }
    }
    ("", text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_unit_and_quotes() {
        let s = Millis::from_secs;
        assert_eq!(rewrite_duration("2", s(2), s(65)).as_deref(), Some("65"));
        assert_eq!(rewrite_duration("\"2\"", s(2), s(65)).as_deref(), Some("\"65\""));
        assert_eq!(rewrite_duration("20000", s(20), s(65)).as_deref(), Some("65000"));
        assert_eq!(rewrite_duration("'20s'", s(20), s(65)).as_deref(), Some("'65s'"));
        assert_eq!(rewrite_duration("1m", s(60), s(65)).as_deref(), Some("65s"));
        assert_eq!(rewrite_duration("2000ms", s(2), s(65)).as_deref(), Some("65000ms"));
    }

    #[test]
    fn refuses_what_it_cannot_rewrite_exactly() {
        let s = Millis::from_secs;
        assert_eq!(rewrite_duration("PT20S", s(20), s(65)), None);
        assert_eq!(rewrite_duration("2 * 1", s(2), s(65)), None);
        assert_eq!(rewrite_duration("0", Millis(0), s(65)), None);
        assert_eq!(rewrite_duration("20s", s(30), s(65)), None);
        assert_eq!(rewrite_duration("${KA:2}", s(2), s(65)), None);
    }
}
