//! Spring Boot's conversions of property text to the types hoplint reads.
//!
//! Durations (`org.springframework.boot.convert.DurationStyle`, HEAD): the
//! simple style `^([+-]?\d+)([a-zA-Z]{0,2})$` with the units `ns us ms s m h
//! d` (any case), or ISO-8601 (`^[+-]?[pP].*$`, `java.time.Duration.parse`).
//! The text is not trimmed. A bare number takes the property's
//! `@DurationUnit`, milliseconds when there is none: none of the properties
//! read here has one (`server.tomcat.keep-alive-timeout`,
//! `server.tomcat.connection-timeout`, `server.jetty.connection-idle-timeout`,
//! `server.undertow.no-request-timeout`, `server.netty.idle-timeout`,
//! `spring.lifecycle.timeout-per-shutdown-phase`: `LifecycleProperties` only
//! initialises the field with `Duration.ofSeconds(30)`).

/// A duration in milliseconds, rounded down as `Duration.toMillis()` does;
/// may be negative. `Err` says why Spring Boot rejects the text (it then
/// fails to start).
pub fn duration_millis(text: &str) -> Result<i64, String> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let nanos = if unsigned.starts_with(['p', 'P']) { iso8601_nanos(text) } else { simple_nanos(text) };
    let nanos = nanos.ok_or_else(|| format!("`{text}` is not a valid duration (e.g. `20s`, `500ms`, `PT20S`)"))?;
    i64::try_from(nanos.div_euclid(1_000_000)).map_err(|_| format!("`{text}` is out of range"))
}

fn simple_nanos(text: &str) -> Option<i128> {
    let digits_end = text.char_indices().find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '+' || *c == '-'))));
    let (number, unit) = text.split_at(digits_end.map_or(text.len(), |(i, _)| i));
    if !number.trim_start_matches(['+', '-']).bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // `Long.parseLong`.
    let value = i128::from(number.parse::<i64>().ok()?);
    let per_unit: i128 = match unit.to_ascii_lowercase().as_str() {
        "ns" => 1,
        "us" => 1_000,
        "" | "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        "d" => 86_400_000_000_000,
        _ => return None,
    };
    Some(value * per_unit)
}

/// `java.time.Duration.parse`: `[-+]P[nD][T[nH][nM][n[.f]S]]`, letters in
/// any case, each number with an optional sign, at least one part, and a
/// `T` only when a time part follows.
fn iso8601_nanos(text: &str) -> Option<i128> {
    let upper = text.to_ascii_uppercase();
    let (negative, rest) = match upper.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, upper.strip_prefix('+').unwrap_or(&upper)),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total: i128 = 0;
    let mut parts = 0;
    if !date.is_empty() {
        total += whole(date.strip_suffix('D')?)? * 86_400_000_000_000;
        parts += 1;
    }
    if let Some(mut time) = time {
        for (unit, nanos) in [('H', 3_600_000_000_000_i128), ('M', 60_000_000_000)] {
            if let Some(at) = time.find(unit) {
                total += whole(&time[..at])? * nanos;
                time = &time[at + 1..];
                parts += 1;
            }
        }
        if !time.is_empty() {
            total += seconds_nanos(time.strip_suffix('S')?)?;
            parts += 1;
        }
    }
    (parts > 0).then_some(if negative { -total } else { total })
}

/// A signed whole number (`[-+]?[0-9]+`).
fn whole(text: &str) -> Option<i128> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok().map(i128::from)
}

/// Seconds with up to nine fraction digits (`.` or `,`), in nanoseconds.
fn seconds_nanos(text: &str) -> Option<i128> {
    let (whole_part, fraction) = match text.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds = whole(whole_part)?;
    let padded = format!("{fraction:0<9}");
    let fraction_nanos: i128 = padded.parse().ok()?;
    let negative = whole_part.starts_with('-');
    Some(seconds * 1_000_000_000 + if negative { -fraction_nanos } else { fraction_nanos })
}

/// An `int` as Spring converts it (`NumberUtils.parseNumber`): all
/// whitespace removed, decimal, or hexadecimal with `0x`/`0X`/`#`.
pub fn int(text: &str) -> Result<i64, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (negative, unsigned) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let hex =
        unsigned.strip_prefix("0x").or_else(|| unsigned.strip_prefix("0X")).or_else(|| unsigned.strip_prefix('#'));
    let magnitude = match hex {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
            i64::from_str_radix(digits, 16).ok()
        }
        Some(_) => None,
        None if negative && unsigned.starts_with(['+', '-']) => None,
        None => unsigned.parse::<i64>().ok(),
    };
    magnitude
        .map(|m| if negative { -m } else { m })
        .filter(|n| i32::try_from(*n).is_ok())
        .ok_or_else(|| format!("`{text}` is not a 32-bit whole number"))
}

/// An enum constant as `LenientObjectToEnumConverterFactory` matches it:
/// trimmed, then compared on lowercase letters and digits only. `None`
/// when no constant matches.
pub fn enum_constant<'a>(text: &str, constants: &[&'a str]) -> Option<&'a str> {
    let canonical =
        |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    let wanted = canonical(text.trim());
    constants.iter().copied().find(|c| canonical(c) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_durations() {
        assert_eq!(duration_millis("20s"), Ok(20_000));
        assert_eq!(duration_millis("500ms"), Ok(500));
        assert_eq!(duration_millis("1m"), Ok(60_000));
        assert_eq!(duration_millis("2H"), Ok(7_200_000));
        assert_eq!(duration_millis("1d"), Ok(86_400_000));
        assert_eq!(duration_millis("20000"), Ok(20_000));
        assert_eq!(duration_millis("-1"), Ok(-1));
        assert_eq!(duration_millis("+3s"), Ok(3_000));
        assert_eq!(duration_millis("1500us"), Ok(1));
        assert_eq!(duration_millis("-1ns"), Ok(-1));
        for bad in ["20 s", "20s ", " 20s", "20sec", "s", "", "1.5s", "--1"] {
            assert!(duration_millis(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn iso_durations() {
        assert_eq!(duration_millis("PT20S"), Ok(20_000));
        assert_eq!(duration_millis("pt1m30s"), Ok(90_000));
        assert_eq!(duration_millis("PT0.5S"), Ok(500));
        assert_eq!(duration_millis("PT1,25S"), Ok(1_250));
        assert_eq!(duration_millis("P1DT1H"), Ok(90_000_000));
        assert_eq!(duration_millis("-PT5S"), Ok(-5_000));
        assert_eq!(duration_millis("PT-5S"), Ok(-5_000));
        assert_eq!(duration_millis("PT-0.5S"), Ok(-500));
        for bad in ["P", "PT", "PT5", "P5H", "PT5X", "P1DT"] {
            assert!(duration_millis(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ints_and_enums() {
        assert_eq!(int(" 100 "), Ok(100));
        assert_eq!(int("-1"), Ok(-1));
        assert_eq!(int("0x10"), Ok(16));
        assert!(int("ten").is_err());
        assert!(int("--5").is_err());
        assert!(int("0x-5").is_err());
        assert!(int("3000000000").is_err());
        assert_eq!(enum_constant(" Graceful ", &["graceful", "immediate"]), Some("graceful"));
        assert_eq!(enum_constant("IMMEDIATE", &["graceful", "immediate"]), Some("immediate"));
        assert_eq!(enum_constant("soft", &["graceful", "immediate"]), None);
    }
}
