//! How nginx reads time, size and flag values (`src/core/ngx_parse.c`
//! `ngx_parse_time`/`ngx_parse_size`/`ngx_parse_offset`, and the
//! `ngx_conf_set_*_slot` setters in `src/core/ngx_conf_file.c`; facts §1.6).

/// Parses an nginx time like `ngx_parse_time`: numbers followed by units
/// `y M w d h m s ms`, each at most once and in descending order; a trailing
/// number without unit counts as seconds (`1h30` = 3630 s). `is_sec`: the
/// directive stores seconds (`ms` rejected); otherwise milliseconds (`y` and
/// `M` rejected). Returns milliseconds.
pub fn parse_time(text: &str, is_sec: bool) -> Option<u64> {
    // Steps in the order nginx enforces; a unit must come after the previous.
    const YEAR: u8 = 1;
    const MONTH: u8 = 2;
    const WEEK: u8 = 3;
    const DAY: u8 = 4;
    const HOUR: u8 = 5;
    const MIN: u8 = 6;
    const SEC: u8 = 7;
    const MSEC: u8 = 8;
    const LAST: u8 = 9;
    let bytes = text.as_bytes();
    let mut step = if is_sec { 0 } else { MONTH };
    let mut value: u64 = 0;
    let mut total: u64 = 0;
    let mut valid = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit() {
            value = value.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
            valid = true;
            i += 1;
            continue;
        }
        let (next, seconds): (u8, u64) = match c {
            b'y' if step == 0 => (YEAR, 365 * 24 * 3600),
            b'M' if step < MONTH => (MONTH, 30 * 24 * 3600),
            b'w' if step < WEEK => (WEEK, 7 * 24 * 3600),
            b'd' if step < DAY => (DAY, 24 * 3600),
            b'h' if step < HOUR => (HOUR, 3600),
            b'm' if bytes.get(i + 1) == Some(&b's') => {
                if is_sec || step >= MSEC {
                    return None;
                }
                i += 1;
                (MSEC, 0)
            }
            b'm' if step < MIN => (MIN, 60),
            b's' if step < SEC => (SEC, 1),
            b' ' if step < LAST => {
                // A space ends a number-with-unit; nginx allows "1h 30m".
                i += 1;
                continue;
            }
            _ => return None,
        };
        step = next;
        let ms = if next == MSEC { value } else { value.checked_mul(seconds)?.checked_mul(1000)? };
        total = total.checked_add(ms)?;
        value = 0;
        i += 1;
    }
    if !valid {
        return None;
    }
    total.checked_add(value.checked_mul(1000)?)
}

/// `ngx_parse_size`: bytes, or a number with `k`/`K`/`m`/`M`.
pub fn parse_size(text: &str) -> Option<u64> {
    parse_scaled(text, &[(b'k', 1024), (b'K', 1024), (b'm', 1 << 20), (b'M', 1 << 20)])
}

/// `ngx_parse_offset`: like a size, plus `g`/`G`.
pub fn parse_offset(text: &str) -> Option<u64> {
    parse_scaled(
        text,
        &[(b'k', 1024), (b'K', 1024), (b'm', 1 << 20), (b'M', 1 << 20), (b'g', 1 << 30), (b'G', 1 << 30)],
    )
}

fn parse_scaled(text: &str, units: &[(u8, u64)]) -> Option<u64> {
    let bytes = text.as_bytes();
    let (digits, scale) = match bytes.last() {
        Some(c) if !c.is_ascii_digit() => (&text[..text.len() - 1], units.iter().find(|(u, _)| u == c)?.1),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

/// `ngx_atoi` as used by `ngx_conf_set_num_slot`: a non-negative integer.
pub fn parse_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `ngx_conf_set_flag_slot`: `on` or `off`, any case.
pub fn parse_flag(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("on") {
        Some(true)
    } else if text.eq_ignore_ascii_case("off") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_nginx_reads_them() {
        assert_eq!(parse_time("60s", false), Some(60_000));
        assert_eq!(parse_time("60", false), Some(60_000));
        assert_eq!(parse_time("500ms", false), Some(500));
        assert_eq!(parse_time("1h30", false), Some(3_630_000));
        assert_eq!(parse_time("1h 30m", false), Some(5_400_000));
        assert_eq!(parse_time("1y", true), Some(365 * 24 * 3600 * 1000));
        assert_eq!(parse_time("60ss", false), None);
        assert_eq!(parse_time("1y", false), None);
        assert_eq!(parse_time("5ms", true), None);
        assert_eq!(parse_time("30m1h", false), None);
        assert_eq!(parse_time("s", false), None);
        assert_eq!(parse_time("", false), None);
        assert_eq!(parse_time("$timeout", false), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10m"), Some(10 << 20));
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("10mb"), None);
        assert_eq!(parse_size("1g"), None);
        assert_eq!(parse_offset("1g"), Some(1 << 30));
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_flag("ON"), Some(true));
    }
}
