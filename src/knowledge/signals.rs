//! Linux signal names and numbers, as Docker, Compose and Kubernetes accept
//! them in a stop signal.

/// Signal names without the `SIG` prefix, by Linux number (index + 1).
/// Source: Linux `arch/x86/include/uapi/asm/signal.h`; the same table is
/// moby/sys `signal/signal_linux.go` `SignalMap`, which Docker's
/// `ParseSignal` reads for `STOPSIGNAL` and `--stop-signal`.
const NAMES: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",
    "PWR", "SYS",
];

/// Other names `SignalMap` accepts for the same signals.
const ALIASES: [(&str, &str); 3] = [("IOT", "ABRT"), ("CLD", "CHLD"), ("POLL", "IO")];

/// glibc's first and last real-time signals (`SIGRTMIN` is 34 because glibc
/// reserves 32 and 33 for threads; moby/sys `signal_linux.go`).
const RTMIN: u32 = 34;
const RTMAX: u32 = 64;

/// The canonical name (`SIGQUIT`) of a stop signal written the way Docker's
/// `ParseSignal` reads it: a number, or a name in any case with or without
/// the `SIG` prefix (`3`, `quit`, `SIGQUIT`). `None` when Docker would reject
/// it, or for a number that names no signal.
pub fn normalize(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(number) = text.parse::<u32>() {
        return name_of(number);
    }
    let upper = text.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    let bare = ALIASES.iter().find(|(alias, _)| *alias == bare).map_or(bare, |(_, name)| name);
    if NAMES.contains(&bare) {
        return Some(format!("SIG{bare}"));
    }
    realtime_number(bare).and_then(name_of)
}

/// The name of signal `number`.
fn name_of(number: u32) -> Option<String> {
    match number {
        1..=31 => NAMES.get(number as usize - 1).map(|name| format!("SIG{name}")),
        RTMIN => Some("SIGRTMIN".to_owned()),
        RTMAX => Some("SIGRTMAX".to_owned()),
        n if n > RTMIN && n < RTMIN + 16 => Some(format!("SIGRTMIN+{}", n - RTMIN)),
        n if n > RTMIN && n < RTMAX => Some(format!("SIGRTMAX-{}", RTMAX - n)),
        _ => None,
    }
}

/// The number of `RTMIN`, `RTMIN+n`, `RTMAX`, `RTMAX-n`.
fn realtime_number(bare: &str) -> Option<u32> {
    if let Some(rest) = bare.strip_prefix("RTMIN") {
        let offset = if rest.is_empty() { 0 } else { rest.strip_prefix('+')?.parse::<u32>().ok()? };
        return (offset < 16).then_some(RTMIN + offset);
    }
    let rest = bare.strip_prefix("RTMAX")?;
    let offset = if rest.is_empty() { 0 } else { rest.strip_prefix('-')?.parse::<u32>().ok()? };
    (offset < 15).then_some(RTMAX - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_and_prefixes() {
        assert_eq!(normalize("SIGQUIT").as_deref(), Some("SIGQUIT"));
        assert_eq!(normalize("quit").as_deref(), Some("SIGQUIT"));
        assert_eq!(normalize("3").as_deref(), Some("SIGQUIT"));
        assert_eq!(normalize("15").as_deref(), Some("SIGTERM"));
        assert_eq!(normalize("28").as_deref(), Some("SIGWINCH"));
        assert_eq!(normalize("sigwinch").as_deref(), Some("SIGWINCH"));
        assert_eq!(normalize("IOT").as_deref(), Some("SIGABRT"));
        assert_eq!(normalize("RTMIN+3").as_deref(), Some("SIGRTMIN+3"));
        assert_eq!(normalize("35").as_deref(), Some("SIGRTMIN+1"));
        assert_eq!(normalize("63").as_deref(), Some("SIGRTMAX-1"));
        assert_eq!(normalize("64").as_deref(), Some("SIGRTMAX"));
    }

    #[test]
    fn rejects_what_docker_rejects() {
        assert_eq!(normalize("0"), None);
        assert_eq!(normalize("SIGFOO"), None);
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("32"), None);
        assert_eq!(normalize("$SIG"), None);
    }
}
