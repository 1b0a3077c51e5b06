//! Gunicorn's command line and `GUNICORN_CMD_ARGS`, read as its argparse
//! parser reads them (gunicorn/config.py `Config.parser`, `Setting.add_option`):
//! `--keep-alive 5` and `--keep-alive=5`; `-k gthread`, `-kgthread` and
//! `-k=gthread`; repeated options keep the last value, except `-b`, which
//! appends; `--` ends the options. `GUNICORN_CMD_ARGS` is split like
//! `shlex.split` (gunicorn/config.py `get_cmd_args_from_env`).

use super::{Given, GivenSettings, GivenValue, Key, Kind};
use crate::model::command::{EnvVar, Word};
use crate::model::server_invocation::split_embedded;
use crate::model::setting::Setting;
use crate::source::FileId;
use crate::span::Span;
use crate::syntax::python::parse_int_literal;

/// What a gunicorn command line (or `GUNICORN_CMD_ARGS`) sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GunicornArgs {
    pub file: FileId,
    pub settings: GivenSettings,
    /// The application (`app:app`), the first positional argument.
    pub app: Option<Word>,
    /// Options gunicorn does not have (its parser then exits with a usage
    /// error) or that hoplint does not track.
    pub other_options: Vec<Word>,
}

/// Options that take no value (`action="store_true"`/`"store_const"` in
/// gunicorn/config.py), so the word after them is not theirs.
const SWITCHES: &[&str] = &[
    "-D",
    "--daemon",
    "-R",
    "--enable-stdio-inheritance",
    "-v",
    "--version",
    "-h",
    "--help",
    "--reload",
    "--spew",
    "--check-config",
    "--print-config",
    "--preload",
    "--no-sendfile",
    "--reuse-port",
    "--initgroups",
    "--disable-redirect-access-to-syslog",
    "--capture-output",
    "--log-syslog",
    "--proxy-protocol",
    "--suppress-ragged-eofs",
    "--do-handshake-on-connect",
    "--permit-obsolete-folding",
    "--strip-header-spaces",
    "--permit-unconventional-http-method",
    "--permit-unconventional-http-version",
    "--casefold-http-method",
];

/// Reads gunicorn's arguments (the words after `gunicorn`) written in `file`.
pub fn parse_gunicorn_args(file: FileId, words: &[Word]) -> GunicornArgs {
    let mut args = GunicornArgs { file, settings: GivenSettings::default(), app: None, other_options: Vec::new() };
    let mut binds: Vec<(String, Span)> = Vec::new();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        let text = word.text.as_str();
        if text == "--" {
            if args.app.is_none() {
                args.app = words.get(i).cloned();
            }
            break;
        }
        let Some((flag, inline)) = split_option(text) else {
            if args.app.is_none() {
                args.app = Some(word.clone());
            }
            continue;
        };
        let Some(key) = Key::ALL.into_iter().find(|k| k.flags().contains(&flag)) else {
            args.other_options.push(word.clone());
            let takes_value = inline.is_none() && !SWITCHES.contains(&flag);
            if takes_value && words.get(i).is_some_and(|w| !w.text.starts_with('-')) {
                i += 1;
            }
            continue;
        };
        let (value, span) = if let Some(inline) = inline {
            (inline.to_owned(), inline_span(word, inline))
        } else if let Some(next) = words.get(i) {
            i += 1;
            (next.text.clone(), next.span)
        } else {
            let reason = format!("`{flag}` has no value: gunicorn exits with a usage error");
            args.settings.values.insert(key, given(Setting::unknown(reason), file, word.span));
            continue;
        };
        if key == Key::Bind {
            binds.push((value, span));
            continue;
        }
        let setting = typed(key, flag, &value, file, span);
        args.settings.values.insert(key, given(setting, file, span));
    }
    if let (Some((_, first)), Some((_, last))) = (binds.first(), binds.last()) {
        let span = first.cover(*last);
        let value = GivenValue::List(binds.into_iter().map(|(v, _)| v).collect());
        args.settings.values.insert(Key::Bind, given(Setting::explicit(value, file, span), file, span));
    }
    args
}

/// Reads `GUNICORN_CMD_ARGS`. A value that comes from elsewhere
/// (`valueFrom`, `${X}`) may set anything: the result is opaque. Positional
/// arguments in it are ignored, as gunicorn ignores them.
pub fn parse_cmd_args_env(env: &EnvVar) -> GunicornArgs {
    let Some(value) = &env.value else {
        let mut args = parse_gunicorn_args(env.file, &[]);
        args.settings.opaque = Some(format!("`{}` is set from a value hoplint cannot read", env.name));
        return args;
    };
    let (words, _) = split_embedded(value, env.span);
    let mut args = parse_gunicorn_args(env.file, &words);
    args.app = None;
    args
}

fn given(value: Setting<GivenValue>, file: FileId, span: Span) -> Given {
    Given { value, file, span, env_defaults: Vec::new() }
}

/// `--flag`, `--flag=value`, `-k`, `-kvalue`, `-k=value`: the flag and an
/// attached value. `None` for a positional argument.
fn split_option(text: &str) -> Option<(&str, Option<&str>)> {
    if text.starts_with("--") {
        return Some(match text.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (text, None),
        });
    }
    // A lone `-` and negative numbers are positional.
    let rest = text.strip_prefix('-')?;
    let letter = rest.chars().next().filter(char::is_ascii_alphabetic)?;
    let flag = &text[..=letter.len_utf8()];
    let attached = &text[flag.len()..];
    Some((flag, (!attached.is_empty()).then(|| attached.strip_prefix('=').unwrap_or(attached))))
}

/// The span of an attached value inside its word, when the word is written
/// as is (no quotes or escapes).
fn inline_span(word: &Word, inline: &str) -> Span {
    let written = word.span.len() as usize;
    if written == word.text.len() {
        let start = word.span.end - u32::try_from(inline.len()).unwrap_or(0);
        Span::new(start, word.span.end)
    } else {
        word.span
    }
}

/// A command-line value as argparse (`type=int`) and gunicorn's validator
/// take it.
fn typed(key: Key, flag: &str, value: &str, file: FileId, span: Span) -> Setting<GivenValue> {
    match key.kind() {
        Kind::Count => match parse_int_literal(value, 10).map(u64::try_from) {
            Some(Ok(n)) => Setting::explicit(GivenValue::Count(n), file, span),
            Some(Err(_)) => Setting::unknown(format!("`{flag} {value}` is negative: gunicorn refuses to start")),
            None if value.contains('$') => {
                Setting::unknown(format!("`{flag} {value}` is expanded by the shell at run time"))
            }
            None => Setting::unknown(format!("`{flag} {value}` is not an integer: gunicorn exits with a usage error")),
        },
        Kind::Text | Kind::List if value.contains('$') => {
            Setting::unknown(format!("`{flag} {value}` is expanded by the shell at run time"))
        }
        Kind::Text | Kind::List => Setting::explicit(GivenValue::Text(value.trim().to_owned()), file, span),
    }
}

/// Which config file gunicorn loads (gunicorn/app/base.py `load_config`):
/// `-c` on the command line, else `-c` in `GUNICORN_CMD_ARGS`, else
/// `./gunicorn.conf.py` in the working directory when it exists (since 17.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigLocation {
    /// `-c PATH` or `-c file:PATH`.
    File { path: String, file: FileId, span: Span },
    /// `-c python:MODULE` (since 19.4).
    Module { name: String, file: FileId, span: Span },
    /// A value hoplint cannot read (`-c $CONF`).
    Unknown { reason: String },
    /// Nothing given: `gunicorn.conf.py` in the working directory.
    Default,
}

pub fn config_location(cli: Option<&GunicornArgs>, env_args: Option<&GunicornArgs>) -> ConfigLocation {
    let given = [cli, env_args].into_iter().flatten().find_map(|a| a.settings.values.get(&Key::Config));
    let Some(given) = given else { return ConfigLocation::Default };
    match &given.value.value {
        Some(GivenValue::Text(text)) => match text.strip_prefix("python:") {
            Some(name) => ConfigLocation::Module { name: name.to_owned(), file: given.file, span: given.span },
            None => ConfigLocation::File {
                path: text.strip_prefix("file:").unwrap_or(text).to_owned(),
                file: given.file,
                span: given.span,
            },
        },
        _ => ConfigLocation::Unknown {
            reason: match &given.value.origin {
                crate::model::setting::Origin::Unknown { reason } => reason.clone(),
                _ => "the config path is not a string".to_owned(),
            },
        },
    }
}
