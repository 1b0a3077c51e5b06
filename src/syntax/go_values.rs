//! How Go programs in the Kubernetes stack read values written as text:
//! `strconv.ParseInt(s, 0, 64)` (go-yaml v2 integers; mapstructure's weakly
//! typed string → int decoding in ingress-nginx) and `time.ParseDuration`
//! (`metav1.Duration` fields such as kube-proxy's conntrack timeouts).

use crate::model::setting::Millis;

/// `strconv.ParseInt(text, 0, 64)`: an optional sign, then a base prefix
/// (`0x` hex, `0o` or a leading `0` octal, `0b` binary) or decimal digits;
/// underscores only between digits or after a prefix (Go `underscoreOK`).
pub fn parse_int(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = unsigned.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits, prefixed) = match lower.as_deref() {
        Some("0x") => (16, &unsigned[2..], true),
        Some("0o") => (8, &unsigned[2..], true),
        Some("0b") => (2, &unsigned[2..], true),
        _ if unsigned.len() > 1 && unsigned.starts_with('0') => (8, &unsigned[1..], true),
        _ => (10, unsigned, false),
    };
    if !underscores_ok(digits, prefixed) {
        return None;
    }
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() || cleaned.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = i128::from(u64::from_str_radix(&cleaned, radix).ok()?);
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// Go's rule: an underscore must separate two digits, or follow a base prefix.
fn underscores_ok(digits: &str, prefixed: bool) -> bool {
    let bytes = digits.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| {
        if *b != b'_' {
            return true;
        }
        let before_ok = if i == 0 { prefixed } else { bytes[i - 1] != b'_' };
        let after_ok = bytes.get(i + 1).is_some_and(|n| *n != b'_');
        before_ok && after_ok
    })
}

/// `time.ParseDuration`: a sequence of decimal numbers, each with an optional
/// fraction and a unit (`ns us µs ms s m h`), e.g. `24h0m0s`, `1.5h`; `0`
/// alone needs no unit. Negative durations are refused here (no Kubernetes
/// timeout takes one). Returns milliseconds, truncated.
pub fn parse_duration(text: &str) -> Option<Millis> {
    let text = text.strip_prefix('+').unwrap_or(text);
    if text == "0" {
        return Some(Millis(0));
    }
    let mut rest = text;
    let mut total_ns: u128 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let unit_ns: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        total_ns = total_ns.checked_add(scaled(number, unit_ns)?)?;
        rest = next;
    }
    u64::try_from(total_ns / 1_000_000).ok().map(Millis)
}

/// `number` (digits with an optional fraction) times `unit_ns`.
fn scaled(number: &str, unit_ns: u128) -> Option<u128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut value = whole.checked_mul(unit_ns)?;
    let mut scale = unit_ns;
    for digit in fraction.bytes().take(18) {
        scale /= 10;
        value = value.checked_add(u128::from(digit - b'0') * scale)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_strconv_parse_int_base_0() {
        assert_eq!(parse_int("60"), Some(60));
        assert_eq!(parse_int("-5"), Some(-5));
        assert_eq!(parse_int("+7"), Some(7));
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("010"), Some(8));
        assert_eq!(parse_int("0b11"), Some(3));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("3600s"), None);
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_int("_1"), None);
        assert_eq!(parse_int("08"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("--1"), None);
        assert_eq!(parse_int("99999999999999999999"), None);
    }

    #[test]
    fn durations_follow_time_parse_duration() {
        assert_eq!(parse_duration("24h0m0s"), Some(Millis::from_secs(86_400)));
        assert_eq!(parse_duration("1h"), Some(Millis::from_secs(3600)));
        assert_eq!(parse_duration("1.5s"), Some(Millis(1500)));
        assert_eq!(parse_duration("300ms"), Some(Millis(300)));
        assert_eq!(parse_duration("0"), Some(Millis(0)));
        assert_eq!(parse_duration("60"), None);
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration(".s"), None);
    }
}
