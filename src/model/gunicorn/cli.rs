//! Gunicorn's command line and `GUNICORN_CMD_ARGS`, read as its argparse
//! parser reads them (gunicorn/config.py `Config.parser`,
//! `Setting.add_option`; forms in [`crate::model::args`]): repeated options
//! keep the last value, except `-b`, which appends. `GUNICORN_CMD_ARGS` is
//! split like `shlex.split` (gunicorn/config.py `get_cmd_args_from_env`).

use super::{Given, GivenSettings, GivenValue, Key, Kind};
use crate::model::args;
use crate::model::command::{EnvVar, Word};
use crate::model::server_invocation::split_embedded;
use crate::model::setting::Setting;
use crate::source::FileId;
use crate::span::Span;

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
    let parsed = args::parse(words, |flag| Key::ALL.into_iter().find(|k| k.flags().contains(&flag)), SWITCHES);
    let mut settings = GivenSettings::default();
    let mut binds: Vec<(String, Span)> = Vec::new();
    for option in parsed.options {
        let Some((value, span)) = option.value else {
            let reason = format!("`{}` has no value: gunicorn exits with a usage error", option.flag);
            settings.values.insert(option.key, given(Setting::unknown(reason), file, option.word.span));
            continue;
        };
        // `-b` appends (action="append"); other options keep the last value.
        if option.key == Key::Bind {
            binds.push((value, span));
            continue;
        }
        let setting = typed(option.key, &option.flag, &value, file, span);
        settings.values.insert(option.key, given(setting, file, span));
    }
    if let (Some((_, first)), Some((_, last))) = (binds.first(), binds.last()) {
        let span = first.cover(*last);
        let value = GivenValue::List(binds.into_iter().map(|(v, _)| v).collect());
        settings.values.insert(Key::Bind, given(Setting::explicit(value, file, span), file, span));
    }
    GunicornArgs { file, settings, app: parsed.positional.into_iter().next(), other_options: parsed.other_options }
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

/// A command-line value as argparse (`type=int`) and gunicorn's validator
/// take it.
fn typed(key: Key, flag: &str, value: &str, file: FileId, span: Span) -> Setting<GivenValue> {
    match key.kind() {
        Kind::Count => match args::python_int(value).map(u64::try_from) {
            Some(Ok(n)) => Setting::explicit(GivenValue::Count(n), file, span),
            Some(Err(_)) => Setting::unknown(format!("`{flag} {value}` is negative: gunicorn refuses to start")),
            None => Setting::unknown(args::not_an_integer(flag, value, "gunicorn")),
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
