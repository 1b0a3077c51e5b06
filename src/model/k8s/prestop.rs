//! How long a container's `preStop` hook holds back the stop signal: the
//! kubelet runs the hook to completion before it sends the signal, and the
//! grace period counts from the hook's start (backend-lifecycle-facts.md §B).

use crate::model::command::{CommandLine, Word, split_shell};
use crate::model::k8s::fields::Field;
use crate::model::k8s::pod::{HookAction, PreStopHook};
use crate::model::setting::{Millis, Setting};
use crate::source::FileId;
use crate::span::Span;

/// Shells whose `-c SCRIPT` is read for `sleep N`.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// The delay a preStop hook adds before the stop signal.
pub fn prestop_delay(hook: Option<&PreStopHook>, file: FileId) -> Setting<Millis> {
    let Some(hook) = hook else {
        return Setting::default(Millis(0), "Kubernetes: no preStop hook, the stop signal is sent at once");
    };
    match &hook.action {
        HookAction::Sleep(Field::Set(seconds)) => {
            Setting::explicit(Millis::from_secs(seconds.value.unsigned_abs()), file, seconds.span)
        }
        HookAction::Sleep(Field::Invalid { reason, .. }) => Setting::unknown(reason.clone()),
        HookAction::Sleep(Field::Absent) => Setting::unknown("preStop `sleep` without `seconds`"),
        HookAction::Exec(command) => exec_delay(command),
        HookAction::HttpGet { .. } => Setting::unknown("preStop `httpGet`: how long the endpoint takes is not known"),
        HookAction::Other => Setting::unknown("preStop hook without a `sleep` or `exec` action"),
    }
}

fn exec_delay(command: &CommandLine) -> Setting<Millis> {
    let unknown = || {
        let text: Vec<&str> = command.words.iter().map(|w| w.text.as_str()).collect();
        Setting::unknown(format!("preStop runs `{}`: how long it takes is not known", text.join(" ")))
    };
    let Some(first) = command.words.first() else { return unknown() };
    match base_name(&first.text) {
        // ingress-nginx's hook: it sends SIGTERM to the controller at once and
        // waits for nginx to drain (facts: nginx-ingress-facts.md §9,
        // cmd/waitshutdown/main.go), so it adds no delay before the drain.
        "wait-shutdown" => Setting::explicit(Millis(0), command.file, first.span),
        shell if SHELLS.contains(&shell) => {
            let script = command.words.iter().skip(1).skip_while(|w| !is_command_flag(&w.text)).nth(1);
            match script.and_then(|s| script_delay(&s.text)) {
                Some(delay) => Setting::explicit(delay, command.file, script.map_or(command.span, |s| s.span)),
                None => unknown(),
            }
        }
        _ => match sleep_delay(&command.words) {
            Some((delay, span)) => Setting::explicit(delay, command.file, span),
            None => unknown(),
        },
    }
}

/// `-c`, or combined short flags holding `c` (`-ec`, `-xc`).
fn is_command_flag(word: &str) -> bool {
    word.strip_prefix('-').is_some_and(|flags| !flags.starts_with('-') && flags.contains('c'))
}

fn base_name(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// A direct `sleep N…` command: the delay and the span of its arguments.
fn sleep_delay(words: &[Word]) -> Option<(Millis, Span)> {
    let (program, args) = words.split_first()?;
    if base_name(&program.text) != "sleep" || args.is_empty() {
        return None;
    }
    let total = args.iter().try_fold(0u64, |sum, arg| sum.checked_add(sleep_arg(&arg.text)?.0))?;
    let span = args.iter().fold(args[0].span, |span, arg| span.cover(arg.span));
    Some((Millis(total), span))
}

/// The total of the `sleep` commands in a script of simple commands joined by
/// newlines, `;` or `&&`. `None` when there is no `sleep`, or when loops,
/// pipes, `||`, background jobs or substitutions make the duration unknown.
fn script_delay(script: &str) -> Option<Millis> {
    let mut total = 0u64;
    let mut slept = false;
    for line in script.replace("\\\n", " ").lines() {
        let (words, _) = split_shell(line, 0);
        let mut command: Vec<&str> = Vec::new();
        for word in &words {
            let (text, ends_command) = match word.text.as_str() {
                "&&" | ";" => ("", true),
                text => text.strip_suffix(';').map_or((text, false), |rest| (rest, true)),
            };
            if is_opaque(text) {
                return None;
            }
            if !text.is_empty() {
                command.push(text);
            }
            if ends_command {
                slept |= add_sleep(&command, &mut total)?;
                command.clear();
            }
        }
        slept |= add_sleep(&command, &mut total)?;
    }
    slept.then_some(Millis(total))
}

/// Shell syntax whose effect on the duration cannot be read statically.
fn is_opaque(word: &str) -> bool {
    word.contains(['|', '&', '`', '(', ')', '<', '>'])
        || matches!(word, "while" | "until" | "for" | "if" | "do" | "then" | "case")
}

/// Adds a `sleep` command's duration to `total`. `Some(true)` when it was a
/// sleep, `Some(false)` for another command, `None` for an unreadable sleep.
fn add_sleep(command: &[&str], total: &mut u64) -> Option<bool> {
    let words = match command {
        ["exec", rest @ ..] => rest,
        _ => command,
    };
    match words.split_first() {
        Some((program, args)) if base_name(program) == "sleep" => {
            if args.is_empty() {
                return None;
            }
            for arg in args {
                *total = total.checked_add(sleep_arg(arg)?.0)?;
            }
            Some(true)
        }
        _ => Some(false),
    }
}

/// One argument of coreutils/busybox `sleep`: a decimal number with an
/// optional `s`, `m`, `h` or `d` suffix (`infinity` has no bound: `None`).
fn sleep_arg(arg: &str) -> Option<Millis> {
    let (number, unit_ms) = match arg.as_bytes().last()? {
        b's' => (&arg[..arg.len() - 1], 1_000),
        b'm' => (&arg[..arg.len() - 1], 60_000),
        b'h' => (&arg[..arg.len() - 1], 3_600_000),
        b'd' => (&arg[..arg.len() - 1], 86_400_000),
        _ => (arg, 1_000u64),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || !(whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())) {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut ms = whole.checked_mul(unit_ms)?;
    let mut scale = unit_ms;
    for digit in fraction.bytes().take(9) {
        scale /= 10;
        ms = ms.checked_add(u64::from(digit - b'0') * scale)?;
    }
    Some(Millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::command::Form;

    fn exec(words: &[&str]) -> CommandLine {
        let mut at = 0u32;
        let words = words
            .iter()
            .map(|w| {
                let len = u32::try_from(w.len()).unwrap();
                let word = Word { text: (*w).to_owned(), span: Span::new(at, at + len) };
                at += len + 1;
                word
            })
            .collect();
        CommandLine { file: FileId(0), span: Span::new(0, at), form: Form::Exec, words, has_shell_syntax: false }
    }

    fn delay(words: &[&str]) -> Option<u64> {
        let hook = PreStopHook { line: Span::default(), action: HookAction::Exec(exec(words)) };
        prestop_delay(Some(&hook), FileId(0)).value.map(|m| m.0)
    }

    #[test]
    fn sleeps_in_common_shell_forms() {
        assert_eq!(delay(&["sleep", "10"]), Some(10_000));
        assert_eq!(delay(&["/bin/sleep", "1.5"]), Some(1_500));
        assert_eq!(delay(&["sh", "-c", "sleep 10"]), Some(10_000));
        assert_eq!(delay(&["/bin/sh", "-ec", "sleep 5 && nginx -s quit"]), Some(5_000));
        assert_eq!(delay(&["bash", "-c", "echo draining; sleep 15; exit 0"]), Some(15_000));
        assert_eq!(delay(&["sh", "-c", "sleep 5\nkill -QUIT 1\n"]), Some(5_000));
        assert_eq!(delay(&["sh", "-c", "sleep 1m"]), Some(60_000));
        assert_eq!(delay(&["/wait-shutdown"]), Some(0));
    }

    #[test]
    fn unknown_durations() {
        assert_eq!(delay(&["sh", "-c", "nginx -s quit"]), None);
        assert_eq!(delay(&["sh", "-c", "while pgrep nginx; do sleep 1; done"]), None);
        assert_eq!(delay(&["sh", "-c", "sleep 5 || true"]), None);
        assert_eq!(delay(&["sleep", "infinity"]), None);
        assert_eq!(delay(&["curl", "-X", "POST", "http://localhost/drain"]), None);
        assert_eq!(delay(&["sh", "-c", "sleep $DELAY"]), None);
    }

    #[test]
    fn sleep_action_and_no_hook() {
        let none = prestop_delay(None, FileId(0));
        assert_eq!(none.value, Some(Millis(0)));
        assert!(!none.is_explicit());
        let sleep = PreStopHook {
            line: Span::default(),
            action: HookAction::Sleep(Field::Set(crate::model::k8s::Spanned { value: 7, span: Span::new(3, 4) })),
        };
        assert_eq!(
            prestop_delay(Some(&sleep), FileId(0)),
            Setting::explicit(Millis(7_000), FileId(0), Span::new(3, 4))
        );
    }
}
