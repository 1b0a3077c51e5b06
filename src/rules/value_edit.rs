//! Rewriting a setting's value where it is written, in its own notation:
//! `2` (seconds), `20000` (milliseconds), `"20s"`, `'5'` keep their unit and
//! quotes. Used by fixes that change a backend's setting in whatever file
//! holds it (gunicorn.conf.py, a YAML `args:` list, an environment string,
//! server.xml, application.properties).

use crate::model::setting::Millis;

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
